//! The rate budget keeps concurrent callers inside Feishu's 20 requests/second, and
//! concurrent first calls share one token fetch.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{client, client_config, last_days, rows, sim_config, start, truth};
use feishu::{BlockAccessQuery, FeishuClient, RateBudget, RateLimit, SlidingWindowBudget, codes};
use futures::future::join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_searches_stay_within_twenty_per_second() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(10);
    let query = BlockAccessQuery::new(from, to).expect("valid query");
    let expected = truth(&sim, from, to, None);
    assert!(expected.len() > 400, "several pages per search: {}", expected.len());

    let searches = (0..50).map(|_| {
        let (client, query) = (client.clone(), query.clone());
        tokio::spawn(async move { client.search(&query).await })
    });
    for result in join_all(searches).await {
        assert_eq!(rows(result.expect("task").expect("search")), expected);
    }

    let stats = sim.stats();
    assert_eq!(stats.search_requests, 50 * expected.len().div_ceil(200) as u64);
    assert_eq!(stats.answers_by_code.get(&codes::RATE_LIMITED), None, "{:?}", stats.answers_by_code);
    let busiest = stats.max_requests_in_any_window(Duration::from_secs(1));
    assert!(busiest <= 20, "{busiest} requests within one second");
    assert_eq!(busiest, 20, "the budget is used, not wasted");
    let metrics = client.metrics();
    assert_eq!(metrics.retries, 0);
    assert!(metrics.rate_wait_total > Duration::ZERO);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_budget_stay_within_it_together() {
    let sim = start(sim_config()).await;
    let budget: Arc<dyn RateBudget> = Arc::new(SlidingWindowBudget::new(RateLimit::default()));
    let clients: Vec<FeishuClient> =
        (0..3).map(|_| FeishuClient::with_rate_budget(client_config(&sim), Arc::clone(&budget)).expect("client")).collect();
    let (from, to) = last_days(3);
    let query = BlockAccessQuery::new(from, to).expect("valid query");
    let searches = (0..60).map(|i| {
        let (client, query) = (clients[i % 3].clone(), query.clone());
        tokio::spawn(async move { client.search(&query).await })
    });
    for result in join_all(searches).await {
        result.expect("task").expect("search");
    }
    let stats = sim.stats();
    assert_eq!(stats.answers_by_code.get(&codes::RATE_LIMITED), None);
    assert!(stats.max_requests_in_any_window(Duration::from_secs(1)) <= 20);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_are_waited_out_and_retried() {
    // The simulator allows 3 per second; the client's budget would allow 20.
    let mut config = sim_config();
    config.rate_limit_per_second = 3;
    let sim = start(config).await;
    // Ten callers through a door of three a second: up to four rounds of refusals.
    let mut config = client_config(&sim);
    config.retry.max_retries = 8;
    let client = FeishuClient::new(config).expect("client");
    let (from, to) = last_days(2);
    let query = BlockAccessQuery::new(from, to).expect("valid query");
    let expected = truth(&sim, from, to, None);

    let started = tokio::time::Instant::now();
    let searches = (0..10).map(|_| {
        let (client, query) = (client.clone(), query.clone());
        tokio::spawn(async move { client.search(&query).await })
    });
    for result in join_all(searches).await {
        assert_eq!(rows(result.expect("task").expect("search")), expected);
    }

    let limited = sim.stats().answers_by_code.get(&codes::RATE_LIMITED).copied().unwrap_or(0);
    assert!(limited >= 7, "the simulator refused {limited}");
    assert_eq!(sim.stats().successes(), 10);
    assert!(started.elapsed() >= Duration::from_secs(3), "waited for the resets: {:?}", started.elapsed());
    let metrics = client.metrics();
    assert_eq!(metrics.requests_by_code.get(&codes::RATE_LIMITED).copied(), Some(limited));
    assert_eq!(metrics.retries, limited);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_first_calls_fetch_one_token() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let query = BlockAccessQuery::new(last_days(1).0, last_days(1).1).expect("valid query");
    let calls = (0..50).map(|_| {
        let (client, query) = (client.clone(), query.clone());
        tokio::spawn(async move { client.search_page(&query, None).await })
    });
    for result in join_all(calls).await {
        result.expect("task").expect("page");
    }
    assert_eq!(sim.stats().token_requests, 1);
    assert_eq!(client.metrics().token_fetches, 1);
    assert_eq!(sim.stats().successes(), 50);
    sim.shutdown().await;
}
