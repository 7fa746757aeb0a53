use leptos::prelude::*;

use crate::locale::use_locale;
use i18n::grouped;
use use_cases::report::RowsPage;
use use_cases::view::ViewParams;

/// The rows tab: every day and block with visits, a page at a time.
#[component]
pub fn RowsTable(page: RowsPage, params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let today = page.today;
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let date = r.date;
            // A table of every row: an unnamed block by its whole id.
            let name = page.names.iter().find(|n| n.block_id == r.block_id).map(|n| n.name.clone());
            let id = r.block_id.to_string();
            view! {
                <tr class:incomplete=date == today>
                    <td>{date.to_string()}</td>
                    <td>
                        {match name {
                            Some(name) => view! { {name} " " <span class="block-id">{id}</span> }.into_any(),
                            None => id.into_any(),
                        }}
                    </td>
                    <td class="num">{grouped(r.pv)}</td>
                    <td class="num">{grouped(r.uv)}</td>
                </tr>
            }
        })
        .collect_view();
    let range = page.range;
    let (current, pages, total_rows) = (page.page, page.pages, page.total_rows);
    view! {
        <section class="panel">
            <h2>{move || { let l = locale.get(); (l.t().rows_title)(&l.range(range.from(), range.to())) }}</h2>
            {(pages > 1).then(|| view! { <p class="hint">{move || t().rows_truncated}</p> })}
            <table class="rows" data-testid="rows">
                <thead>
                    <tr>
                        <th scope="col">{move || t().date}</th>
                        <th scope="col">{move || t().block}</th>
                        <th scope="col" class="num">{move || t().pv}</th>
                        <th scope="col" class="num">{move || t().uv}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="table-count">{move || (t().rows_page)(current, pages)} " · " {grouped(total_rows as u64)}</p>
            <super::table::Pager params page=current pages testid="rows-pager"/>
        </section>
    }
}
