//! A stand-in for Feishu's H5 JSSDK, so that a browser test can open a web app
//! as the Feishu client would and sign in without a redirect.
//!
//! - `GET /_sim/jssdk.js` serves the script ([`standin.js`](./standin.js)):
//!   inside the Feishu client (a user agent with `Lark/` or `Feishu/`) it defines
//!   `window.h5sdk` (`ready(cb)`, `error(cb)`) and `window.tt`
//!   (`requestAccess({appID, scopeList, state, success, fail, complete})` and
//!   `requestAuthCode({appId, success, fail, complete})`), with the real one's
//!   call shapes and answers: `success({code, state})` (`{code}` from
//!   `requestAuthCode`), `fail({errno, errString})`. The knobs in force when the
//!   script is fetched decide whether it defines anything
//!   ([`Faults::jssdk_unavailable`]) and `requestAccess`
//!   ([`Faults::jssdk_old_client`]); it is served `no-store`.
//! - The script gets its codes from `POST /_sim/jssdk/code` on its own origin,
//!   `{"api": "requestAccess" | "requestAuthCode", "app_id", "state"?,
//!   "scope_list"?, "open_id"?}` (CORS open: the page is on another origin).
//!   Checks, in order: `api` known (else errno 1); `requestAccess` while
//!   [`Faults::jssdk_old_client`] is set: errno 103 (the client is older than
//!   6.9); `app_id` the app's (errno 1); `requestAccess` without a `scope_list`
//!   array (errno 1: the real call requires it); [`Faults::jssdk_refuse`]:
//!   errno 2700002 (the person refused). Errno 1 and the `-1` the script's
//!   `fail` gets when the simulator cannot be reached are the stand-in's own;
//!   103 and 2700002 are Feishu's. Failures answer HTTP 400.
//! - The code is for `open_id` (a test shortcut, like `login_hint`), else
//!   [`SimConfig::login_as`], else the directory's first person: the one signed
//!   in to the Feishu client. It is single use, lives
//!   [`SimConfig::jssdk_code_ttl`] (expired at once under
//!   [`Faults::jssdk_expire_codes`]); its scope is the `scope_list`, joined (none
//!   for `requestAuthCode`, which has no scope list). A `requestAccess` code is
//!   traded at `/open-apis/authen/v2/oauth/token` without `redirect_uri` and
//!   `code_verifier`; a `requestAuthCode` code only at
//!   `/open-apis/authen/v1/access_token` with an app access token.
//!
//! [`Faults::jssdk_unavailable`]: crate::Faults::jssdk_unavailable
//! [`Faults::jssdk_old_client`]: crate::Faults::jssdk_old_client
//! [`Faults::jssdk_refuse`]: crate::Faults::jssdk_refuse
//! [`Faults::jssdk_expire_codes`]: crate::Faults::jssdk_expire_codes
//! [`SimConfig::login_as`]: crate::SimConfig::login_as
//! [`SimConfig::jssdk_code_ttl`]: crate::SimConfig::jssdk_code_ttl

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::api::json_answer;
use crate::login_grants::{ClientApi, CodeIssuer, CodeRequest};
use crate::state::SimState;
use crate::stats::LoginEvent;

/// Path of the stand-in script.
pub const JSSDK_SCRIPT_PATH: &str = "/_sim/jssdk.js";
/// Path the stand-in asks for codes.
pub const JSSDK_CODE_PATH: &str = "/_sim/jssdk/code";

/// The script, with `__KNOBS__` where the knobs in force go.
const SCRIPT: &str = include_str!("standin.js");

/// The person refused the access request (Feishu's errno).
const ERRNO_REFUSED: i64 = 2_700_002;
/// The client is older than 6.9: no `requestAccess` (Feishu's errno).
const ERRNO_OLD_CLIENT: i64 = 103;
/// A call the stand-in cannot serve as made (the simulator's own errno).
const ERRNO_INVALID: i64 = 1;

