use leptos::prelude::*;

use crate::chart_specs;
use crate::i18n::grouped;
use crate::locale::use_locale;
use crate::report::Dashboard;

/// The width a chart's box has in the browser, to draw the chart for it (text keeps
/// its 12 px, ticks thin out to what fits); `None` on the server and until the page
/// has hydrated, when the chart is drawn for a desktop, which the browser then
/// redraws for the phone or tablet it is on, and again when the window is resized.
pub(super) fn chart_width(node: NodeRef<leptos::html::Div>) -> RwSignal<Option<f32>> {
    let width = RwSignal::new(None::<f32>);
    let measure = move || {
        if let Some(el) = node.get_untracked() {
            let now = el.client_width() as f32;
            // Redrawn only for a real change (a scroll bar coming and going is not one).
            if now > 0.0 && width.get_untracked().is_none_or(|w| (w - now).abs() >= 8.0) {
                width.set(Some(now));
            }
        }
    };
    Effect::new(move |_| {
        if node.get().is_some() {
            measure();
        }
    });
    let handle = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || handle.remove());
    width
}

/// PV and UV over time, drawn by the same code on the server and in the browser, with
/// a table of the same numbers for screen readers and anyone who wants them exact.
#[component]
pub fn Trend(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let node = NodeRef::new();
    let width = chart_width(node);
    let svg = move || {
        let width = width.get().unwrap_or(charts::DEFAULT_WIDTH);
        dashboard.with_value(|d| charts::time_series_svg_at(&chart_specs::trend(d, locale.get()), width))
    };
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
            <div class="chart" node_ref=node inner_html=svg></div>
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
    let node = NodeRef::new();
    let width = chart_width(node);
    let svg = move || {
        let width = width.get().unwrap_or(charts::DEFAULT_WIDTH);
        dashboard.with_value(|d| charts::top_blocks_svg_at(&chart_specs::top_blocks(d, locale.get()), width))
    };
    view! {
        <section class="panel" aria-labelledby="top-heading" data-testid="top-blocks">
            <h2 id="top-heading">{move || locale.get().t().top_title}</h2>
            <div class="chart" node_ref=node inner_html=svg></div>
        </section>
    }
}
