//! The tenant token endpoint and token lifetime.

use std::time::Duration;

use feishu_sim::SimConfig;
use serde_json::json;

use crate::helpers::{config, spawn};

const WEEK: [(&str, &str); 2] = [("from_date", "2025-06-01"), ("to_date", "2025-06-07")];

#[tokio::test]
async fn right_credentials_get_a_token_and_asking_again_gets_the_same() {
    let sim = spawn(config()).await;
    let (status, body) = sim.token_answer(json!({"app_id": "cli_demo_app", "app_secret": "demo-secret"})).await;
    assert_eq!(status, 200);
    assert_eq!((body["code"].as_i64(), body["msg"].as_str()), (Some(0), Some("ok")));
    let token = body["tenant_access_token"].as_str().expect("token");
    assert!(token.starts_with("t-") && token[2..].chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    assert_eq!(body["expire"], 7200);

    let (_, again) = sim.token_answer(json!({"app_id": "cli_demo_app", "app_secret": "demo-secret"})).await;
    assert_eq!(again["tenant_access_token"], token);
    assert!(again["expire"].as_u64().is_some_and(|left| (7190..=7200).contains(&left)));
    assert_eq!(sim.sim.stats().token_requests, 2);
}

#[tokio::test]
async fn wrong_credentials_answer_10014_or_10003() {
    let sim = spawn(config()).await;
    let cases = [
        (json!({"app_id": "cli_demo_app", "app_secret": "wrong"}), 10014, "app secret invalid"),
        (json!({"app_id": "cli_other", "app_secret": "demo-secret"}), 10003, "invalid param"),
        (json!({"app_id": "cli_demo_app"}), 10003, "invalid param"),
        (json!({"app_id": "", "app_secret": "demo-secret"}), 10003, "invalid param"),
        (json!({"app_id": "cli_demo_app", "app_secret": ""}), 10003, "invalid param"),
        (json!("not an object"), 10003, "invalid param"),
    ];
    for (body, code, msg) in cases {
        let (status, answer) = sim.token_answer(body.clone()).await;
        assert_eq!((status, answer["code"].as_i64(), answer["msg"].as_str()), (400, Some(code), Some(msg)), "{body}");
        assert!(answer.get("tenant_access_token").is_none());
    }
}

#[tokio::test]
async fn a_short_lived_token_expires_and_is_renewed_near_its_end() {
    // ttl 4 s: reissue once less than 1 s (a quarter) is left.
    let sim = spawn(SimConfig { token_ttl: Duration::from_secs(4), ..config() }).await;
    let first = sim.token().await;
    assert_eq!(sim.search(&first, &WEEK).await.code(), 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sim.token().await, first, "2.5 s left: same token");

    tokio::time::sleep(Duration::from_millis(1700)).await;
    let second = sim.token().await;
    assert_ne!(second, first, "0.8 s left: a new token");
    assert_eq!(sim.search(&first, &WEEK).await.code(), 0, "the old token lives until its own expiry");

    tokio::time::sleep(Duration::from_millis(1000)).await;
    let answer = sim.search(&first, &WEEK).await;
    assert_eq!((answer.status, answer.code()), (400, 99991663));
    assert_eq!(sim.search(&second, &WEEK).await.code(), 0);
}
