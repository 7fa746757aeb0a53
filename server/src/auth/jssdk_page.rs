//! The sign-in page inside the Feishu client: it loads the JSSDK, asks the client for
//! a code (`tt.requestAccess`, or `tt.requestAuthCode` on clients older than 6.9),
//! posts it to `/auth/jssdk` and goes on to the page that was asked for. Where the
//! JSSDK is not there after all, it goes the browser's way (Feishu's authorize page).
//! A refusal or a stale code shows what happened, with "Try again" and the browser
//! way as a link.
//!
//! Its Content-Security-Policy is its own ([`ContentSecurityPolicy::client_sign_in_page`]):
//! scripts with this answer's nonce or from the JSSDK's origin, connections to here and
//! to that origin (the JSSDK may talk to its host; the simulator's stand-in does),
//! nothing else. It was only tried with the stand-in: what the real JSSDK needs beyond
//! it the browser reports to [`super::csp_report`] (`report-uri`), which logs it.

use axum::http::StatusCode;
use axum::response::Response;
use i18n::Locale;
use serde_json::json;
use use_cases::security_policy::ContentSecurityPolicy;

use super::AuthState;
use super::pages;
use super::pkce;
use super::sign_in::PendingLogin;

/// The page's script; it reads its settings from the JSON block `jssdk-config`.
const SCRIPT: &str = include_str!("jssdk_page.js");

/// How long the JSSDK may take to load before the page goes the browser's way.
const LOAD_MILLIS: u32 = 5_000;
/// How long the loaded JSSDK may take to be ready before the page says the client
/// did not answer. (The consent dialog that may follow has no limit: a person reads it.)
const READY_MILLIS: u32 = 10_000;

/// JSON that may sit inside a `<script>` element: `<`, `>` and `&` as `\u` escapes, so
/// no text can close the element or open a comment.
fn script_safe_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

fn query(next: &str) -> String {
    form_urlencoded::byte_serialize(next.as_bytes()).collect()
}

/// The page for the sign-in `pending` (kept in the session by the caller).
pub fn page(auth: &AuthState, locale: Locale, pending: &PendingLogin) -> Response {
    let words = locale.t().sign_in;
    let next = query(&pending.next);
    let browser_way = format!("/login?next={next}&browser=1");
    let config = json!({
        "appId": auth.client.app_id(),
        "state": pending.state,
        // What tt.requestAccess asks the person to grant: the contact scopes when
        // e-mail entries of DASHBOARD_ADMINS count, else nothing but identity.
        "scopeList": auth.settings.login_scopes(),
        "sdk": auth.settings.jssdk_script.url,
        "endpoint": "/auth/jssdk",
        "browser": browser_way,
        "retry": format!("/login?next={next}"),
        "loadMillis": LOAD_MILLIS,
        "readyMillis": READY_MILLIS,
        "texts": {
            "checking": words.client_checking,
            "refused": words.client_refused,
            "clientFailed": words.client_failed,
            "noAnswer": words.client_no_answer,
            "failed": words.client_unfinished,
            "unreachable": words.client_unreachable,
        },
    });
    let nonce = pkce::random_token();
    let link = pages::escape(&browser_way);
    let body = format!(
        "<p id=\"jssdk-status\" role=\"status\">{waiting}</p>\
         <div id=\"jssdk-problem\" hidden><p id=\"jssdk-message\" role=\"alert\"></p>\
         <p><button type=\"button\" id=\"jssdk-retry\">{retry}</button></p>\
         <p><a href=\"{link}\">{browser}</a></p></div>\
         <noscript><p>{needs_script} <a href=\"{link}\">{browser}</a></p></noscript>\
         <script type=\"application/json\" id=\"jssdk-config\">{config}</script>\
         <script nonce=\"{nonce}\">{SCRIPT}</script>",
        waiting = words.client_waiting,
        retry = words.client_retry,
        browser = words.client_browser_way,
        needs_script = words.client_needs_script,
        config = script_safe_json(&config),
    );
    let policy = ContentSecurityPolicy::client_sign_in_page(
        &nonce,
        &auth.settings.jssdk_script.origin,
        &auth.settings.frame_ancestors,
        crate::paths::CSP_REPORT_PATH,
    );
    pages::document_with_policy(locale, StatusCode::OK, words.client_title, &body, &policy)
}

#[cfg(test)]
mod tests {
    use super::script_safe_json;

    #[test]
    fn json_in_a_script_element_cannot_close_it() {
        let text = script_safe_json(&serde_json::json!({ "next": "/?q=</script><!--&x" }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["next"], "/?q=</script><!--&x");
    }
}
