//! `POST /open-apis/authen/v2/oauth/token`: the app trades a code (or a
//! refresh token) for a user access token.
//!
//! Every failure is HTTP 400 with `{"code", "error", "error_description"}`:
//! `error` is the OAuth 2 error name, `code` Feishu's number for the case
//! (only 20010 is confirmed by the platform notes; the others follow Feishu's
//! published table as far as it is known, so clients should decide on `error`
//! and `code != 0`). Checks, in order:
//!
//! | case | code | error |
//! |---|---|---|
//! | body not a JSON object; grant_type, client_id or client_secret missing | 20001 | invalid_request |
//! | client_id not the app's, or wrong client_secret | 20002 | invalid_client |
//! | grant_type neither authorization_code nor refresh_token | 20036 | unsupported_grant_type |
//! | code missing; redirect_uri or code_verifier missing for a code of the authorize page (refresh: refresh_token) | 20001 | invalid_request |
//! | code never issued here | 20003 | invalid_grant |
//! | code older than its lifetime | 20004 | invalid_grant |
//! | code presented before (its tokens are revoked) | 20065 | invalid_grant |
//! | redirect_uri differs from the authorize request's (authorize codes) | 20071 | invalid_grant |
//! | S256(code_verifier) differs from the code_challenge (authorize codes) | 20049 | invalid_grant |
//! | the person may not use the app | 20010 | invalid_grant |
//! | refresh_token unknown or revoked | 20026 | invalid_grant |
//! | refresh_token expired | 20037 | invalid_grant |
//! | refresh_token already rotated away (its family is revoked) | 20064 | invalid_grant |
//!
//! A code is spent by the first request that presents it with valid client
//! credentials and all fields, even if a later check refuses it.
//!
//! A code the Feishu client handed out through the JSSDK ([`crate::jssdk`]) was
//! issued without a redirect_uri or PKCE challenge: its exchange needs neither,
//! and a redirect_uri or code_verifier sent with it is ignored. A code of the
//! authorize page still needs both. A code of `tt.requestAuthCode` is refused here
//! (20003, unspent): it is traded at `/authen/v1/access_token` ([`super::v1_token`]).
//! Feishu documents no answer for that case; refusing it keeps each kind of code on
//! the path Feishu's docs and samples use for it.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::pkce::verifier_matches;
use crate::api::json_answer;
use crate::login_grants::{ClientApi, CodeIssuer, CodeRefusal, CodeRequest, IssuedTokens, TokenRefusal};
use crate::state::SimState;
use crate::stats::LoginEvent;

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// A refused token request.
#[derive(Debug)]
pub(super) struct OAuthError {
    pub(super) code: i64,
    pub(super) error: &'static str,
    pub(super) description: String,
}

impl OAuthError {
    fn new(code: i64, error: &'static str, description: impl Into<String>) -> Self {
        Self { code, error, description: description.into() }
    }

    pub(super) fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(20001, "invalid_request", description)
    }

    pub(super) fn invalid_grant(code: i64, description: impl Into<String>) -> Self {
        Self::new(code, "invalid_grant", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        no_store(json_answer(400, json!({ "code": self.code, "error": self.error, "error_description": self.description })))
    }
}

pub(crate) async fn token(State(state): State<Arc<SimState>>, body: Bytes) -> Response {
    state.recorder.login(LoginEvent::TokenRequest);
    match answer(&state, &body) {
        Ok(tokens) => {
            state.recorder.login(LoginEvent::TokenIssued);
            no_store(json_answer(200, success(tokens)))
        }
        Err(error) => {
            tracing::debug!(code = error.code, error = error.error, description = %error.description, "user token refused");
            error.into_response()
        }
    }
}

fn answer(state: &SimState, body: &[u8]) -> Result<IssuedTokens, OAuthError> {
    let request: TokenRequest = serde_json::from_slice(body)
        .map_err(|_| OAuthError::invalid_request("the body must be a JSON object of string fields"))?;
    let grant_type = required(&request.grant_type, "grant_type")?;
    let client_id = required(&request.client_id, "client_id")?;
    let client_secret = required(&request.client_secret, "client_secret")?;
    if client_id != state.config.app_id || client_secret != state.config.app_secret {
        return Err(OAuthError::new(20002, "invalid_client", "client_id or client_secret is wrong"));
    }
    match grant_type {
        "authorization_code" => exchange_code(state, &request),
        "refresh_token" => refresh(state, &request),
        other => Err(OAuthError::new(
            20036,
            "unsupported_grant_type",
            format!("grant_type {other} is not supported: use authorization_code or refresh_token"),
        )),
    }
}

