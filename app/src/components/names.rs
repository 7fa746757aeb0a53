use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::names_import::NamesImportForm;
use crate::api::SaveBlockName;
use crate::flash::PageFlash;
use crate::locale::use_locale;
use use_cases::report::Dashboard;

/// Naming blocks: Feishu reports ids only. Many at once by import (and all of them
/// exported), or one small plain form per block. A block's workplace is free text; the
/// custom workplaces Feishu reports and the workplaces already given are offered as
/// suggestions. Open when the page comes back from one of its forms' posts.
#[component]
pub fn BlockNames(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let d = dashboard.get_value();
    let open = use_context::<PageFlash>()
        .and_then(|f| f.0)
        .is_some_and(|f| f.about.starts_with("name-form-") || f.about == super::names_import::IMPORT_FORM);
    // The workplaces Feishu reports, then those already typed.
    let mut workplaces: Vec<String> = d.reported_workplaces.clone();
    workplaces.extend(d.names.iter().filter_map(|n| n.workplace.clone()));
    workplaces.sort();
    workplaces.dedup();
    let suggestions = workplaces.into_iter().map(|w| view! { <option value=w/> }).collect_view();
    // The forms of the named blocks on the table's page (an unnamed one has its form in
    // its row): a bounded list, whatever the tenant's size; the table's search and pages
    // reach every other block.
    let named: Vec<&domain::BlockId> = d.table.rows.iter().map(|b| &b.block_id).filter(|id| d.name_of(id).is_some()).collect();
    let shown = named.len();
    let of = i18n::grouped(d.table.blocks as u64);
    let forms = named
        .into_iter()
        .map(|id| {
            let current = d.name_of(id).cloned();
            let name = current.as_ref().map(|n| n.name.clone()).unwrap_or_default();
            let workplace = current.as_ref().and_then(|n| n.workplace.clone()).unwrap_or_default();
            view! {
                <li>
                    <NameForm block_id=id.to_string() name workplace field_prefix="name"/>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="panel names" data-testid="block-names" open=open>
            <summary>
                <h2>{move || t().names_title}</h2>
            </summary>
            <p class="hint">{move || t().names_hint}</p>
            <NamesImportForm/>
            <p class="hint" data-testid="names-on-page">{move || (t().lists.names_on_page)(shown, &of)}</p>
            <datalist id="workplace-names">{suggestions}</datalist>
            <ul class="name-list" role="list">{forms}</ul>
        </details>
    }
}

/// The form that names one block (its name and workplace): a plain form post, after
/// which the page comes back at the form with the name everywhere and says so, or with
/// the refusal under the form. `field_prefix` keeps the ids distinct where a block has a
/// form in two places; the workplace is suggested from the page's `workplace-names` list.
#[component]
pub fn NameForm(block_id: String, name: String, workplace: String, field_prefix: &'static str) -> impl IntoView {
    let locale = use_locale();
    // Rendered on the server once: the words of the page's language, without a closure
    // (and its markers) per form.
    let t = move || locale.get_untracked().t();
    let form_id = format!("{field_prefix}-form-{block_id}");
    let outcome = PageFlash::of(&form_id).map(|f| {
        if f.failed() {
            view! { <p class="error" role="alert">{f.text}</p> }.into_any()
        } else {
            view! { <p class="import-status" role="status">{move || t().saved}</p> }.into_any()
        }
    });
    let (form_field, block_field, block_attr) = (form_id.clone(), block_id.clone(), block_id.clone());
    // In a table row the id is beside the form already; the names panel lists it.
    let shown_id = (field_prefix != "inline-name").then(|| view! { <code class="block-id">{block_id}</code> });
    view! {
        <form method="post" action=SaveBlockName::PATH class="name-form" id=form_id data-block=block_attr>
            <input type="hidden" name="block_id" value=block_field/>
            <input type="hidden" name="form" value=form_field/>
            {shown_id}
            // Labels around their fields: no id to pair them, for a form on every row.
            <label>
                <span class="sr-only">{t().name}</span>
                <input type="text" name="name" value=name maxlength="80" placeholder=t().unnamed/>
            </label>
            <label>
                <span class="sr-only">{t().workplace}</span>
                <input type="text" name="workplace" value=workplace maxlength="80" list="workplace-names" placeholder=t().workplace/>
            </label>
            <button type="submit" class="secondary">{t().save}</button>
        </form>
        {outcome}
    }
}
