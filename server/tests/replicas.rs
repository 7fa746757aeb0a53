//! Two replicas of the real `server` binary on one PostgreSQL (`DATABASE_URL`) and one
//! Feishu simulator behave as one dashboard: a session made on one works on the other,
//! a name given on one shows on the other, concurrent cold queries split across both
//! fetch each missing day once and keep Feishu within 20 requests in any second, and
//! killing one mid-query loses nothing while the other answers, and the history fetch
//! runs on one of them only, fetching each day once. Needs `TEST_DATABASE_URL`
//! (scripts/test starts PostgreSQL).

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate};
use common::{ServerProcess, block_access, numbers, sign_in, truth};
use feishu_sim::{Faults, SimConfig, SimEndpoint, SimHandle, Simulator};
use rand::{Rng, SeedableRng};
use store::testing::fresh_postgres_database;

/// A simulator with Feishu-like latency, and the settings both replicas share.
async fn setup(latency_ms: u64) -> (SimHandle, String, tempfile::TempDir, tempfile::TempDir) {
    let config = SimConfig {
        history_days: 800,
        faults: Faults { latency: Duration::from_millis(latency_ms), ..Faults::default() },
        ..SimConfig::default()
    };
    let sim = Simulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts");
    let database_url = fresh_postgres_database().await;
    (sim, database_url, tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap())
}

async fn replica(sim: &SimHandle, database_url: &str, dir: &tempfile::TempDir) -> ServerProcess {
    ServerProcess::start_with(sim, dir.path(), &[("DATABASE_URL", database_url), ("DASHBOARD_LEASE_SECS", "3")]).await
}

/// How many successful all-block searches (first pages) covered each day.
fn fetches_per_day(sim: &SimHandle) -> BTreeMap<NaiveDate, u32> {
    let mut per_day = BTreeMap::new();
    for request in sim.requests() {
        let p = &request.params;
        if !request.is_success() || p.page_token.is_some() || p.block_id.is_some() {
            continue;
        }
        let (Some(from), Some(to)) = (p.from, p.to) else { continue };
        for day in from.iter_days().take_while(|d| *d <= to) {
            *per_day.entry(day).or_insert(0) += 1;
        }
    }
    per_day
}

/// Names `block` through the page's plain form post on the replica at `base`.
async fn give_name(browser: &reqwest::Client, base: &str, block: &str, name: &str, workplace: &str) {
    let saved = browser
        .post(format!("{base}/api/block_name"))
        .header("referer", format!("{base}/"))
        .form(&[("block_id", block), ("name", name), ("workplace", workplace)])
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success() || saved.status().is_redirection(), "{}", saved.status());
}

