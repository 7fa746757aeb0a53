use leptos::prelude::*;

use super::href;
use super::names::NameForm;
use crate::flash::PageFlash;
use crate::i18n::{decimal, grouped, Messages};
use crate::locale::use_locale;
use crate::report::{short_id, BlockTotal, Dashboard};
use crate::view::{SortColumn, ViewParams};

fn column_label(c: SortColumn, t: &Messages) -> &'static str {
    match c {
        SortColumn::Name => t.block,
        SortColumn::Pv => t.pv,
        SortColumn::Uv => t.uv_day_sum,
        SortColumn::AvgUv => t.avg_daily_uv,
        SortColumn::ActiveDays => t.active_days,
    }
}

/// Blocks of the range, sortable by every column (the sort is in the URL). A click on a
/// row (`.clickable`: the page's [`super::Progress`] island follows its first link), or
/// on its name, filters the page to that block. A block without a name shows
/// its id's last digits and a form to name it right there.
#[component]
pub fn BlocksTable(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let d = dashboard.get_value();
    let p = params.get_untracked();
    let sort = p.sort;
    let days = d.current.days.max(1);
    let total_pv = d.current.pv.max(1);
    let name = |b: &BlockTotal| d.name_of(&b.block_id).map(|n| (n.name.clone(), n.workplace.clone()));
    let mut blocks: Vec<(BlockTotal, Option<(String, Option<String>)>)> =
        d.blocks.iter().map(|b| (b.clone(), name(b))).collect();
    blocks.sort_by(|(a, an), (b, bn)| {
        let by = match sort.column {
            SortColumn::Name => {
                let key = |x: &BlockTotal, n: &Option<(String, Option<String>)>| {
                    n.as_ref().map_or_else(|| x.block_id.to_string(), |(name, _)| name.to_lowercase())
                };
                key(a, an).cmp(&key(b, bn))
            }
            SortColumn::Pv => a.pv.cmp(&b.pv),
            SortColumn::Uv | SortColumn::AvgUv => a.uv_day_sum.cmp(&b.uv_day_sum),
            SortColumn::ActiveDays => a.active_days.cmp(&b.active_days),
        };
        let by = if sort.descending { by.reverse() } else { by };
        by.then_with(|| a.block_id.cmp(&b.block_id))
    });
    let headers = SortColumn::ALL
        .into_iter()
        .map(|column| {
            let link = href(p.with_sort(sort.toggled(column)).to_query());
            let aria_sort = (sort.column == column).then(|| if sort.descending { "descending" } else { "ascending" });
            let arrow = match aria_sort {
                Some("descending") => " ↓",
                Some(_) => " ↑",
                None => "",
            };
            let numeric = column != SortColumn::Name;
            view! {
                <th scope="col" class:num=numeric aria-sort=aria_sort>
                    <a href=link title=move || { let t = locale.get().t(); (t.sort_by)(column_label(column, t)) }>
                        {move || column_label(column, locale.get().t())}
                        {arrow}
                    </a>
                </th>
            }
        })
        .collect_view();
    let rows = blocks
        .into_iter()
        .map(|(b, named)| {
            let link = href(p.with_blocks(vec![b.block_id.to_string()]).to_query());
            let id = b.block_id.to_string();
            let unnamed = named.is_none();
            let (shown, workplace) = named.unwrap_or_else(|| (short_id(&b.block_id), None));
            let label = shown.clone();
            let name_here = unnamed.then(|| {
                let block_id = id.clone();
                let opened = PageFlash::of(&format!("inline-name-form-{block_id}")).is_some();
                view! {
                    // Opening or using the form does not filter the page as a row click does.
                    <details class="name-inline" data-testid="name-inline" open=opened>
                        <summary>{move || locale.get().t().name_it}</summary>
                        <NameForm block_id name=String::new() workplace=String::new() field_prefix="inline-name"/>
                    </details>
                }
            });
            view! {
                <tr class="clickable" data-block=id.clone()>
                    <th scope="row">
                        <a href=link title=move || (locale.get().t().filter_to_block)(&label)>{shown}</a>
                        <span class="block-id">{id.clone()}</span>
                        {workplace.map(|w| view! { <span class="badge">{w}</span> })}
                        {name_here}
                    </th>
                    <td class="num">{grouped(b.pv)}</td>
                    <td class="num">{grouped(b.uv_day_sum)}</td>
                    <td class="num">{decimal(b.uv_day_sum as f64 / f64::from(days))}</td>
                    <td class="num">{b.active_days}</td>
                    <td class="num">{format!("{:.1}%", b.pv as f64 * 100.0 / total_pv as f64)}</td>
                </tr>
            }
        })
        .collect_view();
    let range = d.range;
    view! {
        <section class="panel" aria-labelledby="blocks-heading">
            <h2 id="blocks-heading">{move || locale.get().t().blocks_table_title}</h2>
            <div class="table-scroll">
                <table class="blocks" data-testid="blocks-table">
                    <caption>
                        {move || {
                            let l = locale.get();
                            (l.t().blocks_table_caption)(&l.range(range.from(), range.to()))
                        }}
                    </caption>
                    <thead>
                        <tr>
                            {headers}
                            <th scope="col" class="num">{move || locale.get().t().share}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
