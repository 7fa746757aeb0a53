-- API tokens: an expiry, a permission of their own for chat digests, and who created
-- them as the sign-in knows that person (checked again at every use, so that a token
-- stops working when its creator loses access). Written so that PostgreSQL accepts it
-- unchanged.

-- Unix seconds after which the token no longer works; NULL: never (an admin's choice).
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
-- May change chat digest schedules and send test digests (POST/PUT/DELETE /api/v1/digests…).
ALTER TABLE api_tokens ADD COLUMN can_manage_digests BOOLEAN NOT NULL DEFAULT FALSE;
-- The creator's identity, as the server wrote it (open_id, union_id, e-mails); NULL for
-- tokens made before this column existed, which no longer work (their creator cannot be
-- checked).
ALTER TABLE api_tokens ADD COLUMN creator TEXT;

-- When the changing days (today, yesterday) of a filter were last fetched again on
-- request (a refresh), so that the same days are fetched at most once a minute across
-- every client and replica. Unix milliseconds of the replica that fetched.
CREATE TABLE refresh_gates (
    filter_key TEXT NOT NULL,
    day TEXT NOT NULL,
    refreshed_at BIGINT NOT NULL,
    PRIMARY KEY (filter_key, day)
);
