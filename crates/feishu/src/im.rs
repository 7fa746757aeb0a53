//! The bot's messaging endpoints, for the digest posted to admins' chats:
//! - `GET /open-apis/im/v1/chats`: the chats the bot is in, paged (at most 100 a page);
//! - `POST /open-apis/im/v1/messages?receive_id_type=chat_id`: a message card
//!   (`msg_type` interactive) posted by the bot, with a `uuid` that makes Feishu drop
//!   a duplicate sent within an hour.
//!
//! Both go through the client's one call path (token, rate, retries). Feishu limits
//! messages to 50 a second per app and 5 a second per chat (shared by all bots): the
//! client sends at most [`MESSAGES_PER_SECOND`] a second in all, which keeps both.
//! A message is retried only when Feishu limited the rate or failed, and always with
//! the same `uuid`, so that a retry of a message Feishu did get is dropped there.

use serde::{Deserialize, Serialize};

use crate::client::{Codes, Endpoint, FeishuClient};
use crate::error::{FeishuError, MessageRefusal};

const CHATS_PATH: &str = "/open-apis/im/v1/chats";
const MESSAGES_PATH: &str = "/open-apis/im/v1/messages";
/// The largest page of chats Feishu answers.
pub const MAX_CHATS_PAGE: u8 = 100;
/// Messages the client sends per second at most: Feishu's per-chat limit, so that no
/// chat, and no app, is ever sent more than it takes.
pub const MESSAGES_PER_SECOND: u32 = 5;
/// The longest `uuid` Feishu takes.
pub const MAX_UUID_CHARS: usize = 50;
/// The largest request body of a card message Feishu takes. Its doc says a card's
/// request body ("请求体") may have at most 30 KB: there the card is a JSON string
/// inside the JSON body, so every `"` and `\` of the card counts twice. Whether a KB
/// is 1,000 or 1,024 bytes the doc does not say; the safe reading is 1,000.
pub const MAX_CARD_BODY_BYTES: usize = 30_000;
/// The longest `receive_id` [`card_body_bytes`] allows for (a chat id is `oc_` and
/// 32 hex digits).
const LONGEST_CHAT_ID: usize = 64;

/// A chat the bot is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    /// `oc_…`: where messages are sent.
    pub chat_id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Whether people of other tenants are in it.
    #[serde(default)]
    pub external: bool,
}

/// One page of chats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatsPage {
    pub chats: Vec<Chat>,
    /// The token of the next page; `None` on the last.
    pub next_page_token: Option<String>,
}

/// A message Feishu accepted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SentMessage {
    /// `om_…`.
    pub message_id: String,
}

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
        let body = card_body(chat_id, card, uuid)?;
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

/// The request body that posts `card` to `chat_id`: the card as an escaped JSON string.
fn card_body(chat_id: &str, card: &serde_json::Value, uuid: &str) -> Result<Vec<u8>, FeishuError> {
    #[derive(Serialize)]
    struct Message<'a> {
        receive_id: &'a str,
        msg_type: &'static str,
        content: String,
        uuid: &'a str,
    }
    serde_json::to_vec(&Message { receive_id: chat_id, msg_type: "interactive", content: card.to_string(), uuid })
        .map_err(|error| FeishuError::InvalidConfig { reason: format!("the card does not serialise: {error}") })
}

/// Bytes of the request body that posts `card` to any chat with any uuid (the
/// longest of each): what to hold against [`MAX_CARD_BODY_BYTES`] when laying a card out.
pub fn card_body_bytes(card: &serde_json::Value) -> usize {
    let (chat_id, uuid) = ("c".repeat(LONGEST_CHAT_ID), "u".repeat(MAX_UUID_CHARS));
    card_body(&chat_id, card, &uuid).map_or(usize::MAX, |body| body.len())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_card_is_measured_escaped_in_its_request_body() {
        // 12,000 quotes: 24 KB as card JSON (each one `\"`), twice that once escaped.
        let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "\"".repeat(12_000)}]}});
        let as_json = card.to_string().len();
        assert!(as_json < MAX_CARD_BODY_BYTES, "{as_json}");
        assert!(card_body_bytes(&card) > 2 * as_json - 1_000, "{}", card_body_bytes(&card));
        assert!(card_body_bytes(&card) > MAX_CARD_BODY_BYTES);
        let small = json!({"schema": "2.0", "body": {"elements": []}});
        assert!(card_body_bytes(&small) < 300);
    }
}
