//! The HTTP surface: one route per Feishu endpoint the simulator speaks.
//! New endpoints (e.g. OAuth login) get their handler module and a line here.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::state::SimState;
use crate::{auth, inspect, search};

/// Path of the custom app's tenant token endpoint.
pub const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";
/// Path of the workplace block access data search endpoint.
pub const BLOCK_ACCESS_SEARCH_PATH: &str =
    "/open-apis/workplace/v1/workplace_block_access_data/search";

/// All routes, bound to `state`.
pub(crate) fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route(TENANT_TOKEN_PATH, post(auth::tenant_access_token))
        .route(BLOCK_ACCESS_SEARCH_PATH, post(search::search))
        .route("/_sim/health", get(inspect::health))
        .route("/_sim/ground_truth", get(inspect::ground_truth))
        .route("/_sim/faults", post(inspect::set_faults).delete(inspect::clear_faults))
        .fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found") })
        .with_state(state)
}
