//! Shared set-up for the service's integration tests: a simulator on a free loopback
//! port, a Feishu client pointed at it, a service over a real SQLite store in a
//! temporary directory, and the simulator's ground truth and request log in shapes
//! that compare easily.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use access_data::{AccessService, QueryAnswer, ServiceConfig, Store};
use chrono::{Days, NaiveDate};
use domain::{AccessQuery, BlockId, DateRange};
use feishu::{FeishuClient, FeishuConfig, RetryPolicy};
use feishu_sim::{SimConfig, SimHandle, Simulator};

/// One row in a comparable shape: (date, block id, pv, uv).
pub type Row = (NaiveDate, String, u64, u64);

/// A simulator with `config` on a free loopback port.
pub async fn start_sim(config: SimConfig) -> SimHandle {
    let addr = "127.0.0.1:0".parse().expect("valid address");
    Simulator::start(config, addr).await.expect("simulator starts")
}

/// The default tenant (60 blocks, 20 requests/s, today = Shanghai today), which is
/// also what a service with the default time zone takes for today.
pub async fn default_sim() -> SimHandle {
    start_sim(SimConfig::default()).await
}

/// Client settings for `sim`: default rate budget, short backoff so tests stay quick.
pub fn client_config(sim: &SimHandle) -> FeishuConfig {
    let app = sim.config();
    let mut config = FeishuConfig::new(sim.base_url(), app.app_id.clone(), app.app_secret.clone());
    config.retry = RetryPolicy {
        max_retries: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        max_total_time: Duration::from_secs(30),
    };
    config.request_timeout = Duration::from_secs(10);
    config
}

pub fn client(sim: &SimHandle) -> FeishuClient {
    FeishuClient::new(client_config(sim)).expect("client builds")
}

/// A service over a new client of `sim` and the store in `data_dir`.
pub async fn service_in(sim: &SimHandle, data_dir: &Path, config: ServiceConfig) -> AccessService {
    service_with_client(client(sim), data_dir, config).await
}

pub async fn service_with_client(client: FeishuClient, data_dir: &Path, config: ServiceConfig) -> AccessService {
    let store = Store::open(data_dir).await.expect("store opens");
    AccessService::new(client, store, config).await.expect("service starts")
}

/// A service with default settings over `sim`, its store in a new temporary directory
/// (kept alive by the returned guard).
pub async fn service(sim: &SimHandle) -> (AccessService, tempfile::TempDir) {
    service_with(sim, ServiceConfig::default()).await
}

pub async fn service_with(sim: &SimHandle, config: ServiceConfig) -> (AccessService, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let service = service_in(sim, dir.path(), config).await;
    assert_eq!(service.today(), sim.dataset().today(), "the simulator and the service must agree on today");
    (service, dir)
}

/// The day `n` days before the simulator's today.
pub fn days_ago(sim: &SimHandle, n: u64) -> NaiveDate {
    sim.dataset().today().checked_sub_days(Days::new(n)).expect("in range")
}

pub fn range(from: NaiveDate, to: NaiveDate) -> DateRange {
    DateRange::new(from, to).expect("ordered range")
}

/// A query as the entry points build it: blocks sorted, without repeats.
pub fn query(from: NaiveDate, to: NaiveDate, blocks: &[&str]) -> AccessQuery {
    let mut ids: Vec<BlockId> = blocks.iter().map(|b| BlockId::parse(b).expect("valid block id")).collect();
    ids.sort();
    ids.dedup();
    AccessQuery { range: range(from, to), blocks: ids }
}

/// The tenant's block ids, most popular first.
pub fn block_ids(sim: &SimHandle) -> Vec<String> {
    sim.dataset().blocks().iter().map(|b| b.id.clone()).collect()
}

/// What the simulator holds for `query`, sorted by (date, block id).
pub fn truth(sim: &SimHandle, query: &AccessQuery) -> Vec<Row> {
    let (from, to) = (query.range.from(), query.range.to());
    let mut rows: Vec<Row> = if query.blocks.is_empty() {
        shape(sim.dataset().ground_truth(from, to, None))
    } else {
        query.blocks.iter().flat_map(|b| shape(sim.dataset().ground_truth(from, to, Some(b.as_str())))).collect()
    };
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    rows
}

fn shape(rows: Vec<feishu_sim::AccessRow>) -> Vec<Row> {
    rows.into_iter().map(|r| (r.date, r.block_id, r.pv, r.uv)).collect()
}

/// The answer's rows in the comparable shape, in the order the service gave them.
pub fn rows(answer: &QueryAnswer) -> Vec<Row> {
    answer.rows.iter().map(|r| (r.date, r.block_id.to_string(), r.pv, r.uv)).collect()
}

/// Runs `query` with default options and checks the rows against the ground truth.
pub async fn query_exact(service: &AccessService, sim: &SimHandle, query: &AccessQuery) -> QueryAnswer {
    let answer = service.query(query, Default::default()).await.unwrap_or_else(|e| panic!("{query:?} failed: {e}"));
    assert_exact(sim, query, &answer);
    answer
}

pub fn assert_exact(sim: &SimHandle, query: &AccessQuery, answer: &QueryAnswer) {
    let got = rows(answer);
    let want = truth(sim, query);
    if got != want {
        let first_diff = got.iter().zip(&want).position(|(a, b)| a != b);
        panic!(
            "{} – {} blocks {:?}: {} rows, expected {}; first difference at {:?}: got {:?}, want {:?}",
            query.range.from(),
            query.range.to(),
            query.blocks.iter().map(BlockId::as_str).collect::<Vec<_>>(),
            got.len(),
            want.len(),
            first_diff,
            first_diff.map(|i| &got[i]),
            first_diff.map(|i| &want[i]),
        );
    }
}

/// One upstream search as the simulator saw it: a filter (a block id, or `None` for all
/// blocks) over a range of days. Follow-up pages (with a page token) belong to the
/// search of their first page and are not listed again.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Search {
    pub block: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Search {
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(|d| *d <= self.to)
    }
}

/// The successful first-page searches since the simulator's stats were last reset.
pub fn searches(sim: &SimHandle) -> Vec<Search> {
    sim.successful_requests()
        .into_iter()
        .filter(|r| r.params.page_token.as_deref().is_none_or(str::is_empty))
        .map(|r| Search {
            block: r.params.block_id.clone().filter(|b| !b.is_empty()),
            from: r.params.from.expect("the service sends valid dates"),
            to: r.params.to.expect("the service sends valid dates"),
        })
        .collect()
}

/// A filter (a block id, or `None` for all blocks) on one day.
pub type FilterDay = (Option<String>, NaiveDate);

/// Every (filter, day) the successful searches covered, and those covered more than once.
pub fn covered(searches: &[Search]) -> (BTreeSet<FilterDay>, Vec<FilterDay>) {
    let mut seen = BTreeSet::new();
    let mut twice = Vec::new();
    for search in searches {
        for day in search.days() {
            if !seen.insert((search.block.clone(), day)) {
                twice.push((search.block.clone(), day));
            }
        }
    }
    (seen, twice)
}

/// The distinct (block, from, to) of all successful requests, first pages or not.
pub fn distinct_ranges(sim: &SimHandle) -> BTreeSet<Search> {
    sim.successful_requests()
        .into_iter()
        .map(|r| Search {
            block: r.params.block_id.clone().filter(|b| !b.is_empty()),
            from: r.params.from.expect("valid dates"),
            to: r.params.to.expect("valid dates"),
        })
        .collect()
}
