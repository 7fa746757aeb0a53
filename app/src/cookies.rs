//! The request's cookies as the page reads them on the server: one by name, and a
//! handshake cookie taken (read, and cleared in the answer) once. Server only.

use leptos::prelude::use_context;

/// The value of cookie `name` in a request's `Cookie` headers (the pages' and the
/// server's routes read their cookies with it).
pub fn request_cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
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
pub(crate) fn take_cookie(name: &str) -> Option<String> {
    let value = request_cookie(&use_context::<http::request::Parts>()?.headers, name)?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(clear) = http::HeaderValue::from_str(&format!("{name}=; Path=/; Max-Age=0; SameSite=Lax"))
    {
        response.append_header(http::header::SET_COOKIE, clear);
    }
    Some(value)
}
