//! `/api/v1/workplace-access` and `/api/v1/custom-workplace-access`: the workplace
//! totals and each custom workplace's visits, JSON or CSV, with the same parameters,
//! limits and errors as `/api/v1/block-access`.
//!
//! A year is at most a few thousand rows here (one a day, or one per custom workplace
//! a day), so the answers go through serde and the csv crate rather than the
//! hand-made writers the block rows need.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::{CustomWorkplaceDay, DateRange, WorkplaceDay, WorkplaceId};
use std::borrow::Cow;
use use_cases::error::AppError;
use use_cases::sight::Sight;
use use_cases::state::AppState;

use serde::Serialize;

use super::xlsx::{self, Cell};
use super::{Params, Seen, csv_download};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/workplace-access", get(totals_json))
        .route("/api/v1/workplace-access.csv", get(totals_csv))
        .route("/api/v1/workplace-access.xlsx", get(totals_xlsx))
        .route("/api/v1/custom-workplace-access", get(custom_json))
        .route("/api/v1/custom-workplace-access.csv", get(custom_csv))
        .route("/api/v1/custom-workplace-access.xlsx", get(custom_xlsx))
}

const TOTALS_PARAMS: [&str; 3] = ["from_date", "to_date", "refresh"];
const CUSTOM_PARAMS: [&str; 4] = ["from_date", "to_date", "custom_workplace_id", "refresh"];

/// The columns of both exports of the totals.
const TOTALS_COLUMNS: [&str; 5] = ["date", "all_pv", "all_uv", "default_pv", "default_uv"];
/// The columns of both exports of the custom workplaces.
const CUSTOM_COLUMNS: [&str; 6] = ["date", "custom_workplace_id", "name_zh", "name_en", "pv", "uv"];

/// One day of the totals as the API answers it.
#[derive(Serialize)]
struct TotalsItem {
    date: String,
    all_pv: u64,
    all_uv: u64,
    default_pv: u64,
    default_uv: u64,
}

impl From<&WorkplaceDay> for TotalsItem {
    fn from(day: &WorkplaceDay) -> Self {
        TotalsItem {
            date: day.date.to_string(),
            all_pv: day.all.pv,
            all_uv: day.all.uv,
            default_pv: day.default.pv,
            default_uv: day.default.uv,
        }
    }
}

/// One custom workplace's day as the API answers it, with its Chinese and English
/// names (as Feishu gave them; `null` where it gave none).
#[derive(Serialize)]
struct CustomItem<'a> {
    date: String,
    custom_workplace_id: &'a str,
    name_zh: Option<Cow<'a, str>>,
    name_en: Option<Cow<'a, str>>,
    pv: u64,
    uv: u64,
}

impl CustomItem<'_> {
    /// For a CSV: names that a spreadsheet would run as a formula get a leading `'`
    /// ([`domain::csv_cell`]).
    fn neutralised(self) -> Self {
        let cell = |name: Option<Cow<'_, str>>| name.map(|n| Cow::Owned(domain::csv_cell::neutralised(&n).into_owned()));
        Self { name_zh: cell(self.name_zh), name_en: cell(self.name_en), ..self }
    }
}

fn range_and_refresh(params: &Params, state: &AppState) -> Result<(DateRange, bool), AppError> {
    Ok((params.query(None, state.view.max_range_days)?.range, params.refresh()?))
}

async fn totals(state: &AppState, sight: &Sight, raw: Option<String>) -> Result<Vec<TotalsItem>, AppError> {
    let params = Params::parse(raw.as_deref(), &TOTALS_PARAMS, &[])?;
    let (range, refresh) = range_and_refresh(&params, state)?;
    let rows = use_cases::exports::workplace_totals(state, sight, range, refresh).await?;
    Ok(rows.iter().map(TotalsItem::from).collect())
}

/// The rows of a custom workplace call, and the names to show them with.
struct CustomRows {
    rows: Vec<CustomWorkplaceDay>,
    names: std::sync::Arc<std::collections::BTreeMap<WorkplaceId, store::WorkplaceNames>>,
}

impl CustomRows {
    fn items(&self) -> impl Iterator<Item = CustomItem<'_>> {
        self.rows.iter().map(|row| {
            let names = self.names.get(&row.workplace_id);
            let name = |language: &str| {
                names.and_then(|names| names.iter().find(|(lang, _)| lang == language)).map(|(_, name)| name.as_str())
            };
            CustomItem {
                date: row.date.to_string(),
                custom_workplace_id: row.workplace_id.as_str(),
                name_zh: name("zh").map(Cow::Borrowed),
                name_en: name("en").map(Cow::Borrowed),
                pv: row.pv,
                uv: row.uv,
            }
        })
    }
}

