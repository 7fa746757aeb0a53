use leptos::prelude::*;

use crate::locale::use_locale;

/// The shortcuts help: a button and the list of keys, folded (the keys themselves, and
/// the button's unfolding, are [`super::page::Shortcuts`]).
#[component]
pub fn ShortcutHelp() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="shortcuts">
            <button
                type="button"
                class="link js-only"
                aria-keyshortcuts="?"
                aria-expanded="false"
                aria-controls="shortcut-help"
            >
                {move || locale.get().t().shortcuts_title}
            </button>
            <div
                id="shortcut-help"
                class="shortcut-help hidden"
                role="dialog"
                aria-label=move || locale.get().t().shortcuts_title
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
