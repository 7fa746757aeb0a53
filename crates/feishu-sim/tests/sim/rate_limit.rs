//! The per-app limit of 20 search requests in any sliding second.

use std::time::Duration;

use feishu_sim::{RATE_LIMIT_HEADER, RATE_RESET_HEADER};

use crate::helpers::{config, spawn};

const DAY: [(&str, &str); 2] = [("from_date", "2025-06-02"), ("to_date", "2025-06-02")];

#[tokio::test]
async fn twenty_five_at_once_get_five_99991400_with_both_headers() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let answers = futures::future::join_all((0..25).map(|_| sim.search(&token, &DAY))).await;

    let limited: Vec<_> = answers.iter().filter(|a| a.code() == 99991400).collect();
    assert_eq!(limited.len(), 5, "{:?}", answers.iter().map(|a| a.code()).collect::<Vec<_>>());
    assert_eq!(answers.iter().filter(|a| a.code() == 0).count(), 20);
    for answer in limited {
        assert_eq!(answer.status, 429);
        assert_eq!(answer.body["msg"], "request trigger frequency limit");
        assert_eq!(answer.headers[RATE_LIMIT_HEADER], "20");
        let reset: u64 = answer.headers[RATE_RESET_HEADER].to_str().expect("ascii").parse().expect("integer seconds");
        assert!(reset >= 1);
    }
    let stats = sim.sim.stats();
    assert_eq!(stats.max_requests_in_any_window(Duration::from_secs(1)), 25);
    assert_eq!(stats.answers_by_code.get(&99991400), Some(&5));

    // Once the second has passed, requests go through again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sim.search(&token, &DAY).await.code(), 0);
}

#[tokio::test]
async fn requests_spaced_within_the_limit_all_pass() {
    let sim = spawn(config()).await;
    let token = sim.token().await;
    let mut ticker = tokio::time::interval(Duration::from_millis(60));
    // After a stall, wait a full period rather than bursting to catch up.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for _ in 0..30 {
        ticker.tick().await;
        assert_eq!(sim.search(&token, &DAY).await.code(), 0);
    }
    assert!(sim.sim.stats().max_requests_in_any_window(Duration::from_secs(1)) <= 20);
}
