//! Who gets past: every page, server function and `/api/` route needs an allowed,
//! signed-in person (or, on `/api/v1/`, a valid API token); every request that changes
//! state must come from this dashboard's own pages.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use use_cases::error::AppError;
use use_cases::state::{SessionUser, Viewer};

use super::sign_in::USER_KEY;
use super::{AuthState, links};
use crate::paths::{Access, access, open_to_viewers};
use crate::rate_limits::RateKey;

/// Paths anyone may fetch.
fn is_public(path: &str) -> bool {
    access(path) != Access::Protected
}

fn unauthorized(message: &str) -> Response {
    AppError::Unauthorized { message: message.to_owned() }.into_response()
}

/// Lets through allowed people and valid API tokens; sends others to sign in.
pub async fn guard(State(auth): State<AuthState>, session: Session, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_public(&path) {
        return next.run(request).await;
    }
    if path.starts_with("/api/v1/")
        && let Some(bearer) = bearer(&request)
    {
        return match auth.store.verify_api_token(&bearer).await {
            Ok(Some(token)) => match token_scope(&auth, &token).await {
                Err(why) => unauthorized(&why),
                // A viewer's token reads what the viewer may read, nothing else.
                Ok(Some(_)) if !open_to_viewers(request.method(), &path) => AppError::Forbidden {
                    message: "this token is a viewer's: it reads the numbers of their workplaces and blocks only".into(),
                }
                .into_response(),
                Ok(scope) => {
                    let permissions = token.permissions;
                    request.extensions_mut().insert(RateKey::Token(token.id));
                    request.extensions_mut().insert(Viewer::Script {
                        name: token.name,
                        can_write_names: permissions.can_write_names,
                        can_manage_digests: permissions.can_manage_digests,
                        scope,
                    });
                    next.run(request).await
                }
            },
            Ok(None) => unauthorized("the API token is unknown or was revoked: ask an admin for a new one"),
            Err(error) => {
                tracing::error!(%error, "could not check an API token");
                AppError::Internal { message: "could not check the API token".into() }.into_response()
            }
        };
    }
    match session.get::<SessionUser>(USER_KEY).await {
        Ok(Some(user)) if auth.settings.still_allowed(&user) => {
            request.extensions_mut().insert(RateKey::Person(user.open_id.clone()));
            request.extensions_mut().insert(Viewer::admin(user.name.clone()));
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Ok(Some(user)) => match auth.viewer_scope(&user).await {
            // A viewer: reads of what they may see only, decided for every path here.
            Ok(Some(scope)) if open_to_viewers(request.method(), &path) => {
                request.extensions_mut().insert(RateKey::Person(user.open_id.clone()));
                request.extensions_mut().insert(Viewer::Person { name: user.name.clone(), scope: Some(scope) });
                request.extensions_mut().insert(user);
                next.run(request).await
            }
            Ok(Some(_)) => AppError::Forbidden {
                message: "your access lets you read the numbers of some workplaces and blocks; this is for admins".into(),
            }
            .into_response(),
            Ok(None) => visitor(&auth, &session, user, request, next).await,
            Err(error) => {
                tracing::error!(%error, "could not read a viewer's grant");
                AppError::Internal { message: "could not check your access".into() }.into_response()
            }
        },
        Ok(None) => anonymous(&request, &path),
        Err(error) => {
            tracing::error!(%error, "could not read the session");
            anonymous(&request, &path)
        }
    }
}

/// A signed-in person who is neither an admin nor a viewer: a visitor of the read-only
/// link their session holds, or of the one they open now (`/s/{id}`), asking for that
/// link's view only ([`super::links`]); without a usable link, no one.
async fn visitor(auth: &AuthState, session: &Session, user: SessionUser, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let opening = links::link_path(&path).map(str::to_owned);
    let held = match &opening {
        Some(_) => None,
        None => session.get::<String>(links::LINK_KEY).await.ok().flatten(),
    };
    let Some(id) = opening.clone().or(held) else {
        tracing::info!(open_id = %user.open_id, "signed-in user no longer allowed; session ended");
        let _ = session.flush().await;
        return anonymous(&request, &path);
    };
    let link = match use_cases::share_links::usable(&auth.store, &id).await {
        Ok(link) => link,
        Err(error) => return links::unusable(request.headers(), &error),
    };
    if opening.is_some() && session.insert(links::LINK_KEY, &id).await.is_err() {
        return AppError::Internal { message: "could not keep the link opened".into() }.into_response();
    }
    match links::visit(request.method(), &path, request.uri().query(), &link.view) {
        links::Visit::Pass => {
            request.extensions_mut().insert(RateKey::Person(user.open_id.clone()));
            request.extensions_mut().insert(Viewer::Visitor {
                name: user.name.clone(),
                link: link.id.clone(),
                view: link.view.clone(),
                scope: link.scope.clone(),
            });
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        links::Visit::Back(to) => Redirect::to(&to).into_response(),
        links::Visit::Refused(response) => response,
    }
}

/// What an unrevoked token may see now (`None`: everything, an admin's token; a
/// viewer's: their scope as it is now), or why it may not be used: it expired, or the
/// person who created it no longer has access (checked at every use, by the same rules
/// as a signed-in person's session), or it was made before tokens recorded who created
/// them.
async fn token_scope(auth: &AuthState, token: &store::ApiTokenInfo) -> Result<Option<domain::scope::Scope>, String> {
    if token.expired(chrono::Utc::now()) {
        let on = token.expires_at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
        return Err(format!("the API token {:?} expired on {on}: ask an admin for a new one", token.name));
    }
    let creator = token.creator.as_deref().and_then(|c| serde_json::from_str::<SessionUser>(c).ok());
    let Some(creator) = creator else {
        return Err(format!(
            "the API token {:?} was made before tokens recorded who created them, so its creator cannot be checked: \
             ask an admin for a new one",
            token.name
        ));
    };
    if auth.settings.still_allowed(&creator) {
        return Ok(None);
    }
    match auth.viewer_scope(&creator).await {
        Ok(Some(scope)) => Ok(Some(scope)),
        Ok(None) => Err(format!(
            "the API token {:?} was created by someone who no longer has access to the dashboard: ask a current admin for a new one",
            token.name
        )),
        Err(error) => {
            tracing::error!(%error, "could not read a token creator's grant");
            Err("could not check the API token's access: try again in a moment".into())
        }
    }
}

fn anonymous(request: &Request, path: &str) -> Response {
    // Routes that answer machines get 401 JSON instead of a redirect to sign-in.
    if crate::paths::answers_machines(path) {
        return unauthorized("sign in first (GET /login), or send an API token as Authorization: Bearer …");
    }
    let target = request.uri().path_and_query().map_or(path, |pq| pq.as_str());
    let next: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// A call to the API for scripts with a Bearer token: the one kind of request that is
/// judged by its token alone, never by the session cookie.
fn script_call(request: &Request) -> bool {
    request.uri().path().starts_with("/api/v1/") && bearer(request).is_some()
}

fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    // The scheme is case-insensitive (RFC 9110 §11.1).
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// Refuses requests that change state unless the browser says they come from this
/// dashboard (`Origin`, else `Referer`): a page elsewhere cannot post here with the
/// admin's cookie. `SameSite=Lax` already holds cookies back from cross-site posts;
/// this is the second lock.
pub async fn require_same_origin(State(auth): State<AuthState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A script's call needs no Origin: it carries its own credential, a Bearer token,
    // which a browser never adds by itself, and the guard then never falls back to the
    // cookie. Any other `Authorization` (Basic, Negotiate: a browser resends those by
    // itself, e.g. to an SSO proxy) proves nothing about where the request came from.
    // A CSP violation report changes nothing (it is logged) and the browser sends it
    // from the page that broke the policy, with whatever Origin that page had.
    if safe || script_call(&request) || request.uri().path() == crate::paths::CSP_REPORT_PATH {
        return next.run(request).await;
    }
    let origin = auth.settings.public_origin();
    let headers = request.headers();
    let from = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(super::reqwest_like_origin));
    match from {
        Some(from) if from.eq_ignore_ascii_case(&origin) => next.run(request).await,
        other => {
            tracing::warn!(origin = ?other, expected = %origin, path = %request.uri().path(), "cross-site request refused");
            AppError::Forbidden {
                message: "this request did not come from the dashboard's own pages (Origin check): reload the dashboard and \
                          try again"
                    .into(),
            }
            .into_response()
        }
    }
}