fn exchange_code(state: &SimState, request: &TokenRequest) -> Result<IssuedTokens, OAuthError> {
    let code = required(&request.code, "code")?;
    // Looked at before it is spent: a code of the authorize page missing a field
    // stays unspent, as before the JSSDK's codes existed.
    match state.login.issuer_of(code) {
        Some(CodeIssuer::Client { api: ClientApi::RequestAuthCode }) => {
            return Err(OAuthError::invalid_grant(
                20003,
                "a code of tt.requestAuthCode is traded at /open-apis/authen/v1/access_token with an app_access_token",
            ));
        }
        Some(CodeIssuer::Client { api: ClientApi::RequestAccess }) => {}
        Some(CodeIssuer::Authorize { .. }) | None => {
            required(&request.redirect_uri, "redirect_uri")?;
            required(&request.code_verifier, "code_verifier")?;
        }
    }
    let now = Instant::now();
    let fixed = redeem(state, code, now)?;
    if let CodeIssuer::Authorize { redirect_uri, code_challenge } = &fixed.issuer {
        // Both present: checked above, for a code that was not the client's.
        let (sent_uri, verifier) =
            (request.redirect_uri.as_deref().unwrap_or_default(), request.code_verifier.as_deref().unwrap_or_default());
        if sent_uri != redirect_uri {
            return Err(OAuthError::invalid_grant(20071, "redirect_uri differs from the one of the authorization request"));
        }
        if !verifier_matches(verifier, code_challenge) {
            return Err(OAuthError::invalid_grant(20049, "code_verifier does not match the code_challenge (S256)"));
        }
    }
    may_use_app(state, &fixed.open_id)?;
    Ok(state.login.issue_tokens(&fixed.open_id, &fixed.scope, code, now))
}

/// Spends `code` and answers what its request fixed, or why it cannot be traded.
pub(super) fn redeem(state: &SimState, code: &str, now: Instant) -> Result<CodeRequest, OAuthError> {
    state.login.redeem_code(code, now).map_err(|refusal| match refusal {
        CodeRefusal::Unknown => OAuthError::invalid_grant(20003, "the authorization code is invalid"),
        CodeRefusal::Expired => OAuthError::invalid_grant(20004, "the authorization code has expired"),
        CodeRefusal::AlreadyUsed => {
            OAuthError::invalid_grant(20065, "the authorization code has been used; the tokens issued from it are revoked")
        }
    })
}

/// Refuses a person who is not in the directory (20008) or may not use the app (20010).
pub(super) fn may_use_app(state: &SimState, open_id: &str) -> Result<(), OAuthError> {
    let user = state
        .config
        .users
        .iter()
        .find(|user| user.open_id == open_id)
        .ok_or_else(|| OAuthError::invalid_grant(20008, "the user does not exist"))?;
    if !user.may_use_app {
        return Err(OAuthError::invalid_grant(20010, "the user may not use this app"));
    }
    Ok(())
}

fn refresh(state: &SimState, request: &TokenRequest) -> Result<IssuedTokens, OAuthError> {
    let refresh_token = required(&request.refresh_token, "refresh_token")?;
    state.login.refresh(refresh_token, Instant::now()).map_err(|refusal| match refusal {
        TokenRefusal::Unknown => OAuthError::invalid_grant(20026, "the refresh token is invalid"),
        TokenRefusal::Expired => OAuthError::invalid_grant(20037, "the refresh token has expired"),
        TokenRefusal::AlreadyUsed => {
            OAuthError::invalid_grant(20064, "the refresh token has been used; the tokens of this login are revoked")
        }
    })
}

fn required<'a>(field: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    field.as_deref().filter(|value| !value.is_empty()).ok_or_else(|| OAuthError::invalid_request(format!("{name} is missing")))
}

fn success(tokens: IssuedTokens) -> Value {
    let mut body = json!({
        "code": 0,
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "scope": tokens.scope,
    });
    if let Some((refresh_token, expires_in)) = tokens.refresh_token {
        body["refresh_token"] = json!(refresh_token);
        body["refresh_token_expires_in"] = json!(expires_in);
    }
    body
}

/// RFC 6749 §5.1: token answers must not be cached.
pub(super) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
