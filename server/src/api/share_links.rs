//! `/api/v1/share-links`: read-only links to a view. `POST` makes one
//! (`{"path":"/?range=30d&workplace=…","expires_in_days":30}`, 201 with its `id`, `url`
//! and `expires_at`), `GET` lists them (an admin's: all; a viewer's: their own, with how
//! often each was opened), `DELETE /{id}` revokes one. `/s/{id}` is the link itself
//! (the sign-in's `auth::links`). Who may make or revoke which is [`use_cases::share_links`]'s.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::state::{AppState, SessionUser};

use crate::paths::SHARE_LINKS_PATH;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(SHARE_LINKS_PATH, get(list).post(make)).route(&format!("{SHARE_LINKS_PATH}/{{id}}"), delete(revoke))
}

/// A link as a request's body asks for it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    path: String,
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// Who is asking: a signed-in person (links are people's), with their identity.
fn person(viewer: Option<Extension<Viewer>>, user: Option<Extension<SessionUser>>) -> Result<(Viewer, SessionUser), AppError> {
    match (viewer, user) {
        (Some(Extension(viewer)), Some(Extension(user))) => Ok((viewer, user)),
        (Some(_), None) => Err(AppError::Forbidden {
            message: "links are made by a signed-in person, on the dashboard or with their session".into(),
        }),
        (None, _) => Err(AppError::Unauthorized { message: "sign in first".into() }),
    }
}

/// `POST /api/v1/share-links`: 201 with the link.
async fn make(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    user: Option<Extension<SessionUser>>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (viewer, user) = person(viewer, user)?;
    let body: LinkBody = serde_json::from_slice(&body).map_err(|error| AppError::BadInput {
        message: format!(
            "the body is not a link ({error}): send JSON such as {{\"path\":\"/?range=30d\",\"expires_in_days\":30}}"
        ),
    })?;
    let link = use_cases::share_links::create(&state, &viewer, &user, &body.path, body.expires_in_days).await?;
    Ok((StatusCode::CREATED, Json(link)).into_response())
}

/// `GET /api/v1/share-links`: `{"links":[…]}`, newest first.
async fn list(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    user: Option<Extension<SessionUser>>,
) -> Result<Response, AppError> {
    let (viewer, user) = person(viewer, user)?;
    Ok(Json(json!({ "links": use_cases::share_links::list(&state, &viewer, &user).await? })).into_response())
}

/// `DELETE /api/v1/share-links/{id}`: 204.
async fn revoke(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (viewer, user) = person(viewer, user)?;
    use_cases::share_links::revoke(&state, &viewer, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
