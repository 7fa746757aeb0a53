use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{ViewerGrant, ViewerRevoke};
use crate::flash::Flash;
use crate::locale::use_locale;
use use_cases::error::AppError;
use use_cases::viewers_report::{GrantShown, ViewersReport};

/// Who else may view which numbers: the grant form (a person, the custom workplaces
/// Feishu reports to tick, block ids to type) and the grants, each with its revoke
/// button. Server-rendered with plain forms (the viewers page): each post comes back
/// here with its outcome, said under the form ([`crate::flash`]).
#[component]
pub fn ViewerGrants(report: Result<ViewersReport, AppError>, flash: Option<Flash>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t().viewers;
    let said = flash.map(|f| match f.done.as_str() {
        "" => view! { <p class="error" role="alert">{f.text}</p> }.into_any(),
        "granted" => view! { <p class="saved" role="status">{move || (t().granted)(&f.text)}</p> }.into_any(),
        "revoked" => view! { <p class="saved" role="status">{move || (t().revoked)(&f.text)}</p> }.into_any(),
        _ => ().into_any(),
    });
    let (form, list) = match report {
        Err(e) => (().into_any(), view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
        Ok(report) => {
            let form = view! { <GrantForm report=report.clone()/> }.into_any();
            let list = if report.grants.is_empty() {
                view! { <p class="hint">{move || t().none}</p> }.into_any()
            } else {
                let items =
                    report.grants.iter().cloned().map(|grant| view! { <GrantItem grant report=report.clone()/> }).collect_view();
                view! { <ul class="viewer-list">{items}</ul> }.into_any()
            };
            (form, list)
        }
    };
    view! {
        <section class="panel viewers" data-testid="viewers" aria-labelledby="viewers-title">
            <h2 id="viewers-title">{move || t().page_title}</h2>
            <p class="hint">{move || t().hint}</p>
            {form}
            {said}
            <h3>{move || t().grants_title}</h3>
            {list}
        </section>
    }
}

/// The grant form: who, the custom workplaces to tick (by name in the page's language)
/// and the block ids to type.
#[component]
fn GrantForm(report: ViewersReport) -> impl IntoView {
    let words = use_locale().get_untracked();
    let v = words.t().viewers;
    let choices = report.choices(words.code());
    let workplaces = if choices.is_empty() {
        view! { <p class="hint">{v.no_workplaces}</p> }.into_any()
    } else {
        choices
            .into_iter()
            .map(|(id, name)| {
                view! {
                    <label class="check">
                        <input type="checkbox" name="custom_workplace_ids[]" value=id.to_string()/>
                        {name}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <form method="post" action=ViewerGrant::PATH class="viewer-form" data-testid="viewer-form">
            <label for="viewer-who">{v.who}</label>
            <input id="viewer-who" type="text" name="who" maxlength="254" placeholder=v.who_example autocomplete="off" required/>
            <fieldset class="viewer-workplaces">
                <legend>{v.workplaces}</legend>
                {workplaces}
            </fieldset>
            <label for="viewer-blocks">{v.blocks}</label>
            <input id="viewer-blocks" type="text" name="block_ids" placeholder=v.blocks_example autocomplete="off"/>
            <p class="hint">{v.regrant_hint}</p>
            <button type="submit">{v.grant}</button>
        </form>
    }
}

/// One grant: the person, their workplaces by name and blocks, who granted it and when,
/// and its revoke button.
#[component]
fn GrantItem(grant: GrantShown, report: ViewersReport) -> impl IntoView {
    let words = use_locale().get_untracked();
    let (t, v) = (words.t(), words.t().viewers);
    let or_none = |items: Vec<String>| if items.is_empty() { "—".to_owned() } else { items.join(", ") };
    let workplaces = or_none(grant.scope.custom_workplace_ids.iter().map(|id| report.workplace_name(id, words.code())).collect());
    let blocks = or_none(grant.scope.block_ids.iter().map(|id| id.to_string()).collect());
    view! {
        <li class="viewer-grant" data-viewer=grant.who.clone()>
            <h4>{grant.who.clone()}</h4>
            <dl>
                <dt>{v.workplaces}</dt>
                <dd>{workplaces}</dd>
                <dt>{v.block_ids}</dt>
                <dd>{blocks}</dd>
                <dt>{v.granted_by}</dt>
                <dd>{grant.granted_by}</dd>
                <dt>{v.granted_at}</dt>
                <dd>{grant.granted_at}</dd>
            </dl>
            <form method="post" action=ViewerRevoke::PATH>
                <input type="hidden" name="who" value=grant.who.clone()/>
                <button type="submit" class="secondary" aria-label=format!("{} {}", t.revoke, grant.who)>
                    {t.revoke}
                </button>
            </form>
        </li>
    }
}