async fn custom(state: &AppState, sight: &Sight, raw: Option<String>) -> Result<CustomRows, AppError> {
    let params = Params::parse(raw.as_deref(), &CUSTOM_PARAMS, &[])?;
    let (range, refresh) = range_and_refresh(&params, state)?;
    let only = params
        .single("custom_workplace_id")?
        .filter(|id| !id.is_empty())
        .map(|id| WorkplaceId::parse(id).map_err(|e| AppError::BadInput { message: format!("custom_workplace_id: {e}") }))
        .transpose()?;
    let days = use_cases::exports::custom_workplaces(state, sight, range, only.as_ref(), refresh).await?;
    Ok(CustomRows { rows: days.rows, names: days.names })
}

/// `GET /api/v1/workplace-access`: `{"items":[{date, all_pv, all_uv, default_pv, default_uv}…]}`.
async fn totals_json(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    Ok(Json(serde_json::json!({ "items": totals(&state, &sight, raw).await? })).into_response())
}

/// `GET /api/v1/workplace-access.csv`.
async fn totals_csv(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let items = totals(&state, &sight, raw).await?;
    Ok(csv_download("workplace-access.csv", csv_of(&TOTALS_COLUMNS, items.iter())?))
}

/// `GET /api/v1/custom-workplace-access`:
/// `{"items":[{date, custom_workplace_id, name_zh, name_en, pv, uv}…]}`.
async fn custom_json(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let rows = custom(&state, &sight, raw).await?;
    let items: Vec<CustomItem<'_>> = rows.items().collect();
    Ok(Json(serde_json::json!({ "items": items })).into_response())
}

/// `GET /api/v1/custom-workplace-access.csv`.
async fn custom_csv(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let rows = custom(&state, &sight, raw).await?;
    Ok(csv_download("custom-workplace-access.csv", csv_of(&CUSTOM_COLUMNS, rows.items().map(CustomItem::neutralised))?))
}

/// `GET /api/v1/workplace-access.xlsx`: the CSV's columns in an Excel workbook.
async fn totals_xlsx(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &TOTALS_PARAMS, &[])?;
    let (range, refresh) = range_and_refresh(&params, &state)?;
    let rows = use_cases::exports::workplace_totals(&state, &sight, range, refresh).await?;
    let cells = rows.iter().map(|day| {
        [
            Cell::Date(day.date),
            Cell::Number(day.all.pv),
            Cell::Number(day.all.uv),
            Cell::Number(day.default.pv),
            Cell::Number(day.default.uv),
        ]
    });
    xlsx::download("workplace-access.xlsx", vec![xlsx::Sheet { name: "workplace access", columns: &TOTALS_COLUMNS, rows: cells }])
}

/// `GET /api/v1/custom-workplace-access.xlsx`: the CSV's columns in an Excel workbook.
async fn custom_xlsx(State(state): State<AppState>, Seen(sight): Seen, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let rows = custom(&state, &sight, raw).await?;
    let dates: Vec<_> = rows.rows.iter().map(|r| r.date).collect();
    let cells = rows.items().zip(dates).map(|(item, date)| {
        [
            Cell::Date(date),
            Cell::Text(item.custom_workplace_id.into()),
            item.name_zh.map_or(Cell::Empty, Cell::Text),
            item.name_en.map_or(Cell::Empty, Cell::Text),
            Cell::Number(item.pv),
            Cell::Number(item.uv),
        ]
    });
    let sheet = xlsx::Sheet { name: "custom workplace access", columns: &CUSTOM_COLUMNS, rows: cells };
    xlsx::download("custom-workplace-access.xlsx", vec![sheet])
}

/// CSV of `items` under `columns` (the items' fields, in order), UTF-8 with a BOM so
/// that Excel reads Chinese names.
fn csv_of<T: Serialize>(columns: &[&str], items: impl Iterator<Item = T>) -> Result<Vec<u8>, AppError> {
    let failed = |e: csv::Error| AppError::Internal { message: format!("could not write the CSV: {e}") };
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(columns).map_err(failed)?;
    for item in items {
        writer.serialize(item).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| failed(e.into_error().into()))
}
