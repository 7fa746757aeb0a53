//! Test-only routes under `/_sim/`, outside Feishu's API: they let end-to-end tests
//! (which see the simulator only over HTTP) read its ground truth and health.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::state::SimState;

/// `GET /_sim/health`: alive, and the last day with data.
pub(crate) async fn health(State(state): State<Arc<SimState>>) -> Response {
    Json(json!({ "ok": true, "today": state.dataset.today().to_string(), "blocks": state.dataset.blocks().len() }))
        .into_response()
}

#[derive(Deserialize)]
pub(crate) struct TruthParams {
    from_date: String,
    to_date: String,
    block_id: Option<String>,
}

/// `GET /_sim/ground_truth?from_date&to_date[&block_id]`: every item Feishu would return.
pub(crate) async fn ground_truth(State(state): State<Arc<SimState>>, Query(p): Query<TruthParams>) -> Response {
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (parse(&p.from_date), parse(&p.to_date)) else {
        return (StatusCode::BAD_REQUEST, "from_date and to_date must be YYYY-MM-DD").into_response();
    };
    let items = state.dataset.ground_truth(from, to, p.block_id.as_deref().filter(|b| !b.is_empty()));
    Json(json!({ "items": items })).into_response()
}
