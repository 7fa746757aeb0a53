//! What a server function sends to the page: serialisable, and free of anything secret.

use chrono::NaiveDate;
use domain::{AccessRow, BlockId, DateRange};
use serde::{Deserialize, Serialize};

/// The numbers for one query, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessReport {
    /// The range actually shown (the default range when the URL named none).
    pub range: DateRange,
    /// The blocks filtered on; empty means all.
    pub blocks: Vec<BlockId>,
    /// One row per day and block with visits, by date then block id.
    pub rows: Vec<AccessRow>,
    pub totals: Totals,
    /// True when the numbers come from the built-in Feishu simulator (demo mode).
    pub simulated: bool,
    /// Today in the tenant's time zone: its numbers are still growing.
    pub today: NaiveDate,
}

/// Sums over the rows of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub pv: u64,
    /// The sum of daily distinct users. A person who visits on two days counts twice:
    /// it is not a count of distinct people over the range.
    pub uv_day_sum: u64,
}

impl Totals {
    pub fn of(rows: &[AccessRow]) -> Self {
        rows.iter().fold(Totals::default(), |t, r| Totals { pv: t.pv + r.pv, uv_day_sum: t.uv_day_sum + r.uv })
    }
}
