//! Final days: saving them and loading them back.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::{DATE_FORMAT, DateRange, parse_date};
use sqlx::QueryBuilder;

use crate::{DayFilter, Store, StoreError, StoreStats, StoredDay, StoredRow, unix_seconds};

/// Rows per INSERT statement: at five values a row, 500 parameters, far under
/// SQLite's and PostgreSQL's limits, while a few hundred statements carry a year of a
/// busy workplace. Statements of the same size share one prepared statement.
const ROWS_PER_STATEMENT: usize = 100;

/// Days per DELETE and per INSERT of held days (at most 300 parameters).
const DAYS_PER_STATEMENT: usize = 100;

impl Store {
    /// The days held for `filter` within `range`, in date order, without their rows.
    pub async fn held_days(&self, filter: &DayFilter, range: DateRange) -> Result<Vec<NaiveDate>, StoreError> {
        let (from, to) = bounds(range);
        let days: Vec<String> = with_pool!(&self.pool, |pool| {
            sqlx::query_scalar("SELECT day FROM held_days WHERE filter_key = $1 AND day >= $2 AND day <= $3 ORDER BY day")
                .bind(filter.key())
                .bind(&from)
                .bind(&to)
                .fetch_all(pool)
                .await
        })
        .map_err(|source| StoreError::Database { action: "list the held days", source })?;
        days.iter().map(|d| read_date(d)).collect()
    }

    /// The days held for `filter` within `range` with their rows: days in date order,
    /// rows sorted by key. Days not held are left out; a held day nobody visited
    /// comes with no rows. All-block days are not used to answer `DayFilter::Block`.
    pub async fn load_days(&self, filter: &DayFilter, range: DateRange) -> Result<Vec<StoredDay>, StoreError> {
        let (from, to) = bounds(range);
        // One result row per day, its rows folded into text ("block pv uv,block pv uv"):
        // handing SQLite's rows one by one to async code costs more than SQLite takes to
        // find them, and a year of sixty blocks is twenty thousand rows. One statement
        // also sees a save running alongside whole or not at all. A day without rows
        // joins to NULLs, which string_agg skips, and comes back as NULL.
        let found: Vec<(String, Option<String>)> = with_pool!(&self.pool, |pool| {
            sqlx::query_as(
                "SELECT h.day, string_agg(r.block_id || ' ' || r.pv || ' ' || r.uv, ',' ORDER BY r.block_id) \
                 FROM held_days h \
                 LEFT JOIN day_rows r ON r.filter_key = h.filter_key AND r.day = h.day \
                 WHERE h.filter_key = $1 AND h.day >= $2 AND h.day <= $3 \
                 GROUP BY h.day \
                 ORDER BY h.day",
            )
            .bind(filter.key())
            .bind(&from)
            .bind(&to)
            .fetch_all(pool)
            .await
        })
        .map_err(|source| StoreError::Database { action: "load the held days", source })?;

        found
            .iter()
            .map(|(day_text, folded)| {
                let day = read_date(day_text)?;
                let rows = match folded {
                    Some(folded) => folded.split(',').map(|row| unfold_row(day, row)).collect::<Result<_, _>>()?,
                    None => Vec::new(),
                };
                Ok(StoredDay { day, rows })
            })
            .collect()
    }

