-- Tokens that scripts present as `Authorization: Bearer <token>` on /api/v1/.
-- Only the SHA-256 of a token is kept: the token itself is shown once, when created,
-- and cannot be read back from here. Written so that PostgreSQL accepts it unchanged.
CREATE TABLE api_tokens (
    -- A random id, not derived from the token; shown on the page and used to revoke.
    id TEXT NOT NULL PRIMARY KEY,
    -- What the admin called it, e.g. the script that uses it.
    name TEXT NOT NULL,
    -- SHA-256 of the whole token, as 64 lower-case hex digits; verification looks
    -- tokens up by it.
    token_hash TEXT NOT NULL UNIQUE,
    -- Who created it, as the sign-in knows the admin.
    created_by TEXT NOT NULL,
    -- Unix seconds.
    created_at BIGINT NOT NULL,
    -- Unix seconds of the last successful use, to the minute; NULL if never used.
    last_used_at BIGINT,
    -- Unix seconds of the revocation; NULL while the token works.
    revoked_at BIGINT
);
