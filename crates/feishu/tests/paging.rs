//! Paging to the end returns exactly the simulator's ground truth.

mod common;

use std::time::Duration;

use common::{client, last_days, rows, sim_config, start, truth};
use feishu::{BlockAccessQuery, BlockId};

#[tokio::test]
async fn a_year_of_all_blocks_equals_ground_truth() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(365);
    let query = BlockAccessQuery::new(from, to).expect("valid query");

    let found = client.search(&query).await.expect("search succeeds");

    let expected = truth(&sim, from, to, None);
    assert!(expected.len() > 10_000, "the tenant should be big enough to page: {}", expected.len());
    assert_eq!(rows(found), expected);
    let pages = expected.len().div_ceil(200);
    let stats = sim.stats();
    assert_eq!(stats.successes(), pages as u64);
    assert_eq!(stats.search_requests, pages as u64, "no request beyond one per page");
    let first = &sim.requests()[0].params;
    assert_eq!(first.from_date.as_deref(), Some(from.format("%Y-%m-%d").to_string().as_str()));
    assert_eq!(first.to_date.as_deref(), Some("2025-06-30"));
    assert_eq!(first.page_size.as_deref(), Some("200"));
    assert_eq!((first.page_token.as_deref(), first.block_id.as_deref()), (None, None));
    let metrics = client.metrics();
    assert_eq!(metrics.requests_total, pages as u64);
    assert_eq!(metrics.requests_by_code.get(&0).copied(), Some(pages as u64));
    assert_eq!((metrics.retries, metrics.token_fetches), (0, 1));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_block_filter_with_small_pages_equals_ground_truth() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(365);
    // A block created partway through the history, so some days have no row.
    let block = sim.dataset().blocks().iter().find(|block| block.created > from).expect("a late block");
    let query = BlockAccessQuery::new(from, to)
        .expect("valid query")
        .with_block(BlockId::parse(&block.id).expect("simulator ids are valid"))
        .with_page_size(7)
        .expect("valid page size");

    let found = client.search(&query).await.expect("search succeeds");

    let expected = truth(&sim, from, to, Some(&block.id));
    assert!(!expected.is_empty());
    assert_eq!(rows(found), expected);
    let requests = sim.requests();
    assert_eq!(requests.len(), expected.len().div_ceil(7));
    assert!(requests.iter().all(|request| request.params.block_id.as_deref() == Some(block.id.as_str())));
    assert!(requests.iter().all(|request| request.params.page_size.as_deref() == Some("7")));
    sim.shutdown().await;
}

#[tokio::test]
async fn an_unknown_block_has_no_rows() {
    let sim = start(sim_config()).await;
    let query = BlockAccessQuery::new(last_days(30).0, last_days(30).1)
        .expect("valid query")
        .with_block(BlockId::parse("123").expect("valid id"));
    let found = client(&sim).search(&query).await.expect("search succeeds");
    assert!(found.is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn tokens_expired_between_pages_are_refetched_transparently() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(60);
    let query = BlockAccessQuery::new(from, to).expect("valid query");

    let mut found = Vec::new();
    let mut page_token = None;
    let mut pages = 0;
    loop {
        // Every page after the first meets a token the simulator has forgotten.
        if pages > 0 {
            sim.expire_all_tokens();
        }
        let page = client.search_page(&query, page_token.as_deref()).await.expect("page");
        pages += 1;
        found.extend(page.items);
        if !page.has_more {
            break;
        }
        page_token = page.page_token;
    }

    assert!(pages >= 3, "{pages}");
    assert_eq!(rows(found), truth(&sim, from, to, None));
    let stats = sim.stats();
    assert_eq!(stats.answers_by_code.get(&99_991_663).copied(), Some(pages - 1));
    assert_eq!(stats.token_requests, pages);
    assert_eq!(client.metrics().token_fetches, pages);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_tokens_are_renewed_during_a_long_search() {
    let mut config = sim_config();
    config.token_ttl = Duration::from_secs(4);
    // About 54 sequential pages at 100 ms or more each: longer than a token lives.
    config.faults.latency = Duration::from_millis(100);
    let sim = start(config).await;
    let client = client(&sim);
    let (from, to) = last_days(180);
    let query = BlockAccessQuery::new(from, to).expect("valid query");

    // Meanwhile the simulator also forgets every token once, mid-search.
    let expirer = {
        let sim = sim.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            sim.expire_all_tokens();
        })
    };
    let started = tokio::time::Instant::now();
    let found = client.search(&query).await.expect("search succeeds");
    expirer.await.expect("expirer finished");

    assert!(started.elapsed() > Duration::from_secs(4), "the search must outlive a token");
    assert_eq!(rows(found), truth(&sim, from, to, None));
    assert!(client.metrics().token_fetches >= 3, "{:?}", client.metrics());
    sim.shutdown().await;
}
