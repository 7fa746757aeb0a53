//! Block Insights' user interface: the HTML shell, the routes, the pages and the server
//! functions they call. Everything under `#[cfg(feature = "ssr")]` stays on the server;
//! the browser bundle gets the components and the serialisable report types only.

pub mod api;
pub mod error;
mod format;
mod pages;
pub mod report;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    SsrMode, StaticSegment,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
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

/// The root component: stylesheet, title and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run in the browser only: this marks the moment the page became interactive,
    // which end-to-end tests wait for (a click before hydration would be lost).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/block-insights.css"/>
        <Title text="Block Insights"/>
        <Router>
            <Routes fallback=|| view! { <p class="notice">"Page not found."</p> }>
                // Async: the first paint carries the numbers, so reading works without
                // JavaScript (a plain form submit re-renders the page on the server).
                <Route path=StaticSegment("") view=pages::Dashboard ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
