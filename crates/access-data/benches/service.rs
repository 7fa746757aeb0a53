//! Figures for the access-data service against the simulator over loopback HTTP:
//! cold and warm query times, requests spent, the speed-up over one sequential
//! cursor, what extending a view costs, and the memory that a million cached items
//! take. Run with `cargo bench -p access-data --bench service`; it prints, it does not
//! assert.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use access_data::{AccessService, QueryOptions, ServiceConfig};
use chrono::Days;
use common::{client_config, days_ago, distinct_ranges, query, rows, searches, start_sim, truth};
use feishu::{BlockAccessQuery, FeishuClient, RateLimit};
use feishu_sim::{Faults, SimConfig, SimHandle};

const LATENCY: Duration = Duration::from_millis(150);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let rss_start = memory();
    println!("# access-data service benchmark (simulator over loopback, 60 blocks, {} ms latency)", LATENCY.as_millis());
    println!();

    println!("## Cold 365-day query, all blocks");
    let mut cold_walls = Vec::new();
    for (label, window_ms, latency) in [
        ("client default (window 1.1 s)", 1100, LATENCY),
        ("window 1.0 s", 1000, LATENCY),
        ("client default, 300 ms latency", 1100, Duration::from_millis(300)),
    ] {
        let cold = cold_year(window_ms, latency).await;
        println!(
            "{label:<32} wall {:>6.2} s  requests {:>3}  items {:>5}  ceil(items/200) {:>3}  sub-ranges {:>2}  \
             requests/20 per s {:>5.2} s  ratio {:.2}  max in 1 s {:>2}",
            cold.wall.as_secs_f64(),
            cold.requests,
            cold.items,
            cold.items.div_ceil(200),
            cold.sub_ranges,
            cold.requests as f64 / 20.0,
            cold.wall.as_secs_f64() / (cold.requests as f64 / 20.0),
            cold.max_in_window,
        );
        cold_walls.push(cold.wall);
    }
    println!("(goal: ratio <= 1.15; requests <= 1.1 x ceil(items/200) + sub-ranges)");
    println!();

    println!("## The same range paged sequentially with one cursor (as the official SDKs do)");
    let sequential = sequential_year().await;
    println!(
        "wall {:.2} s  requests {}  speed-up of the service (default client) {:.2}x",
        sequential.0.as_secs_f64(),
        sequential.1,
        sequential.0.as_secs_f64() / cold_walls[0].as_secs_f64()
    );
    println!();

    println!("## Warm queries (1000 runs each, after one cold run)");
    warm().await;
    println!();

    println!("## A 30-day view extended by 7 days");
    extension().await;
    println!();

    println!("## Memory with 1,000,000 cached items");
    million(rss_start).await;
}

struct Cold {
    wall: Duration,
    requests: u64,
    items: u64,
    sub_ranges: usize,
    max_in_window: usize,
}

fn latent_sim(latency: Duration) -> SimConfig {
    SimConfig { faults: Faults { latency, ..Faults::default() }, ..SimConfig::default() }
}

async fn service(sim: &SimHandle, rate: RateLimit, config: ServiceConfig) -> (AccessService, tempfile::TempDir) {
    let mut client_config = client_config(sim);
    client_config.rate = rate;
    let client = FeishuClient::new(client_config).expect("client builds");
    // The token is fetched before the clock starts, as on a running server.
    client.tenant_token().await.expect("token");
    let dir = tempfile::tempdir().expect("temporary directory");
    let service = common::service_with_client(client, dir.path(), config).await;
    (service, dir)
}

async fn cold_year(window_ms: u64, latency: Duration) -> Cold {
    let sim = start_sim(latent_sim(latency)).await;
    let rate = RateLimit { max_requests: 20, window: Duration::from_millis(window_ms) };
    let (service, _dir) = service(&sim, rate, ServiceConfig::default()).await;
    let year = query(days_ago(&sim, 364), days_ago(&sim, 0), &[]);
    let started = Instant::now();
    let answer = service.query(&year, QueryOptions::default()).await.expect("cold query");
    let wall = started.elapsed();
    assert!(rows(&answer) == truth(&sim, &year), "the cold answer differs from the ground truth");
    let stats = sim.stats();
    let cold = Cold {
        wall,
        requests: stats.search_requests,
        items: stats.items_served,
        sub_ranges: distinct_ranges(&sim).len(),
        max_in_window: stats.max_requests_in_any_window(Duration::from_secs(1)),
    };
    sim.shutdown().await;
    cold
}

async fn sequential_year() -> (Duration, u64) {
    let sim = start_sim(latent_sim(LATENCY)).await;
    let client = FeishuClient::new(client_config(&sim)).expect("client builds");
    client.tenant_token().await.expect("token");
    let search = BlockAccessQuery::new(days_ago(&sim, 364), days_ago(&sim, 0)).expect("valid query");
    let started = Instant::now();
    let items = client.search_block_access(&search).await.expect("sequential search");
    let wall = started.elapsed();
    assert_eq!(items.len() as u64, sim.stats().items_served);
    let requests = sim.stats().search_requests;
    sim.shutdown().await;
    (wall, requests)
}

