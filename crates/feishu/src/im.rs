//! The bot's messaging API as Feishu defines it, for the digest posted to admins'
//! chats: the chats the bot is in, the message card's request body and its limits, the
//! scopes the calls need, and why Feishu refuses a message ([`MessageRefusal`]). The
//! calls themselves, through the client, are in the `bot` module; this module holds no
//! client, so that the errors and the code tables below the client can name its refusals.
//!
//! Feishu limits messages to 50 a second per app and 5 a second per chat (shared by all
//! bots): the client sends at most [`MESSAGES_PER_SECOND`] a second in all, which keeps
//! both.

use serde::{Deserialize, Serialize};

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

/// The chat list's code for an app whose bot capability is off.
pub(crate) const CHAT_LIST_BOT_DISABLED: i64 = 232_025;

/// The scope a bot needs to post a message (one of three Feishu accepts; the narrowest).
pub const SEND_MESSAGE_SCOPE: &str = "im:message:send_as_bot";
/// The scope a bot needs to list the chats it is in.
pub const LIST_CHATS_SCOPE: &str = "im:chat:readonly";

/// Why Feishu refused a message, one case per documented messaging code (the send
/// endpoint's table; the chat list's own code is [`crate::FeishuError::ChatListBotDisabled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageRefusal {
    /// 230001: a parameter (the chat id, the message type) is invalid.
    InvalidRequest,
    /// 230002: the bot is not in the chat.
    BotNotInChat,
    /// 230006: the app's bot capability is off.
    BotDisabled,
    /// 230020: too many messages to this chat (5 a second, shared by all bots).
    ChatRateLimited,
    /// 230025: the message is longer than Feishu takes (a card's request body at
    /// most 30 KB). The client also refuses such a body before sending it, with this.
    TooLong,
    /// 230027: the app lacks a permission the send needs.
    LacksPermission,
    /// 230034: the `receive_id` is not a chat this app can address.
    InvalidReceiveId,
    /// 230035: the bot may not send to this chat (only owners or admins may post).
    NoPermission,
    /// 230049: a message with the same `uuid` is still being sent (two replicas
    /// sending the same digest at once): not a failure, asked again later it answers
    /// the message Feishu sent.
    BeingSent,
    /// 232009: the chat was dissolved.
    ChatDissolved,
    /// 230099: Feishu could not build the card (its sub-code says why).
    CardRejected,
}

impl MessageRefusal {
    /// The code of [`MessageRefusal::TooLong`].
    pub const TOO_LONG: i64 = 230_025;

    /// The refusal behind a messaging `code`, if it is one.
    pub fn of_code(code: i64) -> Option<Self> {
        Some(match code {
            230_001 => Self::InvalidRequest,
            230_002 => Self::BotNotInChat,
            230_006 => Self::BotDisabled,
            230_020 => Self::ChatRateLimited,
            Self::TOO_LONG => Self::TooLong,
            230_027 => Self::LacksPermission,
            230_034 => Self::InvalidReceiveId,
            230_035 => Self::NoPermission,
            230_049 => Self::BeingSent,
            232_009 => Self::ChatDissolved,
            230_099 => Self::CardRejected,
            _ => return None,
        })
    }

    /// What happened, in plain words.
    pub fn what(self) -> &'static str {
        match self {
            Self::InvalidRequest => "Feishu refused the message as invalid (the chat id or the message type)",
            Self::BotNotInChat => "the bot is not in this chat",
            Self::BotDisabled => "the app's bot capability is turned off",
            Self::ChatRateLimited => "Feishu is limiting messages to this chat",
            Self::TooLong => "the card is longer than Feishu takes",
            Self::LacksPermission => "the app lacks a permission that sending this message needs",
            Self::InvalidReceiveId => "Feishu does not know this chat id for this app",
            Self::NoPermission => "the bot may not post in this chat",
            Self::BeingSent => "Feishu is still sending a message with the same uuid",
            Self::ChatDissolved => "the chat was dissolved",
            Self::CardRejected => "Feishu could not build the card",
        }
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        match self {
            Self::InvalidRequest => "Choose the chat again from the chat list on the digest page; if it persists, report it.",
            Self::BotNotInChat => "Add the app's bot to the chat (chat settings → Bots → Add bot), or remove the chat's digest.",
            Self::BotDisabled => {
                "Enable the bot capability of the app in the Feishu developer console (Features → Bot), then publish a new app version."
            }
            Self::ChatRateLimited => "Nothing to do: the digest is sent again in a moment.",
            Self::TooLong => "Report it: the digest is meant to stay within Feishu's card limits.",
            Self::LacksPermission => {
                "Check in the Feishu developer console that the app holds im:message:send_as_bot (Permissions & Scopes) and that its availability covers this chat, then publish a new app version."
            }
            Self::InvalidReceiveId => {
                "Choose the chat again from the chat list on the digest page (a chat id of another app or tenant does not work), or remove the chat's digest."
            }
            Self::BeingSent => {
                "Nothing to do: another send of this digest is under way; it is asked again shortly and then answers the message Feishu sent."
            }
            Self::NoPermission => "Let the bot post in the chat (chat settings → who may send messages), or choose another chat.",
            Self::ChatDissolved => "Remove the chat's digest and choose another chat.",
            Self::CardRejected => "Report it with the reason shown: the digest card should always be valid.",
        }
    }
}

/// The request body that posts `card` to `chat_id`: the card as an escaped JSON string.
pub(crate) fn card_body(chat_id: &str, card: &serde_json::Value, uuid: &str) -> serde_json::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Message<'a> {
        receive_id: &'a str,
        msg_type: &'static str,
        content: String,
        uuid: &'a str,
    }
    serde_json::to_vec(&Message { receive_id: chat_id, msg_type: "interactive", content: card.to_string(), uuid })
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
