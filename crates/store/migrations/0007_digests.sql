-- Digest cards posted into Feishu chats on a schedule, and every (chat, period)
-- delivery with the claim that makes replicas send it once. Written so that PostgreSQL
-- accepts it unchanged, as the earlier migrations are. Times are unix microseconds of
-- the clock the caller passes in, so that two writes a millisecond apart still sort.

-- Which chats get a digest, when (in the tenant's time zone) and in which language.
CREATE TABLE digest_schedules (
    -- oc_… as Feishu gives it.
    chat_id TEXT NOT NULL PRIMARY KEY,
    -- The chat's name when it was chosen, for display.
    chat_name TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'zh')),
    -- 'weekly' on weekday (1 Monday to 7 Sunday) at hour, or 'daily' at hour.
    cadence TEXT NOT NULL,
    weekday BIGINT,
    hour BIGINT NOT NULL CHECK (hour >= 0 AND hour <= 23),
    enabled BOOLEAN NOT NULL,
    -- Who saved it: a person's name or an API token's name.
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((cadence = 'weekly' AND weekday >= 1 AND weekday <= 7) OR (cadence = 'daily' AND weekday IS NULL))
);

-- One digest of one chat for one period ('2026-11-21..2026-11-27', or 'test:…' for a
-- test sent by hand). No foreign key to the schedules: removing a schedule keeps the
-- history of what was sent.
CREATE TABLE digest_deliveries (
    chat_id TEXT NOT NULL,
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
    -- The replica that holds the claim, or last held it.
    holder TEXT,
    -- Until when the claim holds; past it (its replica died) another may take over.
    -- NULL once sent or failed.
    claimed_until BIGINT,
    -- Claims taken so far.
    attempts BIGINT NOT NULL CHECK (attempts >= 0),
    -- Feishu's dedup uuid, fixed at the first claim and sent again by every attempt,
    -- so that a message a dead replica did send is not posted twice.
    uuid TEXT NOT NULL,
    message_id TEXT,
    error_code BIGINT,
    error_message TEXT,
    -- A failure not worth retrying.
    permanent BOOLEAN NOT NULL,
    -- When a failure that is not permanent may be tried again.
    next_attempt_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, period)
);

-- The setup page lists the newest deliveries, of all chats or of one.
CREATE INDEX digest_deliveries_by_update ON digest_deliveries (updated_at);
CREATE INDEX digest_deliveries_of_chat_by_update ON digest_deliveries (chat_id, updated_at);
