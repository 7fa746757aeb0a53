use leptos::prelude::*;

use super::names_import::ImportNames;
use super::page::reload_keeping_open;
use crate::api::SaveBlockName;
use crate::i18n::Locale;
use crate::locale::{provide_locale, use_locale};
use crate::report::Dashboard;

/// Naming blocks: Feishu reports ids only. Many at once by import (and all of them
/// exported), or one small form per block: a plain form post without JavaScript, an
/// in-page save with it. A block's workplace is free text; the custom workplaces
/// Feishu reports and the workplaces already given are offered as suggestions.
#[component]
pub fn BlockNames(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.get_untracked();
    let t = move || locale.get().t();
    let d = dashboard.get_value();
    // The workplaces Feishu reports, then those already typed.
    let mut workplaces: Vec<String> = d.reported_workplaces.clone();
    workplaces.extend(d.names.iter().filter_map(|n| n.workplace.clone()));
    workplaces.sort();
    workplaces.dedup();
    let suggestions = workplaces.into_iter().map(|w| view! { <option value=w/> }).collect_view();
    let forms = d
        .known_blocks
        .iter()
        .map(|id| {
            let current = d.name_of(id).cloned();
            let name = current.as_ref().map(|n| n.name.clone()).unwrap_or_default();
            let workplace = current.as_ref().and_then(|n| n.workplace.clone()).unwrap_or_default();
            view! {
                <li>
                    <NameForm block_id=id.to_string() name workplace field_prefix="name".to_owned() locale=lang/>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="panel names" data-testid="block-names">
            <summary>
                <h2>{move || t().names_title}</h2>
            </summary>
            <p class="hint">{move || t().names_hint}</p>
            <ImportNames locale=lang/>
            <datalist id="workplace-names">{suggestions}</datalist>
            <ul class="name-list" role="list">{forms}</ul>
        </details>
    }
}

/// The form that names one block (its name and workplace): a plain form post without
/// JavaScript, an in-page save with it, after which the page loads anew with the name
/// everywhere (a refusal is shown under the form). `field_prefix` keeps the fields' ids
/// distinct where a block has a form in two places; the workplace is suggested from the
/// page's `workplace-names` list.
#[island]
pub fn NameForm(block_id: String, name: String, workplace: String, field_prefix: String, locale: Locale) -> impl IntoView {
    provide_locale(locale);
    let locale = use_locale();
    let t = move || locale.get().t();
    let action = ServerAction::<SaveBlockName>::new();
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(())))) {
            reload_keeping_open();
        }
    });
    let error = move || {
        action.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })
    };
    let input_id = format!("{field_prefix}-{block_id}");
    let workplace_id = format!("{field_prefix}-workplace-{block_id}");
    let (form_block, field_block) = (block_id.clone(), block_id.clone());
    view! {
        <ActionForm action attr:class="name-form" attr:data-block=form_block>
            <input type="hidden" name="block_id" value=field_block/>
            <code class="block-id">{block_id}</code>
            <label for=input_id.clone() class="sr-only">{move || t().name}</label>
            <input id=input_id type="text" name="name" value=name maxlength="80" placeholder=move || t().unnamed/>
            <label for=workplace_id.clone() class="sr-only">{move || t().workplace}</label>
            <input
                id=workplace_id
                type="text"
                name="workplace"
                value=workplace
                maxlength="80"
                list="workplace-names"
                placeholder=move || t().workplace
            />
            <button type="submit" class="secondary">{move || t().save}</button>
        </ActionForm>
        {error}
    }
}
