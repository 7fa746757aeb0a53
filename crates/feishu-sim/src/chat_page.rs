//! What the bot posted, outside Feishu's API: `GET /_sim/chats` (JSON, every
//! chat with its messages: the ground truth tests read), `GET /_sim/chats.html`
//! (a list of the chats' pages) and `GET /_sim/chats/{chat_id}` (one chat's
//! messages, newest first, each card rendered by [`feishu_card`] as the
//! dashboard's preview renders it).
//!
//! The pages are static HTML with the stylesheet inline (`<style>`), no script
//! and no Content-Security-Policy header, so a browser test may inject its own
//! tools (axe); landmarks (`nav`, `main`), a heading per message (`h2`) and the
//! card's title one level below (`h3`) keep them accessible.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use feishu_card::{CARD_CSS, RenderOptions};
use serde_json::{Value, json};

use crate::chats::SimChat;
use crate::message_store::{ChatMessages, SimMessage};
use crate::oauth::{BANNER, escape};
use crate::state::SimState;

const PAGE_CSS: &str = "body{font:16px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",sans-serif;margin:0;background:#f5f6f7;color:#1f2329}\
nav{max-width:44rem;margin:0 auto;padding:.75rem 1rem 0}nav a{color:#1f4fc7}\
main{max-width:44rem;margin:0 auto 2rem;padding:1rem}\
.banner{margin:0 0 1rem;padding:.5rem .75rem;background:#fff4d6;border:1px solid #c98a00;border-radius:4px;font-weight:600}\
h1{font-size:1.4rem;margin:0 0 .25rem}.chat-meta{margin:0 0 1.25rem;color:#51565d}\
.message{margin:0 0 1.5rem}.message h2{font-size:1rem;margin:0 0 .25rem}\
.message-meta{margin:0 0 .5rem;font-size:.875rem;color:#51565d;overflow-wrap:anywhere}\
.text-message{background:#fff;border:1px solid #d0d3d6;border-radius:8px;padding:12px 16px;overflow-wrap:anywhere}.text-message p{margin:0}\
.empty{padding:1rem;background:#fff;border-radius:8px}\
ul.chats{padding:0;list-style:none}ul.chats li{margin:0 0 .75rem;padding:.75rem 1rem;background:#fff;border-radius:8px}ul.chats a{color:#1f4fc7;font-weight:600}\
a:focus-visible{outline:3px solid #1f4fc7;outline-offset:2px}";

/// The chats with their messages, in the configured order.
pub(crate) fn chats_with_messages(state: &SimState) -> Vec<ChatMessages> {
    state
        .config
        .chats
        .iter()
        .map(|chat| ChatMessages { chat: chat.clone(), messages: state.messages.of_chat(&chat.chat_id) })
        .collect()
}

/// `GET /_sim/chats`.
pub(crate) async fn chats_json(State(state): State<Arc<SimState>>) -> Response {
    let chats: Vec<Value> = chats_with_messages(&state)
        .into_iter()
        .map(|ChatMessages { chat, messages }| {
            let messages: Vec<Value> = messages.iter().map(message_json).collect();
            json!({
                "chat_id": chat.chat_id,
                "name": chat.name,
                "description": chat.description,
                "bot_is_member": chat.bot_is_member,
                "external": chat.external,
                "messages": messages,
            })
        })
        .collect();
    Json(json!({ "chats": chats })).into_response()
}

fn message_json(message: &SimMessage) -> Value {
    json!({
        "message_id": message.message_id,
        "uuid": message.uuid,
        "msg_type": message.msg_type,
        "content": message.content,
        "create_time": message.create_time_ms.to_string(),
    })
}

/// `GET /_sim/chats.html`.
pub(crate) async fn chats_index(State(state): State<Arc<SimState>>) -> Response {
    let items: String = chats_with_messages(&state)
        .iter()
        .map(|ChatMessages { chat, messages }| {
            format!(
                r#"<li><a href="/_sim/chats/{id}"{lang}>{name}</a><br>{count} · bot {member} · <code>{id}</code></li>"#,
                id = escape(&chat.chat_id),
                lang = lang_attr(&chat.name),
                name = escape(&chat.name),
                count = count_words(messages.len()),
                member = if chat.bot_is_member { "is a member" } else { "is not a member" },
            )
        })
        .collect();
    let body = format!(
        "<h1>Chats</h1>\n<p class=\"chat-meta\">What the bot posted to each chat of the simulated tenant.</p>\n<ul class=\"chats\">{items}</ul>"
    );
    page(StatusCode::OK, "Chats", &body)
}

/// `GET /_sim/chats/{chat_id}`.
pub(crate) async fn chat_page(State(state): State<Arc<SimState>>, Path(chat_id): Path<String>) -> Response {
    let Some(chat) = state.config.chats.iter().find(|chat| chat.chat_id == chat_id) else {
        let body = format!("<h1>No such chat</h1>\n<p>The simulated tenant has no chat <code>{}</code>.</p>", escape(&chat_id));
        return page(StatusCode::NOT_FOUND, "No such chat", &body);
    };
    let messages = state.messages.of_chat(&chat.chat_id);
    page(StatusCode::OK, &chat.name, &chat_body(chat, &messages))
}

fn chat_body(chat: &SimChat, messages: &[SimMessage]) -> String {
    let mut body = format!(
        "<h1{lang}>{name}</h1>\n<p class=\"chat-meta\">{description}{count} · bot {member} · <code>{id}</code></p>\n",
        lang = lang_attr(&chat.name),
        name = escape(&chat.name),
        description = if chat.description.is_empty() {
            String::new()
        } else {
            format!("<span{}>{}</span> · ", lang_attr(&chat.description), escape(&chat.description))
        },
        count = count_words(messages.len()),
        member = if chat.bot_is_member { "is a member" } else { "is not a member" },
        id = escape(&chat.chat_id),
    );
    if messages.is_empty() {
        body.push_str("<p class=\"empty\">No messages yet.</p>\n");
    }
    for message in messages.iter().rev() {
        body.push_str(&message_section(message));
    }
    body
}

fn message_section(message: &SimMessage) -> String {
    let sent = chrono::DateTime::from_timestamp_millis(message.create_time_ms)
        .map_or_else(String::new, |at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    let kind = if message.msg_type == "interactive" { "Card" } else { "Text" };
    let heading_id = format!("m-{}", message.message_id);
    let uuid = message.uuid.as_deref().map_or_else(String::new, |uuid| format!(" · uuid <code>{}</code>", escape(uuid)));
    let shown = if message.msg_type == "interactive" {
        feishu_card::render_html_with(&message.content, RenderOptions { title_heading_level: Some(3) })
    } else {
        let text = message.content["text"].as_str().unwrap_or("");
        let lines: Vec<String> = text.split('\n').map(escape).collect();
        format!("<div class=\"text-message\"{}><p>{}</p></div>", lang_attr(text), lines.join("<br>"))
    };
    format!(
        "<section class=\"message\" aria-labelledby=\"{hid}\">\n<h2 id=\"{hid}\">{kind} sent {sent}</h2>\n<p class=\"message-meta\">message_id <code>{id}</code>{uuid}</p>\n{shown}\n</section>\n",
        hid = escape(&heading_id),
        id = escape(&message.message_id),
    )
}

fn count_words(n: usize) -> String {
    match n {
        1 => "1 message".to_owned(),
        n => format!("{n} messages"),
    }
}

/// ` lang="zh-CN"` for text with Chinese characters, so screen readers switch voice.
fn lang_attr(text: &str) -> &'static str {
    let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    if chinese { " lang=\"zh-CN\"" } else { "" }
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — {BANNER}</title><style>{PAGE_CSS}
{CARD_CSS}</style></head>
<body>
<nav aria-label="Simulator"><a href="/_sim/chats.html">All chats</a></nav>
<main>
<p class="banner" role="note">{BANNER}</p>
{body}
</main>
</body>
</html>
"#,
        title = escape(title),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        page,
    )
        .into_response()
}
