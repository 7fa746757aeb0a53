//! What the page's islands fetch, besides a chart drawn for its width (the SVG export
//! with `embed=1`): how far a page load has come ([`app::api::PROGRESS_PATH`]) and the
//! plan of a names import ([`app::api::NAMES_IMPORT_PATH`]). Both answer text the server
//! renders in the page's language (`lang`, else the browser's), so that the browser
//! only puts it on the screen.
//!
//! The names import works without script too: the dashboard's import form is a plain
//! multipart form to the same route. Its preview answers a page of its own with the
//! plan and the table to edit or apply; Apply saves exactly the table previewed (the
//! form carries the preview's SHA-256) and sends the browser back to the dashboard,
//! which says what was saved (the flash cookie, as for the other plain forms).

use app::api::{NAMES_IMPORT_PATH, PROGRESS_PATH};
use app::feeds::{import_saved_flash, names_import_answer, progress_answer};
use app::flash::Flash;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use i18n::Locale;
use sha2::{Digest, Sha256};
use use_cases::report::NamesImport;
use use_cases::state::AppState;

use crate::auth::pages::{document, escape};
use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route(PROGRESS_PATH, get(progress)).route(NAMES_IMPORT_PATH, post(names_import))
}

/// The page's language: its `lang`, else as the sign-in pages find it (the `lang`
/// cookie, the Feishu client's language, `Accept-Language`).
fn locale(lang: Option<&str>, headers: &HeaderMap) -> Locale {
    lang.and_then(Locale::parse).unwrap_or_else(|| crate::auth::pages::locale(headers))
}

/// `response` with what a saved import says on the dashboard that loads next, in the
/// flash cookie (nothing for an import not saved).
fn with_saved_flash(
    mut response: Response,
    answer: &Result<NamesImport, use_cases::error::AppError>,
    locale: Locale,
) -> Response {
    let flash: Option<Flash> = answer.as_ref().ok().and_then(|import| import_saved_flash(import, locale));
    if let Some(cookie) = flash.and_then(|f| HeaderValue::from_str(&f.cookie()).ok()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
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
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        progress_answer(&state, q.ticket, locale),
    )
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
/// plan as HTML, or why the whole import is refused (422). A multipart form (the import
/// form without script) gets pages instead ([`names_import_form`]).
async fn names_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ImportQuery>,
    request: Request,
) -> Response {
    let locale = locale(q.lang.as_deref(), &headers);
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return match Multipart::from_request(request, &()).await {
            Ok(form) => names_import_form(&state, locale, form).await,
            Err(rejection) => rejection.into_response(),
        };
    }
    let body = match String::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let (status, html, answer) = names_import_answer(&state, &body, q.save == 1, locale).await;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let response =
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html).into_response();
    with_saved_flash(response, &answer, locale)
}

/// The import form as a browser without script sends it.
#[derive(Default)]
struct ImportForm {
    /// The table typed or pasted.
    text: String,
    /// The chosen file's text, when one was chosen (it wins over the box).
    file: Option<String>,
    /// Apply (`1`) rather than preview.
    save: bool,
    /// The SHA-256 of the table whose plan was shown, when Apply comes from that page.
    planned: Option<String>,
}

async fn read_form(mut form: Multipart, locale: Locale) -> Result<ImportForm, String> {
    let unreadable = |e: axum::extract::multipart::MultipartError| e.body_text();
    let mut read = ImportForm::default();
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "text" => read.text = field.text().await.map_err(unreadable)?,
            "file" => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !bytes.is_empty() {
                    read.file = Some(String::from_utf8(bytes.to_vec()).map_err(|_| locale.t().import.not_utf8.to_owned())?);
                }
            }
            "save" => read.save = field.text().await.map_err(unreadable)? == "1",
            "planned" => read.planned = Some(field.text().await.map_err(unreadable)?),
            _ => {}
        }
    }
    Ok(read)
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The import form without script. A preview (or an Apply whose table changed since
/// its preview, which is previewed again and says so) answers the plan page; an Apply
/// that saves goes back to the dashboard (303) with what was saved.
async fn names_import_form(state: &AppState, locale: Locale, form: Multipart) -> Response {
    let i = locale.t().import;
    let back = format!("/?lang={}#names-import", locale.code());
    let form = match read_form(form, locale).await {
        Ok(form) => form,
        Err(message) => {
            let body = format!(
                "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"{back}\">{}</a></p>",
                escape(&message),
                escape(locale.t().digest.back)
            );
            return document(locale, StatusCode::BAD_REQUEST, i.title, &body);
        }
    };
    // A browser sends a text box's lines ended by CRLF and a file as it is: one form of
    // line end, so that the same table has the same SHA-256 either way.
    let text = form.file.unwrap_or(form.text).replace("\r\n", "\n").replace('\r', "\n");
    let changed = form.save && form.planned.as_deref() != Some(sha256_hex(&text).as_str());
    let (status, plan, answer) = names_import_answer(state, &text, form.save && !changed, locale).await;
    if answer.as_ref().is_ok_and(|import| import.saved) {
        return with_saved_flash(Redirect::to(&back).into_response(), &answer, locale);
    }
    let apply = if answer.as_ref().is_ok_and(NamesImport::can_apply) {
        format!("<button type=\"submit\" name=\"save\" value=\"1\" data-testid=\"import-apply\">{}</button>", escape(i.apply))
    } else {
        String::new()
    };
    let notice =
        if changed { format!("<p class=\"hint\" role=\"status\">{}</p>", escape(i.text_changed)) } else { String::new() };
    let body = format!(
        "<div class=\"names-import\">{notice}{plan}<form method=\"post\" action=\"{action}?lang={lang}\" enctype=\"multipart/form-data\" class=\"import-form\">\
         <label for=\"names-import-text\">{label}</label>\
         <textarea id=\"names-import-text\" name=\"text\" rows=\"6\" spellcheck=\"false\" data-testid=\"import-text\">\n{text}</textarea>\
         <input type=\"hidden\" name=\"planned\" value=\"{planned}\">\
         <div class=\"import-actions\"><button type=\"submit\" name=\"save\" value=\"0\" class=\"secondary\" data-testid=\"import-preview\">{preview}</button>{apply}</div>\
         </form><p><a href=\"{back}\">{back_label}</a></p></div>",
        action = NAMES_IMPORT_PATH,
        lang = locale.code(),
        label = escape(i.paste_label),
        text = escape(&text),
        planned = sha256_hex(&text),
        preview = escape(i.preview),
        back_label = escape(locale.t().digest.back),
    );
    document(locale, StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), i.title, &body)
}
