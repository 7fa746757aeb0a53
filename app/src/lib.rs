#![recursion_limit = "512"]
//! Block Insights' user interface: the HTML shell, the routes, the pages and the server
//! functions they call. Everything under `#[cfg(feature = "ssr")]` stays on the server;
//! the browser bundle gets the islands (`#[island]`: the parts of the page that run in
//! the browser), what they call and the serialisable types they take.

pub mod api;
#[cfg(feature = "hydrate")]
mod browser;
mod components;
#[cfg(feature = "ssr")]
mod cookies;
pub mod digest_setup;
#[cfg(feature = "ssr")]
pub mod feeds;
pub mod flash;
mod locale;
mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

#[cfg(feature = "ssr")]
pub use cookies::request_cookie;
pub use locale::{LocaleScope, use_locale};

/// The HTML document around the app, rendered on the server only. `<html lang>` is set
/// by [`LocaleScope`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" id="leptos" href=stylesheet_href(&options)/>
                <AutoReload options=options.clone()/>
                {page_has_islands().then(|| view! { <HydrationScripts options islands=true/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Whether the page asked for has islands and so needs the WASM: the dashboard. The
/// settings pages and the 404 are HTML with plain forms and links, and load no script.
fn page_has_islands() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_none_or(|parts| parts.uri.path() == "/")
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// The content hashes of the build's assets, `(kind, hash)` as cargo-leptos writes them
/// into `hash.txt` beside the server binary (`js: …`, `wasm: …`, `css: …`, as leptos'
/// `HashedStylesheet` reads them); empty when the build does not hash its files or the
/// file cannot be read. The server's cache headers and the stylesheet link read them here.
pub fn asset_hashes(options: &LeptosOptions) -> Vec<(String, String)> {
    if !options.hash_files {
        return Vec::new();
    }
    let read = || {
        let exe = std::env::current_exe().ok()?;
        std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
    };
    read()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .filter(|(_, hash)| !hash.is_empty())
        .collect()
}

/// The stylesheet's address: `/pkg/<name>.css`, or `/pkg/<name>.<hash>.css` when the
/// build hashes its files ([`asset_hashes`]; read once, since the file does not change
/// while the server runs). In the head of the shell, which only the server renders, so
/// nothing has to match it when the page hydrates.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let name = options.output_name.to_string();
        match asset_hashes(options).into_iter().find(|(kind, _)| kind == "css") {
            Some((_, hash)) => format!("/{}/{name}.{hash}.css", options.site_pkg_dir),
            None => format!("/{}/{name}.css", options.site_pkg_dir),
        }
    })
    .clone()
}

/// The root component: language and routes (the stylesheet is in the shell's head),
/// rendered on the server only; the dashboard's islands are hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    view! {
        <Router>
            <LocaleScope>
                <Routes fallback=|| view! { <p class="notice">"404"</p> }>
                    // Async: the first paint carries the numbers, so reading works without
                    // JavaScript (plain forms and links re-render the page on the server).
                    <Route path=StaticSegment("") view=pages::Dashboard ssr=SsrMode::Async/>
                    <Route path=StaticSegment("digests") view=pages::DigestsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("tokens") view=pages::TokensPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("viewers") view=pages::ViewersPage ssr=SsrMode::Async/>
                </Routes>
            </LocaleScope>
        </Router>
    }
}

/// The page's Content-Security-Policy ([`use_cases::security_policy`]), with this
/// response's nonce, which Leptos puts on its hydration scripts.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(nonce), Some(response), Some(state)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>(), use_context::<use_cases::state::AppState>())
    else {
        return;
    };
    let policy = use_cases::security_policy::ContentSecurityPolicy::page(&nonce.to_string(), &state.view.frame_ancestors);
    if let Ok(value) = policy.header_value() {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
