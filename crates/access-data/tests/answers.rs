//! The numbers a user sees equal the simulator's ground truth, whether the days come
//! from Feishu, from memory or from both; held days cost no upstream call; a tiny
//! memory budget evicts days without changing any answer.

mod common;

use std::collections::BTreeSet;

use access_data::ServiceConfig;
use chrono::NaiveDate;
use common::{Search, block_ids, covered, days_ago, default_sim, query, query_exact, searches, service, service_with};
use domain::AccessQuery;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A block id the tenant does not have: Feishu answers it with no items.
const UNKNOWN_BLOCK: &str = "999999999999999999";

/// A random query inside the `window` days that end today: all blocks about half the
/// time, else one to four blocks (sometimes an unknown one), now and then many blocks.
fn random_query(rng: &mut StdRng, today: NaiveDate, window: u64, blocks: &[String]) -> AccessQuery {
    let start_ago = rng.random_range(0..window);
    let len = rng.random_range(1..=start_ago.min(59) + 1);
    let from = today - chrono::Days::new(start_ago);
    let to = from + chrono::Days::new(len - 1);
    let mut chosen: Vec<&str> = Vec::new();
    match rng.random_range(0..10) {
        0..=4 => {}
        5..=8 => {
            for _ in 0..rng.random_range(1..=4) {
                chosen.push(&blocks[rng.random_range(0..blocks.len())]);
            }
            if rng.random_bool(0.15) {
                chosen.push(UNKNOWN_BLOCK);
            }
        }
        _ => {
            for _ in 0..rng.random_range(20..=45) {
                chosen.push(&blocks[rng.random_range(0..blocks.len())]);
            }
        }
    }
    query(from, to, &chosen)
}

/// Whether every (filter, day) the query needs was fetched before: all-block days
/// answer every filter.
fn all_held(query: &AccessQuery, held: &BTreeSet<(Option<String>, NaiveDate)>) -> bool {
    query.range.days().all(|day| {
        held.contains(&(None, day))
            || (!query.blocks.is_empty() && query.blocks.iter().all(|b| held.contains(&(Some(b.to_string()), day))))
    })
}

