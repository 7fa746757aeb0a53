//! The bot message endpoints: the chat list, sends with every refusal, uuid
//! de-duplication, the delayed answer, and the ground truth they leave in
//! `/_sim/chats`. Cards' own checks and the chat pages are in `message_cards`.

use std::time::Duration;

use feishu_sim::{
    CHAT_READ_SCOPE, CHATS_PATH, DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_WITHOUT_BOT, Faults, ForcedAnswer,
    MESSAGE_SEND_SCOPE, MESSAGES_PATH, RATE_LIMIT_HEADER, RATE_RESET_HEADER, SimChat, SimConfig,
};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestSim, config, spawn};

/// Without the per-chat limit, so that a test may send many refusals to one chat.
pub fn relaxed() -> SimConfig {
    SimConfig { chat_message_rate_per_second: 0, ..config() }
}

/// A digest card like the dashboard's: header, markdown, a table and a button.
pub fn digest_card(title: &str) -> Value {
    json!({
        "schema": "2.0",
        "config": {"width_mode": "fill"},
        "header": {"title": {"tag": "plain_text", "content": title}, "subtitle": {"tag": "plain_text", "content": "2025-06-23 – 2025-06-29"}, "template": "blue"},
        "body": {"elements": [
            {"tag": "markdown", "content": "**1,204** visits, <font color='green'>+12%</font> on the week before"},
            {"tag": "table", "page_size": 5, "columns": [
                {"name": "block", "display_name": "Block", "data_type": "text"},
                {"name": "pv", "display_name": "Visits", "data_type": "number", "horizontal_align": "right"}
            ], "rows": [{"block": "Expense claims", "pv": 640}, {"block": "Leave requests", "pv": 564}]},
            {"tag": "button", "text": {"tag": "plain_text", "content": "Open the dashboard"}, "type": "primary",
             "behaviors": [{"type": "open_url", "default_url": "https://insights.example.com/?from=2025-06-23&to=2025-06-29"}]}
        ]}
    })
}

impl TestSim {
    pub async fn send_raw(&self, token: Option<&str>, receive_id_type: &str, body: Vec<u8>) -> Answer {
        let mut request = self
            .http
            .post(format!("{}{MESSAGES_PATH}", self.sim.base_url()))
            .query(&[("receive_id_type", receive_id_type)])
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        answer(request.send().await.expect("send is answered")).await
    }

    pub async fn send_message(&self, token: &str, chat: &str, msg_type: &str, content: &str, uuid: Option<&str>) -> Answer {
        let mut body = json!({"receive_id": chat, "msg_type": msg_type, "content": content});
        if let Some(uuid) = uuid {
            body["uuid"] = json!(uuid);
        }
        self.send_raw(Some(token), "chat_id", body.to_string().into_bytes()).await
    }

    pub async fn send_card(&self, token: &str, chat: &str, card: &Value, uuid: Option<&str>) -> Answer {
        self.send_message(token, chat, "interactive", &card.to_string(), uuid).await
    }

    pub async fn list_chats(&self, token: Option<&str>, query: &[(&str, &str)]) -> Answer {
        let mut request = self.http.get(format!("{}{CHATS_PATH}", self.sim.base_url())).query(query);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        answer(request.send().await.expect("chat list is answered")).await
    }

