-- Block Insights' store. Written so that PostgreSQL accepts it unchanged: dates are
-- TEXT in YYYY-MM-DD (which sorts like the dates it names), counts are BIGINT.

-- A day whose numbers are final and known, for one filter: '*' for all blocks, or a
-- block id. A held day may have no rows at all: nobody visited, and that is a fact
-- worth keeping, since asking Feishu again would spend quota to learn it again.
CREATE TABLE held_days (
    filter_key TEXT NOT NULL,
    day TEXT NOT NULL,
    -- Unix seconds of the save, for whoever wonders how old a day's numbers are.
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (filter_key, day)
);

-- The rows Feishu returned for a held day. The primary key doubles as the index that
-- loading a range of days walks, in (day, block id) order.
CREATE TABLE day_rows (
    filter_key TEXT NOT NULL,
    day TEXT NOT NULL,
    block_id TEXT NOT NULL,
    pv BIGINT NOT NULL CHECK (pv >= 0),
    uv BIGINT NOT NULL CHECK (uv >= 0),
    PRIMARY KEY (filter_key, day, block_id),
    FOREIGN KEY (filter_key, day) REFERENCES held_days (filter_key, day) ON DELETE CASCADE
);

-- The names admins give blocks (Feishu's API knows only ids), and optional groups.
CREATE TABLE block_labels (
    block_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    group_name TEXT
);

-- Calls made to Feishu per calendar month ('YYYY-MM'), for plans with a monthly quota.
CREATE TABLE upstream_calls (
    month TEXT NOT NULL PRIMARY KEY,
    calls BIGINT NOT NULL CHECK (calls >= 0)
);
