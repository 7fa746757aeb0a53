//! The bot's messages and chat list against the simulator: each messaging code comes
//! back as its own refusal with its own advice, and a card too long for Feishu's
//! request body is refused before it is sent.

mod common;

use common::{client, sim_config, start};
use feishu::{FeishuError, MAX_CARD_BODY_BYTES, MessageRefusal, card_body_bytes};
use feishu_sim::{DEMO_CHAT_ADMINS, Faults, ForcedAnswer};
use serde_json::json;

fn card(markdown: &str) -> serde_json::Value {
    json!({"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "t"}}, "body": {"elements": [{"tag": "markdown", "content": markdown}]}})
}

#[tokio::test]
async fn a_card_under_30_kb_as_json_but_over_once_escaped_is_not_sent() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    // Each quote is 2 bytes in the card JSON and 4 in the request body.
    let long = card(&"\"".repeat(10_000));
    assert!(long.to_string().len() < MAX_CARD_BODY_BYTES);
    assert!(card_body_bytes(&long) > MAX_CARD_BODY_BYTES);
    let error = client.send_card(DEMO_CHAT_ADMINS, &long, "digest-1").await.expect_err("too long");
    assert!(matches!(error, FeishuError::MessageRefused { refusal: MessageRefusal::TooLong, code: 230_025, .. }), "{error}");
    assert!(error.to_string().contains("not sent"), "{error}");
    assert_eq!(sim.stats().message_requests, 0, "nothing reached Feishu");

    // The same card with plain text of the same length goes.
    let plain = card(&"x".repeat(10_000));
    assert!(card_body_bytes(&plain) <= MAX_CARD_BODY_BYTES);
    client.send_card(DEMO_CHAT_ADMINS, &plain, "digest-2").await.expect("sent");
    assert_eq!(sim.messages(DEMO_CHAT_ADMINS).len(), 1);
}

#[tokio::test]
async fn each_messaging_code_is_its_own_refusal_with_its_own_advice() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let cases = [
        (ForcedAnswer::lacks_permission(), MessageRefusal::LacksPermission, "im:message:send_as_bot"),
        (ForcedAnswer::invalid_receive_id(), MessageRefusal::InvalidReceiveId, "Choose the chat again"),
        (ForcedAnswer::message_being_sent(), MessageRefusal::BeingSent, "Nothing to do"),
    ];
    for (answer, expected, advice) in cases {
        let code = answer.code;
        sim.set_faults(Faults { message_forced: Some(answer), ..Faults::default() });
        let before = sim.stats().message_requests;
        let error = client.send_card(DEMO_CHAT_ADMINS, &card("hello"), "digest-x").await.expect_err("refused");
        assert!(matches!(&error, FeishuError::MessageRefused { refusal, .. } if *refusal == expected), "{error}");
        assert_eq!(error.code(), Some(code));
        assert!(error.advice().contains(advice) && error.to_string().contains(advice), "{error}");
        // Only a send still under way at Feishu is asked again (with the same uuid).
        let tries = sim.stats().message_requests - before;
        assert_eq!(tries > 1, expected == MessageRefusal::BeingSent, "{code}: {tries} requests");
    }

    sim.set_faults(Faults { bot_disabled: true, ..Faults::default() });
    let error = client.chats_page(None).await.expect_err("no bot, no chats");
    assert!(matches!(error, FeishuError::ChatListBotDisabled { .. }), "{error}");
    assert_eq!(error.code(), Some(232_025));
    assert!(error.to_string().contains("Features → Bot"), "{error}");
}
