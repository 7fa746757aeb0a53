-- Notes on the timeline: what an admin changed on a day, and what it concerns (blocks,
-- a custom workplace, or the whole tenant when both are empty). Written so that both
-- SQLite and PostgreSQL accept it, as the earlier migrations are. Times are unix
-- microseconds.
CREATE TABLE notes (
    -- Random base64url.
    id TEXT NOT NULL PRIMARY KEY,
    -- YYYY-MM-DD, the day the change took effect.
    day TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Block ids separated by commas, sorted; '' for none.
    block_ids TEXT NOT NULL,
    custom_workplace_id TEXT,
    -- Who wrote it: a person's name or an API token's name.
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX notes_by_day ON notes (day);
