//! The messages the bot posted, per chat, and Feishu's `uuid` de-duplication:
//! a second send with the same uuid to the same chat within an hour keeps
//! nothing and answers the first message. The simulator's state holds the store;
//! the `messages` handler fills it, the chat pages and the handle read it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::chats::SimChat;

/// How long a `uuid` keeps a chat from getting the same message again (Feishu: one hour).
pub const UUID_DEDUP_WINDOW: Duration = Duration::from_secs(60 * 60);

/// A message the simulator accepted, as a chat received it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimMessage {
    /// `om_…`, as the send answered.
    pub message_id: String,
    /// The chat it was posted to.
    pub chat_id: String,
    /// The sender's `uuid`, if it sent one.
    pub uuid: Option<String>,
    /// `interactive` (a card) or `text`.
    pub msg_type: String,
    /// The `content` string parsed: the card JSON, or `{"text": …}`.
    pub content: Value,
    /// The `content` string exactly as sent.
    pub raw_content: String,
    /// When it was accepted, in milliseconds since the Unix epoch.
    pub create_time_ms: i64,
}

/// A chat and the messages it received, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChatMessages {
    /// The chat as configured.
    pub chat: SimChat,
    /// Its messages in the order they were accepted.
    pub messages: Vec<SimMessage>,
}

/// What a send did to the store.
#[derive(Clone, Debug)]
pub(crate) enum Kept {
    /// A new message.
    New(SimMessage),
    /// A duplicate `uuid`: nothing new, this is the first message.
    Duplicate(SimMessage),
}

#[derive(Debug, Default)]
struct Inner {
    /// Every accepted message in order.
    messages: Vec<SimMessage>,
    /// (chat_id, uuid) → index into `messages`, and when it was kept.
    by_uuid: HashMap<(String, String), (usize, Instant)>,
}

/// The accepted messages of every chat.
#[derive(Debug, Default)]
pub(crate) struct MessageStore {
    inner: Mutex<Inner>,
}

impl MessageStore {
    /// Keeps `message` unless its uuid was seen in its chat within
    /// [`UUID_DEDUP_WINDOW`]; decided under one lock, so that concurrent sends
    /// with one uuid keep one message.
    pub fn keep(&self, message: SimMessage, now: Instant) -> Kept {
        let mut inner = self.lock();
        if let Some(uuid) = &message.uuid {
            let key = (message.chat_id.clone(), uuid.clone());
            if let Some(&(index, at)) = inner.by_uuid.get(&key)
                && now.saturating_duration_since(at) < UUID_DEDUP_WINDOW
            {
                return Kept::Duplicate(inner.messages[index].clone());
            }
            let index = inner.messages.len();
            inner.by_uuid.insert(key, (index, now));
        }
        inner.messages.push(message.clone());
        Kept::New(message)
    }

    /// The messages of `chat_id`, oldest first.
    pub fn of_chat(&self, chat_id: &str) -> Vec<SimMessage> {
        self.lock().messages.iter().filter(|m| m.chat_id == chat_id).cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, chat: &str, uuid: Option<&str>) -> SimMessage {
        SimMessage {
            message_id: id.to_owned(),
            chat_id: chat.to_owned(),
            uuid: uuid.map(str::to_owned),
            msg_type: "text".to_owned(),
            content: serde_json::json!({"text": id}),
            raw_content: String::new(),
            create_time_ms: 0,
        }
    }

    #[test]
    fn a_uuid_dedups_per_chat_for_an_hour() {
        let store = MessageStore::default();
        let t0 = Instant::now();
        assert!(matches!(store.keep(message("om_1", "oc_a", Some("u")), t0), Kept::New(_)));
        let Kept::Duplicate(first) = store.keep(message("om_2", "oc_a", Some("u")), t0 + Duration::from_secs(3599)) else {
            panic!("a duplicate within the hour");
        };
        assert_eq!(first.message_id, "om_1");
        assert!(matches!(store.keep(message("om_3", "oc_b", Some("u")), t0), Kept::New(_)), "another chat");
        assert!(matches!(store.keep(message("om_4", "oc_a", None), t0), Kept::New(_)));
        assert!(matches!(store.keep(message("om_5", "oc_a", Some("u")), t0 + UUID_DEDUP_WINDOW), Kept::New(_)));
        let ids: Vec<String> = store.of_chat("oc_a").into_iter().map(|m| m.message_id).collect();
        assert_eq!(ids, ["om_1", "om_4", "om_5"]);
    }
}
