use leptos::prelude::*;

use crate::locale::use_locale;
use use_cases::chart_specs::ChartKind;
use use_cases::report::Dashboard;
use use_cases::view::ViewParams;

/// Downloads of the current view: the rows as CSV (the `/api/v1/` route) and the two
/// charts as standalone SVG files. The links freeze the range shown now.
#[component]
pub fn ExportLinks(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let d = dashboard.get_value();
    let mut csv = format!("/api/v1/block-access.csv?from_date={}&to_date={}", d.range.from(), d.range.to());
    for b in &d.filter {
        csv.push_str(&format!("&block_id={b}"));
    }
    let frozen = move || params.get().with_range(d.range);
    view! {
        <section class="export" aria-label=move || t().export_label data-testid="export">
            <span class="export-label">{move || t().export_label} ":"</span>
            <a href=csv.clone() download="block-access.csv" data-testid="export-csv">{move || t().export_csv}</a>
            <a href=csv.replacen(".csv?", ".xlsx?", 1) download="block-access.xlsx" data-testid="export-xlsx">
                {move || t().export_xlsx}
            </a>
            <a href=move || ChartKind::Trend.export_url(&frozen()) download="trend.svg" data-testid="export-trend">
                {move || t().export_trend_svg}
            </a>
            <a href=move || ChartKind::TopBlocks.export_url(&frozen()) download="top-blocks.svg" data-testid="export-top">
                {move || t().export_top_svg}
            </a>
        </section>
    }
}
