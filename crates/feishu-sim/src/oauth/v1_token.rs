//! `POST /open-apis/authen/v1/access_token`: the older exchange, where a web app
//! trades a code of `tt.requestAuthCode` (Feishu clients older than 6.9) for a user
//! access token, as Feishu's own web-app sample does (larksuite/lark-samples,
//! `web_app`): `Authorization: Bearer <app_access_token>`, body
//! `{"grant_type": "authorization_code", "code": …}`; the answer is Feishu's usual
//! `{"code": 0, "msg", "data": {"access_token", "token_type", "expires_in", …}}`.
//!
//! Checks, in order: the Authorization header (99991661, HTTP 400); an app token
//! this simulator issued and that has not expired (99991664 "app token invalid",
//! HTTP 400: a tenant token is not one); the body (a JSON object with
//! `grant_type` `authorization_code` and a non-empty `code`, else 20001); the code's
//! kind: only a code of `tt.requestAuthCode` is traded here, any other (the authorize
//! page's, `tt.requestAccess`'s) answers 20003 and stays unspent — Feishu documents
//! neither case, and this keeps each kind of code on its documented path; then the
//! same refusals as the v2 endpoint: 20003 unknown, 20004 expired, 20065 used,
//! 20010 the person may not use the app. Every refusal is HTTP 400.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::token::{OAuthError, may_use_app, no_store, redeem};
use crate::api::{ApiError, bearer_token, json_answer};
use crate::login_grants::{ClientApi, CodeIssuer, IssuedTokens};
use crate::state::SimState;
use crate::stats::LoginEvent;

#[derive(Deserialize)]
struct V1Request {
    grant_type: Option<String>,
    code: Option<String>,
}

pub(crate) async fn v1_access_token(State(state): State<Arc<SimState>>, headers: HeaderMap, body: Bytes) -> Response {
    state.recorder.login(LoginEvent::TokenRequest);
    let token = match bearer_token(&headers) {
        Some(token) => token,
        None => return ApiError::missing_token().into_response(),
    };
    if state.app_tokens.app_of(token, Instant::now()).is_none() {
        return ApiError::new(400, 99991664, "app token invalid: send the app_access_token").into_response();
    }
    match answer(&state, &body) {
        Ok(tokens) => {
            state.recorder.login(LoginEvent::TokenIssued);
            let mut data = json!({
                "access_token": tokens.access_token,
                "token_type": "Bearer",
                "expires_in": tokens.expires_in,
            });
            if let Some((refresh_token, expires_in)) = tokens.refresh_token {
                data["refresh_token"] = json!(refresh_token);
                data["refresh_expires_in"] = json!(expires_in);
            }
            no_store(json_answer(200, json!({ "code": 0, "msg": "success", "data": data })))
        }
        Err(error) => {
            tracing::debug!(code = error.code, description = %error.description, "v1 user token refused");
            no_store(json_answer(400, json!({ "code": error.code, "msg": error.description })))
        }
    }
}

fn answer(state: &SimState, body: &[u8]) -> Result<IssuedTokens, OAuthError> {
    let request: V1Request = serde_json::from_slice(body)
        .map_err(|_| OAuthError::invalid_request("the body must be a JSON object of string fields"))?;
    if request.grant_type.as_deref() != Some("authorization_code") {
        return Err(OAuthError::invalid_request("grant_type must be authorization_code"));
    }
    let code =
        request.code.as_deref().filter(|code| !code.is_empty()).ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
    match state.login.issuer_of(code) {
        Some(CodeIssuer::Client { api: ClientApi::RequestAuthCode }) | None => {}
        Some(_) => {
            return Err(OAuthError::invalid_grant(
                20003,
                "this endpoint trades codes of tt.requestAuthCode only: trade this one at /open-apis/authen/v2/oauth/token",
            ));
        }
    }
    let now = Instant::now();
    let fixed = redeem(state, code, now)?;
    may_use_app(state, &fixed.open_id)?;
    Ok(state.login.issue_tokens(&fixed.open_id, &fixed.scope, code, now))
}
