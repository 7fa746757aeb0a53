//! `/export/*.svg`: the dashboard's charts as standalone SVG files, for the same view
//! parameters as the page (so the download matches what is on screen).

use std::future::Future;

use app::api::ssr::{build_dashboard, build_workplace_report};
use app::chart_specs;
use app::error::AppError;
use app::i18n::Locale;
use app::state::AppState;
use app::view::ViewParams;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The export routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/trend.svg", get(trend))
        .route("/export/top-blocks.svg", get(top_blocks))
        .route("/export/workplace-trend.svg", get(workplace_trend))
}

async fn trend(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let params = view_params(raw);
    let report = build_dashboard(&state, params.clone(), None, false);
    export(&headers, &params, report, "trend.svg", |d, l| charts::time_series_svg(&chart_specs::trend(d, l))).await
}

async fn top_blocks(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let params = view_params(raw);
    let report = build_dashboard(&state, params.clone(), None, false);
    export(&headers, &params, report, "top-blocks.svg", |d, l| charts::top_blocks_svg(&chart_specs::top_blocks(d, l))).await
}

async fn workplace_trend(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let params = view_params(raw);
    let report = build_workplace_report(&state, params.clone(), None, false);
    let draw = |r: &app::workplace_report::WorkplaceReport, l| charts::time_series_svg(&chart_specs::workplace_trend(r, l));
    export(&headers, &params, report, "workplace-trend.svg", draw).await
}

fn view_params(raw: Option<String>) -> ViewParams {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// One chart of the view `report` builds, drawn by `draw`, as an SVG file.
async fn export<R>(
    headers: &HeaderMap,
    params: &ViewParams,
    report: impl Future<Output = Result<R, AppError>>,
    filename: &str,
    draw: impl FnOnce(&R, Locale) -> String,
) -> Response {
    let locale = params.lang.unwrap_or_else(|| {
        Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    });
    match report.await {
        Ok(dashboard) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            charts::svg_document(&draw(&dashboard, locale)),
        )
            .into_response(),
        Err(error) => {
            let status = match error {
                AppError::BadInput { .. } => StatusCode::BAD_REQUEST,
                AppError::Feishu { .. } => StatusCode::BAD_GATEWAY,
                AppError::QuotaReached { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], error.to_string()).into_response()
        }
    }
}
