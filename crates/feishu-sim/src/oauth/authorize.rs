//! `GET /open-apis/authen/v1/authorize`: the login page of "Login with Feishu"
//! (on Feishu served by accounts.feishu.cn). It checks the app's request,
//! lets a person choose who to sign in as, and sends the browser back to the
//! app with a single-use code and the app's `state`.
//!
//! Checks, in order, each failing with an HTTP 400 page (never a redirect:
//! the app's redirect_uri is only trusted once the request is sound):
//! client_id (must be the app's id), redirect_uri (absolute http or https,
//! no fragment), response_type (required, and only `code`: the authorize page's
//! doc marks it required with that fixed value), state (required here),
//! PKCE (`code_challenge_method=S256` and a 43-character base64url
//! `code_challenge`; `plain` or no PKCE is refused). Then:
//! `cancel=1` redirects with `error=access_denied`; `login_hint=<open_id>`
//! (or the configured `login_as`) signs that person in at once, an unknown
//! one being a 400 page; otherwise the chooser page is shown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;

use super::page;
use super::pkce::is_s256_challenge;
use crate::login_grants::{CodeIssuer, CodeRequest};
use crate::state::SimState;
use crate::stats::LoginEvent;

/// The parameters an authorize request may carry, in the order they are
/// repeated on the chooser page. Others are ignored.
const FIELDS: [&str; 7] =
    ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"];

pub(crate) async fn authorize(
    State(state): State<Arc<SimState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    state.recorder.login(LoginEvent::Authorize);
    let Ok(Query(pairs)) = query else {
        return page::refusal("The query string cannot be decoded.");
    };
    // The first value of a repeated parameter counts; an empty one is absent.
    let mut params: HashMap<&str, &str> = HashMap::new();
    for (name, value) in &pairs {
        if !value.is_empty() {
            params.entry(name.as_str()).or_insert(value.as_str());
        }
    }
    let request = match check(&state, &params) {
        Ok(request) => request,
        Err(problem) => {
            tracing::debug!(%problem, "authorize refused");
            return page::refusal(&problem);
        }
    };
    let app_state = params["state"];
    if params.contains_key("cancel") {
        return page::redirect(&request.redirect_uri, &[("error", "access_denied"), ("state", app_state)]);
    }
    let chosen = params.get("login_hint").copied().or(state.config.login_as.as_deref());
    let Some(open_id) = chosen else {
        let fields: Vec<(&str, &str)> = FIELDS.iter().filter_map(|name| Some((*name, *params.get(name)?))).collect();
        return page::chooser(&state.config.app_name, &state.config.users, &fields);
    };
    if !state.config.users.iter().any(|user| user.open_id == open_id) {
        return page::refusal(&format!("There is no person with open_id {open_id} in this simulated tenant."));
    }
    let code = state.login.issue_code(
        CodeRequest {
            issuer: CodeIssuer::Authorize { redirect_uri: request.redirect_uri.clone(), code_challenge: request.code_challenge },
            scope: request.scope,
            open_id: open_id.to_owned(),
        },
        Instant::now(),
    );
    state.recorder.login(LoginEvent::CodeIssued);
    tracing::debug!(%open_id, "authorization code issued");
    page::redirect(&request.redirect_uri, &[("code", &code), ("state", app_state)])
}

/// A sound authorize request, before a person is chosen.
struct SoundRequest {
    redirect_uri: String,
    code_challenge: String,
    /// Whitespace collapsed.
    scope: String,
}

/// The request's checks, in the documented order.
fn check(state: &SimState, params: &HashMap<&str, &str>) -> Result<SoundRequest, String> {
    let app_id = &state.config.app_id;
    match params.get("client_id") {
        None => return Err("client_id is missing: send the app id (cli_…).".to_owned()),
        Some(client_id) if client_id != app_id => {
            return Err(format!("Unknown client_id {client_id}: this simulator serves the app {app_id} only."));
        }
        Some(_) => {}
    }
    let redirect_uri = params.get("redirect_uri").ok_or("redirect_uri is missing.")?;
    if !is_absolute_http_url(redirect_uri) {
        return Err(format!("redirect_uri {redirect_uri} is not an absolute http or https URL without a fragment."));
    }
    // Feishu's doc (updated 2025-09) marks response_type required with the fixed
    // value `code`; what Feishu does without it is not documented. The safe reading
    // is to refuse, on a page like the other refusals (RFC 6749 §4.1.2.1 would allow
    // a redirect with `invalid_request`, but the redirect_uri is not trusted yet).
    match params.get("response_type") {
        None => {
            return Err("response_type is missing: send response_type=code (required, fixed value).".to_owned());
        }
        Some(&"code") => {}
        Some(response_type) => {
            return Err(format!("response_type {response_type} is not supported: only code."));
        }
    }
    if !params.contains_key("state") {
        return Err(
            "state is missing: this simulator requires it (it protects the app against cross-site request forgery).".to_owned()
        );
    }
    match params.get("code_challenge_method") {
        None => {
            return Err("PKCE is required: send code_challenge and code_challenge_method=S256.".to_owned());
        }
        Some(&"S256") => {}
        Some(method) => {
            return Err(format!("code_challenge_method {method} is refused: this simulator requires PKCE with S256."));
        }
    }
    let challenge = params.get("code_challenge").ok_or("PKCE is required: code_challenge is missing.")?;
    if !is_s256_challenge(challenge) {
        return Err("code_challenge must be the base64url (no padding) SHA-256 of the code verifier: 43 characters.".to_owned());
    }
    Ok(SoundRequest {
        redirect_uri: (*redirect_uri).to_owned(),
        code_challenge: (*challenge).to_owned(),
        scope: params.get("scope").map(|scope| scope.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default(),
    })
}

/// An absolute `http` or `https` URL with a host and no fragment (RFC 6749
/// §3.1.2), which also makes it usable in a Location header.
fn is_absolute_http_url(raw: &str) -> bool {
    if raw.contains('#') {
        return false;
    }
    let Ok(uri) = raw.parse::<Uri>() else {
        return false;
    };
    matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some_and(|host| !host.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_absolute_http_urls() {
        for good in ["http://127.0.0.1:3000/auth/callback", "https://app.example/cb?x=1"] {
            assert!(is_absolute_http_url(good), "{good}");
        }
        for bad in
            ["/auth/callback", "ftp://host/cb", "https://app.example/cb#frag", "http://", "javascript:alert(1)", "not a url"]
        {
            assert!(!is_absolute_http_url(bad), "{bad}");
        }
    }
}
