//! The insights panel: a few plain sentences (what is unusual, what changed most, what
//! nobody uses, what is new), each linking to the view that shows it, and below them
//! the findings as their own sortable lists with the numbers behind each.

use chrono::Datelike;
use leptos::prelude::*;

use super::href;
use crate::locale::use_locale;
use domain::BlockLabel;
use domain::unusual::Direction;
use i18n::{InsightMessages, Locale, grouped};
use use_cases::insights_report::{Insights, UnusualFinding};
use use_cases::report::{Dashboard, display_name};
use use_cases::view::{ViewParams, WholeList};

/// A column of a sortable list: its heading, and whether it is numeric (sorted largest first).
type Column = (fn(&InsightMessages) -> &'static str, bool);

/// Sentences about unusual days shown at most.
const UNUSUAL_SENTENCES: usize = 2;

/// A sentence and where it links.
struct Sentence {
    text: String,
    link: String,
}

/// What a finding is about: a block's name, or all blocks of the view.
fn subject(names: &[BlockLabel], finding: &UnusualFinding, m: &InsightMessages) -> String {
    finding.block_id.as_ref().map_or_else(|| m.all_blocks.to_owned(), |id| display_name(names, id))
}

fn unusual_sentence(names: &[BlockLabel], u: &UnusualFinding, locale: Locale) -> String {
    let m = locale.t().insights;
    let what = subject(names, u, m);
    let weekday = locale.weekday_name(u.day.date.weekday());
    let date = u.day.date.to_string();
    match (u.day.direction, u.day.ratio()) {
        (Direction::Above, Some(times)) => (m.above)(&what, weekday, times, &date),
        (Direction::Below, Some(times)) => (m.below)(&what, weekday, times * 100.0, &date),
        (_, None) => (m.from_nothing)(&what, weekday, u.day.value, &date),
    }
}

fn sentences(i: &Insights, names: &[BlockLabel], p: &ViewParams, locale: Locale) -> Vec<Sentence> {
    let m = locale.t().insights;
    let block_link = |id: &domain::BlockId| href(p.with_blocks(vec![id.to_string()]).to_query());
    let mut out: Vec<Sentence> = i
        .unusual
        .iter()
        .take(UNUSUAL_SENTENCES)
        .map(|u| Sentence {
            text: unusual_sentence(names, u, locale),
            link: u.block_id.as_ref().map_or_else(|| "#trend-heading".to_owned(), block_link),
        })
        .collect();
    if let Some(movers) = &i.movers {
        let said = |list: &[domain::insights::Mover], say: fn(&str, &str, &str) -> String| {
            list.first().map(|top| Sentence {
                text: say(&display_name(names, &top.block_id), &grouped(top.previous.pv), &grouped(top.current.pv)),
                link: block_link(&top.block_id),
            })
        };
        out.extend(said(&movers.rising, m.rose));
        out.extend(said(&movers.falling, m.fell));
    }
    if let Some(dormant) = i.dormant.as_ref().filter(|d| !d.is_empty()) {
        out.push(Sentence {
            text: (m.dormant_sentence)(dormant.len() + i.dormant_left_out, i.dormant_days),
            link: "#dormant-list".into(),
        });
    }
    if let Some(new) = i.new_blocks.as_ref().filter(|n| !n.is_empty()) {
        out.push(Sentence { text: (m.new_sentence)(new.len() + i.new_left_out), link: "#new-list".into() });
    }
    out
}

#[component]
pub fn InsightsPanel(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let m = move || locale.get().t().insights;
    let d = dashboard.get_value();
    let p = params.get_untracked();
    let i = d.insights.clone();
    let names = d.names.clone();
    let said = {
        let (i, names, p) = (i.clone(), names.clone(), p.clone());
        move || {
            let list = sentences(&i, &names, &p, locale.get());
            if list.is_empty() {
                return view! { <p data-testid="insights-nothing">{m().nothing}</p> }.into_any();
            }
            let items = list.into_iter().map(|s| view! { <li><a href=s.link>{s.text}</a></li> }).collect_view();
            view! { <ul class="insight-sentences" data-testid="insight-sentences">{items}</ul> }.into_any()
        }
    };
    let missing = i.history_missing.then(|| view! { <p class="notice" role="note">{move || m().history_missing}</p> });
    view! {
        <section class="panel insights" aria-labelledby="insights-heading" data-testid="insights">
            <h2 id="insights-heading">{move || m().title}</h2>
            {missing}
            {said}
            <InsightLists insights=i names params=p/>
        </section>
    }
}

/// A cell of a sortable list: what it shows and what it sorts by.
#[derive(Clone)]
struct Cell {
    text: String,
    key: SortKey,
}

#[derive(Clone)]
enum SortKey {
    Number(f64),
    Text(String),
}

impl Cell {
    fn number(text: String, key: f64) -> Self {
        Cell { text, key: SortKey::Number(key) }
    }

    fn count(n: u64) -> Self {
        Cell::number(grouped(n), n as f64)
    }

    fn text(text: String) -> Self {
        Cell { key: SortKey::Text(text.to_lowercase()), text }
    }

    /// What the cell sorts by, as its `data-key`: text in lower case; a number as 16
    /// hex digits that sort as text in the number's order (its bits, the sign bit turned
    /// for positive numbers and every bit for negative ones), so that the browser
    /// compares text only.
    fn key(&self) -> String {
        match &self.key {
            SortKey::Number(n) => {
                let bits = n.to_bits();
                format!("{:016x}", if bits >> 63 == 1 { !bits } else { bits | 1 << 63 })
            }
            SortKey::Text(t) => t.clone(),
        }
    }
}

/// A list whose columns sort on a click of their header (with JavaScript; without it
/// the list keeps the order it comes in). The first column is the row's heading; a
/// numeric column (`true`) sorts largest first on the first click.
#[component]
fn SortableList(testid: &'static str, columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> impl IntoView {
    let m = use_locale().get_untracked().t().insights;
    if rows.is_empty() {
        return view! { <p class="hint">{m.none_listed}</p> }.into_any();
    }
    let numeric: Vec<bool> = columns.iter().map(|(_, n)| *n).collect();
    let headers = columns
        .into_iter()
        .map(|(label, numeric)| {
            view! {
                <th scope="col" class:num=numeric>
                    <button type="button" class="sort">{label(m)}</button>
                </th>
            }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let mut cells = row.into_iter();
            let head = cells.next().map(|c| view! { <th scope="row" data-key=c.key()>{c.text.clone()}</th> });
            let rest = cells
                .zip(numeric.iter().skip(1))
                .map(|(c, numeric)| view! { <td class:num=*numeric data-key=c.key()>{c.text.clone()}</td> })
                .collect_view();
            view! {
                <tr>
                    {head}
                    {rest}
                </tr>
            }
        })
        .collect_view();
    view! {
        <SortableTable>
            <table class="insight-list" data-testid=testid>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </SortableTable>
    }
    .into_any()
}

/// Sorts the table in `children` (a [`SortableList`]'s) by the column whose header
/// button is clicked, by its cells' `data-key`: numeric columns (`th.num`) largest first
/// on the first click, text columns A to Z; a second click turns the order round.
#[island]
fn SortableTable(children: Children) -> impl IntoView {
    let sort = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        sort_by_header(ev.target());
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div class="table-scroll" on:click=sort>{children()}</div> }
}

