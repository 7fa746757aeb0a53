//! `POST /open-apis/im/v1/messages?receive_id_type=chat_id`: the bot posts a
//! card (`msg_type: interactive`) or a text to a chat, written from the
//! platform notes ("Bot messages"). Accepted messages are kept per chat
//! ([`SimMessage`]) for tests and for the chat pages.
//!
//! Checks, in order (each refusal keeps nothing):
//!
//! 1. Authorization header 99991661, token 99991663 (HTTP 400, as on search);
//! 2. the app's limits, 50 a second and 1000 a minute: 99991400, HTTP 429, with
//!    `x-ogw-ratelimit-limit` / `-reset` (the limit and reset of the window that
//!    refused); every request with a valid token counts, refused ones too;
//! 3. [`crate::Faults::message_forced`], if set;
//! 4. the body: a JSON object with a non-empty string `receive_id`, else
//!    99992402 "field validation failed" (HTTP 400);
//! 5. the chat's limit, 5 a second per `receive_id` whatever the app: 230020
//!    "rate limited for this chat", HTTP 400, no headers;
//! 6. fields: `receive_id_type` must be `chat_id` (the only kind the simulator
//!    knows), `msg_type` and `content` strings, `uuid` (if not empty) at most
//!    50 characters: else 99992402;
//! 7. the bot capability: 230006 "Bot ability is not activated.";
//! 8. the scope: 99991672 naming `im:message:send_as_bot` (then `im:message`,
//!    `im:message:send`, any of which would do);
//! 9. the chat: an id the tenant does not have answers 230001 "Your request
//!    contains an invalid request parameter, ext=invalid receive_id: …";
//! 10. membership: 230002 "Bot/User can NOT be out of the chat.";
//! 11. `msg_type` must be `interactive` or `text`: else 99992402;
//! 12. a card or text whose request body is over 30,000 bytes: 230025 (Feishu's doc
//!     limits the request body, where `content` is an escaped JSON string, to 30 KB;
//!     a KB of 1,000 bytes is the strict reading of it);
//! 13. `content` must be JSON: a card that is not answers 230099 with
//!     `ErrCode: 200621`; a text that is not `{"text": "…"}` answers 230001;
//! 14. the card's own checks (see the `card` module): 230099 with a sub-code;
//! 15. `uuid`: a send with the uuid of one accepted in the same chat within an
//!     hour answers success with the first message's data and keeps nothing.
//!
//! Every refusal but 99991400 is HTTP 400. The answer waits
//! [`crate::Faults::message_delay`] after all this was decided and the message kept.

mod card;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::api::{ApiError, bearer_token, json_answer};
use crate::config::{Faults, MESSAGE_SEND_SCOPE};
use crate::state::SimState;

use crate::message_store::{Kept, SimMessage};

/// The most bytes a message's request body may have (30 KB, read as 30,000: see the
/// module doc).
pub const MAX_BODY_BYTES: usize = 30_000;
/// The most characters a `uuid` may have.
pub const MAX_UUID_CHARS: usize = 50;

pub(crate) async fn send(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    body: Bytes,
) -> Response {
    state.recorder.message_request();
    let faults = state.faults();
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let decided = decide(&state, &faults, &headers, &pairs, &body, Instant::now());
    if !faults.message_delay.is_zero() {
        tokio::time::sleep(faults.message_delay).await;
    }
    match decided {
        Ok(message) => {
            state.recorder.message_answer(0);
            json_answer(200, json!({ "code": 0, "msg": "success", "data": data(&state, &message) }))
        }
        Err(error) => {
            tracing::debug!(code = error.code, msg = %error.msg, "message send refused");
            state.recorder.message_answer(error.code);
            error.into_response()
        }
    }
}

/// The answer's `data`: the message as Feishu describes a sent one.
fn data(state: &SimState, message: &SimMessage) -> Value {
    let time = message.create_time_ms.to_string();
    json!({
        "message_id": message.message_id,
        "root_id": "",
        "parent_id": "",
        "msg_type": message.msg_type,
        "create_time": time,
        "update_time": time,
        "deleted": false,
        "updated": false,
        "chat_id": message.chat_id,
        "sender": {
            "id": state.config.app_id,
            "id_type": "app_id",
            "sender_type": "app",
            "tenant_key": state.config.tenant_key,
        },
        "body": { "content": message.raw_content },
    })
}

