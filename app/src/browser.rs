//! What the islands share in the browser: a request to the server answered with text,
//! and a few DOM lookups.
//!
//! The islands fetch with the browser's own `fetch` and read plain text or an HTML
//! fragment that the server rendered in the page's language, rather than calling
//! server functions: a server function's client (its codecs, its error type, the
//! serde code of every type it returns) was most of the page's WASM, and none of it is
//! needed to put the server's answer on the screen. Written against `web_sys` because
//! the crates that wrap `fetch` (gloo-net, reqwest) bring back the codecs.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, EventTarget, HtmlElement, RequestInit, Response};

/// A request of the page to its server that got no answer (the network failed, or the
/// answer could not be read).
#[derive(Debug)]
pub struct Unanswered;

/// `GET url`, or `POST url` with `body` (its content type and text) when given; the
/// answer's status and text. Sent with the page's cookies (same origin). Given up after
/// `timeout_ms` (the server's own deadline bounds it too): no request waits for ever.
pub async fn fetch_text(url: &str, body: Option<(&str, String)>, timeout_ms: u32) -> Result<(u16, String), Unanswered> {
    let init = RequestInit::new();
    // An AbortController and a timer rather than `AbortSignal.timeout`, which older
    // web views (the Feishu client's on older phones) lack.
    let controller = web_sys::AbortController::new().map_err(|_| Unanswered)?;
    init.set_signal(Some(&controller.signal()));
    leptos::prelude::set_timeout(move || controller.abort(), std::time::Duration::from_millis(timeout_ms.into()));
    if let Some((content_type, body)) = body {
        init.set_method("POST");
        let headers = web_sys::Headers::new().map_err(|_| Unanswered)?;
        headers.set("Content-Type", content_type).map_err(|_| Unanswered)?;
        init.set_headers(&headers);
        init.set_body(&body.into());
    }
    let answer = JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init)).await.map_err(|_| Unanswered)?;
    let response: Response = answer.dyn_into().map_err(|_| Unanswered)?;
    let text = JsFuture::from(response.text().map_err(|_| Unanswered)?).await.map_err(|_| Unanswered)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// The element `target` is in (itself included) that matches `selector`.
pub fn closest(target: Option<EventTarget>, selector: &str) -> Option<Element> {
    target?.dyn_into::<Element>().ok()?.closest(selector).ok().flatten()
}

/// The first element of the document that matches `selector`.
pub fn find(selector: &str) -> Option<HtmlElement> {
    leptos::prelude::document().query_selector(selector).ok().flatten()?.dyn_into().ok()
}

/// Every element of `root` that matches `selector`, in document order.
pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    root.query_selector_all(selector)
        .map(|all| (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<Element>().ok()).collect())
        .unwrap_or_default()
}

/// Sets a cookie of the page (`name=value; attributes`).
pub fn set_cookie(cookie: &str) {
    if let Ok(doc) = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = doc.set_cookie(cookie);
    }
}
