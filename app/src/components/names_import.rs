//! Names in bulk: paste a table or choose a CSV file, preview what would change (every
//! refused line with its number and what to fix), then apply all of it; and the export
//! of every name.
//!
//! The form is rendered on the server; its [`ImportNames`] island sends the table to
//! the page's import route ([`crate::api::NAMES_IMPORT_PATH`]), which plans it (and, asked to,
//! saves it) by the rules of the API's import and answers the plan as HTML in the page's
//! language ([`import_answer_html`]). The island puts that on the page as it is: no
//! plan type, no codec and no wording of the plan reach the browser's WASM.

#[cfg(feature = "ssr")]
use domain::{BlockLabel, LabelChange, Refusal, RefusedLine};
use leptos::prelude::*;

use crate::flash::PageFlash;
use crate::locale::use_locale;
#[cfg(feature = "ssr")]
use i18n::Messages;
#[cfg(feature = "ssr")]
use use_cases::error::AppError;
#[cfg(feature = "ssr")]
use use_cases::report::NamesImport;

/// The import form's id (its anchor), and what the flash of its post is about.
pub const IMPORT_FORM: &str = "names-import";

/// The import's form, in its island: with script, the plan shows on the page; without
/// it (or before the page is interactive), the form posts to the import route, whose
/// page shows the plan and applies it. Once saved, the page loads anew with the names
/// everywhere and says how many were saved.
#[component]
pub fn NamesImportForm() -> impl IntoView {
    let locale = use_locale();
    let lang = locale.get_untracked();
    let i = move || locale.get().t().import;
    let route = format!("{}?lang={}", crate::api::NAMES_IMPORT_PATH, lang.code());
    // What the import form's post saved, when the page comes back from it.
    let saved = PageFlash::of(IMPORT_FORM).filter(|f| !f.failed()).map(|f| f.text);
    view! {
        <section class="names-import" id=IMPORT_FORM aria-labelledby="names-import-heading" data-testid="names-import">
            <h3 id="names-import-heading">{move || i().title}</h3>
            <p class="hint">{move || i().hint}</p>
            <ImportNames>
                <form class="import-form" method="post" action=route enctype="multipart/form-data">
                    <label for="names-import-text">{move || i().paste_label}</label>
                    <textarea id="names-import-text" name="text" rows="6" spellcheck="false" data-testid="import-text"></textarea>
                    <label for="names-import-file">{move || i().file_label}</label>
                    <input
                        id="names-import-file"
                        type="file"
                        name="file"
                        accept=".csv,.tsv,.txt,text/csv,text/plain"
                        data-testid="import-file"
                    />
                    <div class="import-actions">
                        <button type="submit" name="save" value="0" data-testid="import-preview">
                            {move || i().preview}
                        </button>
                        // Without script, Apply is on the plan's page, after the preview.
                        <button type="submit" name="save" value="1" class="js-only" data-testid="import-apply" disabled>
                            {move || i().apply}
                        </button>
                        <a href="/api/v1/block-names.csv" download="block-names.csv" data-testid="export-names">
                            {move || i().export_csv}
                        </a>
                        <a href="/api/v1/block-names.xlsx" download="block-names.xlsx" data-testid="export-names-xlsx">
                            {move || i().export_xlsx}
                        </a>
                    </div>
                </form>
                <p class="import-status" class:hidden=saved.is_none() role="status" data-testid="import-saved">
                    {saved.clone()}
                </p>
                <p class="loading hidden" role="status" data-part="checking">{move || i().checking}</p>
                <p class="hint hidden" data-part="stale">{move || i().text_changed}</p>
                <p class="error hidden" role="alert" data-part="unreachable">{move || i().unreachable}</p>
                <div data-part="answer"></div>
            </ImportNames>
        </section>
    }
}