/// The checks of the module doc, in order; an accepted message is kept here.
fn decide(
    state: &SimState,
    faults: &Faults,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    body: &[u8],
    now: Instant,
) -> Result<SimMessage, ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
    let app_id = state.tokens.app_of(token, now).ok_or_else(ApiError::invalid_token)?;
    let per_second = state.message_rate.arrive(&app_id, now);
    let per_minute = state.message_rate_minute.arrive(&app_id, now);
    per_second.and(per_minute).map_err(ApiError::rate_limited)?;
    if let Some(forced) = &faults.message_forced {
        let mut error = ApiError::new(forced.http_status, forced.code, forced.msg.clone());
        if error.code == 99991400 {
            // As a real limit answers: with the headers.
            error.limited = Some(crate::rate::Limited { limit: state.config.message_rate_per_second, reset_secs: 1 });
        }
        return Err(error);
    }
    let body_bytes = body.len();
    let body: Value = serde_json::from_slice(body).map_err(|_| invalid("body is not JSON"))?;
    let receive_id = body
        .get("receive_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| invalid("receive_id missing"))?;
    state.chat_message_rate.arrive(receive_id, now).map_err(|_| ApiError::new(400, 230020, "rate limited for this chat"))?;
    let receive_id_type = pairs.iter().find(|(key, _)| key == "receive_id_type").map(|(_, value)| value.as_str());
    if receive_id_type != Some("chat_id") {
        return Err(invalid("receive_id_type must be chat_id"));
    }
    let (Some(msg_type), Some(content)) =
        (body.get("msg_type").and_then(Value::as_str), body.get("content").and_then(Value::as_str))
    else {
        return Err(invalid("msg_type and content must be strings"));
    };
    let uuid = match body.get("uuid") {
        None | Some(Value::Null) => None,
        Some(Value::String(uuid)) if uuid.is_empty() => None,
        Some(Value::String(uuid)) if uuid.chars().count() <= MAX_UUID_CHARS => Some(uuid.clone()),
        Some(_) => return Err(invalid("uuid must be a string of at most 50 characters")),
    };
    if !state.config.bot_enabled || faults.bot_disabled {
        return Err(ApiError::new(400, 230006, "Bot ability is not activated."));
    }
    if !state.config.message_scopes_granted || faults.message_scope_missing {
        let forced = crate::ForcedAnswer::missing_scopes(&app_id, &[MESSAGE_SEND_SCOPE, "im:message", "im:message:send"]);
        return Err(ApiError::new(forced.http_status, forced.code, forced.msg));
    }
    let Some(chat) = state.config.chats.iter().find(|chat| chat.chat_id == receive_id) else {
        return Err(ApiError::new(
            400,
            230001,
            format!("Your request contains an invalid request parameter, ext=invalid receive_id: {receive_id}"),
        ));
    };
    if !chat.bot_is_member {
        return Err(ApiError::new(400, 230002, "Bot/User can NOT be out of the chat."));
    }
    if !matches!(msg_type, "interactive" | "text") {
        return Err(invalid("msg_type must be interactive or text"));
    }
    if body_bytes > MAX_BODY_BYTES {
        return Err(ApiError::new(
            400,
            230025,
            format!("The message is too long: a request body of {body_bytes} bytes, at most {MAX_BODY_BYTES}."),
        ));
    }
    let parsed = parse_content(msg_type, content)?;
    let message = SimMessage {
        message_id: format!("om_{:032x}", rand::random::<u128>()),
        chat_id: chat.chat_id.clone(),
        uuid,
        msg_type: msg_type.to_owned(),
        content: parsed,
        raw_content: content.to_owned(),
        create_time_ms: chrono::Utc::now().timestamp_millis(),
    };
    match state.messages.keep(message, now) {
        Kept::New(message) => {
            tracing::debug!(chat_id = %message.chat_id, message_id = %message.message_id, "message kept");
            Ok(message)
        }
        Kept::Duplicate(first) => {
            tracing::debug!(chat_id = %first.chat_id, message_id = %first.message_id, "duplicate uuid: nothing kept");
            Ok(first)
        }
    }
}

/// The content parsed, or the refusal for its kind.
fn parse_content(msg_type: &str, content: &str) -> Result<Value, ApiError> {
    let parsed: Option<Value> = serde_json::from_str(content).ok();
    if msg_type == "text" {
        return parsed.filter(|text| text.get("text").is_some_and(Value::is_string)).ok_or_else(|| {
            ApiError::new(
                400,
                230001,
                "Your request contains an invalid request parameter, ext=content of a text must be JSON such as {\"text\":\"…\"}",
            )
        });
    }
    let Some(card) = parsed else {
        let refusal = card::unreadable("card content is not JSON", "content");
        return Err(ApiError::new(400, 230099, refusal.to_msg()));
    };
    card::check(&card).map_err(|refusal| ApiError::new(400, 230099, refusal.to_msg()))?;
    Ok(card)
}

/// 99992402, with why in the log (Feishu's gateway answers it for any bad field).
fn invalid(why: &str) -> ApiError {
    tracing::debug!(why, "message send: field validation failed");
    ApiError::field_validation_failed()
}
