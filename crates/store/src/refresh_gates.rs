//! Refreshes of the changing days (today, yesterday), at most one per filter and day
//! per interval, across every client and replica sharing the store: a loop of
//! `refresh=true` then costs Feishu one call a minute, not one per request.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::days::date_text;
use crate::{DayFilter, Store, StoreError};

/// What a refresh of some changing days may do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefreshClaims {
    /// The days nobody fetched again within the interval: this caller fetches them, and
    /// the time is recorded.
    pub granted: Vec<(DayFilter, NaiveDate)>,
    /// When the others were last fetched again (the latest such time): serve what is
    /// held. `None` when every day was granted.
    pub held_since: Option<DateTime<Utc>>,
}

impl Store {
    /// Claims the refresh of each of `days` (a filter and a day; a query names at most a
    /// few hundred) at `now`: a day is granted when its last refresh is at least
    /// `min_interval` old (or there was none). One statement claims them all, so that
    /// concurrent claims, from any replica, grant each day once between them.
    pub async fn claim_refreshes(
        &self,
        days: &[(DayFilter, NaiveDate)],
        now: DateTime<Utc>,
        min_interval: Duration,
    ) -> Result<RefreshClaims, StoreError> {
        if days.is_empty() {
            return Ok(RefreshClaims::default());
        }
        let now_ms = now.timestamp_millis();
        let older_than = now_ms - i64::try_from(min_interval.as_millis()).unwrap_or(i64::MAX);
        let keys: Vec<(String, String)> = days.iter().map(|(filter, day)| (filter.key().to_owned(), date_text(*day))).collect();
        // ($3, $4, $1), ($5, $6, $1), …: the time once, then each filter and day.
        let values: Vec<String> = (0..keys.len()).map(|i| format!("(${}, ${}, $1)", 2 * i + 3, 2 * i + 4)).collect();
        let claim = format!(
            "INSERT INTO refresh_gates (filter_key, day, refreshed_at) VALUES {} \
             ON CONFLICT (filter_key, day) DO UPDATE SET refreshed_at = excluded.refreshed_at \
             WHERE refresh_gates.refreshed_at <= $2 \
             RETURNING filter_key, day",
            values.join(", ")
        );
        let granted: Vec<(String, String)> = with_pool!(&self.pool, |pool| {
            let mut query = sqlx::query_as(&claim).bind(now_ms).bind(older_than);
            for (filter, day) in &keys {
                query = query.bind(filter).bind(day);
            }
            query.fetch_all(pool).await
        })
        .map_err(|source| StoreError::Database { action: "claim a refresh", source })?;
        let index: HashMap<&(String, String), usize> = keys.iter().enumerate().map(|(i, key)| (key, i)).collect();
        let mut granted: Vec<usize> = granted.iter().filter_map(|key| index.get(key).copied()).collect();
        granted.sort_unstable();
        let held: Vec<&(String, String)> =
            keys.iter().enumerate().filter(|(i, _)| !granted.contains(i)).map(|(_, k)| k).collect();
        let held_since = if held.is_empty() { None } else { Some(self.last_refresh(&held).await?) };
        Ok(RefreshClaims { granted: granted.into_iter().map(|i| days[i].clone()).collect(), held_since })
    }

    /// The latest recorded refresh among `held` (filter keys and day texts).
    async fn last_refresh(&self, held: &[&(String, String)]) -> Result<DateTime<Utc>, StoreError> {
        let any: Vec<String> =
            (0..held.len()).map(|i| format!("(filter_key = ${} AND day = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("SELECT MAX(refreshed_at) FROM refresh_gates WHERE {}", any.join(" OR "));
        let last: Option<i64> = with_pool!(&self.pool, |pool| {
            let mut query = sqlx::query_scalar(&sql);
            for (filter, day) in held {
                query = query.bind(filter).bind(day);
            }
            query.fetch_one(pool).await
        })
        .map_err(|source| StoreError::Database { action: "read a refresh's time", source })?;
        let last = last.ok_or_else(|| StoreError::Unreadable { what: "a refresh held back without a time".into() })?;
        DateTime::from_timestamp_millis(last).ok_or_else(|| StoreError::Unreadable { what: format!("the refresh time {last}") })
    }
}
