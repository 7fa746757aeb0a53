//! What the service asks Feishu for: the cheaper of per-block and all-block searches,
//! contiguous missing days merged into one range, few requests for a long range, and
//! progress that adds up to the requests made.

mod common;

use std::time::Duration;

use access_data::{QueryOptions, QueryProgress, ServiceConfig};
use common::{
    Search, block_ids, covered, days_ago, default_sim, distinct_ranges, query, query_exact, searches, service, service_with,
    start_sim,
};
use feishu_sim::{Faults, SimConfig};

#[tokio::test]
async fn two_blocks_are_fetched_per_block_and_forty_with_all_blocks() {
    let sim = default_sim().await;
    let blocks = block_ids(&sim);
    let (from, to) = (days_ago(&sim, 90), days_ago(&sim, 31));

    // Two blocks over 60 cold days: one search per block, one page each.
    let (service, _dir) = service(&sim).await;
    let two = query(from, to, &[&blocks[0], &blocks[7]]);
    query_exact(&service, &sim, &two).await;
    let stats = sim.stats();
    assert_eq!(stats.search_requests, 2, "{:?}", sim.requests());
    let mut made = searches(&sim);
    made.sort();
    let mut want: Vec<Search> =
        [&blocks[0], &blocks[7]].iter().map(|b| Search { block: Some(b.to_string()), from, to }).collect();
    want.sort();
    assert_eq!(made, want);

    // Forty blocks over 60 cold days (another fresh service): all-block searches.
    sim.reset_stats();
    let (service, _dir2) = service_with(&sim, ServiceConfig::default()).await;
    let forty: Vec<&str> = blocks.iter().skip(10).take(40).map(String::as_str).collect();
    let many = query(from, to, &forty);
    query_exact(&service, &sim, &many).await;
    let requests = sim.requests();
    assert!(requests.iter().all(|r| r.params.block_id.is_none()), "per-block searches for 40 blocks: {requests:?}");
    let (days, twice) = covered(&searches(&sim));
    assert!(twice.is_empty(), "{twice:?}");
    assert_eq!(days.len(), 60, "every day once, for all blocks");
    let items: u64 = sim.stats().items_served;
    assert!((requests.len() as u64) < 40, "{} requests for {items} items", requests.len());

    // Any block over days now held for all blocks: no request at all.
    sim.reset_stats();
    for blocks in [vec![blocks[0].as_str()], vec![&blocks[1], &blocks[2]], forty.clone()] {
        query_exact(&service, &sim, &query(from, to, &blocks)).await;
        query_exact(&service, &sim, &query(days_ago(&sim, 70), days_ago(&sim, 40), &blocks)).await;
    }
    assert_eq!(sim.stats().search_requests, 0, "{:?}", sim.requests());
    sim.shutdown().await;
}

