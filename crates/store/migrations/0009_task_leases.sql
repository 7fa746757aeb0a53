-- Background tasks that replicas sharing one PostgreSQL run once between them (the
-- history fetch): the replica holding a task's lease runs it, renewing the lease while
-- it does; a replica that dies leaves the task to another once the lease expires.
-- Unused, and empty, on SQLite (one server). Written so that both accept it, as the
-- earlier migrations are. Times are microseconds of the database's clock, the one
-- clock every replica shares.
CREATE TABLE task_leases (
    task TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
