//! The simulator's login pages (a person chooser and an error page) and the
//! redirect back to the app.
//!
//! The chooser is one GET form whose hidden fields repeat the authorize
//! request: each person's button adds `login_hint=<open_id>`, the cancel
//! button `cancel=1`. It needs no script, works with any browser and keyboard,
//! and a test can follow it without parsing HTML.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AUTHORIZE_PATH;
use crate::users::SimUser;

/// The banner on every simulator page, so nobody mistakes it for Feishu.
pub(crate) const BANNER: &str = "Feishu simulator — not the real Feishu";

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f7;color:#1f2329}\
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}\
.banner{margin:0 0 1rem;padding:.5rem .75rem;background:#fff4d6;border:1px solid #c98a00;border-radius:4px;font-weight:600}\
h1{font-size:1.25rem;margin:0 0 1rem}ul{list-style:none;padding:0;margin:0 0 1rem}li{margin:0 0 .5rem}\
button{width:100%;text-align:left;font:inherit;padding:.6rem .8rem;border:1px solid #767c85;border-radius:6px;background:#fff;color:inherit;cursor:pointer}\
button:hover{background:#eef3ff}button:focus-visible{outline:3px solid #1456f0;outline-offset:2px}\
.detail{display:block;font-size:.875rem;color:#51565d}.cancel{width:auto;text-align:center}";

/// The page listing the people one may sign in as. `fields` are the
/// authorize request's parameters, repeated as hidden inputs.
pub(crate) fn chooser(app_name: &str, users: &[SimUser], fields: &[(&str, &str)]) -> Response {
    let hidden: String = fields
        .iter()
        .map(|(name, value)| format!(r#"<input type="hidden" name="{}" value="{}">"#, escape(name), escape(value)))
        .collect();
    let people: String = users.iter().map(person).collect();
    let app = escape(app_name);
    let body = format!(
        r#"<h1>Sign in to {app} as …</h1>
<form method="get" action="{AUTHORIZE_PATH}">{hidden}
<ul aria-label="People of the simulated tenant">{people}</ul>
<button class="cancel" type="submit" name="cancel" value="1">Cancel</button>
</form>"#
    );
    html(StatusCode::OK, &format!("Sign in to {app}"), &body)
}

/// One person's button: both names, email if any, and whether they are an
/// admin or barred from the app (so testers can pick the case they need).
fn person(user: &SimUser) -> String {
    let mut details = vec![user.email.as_deref().unwrap_or("no email").to_owned()];
    if user.is_app_admin {
        details.push("app admin".to_owned());
    }
    if !user.may_use_app {
        details.push("may not use the app".to_owned());
    }
    format!(
        r#"<li><button type="submit" name="login_hint" value="{id}">{en_name} / <span lang="zh-CN">{name}</span><span class="detail">{details} · {id}</span></button></li>"#,
        id = escape(&user.open_id),
        en_name = escape(&user.en_name),
        name = escape(&user.name),
        details = escape(&details.join(" · ")),
    )
}

/// An HTTP 400 page saying what is wrong with the authorize request; the app
/// is not redirected to, since its redirect_uri may be the thing at fault.
pub(crate) fn refusal(problem: &str) -> Response {
    let body = format!(
        "<h1>Cannot sign in</h1>\n<p>{}</p>\n<p>The app sent an authorization request this simulator refuses; fix the request and start again.</p>",
        escape(problem)
    );
    html(StatusCode::BAD_REQUEST, "Cannot sign in", &body)
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — {BANNER}</title><style>{STYLE}</style></head>
<body><main>
<p class="banner" role="note">{BANNER}</p>
{body}
</main></body>
</html>
"#
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], page).into_response()
}

/// A 302 to `redirect_uri` with `params` appended to its query.
/// `redirect_uri` has been checked to be an absolute http(s) URL.
pub(crate) fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut location = redirect_uri.to_owned();
    if !location.contains('?') {
        location.push('?');
    } else if !location.ends_with(['?', '&']) {
        location.push('&');
    }
    let query: Vec<String> =
        params.iter().map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value))).collect();
    location.push_str(&query.join("&"));
    match HeaderValue::from_str(&location) {
        Ok(location) => {
            (StatusCode::FOUND, [(header::LOCATION, location), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))])
                .into_response()
        }
        Err(_) => refusal("redirect_uri cannot be used in a Location header"),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    feishu_card::escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(response: &Response) -> &str {
        response.headers()[header::LOCATION].to_str().expect("ascii")
    }

    #[test]
    fn redirect_appends_to_an_existing_query_and_encodes_values() {
        let plain = redirect("http://app.test/cb", &[("code", "c1"), ("state", "a b&c=d/é")]);
        assert_eq!(plain.status(), StatusCode::FOUND);
        assert_eq!(location(&plain), "http://app.test/cb?code=c1&state=a%20b%26c%3Dd%2F%C3%A9");
        let with_query = redirect("https://app.test/cb?next=%2F", &[("code", "c1")]);
        assert_eq!(location(&with_query), "https://app.test/cb?next=%2F&code=c1");
    }

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
