-- What several replicas on one PostgreSQL agree on through the database: the Feishu
-- request budget and who fetches which missing day. Unused, and empty, on SQLite (one
-- server). Written so that both accept it, as the earlier migrations are. Times are
-- microseconds of the database's clock, the one clock every replica shares.

-- The grants of the shared request budget (at most N requests to Feishu in any one
-- second, over every replica). A grant counts from granted_at until `window` after
-- released_at (its answer); one never released (its replica died) counts until
-- `window` after expires_at, by when its request has been answered or has timed out.
CREATE TABLE rate_grants (
    id TEXT NOT NULL PRIMARY KEY,
    -- The replica that holds it: for logs and for finding one's own grants.
    holder TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    released_at BIGINT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX rate_grants_by_expiry ON rate_grants (expires_at);

-- Missing final days that a replica is fetching from Feishu: others wait for the day
-- to appear in held_days instead of fetching it too. A lease whose replica died
-- expires and may be taken over.
CREATE TABLE day_leases (
    filter_key TEXT NOT NULL,
    day TEXT NOT NULL,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (filter_key, day)
);
