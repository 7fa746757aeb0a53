//! The page's behaviour in the browser. The dashboard is server-rendered HTML: a link,
//! a GET form or a keyboard shortcut loads the next page from the server, which answers
//! with the numbers already in it. Only what must run in the browser ships as WASM, as
//! islands: the progress of the load under way ([`Progress`]), the keyboard shortcuts
//! ([`Shortcuts`]) and the mark that the page is interactive ([`Hydrated`]).
//!
//! The progress handshake: when a navigation to the dashboard starts, [`Progress`]
//! names it with a random ticket in a short-lived cookie and, while the browser waits,
//! polls the server for the ticket's progress on the page still on screen (its numbers
//! marked stale). The server renders the next page under that ticket and clears the
//! cookie in its answer ([`take_cookie`]). A Refresh is the same with a second cookie,
//! which asks the next render to fetch the recent days anew.

use leptos::prelude::*;

use super::feedback::ProgressBar;
use super::shortcuts::ShortcutHelp;
use crate::i18n::Locale;
use crate::locale::provide_locale;

/// The cookie that names the next page load's fetch (a random `u64`).
pub(crate) const TICKET_COOKIE: &str = "bi_ticket";
/// The cookie that asks the next page load to fetch the recent days anew.
pub(crate) const REFRESH_COOKIE: &str = "bi_refresh";

/// The value of cookie `name` in the request's `Cookie` headers.
#[cfg(feature = "ssr")]
pub(crate) fn request_cookie(parts: &http::request::Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Reads a handshake cookie of this request and clears it in the answer, so that a
/// later reload does not act on it again. `None` outside a page request.
#[cfg(feature = "ssr")]
pub(crate) fn take_cookie(name: &str) -> Option<String> {
    let value = request_cookie(&use_context::<http::request::Parts>()?, name)?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(clear) = http::HeaderValue::from_str(&format!("{name}=; Path=/; Max-Age=0; SameSite=Lax")) {
            response.append_header(http::header::SET_COOKIE, clear);
        }
    }
    Some(value)
}

/// The progress bar of the page load under way, and what starts one: a click on a link
/// to the dashboard (presets, periods, tabs, sorting, the language, a row of the blocks
/// table), a GET form sent to it, the Refresh button. Links to files and new windows are
/// left alone.
#[island]
pub fn Progress(locale: Locale) -> impl IntoView {
    provide_locale(locale);
    let pending = RwSignal::new(false);
    let ticket = RwSignal::new(None::<u64>);
    #[cfg(feature = "hydrate")]
    browser::watch_navigations(pending, ticket);
    view! { <ProgressBar pending ticket/> }
}

/// The keyboard shortcuts and their help. A key does what the element that announces it
/// (`aria-keyshortcuts`) does: a link is followed, a button pressed, a field focused
/// (opening the folded section it is in). `?` shows the help; keys typed into a field
/// are left alone.
#[island]
pub fn Shortcuts(locale: Locale) -> impl IntoView {
    provide_locale(locale);
    let open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    browser::install_shortcuts(open);
    view! { <ShortcutHelp open/> }
}

/// Marks the page interactive (`<body data-hydrated="true">`, which shows the controls
/// that need the WASM and which end-to-end tests wait for), and opens again the sections
/// that were open before a reload ([`reload_keeping_open`]). The last island of the page:
/// islands hydrate in document order, so every other one is ready by then.
#[island]
pub fn Hydrated() -> impl IntoView {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        browser::reopen_details();
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Loads the page anew (its numbers, names and charts change together after a save),
/// keeping the folded sections that are open now open.
pub(crate) fn reload_keeping_open() {
    #[cfg(feature = "hydrate")]
    browser::reload_keeping_open();
}

/// A message kept across one reload under `key` (the outcome of what caused it), and
/// taken back once.
pub(crate) fn stash(key: &str, message: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.set_item(key, message);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, message);
}

