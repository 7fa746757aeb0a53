//! Leases on missing final days, so that replicas sharing one PostgreSQL fetch each
//! day from Feishu once: the replica that holds a day's lease fetches it and saves it
//! in `held_days`; the others wait for it there. A lease names its holder and expires,
//! so a replica that dies leaves days for others to take over, never stranded.
//!
//! One server on SQLite coalesces its own fetches in memory and needs none of this:
//! there every day asked for is granted at once, and nothing is written.

use std::time::Duration;

use chrono::NaiveDate;

use crate::days::date_text;
use crate::{DayFilter, Pool, Store, StoreError};

/// How this process names itself as the holder of leases and rate grants in a store
/// shared with other replicas: `host/pid/random`, unique per call (so two services in
/// one process are told apart too), and readable in the tables for whoever looks.
pub fn replica_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|name| name.trim().chars().filter(|c| c.is_ascii_graphic()).take(64).collect::<String>())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned());
    format!("{host}/{}/{:08x}", std::process::id(), rand::random::<u32>())
}

/// `holder`'s leases among `$3` for `$1`, locked in day order, as taking leases locks
/// them: statements that lock the same rows in one order cannot deadlock.
const LOCK_IN_DAY_ORDER: &str = "SELECT filter_key, day FROM day_leases \
     WHERE filter_key = $1 AND holder = $2 AND day = ANY($3::text[]) ORDER BY day FOR UPDATE";

/// The database's clock in microseconds: the one clock all replicas share.
const DB_NOW_US: &str = "(extract(epoch from clock_timestamp()) * 1000000)::bigint";

impl Store {
    /// Takes the leases of `days` for `filter` on behalf of `holder` for `ttl`, and
    /// returns the days it got, in date order: those nobody holds a live lease on
    /// (or `holder` itself does) and that are not held in the store already. The
    /// others are being fetched by another replica, or are there to be loaded.
    pub async fn lease_days(
        &self,
        filter: &DayFilter,
        days: &[NaiveDate],
        holder: &str,
        ttl: Duration,
    ) -> Result<Vec<NaiveDate>, StoreError> {
        let Pool::Postgres(pool) = &self.pool else { return Ok(days.to_vec()) };
        if days.is_empty() {
            return Ok(Vec::new());
        }
        let texts: Vec<String> = days.iter().map(|d| date_text(*d)).collect();
        // Renewals and releases lock rows in day order as this does, but should
        // PostgreSQL still fail the statement to break a deadlock or a serialization
        // conflict, it is simply run again.
        let mut attempt = 0;
        let got: Vec<String> = loop {
            attempt += 1;
            let result = self.try_lease_days(pool, filter, &texts, holder, ttl).await;
            match result {
                Err(sqlx::Error::Database(e)) if attempt < 5 && matches!(e.code().as_deref(), Some("40P01" | "40001")) => {
                    tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
                }
                other => break other.map_err(|source| StoreError::Database { action: "lease missing days", source })?,
            }
        };
        let mut got: Vec<NaiveDate> = got.iter().map(|d| crate::days::read_date(d)).collect::<Result<_, _>>()?;
        got.sort_unstable();
        Ok(got)
    }

    async fn try_lease_days(
        &self,
        pool: &sqlx::PgPool,
        filter: &DayFilter,
        texts: &[String],
        holder: &str,
        ttl: Duration,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(&format!(
            "INSERT INTO day_leases (filter_key, day, holder, expires_at) \
             SELECT $1, d, $2, {DB_NOW_US} + $4 FROM unnest($3::text[]) AS d \
             WHERE NOT EXISTS (SELECT 1 FROM held_days h WHERE h.filter_key = $1 AND h.day = d) \
             ON CONFLICT (filter_key, day) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE day_leases.expires_at < {DB_NOW_US} OR day_leases.holder = excluded.holder \
             RETURNING day"
        ))
        .bind(filter.key())
        .bind(holder)
        .bind(texts)
        .bind(micros(ttl))
        .fetch_all(pool)
        .await
    }

    /// Extends `holder`'s leases on `days` by `ttl` from now, while it still fetches them.
    pub async fn renew_day_leases(
        &self,
        filter: &DayFilter,
        days: &[NaiveDate],
        holder: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let Pool::Postgres(pool) = &self.pool else { return Ok(()) };
        let texts: Vec<String> = days.iter().map(|d| date_text(*d)).collect();
        sqlx::query(&format!(
            "UPDATE day_leases SET expires_at = {DB_NOW_US} + $4 \
             WHERE (filter_key, day) IN ({LOCK_IN_DAY_ORDER})"
        ))
        .bind(filter.key())
        .bind(holder)
        .bind(&texts)
        .bind(micros(ttl))
        .execute(pool)
        .await
        .map_err(|source| StoreError::Database { action: "renew the leases of days being fetched", source })?;
        Ok(())
    }

    /// Gives up `holder`'s leases on `days`: they were saved, or the fetch failed and
    /// another replica may try.
    pub async fn release_day_leases(&self, filter: &DayFilter, days: &[NaiveDate], holder: &str) -> Result<(), StoreError> {
        let Pool::Postgres(pool) = &self.pool else { return Ok(()) };
        let texts: Vec<String> = days.iter().map(|d| date_text(*d)).collect();
        sqlx::query(&format!("DELETE FROM day_leases WHERE (filter_key, day) IN ({LOCK_IN_DAY_ORDER})"))
            .bind(filter.key())
            .bind(holder)
            .bind(&texts)
            .execute(pool)
            .await
            .map_err(|source| StoreError::Database { action: "release the leases of fetched days", source })?;
        Ok(())
    }
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX / 4)
}

#[cfg(test)]
mod tests {
    #[test]
    fn replica_names_differ_within_a_process() {
        let (a, b) = (super::replica_name(), super::replica_name());
        assert_ne!(a, b);
        assert!(a.contains(&format!("/{}/", std::process::id())), "{a}");
    }
}
