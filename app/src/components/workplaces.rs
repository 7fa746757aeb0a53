//! The workplace view: cards of all workplaces and the default one, their trend, each
//! custom workplace with its name in the page's language and its share of all, and
//! per workplace its blocks with each block's share of the workplace's block views.

use leptos::prelude::*;

use super::href;
use crate::locale::use_locale;
use i18n::{grouped, percent_change};
use use_cases::chart_specs::{self, ChartKind};
use use_cases::view::{ViewParams, WholeList};
use use_cases::workplace_report::{BlockGroup, WorkplaceReport};

#[component]
pub fn WorkplacesView(report: StoredValue<WorkplaceReport>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let w = move || locale.get().t().workplaces;
    let r = report.get_value();
    let spec = chart_specs::workplace_trend(&r, locale.get_untracked());
    // Drawn only for a viewer of the tenant-wide totals.
    let chart = move || {
        super::charts::chart_box(ChartKind::WorkplaceTrend, params.get_untracked().with_range(r.range), move |w| {
            charts::time_series_svg_at(&spec, w)
        })
    };
    let previous = r.previous;
    let card = move |testid: &'static str, label: fn(&i18n::Messages) -> String, now: u64, before: Option<u64>| {
        let change = before.and_then(|b| percent_change(now as f64, b as f64));
        view! {
            <div class="card" data-testid=testid>
                <div class="card-label">{move || label(t())}</div>
                <div class="card-value">{grouped(now)}</div>
                {change.map(|c| view! { <div class="card-change">{c}</div> })}
            </div>
        }
    };
    let all_pv = r.all.pv;
    // A viewer with a scope sees their custom workplaces only: no tenant-wide totals,
    // no share of them.
    let tenant_wide = r.tenant_wide;
    let (notes, r_range, today) = (r.notes.clone(), r.range, r.today);
    let workplaces = r
        .workplaces
        .iter()
        .map(|total| {
            let total = total.clone();
            let share = if all_pv == 0 { 0.0 } else { total.pv as f64 / all_pv as f64 };
            let id = total.id.to_string();
            let id_attr = id.clone();
            let named = total.clone();
            let name = move || named.name(locale.get().code());
            view! {
                <tr data-testid="workplace-row" data-workplace-id=id_attr>
                    <th scope="row">
                        <span class="workplace-name">{name}</span>
                        <span class="block-id">{id}</span>
                    </th>
                    <td class="num">{grouped(total.pv)}</td>
                    <td class="num">{grouped(total.uv_day_sum)}</td>
                    {tenant_wide.then(|| view! { <td class="num">{format!("{:.1}%", share * 100.0)}</td> })}
                </tr>
            }
        })
        .collect_view();
    let group_view = move |name: Signal<String>, key: &str, group: BlockGroup| {
        let filter = href(params.get_untracked().with_workplace(key).to_query());
        view! { <GroupBlocks name group filter params/> }
    };
    let groups = r
        .workplaces
        .iter()
        .map(|total| {
            let named = total.clone();
            group_view(Signal::derive(move || named.name(locale.get().code())), total.id.as_str(), total.blocks.clone())
        })
        .collect_view();
    let typed = (!r.other_groups.is_empty()).then(|| {
        let list = r
            .other_groups
            .iter()
            .map(|g| {
                let label = g.label.clone();
                group_view(Signal::derive(move || label.clone()), &g.label, g.clone())
            })
            .collect_view();
        view! {
            <h4>{move || w().other_groups}</h4>
            {list}
        }
    });
    let has_workplaces = !r.workplaces.is_empty();
    let p = params.get_untracked();
    let whole = p.whole == Some(WholeList::WorkplaceBlocks);
    let left_out = r.workplaces_left_out;
    // Past the first workplaces, how many more and the page with all of them; on that
    // page, the way back to the short one.
    let more_workplaces = move || {
        (left_out > 0 || whole).then(|| {
            let l = move || locale.get().t().lists;
            let n = grouped(left_out as u64);
            let p = params.get_untracked();
            let (link, all) = if whole {
                (href(p.with_whole(None).to_query()), false)
            } else {
                (href(p.with_whole(Some(WholeList::WorkplaceBlocks)).to_query()), true)
            };
            view! {
                <p class="more-rows" data-testid="more-workplaces">
                    {all.then(|| view! { {move || (l().more_rows)(&n)} " · " })}
                    <a href=link>{move || if all { l().show_all } else { l().show_fewer }}</a>
                </p>
            }
        })
    };
    let chart_svg = ChartKind::WorkplaceTrend.export_url(&params.get_untracked().with_range(r.range));
    let query = format!("?from_date={}&to_date={}", r.range.from(), r.range.to());
    let (csv_totals, xlsx_totals) =
        (format!("/api/v1/workplace-access.csv{query}"), format!("/api/v1/workplace-access.xlsx{query}"));
    let (csv_custom, xlsx_custom) =
        (format!("/api/v1/custom-workplace-access.csv{query}"), format!("/api/v1/custom-workplace-access.xlsx{query}"));
    view! {
        {tenant_wide.then(move || view! {
        <section class="cards" aria-label=move || w().tab data-testid="workplace-cards">
            {card("card-all-pv", |m| format!("{} · {}", m.workplaces.all, m.pv), r.all.pv, previous.map(|p| p.0.pv))}
            {card("card-all-uv", |m| format!("{} · {}", m.workplaces.all, m.uv_day_sum), r.all.uv, previous.map(|p| p.0.uv))}
            {card("card-default-pv", |m| format!("{} · {}", m.workplaces.default, m.pv), r.default.pv, previous.map(|p| p.1.pv))}
            {card("card-default-uv", |m| format!("{} · {}", m.workplaces.default, m.uv_day_sum), r.default.uv, previous.map(|p| p.1.uv))}
        </section>
        <section class="panel" aria-labelledby="workplace-trend-heading" data-testid="workplace-trend">
            <h2 id="workplace-trend-heading">{move || w().trend_title}</h2>
            {chart()}
            <p class="hint">{move || w().not_additive}</p>
            {trend_table(&r)}
        </section>
        })}
        <super::NotesPanel notes range=r_range today blocks=Vec::new()/>
        <section class="panel" aria-labelledby="custom-heading" data-testid="custom-workplaces">
            <h2 id="custom-heading">{move || w().custom_title}</h2>
            <p class="hint">{move || w().custom_hint}</p>
            {if has_workplaces {
                view! {
                <div class="table-scroll">
                    <table class="workplaces-table" data-testid="workplaces-table">
                        <thead>
                            <tr>
                                <th scope="col">{move || w().workplace}</th>
                                <th scope="col" class="num">{move || t().pv}</th>
                                <th scope="col" class="num">{move || t().uv_day_sum}</th>
                                {tenant_wide.then(|| view! { <th scope="col" class="num">{move || w().share_of_all}</th> })}
                            </tr>
                        </thead>
                        <tbody>{workplaces}</tbody>
                    </table>
                </div>
                }
                    .into_any()
            } else {
                view! { <p>{move || w().none}</p> }.into_any()
            }}
            {more_workplaces()}
            <h3 class="subheading">{move || w().blocks_heading}</h3>
            {groups}
            {typed}
            {more_workplaces()}
        </section>
        <section class="export" aria-label=move || w().export data-testid="workplace-export">
            <span class="export-label">{move || w().export} ":"</span>
            {tenant_wide.then(|| view! {
                <a href=csv_totals download="workplace-access.csv" data-testid="export-workplaces-csv">{move || format!("{} CSV", w().all)}</a>
                <a href=xlsx_totals download="workplace-access.xlsx" data-testid="export-workplaces-xlsx">{move || format!("{} Excel", w().all)}</a>
            })}
            <a href=csv_custom download="custom-workplace-access.csv" data-testid="export-custom-csv">{move || format!("{} CSV", w().custom_title)}</a>
            <a href=xlsx_custom download="custom-workplace-access.xlsx" data-testid="export-custom-xlsx">
                {move || format!("{} Excel", w().custom_title)}
            </a>
            {tenant_wide.then(|| view! {
                <a href=chart_svg download="workplace-trend.svg" data-testid="export-workplace-trend">{move || t().export_trend_svg}</a>
            })}
        </section>
    }
}

