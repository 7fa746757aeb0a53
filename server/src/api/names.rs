//! `/api/v1/block-names`: every block name as JSON or CSV, and an import of many
//! (`PUT`, a CSV/TSV table or JSON) that saves all of it or nothing, read and planned
//! by the same code as the page's import (`use_cases::names::import_names`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use domain::csv_cell::neutralised;
use domain::{BlockLabel, ImportFormat};
use serde_json::json;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::names::{import_names, seen_names};
use use_cases::report::NamesImport;
use use_cases::state::AppState;

use super::xlsx::{self, Cell};
use super::{Params, Seen};

/// The names' JSON route, which also takes the import.
pub const BLOCK_NAMES_PATH: &str = "/api/v1/block-names";

/// The columns of the names' CSV, the same as an import's header.
const COLUMNS: [&str; 3] = ["block_id", "name", "workplace"];

/// The content types an import may be sent as, for the 415 answer.
const ACCEPTED_TYPES: &str = "text/csv or text/plain (a comma- or tab-separated table), or application/json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BLOCK_NAMES_PATH, get(names_json).put(import))
        .route("/api/v1/block-names.csv", get(names_csv))
        .route("/api/v1/block-names.xlsx", get(names_xlsx))
}

/// `GET /api/v1/block-names`: `{"names":[{block_id, name, workplace}…]}`, by block id.
async fn names_json(State(state): State<AppState>, Seen(sight): Seen) -> Response {
    match seen_names(&state, &sight).await {
        Ok(names) => Json(json!({ "names": names })).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /api/v1/block-names.csv`: `block_id,name,workplace`, UTF-8 with a BOM so that
/// Excel reads Chinese names; an import takes it back unchanged.
async fn names_csv(State(state): State<AppState>, Seen(sight): Seen) -> Response {
    let names = match seen_names(&state, &sight).await {
        Ok(names) => names,
        Err(error) => return error.into_response(),
    };
    match names_csv_body(&names) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"block-names.csv\""),
            ],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "could not write the block names as CSV");
            AppError::Internal { message: "could not write the block names as CSV".into() }.into_response()
        }
    }
}

/// `GET /api/v1/block-names.xlsx`: the CSV's columns in an Excel workbook.
async fn names_xlsx(State(state): State<AppState>, Seen(sight): Seen) -> Response {
    let names = match seen_names(&state, &sight).await {
        Ok(names) => names,
        Err(error) => return error.into_response(),
    };
    let rows = names.iter().map(|label| {
        let workplace = label.workplace.as_deref().map_or(Cell::Empty, |w| Cell::Text(w.into()));
        [Cell::Text(label.block_id.as_str().into()), Cell::Text(label.name.as_str().into()), workplace]
    });
    let sheet = xlsx::Sheet { name: "block names", columns: &COLUMNS, rows };
    xlsx::download("block-names.xlsx", vec![sheet]).unwrap_or_else(IntoResponse::into_response)
}

/// Names a spreadsheet would run as a formula get a leading `'` ([`domain::csv_cell`]),
/// which the import takes off again.
fn names_csv_body(names: &[BlockLabel]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(COLUMNS)?;
    for label in names {
        let (name, workplace) = (neutralised(&label.name), neutralised(label.workplace.as_deref().unwrap_or_default()));
        writer.write_record([label.block_id.as_str(), &name, &workplace])?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `PUT /api/v1/block-names[?dry_run=1]`: plans the body against the names saved now
/// and saves all of it, unless it is a dry run or a line is refused (422, every
/// refused line listed, nothing saved).
async fn import(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refusal) = permission_refusal(viewer.as_ref().map(|Extension(v)| v)) {
        return AppError::Forbidden { message: refusal }.into_response();
    }
    let dry_run = match dry_run(raw.as_deref()) {
        Ok(dry_run) => dry_run,
        Err(error) => return error.into_response(),
    };
    let format = match import_format(&headers) {
        Ok(format) => format,
        Err(message) => return AppError::UnsupportedMediaType { message }.into_response(),
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        let message = "the body is not UTF-8 text: save the file as CSV UTF-8 (Excel: \"CSV UTF-8\") and send it again";
        return AppError::BadInput { message: message.into() }.into_response();
    };
    match import_names(&state, text, format, !dry_run).await {
        Ok(answer) => plan_answer(&answer, dry_run),
        // A store that failed mid-import: the caller must know that nothing was saved.
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut body = serde_json::to_value(&error).unwrap_or_default();
            body["saved"] = json!(false);
            if status.is_server_error() {
                tracing::error!(%error, "the block names import failed");
            }
            (status, Json(body)).into_response()
        }
    }
}

/// Why `viewer` may not change names, saying how to get the right; `None` if it may.
fn permission_refusal(viewer: Option<&Viewer>) -> Option<String> {
    match viewer {
        Some(viewer) if viewer.can_write_names() => None,
        Some(Viewer::Script { name, .. }) => Some(format!(
            "the API token {name:?} may read block names but not change them: an admin creates a token with \
             \"may also change block names\" ticked (the dashboard's API tokens page, /tokens) for this script, or imports the names on the page"
        )),
        _ => Some("changing block names needs a signed-in admin, or an API token allowed to change block names".into()),
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

/// 200 with the plan when nothing is refused (saved unless a dry run), else 422 with
/// the same plan and every refused line.
fn plan_answer(answer: &NamesImport, dry_run: bool) -> Response {
    let plan = &answer.plan;
    let refused_lines: Vec<_> =
        plan.refused.iter().map(|r| json!({ "line": r.line, "text": r.text, "reason": r.reason.to_string() })).collect();
    let mut body = json!({
        "saved": answer.saved,
        "dry_run": dry_run,
        "counts": plan.counts(),
        "added": plan.added,
        "renamed": plan.renamed,
        "moved": plan.moved,
        "unchanged": plan.unchanged,
        "refused": refused_lines,
    });
    if plan.refused.is_empty() {
        return Json(body).into_response();
    }
    let refused = AppError::RefusedLines {
        message: format!(
            "{} line(s) cannot be imported and nothing was saved: fix each as its reason says and send the whole import again",
            plan.refused.len()
        ),
    };
    let status = StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    if let Ok(serde_json::Value::Object(error)) = serde_json::to_value(&refused) {
        body.as_object_mut().expect("the plan is an object").extend(error);
    }
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

    #[test]
    fn only_admins_and_tokens_allowed_to_write_may_change_names() {
        let person = Viewer::admin("Ada");
        let writer = Viewer::Script { name: "sync".into(), can_write_names: true, can_manage_digests: false };
        let reader = Viewer::Script { name: "report".into(), can_write_names: false, can_manage_digests: false };
        assert_eq!((permission_refusal(Some(&person)), permission_refusal(Some(&writer))), (None, None));
        let refusal = permission_refusal(Some(&reader)).unwrap();
        assert!(refusal.contains("\"report\" may read block names but not change them"), "{refusal}");
        assert!(refusal.contains("may also change block names"), "{refusal}");
        assert!(permission_refusal(None).is_some());
    }

    #[test]
    fn the_csv_has_a_bom_the_import_header_and_quotes_where_needed() {
        let id = |s| domain::BlockId::parse(s).unwrap();
        let names = [
            BlockLabel { block_id: id("1"), name: "周报, 销售".into(), workplace: Some("营销".into()) },
            BlockLabel { block_id: id("2"), name: "Say \"hi\"".into(), workplace: None },
        ];
        let body = String::from_utf8(names_csv_body(&names).unwrap()).unwrap();
        assert_eq!(body, "\u{feff}block_id,name,workplace\n1,\"周报, 销售\",营销\n2,\"Say \"\"hi\"\"\",\n");
        let again = domain::plan_import(&body, ImportFormat::Table, &Default::default()).unwrap();
        assert_eq!(again.added, names, "the export imports back as it was");
    }
}
