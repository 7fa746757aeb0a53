//! `POST /open-apis/auth/v3/tenant_access_token/internal` and
//! `POST /open-apis/auth/v3/app_access_token/internal`: a custom app trades its id
//! and secret for a tenant access token (`t-…`), or for an app access token (`a-…`,
//! which only the v1 login code exchange takes here).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, json_answer};
use crate::state::SimState;
use crate::tokens::{GrantedToken, TokenStore};

#[derive(Deserialize)]
struct Credentials {
    app_id: Option<String>,
    app_secret: Option<String>,
}

/// Failures answer HTTP 400: code 10003 "invalid param" for a body that is not
/// JSON, a missing or empty field or an unknown app_id; code 10014 "app secret
/// invalid" for a wrong secret. The body need not carry a JSON content type.
pub(crate) async fn tenant_access_token(State(state): State<Arc<SimState>>, body: Bytes) -> Response {
    state.recorder.token_request();
    grant(&state, &body, &state.tokens, "tenant_access_token")
}

/// The same checks and answers as the tenant token, for an app token.
pub(crate) async fn app_access_token(State(state): State<Arc<SimState>>, body: Bytes) -> Response {
    grant(&state, &body, &state.app_tokens, "app_access_token")
}

/// Checks the app's credentials in `body` and answers a token of `tokens` under `field`,
/// or the refusal.
fn grant(state: &SimState, body: &[u8], tokens: &TokenStore, field: &str) -> Response {
    match app_id(state, body) {
        Ok(app_id) => {
            let granted = tokens.grant(&app_id, Instant::now());
            tracing::debug!(%app_id, expire = granted.expire_secs, field, "token granted");
            granted_answer(field, &granted)
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// The app whose id and secret the body carries, or the refusal.
fn app_id(state: &SimState, body: &[u8]) -> Result<String, ApiError> {
    let credentials: Credentials = serde_json::from_slice(body).map_err(|_| invalid_param())?;
    let (Some(app_id), Some(app_secret)) = (credentials.app_id, credentials.app_secret) else {
        return Err(invalid_param());
    };
    if app_id.is_empty() || app_secret.is_empty() || app_id != state.config.app_id {
        return Err(invalid_param());
    }
    if app_secret != state.config.app_secret {
        tracing::debug!(%app_id, "token refused: wrong secret");
        return Err(ApiError::new(400, 10014, "app secret invalid"));
    }
    Ok(app_id)
}

fn granted_answer(field: &str, granted: &GrantedToken) -> Response {
    json_answer(200, json!({ "code": 0, "msg": "ok", field: granted.token, "expire": granted.expire_secs }))
}

fn invalid_param() -> ApiError {
    ApiError::new(400, 10003, "invalid param")
}
