//! `POST /auth/jssdk`: the Feishu client's sign-in page posts the code the JSSDK gave
//! it, with the `state` of the sign-in under way. The answer is JSON for the page's
//! script: `{ok: true, next}`, or `{ok: false, kind, message}` where `kind` says what
//! the page offers — `expired` (start again), `denied` (whom to ask), `refused`
//! (Feishu said no, in its words), `failed` (the dashboard or Feishu could not finish).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use feishu::FeishuError;
use i18n::Locale;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::AuthState;
use super::pages;
use super::sign_in::{self, ClientApi, Flow, Grant, PendingLogin, SignInFailure};

/// Feishu's codes for a code that is unknown, expired or already used.
const STALE_CODES: [i64; 3] = [20003, 20004, 20065];
/// Feishu's code for a person the app is not available to.
const NOT_AVAILABLE: i64 = 20010;

/// What the page posts.
#[derive(Deserialize)]
pub struct ClientCode {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    /// The JSSDK call that gave the code: `requestAccess` or `requestAuthCode`.
    #[serde(default)]
    api: String,
}

/// Why the page's sign-in did not end with a session, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Expired,
    Denied,
    Refused,
    Failed,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Expired => "expired",
            Kind::Denied => "denied",
            Kind::Refused => "refused",
            Kind::Failed => "failed",
        }
    }
}

fn refusal(status: StatusCode, kind: Kind, message: String) -> Response {
    (status, Json(json!({ "ok": false, "kind": kind.name(), "message": message }))).into_response()
}

/// Signs in with a code from the Feishu client, by the same rules as the callback. The
/// sign-in under way is used once, whatever comes of it.
pub async fn sign_in(
    State(auth): State<AuthState>,
    session: Session,
    headers: HeaderMap,
    body: Result<Json<ClientCode>, JsonRejection>,
) -> Response {
    let cleared = auth.pending.cleared();
    let answer = sign_in_with(auth, session, headers, body).await;
    ([(header::SET_COOKIE, cleared)], answer).into_response()
}

async fn sign_in_with(
    auth: AuthState,
    session: Session,
    headers: HeaderMap,
    body: Result<Json<ClientCode>, JsonRejection>,
) -> Response {
    let locale = pages::locale(&headers);
    let words = locale.t().sign_in;
    let Ok(Json(posted)) = body else {
        return refusal(StatusCode::BAD_REQUEST, Kind::Failed, words.request_not_understood.to_owned());
    };
    let Some(pending) = PendingLogin::take(&auth.pending, &headers, Some(&posted.state), Flow::Client) else {
        return refusal(StatusCode::BAD_REQUEST, Kind::Expired, words.client_page_expired.to_owned());
    };
    if posted.code.is_empty() {
        return refusal(StatusCode::BAD_REQUEST, Kind::Failed, words.no_code.to_owned());
    }
    // Each kind of code is traded where Feishu documents it, so the page must say which.
    let Some(api) = ClientApi::parse(&posted.api) else {
        return refusal(StatusCode::BAD_REQUEST, Kind::Failed, words.no_code_source.to_owned());
    };
    match sign_in::complete(&auth, &session, Grant::Client { code: &posted.code, api }, &pending.next).await {
        Ok(()) => Json(json!({ "ok": true, "next": pending.next })).into_response(),
        Err(failure) => failure_answer(locale, &auth.settings.access_contact, failure),
    }
}

fn failure_answer(locale: Locale, contact: &str, failure: SignInFailure) -> Response {
    let words = locale.t().sign_in;
    match failure {
        SignInFailure::Feishu(FeishuError::Login { code, .. }) if STALE_CODES.contains(&code) => {
            refusal(StatusCode::BAD_REQUEST, Kind::Expired, words.code_stale.to_owned())
        }
        SignInFailure::Feishu(FeishuError::Login { code: NOT_AVAILABLE, .. }) => {
            refusal(StatusCode::FORBIDDEN, Kind::Denied, pages::denied_text(locale, None, contact))
        }
        SignInFailure::NotAllowed { name } => {
            refusal(StatusCode::FORBIDDEN, Kind::Denied, pages::denied_text(locale, Some(&name), contact))
        }
        SignInFailure::OtherTenant { name } => {
            refusal(StatusCode::FORBIDDEN, Kind::Denied, pages::other_tenant_text(locale, &name, contact))
        }
        SignInFailure::TenantUnknown(error) => {
            refusal(StatusCode::BAD_GATEWAY, Kind::Failed, pages::tenant_unknown_text(locale, &error))
        }
        SignInFailure::Feishu(error @ FeishuError::Login { .. }) => {
            refusal(StatusCode::BAD_GATEWAY, Kind::Refused, (words.feishu_refused)(&error.to_string()))
        }
        SignInFailure::Feishu(error) | SignInFailure::AdminCheck(error) => {
            refusal(StatusCode::BAD_GATEWAY, Kind::Failed, (words.identity_unknown)(&error.to_string()))
        }
        SignInFailure::Session => refusal(StatusCode::INTERNAL_SERVER_ERROR, Kind::Failed, words.session_failed.to_owned()),
    }
}
