use domain::{BlockLabel, LabelChange, RefusedLine};
use leptos::prelude::*;

use super::page::{reload_keeping_open, stash, take_stashed};
use crate::api::ImportBlockNames;
use crate::i18n::{Locale, Messages};
use crate::locale::{provide_locale, use_locale};

/// Where the outcome of a saved import waits for the page to come back.
const SAVED_KEY: &str = "bi_names_saved";
use crate::report::NamesImport;

/// The import's text, the plan shown and the last answer.
#[derive(Clone, Copy)]
struct NamesImportState {
    /// The table pasted or read from a file.
    text: RwSignal<String>,
    /// The text the plan shown was made from: Apply saves exactly that text, and only
    /// while the box still holds it.
    planned: RwSignal<Option<String>>,
    action: ServerAction<ImportBlockNames>,
}

impl NamesImportState {
    fn new() -> Self {
        Self { text: RwSignal::new(String::new()), planned: RwSignal::new(None), action: ServerAction::new() }
    }

    fn preview(&self) {
        let text = self.text.get_untracked();
        self.planned.set(Some(text.clone()));
        self.action.dispatch(ImportBlockNames { text, save: false });
    }

    fn apply(&self) {
        if let Some(text) = self.planned.get_untracked() {
            self.action.dispatch(ImportBlockNames { text, save: true });
        }
    }

    /// Whether the box still holds the text of the plan shown.
    fn text_is_planned(&self) -> bool {
        self.planned.with(|planned| self.text.with(|text| planned.as_deref() == Some(text.as_str())))
    }

    /// Apply is offered for a plan that changes something and refuses nothing, made
    /// from the text in the box now, and not saved yet.
    fn can_apply(&self) -> bool {
        let ready = self.action.value().with(|answer| match answer {
            Some(Ok(answer)) => {
                let counts = answer.plan.counts();
                !answer.saved && counts.refused == 0 && counts.added + counts.renamed + counts.moved > 0
            }
            _ => false,
        });
        ready && self.text_is_planned() && !self.action.pending().get()
    }
}

/// Names in bulk: paste a table or choose a CSV file, preview what would change
/// (every refused line with its number and what to fix), then apply all of it; and the
/// export of every name. Needs the page's script (the buttons are not a form post).
/// Once saved, the page loads anew with the names everywhere and says what was saved.
#[island]
pub fn ImportNames(locale: Locale) -> impl IntoView {
    provide_locale(locale);
    let locale = use_locale();
    let i = move || locale.get().t().import;
    let state = NamesImportState::new();
    let saved = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        match state.action.value().get() {
            Some(Ok(answer)) if answer.saved => {
                let counts = answer.plan.counts();
                stash(SAVED_KEY, &(i().saved)(counts.added + counts.renamed + counts.moved));
                reload_keeping_open();
            }
            // What the import before the reload saved.
            None => saved.set(take_stashed(SAVED_KEY)),
            Some(_) => saved.set(None),
        }
    });
    let saved = move || saved.get().map(|s| view! { <p class="import-status" role="status" data-testid="import-saved">{s}</p> });
    let answer = move || {
        let t = locale.get().t();
        state.action.value().get().map(|answer| match answer {
            Ok(answer) => plan_view(&answer, t),
            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let stale = move || {
        let shown = state.action.value().with(|v| v.as_ref().is_some_and(|a| a.as_ref().is_ok_and(|a| !a.saved)));
        (shown && !state.text_is_planned()).then(|| view! { <p class="hint">{i().text_changed}</p> })
    };
    let checking = move || state.action.pending().get().then(|| view! { <p class="loading" role="status">{i().checking}</p> });
    view! {
        <section class="names-import" aria-labelledby="names-import-heading" data-testid="names-import">
            <h3 id="names-import-heading">{move || i().title}</h3>
            <p class="hint">{move || i().hint}</p>
            <label for="names-import-text">{move || i().paste_label}</label>
            <textarea
                id="names-import-text"
                name="text"
                rows="6"
                spellcheck="false"
                data-testid="import-text"
                prop:value=move || state.text.get()
                on:input=move |ev| state.text.set(event_target_value(&ev))
            ></textarea>
            <label for="names-import-file">{move || i().file_label}</label>
            <input
                id="names-import-file"
                type="file"
                accept=".csv,.tsv,.txt,text/csv,text/plain"
                data-testid="import-file"
                on:change=move |ev| read_file(&ev, state.text)
            />
            <div class="import-actions">
                <button
                    type="button"
                    data-testid="import-preview"
                    disabled=move || state.text.with(|t| t.trim().is_empty()) || state.action.pending().get()
                    on:click=move |_| state.preview()
                >
                    {move || i().preview}
                </button>
                <button type="button" data-testid="import-apply" disabled=move || !state.can_apply() on:click=move |_| state.apply()>
                    {move || i().apply}
                </button>
                <a href="/api/v1/block-names.csv" download="block-names.csv" data-testid="export-names">{move || i().export_csv}</a>
                <a href="/api/v1/block-names.xlsx" download="block-names.xlsx" data-testid="export-names-xlsx">{move || i().export_xlsx}</a>
            </div>
            {saved}
            {checking}
            {stale}
            {answer}
        </section>
    }
}

/// Puts the text of the file chosen in `ev`'s input into `text`.
fn read_file(ev: &leptos::ev::Event, text: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let input = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input.and_then(|input| input.files()).and_then(|files| files.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.map(|content| content.as_string()) {
                Ok(Some(content)) => text.set(content),
                _ => leptos::logging::warn!("the chosen file could not be read as text"),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, text);
}

/// The plan: what the import does or did, then each list of blocks, refused lines first.
fn plan_view(answer: &NamesImport, t: &'static Messages) -> AnyView {
    let i = t.import;
    let plan = &answer.plan;
    let counts = plan.counts();
    let changes = counts.added + counts.renamed + counts.moved;
    let status = if answer.saved {
        (i.saved)(changes)
    } else if counts.refused > 0 {
        (i.refused_title)(counts.refused)
    } else if changes == 0 {
        i.nothing_to_change.to_owned()
    } else {
        i.ready.to_owned()
    };
    let label_head = move || view! { <th scope="col">{t.block_id}</th><th scope="col">{t.name}</th><th scope="col">{t.workplace}</th> };
    let change_head = move || view! { <th scope="col">{t.block_id}</th><th scope="col">{i.before}</th><th scope="col">{i.after}</th> };
    let refused_head = view! { <th scope="col">{i.line}</th><th scope="col">{i.line_text}</th><th scope="col">{i.reason}</th> };
    view! {
        <div class="import-plan" data-testid="import-plan">
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

fn refused_row(refused: &RefusedLine, t: &'static Messages) -> AnyView {
    view! {
        <tr>
            <td class="num">{refused.line}</td>
            <td><code>{refused.text.clone()}</code></td>
            <td>{(t.import.refusal)(&refused.reason)}</td>
        </tr>
    }
    .into_any()
}

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

fn workplace(label: &BlockLabel, t: &'static Messages) -> String {
    label.workplace.clone().unwrap_or_else(|| t.import.no_workplace.to_owned())
}
