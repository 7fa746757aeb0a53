use leptos::prelude::*;

use super::controls::kept_fields;
use super::href;
use super::names::NameForm;
use crate::flash::PageFlash;
use crate::locale::use_locale;
use i18n::{Messages, decimal, grouped};
use use_cases::report::{Dashboard, TABLE_ROWS_PER_PAGE, short_id};
use use_cases::view::{SortColumn, ViewParams};

fn column_label(c: SortColumn, t: &Messages) -> &'static str {
    match c {
        SortColumn::Name => t.block,
        SortColumn::Pv => t.pv,
        SortColumn::Uv => t.uv_day_sum,
        SortColumn::AvgUv => t.avg_daily_uv,
        SortColumn::ActiveDays => t.active_days,
    }
}

/// Blocks of the range, a page at a time: sorted by any column, searched by name, id or
/// workplace and paged by the server (all three in the URL: links and a plain GET form).
/// A click on a row (`.clickable`: the page's [`super::Progress`] island follows its
/// first link), or on its name, filters the page to that block. A block without a name
/// shows its id's last digits and a form to name it right there.
#[component]
pub fn BlocksTable(dashboard: StoredValue<Dashboard>, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let l = move || locale.get().t().lists;
    let d = dashboard.get_value();
    let p = params.get_untracked();
    let sort = p.sort;
    let days = d.current.days.max(1);
    let total_pv = d.current.pv.max(1);
    let table = d.table.clone();
    let headers = SortColumn::ALL
        .into_iter()
        .map(|column| {
            let link = href(p.with_sort(sort.toggled(column)).to_query());
            let aria_sort = (sort.column == column).then_some(if sort.descending { "descending" } else { "ascending" });
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
    let rows = table
        .rows
        .iter()
        .map(|b| {
            let may_change = crate::api::may_change();
            let named = d.name_of(&b.block_id).map(|n| (n.name.clone(), n.workplace.clone()));
            let link = href(p.with_blocks(vec![b.block_id.to_string()]).to_query());
            let id = b.block_id.to_string();
            let unnamed = named.is_none();
            let (shown, workplace) = named.unwrap_or_else(|| (short_id(&b.block_id), None));
            let label = shown.clone();
            let name_here = (unnamed && may_change).then(|| {
                let block_id = id.clone();
                let opened = PageFlash::of(&format!("inline-name-form-{block_id}")).is_some();
                view! {
                    // Opening or using the form does not filter the page as a row click does.
                    <details class="name-inline" data-testid="name-inline" open=opened>
                        <summary>{locale.get_untracked().t().name_it}</summary>
                        <NameForm block_id name=String::new() workplace=String::new() field_prefix="inline-name"/>
                    </details>
                }
            });
            view! {
                <tr class="clickable" data-block=id.clone()>
                    <th scope="row">
                        <a href=link title=(locale.get_untracked().t().filter_to_block)(&label)>{shown}</a>
                        <span class="block-id">{id.clone()}</span>
                        {workplace.map(|w| view! { <span class="badge">{w}</span> })}
                        {name_here}
                    </th>
                    // Right-aligned by the table's style (`table.blocks td`).
                    <td>{grouped(b.pv)}</td>
                    <td>{grouped(b.uv_day_sum)}</td>
                    <td>{decimal(b.uv_day_sum as f64 / f64::from(days))}</td>
                    <td>{b.active_days}</td>
                    <td>{format!("{:.1}%", b.pv as f64 * 100.0 / total_pv as f64)}</td>
                </tr>
            }
        })
        .collect_view();
    let range = d.range;
    let searched = table.search.clone();
    let count = {
        let (first, last) =
            ((table.page - 1) * TABLE_ROWS_PER_PAGE + 1, (table.page - 1) * TABLE_ROWS_PER_PAGE + table.rows.len());
        let (matching, total, search) = (table.matching, table.blocks, searched.clone());
        move || match (&search, matching) {
            (Some(q), 0) => (l().no_match)(q),
            _ => (l().table_count)(
                &grouped(first as u64),
                &grouped(last as u64),
                &grouped(matching as u64),
                &grouped(total as u64),
                search.as_deref(),
            ),
        }
    };
    let clear = searched.is_some().then(|| href(ViewParams { search: None, page: 1, ..p.clone() }.to_query()));
    view! {
        <section class="panel" aria-labelledby="blocks-heading">
            <h2 id="blocks-heading">{move || locale.get().t().blocks_table_title}</h2>
            <form method="get" action="" class="table-search" role="search" data-testid="table-search">
                {kept_fields(&p, true, true)}
                <label for="table-search">{move || l().search_table}</label>
                <input type="search" id="table-search" name="q" value=searched.clone().unwrap_or_default() maxlength="64"/>
                <button type="submit" class="secondary">{move || l().search}</button>
                {clear.map(|h| view! { <a href=h data-testid="clear-search">{move || l().clear_search}</a> })}
            </form>
            <p class="table-count" role="status" data-testid="table-count">{count}</p>
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
            <Pager params page=table.page pages=table.pages testid="table-pager"/>
        </section>
    }
}

/// Links to the first, previous, next and last pages of a paged list (`page` of `pages`,
/// in the URL's `page`), and where it is.
#[component]
pub fn Pager(params: Memo<ViewParams>, page: usize, pages: usize, testid: &'static str) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let p = params.get_untracked();
    let link = |n: usize| href(p.with_page(n).to_query());
    let (first, prev) = ((page > 2).then(|| link(1)), (page > 1).then(|| link(page - 1)));
    let (next, last) = ((page < pages).then(|| link(page + 1)), (page + 1 < pages).then(|| link(pages)));
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=move || t().lists.pages data-testid=testid>
                {first.map(|h| view! { <a href=h>"« " {move || t().lists.first_page}</a> })}
                {prev.map(|h| view! { <a href=h rel="prev">{move || t().page_prev}</a> })}
                <span aria-current="page">{move || (t().rows_page)(page, pages)}</span>
                {next.map(|h| view! { <a href=h rel="next">{move || t().page_next}</a> })}
                {last.map(|h| view! { <a href=h>{move || t().lists.last_page} " »"</a> })}
            </nav>
        }
    })
}
