//! The few pages of sign-in, in Chinese or English: plain server-rendered HTML.

use i18n::Locale;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

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
    cookie.or_else(|| feishu_client_locale(headers)).unwrap_or_else(|| {
        Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    })
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

/// The policy of the sign-in pages: a stylesheet from here, nothing else.
const POLICY: &str = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'";

/// A page of its own, outside the app's shell (the sign-in pages, the names import's
/// plan for a browser without script), under [`POLICY`]. `body` is HTML, placed under
/// the `<h1>`.
pub fn document(locale: Locale, status: StatusCode, title: &str, body: &str) -> Response {
    document_with_policy(locale, status, title, body, POLICY)
}

/// A sign-in page under its own Content-Security-Policy (which the security
/// headers then leave alone). `body` is HTML, placed under the `<h1>`.
pub fn document_with_policy(locale: Locale, status: StatusCode, title: &str, body: &str, policy: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"dashboard auth-page\"><section class=\"panel\"><h1>{title}</h1>{body}</section></main></body></html>",
        lang = locale.html_lang(),
        css = escape(stylesheet()),
    );
    match HeaderValue::from_str(policy) {
        Ok(policy) => (status, [(header::CONTENT_SECURITY_POLICY, policy)], Html(html)).into_response(),
        // Not reached: policies are built from validated settings. Without its own
        // policy the page would get the strict default one, so fail closed and say so.
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the page's security policy is not a valid header").into_response(),
    }
}

/// A sign-in page; `detail` is shown under the message (escaped).
pub fn page(locale: Locale, which: Page, detail: Option<&str>) -> Response {
    let zh = locale == Locale::Zh;
    let again = if zh { "重新登录" } else { "Sign in again" };
    let (status, title, text) = match which {
        Page::LoginExpired => (
            StatusCode::BAD_REQUEST,
            if zh { "登录链接已失效" } else { "This sign-in link is no longer valid" },
            if zh {
                "登录链接已过期、已使用过，或不是由本看板发起的。请重新登录。"
            } else {
                "It expired, was already used, or was not started by this dashboard. Start the sign-in again."
            },
        ),
        Page::LoginCancelled => (
            StatusCode::BAD_REQUEST,
            if zh { "已取消登录" } else { "Sign-in cancelled" },
            if zh { "您在飞书中取消了登录。" } else { "The sign-in was cancelled at Feishu." },
        ),
        Page::LoginRefusedByFeishu => (
            StatusCode::BAD_GATEWAY,
            if zh { "飞书拒绝了登录" } else { "Feishu refused the sign-in" },
            if zh { "请重新登录；如果问题持续，请把下面的信息发给看板管理员。" } else { "Try again; if it keeps failing, send the message below to whoever runs this dashboard." },
        ),
        Page::LoginBroken => (
            StatusCode::INTERNAL_SERVER_ERROR,
            if zh { "暂时无法登录" } else { "Sign-in is not available right now" },
            if zh { "看板无法开始登录。" } else { "The dashboard could not start the sign-in." },
        ),
        Page::SignedOut => (
            StatusCode::OK,
            if zh { "已退出登录" } else { "You have signed out" },
            if zh { "您的会话已在服务器上结束。" } else { "Your session has ended on the server." },
        ),
    };
    let detail = detail.map(|d| format!("<p class=\"hint\">{}</p>", escape(d))).unwrap_or_default();
    let body = format!("<p>{text}</p>{detail}<p><a href=\"/login\">{again}</a></p>");
    document(locale, status, title, &body)
}

/// 500 page for failures before a locale is known.
pub fn error(which: Page, detail: &str) -> Response {
    page(Locale::En, which, Some(detail))
}

/// The page for people who signed in but are not allowed: whom to ask.
pub fn denied(locale: Locale, name: &str, contact: &str) -> Response {
    let zh = locale == Locale::Zh;
    let title = if zh { "没有访问权限" } else { "You do not have access" };
    let text = escape(&denied_text(locale, Some(name), contact));
    let other = if zh { "换一个账号登录" } else { "Sign in with another account" };
    document(locale, StatusCode::FORBIDDEN, title, &format!("<p>{text}</p><p><a href=\"/login\">{other}</a></p>"))
}

