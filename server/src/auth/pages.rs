//! The few pages of sign-in, in Chinese or English: plain server-rendered HTML.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use i18n::Locale;
use use_cases::security_policy::ContentSecurityPolicy;

/// Which page.
#[derive(Clone, Copy)]
pub enum Page {
    LoginExpired,
    LoginCancelled,
    LoginRefusedByFeishu,
    LoginBroken,
    SignedOut,
}

/// The page's language: the `lang` cookie, else the Feishu client's language
/// (`LarkLocale/zh_CN` in its user agent), else `Accept-Language`.
pub fn locale(headers: &HeaderMap) -> Locale {
    let cookie = app::request_cookie(headers, "lang").and_then(|l| Locale::parse(&l));
    cookie
        .or_else(|| feishu_client_locale(headers))
        .unwrap_or_else(|| Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}

/// `LarkLocale/<language>_<REGION>` in the Feishu client's user agent: Chinese for
/// `zh_*`, English for any other language.
fn feishu_client_locale(headers: &HeaderMap) -> Option<Locale> {
    let agent = headers.get(header::USER_AGENT)?.to_str().ok()?;
    let language = agent.split_whitespace().find_map(|part| part.strip_prefix("LarkLocale/"))?;
    Some(if language.to_ascii_lowercase().starts_with("zh") { Locale::Zh } else { Locale::En })
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The dashboard's stylesheet address (named by its content hash in hashed builds), set
/// once at start-up by [`set_stylesheet`]; the unhashed name until then.
static STYLESHEET: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the stylesheet the sign-in pages link: `app::stylesheet_href`, as the dashboard's
/// own pages link it. The first call wins (one build per process).
pub fn set_stylesheet(href: String) {
    let _ = STYLESHEET.set(href);
}

fn stylesheet() -> &'static str {
    STYLESHEET.get().map_or("/pkg/block-insights.css", String::as_str)
}

/// A page of its own, outside the app's shell (the sign-in pages, the names import's
/// plan for a browser without script), under [`ContentSecurityPolicy::sign_in_page`]:
/// a stylesheet from here, nothing else. `body` is HTML, placed under the `<h1>`.
pub fn document(locale: Locale, status: StatusCode, title: &str, body: &str) -> Response {
    document_with_policy(locale, status, title, body, &ContentSecurityPolicy::sign_in_page())
}

/// A sign-in page under its own Content-Security-Policy (which the security
/// headers then leave alone). `body` is HTML, placed under the `<h1>`.
pub fn document_with_policy(
    locale: Locale,
    status: StatusCode,
    title: &str,
    body: &str,
    policy: &ContentSecurityPolicy,
) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"dashboard auth-page\"><section class=\"panel\"><h1>{title}</h1>{body}</section></main></body></html>",
        lang = locale.html_lang(),
        css = escape(stylesheet()),
    );
    match policy.header_value() {
        Ok(policy) => (status, [(header::CONTENT_SECURITY_POLICY, policy)], Html(html)).into_response(),
        // Not reached: policies are built from validated settings. Without its own
        // policy the page would get the strict default one, so fail closed and say so.
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the page's security policy is not a valid header").into_response(),
    }
}

/// A sign-in page; `detail` is shown under the message (escaped).
pub fn page(locale: Locale, which: Page, detail: Option<&str>) -> Response {
    let words = locale.t().sign_in;
    let (status, title, text) = match which {
        Page::LoginExpired => (StatusCode::BAD_REQUEST, words.expired_title, words.expired),
        Page::LoginCancelled => (StatusCode::BAD_REQUEST, words.cancelled_title, words.cancelled),
        Page::LoginRefusedByFeishu => (StatusCode::BAD_GATEWAY, words.refused_title, words.refused),
        Page::LoginBroken => (StatusCode::INTERNAL_SERVER_ERROR, words.broken_title, words.broken),
        Page::SignedOut => (StatusCode::OK, words.signed_out_title, words.signed_out),
    };
    let detail = detail.map(|d| format!("<p class=\"hint\">{}</p>", escape(d))).unwrap_or_default();
    let body = format!("<p>{text}</p>{detail}<p><a href=\"/login\">{}</a></p>", words.sign_in_again);
    document(locale, status, title, &body)
}

/// 500 page for failures before a locale is known.
pub fn error(which: Page, detail: &str) -> Response {
    page(Locale::En, which, Some(detail))
}

/// The page for people who signed in but are not allowed: whom to ask.
pub fn denied(locale: Locale, name: &str, contact: &str) -> Response {
    refusal(locale, locale.t().sign_in.denied_title, &denied_text(locale, Some(name), contact))
}

/// Why someone may not enter and whom to ask (plain text, not escaped). Without a
/// name, Feishu itself refused: the app is not available to their account (20010).
pub fn denied_text(locale: Locale, name: Option<&str>, contact: &str) -> String {
    (locale.t().sign_in.denied)(name, contact)
}

/// The page for a person of another tenant than this app's: Feishu knows them, but
/// the dashboard is this organisation's only.
pub fn other_tenant(locale: Locale, name: &str, contact: &str) -> Response {
    refusal(locale, locale.t().sign_in.other_tenant_title, &other_tenant_text(locale, name, contact))
}

/// A refusal page: why (plain text, escaped here) and a link to sign in as someone else.
fn refusal(locale: Locale, title: &str, text: &str) -> Response {
    let body = format!("<p>{}</p><p><a href=\"/login\">{}</a></p>", escape(text), locale.t().sign_in.other_account);
    document(locale, StatusCode::FORBIDDEN, title, &body)
}

/// Why a person of another tenant may not enter (plain text, not escaped).
pub fn other_tenant_text(locale: Locale, name: &str, contact: &str) -> String {
    (locale.t().sign_in.other_tenant)(name, contact)
}

/// What to do when Feishu could not say which tenant the app belongs to (plain text).
pub fn tenant_unknown_text(locale: Locale, error: &feishu::FeishuError) -> String {
    (locale.t().sign_in.tenant_unknown)(&error.to_string())
}
