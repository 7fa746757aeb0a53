//! `/login`, `/auth/callback`, `/logout` and `/signed-out`.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use super::pages::{self, Page};
use super::pkce;
use super::sign_in::{self, Flow, Grant, PendingLogin, SignInFailure};
use super::{AuthState, jssdk, jssdk_page};

/// The sign-in routes.
pub fn routes(state: AuthState) -> Router {
    Router::new()
        .route("/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/jssdk", post(jssdk::sign_in))
        .route("/logout", post(logout))
        .route("/s/{id}", get(super::links::open))
        .route("/signed-out", get(signed_out))
        .with_state(state)
}

/// Only a path on this dashboard: never another site (`//evil`, `https://…`, `/\evil`).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.chars().any(|c| c.is_control() || c == '\\') =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
struct LoginParams {
    next: Option<String>,
    /// Set by the Feishu client's sign-in page when the JSSDK is not there: go the
    /// browser's way.
    browser: Option<String>,
}

/// Starts a sign-in. Inside the Feishu client: the page that signs in through the
/// JSSDK. Elsewhere: remembers `state`, the PKCE verifier and where to go back, and
/// sends the browser to Feishu's authorize page.
async fn login(State(auth): State<AuthState>, headers: HeaderMap, Query(p): Query<LoginParams>) -> Response {
    let next = local_path(p.next.as_deref());
    if super::is_feishu_client(&headers) && p.browser.is_none() {
        let pending = PendingLogin::new(Flow::Client, next);
        let page = jssdk_page::page(&auth, pages::locale(&headers), &pending);
        return ([(header::SET_COOKIE, pending.keep(&auth.pending))], page).into_response();
    }
    let pending = PendingLogin::new(Flow::Redirect, next);
    let url = auth.client.authorize_url(
        &auth.settings.accounts_url,
        &auth.settings.redirect_uri(),
        &pending.state,
        &pkce::challenge(&pending.verifier),
        auth.settings.login_scopes(),
    );
    let url = match url {
        Ok(url) => url,
        Err(error) => return pages::error(Page::LoginBroken, &error.to_string()),
    };
    ([(header::SET_COOKIE, pending.keep(&auth.pending))], Redirect::to(&url)).into_response()
}

#[derive(Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Feishu sends the browser back here with a code (or an error) and our `state`.
async fn callback(
    State(auth): State<AuthState>,
    session: Session,
    headers: HeaderMap,
    Query(p): Query<CallbackParams>,
) -> Response {
    let pending = PendingLogin::take(&auth.pending, &headers, p.state.as_deref(), Flow::Redirect);
    let answer = finish_callback(&auth, &session, &headers, p, pending).await;
    // The sign-in under way is used once, whatever came of it.
    ([(header::SET_COOKIE, auth.pending.cleared())], answer).into_response()
}

async fn finish_callback(
    auth: &AuthState,
    session: &Session,
    headers: &HeaderMap,
    p: CallbackParams,
    pending: Option<PendingLogin>,
) -> Response {
    let locale = pages::locale(headers);
    let Some(pending) = pending else {
        return pages::page(locale, Page::LoginExpired, None);
    };
    if p.error.is_some() {
        return pages::page(locale, Page::LoginCancelled, None);
    }
    let Some(code) = p.code.filter(|c| !c.is_empty()) else {
        return pages::page(locale, Page::LoginExpired, None);
    };
    let redirect_uri = auth.settings.redirect_uri();
    let grant = Grant::Redirect { code: &code, redirect_uri: &redirect_uri, verifier: &pending.verifier };
    match sign_in::complete(auth, session, grant, &pending.next).await {
        Ok(()) => Redirect::to(&pending.next).into_response(),
        Err(SignInFailure::Feishu(error) | SignInFailure::AdminCheck(error)) => {
            pages::page(locale, Page::LoginRefusedByFeishu, Some(&error.to_string()))
        }
        Err(SignInFailure::NotAllowed { name }) => pages::denied(locale, &name, &auth.settings.access_contact),
        Err(SignInFailure::OtherTenant { name }) => pages::other_tenant(locale, &name, &auth.settings.access_contact),
        Err(SignInFailure::TenantUnknown(error)) => {
            pages::page(locale, Page::LoginRefusedByFeishu, Some(&pages::tenant_unknown_text(locale, &error)))
        }
        Err(SignInFailure::Session) => pages::error(Page::LoginBroken, "the session store failed"),
    }
}

/// Ends the session on the server (not only the cookie).
async fn logout(session: Session) -> Response {
    if let Err(error) = session.flush().await {
        tracing::error!(%error, "could not delete the session");
    }
    Redirect::to("/signed-out").into_response()
}

async fn signed_out(headers: HeaderMap) -> Response {
    pages::page(pages::locale(&headers), Page::SignedOut, None)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_is_a_local_path_only() {
        assert_eq!(local_path(Some("/?range=7d&block=1")), "/?range=7d&block=1");
        for bad in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "evil", "", "/x\\y", "/\u{0}"] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
