//! The Feishu request budget that several replicas share through PostgreSQL: at most N
//! requests to Feishu in any window, over every replica together.
//!
//! Each grant is a row of `rate_grants`. Like the in-process budget of the `feishu`
//! crate, a grant counts from the moment it is granted until `window` after its
//! release (the answer to its request); a grant never released (its replica died, or
//! the release did not reach the database) counts until `window` after its lease
//! expires. Every time is the database's clock, the one clock all replicas share.
//!
//! Taking a grant runs in one transaction under a transaction-level advisory lock, so
//! that replicas take turns: two of them can never both see the last free slot.

use std::time::Duration;

use sqlx::PgPool;

use crate::{Store, StoreError};

/// The advisory lock key under which grants are taken ("BIRATE" in ASCII). Any fixed
/// number works as long as nothing else in the database locks the same one.
const GRANT_LOCK_KEY: i64 = 0x4249_5241_5445;

/// The longest wait suggested while some counted grant is still unreleased: its answer
/// may come (and free a slot one window later) at any moment, and the database does
/// not tell the waiters, so they look again after this.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// The database clock in microseconds since 1970, as the grants are stamped.
const DB_NOW_MICROS: &str = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

/// What [`Store::try_take_rate_grant`] came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateAttempt {
    /// One request may be sent; release the grant with [`Store::release_rate_grant`]
    /// once it has been answered.
    Granted {
        /// The grant's id.
        id: String,
    },
    /// The budget is spent: try again after this long (sooner is pointless, later
    /// merely slower).
    Wait(Duration),
}

impl Store {
    /// The PostgreSQL pool, or `None` for a store in SQLite.
    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            crate::Pool::Postgres(p) => Some(p),
            _ => None,
        }
    }

    /// Takes one grant of the shared budget of `max_requests` (at least 1) per `window`
    /// for `holder` (the replica, for logs), if one is free; else says how long to wait.
    ///
    /// The grant counts until `window` after it is released, or after `lease` from now
    /// should it never be: choose a lease longer than its request can take. A caller
    /// cancelled after the grant was committed leaves it to expire the same way.
    ///
    /// PostgreSQL only: on SQLite (one server) this fails, since a shared budget needs
    /// the shared store (`DATABASE_URL`).
    pub async fn try_take_rate_grant(
        &self,
        holder: &str,
        max_requests: u32,
        window: Duration,
        lease: Duration,
    ) -> Result<RateAttempt, StoreError> {
        const ACTION: &str = "take a grant of the shared Feishu request budget";
        let pool = self.shared_pool(ACTION)?;
        let database = |source| StoreError::Database { action: ACTION, source };
        let window_us = micros(window);
        let lease_us = micros(lease);
        let max = i64::from(max_requests.max(1));

        let mut tx = pool.begin().await.map_err(database)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(GRANT_LOCK_KEY).execute(&mut *tx).await.map_err(database)?;
        // Read after the lock is held: the time at which this turn decides.
        let now: i64 = sqlx::query_scalar(&format!("SELECT {DB_NOW_MICROS}")).fetch_one(&mut *tx).await.map_err(database)?;
        sqlx::query(
            "DELETE FROM rate_grants \
             WHERE (released_at IS NOT NULL AND released_at + $1 <= $2) \
                OR (released_at IS NULL AND expires_at + $1 <= $2)",
        )
        .bind(window_us)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(database)?;
        // What is left counts; the filter says so again for a row a release changes
        // in the meantime (a release only ever keeps a row counted longer).
        let (counted, first_released, any_unreleased): (i64, Option<i64>, Option<bool>) = sqlx::query_as(
            "SELECT count(*), min(released_at), bool_or(released_at IS NULL) FROM rate_grants \
             WHERE (released_at IS NOT NULL AND released_at + $1 > $2) \
                OR (released_at IS NULL AND expires_at + $1 > $2)",
        )
        .bind(window_us)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(database)?;

        if counted < max {
            let id = format!("{:032x}", rand::random::<u128>());
            sqlx::query(
                "INSERT INTO rate_grants (id, holder, granted_at, released_at, expires_at) \
                 VALUES ($1, $2, $3, NULL, $3 + $4)",
            )
            .bind(&id)
            .bind(holder)
            .bind(now)
            .bind(lease_us)
            .execute(&mut *tx)
            .await
            .map_err(database)?;
            tx.commit().await.map_err(database)?;
            return Ok(RateAttempt::Granted { id });
        }
        tx.commit().await.map_err(database)?;

        // The earliest released grant frees a slot when it leaves the window; one still
        // out may be released (and free a slot a window later) at any moment, or expire.
        let released_frees_in =
            first_released.map(|at| Duration::from_micros(non_negative(at.saturating_add(window_us).saturating_sub(now))));
        let poll = any_unreleased.unwrap_or(false).then_some(POLL_INTERVAL);
        let wait = match (released_frees_in, poll) {
            (Some(frees), Some(poll)) => frees.min(poll),
            (Some(frees), None) => frees,
            (None, Some(poll)) => poll,
            // Every counted row vanished between the two statements: look again soon.
            (None, None) => POLL_INTERVAL,
        };
        Ok(RateAttempt::Wait(wait.max(Duration::from_millis(1))))
    }

    /// Releases the grant `id`: its request was answered (or failed), and it counts for
    /// one more window from now, plus `grace` (for a request that ended without an
    /// answer and may still arrive). Releasing twice, or a grant already expired and
    /// gone, does nothing.
    pub async fn release_rate_grant(&self, id: &str, grace: Duration) -> Result<(), StoreError> {
        const ACTION: &str = "release a grant of the shared Feishu request budget";
        let pool = self.shared_pool(ACTION)?;
        sqlx::query(&format!("UPDATE rate_grants SET released_at = {DB_NOW_MICROS} + $2 WHERE id = $1 AND released_at IS NULL"))
            .bind(id)
            .bind(micros(grace))
            .execute(pool)
            .await
            .map_err(|source| StoreError::Database { action: ACTION, source })?;
        Ok(())
    }

    fn shared_pool(&self, action: &'static str) -> Result<&PgPool, StoreError> {
        self.pg_pool().ok_or_else(|| StoreError::Database {
            action,
            source: sqlx::Error::Configuration(
                "a request budget shared by several replicas needs the shared store in PostgreSQL: set DATABASE_URL \
                 (this server uses its own SQLite store, where the in-process budget applies)"
                    .into(),
            ),
        })
    }
}

