use leptos::prelude::*;

use super::href;
use crate::api::who_am_i;
use crate::i18n::Locale;
use crate::report::Viewer;
use crate::locale::use_locale;
use crate::view::ViewParams;

/// The title bar: name, tagline and the language switch (links, so it works without
/// JavaScript and the choice lands in the URL).
#[component]
pub fn Header(params: Memo<ViewParams>) -> impl IntoView {
    let locale = use_locale();
    let viewer = Resource::new(|| (), |_| who_am_i());
    let account = move || {
        Suspend::new(async move {
            match viewer.await {
                Ok(Some(Viewer::Person { name })) => Some(view! {
                    <div class="account" data-testid="account">
                        <span>{move || (locale.get().t().signed_in_as)(&name)}</span>
                        <form method="post" action="/logout">
                            <button type="submit" class="link">{move || locale.get().t().sign_out}</button>
                        </form>
                    </div>
                }),
                _ => None,
            }
        })
    };
    view! {
        <header class="topbar">
            <div>
                <h1>{move || locale.get().t().app_name}</h1>
                <p class="tagline">{move || locale.get().t().tagline}</p>
            </div>
            <Suspense fallback=|| ()>{account}</Suspense>
            <nav class="lang-switch" aria-label=move || locale.get().t().language>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <a
                                href=move || href(params.get().with_lang(l).to_query())
                                hreflang=l.html_lang()
                                lang=l.html_lang()
                                aria-current=move || (locale.get() == l).then_some("true")
                            >
                                {l.native_name()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </header>
    }
}
