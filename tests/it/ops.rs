//! Operations routes and the monthly quota, on the real server against the simulator:
//! `/healthz`, `/readyz` and `/metrics` answer without sign-in and reveal no usage data;
//! readiness fails (503, saying why) when no tenant token can be had; the metrics move
//! with the traffic; the page warns past the quota's threshold and says when it is used up.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use block_insights_tests::{TestApp, leptos_options, spawn_app, spawn_app_with, strip_comments, testid_text};
use feishu_sim::{Faults, ForcedAnswer, SimConfig, Simulator};
use serde_json::Value;
use server::{Application, Config};

async fn anonymous_get(app: &TestApp, path: &str) -> reqwest::Response {
    app.anonymous.get(format!("{}{path}", app.base_url)).send().await.expect("the server answers")
}

async fn metrics(app: &TestApp) -> String {
    let response = anonymous_get(app, "/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of the sample `name` (with its labels, e.g. `x{code="0"}`), 0 when absent.
fn sample(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
}

async fn page(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    strip_comments(&response.text().await.unwrap())
}

#[tokio::test]
async fn health_readiness_and_metrics_answer_anonymously_with_counts_only() {
    let app = spawn_app().await;

    let health = anonymous_get(&app, "/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap(), serde_json::json!({ "status": "ok" }));

    let ready = anonymous_get(&app, "/readyz").await;
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"]["feishu_tenant_token"]["ok"], true);
    assert_eq!(ready["checks"]["store"]["ok"], true);

    let before = metrics(&app).await;
    for name in [
        "block_insights_http_requests_total",
        "block_insights_feishu_rate_wait_seconds_total",
        "block_insights_cache_hit_ratio",
        "block_insights_cache_hits_total",
        "block_insights_cache_misses_total",
        "block_insights_cache_evictions_total",
        "block_insights_feishu_calls_this_month",
        "block_insights_feishu_quota_reached",
    ] {
        assert!(before.contains(&format!("# TYPE {name} ")), "{name} missing from:\n{before}");
    }
    assert_eq!(sample(&before, "block_insights_feishu_calls_this_month"), 0.0);
    assert!(!before.contains("block_insights_feishu_monthly_quota"), "no quota configured, none shown");

    // A page view spends calls; the same days in another order are answered from memory
    // (the same view at once would share the first one's build, reading nothing).
    let (from, to) = (app.days_ago(20), app.days_ago(3));
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    assert!(!html.contains("data-testid=\"quota-banner\""), "no quota, no banner");
    page(&app, &format!("?from={from}&to={to}&lang=en&sort=name")).await;
    let after = metrics(&app).await;
    let ok_calls = sample(&after, "block_insights_feishu_requests_total{code=\"0\",endpoint=\"block_access\"}");
    assert!(ok_calls > 0.0, "{after}");
    assert_eq!(ok_calls as u64, app.sim.stats().successes(), "every search the simulator answered is counted");
    assert_eq!(sample(&after, "block_insights_feishu_calls_this_month"), ok_calls);
    assert!(sample(&after, "block_insights_cache_misses_total") > 0.0);
    assert!(sample(&after, "block_insights_cache_hits_total") > 0.0);
    let ratio = sample(&after, "block_insights_cache_hit_ratio");
    assert!(ratio > 0.0 && ratio < 1.0, "{ratio}");
    assert!(
        sample(&after, "block_insights_http_requests_total{status=\"200\"}")
            > sample(&before, "block_insights_http_requests_total{status=\"200\"}")
    );
    assert_eq!(sample(&after, "block_insights_feishu_token_fetches_total"), 1.0, "one token, cached");

    // Counts only: no block id, and none of the range's numbers.
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let (pv, uv): (u64, u64) = (truth.iter().map(|r| r.pv).sum(), truth.iter().map(|r| r.uv).sum());
    let values: Vec<&str> = after.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.rsplit(' ').next()).collect();
    for body in [&after, &ready.to_string()] {
        for block in app.sim.dataset().blocks() {
            assert!(!body.contains(&block.id), "block id {} revealed", block.id);
        }
    }
    for secret in [pv, uv] {
        assert!(!values.contains(&secret.to_string().as_str()), "{secret} revealed:\n{after}");
    }
    assert!(!after.to_lowercase().contains("pv") && !after.to_lowercase().contains(" uv"));
}

#[tokio::test]
async fn readiness_fails_when_the_simulator_stops() {
    // A 2-second token is replaced after 1 second: readiness soon has to ask Feishu again.
    let app = spawn_app_with(SimConfig { token_ttl: Duration::from_secs(2), ..SimConfig::default() }, &[]).await;
    assert_eq!(anonymous_get(&app, "/readyz").await.status(), 200);
    app.sim.clone().shutdown().await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;

    let response = anonymous_get(&app, "/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["feishu_tenant_token"]["ok"], false);
    assert!(!body["checks"]["feishu_tenant_token"]["error"].as_str().unwrap().is_empty(), "{body}");
    assert_eq!(body["checks"]["store"]["ok"], true, "only the failed check is reported as failed");
    // Alive all the same: a Feishu outage must not get the dashboard restarted.
    assert_eq!(anonymous_get(&app, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn readiness_fails_when_feishu_refuses_the_token_and_names_no_secret() {
    let sim = Simulator::start(SimConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let wrong_secret = "not-the-app-secret-4711";
    let vars: HashMap<&str, String> = HashMap::from([
        ("FEISHU_APP_ID", sim.config().app_id.clone()),
        ("FEISHU_APP_SECRET", wrong_secret.to_owned()),
        ("FEISHU_BASE_URL", sim.base_url()),
        ("DASHBOARD_ADMINS", feishu_sim::DEMO_ADMIN_OPEN_ID.to_owned()),
        ("DASHBOARD_DATA_DIR", data_dir.path().display().to_string()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("valid config");
    let server = Application::build(config, leptos_options()).await.expect("builds");
    let base_url = format!("http://{}", server.addr());
    let running = tokio::spawn(server.run(std::future::pending()));

    let response = reqwest::get(format!("{base_url}/readyz")).await.expect("answers");
    assert_eq!(response.status(), 503);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    let error = body["checks"]["feishu_tenant_token"]["error"].as_str().unwrap();
    assert!(error.contains("FEISHU_APP_SECRET"), "the error says what to check: {error}");
    assert!(!text.contains(wrong_secret), "the secret leaked: {text}");
    assert!(sim.stats().token_requests >= 1);
    running.abort();
}

#[tokio::test]
async fn the_page_warns_past_the_threshold() {
    let app = spawn_app_with(SimConfig::default(), &[("FEISHU_MONTHLY_QUOTA", "1000"), ("FEISHU_QUOTA_WARN_PERCENT", "3")]).await;
    // One day, with the 8 weeks before it that the insights read, costs about 20
    // calls: below the 30 calls of 3 %.
    let today = app.today();
    let html = page(&app, &format!("?from={today}&to={today}&lang=en")).await;
    let used = sample(&metrics(&app).await, "block_insights_feishu_calls_this_month") as u64;
    assert!(used < 30, "{used} calls for one day");
    assert!(!html.contains("data-testid=\"quota-banner\""), "below the threshold");

    let (from, to) = (app.days_ago(59), app.today());
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    let used = sample(&metrics(&app).await, "block_insights_feishu_calls_this_month") as u64;
    assert!((30..1000).contains(&used), "{used}");
    let banner = testid_text(&html, "quota-banner").expect("a quota banner");
    assert!(banner.contains(&format!("{used} of its 1,000 Feishu API calls")), "{banner}");
    assert!(banner.contains("resets on"), "{banner}");
    assert!(!html.contains("quota-reached"), "a warning, not the end");
    assert!(html.contains("data-testid=\"card-pv-value\""), "the numbers are shown");
    let metrics = metrics(&app).await;
    assert_eq!(sample(&metrics, "block_insights_feishu_monthly_quota"), 1000.0);
    assert_eq!(sample(&metrics, "block_insights_feishu_quota_reached"), 0.0);

    // In Chinese too.
    let html = page(&app, &format!("?from={from}&to={to}&lang=zh")).await;
    let banner = testid_text(&html, "quota-banner").expect("a quota banner");
    assert!(banner.contains("本月已调用飞书 API") && banner.contains("1,000"), "{banner}");
}

#[tokio::test]
async fn past_the_limit_the_page_says_the_quota_is_used_up_and_calls_stop() {
    let app = spawn_app_with(SimConfig::default(), &[("FEISHU_MONTHLY_QUOTA", "2")]).await;
    let (from, to) = (app.days_ago(29), app.days_ago(2));
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    assert!(html.contains("data-kind=\"quota-reached\""), "{html}");
    assert!(html.contains("The monthly Feishu API quota is used up (2 of 2 calls)"), "{html}");
    assert!(html.contains("already fetched") && html.contains("FEISHU_MONTHLY_QUOTA"));
    assert!(!html.contains("data-testid=\"card-pv-value\""), "no partial numbers");
    let spent = app.sim.stats().search_requests;
    assert_eq!(spent, 2, "exactly the quota was spent");

    // Scripts get 429 with the numbers; no more calls are made.
    let response = app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "quota_reached");
    assert_eq!(body["error"]["monthly_quota"], 2);
    assert!(body["error"]["message"].as_str().unwrap().contains("used up"));
    page(&app, &format!("?from={from}&to={to}")).await;
    assert_eq!(app.sim.stats().search_requests, spent);
    assert_eq!(sample(&metrics(&app).await, "block_insights_feishu_quota_reached"), 1.0);
}

#[tokio::test]
async fn feishus_own_quota_answer_ends_the_months_calls_and_the_banner_says_so() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(15), app.days_ago(5));
    page(&app, &format!("?from={from}&to={to}&lang=en")).await;

    app.sim.set_faults(Faults { forced: Some(ForcedAnswer::quota_exhausted()), ..Faults::default() });
    let (cold_from, cold_to) = (app.days_ago(120), app.days_ago(100));
    let html = page(&app, &format!("?from={cold_from}&to={cold_to}&lang=en")).await;
    assert!(html.contains("data-kind=\"quota-reached\"") && html.contains("99991403"), "{html}");

    // Feishu would answer again, but the month is over for the dashboard; what it
    // holds is still shown, under a banner that says why nothing new comes.
    app.sim.set_faults(Faults::default());
    app.sim.reset_stats();
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    let banner = testid_text(&html, "quota-banner").expect("a quota banner");
    assert!(banner.contains("99991403"), "{banner}");
    assert!(html.contains("quota-banner quota-reached"), "{html}");
    assert!(html.contains("data-testid=\"card-pv-value\""));
    page(&app, &format!("?from={cold_from}&to={cold_to}&lang=en")).await;
    assert_eq!(app.sim.stats().search_requests, 0, "no call after Feishu's 99991403");
}
