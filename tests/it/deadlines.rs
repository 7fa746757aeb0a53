//! Nothing waits without bound: Feishu that stops answering mid-query gets the page and
//! the API a deadline error in the documented time, and the next query after it
//! recovers is exact; and pages rendered while other servers of the same process start
//! answer (leptos-rs/leptos#4773).

use std::time::{Duration, Instant};

use block_insights_tests::{spawn_app, spawn_app_with, testid_text, ungroup};
use feishu_sim::{Faults, SimConfig};
use serde_json::Value;

/// `DASHBOARD_QUERY_TIMEOUT_SECS` of the hanging test.
const QUERY_DEADLINE_SECS: u64 = 4;
/// `FEISHU_REQUEST_TIMEOUT_SECS` of the hanging test: longer than the test, so the held
/// requests stay out until Feishu answers them.
const FEISHU_TIMEOUT_SECS: u64 = 60;
/// How much later than the deadline an answer may come: the time to write it on a
/// machine whose two cores are shared, far below waiting on Feishu (60 s), which is the
/// failure this catches.
const SLACK: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feishu_hanging_mid_query_gets_the_deadline_error_in_time_and_recovers_exactly() {
    let app = spawn_app_with(
        SimConfig { faults: Faults { latency: Duration::from_millis(20), ..Faults::default() }, ..SimConfig::default() },
        &[
            ("DASHBOARD_QUERY_TIMEOUT_SECS", &QUERY_DEADLINE_SECS.to_string()),
            ("FEISHU_REQUEST_TIMEOUT_SECS", &FEISHU_TIMEOUT_SECS.to_string()),
        ],
    )
    .await;
    // 30 days of all blocks is some 9 pages: the first two are answered, then Feishu
    // holds every request with the connection open. (Short, so that after recovery
    // the page's three cold ranges fit Feishu's 20/s well within the deadline.)
    let (from, to) = (app.days_ago(40), app.days_ago(11));
    app.sim.set_faults(Faults { stall_after: Some(2), ..Faults::default() });
    let asked = Instant::now();
    let response = app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}")).await;
    let waited = asked.elapsed();
    assert_eq!(response.status(), 504);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "deadline", "{body}");
    assert_eq!(body["error"]["deadline_secs"], QUERY_DEADLINE_SECS, "{body}");
    let waited_for = body["error"]["waited_for"].as_str().unwrap();
    assert!(waited_for.starts_with("Feishu's answers for"), "{body}");
    assert!(body.get("items").is_none());
    assert!(
        waited >= Duration::from_secs(QUERY_DEADLINE_SECS) && waited < Duration::from_secs(QUERY_DEADLINE_SECS) + SLACK,
        "answered after {waited:?}, the deadline is {QUERY_DEADLINE_SECS} s"
    );
    assert!(app.sim.stats().pending > 0, "Feishu really held requests open");

    // The page: 504 with the notice that says what it waited for, no numbers.
    let asked = Instant::now();
    let response = app.get(&format!("/?from={from}&to={to}&lang=en")).await;
    let waited = asked.elapsed();
    assert_eq!(response.status(), 504);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-kind=\"deadline\""), "the deadline notice");
    assert!(html.contains(&format!("Waited {QUERY_DEADLINE_SECS} s for Feishu")), "it says what it waited for");
    assert!(testid_text(&html, "card-pv-value").is_none(), "no numbers for a query that did not finish");
    assert!(waited < Duration::from_secs(QUERY_DEADLINE_SECS) + SLACK, "the page answered after {waited:?}");

    // Feishu recovers and answers what it held: the fetch both queries waited for
    // completes, and the next query is exact.
    app.sim.set_faults(Faults::default());
    let response = app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), truth.len());
    for (item, t) in items.iter().zip(&truth) {
        assert_eq!(
            (
                item["date"].as_str().unwrap(),
                item["block_id"].as_str().unwrap(),
                item["pv"].as_u64().unwrap(),
                item["uv"].as_u64().unwrap()
            ),
            (t.date.to_string().as_str(), t.block_id.as_str(), t.pv, t.uv)
        );
    }
    let html = app.get(&format!("/?from={from}&to={to}&lang=en")).await.text().await.unwrap();
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), truth.iter().map(|r| r.pv).sum::<u64>());
}

/// Listing the app's routes renders it once with resource loading held off by a
/// process-wide flag; a page rendered while another server of the same process was
/// listing them never answered. The route list is made once per process now, so
/// however many servers start, every render answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_rendered_while_other_servers_start_all_answer() {
    let app = spawn_app().await;
    let starting = tokio::task::spawn_blocking(|| {
        for _ in 0..300 {
            // What every server start does.
            std::hint::black_box(server::startup::route_list());
        }
    });
    let mut renders = tokio::task::JoinSet::new();
    for lang in ["zh", "en", "zh", "en"] {
        let (http, url) = (app.http.clone(), format!("{}/?range=7d&lang={lang}", app.base_url));
        renders.spawn(async move {
            let mut answered = 0;
            for _ in 0..15 {
                let response = tokio::time::timeout(Duration::from_secs(20), http.get(&url).send())
                    .await
                    .unwrap_or_else(|_| panic!("{url} had no answer within 20 s"))
                    .expect("the server answers");
                assert_eq!(response.status(), 200);
                let html = response.text().await.expect("a whole body");
                assert!(testid_text(&html, "card-pv-value").is_some(), "the numbers are there");
                answered += 1;
            }
            answered
        });
    }
    let mut answered = 0;
    while let Some(count) = renders.join_next().await {
        answered += count.expect("the renders ran");
    }
    starting.await.expect("the route lists were made");
    assert_eq!(answered, 60);
}
