//! `/api/v1/digests`: the chat digests for scripts, as the dashboard's digests page has them.
//!
//! - `GET /api/v1/digests[?refresh=1]`: the chats the bot is in with their schedules,
//!   and the recent deliveries with what went wrong;
//! - `PUT /api/v1/digests/{chat_id}` with `{"language":"zh","every":"weekly","weekday":1,"hour":9,"enabled":true}`
//!   (and optionally `chat_name`, and `custom_workplace_ids` and `block_ids` to limit the
//!   digest to those workplaces' blocks and those blocks; empty or absent, the whole
//!   tenant): saves the chat's schedule;
//! - `DELETE /api/v1/digests/{chat_id}`: removes it (its deliveries stay listed);
//! - `GET /api/v1/digests/preview?language=&every=&weekday=&hour=[&custom_workplace_id=…][&block_id=…]`:
//!   the card such a schedule sends now, as Feishu gets it (`card`), with its size and
//!   element count;
//! - `POST /api/v1/digests/{chat_id}/test?language=zh[&custom_workplace_id=…][&block_id=…]`:
//!   sends the last seven final days' digest to the chat now, of the scope given, else
//!   of what the chat's schedule covers.
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
    #[serde(default)]
    custom_workplace_ids: Vec<String>,
    #[serde(default)]
    block_ids: Vec<String>,
}

/// The scope parameters of the preview and the test, repeatable.
const SCOPE_PARAMS: [&str; 2] = ["custom_workplace_id", "block_id"];

/// A form of the scope the query gives (repeated `custom_workplace_id` and `block_id`;
/// none, the whole tenant), otherwise the default schedule.
fn scope_form(params: &Params) -> ScheduleForm {
    ScheduleForm {
        custom_workplace_ids: params.all(SCOPE_PARAMS[0]).map(str::to_owned).collect(),
        block_ids: params.all(SCOPE_PARAMS[1]).map(str::to_owned).collect(),
        ..ScheduleForm::default()
    }
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
                    "the body is not a schedule ({error}): send JSON such as {{\"language\":\"zh\",\"every\":\"weekly\",\"weekday\":1,\"hour\":9,\"enabled\":true}}, with \"custom_workplace_ids\":[…] and \"block_ids\":[…] to limit it"
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
        custom_workplace_ids: body.custom_workplace_ids,
        block_ids: body.block_ids,
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
    let known = ["language", "every", "weekday", "hour", SCOPE_PARAMS[0], SCOPE_PARAMS[1]];
    let params = match Params::parse(raw.as_deref(), &known, &SCOPE_PARAMS) {
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
    let form = ScheduleForm {
        language: text("language", "zh"),
        every: text("every", "weekly"),
        weekday,
        hour,
        enabled: true,
        ..scope_form(&params)
    };
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
    let asked = Params::parse(raw.as_deref(), &["language", SCOPE_PARAMS[0], SCOPE_PARAMS[1]], &SCOPE_PARAMS)
        .and_then(|p| Ok((p.single("language")?.unwrap_or("zh").to_owned(), ssr::scope(&scope_form(&p))?)));
    let (language, scope) = match asked {
        Ok(asked) => asked,
        Err(error) => return error.into_response(),
    };
    // Without a scope given, what the chat's schedule covers: a test never shows a chat
    // more than its digests do.
    let scope = match scope {
        Some(scope) => Some(scope),
        None => match ssr::saved_scope(&state, &chat_id).await {
            Ok(saved) => saved,
            Err(error) => return error.into_response(),
        },
    };
    match ssr::send_test(&state, &chat_id, &language, scope.as_ref()).await {
        Ok(message_id) => Json(json!({ "message_id": message_id })).into_response(),
        Err(error) => error.into_response(),
    }
}
