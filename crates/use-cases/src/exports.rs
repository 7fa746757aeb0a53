//! The numbers the API and the exports give whole, as the access-data service holds
//! them: the days of a block query (written to JSON, CSV and Excel without copying a row
//! out), the workplace totals, and the custom workplaces' days with their names.

use std::collections::BTreeMap;
use std::sync::Arc;

use access_data::{BlockDays, QueryOptions};
use domain::{AccessQuery, CustomWorkplaceDay, DateRange, WorkplaceDay, WorkplaceId};
use store::WorkplaceNames;

use crate::error::AppError;
use crate::sight::Sight;
use crate::state::AppState;

/// The options of a whole-data read: `refresh` fetches today and yesterday again.
fn options(refresh: bool) -> QueryOptions {
    QueryOptions { refresh, ..QueryOptions::default() }
}

/// The held days of `query` (every block `sight` sees, or the blocks it names).
pub async fn block_days(state: &AppState, sight: &Sight, query: &AccessQuery, refresh: bool) -> Result<BlockDays, AppError> {
    let mut query = query.clone();
    sight.narrow(&mut query)?;
    Ok(state.service.block_days(&query, options(refresh)).await?)
}

/// The totals of all workplaces and of the default one, a row per day of `range`: an
/// admin's only.
pub async fn workplace_totals(
    state: &AppState,
    sight: &Sight,
    range: DateRange,
    refresh: bool,
) -> Result<Vec<WorkplaceDay>, AppError> {
    sight.tenant_wide("the workplace totals (all workplaces and the default one)")?;
    Ok(state.service.workplace_access(range, options(refresh)).await?.rows)
}

/// The custom workplaces' days, with the names Feishu reports for each workplace.
pub struct CustomWorkplaceDays {
    pub rows: Vec<CustomWorkplaceDay>,
    pub names: Arc<BTreeMap<WorkplaceId, WorkplaceNames>>,
}

/// The days of every custom workplace `sight` sees (or of `only`) in `range`.
pub async fn custom_workplaces(
    state: &AppState,
    sight: &Sight,
    range: DateRange,
    only: Option<&WorkplaceId>,
    refresh: bool,
) -> Result<CustomWorkplaceDays, AppError> {
    if let Some(only) = only {
        sight.workplace(only)?;
    }
    let mut rows = state.service.custom_workplace_access(range, only, options(refresh)).await?.rows;
    rows.retain(|row| sight.sees_workplace(&row.workplace_id));
    let mut names = state.service.workplace_names();
    if !sight.is_everything() {
        names = Arc::new(names.iter().filter(|(id, _)| sight.sees_workplace(id)).map(|(k, v)| (k.clone(), v.clone())).collect());
    }
    Ok(CustomWorkplaceDays { rows, names })
}
