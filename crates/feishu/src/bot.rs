//! The bot's calls, for the digest posted to admins' chats:
//! - `GET /open-apis/im/v1/chats`: the chats the bot is in, paged (at most 100 a page);
//! - `POST /open-apis/im/v1/messages?receive_id_type=chat_id`: a message card
//!   (`msg_type` interactive) posted by the bot, with a `uuid` that makes Feishu drop
//!   a duplicate sent within an hour.
//!
//! Both go through the client's one call path (token, rate, retries), the messages at
//! most [`MESSAGES_PER_SECOND`] a second. A message is retried only when Feishu limited
//! the rate or failed, and always with the same `uuid`, so that a retry of a message
//! Feishu did get is dropped there.

use serde::Deserialize;

use crate::client::{Endpoint, FeishuClient};
use crate::codes::Codes;
use crate::error::FeishuError;
use crate::im::{
    Chat, ChatsPage, MAX_CARD_BODY_BYTES, MAX_CHATS_PAGE, MAX_UUID_CHARS, MESSAGES_PER_SECOND, MessageRefusal, SentMessage,
    card_body,
};

const CHATS_PATH: &str = "/open-apis/im/v1/chats";
const MESSAGES_PATH: &str = "/open-apis/im/v1/messages";

#[derive(Deserialize)]
struct WireChats {
    #[serde(default)]
    items: Option<Vec<WireChat>>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    page_token: Option<String>,
}

#[derive(Deserialize)]
struct WireChat {
    chat_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    external: bool,
}

fn chats_endpoint() -> Endpoint<'static> {
    Endpoint { method: reqwest::Method::GET, path: CHATS_PATH, name: "im_chats", codes: Codes::ChatList, max_rate: None }
}

fn messages_endpoint() -> Endpoint<'static> {
    Endpoint {
        method: reqwest::Method::POST,
        path: MESSAGES_PATH,
        name: "im_messages",
        codes: Codes::Messages,
        max_rate: Some(MESSAGES_PER_SECOND),
    }
}

impl FeishuClient {
    /// One page of the chats the bot is in: the first for `page_token` `None`, else
    /// the page after the one that gave the token.
    #[tracing::instrument(skip_all)]
    pub async fn chats_page(&self, page_token: Option<&str>) -> Result<ChatsPage, FeishuError> {
        let page_size = MAX_CHATS_PAGE.to_string();
        let mut params = vec![("page_size", page_size.as_str())];
        if let Some(token) = page_token.filter(|t| !t.is_empty()) {
            params.push(("page_token", token));
        }
        let page: WireChats = self.call(&chats_endpoint(), &params, None).await?;
        let chats = page.items.unwrap_or_default().into_iter().map(|c| Chat {
            name: c.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| c.chat_id.clone()),
            chat_id: c.chat_id,
            description: c.description.unwrap_or_default(),
            external: c.external,
        });
        let next = page.page_token.filter(|t| !t.is_empty());
        let next = match (page.has_more, next) {
            (false, _) => None,
            (true, None) => return Err(FeishuError::RepeatedPageToken { page_token: None }),
            (true, Some(next)) if page_token == Some(next.as_str()) => {
                return Err(FeishuError::RepeatedPageToken { page_token: Some(next) });
            }
            (true, Some(next)) => Some(next),
        };
        Ok(ChatsPage { chats: chats.collect(), next_page_token: next })
    }

    /// Posts `card` (a card JSON, schema 2.0) to the chat `chat_id` as the bot. `uuid`
    /// (at most [`MAX_UUID_CHARS`]) identifies the message: the same uuid within an
    /// hour is dropped by Feishu, which answers with the first message.
    #[tracing::instrument(skip(self, card))]
    pub async fn send_card(&self, chat_id: &str, card: &serde_json::Value, uuid: &str) -> Result<SentMessage, FeishuError> {
        if uuid.is_empty() || uuid.chars().count() > MAX_UUID_CHARS {
            return Err(FeishuError::InvalidConfig {
                reason: format!("a message uuid must have 1 to {MAX_UUID_CHARS} characters, not {}", uuid.chars().count()),
            });
        }
        let body = card_body(chat_id, card, uuid)
            .map_err(|error| FeishuError::InvalidConfig { reason: format!("the card does not serialise: {error}") })?;
        if body.len() > MAX_CARD_BODY_BYTES {
            // Refused here rather than at Feishu: the same code and advice (230025), no call spent.
            return Err(FeishuError::MessageRefused {
                refusal: MessageRefusal::TooLong,
                code: MessageRefusal::TOO_LONG,
                sub_code: None,
                msg: format!(
                    "the request body would have {} bytes, over the {MAX_CARD_BODY_BYTES} Feishu takes (not sent)",
                    body.len()
                ),
            });
        }
        self.call(&messages_endpoint(), &[("receive_id_type", "chat_id")], Some(&body)).await
    }
}