    /// How many messages every chat holds, from `/_sim/chats`.
    pub async fn kept_counts(&self) -> Vec<(String, usize)> {
        let truth: Value = self
            .http
            .get(format!("{}/_sim/chats", self.sim.base_url()))
            .send()
            .await
            .expect("ground truth answered")
            .json()
            .await
            .expect("JSON");
        truth["chats"]
            .as_array()
            .expect("chats")
            .iter()
            .map(|chat| (chat["chat_id"].as_str().expect("id").to_owned(), chat["messages"].as_array().expect("messages").len()))
            .collect()
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.expect("answer is JSON");
    Answer { status, headers, body }
}

pub fn assert_refused(answer: &Answer, status: u16, code: i64) {
    assert_eq!((answer.status, answer.code()), (status, code), "{}", answer.body);
    assert!(answer.body.get("data").is_none(), "{}", answer.body);
}

#[tokio::test]
async fn the_chat_list_pages_through_the_bots_chats_only() {
    let chats: Vec<SimChat> = (0..50)
        .map(|i| SimChat {
            bot_is_member: i % 10 != 9,
            external: i % 7 == 0,
            description: format!("chat number {i}"),
            ..SimChat::with_bot(format!("oc_{i:032x}"), format!("Chat {i}"))
        })
        .collect();
    let members: Vec<String> = chats.iter().filter(|c| c.bot_is_member).map(|c| c.chat_id.clone()).collect();
    assert_eq!(members.len(), 45);
    let sim = spawn(SimConfig { chats, ..config() }).await;
    let token = sim.token().await;

    for (query, sizes) in
        [(vec![], vec![20, 20, 5]), (vec![("page_size", "7")], vec![7, 7, 7, 7, 7, 7, 3]), (vec![("page_size", "100")], vec![45])]
    {
        let (mut seen, mut page_sizes, mut page_token) = (Vec::new(), Vec::new(), String::new());
        loop {
            let mut q = query.clone();
            if !page_token.is_empty() {
                q.push(("page_token", page_token.as_str()));
            }
            let page = sim.list_chats(Some(&token), &q).await;
            assert_eq!((page.status, page.code()), (200, 0), "{}", page.body);
            page_sizes.push(page.items().len());
            seen.extend(page.items().iter().map(|item| item["chat_id"].as_str().expect("chat_id").to_owned()));
            page_token = page.page_token().expect("page_token is always there").to_owned();
            if !page.has_more() {
                assert_eq!(page_token, "", "the last page has an empty page_token");
                break;
            }
            assert!(!page_token.is_empty());
        }
        assert_eq!(seen, members, "{query:?}");
        assert_eq!(page_sizes, sizes, "{query:?}");
    }

    let first = sim.list_chats(Some(&token), &[("page_size", "1")]).await;
    let item = &first.items()[0];
    assert_eq!(item["name"], "Chat 0");
    assert_eq!(item["description"], "chat number 0");
    assert_eq!(item["external"], true);
    assert_eq!((item["owner_id_type"].as_str(), item["chat_status"].as_str()), (Some("open_id"), Some("normal")));
    assert!(item["owner_id"].as_str().expect("owner").starts_with("ou_"));
    assert_eq!(item["tenant_key"], sim.sim.config().tenant_key.as_str());
    let avatar = sim.http.get(item["avatar"].as_str().expect("avatar")).send().await.expect("avatar served");
    assert_eq!(avatar.status(), 200);
    assert_eq!(avatar.headers()["content-type"], "image/svg+xml");
    assert!(sim.sim.stats().chat_list_requests >= 12);
}

#[tokio::test]
async fn the_chat_list_refuses_bad_paging_tokens_and_missing_abilities() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let demo = sim.list_chats(Some(&token), &[]).await;
    let ids: Vec<&str> = demo.items().iter().map(|item| item["chat_id"].as_str().expect("id")).collect();
    assert_eq!(ids, [DEMO_CHAT_ADMINS, DEMO_CHAT_OPS], "the chat without the bot is not listed");
    assert_eq!(demo.items()[0]["name"], "工作台管理员");

    for bad in [
        vec![("page_size", "0")],
        vec![("page_size", "101")],
        vec![("page_size", "")],
        vec![("page_size", "ten")],
        vec![("page_token", "ddowkdkl9w2d")],
    ] {
        let answer = sim.list_chats(Some(&token), &bad).await;
        assert_refused(&answer, 400, 99992402);
        assert_eq!(answer.body["msg"], "field validation failed");
    }
    assert_refused(&sim.list_chats(None, &[]).await, 400, 99991661);
    assert_refused(&sim.list_chats(Some("t-00000000000000000000000000000000"), &[]).await, 400, 99991663);

    sim.sim.set_faults(Faults { bot_disabled: true, ..Faults::default() });
    let answer = sim.list_chats(Some(&token), &[]).await;
    assert_refused(&answer, 400, 232025);
    sim.sim.set_faults(Faults { message_scope_missing: true, ..Faults::default() });
    let answer = sim.list_chats(Some(&token), &[]).await;
    assert_refused(&answer, 400, 99991672);
    assert!(answer.body["msg"].as_str().expect("msg").contains(CHAT_READ_SCOPE), "{}", answer.body);
    sim.sim.set_faults(Faults::default());
    assert_eq!(sim.list_chats(Some(&token), &[]).await.code(), 0);
}

