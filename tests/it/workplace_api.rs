//! `/api/v1/workplace-access` and `/api/v1/custom-workplace-access` (JSON and CSV)
//! against the simulator's ground truth, with the block API's errors.

use block_insights_tests::spawn_app;
use feishu_sim::{Faults, ForcedAnswer};

#[tokio::test]
async fn workplace_totals_equal_the_truth_in_json_and_csv() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(60), app.days_ago(2));
    let truth = app.sim.dataset().workplace_ground_truth(from, to);
    assert_eq!(truth.len(), 59);
    let response = app.get(&format!("/api/v1/workplace-access?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), truth.len());
    for (item, t) in items.iter().zip(&truth) {
        assert_eq!(item["date"], t.date.to_string());
        assert_eq!((item["all_pv"].as_u64(), item["all_uv"].as_u64()), (Some(t.all_workplace.pv), Some(t.all_workplace.uv)));
        assert_eq!(
            (item["default_pv"].as_u64(), item["default_uv"].as_u64()),
            (Some(t.default_workplace.pv), Some(t.default_workplace.uv))
        );
    }
    let csv = app.get(&format!("/api/v1/workplace-access.csv?from_date={from}&to_date={to}")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "date,all_pv,all_uv,default_pv,default_uv");
    for (line, t) in lines[1..].iter().zip(&truth) {
        let (a, d) = (t.all_workplace, t.default_workplace);
        assert_eq!(*line, format!("{},{},{},{},{}", t.date, a.pv, a.uv, d.pv, d.uv));
    }
    assert_eq!(lines.len(), truth.len() + 1);
}

#[tokio::test]
async fn custom_workplaces_come_with_their_names_and_filter_to_one() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(20), app.days_ago(2));
    let truth = app.sim.dataset().custom_workplace_ground_truth(from, to, None);
    let body: serde_json::Value =
        app.get(&format!("/api/v1/custom-workplace-access?from_date={from}&to_date={to}")).await.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), truth.len());
    for (item, t) in items.iter().zip(&truth) {
        assert_eq!(item["date"], t.date.to_string());
        assert_eq!(item["custom_workplace_id"], t.custom_workplace_id);
        assert_eq!((item["pv"].as_u64(), item["uv"].as_u64()), (Some(t.access_data.pv), Some(t.access_data.uv)));
        let name = |lang: &str| t.names.iter().find(|(l, _)| l == lang).map(|(_, n)| n.clone());
        assert_eq!(item["name_zh"].as_str().map(str::to_owned), name("zh"));
        assert_eq!(item["name_en"].as_str().map(str::to_owned), name("en"));
    }
    assert!(items.iter().any(|i| i["name_en"] == "Sales" && i["name_zh"] == "销售工作台"));
    assert!(items.iter().any(|i| i["name_en"].is_null()), "a workplace named in Chinese only");

    let one = &app.sim.dataset().workplaces()[3];
    let csv = app
        .get(&format!("/api/v1/custom-workplace-access.csv?from_date={from}&to_date={to}&custom_workplace_id={}", one.id))
        .await;
    assert_eq!(csv.status(), 200);
    let bytes = csv.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("date,custom_workplace_id,name_zh,name_en,pv,uv"));
    let only = app.sim.dataset().custom_workplace_ground_truth(from, to, Some(&one.id));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), only.len());
    let (zh, en) = (one.name("zh").unwrap_or(""), one.name("en").unwrap_or(""));
    for (line, t) in rows.iter().zip(&only) {
        assert_eq!(*line, format!("{},{},{zh},{en},{},{}", t.date, one.id, t.access_data.pv, t.access_data.uv));
    }
}

#[tokio::test]
async fn bad_input_and_feishu_failures_answer_as_the_block_api_does() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(5), app.days_ago(2));
    for (path, expect) in [
        (format!("/api/v1/workplace-access?from_date={from}&to_date={to}&block_id=1"), "unknown parameter \"block_id\""),
        (format!("/api/v1/workplace-access?from_date={to}&to_date={from}"), "from_date"),
        (
            format!("/api/v1/custom-workplace-access?from_date={from}&to_date={to}&custom_workplace_id=tpl%20x"),
            "custom_workplace_id",
        ),
        (format!("/api/v1/custom-workplace-access.csv?to_date={to}"), "from_date is missing"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 400, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(expect), "{path}: {message}");
    }
    app.sim.set_faults(Faults { forced: Some(ForcedAnswer::new(1_628_003, 400, "internal")), ..Faults::default() });
    let response = app.get(&format!("/api/v1/workplace-access?from_date={from}&to_date={to}")).await;
    assert_eq!(response.status(), 502);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["feishu_code"], 1_628_003, "{body}");
}
