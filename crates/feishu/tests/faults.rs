//! Under injected faults the client retries its way to exactly the ground truth.

mod common;

use std::time::Duration;

use common::{client_config, last_days, rows, sim_config, start, truth};
use feishu::{BlockAccessQuery, FeishuClient, NO_CODE, TRANSPORT_ERROR};
use feishu_sim::Faults;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_through_internal_errors_gateway_errors_and_dropped_connections() {
    let mut config = sim_config();
    config.faults = Faults {
        internal_error_ratio: 0.2,
        http_5xx_ratio: 0.1,
        drop_ratio: 0.1,
        latency: Duration::from_millis(2),
        latency_jitter: Duration::from_millis(20),
        ..Faults::default()
    };
    let sim = start(config).await;
    let mut config = client_config(&sim);
    // About a third of requests fail: ten retries make a lost page a one-in-100,000 event.
    config.retry.max_retries = 10;
    let client = FeishuClient::new(config).expect("client");
    let (from, to) = last_days(180);
    let query = BlockAccessQuery::new(from, to).expect("valid query");

    let found = client.search(&query).await.expect("search survives the faults");

    let expected = truth(&sim, from, to, None);
    assert_eq!(rows(found), expected);
    let pages = expected.len().div_ceil(200) as u64;
    let stats = sim.stats();
    assert_eq!(stats.successes(), pages);
    assert!(stats.dropped > 0 && stats.gateway_errors > 0, "{stats:?}");
    let internal = stats.answers_by_code.get(&feishu::BLOCK_ACCESS_CODES.internal_error).copied().unwrap_or(0);
    assert!(internal > 0, "{:?}", stats.answers_by_code);

    let metrics = client.metrics();
    assert_eq!(metrics.requests_total, stats.search_requests);
    assert_eq!(metrics.retries, stats.search_requests - pages);
    assert_eq!(metrics.requests_by_code.get(&0).copied(), Some(pages));
    assert_eq!(metrics.requests_by_code.get(&feishu::BLOCK_ACCESS_CODES.internal_error).copied(), Some(internal));
    assert_eq!(metrics.requests_by_code.get(&NO_CODE).copied(), Some(stats.gateway_errors));
    assert_eq!(metrics.requests_by_code.get(&TRANSPORT_ERROR).copied(), Some(stats.dropped));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let mut config = sim_config();
    config.faults = Faults { spike_ratio: 0.5, spike: Duration::from_secs(3), ..Faults::default() };
    let sim = start(config).await;
    let mut config = client_config(&sim);
    config.request_timeout = Duration::from_millis(300);
    config.retry.max_retries = 12;
    let client = FeishuClient::new(config).expect("client");
    let (from, to) = last_days(20);
    // About 12 pages: the chance that none of them meets a spike is 1 in 4,000.
    let query = BlockAccessQuery::new(from, to).expect("valid query").with_page_size(100).expect("valid");

    let found = client.search(&query).await.expect("search survives the spikes");

    assert_eq!(rows(found), truth(&sim, from, to, None));
    let timeouts = client.metrics().requests_by_code.get(&TRANSPORT_ERROR).copied().unwrap_or(0);
    assert!(timeouts > 0);
    assert_eq!(timeouts, client.metrics().retries);
    sim.shutdown().await;
}