/// The import form's behaviour (`children`: the form and its messages, rendered by
/// [`NamesImportForm`]). Preview sends the table and shows the plan the server answers;
/// Apply is offered for a plan that changes something and refuses nothing, made from
/// the text in the box now, and saves exactly that text. A chosen file's text goes into
/// the box.
#[island]
pub fn ImportNames(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let planned = StoredValue::new(None::<String>);
        Effect::new(move |_| browser::install(planned));
    }
    children()
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

    use crate::browser::{fetch_text, find};
    use crate::components::page::reload_keeping_open;

    fn element<T: JsCast>(selector: &str) -> Option<T> {
        find(&format!(".names-import {selector}"))?.dyn_into::<T>().ok()
    }

    fn show(part: &str, shown: bool) {
        if let Some(el) = element::<HtmlElement>(&format!("[data-part={part}]")) {
            let _ = el.class_list().toggle_with_force("hidden", !shown);
        }
    }

    fn button(testid: &str) -> Option<HtmlButtonElement> {
        element(&format!("[data-testid={testid}]"))
    }

    fn text() -> String {
        element::<HtmlTextAreaElement>("textarea").map(|t| t.value()).unwrap_or_default()
    }

    /// Sets the buttons and the stale note for the text in the box and the plan shown.
    fn refresh(planned: StoredValue<Option<String>>, busy: bool) {
        let text = text();
        let answer = element::<HtmlElement>("[data-part=answer]");
        let plan = answer.as_ref().and_then(|a| a.query_selector(".import-plan").ok().flatten());
        let is_planned = planned.with_value(|p| p.as_deref() == Some(text.as_str()));
        let applicable = plan.as_ref().is_some_and(|p| p.get_attribute("data-applicable").as_deref() == Some("true"));
        if let Some(preview) = button("import-preview") {
            preview.set_disabled(busy || text.trim().is_empty());
        }
        if let Some(apply) = button("import-apply") {
            apply.set_disabled(busy || !(applicable && is_planned));
        }
        let unsaved_plan = plan.is_some_and(|p| p.get_attribute("data-saved").as_deref() != Some("true"));
        show("stale", unsaved_plan && !is_planned && !busy);
    }

    /// Sends `text` to the import route (to save it, with `save`) and shows the answer.
    fn send(planned: StoredValue<Option<String>>, text: String, save: bool) {
        let Some(route) = element::<HtmlElement>("form").and_then(|f| f.get_attribute("action")) else { return };
        show("checking", true);
        show("unreachable", false);
        refresh(planned, true);
        leptos::task::spawn_local(async move {
            let url = format!("{route}&save={}", if save { 1 } else { 0 });
            let answer = fetch_text(&url, Some(("text/plain; charset=utf-8", text)), 120_000).await;
            show("checking", false);
            let holder = element::<HtmlElement>("[data-part=answer]");
            match (answer, holder) {
                (Ok((200 | 422 | 500, html)), Some(holder)) => {
                    holder.set_inner_html(&html);
                    // Saved: the page loads anew with the names everywhere, and says what
                    // was saved (the answer's flash cookie).
                    if holder.query_selector(".import-plan[data-saved=true]").ok().flatten().is_some() {
                        reload_keeping_open();
                        return;
                    }
                }
                _ => show("unreachable", true),
            }
            refresh(planned, false);
        });
    }

    pub(super) fn install(planned: StoredValue<Option<String>>) {
        if let Some(area) = element::<HtmlTextAreaElement>("textarea") {
            let _ = area.add_event_listener_with_callback("input", &closure(move |_| refresh(planned, false)));
        }
        if let Some(file) = element::<HtmlInputElement>("input[type=file]") {
            let chosen = file.clone();
            let on_change = closure(move |_| read_file(&chosen, planned));
            let _ = file.add_event_listener_with_callback("change", &on_change);
        }
        // The buttons post the form without script; with it, the plan comes into the page.
        if let Some(preview) = button("import-preview") {
            let on_click = closure(move |ev| {
                ev.prevent_default();
                let text = text();
                planned.set_value(Some(text.clone()));
                send(planned, text, false);
            });
            let _ = preview.add_event_listener_with_callback("click", &on_click);
        }
        if let Some(apply) = button("import-apply") {
            let on_click = closure(move |ev| {
                ev.prevent_default();
                if let Some(text) = planned.get_value() {
                    send(planned, text, true);
                }
            });
            let _ = apply.add_event_listener_with_callback("click", &on_click);
        }
        refresh(planned, false);
    }

    /// A listener for `add_event_listener_with_callback`, kept for the page's life (the
    /// form is never taken off the page).
    fn closure(f: impl FnMut(web_sys::Event) + 'static) -> js_sys::Function {
        let closure = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(f);
        let function = closure.as_ref().unchecked_ref::<js_sys::Function>().clone();
        closure.forget();
        function
    }

    /// Puts the text of the file chosen in `input` into the box.
    fn read_file(input: &HtmlInputElement, planned: StoredValue<Option<String>>) {
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.map(|content| content.as_string()) {
                Ok(Some(content)) => {
                    if let Some(area) = element::<HtmlTextAreaElement>("textarea") {
                        area.set_value(&content);
                    }
                    refresh(planned, false);
                }
                _ => leptos::logging::warn!("the chosen file could not be read as text"),
            }
        });
    }
}

