use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::href;
use crate::locale::use_locale;
use crate::view::{next_period, previous_period, Preset, ViewParams};
use domain::DateRange;

/// Installs the keyboard shortcuts (after hydration) for as long as the page lives:
/// presets, previous/next period of `range`, custom dates, block search, and `?` for
/// the help. Keys typed into a field are left alone.
pub fn install_shortcuts(params: Memo<ViewParams>, range: RwSignal<Option<DateRange>>, help_open: RwSignal<bool>) {
    let navigate = use_navigate();
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"))
            .unwrap_or(false);
        if typing {
            if e.key() == "Escape" {
                help_open.set(false);
            }
            return;
        }
        let p = params.get_untracked();
        let go = |query: String| navigate(&href(query), Default::default());
        let key = e.key();
        let current = range.get_untracked();
        if let Some(preset) = Preset::ALL.into_iter().find(|x| key.eq_ignore_ascii_case(&x.shortcut().to_string())) {
            go(p.with_preset(preset).to_query());
        } else {
            match (key.as_str(), current) {
                ("ArrowLeft", Some(r)) => go(p.with_range(previous_period(r)).to_query()),
                ("ArrowRight", Some(r)) => go(p.with_range(next_period(r)).to_query()),
                ("c" | "C", _) => focus("range-from"),
                ("/", _) => {
                    open_filter();
                    focus("block-search");
                }
                ("?", _) => help_open.update(|o| *o = !*o),
                ("Escape", _) => help_open.set(false),
                _ => return,
            }
        }
        e.prevent_default();
    });
    on_cleanup(move || handle.remove());
}

/// The shortcuts help: a button and the list of keys.
#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="shortcuts">
            <button
                type="button"
                class="link js-only"
                aria-keyshortcuts="?"
                aria-expanded=move || open.get().to_string()
                aria-controls="shortcut-help"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || locale.get().t().shortcuts_title}
            </button>
            <div
                id="shortcut-help"
                class="shortcut-help"
                role="dialog"
                aria-label=move || locale.get().t().shortcuts_title
                class:hidden=move || !open.get()
            >
                <dl>
                    {move || {
                        locale
                            .get()
                            .t()
                            .shortcuts_help
                            .iter()
                            .map(|(k, what)| view! { <dt><kbd>{*k}</kbd></dt><dd>{*what}</dd> })
                            .collect_view()
                    }}
                </dl>
            </div>
        </div>
    }
}

fn focus(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

fn open_filter() {
    if let Ok(Some(el)) = document().query_selector("details.block-filter") {
        let _ = el.set_attribute("open", "");
    }
}
