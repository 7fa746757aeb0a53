//! `/export/*.svg`: the dashboard's charts as standalone SVG files, for the same view
//! parameters as the page (so the download matches what is on screen), drawn by the
//! same code as the page's charts.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use i18n::Locale;
use use_cases::chart_specs::ChartKind;
use use_cases::dashboard::draw_chart;
use use_cases::error::AppError;
use use_cases::state::AppState;
use use_cases::view::ViewParams;

use crate::api::Seen;

/// The export routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/trend.svg", get(trend))
        .route("/export/top-blocks.svg", get(top_blocks))
        .route("/export/workplace-trend.svg", get(workplace_trend))
}

async fn trend(state: State<AppState>, seen: Seen, headers: HeaderMap, raw: RawQuery) -> Response {
    export(state, seen, &headers, raw, ChartKind::Trend, "trend.svg").await
}

async fn top_blocks(state: State<AppState>, seen: Seen, headers: HeaderMap, raw: RawQuery) -> Response {
    export(state, seen, &headers, raw, ChartKind::TopBlocks, "top-blocks.svg").await
}

async fn workplace_trend(state: State<AppState>, seen: Seen, headers: HeaderMap, raw: RawQuery) -> Response {
    export(state, seen, &headers, raw, ChartKind::WorkplaceTrend, "workplace-trend.svg").await
}

/// One chart of the view the query asks for, as an SVG file: drawn for a desktop, or
/// `width` pixels wide when the query gives one. With `embed=1` it is the drawing for
/// the page instead (what a chart box fetches to draw itself again at its width): the
/// SVG element alone, coloured by the page's style sheet, not a file to save.
async fn export(
    State(state): State<AppState>,
    Seen(sight): Seen,
    headers: &HeaderMap,
    RawQuery(raw): RawQuery,
    chart: ChartKind,
    filename: &str,
) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let params = ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let width = match pairs.iter().find(|(k, _)| k == "width").map(|(_, w)| w.parse::<f32>()) {
        None => Ok(charts::DEFAULT_WIDTH),
        Some(Ok(width)) => Ok(width),
        Some(Err(_)) => {
            Err(AppError::BadInput { message: "width: not a number of pixels; give the chart's width, such as width=390".into() })
        }
    };
    let locale =
        params.lang.unwrap_or_else(|| Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())));
    let drawing = match width {
        Ok(width) => draw_chart(&state, &sight, chart, params, locale, width).await,
        Err(error) => Err(error),
    };
    let embed = pairs.iter().any(|(k, v)| k == "embed" && v == "1");
    match drawing {
        Ok(svg) if embed => ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response(),
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            charts::svg_document(&svg),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}