#[tokio::test]
async fn random_queries_cold_warm_and_mixed_equal_ground_truth() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let today = sim.dataset().today();
    let blocks = block_ids(&sim);
    let mut rng = StdRng::seed_from_u64(0x5EED_B10C);

    let mut held: BTreeSet<(Option<String>, NaiveDate)> = BTreeSet::new();
    let mut all_searches: Vec<Search> = Vec::new();
    let (mut cold, mut warm, mut mixed) = (0, 0, 0);
    for i in 0..48 {
        let query = random_query(&mut rng, today, 120, &blocks);
        let touched_before = query.range.days().any(|d| held.iter().any(|(_, h)| *h == d));
        let expect_warm = all_held(&query, &held);
        sim.reset_stats();

        let answer = query_exact(&service, &sim, &query).await;

        let made = searches(&sim);
        if expect_warm {
            assert!(made.is_empty(), "query {i} ({query:?}) had every day held but searched {made:?}");
        }
        match (made.is_empty(), touched_before) {
            (true, _) => warm += 1,
            (false, true) => mixed += 1,
            (false, false) => cold += 1,
        }
        // Only missing days are fetched: nothing fetched here was held already.
        let (now, _) = covered(&made);
        let refetched: Vec<_> = now.intersection(&held).collect();
        assert!(refetched.is_empty(), "query {i} ({query:?}) fetched held days again: {refetched:?}");
        held.extend(now);
        all_searches.extend(made);
        assert!(answer.rows.windows(2).all(|w| (w[0].date, &w[0].block_id) < (w[1].date, &w[1].block_id)));
    }
    let (_, twice) = covered(&all_searches);
    assert!(twice.is_empty(), "some (filter, day) was fetched twice: {twice:?}");
    assert!(
        cold >= 3 && warm >= 3 && mixed >= 3,
        "cold {cold}, warm {warm}, mixed {mixed}: the sequence should exercise all three"
    );
    let stats = service.cache_stats().await;
    assert!(stats.hits > 0 && stats.misses > 0, "{stats:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn warm_queries_make_no_upstream_request() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let blocks = block_ids(&sim);
    let (from, to) = (days_ago(&sim, 44), days_ago(&sim, 0));
    let whole = query(from, to, &[]);
    query_exact(&service, &sim, &whole).await;
    let misses = service.cache_stats().await.misses;
    assert!(sim.stats().search_requests > 0);

    sim.reset_stats();
    let before = service.cache_stats().await;
    for warm in [
        whole.clone(),
        query(days_ago(&sim, 30), days_ago(&sim, 10), &[]),
        query(from, from, &[]),
        query(to, to, &[]),
        // Days held for all blocks answer any block filter.
        query(from, to, &[&blocks[0]]),
        query(days_ago(&sim, 20), to, &[&blocks[3], &blocks[17], &blocks[59]]),
        query(from, to, &[UNKNOWN_BLOCK]),
    ] {
        let answer = query_exact(&service, &sim, &warm).await;
        assert_eq!(answer.sources.upstream, 0, "{warm:?}");
    }
    let stats = sim.stats();
    assert_eq!(stats.search_requests, 0, "warm queries went upstream: {:?}", sim.requests());
    assert_eq!(stats.token_requests, 0);
    let after = service.cache_stats().await;
    assert!(after.hits > before.hits, "{before:?} → {after:?}");
    assert_eq!(after.misses, misses, "warm queries count no miss");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_tiny_memory_budget_evicts_and_answers_stay_exact() {
    const BUDGET: u64 = 64 * 1024;
    let sim = default_sim().await;
    let config = ServiceConfig { memory_budget_bytes: BUDGET, ..ServiceConfig::default() };
    let (service, _dir) = service_with(&sim, config).await;
    let blocks = block_ids(&sim);

    // 150 days of about fifty blocks is far more than 64 KB.
    let year = query(days_ago(&sim, 149), days_ago(&sim, 0), &[]);
    query_exact(&service, &sim, &year).await;
    let mut rng = StdRng::seed_from_u64(64);
    for _ in 0..12 {
        let q = random_query(&mut rng, sim.dataset().today(), 150, &blocks);
        query_exact(&service, &sim, &q).await;
    }
    // Again: the days pushed out of memory come back from the store or from Feishu.
    query_exact(&service, &sim, &year).await;

    let stats = service.cache_stats().await;
    assert!(stats.evictions > 0, "{stats:?}");
    assert!(stats.weighted_bytes <= BUDGET, "held {} bytes over a budget of {BUDGET}: {stats:?}", stats.weighted_bytes);
    sim.shutdown().await;
}

#[tokio::test]
async fn days_after_today_have_no_numbers_and_cost_nothing() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let today = sim.dataset().today();
    let later = |n: u64| today + chrono::Days::new(n);

    let across = query(days_ago(&sim, 3), later(4), &[]);
    let answer = query_exact(&service, &sim, &across).await;
    assert_eq!(answer.future_days, 4);
    assert!(answer.rows.iter().all(|r| r.date <= today) && !answer.rows.is_empty());
    let (days, _) = covered(&searches(&sim));
    assert!(days.iter().all(|(_, d)| *d <= today), "future days were asked for: {days:?}");

    sim.reset_stats();
    let future = query(later(1), later(10), &[]);
    let answer = query_exact(&service, &sim, &future).await;
    assert_eq!((answer.rows.len(), answer.future_days), (0, 10));
    let blocks = block_ids(&sim);
    let answer = query_exact(&service, &sim, &query(later(1), later(3), &[&blocks[0]])).await;
    assert_eq!(answer.future_days, 3);
    assert_eq!(sim.stats().search_requests, 0);
    sim.shutdown().await;
}
