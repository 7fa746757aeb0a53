#![recursion_limit = "512"]
//! Block Insights' user interface: the HTML shell, the routes, the pages and the server
//! functions they call. Everything under `#[cfg(feature = "ssr")]` stays on the server;
//! the browser bundle gets the components and the serialisable report types only.

pub mod api;
pub mod chart_specs;
mod components;
#[cfg(feature = "ssr")]
pub mod digest;
pub mod digest_setup;
pub mod error;
pub mod i18n;
pub mod insights_report;
mod locale;
mod pages;
pub mod report;
#[cfg(feature = "ssr")]
pub mod state;
pub mod view;
pub mod workplace_report;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    SsrMode, StaticSegment,
};

pub use locale::{use_locale, LocaleScope};

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
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's address: `/pkg/<name>.css`, or `/pkg/<name>.<hash>.css` when the
/// build hashes its files (cargo-leptos writes the hashes into `hash.txt` beside the
/// server binary, as leptos' `HashedStylesheet` reads them; read once here, since the
/// file does not change while the server runs). In the head of the shell, which only
/// the server renders, so nothing has to match it when the page hydrates.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let name = options.output_name.to_string();
        let hash = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                let text = std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()?;
                text.lines().find_map(|l| l.trim().strip_prefix("css:").map(|h| h.trim().to_owned()))
            })
            .flatten();
        match hash {
            Some(hash) => format!("/{}/{name}.{hash}.css", options.site_pkg_dir),
            None => format!("/{}/{name}.css", options.site_pkg_dir),
        }
    })
    .clone()
}

/// The root component: language and routes (the stylesheet is in the shell's head).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    // Effects run in the browser only: this marks the moment the page became interactive,
    // which end-to-end tests wait for (a click before hydration would be lost).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Router>
            <LocaleScope>
                <Routes fallback=|| view! { <p class="notice">"404"</p> }>
                    // Async: the first paint carries the numbers, so reading works without
                    // JavaScript (plain forms and links re-render the page on the server).
                    <Route path=StaticSegment("") view=pages::Dashboard ssr=SsrMode::Async/>
                </Routes>
            </LocaleScope>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only from here or with this response's
/// nonce (Leptos puts it on its hydration scripts), WASM allowed to compile, and
/// `frame-ancestors` from the configuration so the intranet portal may embed the page.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(nonce), Some(response), Some(state)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
        use_context::<state::AppState>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {}",
        state.view.frame_ancestors
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
