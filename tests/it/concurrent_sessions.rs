//! The load benchmark's checks at test size (`benches/load.rs` has the figures): many
//! signed-in sessions at once on cached and cold overlapping ranges; the dashboard
//! answers every one of them without a 5xx or an error notice, and Feishu never sees
//! more than 20 requests in any one-second window.

use std::sync::Arc;
use std::time::Duration;

use block_insights_tests::load_plan::{Kind, LoadPlan};
use block_insights_tests::{sign_in_at, spawn_app_with};
use feishu_sim::{Faults, SimConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

const SESSIONS: usize = 50;
const REQUESTS_PER_SESSION: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_sessions_at_once_get_no_5xx_and_feishu_never_sees_more_than_20_a_second() {
    let sim = SimConfig {
        // A short history keeps the cold ranges, and so the run, small.
        history_days: 300,
        faults: Faults { latency: Duration::from_millis(20), latency_jitter: Duration::from_millis(60), ..Faults::default() },
        ..SimConfig::default()
    };
    let app = spawn_app_with(sim, &[]).await;
    let blocks = app.sim.dataset().blocks().iter().take(10).map(|b| b.id.clone()).collect();
    let plan = Arc::new(LoadPlan::new(app.today(), app.sim.config().history_days, blocks));
    for path in plan.warm_paths() {
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }

    let mut sessions = tokio::task::JoinSet::new();
    for _ in 0..SESSIONS {
        let base_url = app.base_url.clone();
        sessions.spawn(async move { sign_in_at(&base_url, feishu_sim::DEMO_ADMIN_OPEN_ID).await.expect("signed in") });
    }
    let clients = sessions.join_all().await;
    app.sim.reset_stats();

    let mut users = tokio::task::JoinSet::new();
    for (i, client) in clients.into_iter().enumerate() {
        let (base_url, plan) = (app.base_url.clone(), plan.clone());
        users.spawn(async move {
            let mut rng = StdRng::seed_from_u64(i as u64);
            let mut failures = Vec::new();
            for _ in 0..REQUESTS_PER_SESSION {
                let kind = Kind::draw(&mut rng);
                let path = plan.path(kind, &mut rng);
                match client.get(format!("{base_url}{path}")).send().await {
                    Ok(response) => {
                        let status = response.status();
                        let body = response.text().await.unwrap_or_default();
                        if status != 200 || body.contains("data-testid=\"error\"") {
                            failures.push(format!("{path}: {status} {}", body.chars().take(300).collect::<String>()));
                        }
                    }
                    Err(error) => failures.push(format!("{path}: no answer: {error}")),
                }
            }
            failures
        });
    }
    let failures: Vec<String> = users.join_all().await.into_iter().flatten().collect();
    let stats = app.sim.stats();
    let window_max = stats.max_requests_in_any_window(Duration::from_secs(1));
    println!(
        "{} requests from {SESSIONS} sessions: {} failed; Feishu saw {} searches, at most {window_max} in one second",
        SESSIONS * REQUESTS_PER_SESSION,
        failures.len(),
        stats.search_requests
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(stats.search_requests > 0, "the cold ranges reached Feishu");
    assert!(window_max <= 20, "Feishu saw {window_max} requests within one second");
    assert_eq!(stats.answers_by_code.get(&99991400), None, "no rate-limit answer");
}
