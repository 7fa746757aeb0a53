//! `GET /open-apis/application/v3/is_user_admin?open_id=…`: whether a person
//! administers the app, asked with a tenant access token.
//!
//! No or a malformed `Authorization` answers 99991661, an unknown or expired
//! tenant token (a user token included) 99991663, both HTTP 400 as on the
//! search endpoint; a missing `open_id` 99992402. An `open_id` that is not in
//! the directory answers `is_app_admin: false`. The search rate limit does not
//! apply here, nor do the fault knobs.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::{ApiError, bearer_token, json_answer};
use crate::state::SimState;
use crate::stats::LoginEvent;

pub(crate) async fn is_user_admin(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    state.recorder.login(LoginEvent::AdminCheck);
    let Some(token) = bearer_token(&headers) else {
        return ApiError::missing_token().into_response();
    };
    if state.tokens.app_of(token, Instant::now()).is_none() {
        return ApiError::invalid_token().into_response();
    }
    let open_id = query.ok().and_then(|Query(pairs)| {
        pairs.into_iter().find(|(name, _)| name == "open_id").map(|(_, value)| value).filter(|value| !value.is_empty())
    });
    let Some(open_id) = open_id else {
        return ApiError::field_validation_failed().into_response();
    };
    let is_app_admin = state.config.users.iter().any(|user| user.open_id == open_id && user.is_app_admin);
    json_answer(200, json!({ "code": 0, "msg": "success", "data": { "is_app_admin": is_app_admin } }))
}
