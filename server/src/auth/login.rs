//! `/login`, `/auth/callback`, `/logout` and `/signed-out`.

use std::time::{SystemTime, UNIX_EPOCH};

use app::state::SessionUser;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::pages::{self, Page};
use super::pkce;
use super::{AuthState, Verdict};

/// Session key of the signed-in person.
pub const USER_KEY: &str = "user";
/// Session key of a sign-in under way.
const PENDING_KEY: &str = "pending_login";
/// How long a sign-in may take at Feishu.
const PENDING_SECONDS: u64 = 600;

/// A sign-in that went to Feishu and has not come back yet.
#[derive(Serialize, Deserialize)]
struct PendingLogin {
    state: String,
    verifier: String,
    next: String,
    started: u64,
}

/// The sign-in routes.
pub fn routes(state: AuthState) -> Router {
    Router::new()
        .route("/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/logout", post(logout))
        .route("/signed-out", get(signed_out))
        .with_state(state)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
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
}

/// Starts a sign-in: remembers `state`, the PKCE verifier and where to go back, and
/// sends the browser to Feishu's authorize page.
async fn login(State(auth): State<AuthState>, session: Session, Query(p): Query<LoginParams>) -> Response {
    let pending = PendingLogin {
        state: pkce::random_token(),
        verifier: pkce::random_token(),
        next: local_path(p.next.as_deref()),
        started: now(),
    };
    let url = auth.client.authorize_url(
        &auth.settings.accounts_url,
        &auth.settings.redirect_uri(),
        &pending.state,
        &pkce::challenge(&pending.verifier),
    );
    let url = match url {
        Ok(url) => url,
        Err(error) => return pages::error(Page::LoginBroken, &error.to_string()),
    };
    if let Err(error) = session.insert(PENDING_KEY, pending).await {
        tracing::error!(%error, "could not keep the sign-in in the session");
        return pages::error(Page::LoginBroken, "the session store failed");
    }
    Redirect::to(&url).into_response()
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
    let locale = pages::locale(&headers);
    // The pending sign-in is used once, whatever happens next.
    let pending: Option<PendingLogin> = session.remove(PENDING_KEY).await.ok().flatten();
    let Some(pending) = pending else {
        return pages::page(locale, Page::LoginExpired, None);
    };
    let state_ok = p.state.as_deref().is_some_and(|s| pkce::same(s, &pending.state));
    if !state_ok || now().saturating_sub(pending.started) > PENDING_SECONDS {
        tracing::warn!("sign-in refused: unknown, forged or expired state");
        return pages::page(locale, Page::LoginExpired, None);
    }
    if p.error.is_some() {
        return pages::page(locale, Page::LoginCancelled, None);
    }
    let Some(code) = p.code.filter(|c| !c.is_empty()) else {
        return pages::page(locale, Page::LoginExpired, None);
    };
    let user = match auth.client.exchange_login_code(&code, &auth.settings.redirect_uri(), &pending.verifier).await {
        Ok(token) => auth.client.login_user(&token).await,
        Err(error) => Err(error),
    };
    let user = match user {
        Ok(user) => user,
        Err(error) => {
            tracing::warn!(%error, "sign-in failed at Feishu");
            return pages::page(locale, Page::LoginRefusedByFeishu, Some(&error.to_string()));
        }
    };
    let via_app_admin = match auth.verdict(&user).await {
        Ok(Verdict::Listed) => false,
        Ok(Verdict::AppAdmin) => true,
        Ok(Verdict::Refused) => {
            tracing::info!(open_id = %user.open_id, "sign-in refused: not an allowed admin");
            return pages::denied(locale, &user.name, &auth.settings.access_contact);
        }
        Err(error) => {
            tracing::warn!(%error, "could not ask Feishu whether the user administers the app");
            return pages::page(locale, Page::LoginRefusedByFeishu, Some(&error.to_string()));
        }
    };
    // A new session id at the moment of privilege: a fixated id stays anonymous.
    if let Err(error) = session.cycle_id().await {
        tracing::error!(%error, "could not rotate the session id");
        return pages::error(Page::LoginBroken, "the session store failed");
    }
    let emails = [user.email.clone(), user.enterprise_email.clone()].into_iter().flatten().collect();
    let signed_in = SessionUser {
        open_id: user.open_id.clone(),
        union_id: user.union_id.clone(),
        name: if user.name.is_empty() { user.en_name.clone().unwrap_or_default() } else { user.name.clone() },
        emails,
        via_app_admin,
    };
    if let Err(error) = session.insert(USER_KEY, &signed_in).await {
        tracing::error!(%error, "could not save the signed-in user");
        return pages::error(Page::LoginBroken, "the session store failed");
    }
    tracing::info!(open_id = %signed_in.open_id, "signed in");
    Redirect::to(&pending.next).into_response()
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
