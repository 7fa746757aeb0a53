//! The dashboard page: controls, then the overview or the rows of the chosen range.
//! Every choice lives in the URL; the page reads it, asks the server, and draws.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{load_dashboard, load_rows, load_workplaces, SaveBlockName};
use crate::components::{
    install_shortcuts, ApiTokens, BlockNames, DigestPanel, BlocksTable, Cards, Controls, ErrorNotice, ExportLinks, Header, NamesImportState,
    InsightsPanel, ProgressBar, RowsTable, ShortcutHelp, TopBlocks, Trend, WorkplacesView,
};
use crate::locale::use_locale;
use crate::report::ViewInfo;
use crate::view::{Tab, ViewParams};

/// The view parameters of the current URL, reactive.
pub fn use_view_params() -> Memo<ViewParams> {
    let location = use_location();
    Memo::new(move |_| {
        let search = location.search.get();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(search.trim_start_matches('?').as_bytes()).into_owned().collect();
        ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    })
}

/// A fresh ticket naming one fetch, so that its progress can be asked for. Only the
/// browser polls progress; the server renders with the numbers already there.
fn new_ticket() -> Option<u64> {
    #[cfg(feature = "hydrate")]
    {
        Some((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// One fetch running in the browser: counted while it lives, uncounted when it ends or
/// is dropped (a newer navigation replaced it). The server renders with its data and
/// counts nothing.
struct Fetching(Option<RwSignal<u32>>);

impl Fetching {
    fn start(in_flight: RwSignal<u32>) -> Self {
        if cfg!(feature = "hydrate") {
            in_flight.update(|n| *n += 1);
            Fetching(Some(in_flight))
        } else {
            Fetching(None)
        }
    }
}

impl Drop for Fetching {
    fn drop(&mut self) {
        if let Some(in_flight) = self.0 {
            in_flight.try_update(|n| *n = n.saturating_sub(1));
        }
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let locale = use_locale();
    let params = use_view_params();
    let save_name = ServerAction::<SaveBlockName>::new();
    let import_names = NamesImportState::new();
    let reload = RwSignal::new(0u32);
    let refresh_next = StoredValue::new(false);
    let ticket = RwSignal::new(None::<u64>);
    let pending = RwSignal::new(false);
    let shown_range = RwSignal::new(None);
    let help_open = RwSignal::new(false);
    install_shortcuts(params, shown_range, help_open);

    // Whether a fetch started in the browser is still running. Kept by hand rather than
    // taken from <Transition set_pending>: a resource that hydrates from the server's
    // data never fetched, and must never leave the page marked as loading.
    let in_flight = RwSignal::new(0u32);
    let overview = Resource::new(
        move || (params.get(), reload.get(), save_name.version().get(), import_names.saves()),
        move |(p, _, _, _)| {
            let refresh = std::mem::take(&mut *refresh_next.write_value());
            let t = new_ticket();
            ticket.set(t);
            let fetching = Fetching::start(in_flight);
            async move {
                let _fetching = fetching;
                if p.tab == Tab::Overview { Some(load_dashboard(p, t, refresh).await) } else { None }
            }
        },
    );
    let rows = Resource::new(
        move || (params.get(), save_name.version().get(), import_names.saves()),
        move |(p, _, _)| {
            let fetching = Fetching::start(in_flight);
            async move {
                let _fetching = fetching;
                if p.tab == Tab::Rows { Some(load_rows(p).await) } else { None }
            }
        },
    );
    let workplaces = Resource::new(
        move || (params.get(), reload.get(), save_name.version().get(), import_names.saves()),
        move |(p, _, _, _)| {
            let t = new_ticket();
            if p.tab == Tab::Workplaces {
                ticket.set(t);
            }
            let fetching = Fetching::start(in_flight);
            async move {
                let _fetching = fetching;
                if p.tab == Tab::Workplaces { Some(load_workplaces(p, t, false).await) } else { None }
            }
        },
    );
    Effect::new(move |_| pending.set(in_flight.get() > 0));
    let on_refresh = Callback::new(move |()| {
        refresh_next.set_value(true);
        reload.update(|n| *n += 1);
    });

    view! {
        <Header params/>
        <main class="dashboard" aria-busy=move || pending.get().to_string()>
            <ProgressBar pending ticket/>
            <Transition fallback=move || view! { <p class="loading" role="status">{move || locale.get().t().loading}</p> }>
                <div class="content" class:stale=move || pending.get()>
                    {move || Suspend::new(async move {
                        let p = params.get_untracked();
                        match (overview.await, rows.await, workplaces.await) {
                            (_, _, Some(Ok(report))) => {
                                let info = StoredValue::new(ViewInfo::from(&report));
                                shown_range.set(Some(report.range));
                                let report = StoredValue::new(report);
                                view! {
                                    <Controls params info on_refresh/>
                                    <WorkplacesView report params/>
                                }
                                    .into_any()
                            }
                            (_, _, Some(Err(e))) => view! { <ErrorNotice error=e params=p/> }.into_any(),
                            (Some(Ok(d)), _, _) => {
                                let info = StoredValue::new(ViewInfo::from(&d));
                                shown_range.set(Some(d.range));
                                let d = StoredValue::new(d);
                                view! {
                                    <Controls params info on_refresh/>
                                    <InsightsPanel dashboard=d params/>
                                    <Cards dashboard=d/>
                                    <Trend dashboard=d/>
                                    <TopBlocks dashboard=d/>
                                    <BlocksTable dashboard=d params action=save_name/>
                                    <ExportLinks dashboard=d params/>
                                    <BlockNames dashboard=d action=save_name import=import_names/>
                                    <DigestPanel/>
                                    <ApiTokens/>
                                }
                                    .into_any()
                            }
                            (_, Some(Ok(page)), _) => {
                                let info = StoredValue::new(ViewInfo::from(&page));
                                shown_range.set(Some(page.range));
                                view! {
                                    <Controls params info on_refresh/>
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
            <ShortcutHelp open=help_open/>
        </main>
    }
}
