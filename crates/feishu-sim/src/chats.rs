//! The tenant's group chats ([`SimChat`]): the ones [`crate::SimConfig::chats`] holds,
//! by default the demo tenant's three. The chat list that shows them to the bot is
//! the `chat_list` module.

use serde::Serialize;

/// Id of the demo chat "工作台管理员" (workplace admins); the bot is a member.
pub const DEMO_CHAT_ADMINS: &str = "oc_3f0e6b1c9a2d4e5f8071a2b3c4d5e6f7";
/// Id of the demo chat "Workplace operations"; the bot is a member.
pub const DEMO_CHAT_OPS: &str = "oc_8c2d4e6f0a1b3c5d7e9f1a2b3c4d5e6f";
/// Id of the demo chat "All staff · 全员" that the bot is NOT in: sends answer 230002.
pub const DEMO_CHAT_WITHOUT_BOT: &str = "oc_d41f7a93b25c6e08f1a2b3c4d5e6f708";

/// A group chat of the simulated tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimChat {
    /// `oc_…`, the `receive_id` a bot posts to.
    pub chat_id: String,
    /// The chat's name.
    pub name: String,
    /// The chat's description.
    pub description: String,
    /// Whether the app's bot is in the chat: only then is it listed, and only
    /// then may the bot post (else 230002).
    pub bot_is_member: bool,
    /// Whether the chat includes people of other tenants.
    pub external: bool,
}

impl SimChat {
    /// An internal chat with the bot in it and no description.
    pub fn with_bot(chat_id: impl Into<String>, name: impl Into<String>) -> Self {
        Self { chat_id: chat_id.into(), name: name.into(), description: String::new(), bot_is_member: true, external: false }
    }
}

/// The demo tenant's chats: two the bot is in (one named in Chinese, one in
/// English) and one it is not in.
pub fn demo_chats() -> Vec<SimChat> {
    vec![
        SimChat {
            description: "飞书工作台的管理员：每周的小组件访问摘要发到这里".to_owned(),
            ..SimChat::with_bot(DEMO_CHAT_ADMINS, "工作台管理员")
        },
        SimChat {
            description: "Workplace operations: the weekly block digest lands here".to_owned(),
            ..SimChat::with_bot(DEMO_CHAT_OPS, "Workplace operations")
        },
        SimChat {
            chat_id: DEMO_CHAT_WITHOUT_BOT.to_owned(),
            name: "All staff · 全员".to_owned(),
            description: "Everyone in the company; no bots".to_owned(),
            bot_is_member: false,
            external: false,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_chats_have_stable_distinct_ids_and_one_without_the_bot() {
        let chats = demo_chats();
        let ids: std::collections::BTreeSet<&str> = chats.iter().map(|c| c.chat_id.as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(chats.iter().all(|c| c.chat_id.starts_with("oc_") && c.chat_id.len() == 35));
        assert_eq!(chats.iter().filter(|c| !c.bot_is_member).count(), 1);
        assert!(chats.iter().any(|c| c.name.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))));
    }
}
