//! `GET /open-apis/tenant/v2/tenant/query`: the tenant the app is installed in, asked
//! with a tenant access token (on Feishu, scope `tenant:tenant:readonly`), so that an
//! app can tell its own people from guests of other tenants by `tenant_key`.
//!
//! No or a malformed `Authorization` answers 99991661, a token that is not a valid
//! tenant token 99991663 (both HTTP 400, as on search). The answer is
//! `data.tenant.{name, display_id, tenant_tag, tenant_key, avatar}`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::{ApiError, bearer_token, json_answer};
use crate::state::SimState;

pub(crate) async fn tenant_query(State(state): State<Arc<SimState>>, headers: HeaderMap) -> Response {
    let Some(token) = bearer_token(&headers) else {
        return ApiError::missing_token().into_response();
    };
    if state.tokens.app_of(token, Instant::now()).is_none() {
        return ApiError::invalid_token().into_response();
    }
    let tenant = json!({
        "name": state.config.tenant_name,
        "display_id": format!("F{}", &state.config.tenant_key[..state.config.tenant_key.len().min(8)]),
        "tenant_tag": 0,
        "tenant_key": state.config.tenant_key,
        "avatar": {},
    });
    json_answer(200, json!({ "code": 0, "msg": "success", "data": { "tenant": tenant } }))
}
