use leptos::prelude::*;

use crate::locale::use_locale;

/// The shortcuts help: a button and the list of keys (the keys themselves are
/// [`super::page::Shortcuts`]).
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
