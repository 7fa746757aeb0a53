-- Viewers: people who are not admins, each given view access to a scope of custom
-- workplaces and blocks. Written so that both SQLite and PostgreSQL accept it, as the
-- earlier migrations are. Times are unix microseconds.
CREATE TABLE viewers (
    -- Who: an open_id (ou_…), a union_id (on_…) or an e-mail address in lower case.
    who TEXT NOT NULL PRIMARY KEY,
    -- Custom workplace ids separated by commas, sorted; '' for none.
    custom_workplace_ids TEXT NOT NULL,
    -- Block ids separated by commas, sorted; '' for none.
    block_ids TEXT NOT NULL,
    -- The admin who granted it (their name), and when (the latest grant).
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL
);
