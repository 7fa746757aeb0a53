//! `GET /api/v1/insights`: what changed, what nobody uses and what is unusual in a range
//! (optionally some blocks), with the numbers behind each finding, as the dashboard's
//! insights panel shows them. Same parameters, limits and errors as
//! `/api/v1/block-access`, and `dormant_days` (1 to 90, 14 by default).

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::insights::DEFAULT_DORMANT_DAYS;
use use_cases::dashboard::build_insights;
use use_cases::error::AppError;
use use_cases::insights_report::MAX_DORMANT_DAYS;
use use_cases::state::AppState;

use super::{Params, Seen};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/insights", get(insights))
}

const PARAMS: [&str; 5] = ["from_date", "to_date", "block_id", "dormant_days", "refresh"];

/// `dormant_days`: a whole number of days from 1 to [`MAX_DORMANT_DAYS`].
fn dormant_days(params: &Params) -> Result<u32, AppError> {
    match params.single("dormant_days")? {
        None => Ok(DEFAULT_DORMANT_DAYS),
        Some(raw) => raw.trim().parse::<u32>().ok().filter(|n| (1..=MAX_DORMANT_DAYS).contains(n)).ok_or_else(|| {
            let shown: String = raw.chars().take(20).collect();
            AppError::BadInput { message: format!(
                "dormant_days={shown:?} is not valid: give a whole number of days from 1 to {MAX_DORMANT_DAYS}, or leave it out for {DEFAULT_DORMANT_DAYS}"
            ) }
        }),
    }
}

async fn insights(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let params = Params::parse(raw.as_deref(), &PARAMS, &["block_id"])?;
        let query = params.query(Some("block_id"), state.view.max_range_days)?;
        let (dormant, refresh) = (dormant_days(&params)?, params.refresh()?);
        build_insights(&state, &sight, &query, dormant, refresh).await
    };
    match answer.await {
        Ok(insights) => Json(insights).into_response(),
        Err(error) => error.into_response(),
    }
}
