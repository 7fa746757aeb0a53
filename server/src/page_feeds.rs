//! What the page's islands fetch, besides a chart drawn for its width (the SVG export
//! with `embed=1`): how far a page load has come ([`app::api::PROGRESS_PATH`]) and the
//! plan of a names import ([`app::api::NAMES_IMPORT_PATH`]). Both answer text the server
//! renders in the page's language (`lang`, else the browser's), so that the browser
//! only puts it on the screen.

use app::api::ssr::{names_import_answer, progress_answer};
use app::api::{NAMES_IMPORT_PATH, PROGRESS_PATH};
use app::i18n::Locale;
use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route(PROGRESS_PATH, get(progress)).route(NAMES_IMPORT_PATH, post(names_import))
}

/// The page's language: its `lang`, else the browser's.
fn locale(lang: Option<&str>, headers: &HeaderMap) -> Locale {
    lang.and_then(Locale::parse)
        .unwrap_or_else(|| Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}

#[derive(Deserialize)]
struct ProgressQuery {
    ticket: u64,
    lang: Option<String>,
}

/// `GET /api/progress?ticket=…&lang=…`: the percentage done on the first line (empty
/// while there is no estimate), the words on the second. A ticket not known (not
/// started, or forgotten) is a fetch without an estimate.
async fn progress(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<ProgressQuery>) -> Response {
    let locale = locale(q.lang.as_deref(), &headers);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], progress_answer(&state, q.ticket, locale))
        .into_response()
}

#[derive(Deserialize)]
struct ImportQuery {
    lang: Option<String>,
    /// `1`: save the table when nothing in it is refused.
    #[serde(default)]
    save: u8,
}

/// `POST /api/names-import?lang=…&save=0|1`, the table (UTF-8 text) as the body: the
/// plan as HTML, or why the whole import is refused (422).
async fn names_import(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<ImportQuery>, body: String) -> Response {
    let locale = locale(q.lang.as_deref(), &headers);
    let (status, html) = names_import_answer(&state, &body, q.save == 1, locale).await;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html).into_response()
}
