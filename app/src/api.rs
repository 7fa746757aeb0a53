//! Server functions: the browser's way in. Each one parses its input with the same
//! rules as the HTTP API and asks the access-data service; the Feishu token and client
//! never leave the server.

use leptos::prelude::*;

use crate::error::AppError;
use crate::report::AccessReport;

/// Days shown when the URL names no range: the last week, today included.
pub const DEFAULT_RANGE_DAYS: u32 = 7;

/// Page views and distinct users per day and block for a range and an optional block
/// filter. Dates are `YYYY-MM-DD`; with neither date given, the default range is used.
#[server(endpoint = "block_access", input = server_fn::codec::Json)]
pub async fn load_block_access(
    from: Option<String>,
    to: Option<String>,
    blocks: Vec<String>,
) -> Result<AccessReport, AppError> {
    ssr::load_block_access(from, to, blocks).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use access_data::QueryOptions;
    use domain::{AccessQuery, DateRange, ParamNames};
    use leptos::prelude::use_context;

    use crate::error::AppError;
    use crate::report::{AccessReport, Totals};
    use crate::state::AppState;

    use super::DEFAULT_RANGE_DAYS;

    fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| AppError::Internal {
            message: "the server's state is missing from the request context".into(),
        })
    }

    pub(super) async fn load_block_access(
        from: Option<String>,
        to: Option<String>,
        blocks: Vec<String>,
    ) -> Result<AccessReport, AppError> {
        let state = state()?;
        let today = state.view.today();
        let (from, to) = match (from, to) {
            (None, None) => {
                let range = DateRange::ending(today, DEFAULT_RANGE_DAYS);
                (Some(range.from().to_string()), Some(range.to().to_string()))
            }
            given => given,
        };
        let query = AccessQuery::parse(
            ParamNames::PAGE,
            from.as_deref(),
            to.as_deref(),
            blocks.iter().map(String::as_str),
            state.view.max_range_days,
        )
        .map_err(|e| AppError::BadInput { message: e.to_string() })?;

        let rows = state.service.query(&query, QueryOptions::default()).await?.rows;
        Ok(AccessReport {
            range: query.range,
            blocks: query.blocks,
            totals: Totals::of(&rows),
            rows,
            simulated: state.view.simulated,
            today,
        })
    }
}