/// The workplace trend's numbers as a table (the chart's alternative), with the notes
/// of each day.
fn trend_table(r: &WorkplaceReport) -> impl IntoView + use<> {
    let words = use_locale().get_untracked();
    let (t, w) = (words.t(), words.t().workplaces);
    let rows = r
        .days
        .iter()
        .map(|day| {
            let class = (day.date == r.today).then_some("incomplete");
            view! {
                <tr class=class>
                    <th scope="row">{words.long_date(day.date)} {super::charts::note_badges(&r.notes, day.date, words)}</th>
                    <td>{grouped(day.all.pv)}</td>
                    <td>{grouped(day.all.uv)}</td>
                    <td>{grouped(day.default.pv)}</td>
                    <td>{grouped(day.default.uv)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="chart-table">
            <summary>{t.show_as_table}</summary>
            <div class="table-scroll">
                <table data-testid="workplace-trend-table">
                    <thead>
                        <tr>
                            <th scope="col">{t.date}</th>
                            <th scope="col" class="num">{format!("{} · {}", w.all, t.pv)}</th>
                            <th scope="col" class="num">{format!("{} · {}", w.all, t.uv)}</th>
                            <th scope="col" class="num">{format!("{} · {}", w.default, t.pv)}</th>
                            <th scope="col" class="num">{format!("{} · {}", w.default, t.uv)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// One workplace's blocks with their shares, folded.
#[component]
fn GroupBlocks(name: Signal<String>, group: BlockGroup, filter: String, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let w = move || locale.get().t().workplaces;
    let count = group.len();
    let p = params.get_untracked();
    // The group's first blocks; the rest are counted, and shown with every group's on
    // the page that asks for them whole, or paged in the block view of the workplace.
    let more = (group.more > 0).then(|| {
        let n = grouped(group.more as u64);
        let all = href(p.with_whole(Some(WholeList::WorkplaceBlocks)).to_query());
        view! {
            <p class="more-rows" data-testid="more-rows">
                {move || (locale.get().t().lists.more_rows)(&n)} " · " <a href=all>{move || locale.get().t().lists.show_all}</a>
            </p>
        }
    });
    let rows = group
        .blocks
        .iter()
        .map(|block| {
            let share = group.share(block);
            view! {
                <tr>
                    <th scope="row">{block.name.clone()} <span class="block-id">{block.block_id.to_string()}</span></th>
                    <td class="num">{grouped(block.pv)}</td>
                    <td class="num">{format!("{:.1}%", share * 100.0)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="workplace-blocks" data-testid="workplace-blocks">
            <summary>{move || (w().blocks_of)(&name.get(), count)}</summary>
            {if count == 0 {
                view! { <p class="hint">{move || w().no_blocks}</p> }.into_any()
            } else {
                view! {
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{move || w().block}</th>
                                <th scope="col" class="num">{move || locale.get().t().pv}</th>
                                <th scope="col" class="num">{move || w().share}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    {more}
                    <a href=filter data-testid="workplace-filter-link">{move || w().show_in_blocks}</a>
                }
                    .into_any()
            }}
        </details>
    }
}
