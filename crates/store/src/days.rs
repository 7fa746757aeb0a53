//! Final days: saving them and loading them back.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::{parse_date, AccessRow, BlockId, DateRange, DATE_FORMAT};

use crate::{unix_seconds, DayFilter, Store, StoreError, StoreStats, StoredDay};

/// Rows per INSERT statement. Five values a row keeps a statement at 500 parameters,
/// far under SQLite's and PostgreSQL's limits, while one statement carries a day or
/// more of a busy workplace.
const ROWS_PER_INSERT: usize = 100;

/// A held day and one of its rows as loaded: (day, block id, pv, uv), the last three
/// NULL for a day without rows.
type LoadedRow = (String, Option<String>, Option<i64>, Option<i64>);

impl Store {
    /// The days held for `filter` within `range`, in date order, without their rows.
    pub async fn held_days(&self, filter: &DayFilter, range: DateRange) -> Result<Vec<NaiveDate>, StoreError> {
        let (from, to) = bounds(range);
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT day FROM held_days WHERE filter_key = $1 AND day >= $2 AND day <= $3 ORDER BY day",
        )
        .bind(filter.key())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(|source| StoreError::Database { action: "list the held days", source })?;
        days.iter().map(|d| read_date(d)).collect()
    }

    /// The days held for `filter` within `range` with their rows: days in date order,
    /// rows sorted by block id. Days not held are left out; a held day nobody visited
    /// comes with no rows. All-block days are not used to answer `DayFilter::Block`.
    pub async fn load_days(&self, filter: &DayFilter, range: DateRange) -> Result<Vec<StoredDay>, StoreError> {
        let (from, to) = bounds(range);
        // One statement, so that a save running alongside is seen whole or not at all.
        // The outer join keeps held days without rows, as a row of NULLs.
        let found: Vec<LoadedRow> = sqlx::query_as(
            "SELECT h.day, r.block_id, r.pv, r.uv \
             FROM held_days h \
             LEFT JOIN day_rows r ON r.filter_key = h.filter_key AND r.day = h.day \
             WHERE h.filter_key = $1 AND h.day >= $2 AND h.day <= $3 \
             ORDER BY h.day, r.block_id",
        )
        .bind(filter.key())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(|source| StoreError::Database { action: "load the held days", source })?;

        let mut days: Vec<StoredDay> = Vec::new();
        let mut last_text: Option<&str> = None;
        for (day_text, block_id, pv, uv) in &found {
            if last_text != Some(day_text.as_str()) {
                days.push(StoredDay { day: read_date(day_text)?, rows: Vec::new() });
                last_text = Some(day_text);
            }
            let (Some(block_id), Some(pv), Some(uv)) = (block_id, pv, uv) else {
                continue;
            };
            let Some(current) = days.last_mut() else { continue };
            current.rows.push(AccessRow {
                date: current.day,
                block_id: BlockId::parse(block_id)
                    .map_err(|_| StoreError::Unreadable { what: format!("the block id {block_id:?}") })?,
                pv: read_count(*pv, "a page view count")?,
                uv: read_count(*uv, "a user count")?,
            });
        }
        Ok(days)
    }

    /// Saves final days for `filter`, replacing whatever was held for those days, in
    /// one transaction: all of them are saved or none. Durable when it returns, even if
    /// the process is killed the next instant.
    pub async fn save_days(&self, filter: &DayFilter, days: &[StoredDay]) -> Result<(), StoreError> {
        validate(filter, days)?;
        let key = filter.key();
        let saved_at = unix_seconds();
        let failed = |source| StoreError::Database { action: "save the final days", source };

        let mut tx = self.pool.begin().await.map_err(failed)?;
        for day in days {
            let day_text = date_text(day.day);
            sqlx::query("DELETE FROM day_rows WHERE filter_key = $1 AND day = $2")
                .bind(key)
                .bind(&day_text)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
            sqlx::query(
                "INSERT INTO held_days (filter_key, day, saved_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (filter_key, day) DO UPDATE SET saved_at = excluded.saved_at",
            )
            .bind(key)
            .bind(&day_text)
            .bind(saved_at)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }

        let rows: Vec<&AccessRow> = days.iter().flat_map(|d| &d.rows).collect();
        let full_chunk_sql = insert_rows_sql(ROWS_PER_INSERT);
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let short_chunk_sql;
            let sql = if chunk.len() == ROWS_PER_INSERT {
                full_chunk_sql.as_str()
            } else {
                short_chunk_sql = insert_rows_sql(chunk.len());
                short_chunk_sql.as_str()
            };
            let mut insert = sqlx::query(sql);
            for row in chunk {
                // Checked by `validate`; the conversions cannot fail here.
                let (pv, uv) = (to_i64(row.pv, "pv")?, to_i64(row.uv, "uv")?);
                insert = insert.bind(key).bind(date_text(row.date)).bind(row.block_id.as_str()).bind(pv).bind(uv);
            }
            insert.execute(&mut *tx).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    /// How many days and rows the store holds, over all filters.
    pub async fn stats(&self) -> Result<StoreStats, StoreError> {
        let (held_days, rows): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM held_days), (SELECT COUNT(*) FROM day_rows)")
                .fetch_one(&self.pool)
                .await
                .map_err(|source| StoreError::Database { action: "count what the store holds", source })?;
        Ok(StoreStats { held_days: read_count(held_days, "a count")?, rows: read_count(rows, "a count")? })
    }
}

/// Refuses days that would store something other than what they claim: rows of
/// another day or, for one block's days, of another block; repeated days or blocks.
fn validate(filter: &DayFilter, days: &[StoredDay]) -> Result<(), StoreError> {
    let mut seen_days = HashSet::new();
    for day in days {
        let invalid = |problem: String| StoreError::InvalidDay { day: day.day, problem };
        if !seen_days.insert(day.day) {
            return Err(invalid("the day is given twice in one save".to_owned()));
        }
        let mut seen_blocks = HashSet::new();
        for row in &day.rows {
            if row.date != day.day {
                return Err(invalid(format!("the row of block {} is dated {}", row.block_id, row.date)));
            }
            if let DayFilter::Block(only) = filter
                && row.block_id != *only
            {
                return Err(invalid(format!("a row of block {} is among the days of block {only}", row.block_id)));
            }
            if !seen_blocks.insert(&row.block_id) {
                return Err(invalid(format!("block {} has two rows", row.block_id)));
            }
            to_i64(row.pv, "pv")?;
            to_i64(row.uv, "uv")?;
        }
    }
    Ok(())
}

/// `INSERT INTO day_rows ... VALUES ($1, ..., $5), ($6, ...)` for `rows` rows.
fn insert_rows_sql(rows: usize) -> String {
    let mut sql = String::from("INSERT INTO day_rows (filter_key, day, block_id, pv, uv) VALUES ");
    for row in 0..rows {
        let first = row * 5 + 1;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", first, first + 1, first + 2, first + 3, first + 4));
    }
    sql
}

fn bounds(range: DateRange) -> (String, String) {
    (date_text(range.from()), date_text(range.to()))
}

/// Dates are stored as `YYYY-MM-DD` text, which sorts in date order.
fn date_text(day: NaiveDate) -> String {
    day.format(DATE_FORMAT).to_string()
}

fn read_date(text: &str) -> Result<NaiveDate, StoreError> {
    parse_date(text).ok_or_else(|| StoreError::Unreadable { what: format!("the date {text:?}") })
}

pub(crate) fn read_count(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Unreadable { what: format!("{what} of {value}") })
}

pub(crate) fn to_i64(value: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::TooLarge { what, value })
}
