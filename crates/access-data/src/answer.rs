//! What a query asks and what it answers: its options, the answer's rows, and where the
//! answer's days came from. Below every step of the query path, which all speak of them.

use std::sync::Arc;

use domain::AccessRow;
use serde::Serialize;

use crate::progress::QueryProgress;

/// How a query may be answered.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// Fetch today and yesterday again even when cached (final days never change).
    pub refresh: bool,
    /// Where to report progress while upstream pages are fetched.
    pub progress: Option<Arc<QueryProgress>>,
}

/// Where the days of an answer came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DaySources {
    pub memory: u64,
    pub store: u64,
    /// Fetched from Feishu by this query or by one it waited for.
    pub upstream: u64,
}

/// The answer to a query: block rows, or the rows of another data set.
#[derive(Clone, Debug)]
pub struct QueryAnswer<R = AccessRow> {
    /// Sorted by date, then block (or workplace) id; pairs without visits are absent.
    pub rows: Vec<R>,
    pub sources: DaySources,
    /// The days after today in the range: they have no numbers yet.
    pub future_days: u32,
    /// A refresh was asked for, but the changing days had been fetched again within
    /// [`crate::ServiceConfig::refresh_min_interval`] (by anyone): they are served as
    /// fetched then, at this time (the latest such time when there were several).
    pub refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
}
