//! Calls made to Feishu per calendar month, for plans with a monthly call quota.

use crate::days::{read_count, to_i64};
use crate::{Store, StoreError};

impl Store {
    /// Adds `n` calls to `month` (`YYYY-MM`) and returns the month's new total.
    pub async fn add_upstream_calls(&self, month: &str, n: u64) -> Result<u64, StoreError> {
        check_month(month)?;
        let n = to_i64(n, "the number of calls")?;
        let total: i64 = with_pool!(&self.pool, |pool| {
            sqlx::query_scalar(
                "INSERT INTO upstream_calls (month, calls) VALUES ($1, $2) \
                 ON CONFLICT (month) DO UPDATE SET calls = upstream_calls.calls + excluded.calls \
                 RETURNING calls",
            )
            .bind(month)
            .bind(n)
            .fetch_one(pool)
            .await
        })
        .map_err(|source| StoreError::Database { action: "count the calls to Feishu", source })?;
        read_count(total, "a call count")
    }

    /// The calls counted for `month` (`YYYY-MM`); 0 for a month without any.
    pub async fn upstream_calls(&self, month: &str) -> Result<u64, StoreError> {
        check_month(month)?;
        let total: Option<i64> = with_pool!(&self.pool, |pool| {
            sqlx::query_scalar("SELECT calls FROM upstream_calls WHERE month = $1").bind(month).fetch_optional(pool).await
        })
        .map_err(|source| StoreError::Database { action: "read the count of calls to Feishu", source })?;
        read_count(total.unwrap_or(0), "a call count")
    }
}

/// `YYYY-MM` with a month from 01 to 12; anything else would count calls under a key
/// no reader asks for.
fn check_month(month: &str) -> Result<(), StoreError> {
    let b = month.as_bytes();
    let shape_ok = b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
    let month_ok =
        shape_ok && matches!(&month[5..], "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12");
    if month_ok { Ok(()) } else { Err(StoreError::InvalidMonth { month: month.chars().take(20).collect() }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_yyyy_mm() {
        assert!(check_month("2024-03").is_ok());
        assert!(check_month("2024-12").is_ok());
        for bad in ["2024-3", "2024-13", "2024-00", "2024/03", "24-03-01", "", "２０２４-03"] {
            assert!(check_month(bad).is_err(), "{bad:?} accepted");
        }
    }
}
