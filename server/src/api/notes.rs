//! `/api/v1/annotations`: notes on the timeline for scripts. `POST` writes one (201 with
//! its id), `GET` lists them (`?from_date&to_date`, both optional), `PUT` and `DELETE`
//! on `/{id}` edit and remove one. As a file: `GET /api/v1/annotations.csv` exports them
//! and `PUT /api/v1/annotations` imports a table or that JSON, all of it or nothing, as
//! the block names' import does (its request and answer are [`super::import`]'s).
//! Writing needs a signed-in admin or a token allowed to change block names
//! ([`use_cases::notes`] decides).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Extension, Json, Router};
use domain::{DateRange, NoteDraft};
use serde::Deserialize;
use serde_json::json;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::notes::NotesImport;
use use_cases::state::AppState;

use super::import::{ImportRequest, failed, plan_answer};
use super::{Params, Seen, csv_download};

/// The notes' route, which also takes the import.
pub const NOTES_PATH: &str = "/api/v1/annotations";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(NOTES_PATH, get(list).post(add).put(import))
        .route("/api/v1/annotations.csv", get(export_csv))
        .route("/api/v1/annotations/{id}", put(edit).delete(remove))
        .route("/api/v1/annotations/{id}/impact", get(impact))
}

/// A note as a request's body gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    date: String,
    text: String,
    #[serde(default)]
    block_ids: Vec<String>,
    #[serde(default)]
    custom_workplace_id: Option<String>,
}

/// The note a body gives, or what to fix.
fn draft(body: &[u8]) -> Result<NoteDraft, AppError> {
    let body: NoteBody = serde_json::from_slice(body).map_err(|error| AppError::BadInput {
        message: format!(
            "the body is not a note ({error}): send JSON such as {{\"date\":\"2026-11-30\",\"text\":\"Moved 请假 to the top\",\
             \"block_ids\":[\"7012345\"],\"custom_workplace_id\":null}}"
        ),
    })?;
    NoteDraft::parse(&body.date, &body.text, body.block_ids.iter().map(String::as_str), body.custom_workplace_id.as_deref())
        .map_err(|invalid| AppError::BadInput { message: invalid.to_string() })
}

/// Who is asking, as the sign-in guard recorded it.
fn who(viewer: Option<Extension<Viewer>>) -> Result<Viewer, AppError> {
    viewer.map(|Extension(v)| v).ok_or_else(|| AppError::Unauthorized { message: "sign in, or send an API token".into() })
}

/// The days `?from_date=…&to_date=…` asks for; every day without either.
fn days(raw: Option<&str>) -> Result<Option<DateRange>, AppError> {
    let params = Params::parse(raw, &["from_date", "to_date"], &[])?;
    match (params.single("from_date")?, params.single("to_date")?) {
        (None, None) => Ok(None),
        _ => Ok(Some(params.query(None, u32::MAX)?.range)),
    }
}

/// `GET /api/v1/annotations[?from_date=…&to_date=…]`: `{"annotations":[…]}` by day.
async fn list(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let notes = use_cases::notes::list(&state, &sight, days(raw.as_deref())?).await?;
    Ok(Json(json!({ "annotations": notes })).into_response())
}

/// `GET /api/v1/annotations.csv[?from_date=…&to_date=…]`: the notes by day as
/// `id,date,text,block_ids,custom_workplace_id,created_by,created_at`, UTF-8 with a BOM,
/// block ids joined by a space, formula-like cells behind a `'`; the import takes it
/// back.
async fn export_csv(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let body = use_cases::notes::export_csv(&state, &sight, days(raw.as_deref())?).await?;
    Ok(csv_download("notes.csv", body))
}

/// `PUT /api/v1/annotations[?dry_run=1]`: plans the body (a CSV/TSV table, or the JSON
/// the list answers) against the notes held now and saves all of it, unless it is a
/// dry run or a line is refused (422, every refused line listed, nothing saved).
async fn import(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let viewer = who(viewer)?;
    use_cases::notes::may_write(&viewer)?;
    let request = ImportRequest::read(raw.as_deref(), &headers, &body)?;
    Ok(match use_cases::notes::import(&state, &viewer, request.text, request.format, !request.dry_run).await {
        Ok(NotesImport { plan, saved }) => plan_answer(saved, request.dry_run, &plan.counts(), &plan, &plan.refused),
        Err(error) => failed(error, "notes"),
    })
}

/// `POST /api/v1/annotations`: 201 with the note and its `id`.
async fn add(State(state): State<AppState>, viewer: Option<Extension<Viewer>>, body: Bytes) -> Result<Response, AppError> {
    let viewer = who(viewer)?;
    let note = use_cases::notes::add(&state, &viewer, &draft(&body)?).await?;
    Ok((StatusCode::CREATED, Json(note)).into_response())
}

/// `PUT /api/v1/annotations/{id}`: the note as edited.
async fn edit(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let viewer = who(viewer)?;
    Ok(Json(use_cases::notes::edit(&state, &viewer, &id, &draft(&body)?).await?).into_response())
}

/// `DELETE /api/v1/annotations/{id}`: 204.
async fn remove(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let viewer = who(viewer)?;
    use_cases::notes::remove(&state, &viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/annotations/{id}/impact[?weeks=N]`: the weeks before against the weeks
/// after (4 unless given, 1 to 8), in PV and UV, beside the control; 409 `too_recent`
/// with `judgeable_on` for a note whose weeks after are not over.
async fn impact(
    State(state): State<AppState>,
    Seen(sight): Seen,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["weeks"], &[])?;
    let weeks = match params.single("weeks")? {
        None => domain::impact::DEFAULT_WEEKS,
        Some(raw) => {
            raw.trim().parse().ok().filter(|w| (domain::impact::MIN_WEEKS..=domain::impact::MAX_WEEKS).contains(w)).ok_or_else(
                || AppError::BadInput {
                    message: format!(
                        "weeks={:?} is not valid: give 1 to 8 weeks a side, or leave it out for 4",
                        raw.chars().take(20).collect::<String>()
                    ),
                },
            )?
        }
    };
    Ok(Json(use_cases::impact::of_note(&state.service, &sight, &id, weeks).await?).into_response())
}