#[tokio::test]
async fn sessions_and_names_made_on_one_replica_work_on_the_other() {
    let (sim, url, dir_a, dir_b) = setup(20).await;
    let a = replica(&sim, &url, &dir_a).await;
    let b = replica(&sim, &url, &dir_b).await;

    // Signed in on a; the same cookie on b (behind a load balancer, one host).
    let browser = sign_in(&a.base_url).await;
    let page = browser.get(format!("{}/", b.base_url)).send().await.unwrap();
    assert_eq!(page.status(), 200, "b knows the session made on a");

    // A name given on a shows on b, in the API and on the page.
    let block = sim.dataset().blocks()[0].id.clone();
    give_name(&browser, &a.base_url, &block, "审批中心", "办公").await;
    let day = sim.dataset().today() - Days::new(5);
    let json: serde_json::Value = browser
        .get(format!("{}/api/v1/block-access?from_date={day}&to_date={day}&block_id={block}", b.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["items"][0]["block_name"], "审批中心", "{json}");
    let html = browser.get(format!("{}/?from={day}&to={day}", b.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("审批中心"));

    // A note written on a is listed on b.
    let note = serde_json::json!({ "date": day.to_string(), "text": "Moved 审批中心 up", "block_ids": [block] });
    let written = browser.post(format!("{}/api/v1/annotations", a.base_url)).json(&note).send().await.unwrap();
    assert_eq!(written.status(), 201);
    let listed: serde_json::Value =
        browser.get(format!("{}/api/v1/annotations", b.base_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["annotations"][0]["text"], "Moved 审批中心 up", "{listed}");

    // Signing out on a ends the session on b too.
    let out = browser.post(format!("{}/logout", a.base_url)).send().await.unwrap();
    assert!(out.status().is_redirection() || out.status().is_success(), "{}", out.status());
    let after = browser.get(format!("{}/api/v1/block-access?from_date={day}&to_date={day}", b.base_url)).send().await.unwrap();
    assert_eq!(after.status(), 401, "the session ended on a is gone on b");
}

/// 50 overlapping ranges of final days, 20 to 120 days long, within one year of history.
fn cold_ranges(sim: &SimHandle) -> Vec<(NaiveDate, NaiveDate)> {
    let last = sim.dataset().today() - Days::new(2);
    let first = last - Days::new(364);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    (0..50)
        .map(|_| {
            let len = rng.random_range(20..=120u64);
            let from = first + Days::new(rng.random_range(0..=(365 - len)));
            (from, from + Days::new(len - 1))
        })
        .collect()
}

/// Asks the 50 cold ranges at once, taking turns over `replicas` (signed-in client and
/// base URL); checks every answer against the ground truth, that Feishu never saw more
/// than 20 requests in a second nor a day twice, and prints the figures.
async fn cold_queries_at_once(sim: &SimHandle, replicas: &[(reqwest::Client, String)], label: &str) {
    sim.reset_stats();
    let ranges = cold_ranges(sim);
    let started = Instant::now();
    let answers = futures::future::join_all(ranges.iter().enumerate().map(|(i, &(from, to))| {
        let (client, base) = &replicas[i % replicas.len()];
        async move { (from, to, block_access(client, base, from, to).await) }
    }))
    .await;
    let wall = started.elapsed();
    for (from, to, items) in &answers {
        assert_eq!(numbers(items), truth(sim, *from, *to), "{from}..{to} equals the ground truth");
    }

    let stats = sim.stats();
    let window_max = stats.max_requests_in_any_window(Duration::from_secs(1));
    let per_day = fetches_per_day(sim);
    let twice: Vec<_> = per_day.iter().filter(|(_, n)| **n > 1).collect();
    println!(
        "{label}, 50 cold queries: {} Feishu searches ({} rate-limited), at most {window_max} in any second, \
         {} days fetched, {} of them more than once, {:.1} s",
        stats.search_requests,
        stats.answers_by_code.get(&99991400).copied().unwrap_or(0),
        per_day.len(),
        twice.len(),
        wall.as_secs_f64()
    );
    assert!(window_max <= 20, "Feishu saw {window_max} requests in one second");
    assert_eq!(stats.answers_by_code.get(&99991400), None, "no request was rate-limited");
    assert!(twice.is_empty(), "days fetched more than once: {twice:?}");
}

#[tokio::test]
async fn concurrent_cold_queries_on_two_replicas_fetch_each_day_once_within_the_rate_window() {
    let (sim, url, dir_a, dir_b) = setup(150).await;
    let a = replica(&sim, &url, &dir_a).await;
    let b = replica(&sim, &url, &dir_b).await;
    let replicas = [(sign_in(&a.base_url).await, a.base_url.clone()), (sign_in(&b.base_url).await, b.base_url.clone())];
    cold_queries_at_once(&sim, &replicas, "two replicas on PostgreSQL").await;
}

/// The same queries on one server with its embedded store: the figures to compare with.
#[tokio::test]
async fn the_same_cold_queries_on_one_server_for_comparison() {
    let (sim, _, dir, _) = setup(150).await;
    let one = ServerProcess::start(&sim, dir.path()).await;
    let replicas = [(sign_in(&one.base_url).await, one.base_url.clone())];
    cold_queries_at_once(&sim, &replicas, "one server on SQLite").await;
}

#[tokio::test]
async fn killing_a_replica_mid_query_loses_nothing_and_the_other_answers() {
    let (sim, url, dir_a, dir_b) = setup(150).await;
    let a = replica(&sim, &url, &dir_a).await;
    let b = replica(&sim, &url, &dir_b).await;
    let browser = sign_in(&a.base_url).await;

    // A name and a session saved through a, then a long cold query on a, killed midway.
    let block = sim.dataset().blocks()[1].id.clone();
    give_name(&browser, &a.base_url, &block, "周报", "").await;
    let today = sim.dataset().today();
    let (from, to) = (today - Days::new(400), today - Days::new(2));
    let long = tokio::spawn({
        let (browser, base) = (browser.clone(), a.base_url.clone());
        async move { browser.get(format!("{base}/api/v1/block-access?from_date={from}&to_date={to}")).send().await }
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(sim.stats().search_requests > 0, "a was fetching when it was killed");
    a.kill();
    assert!(long.await.unwrap().is_err(), "the killed replica's answer never came");

    // b answers the same range exactly, with a's name, on a's session: the days a
    // saved are read from the database, the ones it held leases on are taken over.
    let started = Instant::now();
    let response = browser
        .get(format!("{}/api/v1/block-access?from_date={from}&to_date={to}", b.base_url))
        .timeout(Duration::from_secs(180))
        .send()
        .await;
    println!("after the kill, b answered {from}..{to} in {:.1} s", started.elapsed().as_secs_f64());
    let response = response.unwrap_or_else(|e| panic!("b did not answer: {e}; its log:\n{}", b.log_text()));
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let items = body["items"].as_array().expect("items").clone();
    assert_eq!(numbers(&items), truth(&sim, from, to));
    let named = items.iter().find(|i| i["block_id"] == block.as_str()).expect("the block has rows");
    assert_eq!(named["block_name"], "周报");
    let per_day = fetches_per_day(&sim);
    let days = (to - from).num_days() as usize + 1;
    assert_eq!(per_day.len(), days, "every day was fetched by a or b");
}

/// The value of the sample `name` (with its labels) in `/metrics` of the replica at `base`.
async fn metric(base: &str, name: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics")).await.expect("metrics answer").text().await.expect("text");
    text.lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
}

#[tokio::test]
async fn the_history_fetch_runs_on_one_replica_and_fetches_each_day_once() {
    let (sim, url, dir_a, dir_b) = setup(20).await;
    // 10% of 20 requests a second: slow enough that both replicas are up while it runs.
    let settings = [
        ("DATABASE_URL", url.as_str()),
        ("DASHBOARD_LEASE_SECS", "3"),
        ("DASHBOARD_HISTORY_MONTHS", "2"),
        ("DASHBOARD_HISTORY_RATE_PERCENT", "10"),
    ];
    let (a, b) = tokio::join!(
        ServerProcess::start_with(&sim, dir_a.path(), &settings),
        ServerProcess::start_with(&sim, dir_b.path(), &settings)
    );
    let replicas = [&a, &b];

    // While one fetches, the other says another replica does; then both say done.
    let started = Instant::now();
    let mut seen_elsewhere = false;
    loop {
        let mut done = 0;
        for replica in replicas {
            seen_elsewhere |= metric(&replica.base_url, "block_insights_history_state{state=\"elsewhere\"}").await == 1.0;
            done += usize::from(metric(&replica.base_url, "block_insights_history_state{state=\"done\"}").await == 1.0);
        }
        if done == 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the history fetch did not finish; a:\n{}\nb:\n{}",
            a.log_text(),
            b.log_text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(seen_elsewhere, "the replica without the lease left the fetch to the other");

    let last_final = sim.dataset().today() - Days::new(2);
    let first = NaiveDate::from_ymd_opt(last_final.year(), last_final.month(), 1).unwrap() - Days::new(1);
    let first = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap();
    let window_days = (last_final - first).num_days() as usize + 1;
    let mut fetched = Vec::new();
    for replica in replicas {
        assert_eq!(metric(&replica.base_url, "block_insights_history_months_done").await, 2.0);
        fetched.push(metric(&replica.base_url, "block_insights_history_days_fetched_total").await as usize);
    }
    println!("history of {window_days} days × 3 data sets on two replicas: a fetched {} days, b {}", fetched[0], fetched[1]);
    assert_eq!(fetched.iter().sum::<usize>(), 3 * window_days, "each day of each data set by one replica");
    for endpoint in [SimEndpoint::BlockAccess, SimEndpoint::WorkplaceAccess, SimEndpoint::CustomWorkplaceAccess] {
        let counts: BTreeMap<NaiveDate, u32> =
            sim.day_fetch_counts_of(endpoint).into_iter().filter(|(day, _)| *day >= first && *day <= last_final).collect();
        assert_eq!(counts.len(), window_days, "{endpoint:?}: every day of the window");
        assert!(counts.values().all(|n| *n == 1), "{endpoint:?}: days fetched twice: {counts:?}");
    }

    // The numbers on the replica that did not fetch them equal the ground truth, from the store.
    let quiet = replicas[usize::from(fetched[0] > fetched[1])];
    let browser = sign_in(&quiet.base_url).await;
    sim.reset_stats();
    assert_eq!(numbers(&block_access(&browser, &quiet.base_url, first, last_final).await), truth(&sim, first, last_final));
    assert_eq!(sim.stats().search_requests, 0, "answered from the shared store");
}
