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
//! cookie in its answer ([`crate::cookies::take_cookie`]). A Refresh is the same with a second cookie,
//! which asks the next render to fetch the recent days anew.

use leptos::prelude::*;

use super::feedback::ProgressBar;
use super::shortcuts::ShortcutHelp;

/// The cookie that names the next page load's fetch (a random `u64`).
pub(crate) const TICKET_COOKIE: &str = "bi_ticket";
/// The cookie that asks the next page load to fetch the recent days anew.
pub(crate) const REFRESH_COOKIE: &str = "bi_refresh";

/// The progress bar of the page load under way (`children`: the [`ProgressBar`], hidden
/// until then), and what starts one: a click on a link to the dashboard (presets,
/// periods, tabs, sorting, the language, a row of the blocks table), a GET form sent to
/// it, the Refresh button. Links to files and new windows are left alone. While the
/// browser waits, the bar shows what the server's progress feed says of the ticket.
#[island]
pub fn Progress(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::watch_navigations();
    children()
}

/// The keyboard shortcuts and their help (`children`: the [`ShortcutHelp`], folded). A
/// key does what the element that announces it (`aria-keyshortcuts`) does: a link is
/// followed, a button pressed, a field focused (opening the folded section it is in).
/// `?` or the help's button shows the help; keys typed into a field are left alone.
#[island]
pub fn Shortcuts(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::install_shortcuts();
    children()
}

/// The page's progress bar, in its [`Progress`] island.
#[component]
pub fn PageProgress() -> impl IntoView {
    view! { <Progress><ProgressBar/></Progress> }
}

/// The shortcuts help, in its [`Shortcuts`] island.
#[component]
pub fn PageShortcuts() -> impl IntoView {
    view! { <Shortcuts><ShortcutHelp/></Shortcuts> }
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
#[cfg(feature = "hydrate")]
pub(crate) fn reload_keeping_open() {
    browser::reload_keeping_open();
}

/// A message kept across one reload under `key` (the outcome of what caused it), and
/// taken back once.
#[cfg(feature = "hydrate")]
fn stash(key: &str, message: &str) {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.set_item(key, message);
    }
}

/// The message [`stash`]ed under `key` before the reload, if any, removed as it is read.
#[cfg(feature = "hydrate")]
fn take_stashed(key: &str) -> Option<String> {
    let storage = window().session_storage().ok().flatten()?;
    let message = storage.get_item(key).ok().flatten();
    let _ = storage.remove_item(key);
    message
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::time::Duration;

    use leptos::ev;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlAnchorElement, HtmlElement, HtmlFormElement};

    use super::{REFRESH_COOKIE, TICKET_COOKIE};
    use crate::browser::{closest, find, set_cookie};

    /// Where the `<details>` open before a reload are remembered until the page is back.
    const OPEN_KEY: &str = "bi_open";

    thread_local! {
        /// The poll of the progress feed while a page loads.
        static POLL: RefCell<Option<IntervalHandle>> = const { RefCell::new(None) };
    }

    /// Shows the page on screen as stale (or not) while the next one loads, with the
    /// progress bar.
    fn mark_stale(stale: bool) {
        if let Ok(Some(content)) = document().query_selector(".content") {
            let _ = content.class_list().toggle_with_force("stale", stale);
        }
        if let Ok(Some(main)) = document().query_selector("main") {
            let _ = main.set_attribute("aria-busy", if stale { "true" } else { "false" });
        }
        if let Some(bar) = find("[data-testid=progress]") {
            let _ = bar.class_list().toggle_with_force("hidden", !stale);
        }
        if !stale {
            POLL.with_borrow_mut(|poll| poll.take().map(|handle| handle.clear()));
        }
    }

    /// Asks the progress feed how far the fetch named `ticket` has come, every 400 ms,
    /// and shows its answer in the bar: the percentage on its first line, the words on
    /// the second. Answers can overtake each other: one older than the answer shown is
    /// left out, so the count shown only grows.
    fn poll_progress(ticket: u64) {
        let Some(bar) = find("[data-testid=progress]") else { return };
        let Some(feed) = bar.get_attribute("data-feed") else { return };
        let url = format!("{feed}&ticket={ticket}");
        let (asked, shown) = (std::rc::Rc::new(std::cell::Cell::new(0u32)), std::rc::Rc::new(std::cell::Cell::new(0u32)));
        let poll = move || {
            let url = url.clone();
            let bar = bar.clone();
            asked.set(asked.get() + 1);
            let number = asked.get();
            let shown = shown.clone();
            leptos::task::spawn_local(async move {
                let Ok((200, answer)) = crate::browser::fetch_text(&url, None, 5_000).await else { return };
                if number < shown.get() {
                    return;
                }
                shown.set(number);
                let (percent, words) = answer.split_once('\n').unwrap_or(("", &answer));
                let percent = percent.parse::<u64>().ok();
                if let Ok(Some(track)) = bar.query_selector(".progress-track") {
                    let _ = match percent {
                        Some(p) => track.set_attribute("aria-valuenow", &p.to_string()),
                        None => track.remove_attribute("aria-valuenow"),
                    };
                }
                if let Some(fill) =
                    bar.query_selector(".progress-fill").ok().flatten().and_then(|f| f.dyn_into::<HtmlElement>().ok())
                {
                    let _ = fill.class_list().toggle_with_force("indeterminate", percent.is_none());
                    let _ = fill.style().set_property("width", &percent.map_or("30%".to_owned(), |p| format!("{p}%")));
                }
                if let Ok(Some(text)) = bar.query_selector(".progress-text") {
                    text.set_text_content(Some(words));
                }
            });
        };
        let handle = set_interval_with_handle(poll, Duration::from_millis(400)).ok();
        POLL.with_borrow_mut(|poll| {
            if let Some(old) = std::mem::replace(poll, handle) {
                old.clear();
            }
        });
    }

    pub(super) fn watch_navigations() {
        // Cookies last ten minutes: a navigation that never reached the server (a
        // stopped load) must not name a later one.
        let start = move || {
            let t = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
            set_cookie(&format!("{TICKET_COOKIE}={t}; Path=/; Max-Age=600; SameSite=Lax"));
            mark_stale(true);
            poll_progress(t);
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
                if closest(e.target(), "details, button, input, label, select, textarea, summary").is_none()
                    && let Some(Ok(link)) = row_link(e.target()).map(|l| l.dyn_into::<HtmlElement>())
                {
                    link.click();
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

    /// Shows or hides the shortcuts help (`None`: the other way round).
    fn show_help(open: Option<bool>) {
        let (Some(help), Some(button)) = (find("#shortcut-help"), find("[aria-controls=shortcut-help]")) else { return };
        let open = open.unwrap_or_else(|| help.class_list().contains("hidden"));
        let _ = help.class_list().toggle_with_force("hidden", !open);
        let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
    }

    pub(super) fn install_shortcuts() {
        let clicks = window_event_listener(ev::click, move |e: web_sys::MouseEvent| {
            if closest(e.target(), "[aria-controls=shortcut-help]").is_some() {
                show_help(None);
            }
        });
        let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .map(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable")
                })
                .unwrap_or(false);
            let key = e.key();
            if typing {
                if key == "Escape" {
                    show_help(Some(false));
                }
                return;
            }
            match key.as_str() {
                "?" => show_help(None),
                "Escape" => show_help(Some(false)),
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
        on_cleanup(move || {
            clicks.remove();
            handle.remove();
        });
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
                (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<Element>().ok()?.get_attribute("data-testid")).collect()
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
