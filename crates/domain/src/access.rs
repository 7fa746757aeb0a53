use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::BlockId;

/// Page views and distinct users of one block on one day, as Feishu counts them.
/// Feishu leaves out the (day, block) pairs nobody visited: they are zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccessRow {
    pub date: NaiveDate,
    pub block_id: BlockId,
    /// Page views (访问次数).
    pub pv: u64,
    /// Distinct users that day (访问用户数, 去重). Never add these up across days and
    /// call the sum "users": the same person counts once per day.
    pub uv: u64,
}
