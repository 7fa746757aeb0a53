//! What a card must be for the simulator to accept it (230025 and the 230099
//! sub-codes, read from `ErrCode: N` in `msg` as the client does), and the chat
//! pages that show the accepted cards rendered.

use feishu_sim::{DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_WITHOUT_BOT, MAX_BODY_BYTES};
use serde_json::{Value, json};

use crate::helpers::spawn;
use crate::messages::{assert_refused, digest_card, relaxed};

fn card(elements: Value) -> Value {
    json!({"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "t"}}, "body": {"elements": elements}})
}

fn markdown(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"tag": "markdown", "content": format!("line {i}")})).collect()
}

fn table(extra: Value) -> Value {
    let mut table = json!({"tag": "table", "page_size": 5,
        "columns": [{"name": "block", "display_name": "Block", "data_type": "text"}, {"name": "pv", "display_name": "Visits", "data_type": "number"}],
        "rows": [{"block": "Expense claims", "pv": 640}]});
    for (key, value) in extra.as_object().into_iter().flatten() {
        table[key] = value.clone();
    }
    table
}

/// The `ErrCode` a 230099 answer's `msg` carries.
fn sub_code(msg: &str) -> i64 {
    let rest = msg.split("ErrCode: ").nth(1).unwrap_or_else(|| panic!("no ErrCode in {msg}"));
    rest.split(';').next().and_then(|code| code.trim().parse().ok()).unwrap_or_else(|| panic!("no number in {msg}"))
}

/// The body `send_message` posts for this content (and no uuid).
fn body_bytes(content: &str) -> usize {
    json!({"receive_id": DEMO_CHAT_ADMINS, "msg_type": "interactive", "content": content}).to_string().len()
}

#[tokio::test]
async fn a_request_body_over_30_kb_answers_230025_and_30_kb_passes() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    let sized = |bytes: usize| {
        let empty = card(json!([{"tag": "markdown", "content": ""}])).to_string();
        let content = card(json!([{"tag": "markdown", "content": "x".repeat(bytes - body_bytes(&empty))}])).to_string();
        assert_eq!(body_bytes(&content), bytes);
        content
    };
    let answer = sim.send_message(&token, DEMO_CHAT_ADMINS, "interactive", &sized(MAX_BODY_BYTES + 1), None).await;
    assert_refused(&answer, 400, 230025);
    assert_eq!(sim.send_message(&token, DEMO_CHAT_ADMINS, "interactive", &sized(MAX_BODY_BYTES), None).await.code(), 0);
    assert_eq!(MAX_BODY_BYTES, 30_000);
}

#[tokio::test]
async fn a_card_under_30_kb_as_json_but_over_once_escaped_answers_230025() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    // Quotes: 2 bytes each in the card JSON, 4 once the card is a string in the body.
    let content = card(json!([{"tag": "markdown", "content": "\"".repeat(10_000)}])).to_string();
    assert!(content.len() < MAX_BODY_BYTES && body_bytes(&content) > MAX_BODY_BYTES, "{}", content.len());
    let answer = sim.send_message(&token, DEMO_CHAT_ADMINS, "interactive", &content, None).await;
    assert_refused(&answer, 400, 230025);
}

#[tokio::test]
async fn every_card_problem_answers_230099_with_its_sub_code() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    let tables: Vec<Value> = (0..6).map(|_| table(json!({}))).collect();
    let charts: Vec<Value> = (0..6).map(|_| json!({"tag": "chart", "chart_spec": {"type": "line"}})).collect();
    let columns: Vec<Value> = (0..51).map(|i| json!({"name": format!("c{i}"), "data_type": "text"})).collect();
    let cases: Vec<(&str, String, i64)> = vec![
        ("not JSON", "{\"schema\": \"2.0\", ".to_owned(), 200621),
        ("a JSON array", "[]".to_owned(), 200621),
        ("schema 1.0", json!({"elements": markdown(1)}).to_string(), 200621),
        ("schema 2", json!({"schema": "2", "body": {"elements": []}}).to_string(), 200621),
        ("201 elements", card(json!(markdown(201))).to_string(), 11310),
        ("6 tables", card(json!(tables)).to_string(), 11311),
        ("6 charts", card(json!(charts)).to_string(), 11312),
        ("note", card(json!([{"tag": "note", "elements": [{"tag": "plain_text", "content": "n"}]}])).to_string(), 200861),
        ("action", card(json!([{"tag": "action", "actions": []}])).to_string(), 200861),
        ("chart without spec", card(json!([{"tag": "chart"}])).to_string(), 200550),
        ("page_size 11", card(json!([table(json!({"page_size": 11}))])).to_string(), 11313),
        ("51 columns", card(json!([table(json!({"columns": columns, "rows": []}))])).to_string(), 11314),
        ("undeclared column", card(json!([table(json!({"rows": [{"block": "a", "uv": 3}]}))])).to_string(), 200914),
        ("a number column with words", card(json!([table(json!({"rows": [{"pv": "lots"}]}))])).to_string(), 200915),
    ];
    for (case, content, expected) in &cases {
        let answer = sim.send_message(&token, DEMO_CHAT_ADMINS, "interactive", content, None).await;
        assert_refused(&answer, 400, 230099);
        let msg = answer.body["msg"].as_str().expect("msg");
        assert!(msg.starts_with("Failed to create card content, ext=ErrCode: "), "{case}: {msg}");
        assert_eq!(sub_code(msg), *expected, "{case}: {msg}");
    }
    let note = sim
        .send_card(&token, DEMO_CHAT_ADMINS, &card(json!([markdown(1)[0].clone(), {"tag": "note", "elements": []}])), None)
        .await;
    assert_eq!(
        note.body["msg"],
        "Failed to create card content, ext=ErrCode: 200861; ErrMsg: tag note is not supported in schema 2.0; ErrorValue: body.elements[1]; "
    );
    // The limits themselves pass: 200 elements (nested ones count), 5 tables, page_size 10, 50 columns.
    let nested = card(json!([{"tag": "column_set", "columns": [{"tag": "column", "elements": markdown(198)}]}]));
    let five_tables: Vec<Value> = (0..5).map(|_| table(json!({"page_size": 10}))).collect();
    let fifty: Vec<Value> = (0..50).map(|i| json!({"name": format!("c{i}")})).collect();
    for fine in [nested, card(json!(five_tables)), card(json!([table(json!({"columns": fifty, "rows": [{"c49": "last"}]}))]))] {
        assert_eq!(sim.send_card(&token, DEMO_CHAT_ADMINS, &fine, None).await.code(), 0);
    }
    assert_eq!(sim.sim.messages(DEMO_CHAT_ADMINS).len(), 3, "no refused card was kept");
}

