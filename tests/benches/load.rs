//! Load benchmark: 200 signed-in sessions driven by goose against the real server and an
//! in-process Feishu simulator (50–150 ms per search, Feishu's 20/s limit), on cached
//! and cold overlapping ranges (pages and API, see `load_plan.rs`). Prints throughput,
//! p50/p99 per kind, the dashboard's 5xx count (must be 0) and the most searches Feishu
//! saw in any one second (must be at most 20). Times are printed, never asserted.
//!
//! ```sh
//! cargo bench -p block-insights-tests --features load --bench load
//! LOAD_USERS=200 LOAD_SECS=60 LOAD_LAUNCH_PER_SEC=50 cargo bench …   # the defaults
//! ```

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use block_insights_tests::load_plan::{Kind, LoadPlan};
use block_insights_tests::spawn_app_with;
use feishu_sim::{DEMO_ADMIN_OPEN_ID, Faults, SimConfig};
use goose::config::GooseConfiguration;
use goose::prelude::*;

static PLAN: OnceLock<LoadPlan> = OnceLock::new();
/// Pages that answered 200 but showed an error notice instead of numbers.
static ERROR_NOTICES: AtomicUsize = AtomicUsize::new(0);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Signs in through the real flow: the dashboard's /login, the simulator's authorize
/// page (which signs the demo admin in at once), the callback, then the dashboard.
async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let mut goose = user.get_named("/login?next=/", "sign in").await?;
    let landed = match &goose.response {
        Ok(response) => response.status() == 200 && response.url().path() == "/",
        Err(_) => false,
    };
    if !landed {
        return user.set_failure("sign-in did not reach the dashboard", &mut goose.request, None, None);
    }
    Ok(())
}

async fn ask(user: &mut GooseUser, kind: Kind) -> TransactionResult {
    let plan = PLAN.get().expect("the plan is set before the run");
    let path = plan.path(kind, &mut rand::rng());
    let mut goose = user.get_named(&path, kind.name()).await?;
    if let Ok(response) = goose.response {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status == 200 && body.contains("data-testid=\"error\"") {
            ERROR_NOTICES.fetch_add(1, Ordering::Relaxed);
            return user.set_failure("the page shows an error notice", &mut goose.request, None, Some(&body));
        }
    }
    Ok(())
}

async fn page_cached(user: &mut GooseUser) -> TransactionResult {
    ask(user, Kind::PageCached).await
}

async fn api_cached(user: &mut GooseUser) -> TransactionResult {
    ask(user, Kind::ApiCached).await
}

async fn page_cold(user: &mut GooseUser) -> TransactionResult {
    ask(user, Kind::PageCold).await
}

async fn api_cold(user: &mut GooseUser) -> TransactionResult {
    ask(user, Kind::ApiCold).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users = setting("LOAD_USERS", 200);
    let seconds = setting("LOAD_SECS", 60);
    let launch_per_sec = setting("LOAD_LAUNCH_PER_SEC", 50);

    let sim = SimConfig {
        history_days: 1500,
        faults: Faults { latency: Duration::from_millis(50), latency_jitter: Duration::from_millis(100), ..Faults::default() },
        // The simulator's login page signs the demo admin in at once (its login_hint shortcut).
        login_as: Some(DEMO_ADMIN_OPEN_ID.to_owned()),
        ..SimConfig::default()
    };
    let app = spawn_app_with(sim, &[]).await;
    let blocks = app.sim.dataset().blocks().iter().take(20).map(|b| b.id.clone()).collect();
    let plan = LoadPlan::new(app.today(), app.sim.config().history_days, blocks);
    for path in plan.warm_paths() {
        let status = app.get(&path).await.status();
        assert_eq!(status, 200, "warming {path}");
    }
    PLAN.set(plan).expect("set once");
    app.sim.reset_stats();

    println!(
        "load: {users} sessions (launched {launch_per_sec}/s) for {seconds} s against {} (simulator: 50–150 ms per search, 20/s)",
        app.base_url
    );
    let scenario = scenario!("dashboard user")
        .register_transaction(transaction!(sign_in).set_on_start())
        .register_transaction(transaction!(page_cached).set_weight(Kind::PageCached.weight())?)
        .register_transaction(transaction!(api_cached).set_weight(Kind::ApiCached.weight())?)
        .register_transaction(transaction!(page_cold).set_weight(Kind::PageCold.weight())?)
        .register_transaction(transaction!(api_cold).set_weight(Kind::ApiCold.weight())?);
    let metrics = GooseAttack::initialize_with_config(GooseConfiguration::default())?
        .register_scenario(scenario)
        .set_default(GooseDefault::Host, app.base_url.as_str())?
        .set_default(GooseDefault::Users, users)?
        .set_default(GooseDefault::IncreaseRate, launch_per_sec.to_string().as_str())?
        .set_default(GooseDefault::RunTime, seconds)?
        // Count from the first request: sign-ins and the ramp-up are part of the run.
        .set_default(GooseDefault::NoResetMetrics, true)?
        .set_default(GooseDefault::NoTransactionMetrics, true)?
        .set_default(GooseDefault::NoScenarioMetrics, true)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        .execute()
        .await?;

    let upstream = app.sim.stats();
    let window_max = upstream.max_requests_in_any_window(Duration::from_secs(1));
    let duration = metrics.duration.max(1) as f64;
    let mut requests: Vec<_> = metrics.requests.values().collect();
    requests.sort_by_key(|r| r.path.clone());
    let (mut total, mut server_errors, mut no_answer) = (0, 0, 0);
    println!("\n{:<22} {:>8} {:>8} {:>9} {:>9} {:>9} {:>6}", "kind", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "5xx");
    for r in &requests {
        let fivexx: usize = r.status_code_counts.iter().filter(|(code, _)| **code >= 500).map(|(_, n)| n).sum();
        let unanswered = r.status_code_counts.get(&0).copied().unwrap_or(0);
        total += r.raw_data.counter;
        server_errors += fivexx;
        no_answer += unanswered;
        println!(
            "{:<22} {:>8} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>6}",
            r.path,
            r.raw_data.counter,
            r.raw_data.counter as f64 / duration,
            r.raw_data.percentile_us(0.5) as f64 / 1000.0,
            r.raw_data.percentile_us(0.99) as f64 / 1000.0,
            r.raw_data.maximum_time_us as f64 / 1000.0,
            fivexx,
        );
    }
    println!(
        "{:<22} {:>8} {:>8.1}   over {duration:.0} s; {server_errors} answered 5xx, {no_answer} got no answer, {} pages showed an error notice",
        "all",
        total,
        total as f64 / duration,
        ERROR_NOTICES.load(Ordering::Relaxed)
    );
    println!(
        "upstream: {} searches ({} rate-limited), at most {window_max} in any one second (limit 20)",
        upstream.search_requests,
        upstream.answers_by_code.get(&99991400).copied().unwrap_or(0)
    );
    let verdict = if server_errors == 0 && no_answer == 0 && window_max <= 20 { "PASS" } else { "FAIL" };
    println!("{verdict}: no 5xx and at most 20 upstream searches in any second");
    if verdict == "FAIL" {
        std::process::exit(1);
    }
    Ok(())
}
