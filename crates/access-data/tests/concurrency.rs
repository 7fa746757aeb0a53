//! Concurrent overlapping queries share upstream fetches: each (filter, day) is fetched
//! once whoever asked, every answer is exact, and the rate limit holds.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Days;
use common::{assert_exact, block_ids, covered, default_sim, searches, service};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_overlapping_queries_fetch_each_day_once() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let service = Arc::new(service);
    let blocks = block_ids(&sim);
    let today = sim.dataset().today();
    let mut rng = StdRng::seed_from_u64(50);

    // Random ranges over the same 90 days; a third of them with a block filter (one or
    // two blocks, or a dozen), so that per-block and all-block fetches overlap too.
    let mut queries = Vec::new();
    for _ in 0..50 {
        let a = rng.random_range(0..90u64);
        let b = rng.random_range(0..90u64);
        let (from, to) = (today - Days::new(a.max(b)), today - Days::new(a.min(b)));
        let chosen: Vec<&str> = match rng.random_range(0..6) {
            0 => vec![&blocks[rng.random_range(0..60)]],
            1 => vec![&blocks[rng.random_range(0..60)], &blocks[rng.random_range(0..60)]],
            2 => (0..12).map(|_| blocks[rng.random_range(0..60)].as_str()).collect(),
            _ => Vec::new(),
        };
        queries.push(common::query(from, to, &chosen));
    }

    let tasks: Vec<_> = queries
        .iter()
        .cloned()
        .map(|query| {
            let service = service.clone();
            tokio::spawn(async move {
                let answer = service.query(&query, Default::default()).await;
                (query, answer)
            })
        })
        .collect();
    let mut waited_upstream = 0;
    for task in tasks {
        let (query, answer) = task.await.expect("query task");
        let answer = answer.unwrap_or_else(|e| panic!("{query:?} failed: {e}"));
        assert_exact(&sim, &query, &answer);
        waited_upstream += usize::from(answer.sources.upstream > 0);
    }
    // The queries really ran side by side: most of them got days from fetches under way
    // (run one after another, most would have found their days in memory).
    assert!(waited_upstream >= 35, "only {waited_upstream} of 50 queries waited for Feishu");

    let made = searches(&sim);
    let (days, twice) = covered(&made);
    assert!(twice.is_empty(), "fetched more than once: {twice:?}\nsearches: {made:#?}");
    assert!(days.iter().filter(|(filter, _)| filter.is_none()).count() >= 60, "most of the 90 days were needed for all blocks");
    let stats = sim.stats();
    assert_eq!(stats.answers_by_code.get(&99991400), None, "rate limited: {:?}", stats.answers_by_code);
    assert!(stats.max_requests_in_any_window(Duration::from_secs(1)) <= 20);
    assert_eq!(stats.successes(), stats.search_requests, "{:?}", stats.answers_by_code);
    sim.shutdown().await;
}