/// Whole microseconds of `d`, as the database stores them.
fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

fn non_negative(us: i64) -> u64 {
    u64::try_from(us).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_postgres_database;

    const CONNECT: Duration = Duration::from_secs(10);

    async fn two_replicas() -> (Store, Store) {
        let url = fresh_postgres_database().await;
        let a = Store::connect(&url, CONNECT).await.expect("replica a connects");
        let b = Store::connect(&url, CONNECT).await.expect("replica b connects");
        (a, b)
    }

    fn granted(attempt: RateAttempt) -> String {
        match attempt {
            RateAttempt::Granted { id } => id,
            RateAttempt::Wait(wait) => panic!("expected a grant, told to wait {wait:?}"),
        }
    }

    fn waits(attempt: RateAttempt) -> Duration {
        match attempt {
            RateAttempt::Wait(wait) => wait,
            RateAttempt::Granted { id } => panic!("expected to wait, granted {id}"),
        }
    }

    #[tokio::test]
    async fn on_sqlite_a_shared_budget_asks_for_database_url() {
        let store = Store::open_in_memory().await.expect("store");
        let error = store
            .try_take_rate_grant("me", 20, Duration::from_secs(1), Duration::from_secs(5))
            .await
            .expect_err("SQLite has no shared budget");
        assert!(error.to_string().contains("DATABASE_URL"), "{error}");
        let error = store.release_rate_grant("x", Duration::ZERO).await.expect_err("nor releases");
        assert!(error.to_string().contains("DATABASE_URL"), "{error}");
    }

    #[tokio::test]
    async fn grants_over_both_replicas_stop_at_the_limit_and_free_a_window_after_release() {
        let (a, b) = two_replicas().await;
        let (window, lease) = (Duration::from_millis(400), Duration::from_secs(30));
        let first = granted(a.try_take_rate_grant("a", 3, window, lease).await.unwrap());
        let second = granted(b.try_take_rate_grant("b", 3, window, lease).await.unwrap());
        let third = granted(a.try_take_rate_grant("a", 3, window, lease).await.unwrap());
        // All three still out: they may be answered any moment, so poll soon.
        assert!(waits(b.try_take_rate_grant("b", 3, window, lease).await.unwrap()) <= POLL_INTERVAL);

        for id in [&first, &second, &third] {
            b.release_rate_grant(id, Duration::ZERO).await.unwrap();
        }
        // Releasing again, or an unknown grant, changes nothing.
        a.release_rate_grant(&first, Duration::ZERO).await.unwrap();
        a.release_rate_grant("no-such-grant", Duration::ZERO).await.unwrap();

        // Now the first released one frees a slot a whole window after its release.
        let wait = waits(a.try_take_rate_grant("a", 3, window, lease).await.unwrap());
        assert!(wait > Duration::from_millis(200) && wait <= window, "{wait:?}");
        tokio::time::sleep(wait).await;
        granted(b.try_take_rate_grant("b", 3, window, lease).await.unwrap());
    }

    #[tokio::test]
    async fn a_grant_never_released_frees_a_window_after_its_lease() {
        let (a, b) = two_replicas().await;
        let (window, lease) = (Duration::from_millis(200), Duration::from_millis(300));
        let started = std::time::Instant::now();
        granted(a.try_take_rate_grant("dead", 1, window, lease).await.unwrap());
        loop {
            match b.try_take_rate_grant("alive", 1, window, lease).await.unwrap() {
                RateAttempt::Granted { .. } => break,
                RateAttempt::Wait(wait) => tokio::time::sleep(wait).await,
            }
            assert!(started.elapsed() < Duration::from_secs(5), "the dead replica's grant never expired");
        }
        assert!(started.elapsed() >= Duration::from_millis(450), "freed after {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn replicas_asking_at_once_never_share_the_last_slot() {
        let (a, b) = two_replicas().await;
        let mut tasks = Vec::new();
        for i in 0..24 {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                store.try_take_rate_grant("r", 5, Duration::from_secs(60), Duration::from_secs(60)).await.unwrap()
            }));
        }
        let mut grants = 0;
        for task in tasks {
            if matches!(task.await.unwrap(), RateAttempt::Granted { .. }) {
                grants += 1;
            }
        }
        assert_eq!(grants, 5);
    }
}
