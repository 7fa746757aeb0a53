//! Refreshes of the changing days (today, yesterday), at most one per filter and day
//! per interval, across every client and replica sharing the store: a loop of
//! `refresh=true` then costs Feishu one call a minute, not one per request.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::days::date_text;
use crate::{DayFilter, Store, StoreError};

/// Whether a refresh may fetch a day again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshClaim {
    /// Nobody fetched it again within the interval: this caller does, and the time is
    /// recorded.
    Granted,
    /// Someone did, at this time: serve what is held.
    RefreshedAt(DateTime<Utc>),
}

impl Store {
    /// Claims the refresh of `filter`'s `day` at `now`: granted when the last one is at
    /// least `min_interval` old (or there was none); one statement, so that concurrent
    /// claims, from any replica, grant one between them.
    pub async fn claim_refresh(
        &self,
        filter: &DayFilter,
        day: NaiveDate,
        now: DateTime<Utc>,
        min_interval: Duration,
    ) -> Result<RefreshClaim, StoreError> {
        let now_ms = now.timestamp_millis();
        let older_than = now_ms - i64::try_from(min_interval.as_millis()).unwrap_or(i64::MAX);
        let day = date_text(day);
        let granted: Option<i64> = with_pool!(&self.pool, |pool| {
            sqlx::query_scalar(
                "INSERT INTO refresh_gates (filter_key, day, refreshed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (filter_key, day) DO UPDATE SET refreshed_at = excluded.refreshed_at \
                 WHERE refresh_gates.refreshed_at <= $4 \
                 RETURNING refreshed_at",
            )
            .bind(filter.key())
            .bind(&day)
            .bind(now_ms)
            .bind(older_than)
            .fetch_optional(pool)
            .await
        })
        .map_err(|source| StoreError::Database { action: "claim a refresh", source })?;
        if granted.is_some() {
            return Ok(RefreshClaim::Granted);
        }
        let last: i64 = with_pool!(&self.pool, |pool| {
            sqlx::query_scalar("SELECT refreshed_at FROM refresh_gates WHERE filter_key = $1 AND day = $2")
                .bind(filter.key())
                .bind(&day)
                .fetch_one(pool)
                .await
        })
        .map_err(|source| StoreError::Database { action: "read a refresh's time", source })?;
        let at = DateTime::from_timestamp_millis(last)
            .ok_or_else(|| StoreError::Unreadable { what: format!("the refresh time {last}") })?;
        Ok(RefreshClaim::RefreshedAt(at))
    }
}
