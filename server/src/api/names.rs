//! `/api/v1/block-names`: every block name as JSON or CSV, and an import of many
//! (`PUT`, a CSV/TSV table or JSON) that saves all of it or nothing, read and planned
//! by the same code as the page's import (`use_cases::names::import_names`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use domain::BlockLabel;
use domain::csv_cell::neutralised;
use serde_json::json;
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::names::{import_names, seen_names};
use use_cases::report::NamesImport;
use use_cases::state::AppState;

use super::Seen;
use super::import::{ImportRequest, failed, plan_answer};
use super::xlsx::{self, Cell};

/// The names' JSON route, which also takes the import.
pub const BLOCK_NAMES_PATH: &str = "/api/v1/block-names";

/// The columns of the names' CSV, the same as an import's header.
const COLUMNS: [&str; 3] = ["block_id", "name", "workplace"];

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
    let request = match ImportRequest::read(raw.as_deref(), &headers, &body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match import_names(&state, request.text, request.format, !request.dry_run).await {
        Ok(NamesImport { plan, saved }) => plan_answer(saved, request.dry_run, &plan.counts(), &plan, &plan.refused),
        // A store that failed mid-import: the caller must know that nothing was saved.
        Err(error) => failed(error, "block names"),
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

#[cfg(test)]
mod tests {
    use domain::ImportFormat;

    use super::*;

    #[test]
    fn only_admins_and_tokens_allowed_to_write_may_change_names() {
        let person = Viewer::admin("Ada");
        let writer = Viewer::Script { name: "sync".into(), can_write_names: true, can_manage_digests: false, scope: None };
        let reader = Viewer::Script { name: "report".into(), can_write_names: false, can_manage_digests: false, scope: None };
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
