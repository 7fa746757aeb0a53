//! Days over time and across restarts: final days persist and cost nothing after a
//! restart, today and yesterday expire and can be refreshed, and a damaged store is
//! rebuilt instead of stopping the service.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use access_data::{QueryOptions, ServiceConfig, Store};
use chrono::NaiveDate;
use common::{block_ids, client, covered, days_ago, default_sim, query, query_exact, searches, service_in, service_with};
use store::{DayFilter, OpenOutcome};

fn days_of(made: &[common::Search]) -> BTreeSet<NaiveDate> {
    covered(made).0.into_iter().map(|(_, day)| day).collect()
}

#[tokio::test]
async fn after_a_restart_final_days_cost_nothing_and_recent_days_are_fetched_again() {
    let sim = default_sim().await;
    let blocks = block_ids(&sim);
    let dir = tempfile::tempdir().expect("temporary directory");
    let (yesterday, today) = (days_ago(&sim, 1), days_ago(&sim, 0));
    let all = query(days_ago(&sim, 39), today, &[]);
    // Two blocks over older days: fetched (and stored) per block.
    let two = query(days_ago(&sim, 80), today, &[&blocks[2], &blocks[5]]);

    let first = service_in(&sim, dir.path(), ServiceConfig::default()).await;
    query_exact(&first, &sim, &all).await;
    query_exact(&first, &sim, &two).await;
    assert!(searches(&sim).iter().any(|s| s.block.is_some()), "the block query went per block");
    // Only final days are stored: not today, not yesterday.
    let stored = first.store().held_days(&DayFilter::AllBlocks, all.range).await.expect("held days");
    assert_eq!(stored, common::range(days_ago(&sim, 39), days_ago(&sim, 2)).days().collect::<Vec<_>>());
    let stored = first.store().held_days(&DayFilter::Block(two.blocks[0].clone()), two.range).await.expect("held days");
    assert_eq!(stored, common::range(days_ago(&sim, 80), days_ago(&sim, 40)).days().collect::<Vec<_>>());
    first.store().close().await;
    drop(first);

    // A new service on the same directory, with a new client.
    sim.reset_stats();
    let second = service_in(&sim, dir.path(), ServiceConfig::default()).await;
    assert_eq!(second.store().outcome(), &OpenOutcome::Opened);
    let answer = query_exact(&second, &sim, &all).await;
    assert_eq!((answer.sources.store, answer.sources.upstream), (38, 2), "{:?}", answer.sources);
    // The days before those 40 were fetched per block: 41 days of each block stored.
    let answer = query_exact(&second, &sim, &two).await;
    assert_eq!((answer.sources.memory, answer.sources.store, answer.sources.upstream), (40, 82, 0), "{:?}", answer.sources);
    query_exact(&second, &sim, &query(days_ago(&sim, 39), days_ago(&sim, 2), &[&blocks[0]])).await;

    let made = searches(&sim);
    assert!(!made.is_empty(), "today and yesterday are not stored, so they are fetched again");
    assert_eq!(days_of(&made), BTreeSet::from([yesterday, today]), "{made:?}");
    let (_, twice) = covered(&made);
    assert!(twice.is_empty(), "{twice:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn today_and_yesterday_expire_and_refresh_while_final_days_stay() {
    let sim = default_sim().await;
    // The memory cache's clock is the real one (moka's), so the TTL is waited out for
    // real: long enough that the warm checks below (memory only, milliseconds) finish
    // within it on a machine whose two cores are shared; `warm_within` makes sure they
    // did, so that a stall shows as such and not as an unexplained fetch.
    const TTL: Duration = Duration::from_secs(4);
    // Every refresh fetches here; the once-a-minute gate has a test of its own below.
    let config = ServiceConfig { fresh_ttl: TTL, refresh_min_interval: Duration::ZERO, ..ServiceConfig::default() };
    let (service, _dir) = service_with(&sim, config).await;
    let (yesterday, today) = (days_ago(&sim, 1), days_ago(&sim, 0));
    let recent = query(days_ago(&sim, 9), today, &[]);
    let block = block_ids(&sim)[0].clone();
    let recent_block = query(days_ago(&sim, 9), today, &[&block]);
    let filled = Instant::now();
    query_exact(&service, &sim, &recent).await;

    // Within the TTL: nothing is fetched.
    sim.reset_stats();
    query_exact(&service, &sim, &recent).await;
    query_exact(&service, &sim, &recent_block).await;
    warm_within(filled, TTL);
    assert_eq!(sim.stats().search_requests, 0);

    // After the TTL (counted from after the fill, so surely past it): today and
    // yesterday only, in one search.
    tokio::time::sleep(TTL + Duration::from_millis(200)).await;
    sim.reset_stats();
    query_exact(&service, &sim, &recent).await;
    let made = searches(&sim);
    assert_eq!(made, vec![common::Search { block: None, from: yesterday, to: today }]);

    // A forced refresh right away: today and yesterday again, not the final days.
    sim.reset_stats();
    let refreshed = Instant::now();
    let options = QueryOptions { refresh: true, progress: None };
    let answer = service.query(&recent, options.clone()).await.expect("refresh succeeds");
    common::assert_exact(&sim, &recent, &answer);
    assert_eq!(searches(&sim), vec![common::Search { block: None, from: yesterday, to: today }]);
    assert_eq!(answer.sources.upstream, 2);

    // A refresh with a block filter fetches that block's recent days (whichever way is
    // cheaper), never final days.
    sim.reset_stats();
    let answer = service.query(&recent_block, options).await.expect("refresh succeeds");
    common::assert_exact(&sim, &recent_block, &answer);
    let made = searches(&sim);
    assert!(!made.is_empty());
    assert_eq!(days_of(&made), BTreeSet::from([yesterday, today]), "{made:?}");

    // And then warm again.
    sim.reset_stats();
    query_exact(&service, &sim, &recent).await;
    query_exact(&service, &sim, &recent_block).await;
    warm_within(refreshed, TTL);
    assert_eq!(sim.stats().search_requests, 0, "{:?}", sim.requests());
    sim.shutdown().await;
}

/// The warm checks since `filled` (started before the days were stored) ended within the
/// TTL, so that whatever they fetched was fetched while the days were fresh.
fn warm_within(filled: Instant, ttl: Duration) {
    let took = filled.elapsed();
    assert!(
        took < ttl,
        "the fill and the warm checks took {took:?}, past the TTL ({ttl:?}): the machine stalled, the check says nothing"
    );
}

#[tokio::test]
async fn a_corrupt_store_is_rebuilt_and_the_service_answers() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let garbage: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("block-insights.db"), garbage).expect("write garbage");

    let service = service_in(&sim, dir.path(), ServiceConfig::default()).await;
    assert!(matches!(service.store().outcome(), OpenOutcome::Rebuilt { .. }), "{:?}", service.store().outcome());
    let q = query(days_ago(&sim, 29), days_ago(&sim, 0), &[]);
    query_exact(&service, &sim, &q).await;

    // The rebuilt store works: a restart serves the final days from it.
    service.store().close().await;
    drop(service);
    sim.reset_stats();
    let again = service_in(&sim, dir.path(), ServiceConfig::default()).await;
    assert_eq!(again.store().outcome(), &OpenOutcome::Opened);
    query_exact(&again, &sim, &query(days_ago(&sim, 29), days_ago(&sim, 2), &[])).await;
    assert_eq!(sim.stats().search_requests, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_missing_data_directory_is_created() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let nested = dir.path().join("not").join("there");
    let store = Store::open(&nested).await.expect("store opens");
    assert_eq!(store.outcome(), &OpenOutcome::Created);
    let service = access_data::AccessService::new(client(&sim), store, ServiceConfig::default()).await.expect("starts");
    query_exact(&service, &sim, &query(days_ago(&sim, 6), days_ago(&sim, 0), &[])).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refresh_right_after_another_serves_what_was_just_fetched() {
    let sim = default_sim().await;
    let config = ServiceConfig { refresh_min_interval: Duration::from_secs(60), ..ServiceConfig::default() };
    let (service, _dir) = service_with(&sim, config).await;
    let recent = query(days_ago(&sim, 3), days_ago(&sim, 0), &[]);
    query_exact(&service, &sim, &recent).await;
    let options = QueryOptions { refresh: true, progress: None };
    sim.reset_stats();
    let first = service.query(&recent, options.clone()).await.expect("refresh succeeds");
    assert_eq!(first.refreshed_at, None, "the first refresh fetches");
    assert!(sim.stats().search_requests > 0);
    sim.reset_stats();
    for _ in 0..5 {
        let again = service.query(&recent, options.clone()).await.expect("refresh succeeds");
        common::assert_exact(&sim, &recent, &again);
        let at = again.refreshed_at.expect("held back, saying when the numbers were fetched");
        assert!(chrono::Utc::now().signed_duration_since(at).num_seconds() < 60);
    }
    assert_eq!(sim.stats().search_requests, 0, "five refreshes within the minute fetch nothing");
    sim.shutdown().await;
}