#[tokio::test]
async fn a_card_is_kept_as_sent_and_answered_as_feishu_does() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let card = digest_card("Weekly digest");
    let answer = sim.send_card(&token, DEMO_CHAT_ADMINS, &card, Some("digest-2025-W26-admins")).await;
    assert_eq!((answer.status, answer.code(), answer.body["msg"].as_str()), (200, 0, Some("success")), "{}", answer.body);
    let data = &answer.body["data"];
    let message_id = data["message_id"].as_str().expect("message_id");
    assert!(message_id.starts_with("om_") && message_id.len() > 10, "{message_id}");
    assert_eq!(data["msg_type"], "interactive");
    assert_eq!(data["chat_id"], DEMO_CHAT_ADMINS);
    assert_eq!((data["root_id"].as_str(), data["parent_id"].as_str()), (Some(""), Some("")));
    assert_eq!((data["deleted"].as_bool(), data["updated"].as_bool()), (Some(false), Some(false)));
    let created: i64 = data["create_time"].as_str().expect("a string").parse().expect("milliseconds");
    assert_eq!(data["update_time"], data["create_time"]);
    let sender = &data["sender"];
    assert_eq!(sender["id"], sim.sim.config().app_id.as_str());
    assert_eq!((sender["id_type"].as_str(), sender["sender_type"].as_str()), (Some("app_id"), Some("app")));
    assert_eq!(sender["tenant_key"], sim.sim.config().tenant_key.as_str());
    assert_eq!(serde_json::from_str::<Value>(data["body"]["content"].as_str().expect("content")).expect("JSON"), card);

    let kept = sim.sim.messages(DEMO_CHAT_ADMINS);
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].message_id.as_str(), kept[0].uuid.as_deref()), (message_id, Some("digest-2025-W26-admins")));
    assert_eq!((kept[0].content.clone(), kept[0].create_time_ms), (card.clone(), created));
    assert!(sim.sim.messages(DEMO_CHAT_OPS).is_empty());

    let text = sim.send_message(&token, DEMO_CHAT_OPS, "text", r#"{"text":"digest paused\nback next week"}"#, None).await;
    assert_eq!(text.code(), 0, "{}", text.body);
    assert_eq!(sim.sim.messages(DEMO_CHAT_OPS)[0].content, json!({"text": "digest paused\nback next week"}));

    let truth: Value =
        sim.http.get(format!("{}/_sim/chats", sim.sim.base_url())).send().await.expect("answered").json().await.expect("JSON");
    let chats = truth["chats"].as_array().expect("chats");
    assert_eq!(chats.len(), 3, "every chat, the bot's or not");
    let admins = chats.iter().find(|c| c["chat_id"] == DEMO_CHAT_ADMINS).expect("admins chat");
    assert_eq!(admins["messages"][0]["message_id"], message_id);
    assert_eq!(admins["messages"][0]["content"], card);
    assert_eq!(admins["messages"][0]["uuid"], "digest-2025-W26-admins");
    assert_eq!(admins["messages"][0]["create_time"], created.to_string());
    let handle_view = sim.sim.chats_with_messages();
    assert_eq!(handle_view.iter().map(|c| c.messages.len()).collect::<Vec<_>>(), [1, 1, 0]);
    let stats = sim.sim.stats();
    assert_eq!((stats.message_requests, stats.message_answers_by_code.get(&0)), (2, Some(&2)));
}

#[tokio::test]
async fn a_repeated_uuid_keeps_one_message_and_answers_the_first() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let first = sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("One"), Some("week-26")).await;
    let again = sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("One, edited"), Some("week-26")).await;
    assert_eq!((first.code(), again.code()), (0, 0));
    assert_eq!(again.body["data"], first.body["data"], "the first message's data, its content included");
    assert_eq!(sim.sim.messages(DEMO_CHAT_ADMINS).len(), 1);

    let other_chat = sim.send_card(&token, DEMO_CHAT_OPS, &digest_card("One"), Some("week-26")).await;
    assert_ne!(other_chat.body["data"]["message_id"], first.body["data"]["message_id"], "a uuid counts per chat");
    let other_uuid = sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("One"), Some("week-27")).await;
    assert_ne!(other_uuid.body["data"]["message_id"], first.body["data"]["message_id"]);

    // Retries racing each other still leave one message.
    let race = digest_card("Race");
    let racing = futures::future::join_all((0..4).map(|_| sim.send_card(&token, DEMO_CHAT_OPS, &race, Some("race")))).await;
    let ids: std::collections::BTreeSet<String> =
        racing.iter().map(|a| a.body["data"]["message_id"].as_str().expect("accepted").to_owned()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(sim.sim.messages(DEMO_CHAT_OPS).len(), 2);
    assert_eq!(sim.sim.messages(DEMO_CHAT_ADMINS).len(), 2);
}

