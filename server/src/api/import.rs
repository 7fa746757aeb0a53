//! What the API's imports share (`PUT /api/v1/block-names`, `PUT /api/v1/annotations`):
//! reading the request (`?dry_run`, the body's format from its `Content-Type`, UTF-8
//! text) and answering it: the plan (200, or 422 `refused_lines` with every refused
//! line, nothing saved), or the failure, with `saved: false` so that a script knows
//! nothing of it was kept. Both imports thus take and answer the same way; what a line
//! means is each route's use-case.

use std::fmt::Display;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{ImportFormat, RefusedLine};
use serde::Serialize;
use serde_json::{Value, json};
use use_cases::error::AppError;

use super::Params;

/// The content types an import may be sent as, for the 415 answer.
const ACCEPTED_TYPES: &str = "text/csv or text/plain (a comma- or tab-separated table), or application/json";

/// An import as its request gives it.
pub(super) struct ImportRequest<'a> {
    /// `?dry_run=1`: plan only, save nothing.
    pub dry_run: bool,
    pub format: ImportFormat,
    /// The body, checked to be UTF-8.
    pub text: &'a str,
}

impl<'a> ImportRequest<'a> {
    /// Reads the query string, the `Content-Type` (415 for a type the imports do not
    /// read) and the body (400 unless UTF-8).
    pub(super) fn read(raw_query: Option<&str>, headers: &HeaderMap, body: &'a [u8]) -> Result<Self, AppError> {
        let dry_run = dry_run(raw_query)?;
        let format = import_format(headers).map_err(|message| AppError::UnsupportedMediaType { message })?;
        let text = std::str::from_utf8(body).map_err(|_| AppError::BadInput {
            message: "the body is not UTF-8 text: save the file as CSV UTF-8 (Excel: \"CSV UTF-8\") and send it again".into(),
        })?;
        Ok(ImportRequest { dry_run, format, text })
    }
}

/// Whether `?dry_run=1` (or `true`) asks to plan only. Other parameters are refused,
/// as everywhere in the API, so that a typo is never silently ignored.
fn dry_run(raw: Option<&str>) -> Result<bool, AppError> {
    match Params::parse(raw, &["dry_run"], &[])?.single("dry_run")? {
        None | Some("0" | "false") => Ok(false),
        Some("" | "1" | "true") => Ok(true),
        Some(other) => {
            let shown: String = other.chars().take(20).collect();
            Err(AppError::BadInput {
                message: format!("dry_run={shown:?} is not valid: use dry_run=1 to see the plan without saving, or leave it out"),
            })
        }
    }
}

/// What the body is written in, from its `Content-Type`.
fn import_format(headers: &HeaderMap) -> Result<ImportFormat, String> {
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut parts = declared.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
    let charset = parts.find_map(|p| p.split_once('=').filter(|(k, _)| k.trim().eq_ignore_ascii_case("charset")));
    if let Some((_, charset)) = charset.filter(|(_, c)| !c.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")) {
        return Err(format!("the body is declared as {charset}: send it as UTF-8 (charset=utf-8), as {ACCEPTED_TYPES}"));
    }
    match essence.as_str() {
        "text/csv" | "text/plain" | "text/tab-separated-values" => Ok(ImportFormat::Table),
        "application/json" => Ok(ImportFormat::Json),
        "" => Err(format!("the body has no Content-Type: send it as {ACCEPTED_TYPES}")),
        other => {
            let shown: String = other.chars().take(60).collect();
            Err(format!("an import cannot be sent as {shown}: send it as {ACCEPTED_TYPES}"))
        }
    }
}

/// The answer of an import's plan: `{"saved","dry_run","counts",…}` with the plan's
/// lists beside them and `refused`, every refused line as `{line, text, reason}`. 200
/// when nothing is refused, else 422 with the error `refused_lines` in the same object.
pub(super) fn plan_answer<R: Display>(
    saved: bool,
    dry_run: bool,
    counts: &impl Serialize,
    plan: &impl Serialize,
    refused: &[RefusedLine<R>],
) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("saved".into(), json!(saved));
    body.insert("dry_run".into(), json!(dry_run));
    body.insert("counts".into(), json!(counts));
    if let Ok(Value::Object(lists)) = serde_json::to_value(plan) {
        body.extend(lists);
    }
    let refused_lines = refused.iter().map(|r| json!({ "line": r.line, "text": r.text, "reason": r.reason.to_string() }));
    body.insert("refused".into(), refused_lines.collect());
    if refused.is_empty() {
        return Json(body).into_response();
    }
    let error = AppError::RefusedLines {
        message: format!(
            "{} line(s) cannot be imported and nothing was saved: fix each as its reason says and send the whole import again",
            refused.len()
        ),
    };
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    if let Ok(Value::Object(error)) = serde_json::to_value(&error) {
        body.extend(error);
    }
    (status, Json(body)).into_response()
}

/// The answer of an import that failed once its request was read (refused whole, or
/// the store failed mid-import): the error, with `saved: false`. `what` names the
/// import in the log.
pub(super) fn failed(error: AppError, what: &str) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!(%error, "the {what} import failed");
    }
    let mut body = serde_json::to_value(&error).unwrap_or_default();
    body["saved"] = json!(false);
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn typed(content_type: &str) -> Result<ImportFormat, String> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        import_format(&headers)
    }

    #[test]
    fn the_content_type_says_table_or_json_and_names_what_is_accepted() {
        assert_eq!(typed("text/csv"), Ok(ImportFormat::Table));
        assert_eq!(typed("Text/Plain; charset=UTF-8"), Ok(ImportFormat::Table));
        assert_eq!(typed("application/json"), Ok(ImportFormat::Json));
        let refused = typed("application/x-www-form-urlencoded").unwrap_err();
        assert!(refused.contains("text/csv or text/plain") && refused.contains("application/json"), "{refused}");
        assert!(typed("text/csv; charset=gbk").unwrap_err().contains("send it as UTF-8"));
        assert!(import_format(&HeaderMap::new()).unwrap_err().contains("no Content-Type"));
    }

    #[test]
    fn dry_run_is_the_one_parameter() {
        let refusal = |raw| match dry_run(Some(raw)) {
            Err(AppError::BadInput { message }) => message,
            other => panic!("{raw}: expected a 400, got {other:?}"),
        };
        assert!(matches!(dry_run(None), Ok(false)));
        assert!(matches!(dry_run(Some("dry_run=1")), Ok(true)));
        assert!(matches!(dry_run(Some("dry_run")), Ok(true)));
        assert!(matches!(dry_run(Some("dry_run=false")), Ok(false)));
        assert!(refusal("dry_run=maybe").contains("use dry_run=1"));
        assert!(refusal("dryrun=1").contains("unknown parameter \"dryrun\": the parameters are dry_run"));
        assert!(refusal("dry_run=1&dry_run=0").contains("more than once"));
    }
}