/// The message [`stash`]ed under `key` before the reload, if any, removed as it is read.
/// Always `None` on the server (an island's effect asks for it in the browser).
pub(crate) fn take_stashed(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let storage = window().session_storage().ok().flatten()?;
        let message = storage.get_item(key).ok().flatten();
        let _ = storage.remove_item(key);
        message
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::ev;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlAnchorElement, HtmlElement, HtmlFormElement};

    use super::{REFRESH_COOKIE, TICKET_COOKIE};

    /// Where the `<details>` open before a reload are remembered until the page is back.
    const OPEN_KEY: &str = "bi_open";

    fn set_cookie(cookie: &str) {
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(cookie);
        }
    }

    fn closest(target: Option<web_sys::EventTarget>, selector: &str) -> Option<Element> {
        target?.dyn_into::<Element>().ok()?.closest(selector).ok().flatten()
    }

    /// Shows the page on screen as stale (or not) while the next one loads.
    fn mark_stale(stale: bool) {
        if let Ok(Some(content)) = document().query_selector(".content") {
            let _ = content.class_list().toggle_with_force("stale", stale);
        }
        if let Ok(Some(main)) = document().query_selector("main") {
            let _ = main.set_attribute("aria-busy", if stale { "true" } else { "false" });
        }
    }

    pub(super) fn watch_navigations(pending: RwSignal<bool>, ticket: RwSignal<Option<u64>>) {
        // Cookies last ten minutes: a navigation that never reached the server (a
        // stopped load) must not name a later one.
        let start = move || {
            let t = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
            set_cookie(&format!("{TICKET_COOKIE}={t}; Path=/; Max-Age=600; SameSite=Lax"));
            ticket.set(Some(t));
            pending.set(true);
            mark_stale(true);
        };
        let clicks = window_event_listener(ev::click, move |e: web_sys::MouseEvent| {
            if e.default_prevented() || e.button() != 0 || e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
                return;
            }
            if closest(e.target(), "[data-refresh]").is_some() {
                set_cookie(&format!("{REFRESH_COOKIE}=1; Path=/; Max-Age=600; SameSite=Lax"));
                start();
                let _ = window().location().reload();
                return;
            }
            let Some(link) = closest(e.target(), "a[href]") else {
                // A row of the blocks table filters to its block, as its name's link does;
                // the folded name form and the controls in it keep their own clicks.
                if closest(e.target(), "details, button, input, label, select, textarea, summary").is_none() {
                    if let Some(Ok(link)) = row_link(e.target()).map(|l| l.dyn_into::<HtmlElement>()) {
                        link.click();
                    }
                }
                return;
            };
            let Ok(link) = link.dyn_into::<HtmlAnchorElement>() else { return };
            let here = window().location();
            let same_page = link.origin() == here.origin().unwrap_or_default() && link.pathname() == "/";
            if same_page && link.target().is_empty() && !link.has_attribute("download") {
                start();
            }
        });
        let submits = window_event_listener(ev::submit, move |e: web_sys::SubmitEvent| {
            let form = e.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok());
            let to_dashboard = form.is_some_and(|f| {
                f.method().eq_ignore_ascii_case("get") && matches!(f.get_attribute("action").as_deref(), None | Some("" | "/"))
            });
            if !e.default_prevented() && to_dashboard {
                start();
            }
        });
        // Back to a page kept in the browser's memory: nothing is loading there.
        let shown = window_event_listener(ev::pageshow, move |e: web_sys::PageTransitionEvent| {
            if e.persisted() {
                pending.set(false);
                mark_stale(false);
            }
        });
        on_cleanup(move || {
            clicks.remove();
            submits.remove();
            shown.remove();
        });
    }

    /// The first link of the clickable table row `target` is in.
    fn row_link(target: Option<web_sys::EventTarget>) -> Option<Element> {
        closest(target, "tr.clickable")?.query_selector("a[href]").ok().flatten()
    }

    pub(super) fn install_shortcuts(open: RwSignal<bool>) {
        let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"))
                .unwrap_or(false);
            let key = e.key();
            if typing {
                if key == "Escape" {
                    open.set(false);
                }
                return;
            }
            match key.as_str() {
                "?" => open.update(|o| *o = !*o),
                "Escape" => open.set(false),
                _ => {
                    let Some(el) = announcing(&key) else { return };
                    if matches!(el.tag_name().as_str(), "A" | "BUTTON") {
                        el.click();
                    } else {
                        if let Some(details) = el.closest("details").ok().flatten() {
                            let _ = details.set_attribute("open", "");
                        }
                        let _ = el.focus();
                    }
                }
            }
            e.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }

    /// The element that announces `key` as its shortcut.
    fn announcing(key: &str) -> Option<HtmlElement> {
        let all = document().query_selector_all("[aria-keyshortcuts]").ok()?;
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<HtmlElement>().ok())
            .find(|el| el.get_attribute("aria-keyshortcuts").is_some_and(|k| k.eq_ignore_ascii_case(key)))
    }

    pub(super) fn reload_keeping_open() {
        let open: Vec<String> = document()
            .query_selector_all("details[open][data-testid]")
            .map(|all| {
                (0..all.length())
                    .filter_map(|i| all.item(i)?.dyn_into::<Element>().ok()?.get_attribute("data-testid"))
                    .collect()
            })
            .unwrap_or_default();
        super::stash(OPEN_KEY, &open.join(" "));
        let _ = window().location().reload();
    }

    pub(super) fn reopen_details() {
        for testid in super::take_stashed(OPEN_KEY).unwrap_or_default().split_whitespace() {
            if let Ok(Some(details)) = document().query_selector(&format!("details[data-testid=\"{testid}\"]")) {
                let _ = details.set_attribute("open", "");
            }
        }
    }
}