#[cfg(feature = "hydrate")]
fn sort_by_header(target: Option<web_sys::EventTarget>) {
    use crate::browser::{closest, find_all};
    let Some(th) = closest(target, "th[scope=col]") else { return };
    let (Some(row), Some(table)) = (th.parent_element(), closest(Some(th.clone().into()), "table")) else { return };
    let heads = find_all(&row, "th");
    let Some(column) = heads.iter().position(|h| *h == th) else { return };
    let numeric = th.class_list().contains("num");
    let descending = match th.get_attribute("aria-sort").as_deref() {
        Some("descending") => false,
        Some("ascending") => true,
        _ => numeric,
    };
    for head in &heads {
        let _ = head.remove_attribute("aria-sort");
    }
    let _ = th.set_attribute("aria-sort", if descending { "descending" } else { "ascending" });
    let Ok(Some(body)) = table.query_selector("tbody") else { return };
    let key = |tr: &web_sys::Element| {
        find_all(tr, "th, td").get(column).and_then(|cell| cell.get_attribute("data-key")).unwrap_or_default()
    };
    let mut rows: Vec<(String, web_sys::Element)> = find_all(&body, "tr").into_iter().map(|tr| (key(&tr), tr)).collect();
    rows.sort_by(|(a, _), (b, _)| if descending { b.cmp(a) } else { a.cmp(b) });
    for (_, tr) in rows {
        let _ = body.append_child(&tr);
    }
}