    /// Saves final days for `filter`, replacing whatever was held for those days, in
    /// one transaction: all of them are saved or none. Durable when it returns, even if
    /// the process is killed the next instant.
    pub async fn save_days(&self, filter: &DayFilter, days: &[StoredDay]) -> Result<(), StoreError> {
        validate(filter, days)?;
        let day_texts: Vec<String> = days.iter().map(|d| date_text(d.day)).collect();
        let rows = days
            .iter()
            .zip(&day_texts)
            .flat_map(|(day, text)| day.rows.iter().map(move |row| (text.as_str(), row)))
            .map(|(day, row)| Ok((day, row.key.as_str(), to_i64(row.pv, "pv")?, to_i64(row.uv, "uv")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let key = filter.key();
        let saved_at = unix_seconds();
        let failed = |source| StoreError::Database { action: "save the final days", source };

        with_pool!(&self.pool, |pool| {
            let mut tx = pool.begin().await.map_err(failed)?;
            // Statements are built by QueryBuilder, which numbers the parameters the way the
            // database wants them: `?` here, where SQLite looks up each `$N` by name (so a
            // statement of many `$N` costs time square in their number), and `$N` on PostgreSQL.
            for chunk in day_texts.chunks(DAYS_PER_STATEMENT) {
                let mut delete = QueryBuilder::new("DELETE FROM day_rows WHERE filter_key = ");
                delete.push_bind(key).push(" AND day IN (");
                let mut listed = delete.separated(", ");
                for day in chunk {
                    listed.push_bind(day);
                }
                delete.push(")").build().execute(&mut *tx).await.map_err(failed)?;

                let mut hold = QueryBuilder::new("INSERT INTO held_days (filter_key, day, saved_at) ");
                hold.push_values(chunk, |mut tuple, day| {
                    tuple.push_bind(key).push_bind(day).push_bind(saved_at);
                });
                hold.push(" ON CONFLICT (filter_key, day) DO UPDATE SET saved_at = excluded.saved_at");
                hold.build().execute(&mut *tx).await.map_err(failed)?;
            }

            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                let mut insert = QueryBuilder::new("INSERT INTO day_rows (filter_key, day, block_id, pv, uv) ");
                insert.push_values(chunk, |mut tuple, &(day, block_id, pv, uv)| {
                    tuple.push_bind(key).push_bind(day).push_bind(block_id).push_bind(pv).push_bind(uv);
                });
                insert.build().execute(&mut *tx).await.map_err(failed)?;
            }
            tx.commit().await.map_err(failed)
        })
    }

    /// How many days and rows the store holds, over all filters.
    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        let (held_days, rows): (i64, i64) = with_pool!(&self.pool, |pool| {
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM held_days), (SELECT COUNT(*) FROM day_rows)").fetch_one(pool).await
        })
        .map_err(|source| StoreError::Database { action: "count what the store holds", source })?;
        Ok(StoreStats { held_days: read_count(held_days, "a count")?, rows: read_count(rows, "a count")? })
    }
}

/// Refuses days that would store something other than what they claim: for one
/// block's days, rows of another block; repeated days or keys; keys that would not
/// read back (empty, or with the separators of [`Store::load_days`]).
fn validate(filter: &DayFilter, days: &[StoredDay]) -> Result<(), StoreError> {
    let mut seen_days = HashSet::new();
    for day in days {
        let invalid = |problem: String| StoreError::InvalidDay { day: day.day, problem };
        if !seen_days.insert(day.day) {
            return Err(invalid("the day is given twice in one save".to_owned()));
        }
        let mut seen_keys = HashSet::new();
        for row in &day.rows {
            if row.key.is_empty() || row.key.contains([' ', ',']) {
                return Err(invalid(format!("the key {:?} is empty or holds a space or a comma", row.key)));
            }
            if let DayFilter::Block(only) = filter
                && row.key != only.as_str()
            {
                return Err(invalid(format!("a row of block {} is among the days of block {only}", row.key)));
            }
            if !seen_keys.insert(&row.key) {
                return Err(invalid(format!("{} has two rows", row.key)));
            }
        }
    }
    Ok(())
}

/// Reads one "key pv uv" of [`Store::load_days`]'s folded rows; [`validate`] keeps
/// both separators out of keys.
fn unfold_row(day: NaiveDate, text: &str) -> Result<StoredRow, StoreError> {
    let unreadable = || StoreError::Unreadable { what: format!("the row {text:?} of {day}") };
    let mut parts = text.split(' ');
    let (Some(key), Some(pv), Some(uv), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(unreadable());
    };
    Ok(StoredRow { key: key.to_owned(), pv: pv.parse().map_err(|_| unreadable())?, uv: uv.parse().map_err(|_| unreadable())? })
}

fn bounds(range: DateRange) -> (String, String) {
    (date_text(range.from()), date_text(range.to()))
}

/// Dates are stored as `YYYY-MM-DD` text, which sorts in date order.
pub(crate) fn date_text(day: NaiveDate) -> String {
    day.format(DATE_FORMAT).to_string()
}

pub(crate) fn read_date(text: &str) -> Result<NaiveDate, StoreError> {
    parse_date(text).ok_or_else(|| StoreError::Unreadable { what: format!("the date {text:?}") })
}

pub(crate) fn read_count(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Unreadable { what: format!("{what} of {value}") })
}

pub(crate) fn to_i64(value: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::TooLarge { what, value })
}
