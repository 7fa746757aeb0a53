//! The reads that several use-cases share: the columns the insights need (the overview,
//! the insights API and the digest's card read them the same way).

use access_data::{AccessService, QueryOptions, ServiceError};
use domain::{AccessQuery, BlockMatrix};

/// The columns the insights of `query` (its range and blocks) read with a dormant
/// window of `dormant_days`, over the days they hold: the range and the days before
/// it the rules need, fetched as any other days; when the monthly quota does not
/// allow the days before, the range alone (the insights then say so).
pub async fn insight_matrix(
    service: &AccessService,
    query: &AccessQuery,
    dormant_days: u32,
    options: QueryOptions,
) -> Result<BlockMatrix, ServiceError> {
    let range = crate::insights_report::history_range(query.range, dormant_days);
    let history = AccessQuery { range, blocks: query.blocks.clone() };
    match service.block_days(&history, options.clone()).await {
        Ok(days) => Ok(days.matrix(history.range)),
        Err(ServiceError::QuotaReached { .. }) => Ok(service.block_days(query, options).await?.matrix(query.range)),
        Err(error) => Err(error),
    }
}

/// The last day the insights judge when today is `today`: the day before yesterday, the
/// last final day.
pub fn last_judged(today: chrono::NaiveDate) -> chrono::NaiveDate {
    today.checked_sub_days(chrono::Days::new(2)).unwrap_or(chrono::NaiveDate::MIN)
}
