//! The Feishu request budget shared by several replicas through PostgreSQL: three
//! "replicas" (each its own store connection, shared budget and Feishu client) search
//! one simulator at once, and Feishu never sees more than 20 requests in a second;
//! a replica that dies holding grants does not strand the budget. Needs
//! `TEST_DATABASE_URL` (scripts/test). The figures are printed (run with
//! `--nocapture` to see them).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use feishu::{BlockAccessQuery, FeishuClient, FeishuConfig, RateBudget, RateLimit};
use feishu_sim::{Faults, SimConfig, SimHandle, Simulator};
use server::shared_rate::SharedRateBudget;
use store::testing::fresh_postgres_database;
use store::{RateAttempt, Store};

/// Feishu's rate-limit answer (HTTP 429).
const RATE_LIMITED: i64 = 99991400;
const CONNECT: Duration = Duration::from_secs(10);

/// One replica: its own pool on the shared database, budget and Feishu client.
struct Replica {
    budget: Arc<SharedRateBudget>,
    client: FeishuClient,
}

async fn replica(url: &str, sim: &SimHandle) -> Replica {
    let store = Store::connect(url, CONNECT).await.expect("the replica connects to PostgreSQL");
    let config = FeishuConfig::new(sim.base_url(), sim.config().app_id.clone(), sim.config().app_secret.clone());
    let budget = SharedRateBudget::new(store, RateLimit::default(), SharedRateBudget::lease_for(config.request_timeout));
    let client = FeishuClient::with_rate_budget(config, budget.clone()).expect("client");
    Replica { budget, client }
}

/// The simulator's rows for a query, as the client reports them.
fn ground_truth(sim: &SimHandle, from: NaiveDate, to: NaiveDate, block: Option<&str>) -> Vec<(NaiveDate, String, u64, u64)> {
    sim.dataset().ground_truth(from, to, block).into_iter().map(|row| (row.date, row.block_id, row.pv, row.uv)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_stay_within_twenty_requests_a_second_together() {
    let faults = Faults { latency: Duration::from_millis(150), latency_jitter: Duration::from_millis(30), ..Faults::default() };
    let sim = Simulator::start(SimConfig { faults, ..SimConfig::default() }, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("simulator starts");
    let url = fresh_postgres_database().await;
    let replicas = [replica(&url, &sim).await, replica(&url, &sim).await, replica(&url, &sim).await];
    let holders: Vec<&str> = replicas.iter().map(|r| r.budget.holder()).collect();
    assert!(holders[0] != holders[1] && holders[1] != holders[2] && holders[0] != holders[2], "{holders:?}");

    // 60 searches of one to three pages each: one block over a month, or every block
    // over one to ten days, spread over the replicas.
    let today = sim.dataset().today();
    let blocks: Vec<String> = sim.dataset().blocks().iter().map(|b| b.id.clone()).collect();
    let searches: Vec<(NaiveDate, NaiveDate, Option<String>)> = (0..60u64)
        .map(|i| {
            let to = today - chrono::Days::new(3 * i);
            if i % 3 == 0 {
                (to - chrono::Days::new(29), to, Some(blocks[(i as usize) % blocks.len()].clone()))
            } else {
                (to - chrono::Days::new(i % 10), to, None)
            }
        })
        .collect();

    sim.reset_stats();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (from, to, block)) in searches.iter().cloned().enumerate() {
        let client = replicas[i % replicas.len()].client.clone();
        tasks.push(tokio::spawn(async move {
            let mut query = BlockAccessQuery::new(from, to).expect("query");
            if let Some(block) = &block {
                query = query.with_block(feishu::BlockId::parse(block).expect("block id"));
            }
            client.search(&query).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("search task"));
    }
    let wall = started.elapsed();

    let stats = sim.stats();
    let window_max = stats.max_requests_in_any_window(Duration::from_secs(1));
    println!(
        "shared budget, 3 replicas, 60 searches: {} Feishu requests in {:.2} s, at most {window_max} in any 1-second window, answers by code {:?}",
        stats.search_requests,
        wall.as_secs_f64(),
        stats.answers_by_code
    );
    for (i, (answer, (from, to, block))) in answers.into_iter().zip(&searches).enumerate() {
        let rows = answer.unwrap_or_else(|e| panic!("search {i} ({from}..{to}, {block:?}) failed: {e}"));
        let got: Vec<_> = rows.into_iter().map(|r| (r.date, r.block_id.as_str().to_owned(), r.pv, r.uv)).collect();
        assert_eq!(got, ground_truth(&sim, *from, *to, block.as_deref()), "search {i} ({from}..{to}, {block:?})");
    }
    assert!(window_max <= 20, "Feishu saw {window_max} requests within one second");
    assert_eq!(stats.answers_by_code.get(&RATE_LIMITED), None, "Feishu refused requests for the rate limit");
    assert!(stats.search_requests > 60, "every search was answered in one page: the test asks too little");
    // With more than 20 requests to send, the budget is what paced them.
    assert!(wall >= Duration::from_secs(2), "{} requests in {wall:?}", stats.search_requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_that_dies_holding_grants_does_not_strand_the_budget() {
    let url = fresh_postgres_database().await;
    let lease = Duration::from_secs(1);
    let limit = RateLimit::default();

    // The replica that dies: it takes the whole budget and never releases any of it.
    let dead = Store::connect(&url, CONNECT).await.expect("connects");
    let started = Instant::now();
    for _ in 0..limit.max_requests {
        let attempt = dead.try_take_rate_grant("dead-replica", limit.max_requests, limit.window, lease).await.unwrap();
        assert!(matches!(attempt, RateAttempt::Granted { .. }), "{attempt:?}");
    }
    drop(dead);

    let survivors = [
        SharedRateBudget::new(Store::connect(&url, CONNECT).await.expect("connects"), limit, lease),
        SharedRateBudget::new(Store::connect(&url, CONNECT).await.expect("connects"), limit, lease),
    ];
    // The whole budget again, ten grants on each survivor, each released at once.
    let mut tasks = Vec::new();
    for budget in survivors.iter().cycle().take(20) {
        let budget = Arc::clone(budget);
        tasks.push(tokio::spawn(async move {
            budget.acquire().await;
            let granted_after = started.elapsed();
            budget.release();
            granted_after
        }));
    }
    let mut granted_after = Vec::new();
    for task in tasks {
        granted_after.push(task.await.expect("acquire task"));
    }
    granted_after.sort();
    let (first, last) = (granted_after[0], granted_after[19]);
    println!(
        "dead replica held 20 grants with a 1 s lease: survivors' first grant after {:.2} s, the 20th after {:.2} s",
        first.as_secs_f64(),
        last.as_secs_f64()
    );
    // The dead grants count until a window after their lease: about 2 s.
    assert!(first >= Duration::from_millis(1800), "a survivor was granted after {first:?}, while the dead grants counted");
    assert!(last <= Duration::from_secs(5), "the dead replica's grants stranded the budget: the 20th grant came after {last:?}");
}
