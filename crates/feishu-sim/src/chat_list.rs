//! `GET /open-apis/im/v1/chats`: the tenant's group chats ([`SimChat`]) the bot is a
//! member of, paged; and the chats' avatars.
//!
//! Checks, in order: Authorization header (99991661) and token (99991663),
//! both HTTP 400 as on search; the rate limit (50/s per app, 99991400 HTTP 429
//! with the `x-ogw-ratelimit-*` headers); the bot capability (232025 "Bot
//! ability is not activated.", the code Feishu's chat API documents for it);
//! the scope (99991672 naming `im:chat:readonly`); `page_size` (digits,
//! 1..=100, default 20) and `page_token`, both 99992402 "field validation
//! failed" HTTP 400. An empty `page_token=` counts as absent, an empty
//! `page_size=` is invalid.
//!
//! The answer: `{"code":0,"msg":"success","data":{"items":[…],"page_token":"…","has_more":…}}`
//! in the order of [`crate::SimConfig::chats`]; on the last page `page_token`
//! is `""` and `has_more` false. The owner of every chat is the first person
//! of the directory; the avatar is a picture the simulator serves.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::{ApiError, bearer_token, json_answer};
use crate::chats::SimChat;
use crate::config::CHAT_READ_SCOPE;
use crate::state::SimState;

/// Page size of the chat list when the request names none.
const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page the chat list answers.
const MAX_PAGE_SIZE: usize = 100;

/// `GET /open-apis/im/v1/chats?page_size=&page_token=`.
pub(crate) async fn list_chats(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    state.recorder.chat_list_request();
    match answer(&state, &headers, query.map(|Query(pairs)| pairs).unwrap_or_default()) {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(code = error.code, msg = %error.msg, "chat list refused");
            error.into_response()
        }
    }
}

fn answer(state: &SimState, headers: &HeaderMap, pairs: Vec<(String, String)>) -> Result<Response, ApiError> {
    let now = Instant::now();
    let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
    let app_id = state.tokens.app_of(token, now).ok_or_else(ApiError::invalid_token)?;
    state.chat_list_rate.arrive(&app_id, now).map_err(ApiError::rate_limited)?;
    let faults = state.faults();
    if !state.config.bot_enabled || faults.bot_disabled {
        return Err(ApiError::new(400, 232025, "Bot ability is not activated."));
    }
    if !state.config.message_scopes_granted || faults.message_scope_missing {
        let forced = crate::ForcedAnswer::missing_scopes(&app_id, &[CHAT_READ_SCOPE]);
        return Err(ApiError::new(forced.http_status, forced.code, forced.msg));
    }
    let first = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let page_size = match first("page_size") {
        None => DEFAULT_PAGE_SIZE,
        Some(raw) => parse_page_size(raw).ok_or_else(ApiError::field_validation_failed)?,
    };
    let offset = match first("page_token").filter(|token| !token.is_empty()) {
        None => 0,
        Some(token) => state.pages.check_chats(token).ok_or_else(ApiError::field_validation_failed)?,
    };
    let members: Vec<&SimChat> = state.config.chats.iter().filter(|chat| chat.bot_is_member).collect();
    let page: Vec<serde_json::Value> = members.iter().skip(offset).take(page_size).map(|chat| item(state, chat)).collect();
    let end = offset.saturating_add(page.len());
    let has_more = end < members.len();
    let page_token = if has_more { state.pages.issue_chats(end) } else { String::new() };
    tracing::debug!(offset, items = page.len(), has_more, "chat list answered");
    Ok(json_answer(
        200,
        json!({ "code": 0, "msg": "success", "data": { "items": page, "page_token": page_token, "has_more": has_more } }),
    ))
}

/// One chat as the list shows it.
fn item(state: &SimState, chat: &SimChat) -> serde_json::Value {
    let owner = state.config.users.first().map(|user| user.open_id.as_str()).unwrap_or("");
    json!({
        "chat_id": chat.chat_id,
        "avatar": format!("{}/_sim/chat_avatar/{}", state.base_url, chat.chat_id),
        "name": chat.name,
        "description": chat.description,
        "owner_id": owner,
        "owner_id_type": "open_id",
        "external": chat.external,
        "tenant_key": state.config.tenant_key,
        "chat_status": "normal",
    })
}

/// Digits only, within `1..=100`.
fn parse_page_size(raw: &str) -> Option<usize> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|size| (1..=MAX_PAGE_SIZE).contains(size))
}

/// `GET /_sim/chat_avatar/{chat_id}`: a square SVG badge with the chat's first letter.
pub(crate) async fn chat_avatar(State(state): State<Arc<SimState>>, Path(chat_id): Path<String>) -> Response {
    let Some(chat) = state.config.chats.iter().find(|chat| chat.chat_id == chat_id) else {
        return (StatusCode::NOT_FOUND, "no such chat").into_response();
    };
    let initial: String = chat.name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    let initial = crate::oauth::escape(&initial);
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="{initial}"><rect width="96" height="96" rx="20" fill="#1f4fc7"/><text x="48" y="62" font-family="sans-serif" font-size="40" fill="#fff" text-anchor="middle">{initial}</text></svg>"##
    );
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_one_to_a_hundred() {
        assert_eq!(parse_page_size("1"), Some(1));
        assert_eq!(parse_page_size("100"), Some(100));
        for bad in ["0", "101", "", "-1", "+5", " 5", "1e2"] {
            assert_eq!(parse_page_size(bad), None, "{bad:?}");
        }
    }
}
