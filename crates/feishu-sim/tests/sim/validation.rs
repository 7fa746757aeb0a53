//! Every documented validation code with its HTTP status and message.

use crate::helpers::{TestSim, config, spawn};

const RANGE: [(&str, &str); 2] = [("from_date", "2025-06-01"), ("to_date", "2025-06-07")];

async fn assert_refused(sim: &TestSim, token: &str, query: &[(&str, &str)], code: i64, msg: &str) {
    let answer = sim.search(token, query).await;
    assert_eq!((answer.status, answer.code()), (400, code), "query {query:?}: {}", answer.body);
    assert_eq!(answer.body["msg"], msg, "query {query:?}");
    assert!(answer.body.get("data").is_none(), "an error carries no data: {}", answer.body);
}

#[tokio::test]
async fn missing_or_malformed_authorization_answers_99991661() {
    let sim = spawn(config()).await;
    for auth in [None, Some("Bearer"), Some("Bearer "), Some("Basic dXNlcjpwYXNz"), Some("t-abc")] {
        let answer = sim.search_with(auth, &RANGE).await;
        assert_eq!((answer.status, answer.code()), (400, 99991661), "auth {auth:?}");
    }
}

#[tokio::test]
async fn unknown_or_expired_token_answers_99991663() {
    let sim = spawn(config()).await;
    let answer = sim.search("t-00000000000000000000000000000000", &RANGE).await;
    assert_eq!((answer.status, answer.code()), (400, 99991663));

    let token = sim.token().await;
    assert_eq!(sim.search(&token, &RANGE).await.code(), 0);
    sim.sim.expire_all_tokens();
    let answer = sim.search(&token, &RANGE).await;
    assert_eq!((answer.status, answer.code()), (400, 99991663));
    let fresh = sim.token().await;
    assert_ne!(fresh, token);
    assert_eq!(sim.search(&fresh, &RANGE).await.code(), 0);
}

#[tokio::test]
async fn dates_must_be_present_strict_and_real() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let msg = "invalid  time format";
    let bad_queries: [&[(&str, &str)]; 8] = [
        &[("to_date", "2025-06-07")],
        &[("from_date", "2025-06-01")],
        &[],
        &[("from_date", "2025-6-01"), ("to_date", "2025-06-07")],
        &[("from_date", "2025/06/01"), ("to_date", "2025-06-07")],
        &[("from_date", "2025-06-01"), ("to_date", "2025-02-29")],
        &[("from_date", "2025-06-01T00:00:00"), ("to_date", "2025-06-07")],
        &[("from_date", "20250601"), ("to_date", "20250607")],
    ];
    for query in bad_queries {
        assert_refused(&sim, &token, query, 1629001, msg).await;
    }
    // A leap day is a real day.
    let answer = sim.search(&token, &[("from_date", "2024-02-29"), ("to_date", "2024-02-29")]).await;
    assert_eq!(answer.code(), 0);
}

#[tokio::test]
async fn from_after_to_answers_1629002() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let query = [("from_date", "2025-06-08"), ("to_date", "2025-06-07")];
    assert_refused(&sim, &token, &query, 1629002, "from_date can't be greater than to_date").await;
    // One day (from == to) is fine.
    assert_eq!(sim.search(&token, &[("from_date", "2025-06-07"), ("to_date", "2025-06-07")]).await.code(), 0);
}

#[tokio::test]
async fn page_size_defaults_to_20_and_must_be_1_to_200() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    for size in ["0", "201", "-5", "abc", "2.5", "", "+20"] {
        let query = [RANGE[0], RANGE[1], ("page_size", size)];
        assert_refused(&sim, &token, &query, 1629006, "invalid page_size").await;
    }
    let answer = sim.search(&token, &RANGE).await;
    assert_eq!((answer.status, answer.items().len(), answer.has_more()), (200, 20, true));
    for (size, expected) in [("1", 1), ("200", 200)] {
        let answer = sim.search(&token, &[RANGE[0], RANGE[1], ("page_size", size)]).await;
        assert_eq!(answer.items().len(), expected);
    }
}

#[tokio::test]
async fn page_token_not_issued_here_answers_1629005() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    for page_token in ["ddowkdkl9w2d", "AAAAAAAAABQ", "!!!"] {
        let query = [RANGE[0], RANGE[1], ("page_token", page_token)];
        assert_refused(&sim, &token, &query, 1629005, "invalid page_token").await;
    }
    // A token from another simulator instance is not this one's.
    let other = spawn(config()).await;
    let other_token = other.token().await;
    let first = other.search(&other_token, &RANGE).await;
    let foreign = first.page_token().expect("a week of 60 blocks has more than 20 rows");
    assert_refused(&sim, &token, &[RANGE[0], RANGE[1], ("page_token", foreign)], 1629005, "invalid page_token").await;
}

#[tokio::test]
async fn success_has_the_documented_shape() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let answer = sim.search(&token, &[RANGE[0], RANGE[1], ("page_size", "2")]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["msg"], "success");
    let item = &answer.items()[0];
    assert!(item["date"].as_str().is_some_and(|d| d.len() == 10));
    assert!(item["block_id"].as_str().is_some_and(|id| id.len() == 18));
    assert!(item["access_data"]["pv"].as_u64().is_some() && item["access_data"]["uv"].as_u64().is_some());
    assert!(answer.page_token().is_some());

    // The last page has has_more false and no page_token at all.
    let block = sim.sim.dataset().blocks()[0].id.clone();
    let answer = sim.search(&token, &[RANGE[0], RANGE[1], ("block_id", &block)]).await;
    assert_eq!(answer.items().len(), 7, "the top block has visits every day");
    assert!(!answer.has_more());
    assert!(answer.body["data"].get("page_token").is_none(), "{}", answer.body);
}

#[tokio::test]
async fn body_is_ignored_and_unknown_block_or_future_days_are_empty() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let response = sim
        .http
        .post(format!("{}{}", sim.sim.base_url(), feishu_sim::BLOCK_ACCESS_SEARCH_PATH))
        .query(&RANGE)
        .bearer_auth(&token)
        .body("{\"from_date\":\"garbage\"}")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);

    let unknown = sim.search(&token, &[RANGE[0], RANGE[1], ("block_id", "999999999999999999")]).await;
    assert_eq!((unknown.code(), unknown.items().len(), unknown.has_more()), (0, 0, false));
    let future = sim.search(&token, &[("from_date", "2025-07-01"), ("to_date", "2026-07-01")]).await;
    assert_eq!((future.code(), future.items().len()), (0, 0));
}
