//! `/api/v1/`: the HTTP API for scripts and the intranet portal. Same numbers as the
//! pages, same parsing rules, JSON or CSV; the block names and notes, read and
//! imported; and who else may view which numbers (for admins).

mod body;
mod digests;
mod import;
mod insights;
mod names;
mod notes;
mod share_links;
mod viewers;
mod workplaces;
mod xlsx;

use access_data::BlockDays;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::{AccessQuery, ParamNames};
use use_cases::error::AppError;
use use_cases::identity::Viewer;
use use_cases::sight::Sight;
use use_cases::state::AppState;

pub use names::BLOCK_NAMES_PATH;
pub use notes::NOTES_PATH;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/block-access", get(block_access_json))
        .route("/api/v1/block-access.csv", get(block_access_csv))
        .route("/api/v1/block-access.xlsx", get(block_access_xlsx))
        .merge(workplaces::routes())
        .merge(insights::routes())
        .merge(digests::routes())
        .merge(names::routes())
        .merge(notes::routes())
        .merge(share_links::routes())
        .merge(viewers::routes())
}

/// What the request may see ([`use_cases::sight`]), as an extractor: every route that
/// reads numbers takes it, so that none reads them without asking.
pub(crate) struct Seen(pub Sight);

impl axum::extract::FromRequestParts<AppState> for Seen {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, AppError> {
        let viewer = parts
            .extensions
            .get::<Viewer>()
            .ok_or_else(|| AppError::Unauthorized { message: "sign in, or send an API token".into() })?;
        Ok(Seen(Sight::of(&state.service, viewer)))
    }
}

/// Parameters the block API accepts; anything else is refused, so a typo is not silently ignored.
const KNOWN_PARAMS: [&str; 4] = ["from_date", "to_date", "block_id", "refresh"];

/// A call's query string, checked against the parameters the route knows.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Refuses a parameter not in `known`, naming the known ones (`repeatable` among them).
    pub(crate) fn parse(raw: Option<&str>, known: &[&str], repeatable: &[&str]) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
        if let Some((unknown, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            let shown: String = unknown.chars().take(40).collect();
            let listed: Vec<String> = known
                .iter()
                .map(|k| if repeatable.contains(k) { format!("{k} (repeatable)") } else { (*k).to_owned() })
                .collect();
            return Err(AppError::BadInput {
                message: format!("unknown parameter {shown:?}: the parameters are {}", listed.join(", ")),
            });
        }
        Ok(Params { pairs })
    }

    /// The value of a parameter given at most once.
    pub(crate) fn single<'a>(&'a self, name: &'a str) -> Result<Option<&'a str>, AppError> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(AppError::BadInput { message: format!("{name} is given more than once: give it once") });
        }
        Ok(first)
    }

    /// Every value of a repeatable parameter.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// `refresh`: fetch today and yesterday again.
    pub(crate) fn refresh(&self) -> Result<bool, AppError> {
        match self.single("refresh")? {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") | Some("") => Ok(true),
            Some(other) => {
                let shown: String = other.chars().take(20).collect();
                Err(AppError::BadInput { message: format!("refresh={shown:?} is not valid: use refresh=true or leave it out") })
            }
        }
    }

    /// The query: `from_date`, `to_date` and the repeated `block` parameter, if any.
    pub(crate) fn query(&self, block: Option<&str>, max_days: u32) -> Result<AccessQuery, AppError> {
        AccessQuery::parse(
            ParamNames::API,
            self.single("from_date")?,
            self.single("to_date")?,
            block.into_iter().flat_map(|name| self.all(name)),
            max_days,
        )
        .map_err(|e| AppError::BadInput { message: e.to_string() })
    }
}

/// Parses the query string of a block-access call.
fn parse(raw: Option<&str>, max_days: u32) -> Result<(AccessQuery, bool), AppError> {
    let params = Params::parse(raw, &KNOWN_PARAMS, &["block_id"])?;
    let refresh = params.refresh()?;
    Ok((params.query(Some("block_id"), max_days)?, refresh))
}