#[tokio::test]
async fn every_refusal_has_its_code_and_keeps_nothing() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    let card = digest_card("Weekly digest");
    let content = card.to_string();

    let answer = sim.send_card(&token, DEMO_CHAT_WITHOUT_BOT, &card, None).await;
    assert_refused(&answer, 400, 230002);
    assert_eq!(answer.body["msg"], "Bot/User can NOT be out of the chat.");
    let answer = sim.send_card(&token, "oc_00000000000000000000000000000000", &card, None).await;
    assert_refused(&answer, 400, 230001);
    assert!(answer.body["msg"].as_str().expect("msg").contains("invalid receive_id"), "{}", answer.body);

    assert_refused(&sim.send_raw(None, "chat_id", content.clone().into_bytes()).await, 400, 99991661);
    assert_refused(
        &sim.send_raw(Some("t-00000000000000000000000000000000"), "chat_id", content.clone().into_bytes()).await,
        400,
        99991663,
    );
    let body = json!({"receive_id": DEMO_CHAT_ADMINS, "msg_type": "interactive", "content": content}).to_string();
    for receive_id_type in ["open_id", "user_id", ""] {
        assert_refused(&sim.send_raw(Some(&token), receive_id_type, body.clone().into_bytes()).await, 400, 99992402);
    }
    assert_refused(&sim.send_raw(Some(&token), "chat_id", b"{not json".to_vec()).await, 400, 99992402);
    assert_refused(
        &sim.send_raw(Some(&token), "chat_id", br#"{"msg_type":"text","content":"{}"}"#.to_vec()).await,
        400,
        99992402,
    );
    let long_uuid = "u".repeat(51);
    assert_refused(&sim.send_card(&token, DEMO_CHAT_ADMINS, &card, Some(&long_uuid)).await, 400, 99992402);
    assert_eq!(sim.send_card(&token, DEMO_CHAT_ADMINS, &card, Some(&"界".repeat(50))).await.code(), 0, "50 characters are fine");
    assert_refused(&sim.send_message(&token, DEMO_CHAT_ADMINS, "post", &content, None).await, 400, 99992402);
    assert_refused(&sim.send_message(&token, DEMO_CHAT_ADMINS, "text", "plain words", None).await, 400, 230001);

    sim.sim.set_faults(Faults { bot_disabled: true, ..Faults::default() });
    let answer = sim.send_card(&token, DEMO_CHAT_ADMINS, &card, None).await;
    assert_refused(&answer, 400, 230006);
    assert_eq!(answer.body["msg"], "Bot ability is not activated.");
    sim.sim.set_faults(Faults { message_scope_missing: true, ..Faults::default() });
    let answer = sim.send_card(&token, DEMO_CHAT_ADMINS, &card, None).await;
    assert_refused(&answer, 400, 99991672);
    let msg = answer.body["msg"].as_str().expect("msg");
    assert!(msg.contains(&format!("[{MESSAGE_SEND_SCOPE}, ")), "{msg}");
    sim.sim.set_faults(Faults { message_forced: Some(ForcedAnswer::no_permission_to_send()), ..Faults::default() });
    assert_refused(&sim.send_card(&token, DEMO_CHAT_ADMINS, &card, None).await, 400, 230035);
    sim.sim.set_faults(Faults {
        message_forced: Some(ForcedAnswer::new(99991400, 429, "request trigger frequency limit")),
        ..Faults::default()
    });
    let forced_limit = sim.send_card(&token, DEMO_CHAT_ADMINS, &card, None).await;
    assert_refused(&forced_limit, 429, 99991400);
    assert_eq!(forced_limit.headers[RATE_RESET_HEADER], "1");
    sim.sim.set_faults(Faults::default());

    let kept = sim.kept_counts().await;
    assert_eq!(
        kept,
        [(DEMO_CHAT_ADMINS.to_owned(), 1), (DEMO_CHAT_OPS.to_owned(), 0), (DEMO_CHAT_WITHOUT_BOT.to_owned(), 0)],
        "only the 50-character uuid's send"
    );
    assert_eq!(sim.sim.stats().message_answers_by_code.get(&99992402), Some(&7));
}

#[tokio::test]
async fn the_app_and_the_config_switches_refuse_too() {
    let sim = spawn(SimConfig { bot_enabled: false, ..relaxed() }).await;
    let token = sim.token().await;
    assert_refused(&sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("x"), None).await, 400, 230006);
    let sim = spawn(SimConfig { message_scopes_granted: false, ..relaxed() }).await;
    let token = sim.token().await;
    assert_refused(&sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("x"), None).await, 400, 99991672);
    assert_refused(&sim.list_chats(Some(&token), &[]).await, 400, 99991672);
}