#[tokio::test]
async fn contiguous_missing_days_are_fetched_as_one_range() {
    let sim = default_sim().await;
    // One sub-range at a time, so that the merged range shows as it is planned.
    let config = ServiceConfig { max_parallel: 1, ..ServiceConfig::default() };
    let (service, _dir) = service_with(&sim, config).await;
    let day = |n: u64| days_ago(&sim, 130 - n); // day(1) .. day(30)

    query_exact(&service, &sim, &query(day(1), day(10), &[])).await;
    query_exact(&service, &sim, &query(day(21), day(30), &[])).await;
    sim.reset_stats();
    query_exact(&service, &sim, &query(day(1), day(30), &[])).await;

    let requests = sim.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!((request.params.from, request.params.to), (Some(day(11)), Some(day(20))), "{request:?}");
        assert_eq!(request.params.block_id, None);
    }
    assert_eq!(searches(&sim).len(), 1, "one search, paged: {requests:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn with_sub_ranges_the_gap_is_still_fetched_exactly_once() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let day = |n: u64| days_ago(&sim, 200 - n);

    query_exact(&service, &sim, &query(day(1), day(10), &[])).await;
    query_exact(&service, &sim, &query(day(41), day(50), &[])).await;
    sim.reset_stats();
    query_exact(&service, &sim, &query(day(1), day(50), &[])).await;

    // The gap 11–40 may be cut into sub-ranges fetched side by side, but they tile it:
    // no gap, no overlap, nothing outside it.
    let mut made = searches(&sim);
    made.sort();
    assert!(!made.is_empty());
    assert_eq!(made.first().map(|s| s.from), Some(day(11)));
    assert_eq!(made.last().map(|s| s.to), Some(day(40)));
    for pair in made.windows(2) {
        assert_eq!(pair[0].to.succ_opt(), Some(pair[1].from), "{made:?}");
    }
    assert!(made.len() <= 8, "at most max_parallel sub-ranges: {made:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_cold_year_costs_few_requests_beyond_full_pages() {
    let sim = default_sim().await;
    let (service, _dir) = service(&sim).await;
    let year = query(days_ago(&sim, 364), days_ago(&sim, 0), &[]);
    query_exact(&service, &sim, &year).await;

    let stats = sim.stats();
    let items = stats.items_served;
    let full_pages = items.div_ceil(200);
    let sub_ranges = distinct_ranges(&sim).len() as u64;
    let requests = stats.search_requests;
    let bound = 1.1 * full_pages as f64 + sub_ranges as f64;
    assert_eq!(stats.successes(), requests, "no failed request: {:?}", stats.answers_by_code);
    assert!(
        requests as f64 <= bound,
        "{requests} requests for {items} items ({full_pages} full pages) in {sub_ranges} sub-ranges; bound {bound}"
    );
    assert_eq!(service.upstream_requests(), requests);
    // The calls are counted against the month in the store, for plans with a quota.
    let month = service.today().format("%Y-%m").to_string();
    assert_eq!(service.store().upstream_calls(&month).await.expect("calls counted"), requests);
    let (days, twice) = covered(&searches(&sim));
    assert!(twice.is_empty(), "{twice:?}");
    assert_eq!(days.len(), 365);
    sim.shutdown().await;
}

#[tokio::test]
async fn progress_counts_pages_up_to_the_requests_made() {
    let config =
        SimConfig { faults: Faults { latency: Duration::from_millis(150), ..Faults::default() }, ..SimConfig::default() };
    let sim = start_sim(config).await;
    let (service, _dir) = service(&sim).await;
    let year = query(days_ago(&sim, 364), days_ago(&sim, 0), &[]);
    let progress = QueryProgress::new();
    let options = QueryOptions { refresh: false, progress: Some(progress.clone()) };

    let service = std::sync::Arc::new(service);
    let running = {
        let service = service.clone();
        let year = year.clone();
        tokio::spawn(async move { service.query(&year, options).await })
    };
    let mut snapshots = Vec::new();
    while !running.is_finished() {
        snapshots.push(progress.snapshot());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answer = running.await.expect("query task").expect("query succeeds");
    common::assert_exact(&sim, &year, &answer);
    let last = progress.snapshot();
    snapshots.push(last);

    assert!(last.finished, "{last:?}");
    assert_eq!(last.pages_done, sim.stats().successes(), "pages done = successful requests");
    assert!(last.pages_estimated >= last.pages_done, "{last:?}");
    let moving: Vec<_> = snapshots.iter().filter(|s| !s.finished && s.pages_done > 0).collect();
    assert!(moving.len() >= 10, "a query of several seconds shows progress along the way: {snapshots:?}");
    for pair in snapshots.windows(2) {
        assert!(pair[1].pages_done >= pair[0].pages_done, "pages done went back: {pair:?}");
        assert!(pair[1].pages_estimated >= pair[1].pages_done, "{pair:?}");
        assert!(!pair[0].finished || pair[1].finished, "finished, then not: {pair:?}");
    }
    // The estimate is known early and is roughly right: once a tenth of the pages are
    // done, it is within a quarter of the final count.
    let early = snapshots.iter().find(|s| s.pages_done * 10 >= last.pages_done).expect("a snapshot");
    let off = early.pages_estimated.abs_diff(last.pages_done) as f64 / last.pages_done as f64;
    assert!(off <= 0.25, "early estimate {early:?} vs {} pages in the end", last.pages_done);
    sim.shutdown().await;
}