async fn warm() {
    let sim = start_sim(SimConfig::default()).await;
    let (service, _dir) = service(&sim, RateLimit::default(), ServiceConfig::default()).await;
    let blocks = common::block_ids(&sim);
    let year = query(days_ago(&sim, 364), days_ago(&sim, 0), &[]);
    let month_three = query(days_ago(&sim, 29), days_ago(&sim, 0), &[&blocks[0], &blocks[5], &blocks[20]]);
    service.query(&year, QueryOptions::default()).await.expect("cold query");
    sim.reset_stats();
    for (label, q) in [("365 days, all blocks", &year), ("30 days, 3 blocks", &month_three)] {
        let mut times = Vec::with_capacity(1000);
        let mut rows_seen = 0;
        for _ in 0..1000 {
            let started = Instant::now();
            let answer = service.query(q, QueryOptions::default()).await.expect("warm query");
            times.push(started.elapsed());
            rows_seen = answer.rows.len();
        }
        times.sort();
        println!(
            "{label:<22} rows {rows_seen:>5}  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
            ms(times[499]),
            ms(times[989]),
            ms(times[999])
        );
    }
    println!("upstream requests during the warm runs: {} (goal: 0; p99 goal < 2 ms)", sim.stats().search_requests);
    sim.shutdown().await;
}

async fn extension() {
    let sim = start_sim(latent_sim(LATENCY)).await;
    let (service, _dir) = service(&sim, RateLimit::default(), ServiceConfig::default()).await;
    let view = query(days_ago(&sim, 36), days_ago(&sim, 7), &[]);
    service.query(&view, QueryOptions::default()).await.expect("the view");
    let first = sim.stats().search_requests;
    sim.reset_stats();
    let extended = query(days_ago(&sim, 36), days_ago(&sim, 0), &[]);
    let started = Instant::now();
    let answer = service.query(&extended, QueryOptions::default()).await.expect("the extended view");
    let wall = started.elapsed();
    assert!(rows(&answer) == truth(&sim, &extended));
    let items = sim.stats().items_served;
    println!(
        "view {} – {} cost {first} requests; extended to {}: {} requests ({} items, {} full pages), {:.0} ms",
        view.range.from(),
        view.range.to(),
        extended.range.to(),
        sim.stats().search_requests,
        items,
        items.div_ceil(200),
        ms(wall)
    );
    for search in searches(&sim) {
        println!("  search {} – {} ({} days)", search.from, search.to, (search.to - search.from).num_days() + 1);
    }
    println!("(goal: only the 7 new days {} – {})", days_ago(&sim, 6), days_ago(&sim, 0));
    sim.shutdown().await;
}

async fn million(rss_start: Memory) {
    const BLOCKS: usize = 1000;
    const HISTORY_DAYS: u32 = 6000;
    const RATE: u32 = 1000;
    let config = SimConfig { block_count: BLOCKS, history_days: HISTORY_DAYS, rate_limit_per_second: RATE, ..SimConfig::default() };
    let sim = start_sim(config).await;
    // Build the simulator's table of cells (it lives in this process too) before the
    // baseline, so that the difference is the service's.
    let top = sim.dataset().blocks()[0].id.clone();
    let _ = sim.dataset().access(&top, sim.dataset().today());
    let rate = RateLimit { max_requests: RATE, window: Duration::from_millis(1100) };
    let (service, _dir) = service(&sim, rate, ServiceConfig::default()).await;
    let before = memory();

    let started = Instant::now();
    let mut to = sim.dataset().today();
    let first = sim.dataset().first_day();
    let mut rows_total = 0usize;
    while rows_total < 1_000_000 && to > first {
        let from = to.checked_sub_days(Days::new(365)).expect("in range").max(first);
        let year = query(from, to, &[]);
        rows_total += service.query(&year, QueryOptions::default()).await.expect("fill query").rows.len();
        to = from - Days::new(1);
    }
    let fill = started.elapsed();
    let after = memory();
    let stats = service.cache_stats().await;
    let sim_stats = sim.stats();
    println!(
        "simulator: {BLOCKS} blocks, {HISTORY_DAYS} days of history; rate limit raised to {RATE}/s on both the simulator and \
         the client for this part only; no latency"
    );
    println!(
        "filled {} items ({} requests, {:.1} s); cache: {} days, {:.1} MB weighed, {} evictions",
        sim_stats.items_served,
        sim_stats.search_requests,
        fill.as_secs_f64(),
        stats.entries,
        stats.weighted_bytes as f64 / 1e6,
        stats.evictions
    );
    println!(
        "RSS: at start {:.1} MB; before filling (simulator table built, service started) {:.1} MB; after {:.1} MB \
         (+{:.1} MB); peak (VmHWM) {:.1} MB  (goal: < 200 MB)",
        rss_start.rss_mb,
        before.rss_mb,
        after.rss_mb,
        after.rss_mb - before.rss_mb,
        after.hwm_mb
    );
    let year = query(sim.dataset().today() - Days::new(364), sim.dataset().today(), &[]);
    let mut times = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        service.query(&year, QueryOptions::default()).await.expect("warm query");
        times.push(started.elapsed());
    }
    times.sort();
    println!("warm 365-day query over {BLOCKS} blocks: p50 {:.3} ms, p99 {:.3} ms", ms(times[100]), ms(times[197]));
    sim.shutdown().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[derive(Clone, Copy)]
struct Memory {
    rss_mb: f64,
    hwm_mb: f64,
}

/// VmRSS and VmHWM of this process, in MB (0 where /proc is not there).
fn memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    Memory { rss_mb: field("VmRSS:"), hwm_mb: field("VmHWM:") }
}
