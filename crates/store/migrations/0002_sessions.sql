-- Sign-in sessions of tower-sessions, kept so that a restart signs nobody out.
-- Written so that PostgreSQL accepts it unchanged, as 0001 is.
CREATE TABLE sessions (
    -- tower-sessions' session id as it prints it: 22 characters of base64url.
    id TEXT NOT NULL PRIMARY KEY,
    -- The session's data (a map of keys to JSON values) as JSON text.
    data TEXT NOT NULL,
    -- Unix seconds after which the session is gone: not loaded, and deleted by the
    -- periodic clean-up.
    expires_at BIGINT NOT NULL
);

-- The periodic clean-up deletes by expiry.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
