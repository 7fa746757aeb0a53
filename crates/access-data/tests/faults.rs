//! Upstream failures: transient ones are retried away and the numbers stay exact; a
//! permanent one fails the query (never partial rows), and once it is fixed the next
//! query succeeds and is exact.

mod common;

use std::time::Duration;

use access_data::{QueryOptions, QueryProgress, ServiceConfig};
use common::{assert_exact, block_ids, client_config, days_ago, default_sim, query, query_exact, searches, service_with_client};
use feishu::{FeishuClient, FeishuError, RetryPolicy};
use feishu_sim::{Faults, ForcedAnswer, SimHandle};

/// A client that keeps retrying through a 30 % failure rate: the chance that one
/// request fails 11 times in a row is 0.3^11, about 2e-6.
fn patient_client(sim: &SimHandle) -> FeishuClient {
    let mut config = client_config(sim);
    config.retry = RetryPolicy {
        max_retries: 10,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        max_total_time: Duration::from_secs(60),
    };
    FeishuClient::new(config).expect("client builds")
}

#[tokio::test]
async fn transient_errors_are_retried_and_numbers_stay_exact() {
    let sim = default_sim().await;
    sim.set_faults(Faults { internal_error_ratio: 0.2, http_5xx_ratio: 0.1, ..Faults::default() });
    let dir = tempfile::tempdir().expect("temporary directory");
    let service = service_with_client(patient_client(&sim), dir.path(), ServiceConfig::default()).await;
    let blocks = block_ids(&sim);

    query_exact(&service, &sim, &query(days_ago(&sim, 99), days_ago(&sim, 0), &[])).await;
    query_exact(&service, &sim, &query(days_ago(&sim, 160), days_ago(&sim, 90), &[&blocks[1], &blocks[30]])).await;
    query_exact(&service, &sim, &query(days_ago(&sim, 180), days_ago(&sim, 0), &[])).await;

    let stats = sim.stats();
    let failed = stats.search_requests - stats.successes();
    assert!(failed > 3, "the faults should have struck: {stats:?}");
    assert!(stats.answers_by_code.contains_key(&1629004) && stats.gateway_errors > 0, "{stats:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_permanent_error_fails_the_query_and_a_later_query_succeeds() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let service = service_with_client(common::client(&sim), dir.path(), ServiceConfig::default()).await;
    let blocks = block_ids(&sim);
    let held = query(days_ago(&sim, 20), days_ago(&sim, 0), &[]);
    query_exact(&service, &sim, &held).await;

    sim.set_faults(Faults { forced: Some(ForcedAnswer::missing_scope(&sim.config().app_id)), ..Faults::default() });
    // Cold, partly held, and block-filtered: each needs Feishu, and each fails whole.
    let cold = query(days_ago(&sim, 120), days_ago(&sim, 60), &[]);
    let mixed = query(days_ago(&sim, 40), days_ago(&sim, 0), &[]);
    let one_block = query(days_ago(&sim, 50), days_ago(&sim, 30), &[&blocks[4]]);
    for q in [&cold, &mixed, &one_block] {
        match service.query(q, QueryOptions::default()).await {
            Ok(answer) => panic!("{q:?} answered {} rows while Feishu refused every request", answer.rows.len()),
            Err(error) => {
                assert!(matches!(error.feishu(), Some(FeishuError::MissingScope { .. })), "the cause is kept: {error:?}");
            }
        }
    }
    // What was held still answers.
    query_exact(&service, &sim, &held).await;

    sim.set_faults(Faults::default());
    sim.reset_stats();
    for q in [&cold, &mixed, &one_block] {
        query_exact(&service, &sim, q).await;
    }
    assert!(!searches(&sim).is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn an_error_midway_through_a_long_query_returns_no_rows() {
    let sim = default_sim().await;
    sim.set_faults(Faults { latency: Duration::from_millis(40), ..Faults::default() });
    let dir = tempfile::tempdir().expect("temporary directory");
    let service = std::sync::Arc::new(service_with_client(common::client(&sim), dir.path(), ServiceConfig::default()).await);
    let year = query(days_ago(&sim, 364), days_ago(&sim, 0), &[]);
    let progress = QueryProgress::new();
    let running = {
        let (service, year) = (service.clone(), year.clone());
        let options = QueryOptions { refresh: false, progress: Some(progress.clone()) };
        tokio::spawn(async move { service.query(&year, options).await })
    };
    // Let some pages arrive, then refuse everything.
    while progress.snapshot().pages_done < 10 && !running.is_finished() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sim.set_faults(Faults { forced: Some(ForcedAnswer::app_unavailable()), ..Faults::default() });
    let outcome = running.await.expect("query task");
    assert!(
        outcome.is_err(),
        "a query whose fetch failed partway must not answer: {} rows",
        outcome.map(|a| a.rows.len()).unwrap_or(0)
    );
    assert!(progress.snapshot().finished);

    sim.set_faults(Faults::default());
    let answer = service.query(&year, QueryOptions::default()).await.expect("succeeds once Feishu answers");
    assert_exact(&sim, &year, &answer);
    assert!(answer.sources.memory > 0, "days fetched before the failure were kept: {:?}", answer.sources);
    sim.shutdown().await;
}
