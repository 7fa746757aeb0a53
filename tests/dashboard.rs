//! The dashboard page and its server function, served by the real server.

use block_insights_tests::{spawn_app, table_rows, testid_text, ungroup};
use serde_json::json;

#[tokio::test]
async fn the_page_renders_the_range_with_the_simulators_numbers_before_any_javascript() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(20), app.days_ago(14));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    assert!(!truth.is_empty());

    let response = app.get(&format!("/?from={from}&to={to}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();

    let rows = table_rows(&html);
    assert_eq!(rows.len(), truth.len(), "one row per (day, block) with visits");
    for (row, t) in rows.iter().zip(&truth) {
        assert_eq!(row[0], t.date.to_string());
        assert_eq!(row[1], t.block_id);
        assert_eq!(ungroup(&row[2]), t.pv);
        assert_eq!(ungroup(&row[3]), t.uv);
    }
    let pv: u64 = truth.iter().map(|r| r.pv).sum();
    let uv: u64 = truth.iter().map(|r| r.uv).sum();
    assert_eq!(ungroup(&testid_text(&html, "total-pv").unwrap()), pv);
    assert_eq!(ungroup(&testid_text(&html, "total-uv").unwrap()), uv);
    // The form keeps the chosen range.
    assert!(html.contains(&format!("value=\"{from}\"")), "from is kept in the form");
    // Real Feishu configured: no demo banner.
    assert!(!html.contains("Demo mode"));
}

#[tokio::test]
async fn a_block_filter_shows_only_that_block() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[3].id.clone();
    let (from, to) = (app.days_ago(40), app.days_ago(1));
    let truth = app.sim.dataset().ground_truth(from, to, Some(&block));
    let html = app.get(&format!("/?from={from}&to={to}&block={block}")).await.text().await.unwrap();
    let rows = table_rows(&html);
    assert_eq!(rows.len(), truth.len());
    assert!(rows.iter().all(|r| r[1] == block));
    assert_eq!(ungroup(&testid_text(&html, "total-pv").unwrap()), truth.iter().map(|r| r.pv).sum::<u64>());
}

#[tokio::test]
async fn the_server_function_answers_json_and_refuses_bad_input_with_a_message() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(10), app.days_ago(8));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let response = app
        .http
        .post(format!("{}/api/block_access", app.base_url))
        .json(&json!({ "from": from.to_string(), "to": to.to_string(), "blocks": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), truth.len());
    assert_eq!(report["totals"]["pv"].as_u64().unwrap(), truth.iter().map(|r| r.pv).sum::<u64>());
    assert_eq!(report["simulated"], false);

    let response = app
        .http
        .post(format!("{}/api/block_access", app.base_url))
        .json(&json!({ "from": to.to_string(), "to": from.to_string(), "blocks": [] }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_server_error() || response.status().is_client_error());
    let body = response.text().await.unwrap();
    assert!(body.contains("swap the two dates"), "{body}");
}

#[tokio::test]
async fn bad_input_in_the_url_shows_the_fix_on_the_page() {
    let app = spawn_app().await;
    let html = app.get("/?from=2024-02-30&to=2024-03-01").await.text().await.unwrap();
    assert!(html.contains("from=\"2024-02-30\" is not a date") || html.contains("from=&quot;2024-02-30&quot; is not a date"), "{html}");
    assert!(table_rows(&html).is_empty());
}

#[tokio::test]
async fn demo_mode_uses_the_built_in_simulator_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = server::Application::build(server::Config::demo(dir.path().to_path_buf()), block_insights_tests::leptos_options())
        .await
        .unwrap();
    let sim = app.simulator().expect("demo mode starts a simulator").clone();
    let url = format!("http://{}", app.addr());
    let handle = tokio::spawn(app.run(std::future::pending()));
    let (from, to) = (sim.dataset().today() - chrono::Days::new(6), sim.dataset().today());
    let html = reqwest::get(format!("{url}/?from={from}&to={to}")).await.unwrap().text().await.unwrap();
    assert!(html.contains("Demo mode"), "the page says the data is simulated");
    let truth = sim.dataset().ground_truth(from, to, None);
    assert_eq!(table_rows(&html).len(), truth.len());
    handle.abort();
}
