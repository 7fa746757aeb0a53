//! Messaging as the app's bot: the chats it is in and the cards it posts. A pass-through
//! to the Feishu client, outside the access data, with every call metered against the
//! monthly quota by the same [`crate::quota::Meter`] as the searches.

use std::sync::Arc;

use feishu::FeishuClient;

use crate::ServiceError;
use crate::quota::Meter;

/// The bot's messaging; [`crate::AccessService::messenger`] hands one out. Cheap to clone.
#[derive(Clone)]
pub struct Messenger {
    client: FeishuClient,
    meter: Arc<Meter>,
}

impl Messenger {
    pub(crate) fn new(client: FeishuClient, meter: Arc<Meter>) -> Self {
        Self { client, meter }
    }

    /// The chats the app's bot is in, read page by page; each page is one call,
    /// reserved against the monthly quota before it is sent, like every other call.
    pub async fn chats(&self) -> Result<Vec<feishu::Chat>, ServiceError> {
        /// 100 pages of 100: more chats than any admin chooses from.
        const MAX_PAGES: usize = 100;
        let mut chats = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.meter.call(|| self.client.chats_page(token.as_deref())).await?;
            chats.extend(page.chats);
            match page.next_page_token {
                Some(next) => token = Some(next),
                None => return Ok(chats),
            }
        }
        tracing::warn!(chats = chats.len(), "the bot is in more chats than are read; listing the first");
        Ok(chats)
    }

    /// Posts `card` to the chat `chat_id` as the bot, with Feishu's deduplication
    /// `uuid`: one call, reserved against the monthly quota before it is sent.
    pub async fn send_card(
        &self,
        chat_id: &str,
        card: &serde_json::Value,
        uuid: &str,
    ) -> Result<feishu::SentMessage, ServiceError> {
        self.meter.call(|| self.client.send_card(chat_id, card, uuid)).await
    }
}