#[tokio::test]
async fn a_chat_page_shows_its_cards_rendered_newest_first() {
    let sim = spawn(relaxed()).await;
    let token = sim.token().await;
    let page_of = |chat: &str| {
        let url = format!("{}/_sim/chats/{chat}", sim.sim.base_url());
        let http = sim.http.clone();
        async move {
            let response = http.get(url).send().await.expect("page served");
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
            (status, content_type, response.text().await.expect("text"))
        }
    };
    let (status, content_type, empty) = page_of(DEMO_CHAT_OPS).await;
    assert_eq!((status, content_type.as_str()), (200, "text/html; charset=utf-8"));
    assert!(empty.contains("No messages yet"), "{empty}");

    let mut hostile = digest_card("Week 26 <script>alert(1)</script>");
    hostile["body"]["elements"][0]["content"] = json!("**1,204** visits <script>alert(2)</script> [x](javascript:alert(3))");
    assert_eq!(sim.send_card(&token, DEMO_CHAT_ADMINS, &hostile, None).await.code(), 0);
    assert_eq!(sim.send_card(&token, DEMO_CHAT_ADMINS, &digest_card("Week 27"), None).await.code(), 0);
    let (status, _, page) = page_of(DEMO_CHAT_ADMINS).await;
    assert_eq!(status, 200);
    assert!(page.starts_with("<!doctype html>\n<html lang=\"en\">"), "{page}");
    assert!(page.contains("<title>工作台管理员 — "), "{page}");
    assert!(page.contains("<main>") && page.contains("<h1 lang=\"zh-CN\">工作台管理员</h1>"), "{page}");
    assert!(page.contains(feishu_card::CARD_CSS), "the card stylesheet is inline");
    assert!(page.contains("<h3 class=\"fc-title\">Week 27</h3>"), "{page}");
    assert!(page.contains("<h3 class=\"fc-title\">Week 26 &lt;script&gt;alert(1)&lt;/script&gt;</h3>"), "{page}");
    let newest = page.find("Week 27").expect("newest");
    let oldest = page.find("Week 26").expect("oldest");
    assert!(newest < oldest, "newest first");
    assert_eq!(page.matches("<section class=\"message\"").count(), 2);
    assert!(page.contains("<th scope=\"col\" class=\"fc-align-right\">Visits</th>"), "{page}");
    assert!(page.contains(">Expense claims</td><td class=\"fc-align-right fc-num\">640</td>"), "{page}");
    assert!(page.contains("href=\"https://insights.example.com/?from=2025-06-23&amp;to=2025-06-29\""), "{page}");
    assert!(page.contains(">Open the dashboard</a>"), "{page}");
    assert!(page.contains("<strong>1,204</strong>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script"), "no script at all: {page}");
    assert!(!page.contains("javascript:"), "{page}");

    let (status, _, missing) = page_of("oc_nope").await;
    assert_eq!(status, 404);
    assert!(missing.contains("<h1>No such chat</h1>"), "{missing}");
    let index =
        sim.http.get(format!("{}/_sim/chats.html", sim.sim.base_url())).send().await.expect("index").text().await.expect("text");
    for chat in [DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_WITHOUT_BOT] {
        assert!(index.contains(&format!("<a href=\"/_sim/chats/{chat}\"")), "{index}");
    }
    assert!(index.contains("2 messages"), "{index}");
}
