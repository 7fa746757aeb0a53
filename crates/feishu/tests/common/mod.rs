//! Shared set-up: a simulator on a free port and a client pointed at it.

#![allow(dead_code)]

use std::time::Duration;

use chrono::{Days, NaiveDate};
use feishu::{BlockAccess, FeishuClient, FeishuConfig, RetryPolicy};
use feishu_sim::{AccessRow, SimConfig, SimHandle, Simulator};

/// A fixed "today" so that every run sees the same data.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date")
}

/// `days` days ending today.
pub fn last_days(days: u64) -> (NaiveDate, NaiveDate) {
    let from = today().checked_sub_days(Days::new(days - 1)).expect("in range");
    (from, today())
}

/// The default tenant (60 blocks, 20 requests/s) with a fixed today.
pub fn sim_config() -> SimConfig {
    SimConfig { today: today(), history_days: 800, ..SimConfig::default() }
}

pub async fn start(config: SimConfig) -> SimHandle {
    let addr = "127.0.0.1:0".parse().expect("valid address");
    Simulator::start(config, addr).await.expect("simulator starts")
}

/// Default client config for `sim`, with short backoff so tests stay fast.
pub fn client_config(sim: &SimHandle) -> FeishuConfig {
    let app = sim.config();
    let mut config = FeishuConfig::new(sim.base_url(), app.app_id.clone(), app.app_secret.clone());
    config.retry = RetryPolicy {
        max_retries: 3,
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

/// Rows in one comparable shape.
pub type Row = (NaiveDate, String, u64, u64);

pub fn rows(items: Vec<BlockAccess>) -> Vec<Row> {
    items.into_iter().map(|item| (item.date, item.block_id.to_string(), item.pv, item.uv)).collect()
}

pub fn truth(sim: &SimHandle, from: NaiveDate, to: NaiveDate, block_id: Option<&str>) -> Vec<Row> {
    sim.dataset()
        .ground_truth(from, to, block_id)
        .into_iter()
        .map(|AccessRow { date, block_id, pv, uv }| (date, block_id, pv, uv))
        .collect()
}
