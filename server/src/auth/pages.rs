//! The few pages of sign-in, in Chinese or English: plain server-rendered HTML.

use app::i18n::Locale;
use axum::http::{header, HeaderMap, StatusCode};
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

pub fn locale(headers: &HeaderMap) -> Locale {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix("lang=").and_then(Locale::parse));
    cookie.unwrap_or_else(|| Locale::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn document(locale: Locale, status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/block-insights.css\"></head>\
         <body><main class=\"dashboard auth-page\"><section class=\"panel\"><h1>{title}</h1>{body}</section></main></body></html>",
        lang = locale.html_lang(),
    );
    (
        status,
        [(header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'")],
        Html(html),
    )
        .into_response()
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
    let who = escape(name);
    let contact = escape(contact);
    let text = match (zh, contact.is_empty()) {
        (true, true) => format!("{who}，小组件洞察只对指定的管理员开放。请联系您企业的飞书管理员，把您加入看板的 DASHBOARD_ADMINS 名单。"),
        (true, false) => format!("{who}，小组件洞察只对指定的管理员开放。如需访问，请联系：{contact}。"),
        (false, true) => format!("{who}, Block Insights is open to named admins only. Ask your Feishu administrator to add you to the dashboard's DASHBOARD_ADMINS list."),
        (false, false) => format!("{who}, Block Insights is open to named admins only. To get access, ask: {contact}."),
    };
    let other = if zh { "换一个账号登录" } else { "Sign in with another account" };
    document(locale, StatusCode::FORBIDDEN, title, &format!("<p>{text}</p><p><a href=\"/login\">{other}</a></p>"))
}
