//! Which language the page speaks: the URL's `lang`, else the `lang` cookie, else the
//! browser's `Accept-Language` (Chinese for Chinese browsers). The server resolves it,
//! writes it into `<html lang>` and renders every word of the page, the islands' too:
//! an island's words are in its server-rendered children, or in what the server answers
//! it, so no catalogue reaches the browser.

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_query_map;

use i18n::Locale;

/// The page's language, reactive (it follows the URL).
#[derive(Clone, Copy)]
struct LocaleContext(Memo<Locale>);

/// The current language. Panics outside [`LocaleScope`].
pub fn use_locale() -> Memo<Locale> {
    expect_context::<LocaleContext>().0
}

/// Provides the language to everything inside, and sets `<html lang>` and the title.
#[component]
pub fn LocaleScope(children: Children) -> impl IntoView {
    let initial = initial_locale();
    let query = use_query_map();
    let from_url = Memo::new(move |_| query.read().get_str("lang").and_then(Locale::parse));
    let locale = Memo::new(move |_| from_url.get().unwrap_or(initial));
    provide_context(LocaleContext(locale));
    remember_choice(from_url);
    // leptos_meta reads the title once the body is rendered; under load the server has
    // been seen to do so after the page's reactive owner was disposed (a panic, a 500).
    // The language as first resolved stands in then.
    let first = locale.get_untracked();
    let current = move || locale.try_get().unwrap_or(first);
    view! {
        <Html {..} lang=move || current().html_lang()/>
        <Title text=move || current().t().app_name/>
        {children()}
    }
}

/// The language before the URL is considered.
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        let Some(parts) = use_context::<http::request::Parts>() else { return Locale::default() };
        let cookie = crate::cookies::request_cookie(&parts.headers, "lang").and_then(|l| Locale::parse(&l));
        cookie
            .unwrap_or_else(|| Locale::negotiate(parts.headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// Keeps a language chosen in the URL for later visits, in a cookie (set by the server's
/// answer).
fn remember_choice(from_url: Memo<Option<Locale>>) {
    const MAX_AGE: &str = "; Path=/; Max-Age=31536000; SameSite=Lax";
    #[cfg(feature = "ssr")]
    if let (Some(locale), Some(response)) = (from_url.get_untracked(), use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&format!("lang={}{MAX_AGE}", locale.code()))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (from_url, MAX_AGE);
}
