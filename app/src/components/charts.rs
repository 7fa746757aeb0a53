use leptos::prelude::*;

use crate::chart_specs;
use crate::i18n::grouped;
use crate::locale::use_locale;
use crate::report::Dashboard;

/// PV and UV over time, drawn by the same code on the server and in the browser, with
/// a table of the same numbers for screen readers and anyone who wants them exact.
#[component]
pub fn Trend(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let svg = move || dashboard.with_value(|d| charts::time_series_svg(&chart_specs::trend(d, locale.get())));
    let d = dashboard.get_value();
    let today = d.today;
    let rows = d
        .days
        .iter()
        .map(|day| {
            let date = day.date;
            // The view's unusual days, as the chart rings them.
            let unusual = d.insights.unusual.iter().find(|u| u.block_id.is_none() && u.day.date == date).map(|u| u.day);
            let note = unusual.map(|u| {
                view! { <span class="badge unusual-badge">{move || chart_specs::unusual_note(&u, locale.get())}</span> }
            });
            view! {
                <tr class:incomplete=date == today class:unusual=unusual.is_some()>
                    <th scope="row">{move || locale.get().long_date(date)} {note}</th>
                    <td class="num">{grouped(day.pv)}</td>
                    <td class="num">{grouped(day.uv)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="trend-heading" data-testid="trend">
            <h2 id="trend-heading">{move || locale.get().t().trend_title}</h2>
            <div class="chart" inner_html=svg></div>
            <details class="chart-table">
                <summary>{move || locale.get().t().show_as_table}</summary>
                <table data-testid="trend-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || locale.get().t().date}</th>
                            <th scope="col" class="num">{move || locale.get().t().pv}</th>
                            <th scope="col" class="num">{move || locale.get().t().uv}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}

/// The blocks with the most page views.
#[component]
pub fn TopBlocks(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let svg = move || dashboard.with_value(|d| charts::top_blocks_svg(&chart_specs::top_blocks(d, locale.get())));
    view! {
        <section class="panel" aria-labelledby="top-heading" data-testid="top-blocks">
            <h2 id="top-heading">{move || locale.get().t().top_title}</h2>
            <div class="chart" inner_html=svg></div>
        </section>
    }
}