/// Why someone may not enter and whom to ask (plain text, not escaped). Without a
/// name, Feishu itself refused: the app is not available to their account (20010).
pub fn denied_text(locale: Locale, name: Option<&str>, contact: &str) -> String {
    let zh = locale == Locale::Zh;
    match (zh, name, contact.is_empty()) {
        (true, Some(who), true) => format!("{who}，小组件洞察只对指定的管理员开放。请联系您企业的飞书管理员，把您加入看板的 DASHBOARD_ADMINS 名单。"),
        (true, Some(who), false) => format!("{who}，小组件洞察只对指定的管理员开放。如需访问，请联系：{contact}。"),
        (false, Some(who), true) => format!("{who}, Block Insights is open to named admins only. Ask your Feishu administrator to add you to the dashboard's DASHBOARD_ADMINS list."),
        (false, Some(who), false) => format!("{who}, Block Insights is open to named admins only. To get access, ask: {contact}."),
        (true, None, true) => "飞书表示此应用未对您的账号开放。请联系您企业的飞书管理员，把应用的可用范围扩大到您，并把您加入看板的 DASHBOARD_ADMINS 名单。".to_owned(),
        (true, None, false) => format!("飞书表示此应用未对您的账号开放。如需访问，请联系：{contact}。"),
        (false, None, true) => "Feishu says this app is not available to your account. Ask your Feishu administrator to make it available to you and to add you to the dashboard's DASHBOARD_ADMINS list.".to_owned(),
        (false, None, false) => format!("Feishu says this app is not available to your account. To get access, ask: {contact}."),
    }
}

/// The page for a person of another tenant than this app's: Feishu knows them, but
/// the dashboard is this organisation's only.
pub fn other_tenant(locale: Locale, name: &str, contact: &str) -> Response {
    let zh = locale == Locale::Zh;
    let title = if zh { "不是本企业的账号" } else { "This account belongs to another organisation" };
    let text = escape(&other_tenant_text(locale, name, contact));
    let other = if zh { "换一个账号登录" } else { "Sign in with another account" };
    document(locale, StatusCode::FORBIDDEN, title, &format!("<p>{text}</p><p><a href=\"/login\">{other}</a></p>"))
}

/// Why a person of another tenant may not enter (plain text, not escaped).
pub fn other_tenant_text(locale: Locale, name: &str, contact: &str) -> String {
    let zh = locale == Locale::Zh;
    match (zh, contact.is_empty()) {
        (true, true) => format!("{name}，您登录的飞书账号属于其他企业或组织。小组件洞察只对本企业的管理员开放：请用本企业的飞书账号登录。"),
        (true, false) => format!("{name}，您登录的飞书账号属于其他企业或组织。小组件洞察只对本企业的管理员开放：请用本企业的飞书账号登录；如有疑问，请联系：{contact}。"),
        (false, true) => format!("{name}, the Feishu account you signed in with belongs to another organisation. Block Insights is open to this organisation's admins only: sign in with your account of this organisation."),
        (false, false) => format!("{name}, the Feishu account you signed in with belongs to another organisation. Block Insights is open to this organisation's admins only: sign in with your account of this organisation, or ask: {contact}."),
    }
}

/// What to do when Feishu could not say which tenant the app belongs to (plain text).
pub fn tenant_unknown_text(locale: Locale, error: &feishu::FeishuError) -> String {
    if locale == Locale::Zh {
        format!("无法向飞书确认本应用所属的企业，因此无法核对您的账号：{error} 请由看板管理员设置 FEISHU_TENANT_KEY，或为应用开通 tenant:tenant:readonly 权限。")
    } else {
        format!("Feishu could not say which organisation this app belongs to, so your account cannot be checked: {error} Whoever runs the dashboard sets FEISHU_TENANT_KEY, or grants the app tenant:tenant:readonly.")
    }
}
