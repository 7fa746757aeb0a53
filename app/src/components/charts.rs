use leptos::prelude::*;

use crate::locale::use_locale;
use i18n::grouped;
use use_cases::chart_specs::{self, ChartKind};
use use_cases::report::Dashboard;
use use_cases::view::ViewParams;

/// A chart drawn on the server `drawn` pixels wide (the SVG in `children`), drawn again
/// for the width its box has in the browser: on a phone or tablet once the page is
/// interactive, and whenever the window is resized, so that text keeps its 12 px and
/// ticks thin out to what fits instead of the drawing being scaled. `src` is the chart's
/// export address for the view on screen; the drawing is fetched from it for the page
/// (`embed=1`: the SVG element alone, its colours still the page's) at the new width. A
/// drawing that fails to arrive leaves the one on screen. Widths are whole pixels: the
/// browser's code then formats and parses no floating-point number.
///
/// A day chosen on a time series (a click or a tap on its column, or Enter on it)
/// becomes the day of the page's note form (`#note-date`), and a line under the chart
/// offers to write the note (`note_prompt`, in the page's language); Enter also moves
/// to the note's text. Without script the form's day is typed.
#[island]
pub fn ChartBox(src: String, drawn: u32, note_prompt: Option<String>, children: Children) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let chosen = RwSignal::new(None::<String>);
    let choose = move |target: Option<web_sys::EventTarget>, focus: bool| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(day) = crate::browser::closest(target, ".hit[data-day]").and_then(|hit| hit.get_attribute("data-day"))
            else {
                return;
            };
            let Some(date) = crate::browser::find("#note-date").and_then(|d| d.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            date.set_value(&day);
            chosen.set(Some(day));
            if focus && let Some(text) = crate::browser::find("#note-text") {
                let _ = text.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (target, focus, chosen);
    };
    let prompt = note_prompt.map(|prompt| {
        move || {
            chosen.get().map(|day| {
                view! {
                    <p class="note-chosen" role="status" data-testid="note-chosen">
                        <a href="#note-form">{format!("{day} · {prompt}")}</a>
                    </p>
                }
            })
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let drawn = StoredValue::new(drawn);
        // Each request numbered: only the newest one's drawing is shown.
        let asked = StoredValue::new(0u32);
        let src = StoredValue::new(src);
        let measure = move || {
            let Some(el) = node.get_untracked() else { return };
            let width = u32::try_from(el.client_width()).unwrap_or(0).min(charts::MAX_WIDTH as u32);
            if width == 0 {
                return;
            }
            remember_width(width);
            // Redrawn only for a real change (a scroll bar coming and going is not one).
            if width.abs_diff(drawn.get_value()) < 8 {
                return;
            }
            drawn.set_value(width);
            asked.update_value(|n| *n += 1);
            let number = asked.get_value();
            let url = src.with_value(|src| format!("{src}{}embed=1&width={width}", if src.contains('?') { '&' } else { '?' }));
            leptos::task::spawn_local(async move {
                if let Ok((200, svg)) = crate::browser::fetch_text(&url, None, 60_000).await
                    && asked.get_value() == number
                {
                    redraw(&el, &svg);
                }
            });
        };
        Effect::new(move |_| {
            if node.get().is_some() {
                measure();
            }
        });
        let handle = window_event_listener(leptos::ev::resize, move |_| measure());
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (src, drawn);
    view! {
        <div
            class="chart"
            node_ref=node
            on:click=move |ev| choose(ev.target(), false)
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    choose(ev.target(), true)
                }
            }
        >
            {children()}
        </div>
        {prompt}
    }
}

/// Puts the new drawing `svg` into the chart box `el`, keeping the focus on the same
/// point (`.hit`) when one of the old drawing's had it: a keyboard user's place, and its
/// tip, survive a redraw.
#[cfg(feature = "hydrate")]
fn redraw(el: &web_sys::HtmlDivElement, svg: &str) {
    use wasm_bindgen::JsCast;
    let focused = document().active_element().filter(|a| el.contains(Some(a)));
    let hits = || crate::browser::find_all(el, ".hit");
    let at = focused.and_then(|f| hits().iter().position(|h| *h == f));
    el.set_inner_html(svg);
    if let Some(hit) = at.and_then(|i| hits().into_iter().nth(i)).and_then(|h| h.dyn_into::<web_sys::SvgElement>().ok()) {
        let _ = hit.focus();
    }
}

/// PV and UV over time, with a table of the same numbers for screen readers and anyone
/// who wants them exact.
#[component]
pub fn Trend(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let d = dashboard.get_value();
    let spec = chart_specs::trend(&d, locale.get_untracked());
    let chart =
        chart_box(ChartKind::Trend, params.get_untracked().with_range(d.range), move |w| charts::time_series_svg_at(&spec, w));
    let today = d.today;
    // A row per day (a year is 365): plain text, no class unless it says something; the
    // cells are right-aligned by the table's own style.
    let words = locale.get_untracked();
    let rows = d
        .days
        .iter()
        .map(|day| {
            let date = day.date;
            // The view's unusual days, as the chart rings them.
            let unusual = d.insights.unusual.iter().find(|u| u.block_id.is_none() && u.day.date == date).map(|u| u.day);
            let note = unusual.map(|u| view! { <span class="badge unusual-badge">{chart_specs::unusual_note(&u, words)}</span> });
            let noted = note_badges(&d.notes, date, words);
            let class = match (date == today, unusual.is_some()) {
                (true, true) => Some("incomplete unusual"),
                (true, false) => Some("incomplete"),
                (false, true) => Some("unusual"),
                (false, false) => None,
            };
            view! {
                <tr class=class>
                    <th scope="row">{words.long_date(date)} {note} {noted}</th>
                    <td>{grouped(day.pv)}</td>
                    <td>{grouped(day.uv)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="trend-heading" data-testid="trend">
            <h2 id="trend-heading">{move || locale.get().t().trend_title}</h2>
            {chart}
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

/// The notes of `day` as the chart tables' badges ("Note: Moved 请假 up"): owned views
/// (`use<>`), which outlive the notes they were read from.
pub(super) fn note_badges(
    notes: &use_cases::notes_report::Notes,
    day: chrono::NaiveDate,
    words: i18n::Locale,
) -> impl IntoView + use<> {
    let texts: Vec<String> = notes.on(day).map(|text| (words.t().notes.marker)(text)).collect();
    texts.into_iter().map(|text| view! { <span class="badge note-badge">{text}</span> }).collect_view()
}

/// The blocks with the most page views.
#[component]
pub fn TopBlocks(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let d = dashboard.get_value();
    let spec = chart_specs::top_blocks(&d, locale.get_untracked());
    let chart =
        chart_box(ChartKind::TopBlocks, params.get_untracked().with_range(d.range), move |w| charts::top_blocks_svg_at(&spec, w));
    view! {
        <section class="panel" aria-labelledby="top-heading" data-testid="top-blocks">
            <h2 id="top-heading">{move || locale.get().t().top_title}</h2>
            {chart}
        </section>
    }
}

/// The chart `draw` makes, drawn at the width the browser last measured for a chart box
/// (its `bi_chart_w` cookie; a desktop's before the first measure), in a [`ChartBox`]
/// that draws it again when its box is another width (`params` frozen to the range
/// shown, as the exports are). A repeat visit at the same width fetches no drawing.
pub(super) fn chart_box(chart: ChartKind, params: ViewParams, draw: impl FnOnce(f32) -> String) -> impl IntoView {
    let locale = use_locale().get_untracked();
    let src = chart.export_url(&params.with_lang(locale));
    let drawn = remembered_width();
    let svg = draw(drawn);
    let drawn = drawn.round() as u32;
    // Time series have days to note; the page's notes panel has the form.
    let note_prompt = (chart != ChartKind::TopBlocks).then(|| locale.t().notes.note_day.to_owned());
    view! {
        <ChartBox src drawn note_prompt>
            <div class="chart-drawing" inner_html=svg></div>
        </ChartBox>
    }
}

/// The cookie with the width of the last chart box measured, in pixels.
const WIDTH_COOKIE: &str = "bi_chart_w";

fn remembered_width() -> f32 {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| crate::cookies::request_cookie(&parts.headers, WIDTH_COOKIE))
            .and_then(|w| w.parse::<f32>().ok())
            .filter(|w| w.is_finite())
            .map_or(charts::DEFAULT_WIDTH, |w| w.clamp(charts::MIN_WIDTH, charts::MAX_WIDTH))
    }
    #[cfg(not(feature = "ssr"))]
    {
        charts::DEFAULT_WIDTH
    }
}

/// Remembers `width` for the server's next drawing ([`remembered_width`]).
#[cfg(feature = "hydrate")]
fn remember_width(width: u32) {
    crate::browser::set_cookie(&format!("{WIDTH_COOKIE}={width}; Path=/; Max-Age=31536000; SameSite=Lax"));
}
