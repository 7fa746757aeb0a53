-- Read-only links: a view of the dashboard that any person of the tenant may open
-- after signing in with Feishu, until it expires or is revoked. Written so that both
-- SQLite and PostgreSQL accept it, as the earlier migrations are. Times are unix
-- microseconds.
CREATE TABLE share_links (
    -- Random base64url (16 bytes): the link's address, not guessable.
    id TEXT NOT NULL PRIMARY KEY,
    -- The view's query ('?range=30d&workplace=…'; '' for the default view).
    view TEXT NOT NULL,
    -- Who made it: their name, their open_id, and (a viewer) the scope they had then,
    -- custom workplace ids and block ids separated by commas; both NULL for an admin.
    created_by TEXT NOT NULL,
    creator_open_id TEXT NOT NULL,
    scope_workplace_ids TEXT,
    scope_block_ids TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    -- How many times it was opened.
    opens BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX share_links_by_creator ON share_links (creator_open_id);
