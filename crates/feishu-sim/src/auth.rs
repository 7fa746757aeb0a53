//! `POST /open-apis/auth/v3/tenant_access_token/internal`: a custom app trades
//! its id and secret for a tenant access token.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, json_answer};
use crate::state::SimState;

#[derive(Deserialize)]
struct Credentials {
    app_id: Option<String>,
    app_secret: Option<String>,
}

/// Failures answer HTTP 400: code 10003 "invalid param" for a body that is not
/// JSON, a missing or empty field or an unknown app_id; code 10014 "app secret
/// invalid" for a wrong secret. The body need not carry a JSON content type.
pub(crate) async fn tenant_access_token(
    State(state): State<Arc<SimState>>,
    body: Bytes,
) -> Response {
    state.recorder.token_request();
    let credentials: Credentials = match serde_json::from_slice(&body) {
        Ok(credentials) => credentials,
        Err(_) => return invalid_param(),
    };
    let (Some(app_id), Some(app_secret)) = (credentials.app_id, credentials.app_secret) else {
        return invalid_param();
    };
    if app_id.is_empty() || app_secret.is_empty() || app_id != state.config.app_id {
        return invalid_param();
    }
    if app_secret != state.config.app_secret {
        tracing::debug!(%app_id, "tenant token refused: wrong secret");
        return ApiError::new(400, 10014, "app secret invalid").into_response();
    }
    let granted = state.tokens.grant(&app_id, Instant::now());
    tracing::debug!(%app_id, expire = granted.expire_secs, "tenant token granted");
    json_answer(
        200,
        json!({
            "code": 0,
            "msg": "ok",
            "tenant_access_token": granted.token,
            "expire": granted.expire_secs,
        }),
    )
}

fn invalid_param() -> Response {
    ApiError::new(400, 10003, "invalid param").into_response()
}
