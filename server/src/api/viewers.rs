//! `/api/v1/viewers`: who has view access to which scope, for admins.
//!
//! - `GET /api/v1/viewers`: `{"viewers":[{who, custom_workplace_ids, block_ids, granted_by, granted_at}…]}`;
//! - `GET /api/v1/viewers/{who}`: one grant (404 without one);
//! - `PUT /api/v1/viewers/{who}` with `{"custom_workplace_ids":[…],"block_ids":[…]}`:
//!   grants `who` (an open_id, a union_id or an e-mail address, URL-encoded) that scope,
//!   replacing what they had; the answer is the grant with `unknown_workplaces`, the
//!   named custom workplaces Feishu has not reported (granted all the same);
//! - `DELETE /api/v1/viewers/{who}`: 204.
//!
//! Only a signed-in admin may ([`use_cases::viewers::may_grant`]); API tokens get 403.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use domain::scope::Scope;
use serde::Deserialize;
use serde_json::json;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::state::AppState;
use use_cases::viewers;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/viewers", get(list)).route("/api/v1/viewers/{who}", get(one).put(grant).delete(revoke))
}

/// A scope as a request's body gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeBody {
    #[serde(default)]
    custom_workplace_ids: Vec<String>,
    #[serde(default)]
    block_ids: Vec<String>,
}

/// The scope a body gives, or what to fix.
fn scope(body: &[u8]) -> Result<Scope, AppError> {
    let body: ScopeBody = serde_json::from_slice(body).map_err(|error| AppError::BadInput {
        message: format!(
            "the body is not a scope ({error}): send JSON such as \
             {{\"custom_workplace_ids\":[\"tpl_6393d1e4f5c2a0007b8e3c1d\"],\"block_ids\":[\"7012345\"]}}"
        ),
    })?;
    Scope::parse(body.custom_workplace_ids.iter().map(String::as_str), body.block_ids.iter().map(String::as_str))
        .map_err(|invalid| AppError::BadInput { message: invalid.to_string() })
}

/// Who is asking, as the sign-in guard recorded it.
fn asker(viewer: Option<Extension<Viewer>>) -> Result<Viewer, AppError> {
    viewer.map(|Extension(v)| v).ok_or_else(|| AppError::Unauthorized { message: "sign in as an admin".into() })
}

/// `GET /api/v1/viewers`: every grant, by whom it is for.
async fn list(State(state): State<AppState>, viewer: Option<Extension<Viewer>>) -> Result<Response, AppError> {
    let grants = viewers::list(&state, &asker(viewer)?).await?;
    Ok(Json(json!({ "viewers": grants })).into_response())
}

/// `GET /api/v1/viewers/{who}`: the grant of `who`.
async fn one(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(who): Path<String>,
) -> Result<Response, AppError> {
    Ok(Json(viewers::find(&state, &asker(viewer)?, &who).await?).into_response())
}

/// `PUT /api/v1/viewers/{who}`: the grant as saved, with `unknown_workplaces`.
async fn grant(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(who): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let viewer = asker(viewer)?;
    // A token is told it may not before it is told what to fix in its body.
    viewers::may_grant(&viewer)?;
    let scope = scope(&body)?;
    let grant = viewers::grant(&state, &viewer, &who, &scope).await?;
    let mut answer = serde_json::to_value(&grant)
        .map_err(|e| AppError::Internal { message: format!("could not write the grant as JSON: {e}") })?;
    answer["unknown_workplaces"] = json!(viewers::unknown_workplaces(&state, &scope));
    Ok(Json(answer).into_response())
}

/// `DELETE /api/v1/viewers/{who}`: 204.
async fn revoke(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(who): Path<String>,
) -> Result<Response, AppError> {
    viewers::revoke(&state, &asker(viewer)?, &who).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> String {
        match scope(body.as_bytes()) {
            Err(AppError::BadInput { message }) => message,
            other => panic!("expected a 400 for {body:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_body_is_a_scope_or_says_what_to_fix() {
        let read = scope(br#"{"custom_workplace_ids":["tpl_b","tpl_a"],"block_ids":[]}"#).unwrap();
        assert_eq!(read.custom_workplace_ids.iter().map(|w| w.as_str()).collect::<Vec<_>>(), ["tpl_a", "tpl_b"]);
        assert!(refused("not json").contains("send JSON such as"));
        assert!(refused(r#"{"block_ids":["1"],"workplaces":[]}"#).contains("unknown field `workplaces`"));
        assert!(refused("{}").contains("the scope is empty"));
        assert!(refused(r#"{"block_ids":["12a"]}"#).starts_with("block_ids:"));
    }
}
