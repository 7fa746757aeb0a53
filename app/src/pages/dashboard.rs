//! The dashboard page: controls, then the overview or the rows of the chosen range.
//! Every choice lives in the URL; the server reads it, gathers the numbers and draws
//! the page, and a choice made on it loads the next page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{load_dashboard, load_rows, load_workplaces};
use crate::components::{
    BlockNames, BlocksTable, Cards, Controls, ErrorNotice, ExportLinks, Header, Hydrated, InsightsPanel, NotesPanel,
    PageProgress, PageShortcuts, RowsTable, SharePanel, TopBlocks, Trend, VisitorNotice, WorkplacesView, href,
};
use crate::locale::use_locale;
use use_cases::report::ViewInfo;
use use_cases::view::{Tab, ViewParams};

/// The view parameters of the current URL, reactive.
pub fn use_view_params() -> Memo<ViewParams> {
    let location = use_location();
    Memo::new(move |_| ViewParams::from_query(&location.search.get()))
}

/// The ticket the browser named this page load with (its progress bar polls it while
/// the page is rendered), and whether it asked for the recent days anew: the navigation
/// handshake of [`crate::components::Progress`].
fn navigation() -> (Option<u64>, bool) {
    #[cfg(feature = "ssr")]
    {
        use crate::components::{REFRESH_COOKIE, TICKET_COOKIE};
        use crate::cookies::take_cookie;
        let ticket = take_cookie(TICKET_COOKIE).and_then(|t| t.parse().ok());
        (ticket, take_cookie(REFRESH_COOKIE).is_some())
    }
    #[cfg(not(feature = "ssr"))]
    {
        (None, false)
    }
}

/// The dashboard, rendered on the server with its numbers; the islands in it
/// ([`crate::components::Progress`] and others) are what runs in the browser.
#[component]
pub fn Dashboard() -> impl IntoView {
    let locale = use_locale();
    let params = use_view_params();
    let (ticket, refresh) = navigation();
    // The outcome of a name form's post, shown by that form.
    provide_context(crate::flash::PageFlash(crate::flash::page_flash()));
    let overview = Resource::new(
        move || params.get(),
        move |p| async move { if p.tab == Tab::Overview { Some(load_dashboard(p, ticket, refresh).await) } else { None } },
    );
    let rows = Resource::new(
        move || params.get(),
        move |p| async move { if p.tab == Tab::Rows { Some(load_rows(p).await) } else { None } },
    );
    let workplaces = Resource::new(
        move || params.get(),
        move |p| async move { if p.tab == Tab::Workplaces { Some(load_workplaces(p, ticket, refresh).await) } else { None } },
    );

    view! {
        <Header here="/" lang_href=move |l| href(params.get().with_lang(l).to_query())/>
        <main class="dashboard" aria-busy="false">
            <PageProgress/>
            <VisitorNotice/>
            <Transition fallback=move || view! { <p class="loading" role="status">{move || locale.get().t().loading}</p> }>
                <div class="content">
                    {move || Suspend::new(async move {
                        let p = params.get_untracked();
                        match (overview.await, rows.await, workplaces.await) {
                            (_, _, Some(Ok(report))) => {
                                let info = StoredValue::new(ViewInfo::from(&report));
                                let report = StoredValue::new(report);
                                view! {
                                    <Controls params info/>
                                    <WorkplacesView report params/>
                                    {crate::api::may_share().then(|| view! { <SharePanel params/> })}
                                }
                                    .into_any()
                            }
                            (_, _, Some(Err(e))) => view! { <ErrorNotice error=e params=p/> }.into_any(),
                            (Some(Ok(d)), _, _) => {
                                let info = StoredValue::new(ViewInfo::from(&d));
                                let (notes, range, today) = (d.notes.clone(), d.range, d.today);
                                let blocks = p.blocks.iter().filter_map(|b| domain::BlockId::parse(b).ok()).collect();
                                let d = StoredValue::new(d);
                                view! {
                                    <Controls params info/>
                                    <InsightsPanel dashboard=d params/>
                                    <Cards dashboard=d/>
                                    <Trend dashboard=d params/>
                                    <NotesPanel notes range today blocks/>
                                    <TopBlocks dashboard=d params/>
                                    <BlocksTable dashboard=d params/>
                                    <ExportLinks dashboard=d params/>
                                    {crate::api::may_share().then(|| view! { <SharePanel params/> })}
                                    {crate::api::may_change().then(|| view! { <BlockNames dashboard=d/> })}
                                }
                                    .into_any()
                            }
                            (_, Some(Ok(page)), _) => {
                                let info = StoredValue::new(ViewInfo::from(&page));
                                view! {
                                    <Controls params info/>
                                    <RowsTable page params/>
                                }
                                    .into_any()
                            }
                            (Some(Err(e)), _, _) | (_, Some(Err(e)), _) => {
                                view! { <ErrorNotice error=e params=p/> }.into_any()
                            }
                            (None, None, None) => ().into_any(),
                        }
                    })}
                </div>
            </Transition>
            <PageShortcuts/>
        </main>
        <Hydrated/>
    }
}
