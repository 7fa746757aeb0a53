//! The dashboard page: a range form, then the numbers for that range.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::load_block_access;
use crate::error::AppError;
use crate::format::grouped;
use crate::report::AccessReport;

/// What the URL asks for, before the server has checked it.
#[derive(Clone, Debug, PartialEq, Default)]
struct UrlChoice {
    from: Option<String>,
    to: Option<String>,
    blocks: Vec<String>,
}

/// The dashboard: works as a plain HTML form before hydration (GET to the same page)
/// and as client-side navigation after it.
#[component]
pub fn Dashboard() -> impl IntoView {
    let query = use_query_map();
    let choice = Memo::new(move |_| {
        let q = query.read();
        UrlChoice {
            from: q.get("from").filter(|s| !s.is_empty()),
            to: q.get("to").filter(|s| !s.is_empty()),
            blocks: q.get_all("block").unwrap_or_default().into_iter().filter(|s| !s.trim().is_empty()).collect(),
        }
    });
    let report = Resource::new(move || choice.get(), |c| load_block_access(c.from, c.to, c.blocks));

    view! {
        <header class="topbar">
            <h1>"Block Insights"</h1>
            <p class="tagline">"Page views and users of your Feishu workplace blocks"</p>
        </header>
        <main class="dashboard">
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let result = report.await;
                    let c = choice.get_untracked();
                    match result {
                        Ok(r) => {
                            let from = r.range.from().to_string();
                            let to = r.range.to().to_string();
                            let block = r.blocks.first().map(ToString::to_string).unwrap_or_default();
                            view! {
                                <RangeForm from to block/>
                                <ReportView report=r/>
                            }
                            .into_any()
                        }
                        Err(e) => view! {
                            <RangeForm
                                from=c.from.unwrap_or_default()
                                to=c.to.unwrap_or_default()
                                block=c.blocks.first().cloned().unwrap_or_default()
                            />
                            <ErrorNotice error=e/>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The range and block form. A GET form: its fields become the URL's query string.
#[component]
fn RangeForm(from: String, to: String, block: String) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="range-form" attr:aria-label="Date range and block">
            <label>
                "From"
                <input type="date" name="from" value=from required/>
            </label>
            <label>
                "To"
                <input type="date" name="to" value=to required/>
            </label>
            <label>
                "Block id (optional)"
                <input
                    type="text"
                    name="block"
                    value=block
                    inputmode="numeric"
                    pattern="[0-9]*"
                    placeholder="all blocks"
                    autocomplete="off"
                />
            </label>
            <button type="submit">"Show"</button>
        </Form>
    }
}

#[component]
fn ErrorNotice(error: AppError) -> impl IntoView {
    let advice = error.advice().map(str::to_owned);
    view! {
        <div class="error" role="alert">
            <p class="error-message">{error.to_string()}</p>
            {advice.map(|a| view! { <p class="error-advice">{a}</p> })}
        </div>
    }
}

#[component]
fn ReportView(report: AccessReport) -> impl IntoView {
    let simulated = report.simulated.then(|| {
        view! {
            <p class="demo-banner" role="note">
                "Demo mode: these numbers come from the built-in Feishu simulator, not from your tenant. "
                "Set FEISHU_APP_ID and FEISHU_APP_SECRET to see real data."
            </p>
        }
    });
    let today = report.today;
    let rows = report
        .rows
        .into_iter()
        .map(|r| {
            let is_today = r.date == today;
            view! {
                <tr class:incomplete=is_today>
                    <td>{r.date.to_string()}{is_today.then_some(" (today, incomplete)")}</td>
                    <td class="id">{r.block_id.to_string()}</td>
                    <td class="num">{grouped(r.pv)}</td>
                    <td class="num">{grouped(r.uv)}</td>
                </tr>
            }
        })
        .collect_view();
    let count = report.totals;
    view! {
        {simulated}
        <section class="totals" aria-label="Totals">
            <div class="card">
                <span class="card-label">"Page views"</span>
                <span class="card-value" data-testid="total-pv">{grouped(count.pv)}</span>
            </div>
            <div class="card">
                <span class="card-label">"Sum of daily users"</span>
                <span class="card-value" data-testid="total-uv">{grouped(count.uv_day_sum)}</span>
                <span class="card-hint">"Distinct users do not add up across days."</span>
            </div>
        </section>
        <table class="rows" data-testid="rows">
            <caption>{format!("Visits per day and block, {}", report.range)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Block id"</th>
                    <th scope="col" class="num">"PV"</th>
                    <th scope="col" class="num">"UV"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
