//! `/api/v1/annotations` over HTTP: a note written is listed by its day, edited and
//! removed; bad input gets a 400 naming the fix; a token without the write right reads
//! but does not write; notes survive a restart on the same store.

use block_insights_tests::{TestApp, spawn_app, spawn_app_for};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PATH: &str = "/api/v1/annotations";

/// Sends `method` to `path` with `body` as the signed-in admin, or with `token`.
async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let client = match token {
        Some(_) => reqwest::Client::new(),
        None => app.http.clone(),
    };
    let mut request = client.request(method, format!("{}{path}", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
}

#[tokio::test]
async fn a_note_is_written_listed_by_its_day_edited_and_removed() {
    let app = spawn_app().await;
    let (day, block) = (app.days_ago(20), app.sim.dataset().blocks()[2].id.clone());
    let body = json!({ "date": day.to_string(), "text": " Moved 请假 to the top of the HR workplace ", "block_ids": [block, block], "custom_workplace_id": null });
    let (status, note) = send(&app, reqwest::Method::POST, PATH, Some(body), None).await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    let id = note["id"].as_str().expect("an id").to_owned();
    assert_eq!(note["date"], day.to_string());
    assert_eq!(note["text"], "Moved 请假 to the top of the HR workplace");
    assert_eq!(note["block_ids"], json!([block]), "one block, once");
    assert!(note["custom_workplace_id"].is_null());
    assert_eq!(note["created_by"], "演示管理员");

    // A tenant-wide note on another day.
    let other = json!({ "date": app.days_ago(5).to_string(), "text": "New workplace for everyone" });
    let (status, _) = send(&app, reqwest::Method::POST, PATH, Some(other), None).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, all) = send(&app, reqwest::Method::GET, PATH, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let days: Vec<&str> = all["annotations"].as_array().unwrap().iter().map(|n| n["date"].as_str().unwrap()).collect();
    assert_eq!(days, [day.to_string(), app.days_ago(5).to_string()], "by day");
    let range = format!("{PATH}?from_date={}&to_date={}", app.days_ago(25), app.days_ago(10));
    let (_, some) = send(&app, reqwest::Method::GET, &range, None, None).await;
    assert_eq!(some["annotations"].as_array().unwrap().len(), 1, "the range holds one: {some}");
    assert_eq!(some["annotations"][0]["id"], id.as_str());

    let edited = json!({ "date": app.days_ago(21).to_string(), "text": "Moved 请假 up", "custom_workplace_id": "hr_workplace" });
    let (status, note) = send(&app, reqwest::Method::PUT, &format!("{PATH}/{id}"), Some(edited), None).await;
    assert_eq!(status, StatusCode::OK, "{note}");
    assert_eq!(
        (note["date"].as_str(), note["text"].as_str()),
        (Some(app.days_ago(21).to_string().as_str()), Some("Moved 请假 up"))
    );
    assert_eq!((note["block_ids"].clone(), note["custom_workplace_id"].clone()), (json!([]), json!("hr_workplace")));

    let (status, _) = send(&app, reqwest::Method::DELETE, &format!("{PATH}/{id}"), None, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, gone) = send(&app, reqwest::Method::DELETE, &format!("{PATH}/{id}"), None, None).await;
    assert_eq!((status, gone["error"]["kind"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{gone}");
    let (_, all) = send(&app, reqwest::Method::GET, PATH, None, None).await;
    assert_eq!(all["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(app.sim.stats().search_requests, 0, "notes cost Feishu nothing");
}

#[tokio::test]
async fn bad_notes_get_a_400_naming_the_fix_and_a_reading_token_writes_nothing() {
    let app = spawn_app().await;
    let day = app.days_ago(3).to_string();
    for (body, fix) in [
        (json!({ "date": "2026-13-01", "text": "x" }), "YYYY-MM-DD"),
        (json!({ "date": day, "text": "  " }), "short sentence"),
        (json!({ "date": day, "text": "长".repeat(201) }), "201 characters"),
        (json!({ "date": day, "text": "x", "block_ids": ["12a"] }), "block_ids"),
        (json!({ "date": day, "text": "x", "custom_workplace_id": "no spaces!" }), "custom_workplace_id"),
        (json!({ "date": day, "text": "x", "blocks": ["1"] }), "send JSON such as"),
        (json!({ "text": "x" }), "send JSON such as"),
    ] {
        let (status, answer) = send(&app, reqwest::Method::POST, PATH, Some(body.clone()), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"]["kind"], "bad_request");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(fix), "{body}: {message:?} should say {fix:?}");
    }
    let (status, answer) = send(&app, reqwest::Method::GET, &format!("{PATH}?from_date={day}"), None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("to_date"), "{answer}");

    let reader = app.new_token("report", false).await;
    let note = json!({ "date": day, "text": "From a script" });
    let (status, answer) = send(&app, reqwest::Method::POST, PATH, Some(note.clone()), Some(&reader)).await;
    assert_eq!((status, answer["error"]["kind"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("may read notes but not write them"));
    let (status, listed) = send(&app, reqwest::Method::GET, PATH, None, Some(&reader)).await;
    assert_eq!((status, listed["annotations"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let writer = app.new_token("deploy script", true).await;
    let (status, written) = send(&app, reqwest::Method::POST, PATH, Some(note), Some(&writer)).await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    assert_eq!(written["created_by"], "API token deploy script");
    let (status, _) =
        send(&app, reqwest::Method::DELETE, &format!("{PATH}/{}", written["id"].as_str().unwrap()), None, Some(&reader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor remove");
}

#[tokio::test]
async fn notes_survive_a_restart() {
    let first = spawn_app().await;
    let dir = first.data_dir.path().display().to_string();
    let day = first.days_ago(8).to_string();
    let (status, note) = send(&first, reqwest::Method::POST, PATH, Some(json!({ "date": day, "text": "Kept" })), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let sim = first.sim.clone();
    let second =
        spawn_app_for(sim, &[("DASHBOARD_DATA_DIR", dir.as_str())], std::sync::Arc::new(use_cases::digests::SystemClock)).await;
    drop(first);
    let (_, all) = send(&second, reqwest::Method::GET, PATH, None, None).await;
    assert_eq!(all["annotations"], json!([note]), "the same note, whole");
}
