//! `/api/v1/digests`: the chat digests for scripts, as the dashboard's digests page has them.
//!
//! - `GET /api/v1/digests[?refresh=1]`: the chats the bot is in with their schedules,
//!   and the recent deliveries with what went wrong;
//! - `PUT /api/v1/digests/{chat_id}` with `{"language":"zh","every":"weekly","weekday":1,"hour":9,"enabled":true}`
//!   (and optionally `chat_name`): saves the chat's schedule;
//! - `DELETE /api/v1/digests/{chat_id}`: removes it (its deliveries stay listed);
//! - `GET /api/v1/digests/preview?language=&every=&weekday=&hour=`: the card such a
//!   schedule sends now, as Feishu gets it (`card`), with its size and element count;
//! - `POST /api/v1/digests/{chat_id}/test?language=zh`: sends the last seven final days'
//!   digest to the chat now.
//!
//! Reading needs any token; changing or sending needs a signed-in admin or a token
//! allowed to write (the permission that also lets it change block names).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use use_cases::digest_setup::ScheduleForm;
use use_cases::digest_setup::ssr;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::state::AppState;

use super::Params;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/digests", get(setup))
        .route("/api/v1/digests/preview", get(preview))
        .route("/api/v1/digests/{chat_id}", put(save).delete(remove))
        .route("/api/v1/digests/{chat_id}/test", post(send_test))
}

/// Why `viewer` may not change digests; `None` if it may.
fn refusal(viewer: Option<&Viewer>) -> Option<AppError> {
    match viewer {
        Some(viewer) if viewer.can_manage_digests() => None,
        Some(Viewer::Script { name, .. }) => Some(AppError::Forbidden {
            message: format!(
                "the API token {name:?} may read the digests but not change or send them: an admin creates a token with \
                 \"may also manage chat digests\" ticked (the dashboard's API tokens page, /tokens) for this script"
            ),
        }),
        _ => Some(AppError::Forbidden {
            message: "changing digests needs a signed-in admin or a token allowed to manage digests".into(),
        }),
    }
}

async fn setup(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let refresh = match Params::parse(raw.as_deref(), &["refresh"], &[]).and_then(|p| p.refresh()) {
        Ok(refresh) => refresh,
        Err(error) => return error.into_response(),
    };
    Json(ssr::setup(&state, refresh).await).into_response()
}

/// A schedule as a script sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleBody {
    #[serde(default)]
    chat_name: String,
    language: String,
    every: String,
    #[serde(default = "monday")]
    weekday: u8,
    hour: u8,
    #[serde(default = "yes")]
    enabled: bool,
}

fn monday() -> u8 {
    1
}

fn yes() -> bool {
    true
}

async fn save(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let viewer = viewer.as_ref().map(|Extension(v)| v);
    if let Some(refused) = refusal(viewer) {
        return refused.into_response();
    }
    let body: ScheduleBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => {
            return AppError::BadInput {
                message: format!(
                    "the body is not a schedule ({error}): send JSON such as {{\"language\":\"zh\",\"every\":\"weekly\",\"weekday\":1,\"hour\":9,\"enabled\":true}}"
                ),
            }
            .into_response();
        }
    };
    let form = ScheduleForm {
        language: body.language,
        every: body.every,
        weekday: body.weekday,
        hour: body.hour,
        enabled: body.enabled,
    };
    match ssr::save(&state, &chat_id, &body.chat_name, &form, &viewer.map_or_else(|| "unknown".into(), Viewer::actor)).await {
        Ok(schedule) => {
            Json(json!({ "chat_id": schedule.chat_id, "chat_name": schedule.chat_name, "schedule": ssr::form_of(&schedule) }))
                .into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn remove(State(state): State<AppState>, viewer: Option<Extension<Viewer>>, Path(chat_id): Path<String>) -> Response {
    if let Some(refused) = refusal(viewer.as_ref().map(|Extension(v)| v)) {
        return refused.into_response();
    }
    match ssr::remove(&state, &chat_id).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => AppError::NotFound { message: format!("the chat {chat_id:?} has no digest schedule") }.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn preview(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = match Params::parse(raw.as_deref(), &["language", "every", "weekday", "hour"], &[]) {
        Ok(params) => params,
        Err(error) => return error.into_response(),
    };
    let text = |name: &str, default: &str| params.single(name).ok().flatten().unwrap_or(default).to_owned();
    let number = |name: &str, default: u8| -> Result<u8, AppError> {
        match params.single(name).ok().flatten() {
            None => Ok(default),
            Some(raw) => {
                raw.trim().parse().map_err(|_| AppError::BadInput { message: format!("{name}={raw:?} is not a whole number") })
            }
        }
    };
    let (weekday, hour) = match (number("weekday", 1), number("hour", 9)) {
        (Ok(w), Ok(h)) => (w, h),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let form = ScheduleForm { language: text("language", "zh"), every: text("every", "weekly"), weekday, hour, enabled: true };
    match ssr::preview(&state, &form).await {
        Ok(card) => Json(json!({ "card": card.json, "bytes": card.bytes, "elements": card.elements })).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn send_test(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(chat_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Some(refused) = refusal(viewer.as_ref().map(|Extension(v)| v)) {
        return refused.into_response();
    }
    let language = match Params::parse(raw.as_deref(), &["language"], &[])
        .and_then(|p| Ok(p.single("language")?.unwrap_or("zh").to_owned()))
    {
        Ok(language) => language,
        Err(error) => return error.into_response(),
    };
    match ssr::send_test(&state, &chat_id, &language).await {
        Ok(message_id) => Json(json!({ "message_id": message_id })).into_response(),
        Err(error) => error.into_response(),
    }
}