/// What the dashboard says once an import is saved, carried by the flash cookie to the
/// page that loads next (after the island's reload, or the form's redirect); `None` for
/// an import not saved.
#[cfg(feature = "ssr")]
pub fn import_saved_flash(answer: &NamesImport, locale: i18n::Locale) -> Option<crate::flash::Flash> {
    answer.saved.then(|| crate::flash::Flash {
        about: IMPORT_FORM.to_owned(),
        done: "imported".to_owned(),
        text: (locale.t().import.saved)(answer.plan.counts().changes()),
        code: None,
    })
}

/// The import route's answer: the plan of `answer` (or why the whole import was
/// refused) as HTML in `locale`'s words, for the import form to show.
#[cfg(feature = "ssr")]
pub fn import_answer_html(answer: &Result<NamesImport, AppError>, locale: i18n::Locale) -> String {
    let t = locale.t();
    let owner = Owner::new();
    owner.with(|| match answer {
        Ok(answer) => plan_view(answer, t).to_html(),
        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.to_html(),
    })
}

#[cfg(feature = "ssr")]
/// The plan: what the import does or did, then each list of blocks, refused lines first.
fn plan_view(answer: &NamesImport, t: &'static Messages) -> AnyView {
    let i = t.import;
    let plan = &answer.plan;
    let counts = plan.counts();
    let changes = counts.changes();
    let status = if answer.saved {
        (i.saved)(changes)
    } else if counts.refused > 0 {
        (i.refused_title)(counts.refused)
    } else if changes == 0 {
        i.nothing_to_change.to_owned()
    } else {
        i.ready.to_owned()
    };
    let label_head =
        move || view! { <th scope="col">{t.block_id}</th><th scope="col">{t.name}</th><th scope="col">{t.workplace}</th> };
    let change_head =
        move || view! { <th scope="col">{t.block_id}</th><th scope="col">{i.before}</th><th scope="col">{i.after}</th> };
    let refused_head = view! { <th scope="col">{i.line}</th><th scope="col">{i.line_text}</th><th scope="col">{i.reason}</th> };
    view! {
        <div
            class="import-plan"
            data-testid="import-plan"
            data-saved=answer.saved.to_string()
            data-applicable=answer.can_apply().to_string()
        >
            <p class="import-status" role="status">{status}</p>
            <p class="import-counts" data-testid="import-counts">{(i.counts)(&counts)}</p>
            {list(i.refused, "import-refused", true, refused_head, plan.refused.iter().map(|r| refused_row(r, t)).collect_view())}
            {list(i.added, "import-added", true, label_head(), plan.added.iter().map(|l| label_row(l, t)).collect_view())}
            {list(i.renamed, "import-renamed", true, change_head(), plan.renamed.iter().map(|c| change_row(c, t)).collect_view())}
            {list(i.moved, "import-moved", true, change_head(), plan.moved.iter().map(|c| change_row(c, t)).collect_view())}
            {list(i.unchanged, "import-unchanged", false, label_head(), plan.unchanged.iter().map(|l| label_row(l, t)).collect_view())}
        </div>
    }
    .into_any()
}

/// One list of the plan under its heading and count; nothing when it is empty.
#[cfg(feature = "ssr")]
fn list(heading: &'static str, testid: &'static str, open: bool, head: impl IntoView, rows: Vec<AnyView>) -> Option<AnyView> {
    let count = rows.len();
    (count > 0).then(|| {
        view! {
            <details class="import-list" open=open data-testid=testid>
                <summary>{format!("{heading} ({count})")}</summary>
                <table>
                    <thead>
                        <tr>{head}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        }
        .into_any()
    })
}

#[cfg(feature = "ssr")]
fn refused_row(refused: &RefusedLine<Refusal>, t: &'static Messages) -> AnyView {
    view! {
        <tr>
            <td class="num">{refused.line}</td>
            <td><code>{refused.text.clone()}</code></td>
            <td>{(t.import.refusal)(&refused.reason)}</td>
        </tr>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
fn label_row(label: &BlockLabel, t: &'static Messages) -> AnyView {
    view! {
        <tr>
            <td><code>{label.block_id.to_string()}</code></td>
            <td>{label.name.clone()}</td>
            <td>{workplace(label, t)}</td>
        </tr>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
fn change_row(change: &LabelChange, t: &'static Messages) -> AnyView {
    let shown = |label: &BlockLabel| format!("{} · {}", label.name, workplace(label, t));
    view! {
        <tr>
            <td><code>{change.after.block_id.to_string()}</code></td>
            <td>{shown(&change.before)}</td>
            <td>{shown(&change.after)}</td>
        </tr>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
fn workplace(label: &BlockLabel, t: &'static Messages) -> String {
    label.workplace.clone().unwrap_or_else(|| t.import.no_workplace.to_owned())
}
