use leptos::prelude::*;

use crate::api::{TOKENS_PAGE, VIEWERS_PAGE, who_am_i};
use crate::digest_setup::DIGESTS_PAGE;
use crate::locale::use_locale;
use i18n::Locale;
use use_cases::identity::Viewer;

/// The title bar: name, tagline, the pages (the dashboard and its settings, for
/// admins: chat digests, API tokens, viewers), the account and the language switch
/// (links, so it works without JavaScript and the choice lands in the URL). `here` is
/// the current page's path; `lang_href` gives the address of this page in another
/// language.
#[component]
pub fn Header(here: &'static str, #[prop(into)] lang_href: Callback<Locale, String>) -> impl IntoView {
    let locale = use_locale();
    type Label = fn(&'static i18n::Messages) -> &'static str;
    let pages: [(&'static str, Label); 4] = [
        ("/", |t| t.dashboard),
        (DIGESTS_PAGE, |t| t.digest.page_title),
        (TOKENS_PAGE, |t| t.tokens_title),
        (VIEWERS_PAGE, |t| t.viewers.page_title),
    ];
    // A viewer has the dashboard and their own API tokens: the rest is an admin's.
    let (admin, person) = (crate::api::may_change(), crate::api::may_share());
    let pages = pages
        .into_iter()
        .filter(|(path, _)| admin || *path == "/" || (person && *path == TOKENS_PAGE))
        .map(|(path, label)| {
            view! { <a href=path aria-current=(path == here).then_some("page")>{move || label(locale.get().t())}</a> }
        })
        .collect_view();
    let viewer = Resource::new(|| (), |_| who_am_i());
    let account = move || {
        Suspend::new(async move {
            match viewer.await {
                Ok(Some(Viewer::Person { name, .. })) => Some(view! {
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
            <nav class="pages" aria-label=move || locale.get().t().pages>{pages}</nav>
            <Suspense fallback=|| ()>{account}</Suspense>
            <nav class="lang-switch" aria-label=move || locale.get().t().language>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <a
                                href=move || lang_href.run(l)
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
