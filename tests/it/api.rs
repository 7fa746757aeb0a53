//! `/api/v1/block-access` (JSON and CSV) against the simulator's ground truth.

use block_insights_tests::spawn_app;
use feishu_sim::{Faults, ForcedAnswer};

#[tokio::test]
async fn json_items_equal_ground_truth_sorted_by_date_then_block() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(35), app.days_ago(2));
    let blocks = app.sim.dataset().blocks();
    let (a, b) = (blocks[5].id.clone(), blocks[0].id.clone());
    let response = app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}&block_id={a}&block_id={b}")).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    let mut truth = app.sim.dataset().ground_truth(from, to, Some(&a));
    truth.extend(app.sim.dataset().ground_truth(from, to, Some(&b)));
    truth.sort_by(|x, y| (x.date, &x.block_id).cmp(&(y.date, &y.block_id)));
    assert_eq!(items.len(), truth.len());
    for (item, t) in items.iter().zip(&truth) {
        assert_eq!(item["date"], t.date.to_string());
        assert_eq!(item["block_id"], t.block_id);
        assert_eq!(item["pv"], t.pv);
        assert_eq!(item["uv"], t.uv);
        assert!(item["block_name"].is_null());
    }
}

#[tokio::test]
async fn csv_has_a_bom_the_header_and_the_same_rows() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(9), app.days_ago(3));
    let response = app.get(&format!("/api/v1/block-access.csv?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte order mark for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("date,block_id,block_name,pv,uv"));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), truth.len());
    for (line, t) in rows.iter().zip(&truth) {
        assert_eq!(*line, format!("{},{},,{},{}", t.date, t.block_id, t.pv, t.uv));
    }
}

#[tokio::test]
async fn bad_parameters_answer_400_with_what_to_fix() {
    let app = spawn_app().await;
    for (query, expected) in [
        ("to_date=2024-01-01", "from_date is missing"),
        ("from_date=2024-1-1&to_date=2024-01-01", "is not a date"),
        ("from_date=2024-02-01&to_date=2024-01-01", "swap the two dates"),
        ("from_date=2024-01-01&to_date=2024-01-02&block_id=12ab", "digits only"),
        ("from_date=2024-01-01&to_date=2024-01-02&colour=blue", "unknown parameter"),
        ("from_date=2010-01-01&to_date=2024-01-02", "choose a shorter range"),
    ] {
        let response = app.get(&format!("/api/v1/block-access?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{query}: {message}");
        assert_eq!(body["error"]["kind"], "bad_request");
    }
    assert_eq!(app.sim.stats().search_requests, 0, "bad input never reaches Feishu");
}

#[tokio::test]
async fn a_feishu_failure_answers_502_with_the_code_and_the_advice() {
    let app = spawn_app().await;
    app.sim.set_faults(Faults { forced: Some(ForcedAnswer::missing_scope(&app.sim.config().app_id)), ..Faults::default() });
    let (from, to) = (app.days_ago(9), app.days_ago(3));
    let response = app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 502);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["feishu_code"], 99991672);
    assert!(body["error"]["message"].as_str().unwrap().contains("workplace:workplace_using_data:read"), "{body}");
    assert!(!body["error"]["advice"].as_str().unwrap().is_empty());
    let csv = app.get(&format!("/api/v1/block-access.csv?from_date={from}&to_date={to}")).await;
    assert_eq!(csv.status(), 502);
}
