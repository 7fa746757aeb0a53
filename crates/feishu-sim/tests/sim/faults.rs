//! Fault knobs, changed at run time through the handle.

use std::time::{Duration, Instant};

use feishu_sim::{Faults, ForcedAnswer, Outcome, WORKPLACE_DATA_SCOPE};

use crate::helpers::{config, spawn};

const DAY: [(&str, &str); 2] = [("from_date", "2025-06-02"), ("to_date", "2025-06-02")];

#[tokio::test]
async fn drop_ratio_one_closes_the_connection_without_an_answer() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    sim.sim.set_faults(Faults { drop_ratio: 1.0, ..Faults::default() });
    let auth = format!("Bearer {token}");
    for _ in 0..3 {
        let result = sim.send_search(Some(&auth), &DAY).await;
        assert!(result.is_err(), "expected a connection error, got {result:?}");
    }
    assert_eq!(sim.sim.stats().dropped, 3);

    sim.sim.set_faults(Faults::default());
    assert_eq!(sim.search(&token, &DAY).await.code(), 0);
}

#[tokio::test]
async fn http_5xx_ratio_one_answers_502_or_503_without_json() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    sim.sim.set_faults(Faults { http_5xx_ratio: 1.0, ..Faults::default() });
    for _ in 0..4 {
        let response = sim.send_search(Some(&format!("Bearer {token}")), &DAY).await.expect("answered");
        assert!(matches!(response.status().as_u16(), 502 | 503), "{}", response.status());
        let body = response.text().await.expect("body");
        assert!(serde_json::from_str::<serde_json::Value>(&body).is_err(), "{body}");
    }
    assert_eq!(sim.sim.stats().gateway_errors, 4);
}

#[tokio::test]
async fn internal_error_ratio_one_answers_1629004() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    sim.sim.set_faults(Faults { internal_error_ratio: 1.0, ..Faults::default() });
    let answer = sim.search(&token, &DAY).await;
    assert_eq!((answer.status, answer.code()), (400, 1629004));
    assert_eq!(answer.body["msg"], "internal service error");
}

#[tokio::test]
async fn a_forced_answer_applies_to_every_search_while_set() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let app_id = sim.sim.config().app_id.clone();
    for forced in [
        ForcedAnswer::ip_not_allowed(),
        ForcedAnswer::quota_exhausted(),
        ForcedAnswer::missing_scope(&app_id),
        ForcedAnswer::app_unavailable(),
        ForcedAnswer::new(99991400, 429, "request trigger frequency limit"),
    ] {
        sim.sim.set_faults(Faults { forced: Some(forced.clone()), ..Faults::default() });
        for _ in 0..2 {
            let answer = sim.search(&token, &DAY).await;
            assert_eq!((answer.status, answer.code()), (forced.http_status, forced.code));
            assert_eq!(answer.body["msg"], forced.msg.as_str());
        }
        if forced.code == 99991400 {
            let answer = sim.search(&token, &DAY).await;
            assert!(answer.headers.contains_key(feishu_sim::RATE_RESET_HEADER));
        }
    }
    assert!(ForcedAnswer::missing_scope(&app_id).msg.contains(WORKPLACE_DATA_SCOPE));
    sim.sim.set_faults(Faults::default());
    assert_eq!(sim.search(&token, &DAY).await.code(), 0);
}

#[tokio::test]
async fn latency_and_spikes_delay_the_answer_but_not_the_arrival() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    sim.sim.set_faults(Faults { latency: Duration::from_millis(200), ..Faults::default() });
    let started = Instant::now();
    assert_eq!(sim.search(&token, &DAY).await.code(), 0);
    assert!(started.elapsed() >= Duration::from_millis(200));

    sim.sim.set_faults(Faults { spike_ratio: 1.0, spike: Duration::from_secs(5), ..Faults::default() });
    sim.sim.reset_stats();
    let started = Instant::now();
    let auth = format!("Bearer {token}");
    let timed_out = tokio::time::timeout(Duration::from_millis(300), sim.send_search(Some(&auth), &DAY)).await;
    assert!(timed_out.is_err(), "a 5 s spike outlasts a 300 ms timeout");
    let requests = sim.sim.requests();
    assert_eq!(requests.len(), 1, "the request was recorded on arrival");
    assert!(requests[0].arrived >= started);
    assert!(matches!(requests[0].outcome, Outcome::Pending));
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let auth = format!("Bearer {token}");
    let handle = sim.sim.clone();
    handle.shutdown().await;
    let fresh = reqwest::Client::new();
    let result = fresh.post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", sim.sim.base_url())).send().await;
    assert!(result.is_err(), "{result:?}");
    assert!(sim.send_search(Some(&auth), &DAY).await.is_err());
}
