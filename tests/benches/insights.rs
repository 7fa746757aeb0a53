//! What the insights cost.
//!
//! 1. The time to compute the insights of a year over 200 blocks (`INSIGHTS_BLOCKS`) from warm data: the
//!    columns of the year and of the year before it (the previous period) from the
//!    simulator's tenant, `Insights::build` run `INSIGHTS_RUNS` times (default 30) on
//!    one thread; prints p50 and the slowest. Goal: under 20 ms on one core.
//! 2. The extra upstream calls the insights' baseline costs for a cold 30-day view:
//!    the Feishu searches of a cold dashboard (range, previous period, a year earlier
//!    and the weeks the insights read) against those of the same three ranges asked
//!    through the API on a fresh server.
//!
//! ```sh
//! cargo bench -p block-insights-tests --bench insights
//! ```

use std::time::{Duration, Instant};

use block_insights_tests::spawn_app;
use chrono::Days;
use domain::{AccessRow, BlockId, BlockMatrix, DateRange};
use feishu_sim::Dataset;
use use_cases::insights_report::{Insights, history_range};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    compute_time();
    baseline_calls().await;
    Ok(())
}

fn compute_time() {
    let runs: usize = std::env::var("INSIGHTS_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let blocks: usize = std::env::var("INSIGHTS_BLOCKS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let today = feishu_sim::shanghai_today();
    let data = Dataset::new(42, blocks, today, 800);
    let range = DateRange::new(today - Days::new(366), today - Days::new(2)).expect("a year");
    let history = history_range(range, 14);
    let rows: Vec<AccessRow> = data
        .ground_truth(history.from(), history.to(), None)
        .into_iter()
        .map(|r| AccessRow { date: r.date, block_id: BlockId::parse(&r.block_id).expect("an id"), pv: r.pv, uv: r.uv })
        .collect();
    let last_judged = today - Days::new(2);
    let m = BlockMatrix::from_rows(history, rows.iter());
    let started = Instant::now();
    let json = serde_json::to_vec(&Insights::build(range, &m, last_judged, 14)).expect("serialises");
    println!("one build and its JSON ({} KB): {:.1} ms", json.len() / 1024, started.elapsed().as_secs_f64() * 1e3);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let insights = Insights::build(range, &m, last_judged, 14);
            let took = started.elapsed();
            std::hint::black_box(insights);
            took
        })
        .collect();
    times.sort();
    let found = Insights::build(range, &m, last_judged, 14);
    println!(
        "insights of a year over {blocks} blocks ({} rows, {} days read): p50 {:.1} ms, slowest {:.1} ms over {runs} runs; {} unusual days, {} movers listed",
        rows.len(),
        history.len_days(),
        times[runs / 2].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3,
        found.unusual.len(),
        found.movers.as_ref().map_or(0, |m| m.rising.len() + m.falling.len()),
    );
}

async fn baseline_calls() {
    let (from, to) = {
        let probe = spawn_app().await;
        (probe.days_ago(31), probe.days_ago(2))
    };
    // The dashboard: its three ranges and the insights' weeks, on a cold server.
    let dashboard = spawn_app().await;
    let page = dashboard.get(&format!("/?from={from}&to={to}")).await;
    assert_eq!(page.status(), 200);
    let with_insights = dashboard.sim.stats().search_requests;
    // The same three ranges without the insights, through the API on another cold server.
    let plain = spawn_app().await;
    let previous = DateRange::new(from, to).expect("a range").previous_period();
    let year_ago = DateRange::new(from, to).expect("a range").year_earlier();
    for range in [DateRange::new(from, to).expect("a range"), previous, year_ago] {
        let answer = plain.get(&format!("/api/v1/block-access?from_date={}&to_date={}", range.from(), range.to())).await;
        assert_eq!(answer.status(), 200);
    }
    let without = plain.sim.stats().search_requests;
    println!(
        "cold 30-day view ({from} to {to}): {with_insights} Feishu searches with the insights' baseline, {without} for the range, \
         the previous period and a year earlier alone: {} extra",
        with_insights.saturating_sub(without)
    );
}