/// The findings, each kind as its own folded list.
#[component]
fn InsightLists(insights: Insights, names: Vec<BlockLabel>, params: ViewParams) -> impl IntoView {
    let locale = use_locale();
    let m = move || locale.get().t().insights;
    let name = |id: &domain::BlockId| display_name(&names, id);
    let change = |now: u64, before: u64| {
        let delta = now as i64 - before as i64;
        let pct = if before > 0 { format!(" ({:+.0}%)", delta as f64 * 100.0 / before as f64) } else { String::new() };
        Cell::number(format!("{delta:+}{pct}"), delta as f64)
    };
    let movers = insights.movers.clone().map(|movers| {
        let rows = |list: &[domain::insights::Mover]| -> Vec<Vec<Cell>> {
            list.iter()
                .map(|x| {
                    vec![
                        Cell::text(name(&x.block_id)),
                        Cell::count(x.previous.pv),
                        Cell::count(x.current.pv),
                        change(x.current.pv, x.previous.pv),
                    ]
                })
                .collect()
        };
        let columns =
            || -> Vec<Column> { vec![(|m| m.rising, false), (|m| m.before, true), (|m| m.now, true), (|m| m.change, true)] };
        let mut falling_columns = columns();
        falling_columns[0] = (|m| m.falling, false);
        let range = insights.previous_range;
        view! {
            <details class="insight-group" data-testid="movers">
                <summary>{move || m().movers_title}</summary>
                <p class="hint">{move || (m().movers_hint)(&locale.get().range(range.from(), range.to()))}</p>
                <SortableList testid="movers-rising" columns=columns() rows=rows(&movers.rising)/>
                <SortableList testid="movers-falling" columns=falling_columns rows=rows(&movers.falling)/>
            </details>
        }
    });
    let days = insights.dormant_days;
    let (dormant_left_out, new_left_out) = (insights.dormant_left_out, insights.new_left_out);
    let dormant = insights.dormant.clone().map(|list| {
        let rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|x| {
                let last = x.last_seen.map_or_else(|| Cell::text(String::new()), |d| Cell::text(d.to_string()));
                vec![Cell::text(name(&x.block_id)), Cell::count(x.earlier_pv), Cell::count(x.recent_pv), last]
            })
            .collect();
        let columns: Vec<Column> =
            vec![(|m| m.dormant_title, false), (|m| m.earlier_views, true), (|m| m.recent_views, true), (|m| m.last_seen, false)];
        // A plain GET form: works without JavaScript, keeps the rest of the view.
        let hidden = super::controls::kept_fields(&ViewParams { dormant_days: None, ..params.clone() }, true, true);
        view! {
            <details class="insight-group" id="dormant-list" data-testid="dormant">
                <summary>{move || m().dormant_title} " (" {list.len() + dormant_left_out} ")"</summary>
                <p class="hint">{move || (m().dormant_hint)(days)}</p>
                <form method="get" action="/" class="dormant-days">
                    {hidden}
                    <label>
                        {move || m().dormant_days} " "
                        <input type="number" name="dormant" min="1" max="90" value=days.to_string() required/>
                    </label>
                    <button type="submit" class="secondary">{move || locale.get().t().apply}</button>
                </form>
                <SortableList testid="dormant-list" columns rows/>
                {whole_link(&params, WholeList::Dormant, dormant_left_out)}
            </details>
        }
    });
    let new = insights.new_blocks.clone().map(|list| {
        let rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|x| vec![Cell::text(name(&x.block_id)), Cell::text(x.first_seen.to_string()), Cell::count(x.pv)])
            .collect();
        let columns: Vec<Column> = vec![(|m| m.new_title, false), (|m| m.first_seen, false), (|m| m.views, true)];
        view! {
            <details class="insight-group" id="new-list" data-testid="new-blocks">
                <summary>{move || m().new_title} " (" {list.len() + new_left_out} ")"</summary>
                <SortableList testid="new-list" columns rows/>
                {whole_link(&params, WholeList::New, new_left_out)}
            </details>
        }
    });
    let unusual_rows: Vec<Vec<Cell>> = insights
        .unusual
        .iter()
        .map(|u| {
            let what = u.block_id.as_ref().map_or_else(|| m().all_blocks.to_owned(), &name);
            let (low, high) = u.day.usual_range();
            let usual = format!(
                "{} ({}–{})",
                grouped(u.day.baseline.median.round() as u64),
                grouped(low.round() as u64),
                grouped(high.round() as u64)
            );
            vec![
                Cell::text(what),
                Cell::text(u.day.date.to_string()),
                Cell::count(u.day.value),
                Cell::number(usual, u.day.baseline.median),
                Cell::number(format!("{:+.1}", u.day.score), u.day.score),
            ]
        })
        .collect();
    let unusual_count = unusual_rows.len() + insights.unusual_left_out;
    let left_out = insights.unusual_left_out;
    let unusual_columns: Vec<Column> =
        vec![(|m| m.unusual_title, false), (|m| m.date, false), (|m| m.value, true), (|m| m.usual, true), (|m| m.score, true)];
    view! {
        {movers}
        {dormant}
        {new}
        <details class="insight-group" id="unusual-list" data-testid="unusual">
            <summary>{move || m().unusual_title} " (" {unusual_count} ")"</summary>
            <p class="hint">{move || m().unusual_hint}</p>
            <SortableList testid="unusual-list" columns=unusual_columns rows=unusual_rows/>
            {whole_link(&params, WholeList::Unusual, left_out)}
        </details>
    }
}