/// `GET /_sim/jssdk.js`.
pub(crate) async fn script(State(state): State<Arc<SimState>>) -> Response {
    let faults = state.faults();
    let knobs = json!({
        "base": state.base_url,
        "oldClient": faults.jssdk_old_client,
        "unavailable": faults.jssdk_unavailable,
    });
    let body = SCRIPT.replace("__KNOBS__", &knobs.to_string());
    let mut response = ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], body).into_response();
    let headers = response.headers_mut();
    // The knobs are read when the script is fetched: a cached copy would keep old ones.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    cors(response)
}

#[derive(Deserialize)]
struct CodeAsk {
    #[serde(default)]
    api: String,
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    scope_list: Option<Vec<String>>,
    #[serde(default)]
    open_id: Option<String>,
}

/// `POST /_sim/jssdk/code`: what the Feishu client answers the stand-in's calls.
pub(crate) async fn code(State(state): State<Arc<SimState>>, body: Bytes) -> Response {
    let answer = match serde_json::from_slice::<CodeAsk>(&body) {
        Ok(ask) => decide(&state, ask),
        Err(_) => Err(failure(ERRNO_INVALID, "the body must be a JSON object")),
    };
    cors(match answer {
        Ok(body) => json_answer(200, body),
        Err(body) => json_answer(400, body),
    })
}

/// `OPTIONS` on the stand-in's routes: the page that loaded the script is on
/// another origin and posts JSON, so the browser asks first.
pub(crate) async fn preflight() -> Response {
    let mut response = cors(StatusCode::NO_CONTENT.into_response());
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

fn failure(errno: i64, err_string: impl Into<String>) -> serde_json::Value {
    json!({ "errno": errno, "errString": err_string.into() })
}

fn decide(state: &SimState, ask: CodeAsk) -> Result<serde_json::Value, serde_json::Value> {
    let faults = state.faults();
    let access = match ask.api.as_str() {
        "requestAccess" => true,
        "requestAuthCode" => false,
        other => {
            return Err(failure(
                ERRNO_INVALID,
                format!("{other:?} is not a call of the stand-in: requestAccess or requestAuthCode"),
            ));
        }
    };
    if access && faults.jssdk_old_client {
        return Err(failure(
            ERRNO_OLD_CLIENT,
            "requestAccess is not supported by this Feishu client (older than 6.9): use requestAuthCode",
        ));
    }
    let app_id = &state.config.app_id;
    match ask.app_id.as_deref() {
        Some(id) if id == app_id => {}
        Some(other) => {
            return Err(failure(ERRNO_INVALID, format!("unknown app {other:?}: this simulator serves {app_id}")));
        }
        None => {
            let field = if access { "appID" } else { "appId" };
            return Err(failure(ERRNO_INVALID, format!("{field} is missing")));
        }
    }
    if access && ask.scope_list.is_none() {
        return Err(failure(ERRNO_INVALID, "scopeList is required (an empty list asks for the user's identity only)"));
    }
    if faults.jssdk_refuse {
        return Err(failure(ERRNO_REFUSED, "the user refused to grant the app access"));
    }
    let open_id = match ask.open_id.as_deref().or(state.config.login_as.as_deref()) {
        Some(open_id) => open_id.to_owned(),
        None => match state.config.users.first() {
            Some(user) => user.open_id.clone(),
            None => {
                return Err(failure(ERRNO_INVALID, "nobody is signed in to the client: the directory is empty"));
            }
        },
    };
    if !state.config.users.iter().any(|user| user.open_id == open_id) {
        return Err(failure(ERRNO_INVALID, format!("there is no person with open_id {open_id} in this simulated tenant")));
    }
    let api = if access { ClientApi::RequestAccess } else { ClientApi::RequestAuthCode };
    let request =
        CodeRequest { issuer: CodeIssuer::Client { api }, scope: ask.scope_list.unwrap_or_default().join(" "), open_id };
    let now = Instant::now();
    let code = if faults.jssdk_expire_codes {
        state.login.issue_code_expiring(request, now, now)
    } else {
        state.login.issue_code(request, now)
    };
    state.recorder.login(LoginEvent::ClientCodeIssued);
    Ok(match (access, ask.state) {
        (true, Some(app_state)) => json!({ "code": code, "state": app_state }),
        _ => json!({ "code": code }),
    })
}