#[tokio::test]
async fn six_quick_sends_to_one_chat_get_one_230020() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let answers = futures::future::join_all((0..6).map(|i| {
        let card = digest_card(&format!("Card {i}"));
        let sim = &sim;
        let token = &token;
        async move { sim.send_card(token, DEMO_CHAT_ADMINS, &card, None).await }
    }))
    .await;
    let codes: Vec<i64> = answers.iter().map(Answer::code).collect();
    assert_eq!(codes.iter().filter(|c| **c == 230020).count(), 1, "{codes:?}");
    let limited = answers.iter().find(|a| a.code() == 230020).expect("one limited");
    assert_refused(limited, 400, 230020);
    assert_eq!(limited.body["msg"], "rate limited for this chat");
    assert_eq!(sim.sim.messages(DEMO_CHAT_ADMINS).len(), 5);
    assert_eq!(
        sim.send_card(&token, DEMO_CHAT_OPS, &digest_card("elsewhere"), None).await.code(),
        0,
        "each chat has its own limit"
    );
}

#[tokio::test]
async fn the_apps_limit_answers_99991400_with_headers() {
    let sim = spawn(SimConfig { message_rate_per_second: 3, ..relaxed() }).await;
    let token = sim.token().await;
    let chats = [DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_ADMINS, DEMO_CHAT_OPS];
    let card = digest_card("x");
    let answers = futures::future::join_all(chats.iter().map(|chat| sim.send_card(&token, chat, &card, None))).await;
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.code() == 99991400).collect();
    assert_eq!(limited.len(), 1, "{:?}", answers.iter().map(Answer::code).collect::<Vec<_>>());
    assert_refused(limited[0], 429, 99991400);
    assert_eq!(limited[0].headers[RATE_LIMIT_HEADER], "3");
    let reset: u64 = limited[0].headers[RATE_RESET_HEADER].to_str().expect("ascii").parse().expect("seconds");
    assert!(reset >= 1);
}

#[tokio::test]
async fn a_delayed_answer_leaves_the_message_kept_when_the_sender_gives_up() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    // Far longer than the test takes: the answer never comes while it runs.
    sim.sim.set_faults(Faults { message_delay: Duration::from_secs(600), ..Faults::default() });
    let sender = {
        let sim_url = sim.sim.base_url();
        let http = sim.http.clone();
        let body = json!({"receive_id": DEMO_CHAT_ADMINS, "msg_type": "interactive", "content": digest_card("Delayed").to_string(), "uuid": "week-26"});
        let token = token.clone();
        tokio::spawn(async move {
            http.post(format!("{sim_url}{MESSAGES_PATH}?receive_id_type=chat_id")).bearer_auth(token).json(&body).send().await
        })
    };
    let mut kept = Vec::new();
    for _ in 0..400 {
        kept = sim.sim.messages(DEMO_CHAT_ADMINS);
        if !kept.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(kept.len(), 1, "kept before the answer");
    assert!(!sender.is_finished(), "no answer yet");
    sender.abort();
    assert!(sender.await.expect_err("aborted").is_cancelled());
    assert!(sim.sim.stats().message_answers_by_code.is_empty(), "nothing answered");

    // The sender comes back with the same uuid and learns the message id.
    sim.sim.set_faults(Faults::default());
    let retry = sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("Delayed"), Some("week-26")).await;
    assert_eq!(retry.code(), 0);
    assert_eq!(retry.body["data"]["message_id"], kept[0].message_id.as_str());
    assert_eq!(sim.sim.messages(DEMO_CHAT_ADMINS).len(), 1);
}

#[tokio::test]
async fn message_knobs_are_set_over_http_too() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    let faults = format!("{}/_sim/faults", sim.sim.base_url());
    let post = |body: Value| sim.http.post(&faults).json(&body).send();
    assert_eq!(post(json!({"bot_disabled": true})).await.expect("set").status(), 204);
    assert_refused(&sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("x"), None).await, 400, 230006);
    assert_eq!(post(json!({"bot_disabled": false, "message_forced": {"code": 232009}})).await.expect("set").status(), 204);
    let answer = sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("x"), None).await;
    assert_refused(&answer, 400, 232009);
    assert!(sim.sim.faults().message_forced.is_some() && !sim.sim.faults().bot_disabled);
    assert_eq!(post(json!({"message_delay_ms": 1, "message_scope_missing": true})).await.expect("set").status(), 204);
    let set = sim.sim.faults();
    assert_eq!((set.message_delay, set.message_scope_missing), (Duration::from_millis(1), true));
    // The search endpoint's old body still works, and leaves the message knobs alone.
    assert_eq!(post(json!({"code": 99991403})).await.expect("set").status(), 204);
    assert!(sim.sim.faults().message_scope_missing && sim.sim.faults().forced.is_some());
    assert_eq!(sim.http.delete(&faults).send().await.expect("cleared").status(), 204);
    assert_eq!(sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("x"), None).await.code(), 0);
}