/// Under a list cut for the page: how many more it has and a link to the page with it
/// whole (`whole=…`, at the list); under a list shown whole, a link back to the cut one.
fn whole_link(params: &ViewParams, list: WholeList, left_out: usize) -> Option<impl IntoView + use<>> {
    let locale = use_locale();
    let l = move || locale.get().t().lists;
    let anchor = match list {
        WholeList::Dormant => "#dormant-list",
        WholeList::New => "#new-list",
        WholeList::Unusual => "#unusual-list",
        WholeList::WorkplaceBlocks => "",
    };
    if params.whole == Some(list) {
        let back = format!("{}{anchor}", href(params.with_whole(None).to_query()));
        return Some(view! { <p class="more-rows"><a href=back>{move || l().show_fewer}</a></p> }.into_any());
    }
    (left_out > 0).then(|| {
        let all = format!("{}{anchor}", href(params.with_whole(Some(list)).to_query()));
        let n = grouped(left_out as u64);
        view! {
            <p class="more-rows" data-testid="more-rows">
                {move || (l().more_rows)(&n)} " · " <a href=all>{move || l().show_all}</a>
            </p>
        }
        .into_any()
    })
}

#[cfg(test)]
mod tests {
    use super::Cell;

    #[test]
    fn number_keys_sort_as_text_in_the_numbers_order() {
        let numbers = [-1e9, -5.5, -1.0, -0.25, 0.0, 0.5, 3.0, 12.0, 1e9, f64::INFINITY];
        let mut keys: Vec<(String, f64)> = numbers.iter().rev().map(|&n| (Cell::number(String::new(), n).key(), n)).collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(keys.iter().map(|(_, n)| *n).collect::<Vec<_>>(), numbers);
        assert!(keys.iter().all(|(k, _)| k.len() == 16));
        assert_eq!(Cell::text("审批 Center".into()).key(), "审批 center");
    }
}
