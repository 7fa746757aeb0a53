//! Leases on background tasks, so that replicas sharing one PostgreSQL run a task such
//! as the history fetch once between them: the replica that holds the task's lease runs
//! it and takes the lease again (renews it) while it does; the others leave it be. A
//! lease names its holder and expires, so a replica that dies leaves the task to
//! another after the lease's lifetime, never stranded.
//!
//! One server on SQLite runs its tasks once by itself: there every lease is granted at
//! once, and nothing is written.

use std::time::Duration;

use crate::{Pool, Store, StoreError};

/// The database's clock in microseconds: the one clock all replicas share.
const DB_NOW_US: &str = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

impl Store {
    /// Takes (or renews) the lease of `task` for `holder` for `ttl` from now: true when
    /// `holder` holds it now (nobody held a live lease, or `holder` did), false while
    /// another holder's lease lasts. Call it again within `ttl` to keep the lease.
    pub async fn lease_task(&self, task: &str, holder: &str, ttl: Duration) -> Result<bool, StoreError> {
        let Pool::Postgres(pool) = &self.pool else { return Ok(true) };
        let taken: Option<String> = sqlx::query_scalar(&format!(
            "INSERT INTO task_leases (task, holder, expires_at) VALUES ($1, $2, {DB_NOW_US} + $3) \
             ON CONFLICT (task) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE task_leases.expires_at < {DB_NOW_US} OR task_leases.holder = excluded.holder \
             RETURNING holder"
        ))
        .bind(task)
        .bind(holder)
        .bind(i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX / 4))
        .fetch_optional(pool)
        .await
        .map_err(|source| StoreError::Database { action: "lease a background task", source })?;
        Ok(taken.is_some())
    }

    /// Gives up `holder`'s lease of `task` (the task is done for now), so that another
    /// replica may take it at once; a lease held by another is left alone.
    pub async fn release_task(&self, task: &str, holder: &str) -> Result<(), StoreError> {
        let Pool::Postgres(pool) = &self.pool else { return Ok(()) };
        sqlx::query("DELETE FROM task_leases WHERE task = $1 AND holder = $2")
            .bind(task)
            .bind(holder)
            .execute(pool)
            .await
            .map_err(|source| StoreError::Database { action: "release a background task's lease", source })?;
        Ok(())
    }
}