/// The header that says a refresh was held back: today's and yesterday's numbers are as
/// fetched at this time (RFC 3339), moments ago, by this or another client
/// (`DASHBOARD_REFRESH_MIN_SECS`).
pub const REFRESHED_AT_HEADER: &str = "x-refreshed-at";

/// The held days the block-access call asks for (the writers read them without copying
/// a row out), and when a held-back refresh's numbers were fetched.
async fn days(
    state: &AppState,
    sight: &Sight,
    raw: Option<String>,
) -> Result<(BlockDays, Option<chrono::DateTime<chrono::Utc>>), AppError> {
    let (query, refresh) = parse(raw.as_deref(), state.view.max_range_days)?;
    let days = use_cases::exports::block_days(state, sight, &query, refresh).await?;
    let refreshed_at = days.refreshed_at;
    Ok((days, refreshed_at))
}

/// `response` with [`REFRESHED_AT_HEADER`] when a refresh was held back.
fn with_refreshed_at(mut response: Response, refreshed_at: Option<chrono::DateTime<chrono::Utc>>) -> Response {
    if let Some(at) = refreshed_at.and_then(|at| header::HeaderValue::from_str(&at.to_rfc3339()).ok()) {
        response.headers_mut().insert(REFRESHED_AT_HEADER, at);
    }
    response
}

/// `GET /api/v1/block-access`: `{"items":[{date, block_id, block_name, pv, uv}…]}`.
async fn block_access_json(
    State(state): State<AppState>,
    Seen(sight): Seen,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (days, refreshed_at) = days(&state, &sight, raw).await?;
    let body = body::json(&days, &state.service.labels());
    Ok(with_refreshed_at(([(header::CONTENT_TYPE, "application/json")], body).into_response(), refreshed_at))
}

/// `GET /api/v1/block-access.csv`: UTF-8 with a BOM so that Excel reads Chinese names.
async fn block_access_csv(
    State(state): State<AppState>,
    Seen(sight): Seen,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (days, refreshed_at) = days(&state, &sight, raw).await?;
    Ok(with_refreshed_at(csv_download("block-access.csv", body::csv(&days, &state.service.labels())), refreshed_at))
}

/// `GET /api/v1/block-access.xlsx`: the CSV's columns in an Excel workbook.
async fn block_access_xlsx(
    State(state): State<AppState>,
    Seen(sight): Seen,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    use xlsx::Cell;
    let (days, refreshed_at) = days(&state, &sight, raw).await?;
    let rows = days.rows();
    let labels = state.service.labels();
    let cells = rows.iter().map(|row| {
        let name = labels.get(&row.block_id).map_or(Cell::Empty, |label| Cell::Text(label.name.as_str().into()));
        [Cell::Date(row.date), Cell::Text(row.block_id.as_str().into()), name, Cell::Number(row.pv), Cell::Number(row.uv)]
    });
    let sheet = xlsx::Sheet { name: "block access", columns: &body::COLUMNS, rows: cells };
    Ok(with_refreshed_at(xlsx::download("block-access.xlsx", vec![sheet])?, refreshed_at))
}

/// A CSV answer offered as a download named `file_name`.
pub(crate) fn csv_download(file_name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(raw: &str) -> String {
        match parse(Some(raw), 366) {
            Err(AppError::BadInput { message }) => message,
            other => panic!("expected a 400 for {raw:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_repeated_blocks_and_refresh() {
        let (q, refresh) =
            parse(Some("from_date=2024-01-01&to_date=2024-01-02&block_id=2&block_id=1&refresh=true"), 366).unwrap();
        assert_eq!(q.blocks.len(), 2);
        assert!(refresh);
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(bad("from_date=2024-01-01&to_date=2024-01-02&utm_source=x").contains("unknown parameter \"utm_source\""));
        assert!(bad("from_date=2024-01-01&from_date=2024-01-02&to_date=2024-01-02").contains("more than once"));
        assert!(bad("from_date=2024-01-01&to_date=2024-01-02&refresh=maybe").contains("refresh"));
        assert!(bad("to_date=2024-01-02").contains("from_date is missing"));
    }
}
