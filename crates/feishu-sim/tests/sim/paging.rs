//! Paging returns exactly the ground truth, and page tokens only work for the
//! query that produced them.

use feishu_sim::SimConfig;

use crate::helpers::{TestSim, config, day, rows, spawn};

fn unlimited() -> SimConfig {
    SimConfig { rate_limit_per_second: 0, ..config() }
}

/// Follows page tokens to the end; returns the rows and the number of pages.
async fn fetch_all(sim: &TestSim, token: &str, query: &[(&str, &str)]) -> (Vec<(String, String, u64, u64)>, usize) {
    let mut all = Vec::new();
    let mut pages = 0;
    let mut page_token: Option<String> = None;
    loop {
        let mut q = query.to_vec();
        if let Some(t) = &page_token {
            q.push(("page_token", t));
        }
        let answer = sim.search(token, &q).await;
        assert_eq!(answer.code(), 0, "{}", answer.body);
        pages += 1;
        all.extend(rows(answer.items()));
        if !answer.has_more() {
            assert!(answer.page_token().is_none());
            return (all, pages);
        }
        page_token = Some(answer.page_token().expect("has_more comes with a page_token").to_owned());
    }
}

fn truth(sim: &TestSim, from: &str, to: &str, block: Option<&str>) -> Vec<(String, String, u64, u64)> {
    sim.sim
        .dataset()
        .ground_truth(day(from), day(to), block)
        .into_iter()
        .map(|row| (row.date.to_string(), row.block_id, row.pv, row.uv))
        .collect()
}

#[tokio::test]
async fn a_year_in_pages_of_200_is_exactly_the_ground_truth() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    let (from, to) = ("2024-07-01", "2025-06-30");
    let (fetched, pages) = fetch_all(&sim, &token, &[("from_date", from), ("to_date", to), ("page_size", "200")]).await;
    let expected = truth(&sim, from, to, None);
    assert!(expected.len() > 10_000, "a year of 60 blocks: {} rows", expected.len());
    assert_eq!(pages, expected.len().div_ceil(200));
    assert_eq!(fetched, expected);
    assert_eq!(sim.sim.stats().items_served, expected.len() as u64);
}

#[tokio::test]
async fn one_block_in_small_pages_is_exactly_its_ground_truth() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    let block = sim.sim.dataset().blocks()[30].id.clone();
    let query = [("from_date", "2025-03-01"), ("to_date", "2025-06-30"), ("page_size", "7"), ("block_id", &block)];
    let (fetched, _) = fetch_all(&sim, &token, &query).await;
    let expected = truth(&sim, "2025-03-01", "2025-06-30", Some(&block));
    assert!(!expected.is_empty());
    assert!(fetched.iter().all(|row| row.1 == block));
    assert_eq!(fetched, expected);
}

#[tokio::test]
async fn items_are_ordered_by_date_then_block_id() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    let answer = sim.search(&token, &[("from_date", "2025-06-02"), ("to_date", "2025-06-03"), ("page_size", "200")]).await;
    let got = rows(answer.items());
    let mut sorted = got.clone();
    sorted.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(got, sorted);
    assert!(got.iter().all(|row| row.2 > 0));
}

#[tokio::test]
async fn a_page_token_only_works_for_its_own_query() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    let block = sim.sim.dataset().blocks()[0].id.clone();
    let query = [("from_date", "2025-05-01"), ("to_date", "2025-05-31")];
    let first = sim.search(&token, &query).await;
    let page_token = first.page_token().expect("a month of 60 blocks has more than 20 rows").to_owned();

    let same = sim.search(&token, &[query[0], query[1], ("page_token", &page_token)]).await;
    assert_eq!(same.code(), 0);
    // A different page size is fine: the token carries an offset, not a page number.
    let bigger = sim.search(&token, &[query[0], query[1], ("page_size", "50"), ("page_token", &page_token)]).await;
    assert_eq!(rows(&bigger.items()[..20]), rows(same.items()));

    let replays: [&[(&str, &str)]; 3] = [
        &[("from_date", "2025-05-02"), query[1]],
        &[query[0], ("to_date", "2025-06-01")],
        &[query[0], query[1], ("block_id", &block)],
    ];
    for other in replays {
        let mut q = other.to_vec();
        q.push(("page_token", &page_token));
        let answer = sim.search(&token, &q).await;
        assert_eq!((answer.status, answer.code()), (400, 1629005), "{q:?}");
    }
}

#[tokio::test]
async fn fetch_counts_per_day_ignore_follow_up_pages() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    fetch_all(&sim, &token, &[("from_date", "2025-06-01"), ("to_date", "2025-06-10")]).await;
    fetch_all(&sim, &token, &[("from_date", "2025-06-10"), ("to_date", "2025-06-12")]).await;
    let counts = sim.sim.day_fetch_counts();
    assert_eq!(counts.len(), 12);
    assert_eq!(counts[&day("2025-06-01")], 1);
    assert_eq!(counts[&day("2025-06-10")], 2);
    assert!(sim.sim.successful_requests().len() > 2, "both ranges needed several pages");
}

#[tokio::test]
async fn hundreds_of_concurrent_connections_are_served() {
    let sim = spawn(unlimited()).await;
    let token = sim.token().await;
    let requests = (0..300).map(|i| {
        // One client: with no idle connection in its pool, each concurrent
        // request opens its own connection.
        let client = sim.http.clone();
        let url = format!("{}{}", sim.sim.base_url(), feishu_sim::BLOCK_ACCESS_SEARCH_PATH);
        let token = token.clone();
        async move {
            let day = format!("2025-06-{:02}", i % 28 + 1);
            let response = client
                .post(url)
                .query(&[("from_date", &day), ("to_date", &day)])
                .bearer_auth(token)
                .send()
                .await
                .expect("answered");
            response.status().as_u16()
        }
    });
    let statuses = futures::future::join_all(requests).await;
    assert!(statuses.iter().all(|&s| s == 200));
    assert_eq!(sim.sim.stats().successes(), 300);
}
