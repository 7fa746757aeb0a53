//! Grants of view access over HTTP: `/api/v1/viewers` (made, read, replaced and revoked
//! by a signed-in admin; bad input gets a 400 naming the fix, an API token and a viewer
//! 403, an unknown person 404) and the viewers page, whose plain forms grant and revoke and say
//! what came of it; grants survive a restart on the same store.

use block_insights_tests::{TestApp, spawn_app, spawn_app_for, strip_comments};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PATH: &str = "/api/v1/viewers";

/// Sends `method` to `path` with `body` (JSON, or raw text) as the signed-in admin, or
/// with `token`.
async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = match token {
        Some(token) => app.anonymous.request(method, format!("{}{path}", app.base_url)).bearer_auth(token),
        None => app.http.request(method, format!("{}{path}", app.base_url)),
    };
    request = match body {
        Some(Value::String(raw)) => request.header("content-type", "application/json").body(raw),
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
}

/// Asks Feishu (the simulator) for the custom workplaces once, as the workplace view
/// does, so that the dashboard knows their names; answers the first one with an
/// English name, `(id, zh name, en name)`, its names as HTML writes them.
async fn known_workplace(app: &TestApp) -> (String, String, String) {
    let asked = format!("/api/v1/custom-workplace-access?from_date={}&to_date={}", app.days_ago(3), app.days_ago(2));
    assert_eq!(app.get(&asked).await.status(), 200);
    let workplaces = app.sim.dataset().workplaces();
    let named = workplaces.iter().find(|w| w.name("en").is_some()).expect("a workplace with an English name");
    let html = |name: &str| name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    (named.id.clone(), html(named.name("zh").unwrap()), html(named.name("en").unwrap()))
}

#[tokio::test]
async fn a_grant_is_made_read_replaced_and_revoked() {
    let app = spawn_app().await;
    let (workplace, _, _) = known_workplace(&app).await;
    let block = app.sim.dataset().blocks()[3].id.clone();

    // The person in the path is URL-decoded, and an address is kept in lower case.
    let body = json!({ "custom_workplace_ids": [workplace], "block_ids": [block, block] });
    let (status, lei) = send(&app, Method::PUT, &format!("{PATH}/Li.Lei%40Example.com"), Some(body), None).await;
    assert_eq!(status, StatusCode::OK, "{lei}");
    assert_eq!(lei["who"], "li.lei@example.com");
    assert_eq!((&lei["custom_workplace_ids"], &lei["block_ids"]), (&json!([workplace]), &json!([block])), "each once");
    assert_eq!(lei["granted_by"], "演示管理员");
    let at = chrono::DateTime::parse_from_rfc3339(lei["granted_at"].as_str().unwrap()).unwrap();
    assert!((chrono::Utc::now() - at.to_utc()).num_seconds().abs() < 60, "{at}");
    assert_eq!(lei["unknown_workplaces"], json!([]), "a workplace Feishu reports");

    // A workplace Feishu does not report is granted, with a warning.
    let (status, hr) =
        send(&app, Method::PUT, &format!("{PATH}/ou_hr"), Some(json!({ "custom_workplace_ids": ["tpl_typo"] })), None).await;
    assert_eq!(status, StatusCode::OK, "{hr}");
    assert_eq!((&hr["unknown_workplaces"], &hr["block_ids"]), (&json!(["tpl_typo"]), &json!([])));

    let (status, all) = send(&app, Method::GET, PATH, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let mut lei_listed = lei.clone();
    lei_listed.as_object_mut().unwrap().remove("unknown_workplaces");
    let mut hr_listed = hr.clone();
    hr_listed.as_object_mut().unwrap().remove("unknown_workplaces");
    assert_eq!(all, json!({ "viewers": [lei_listed, hr_listed] }), "by whom they are for, with these fields only");
    let (status, one) = send(&app, Method::GET, &format!("{PATH}/li.lei@example.com"), None, None).await;
    assert_eq!((status, &one), (StatusCode::OK, &lei_listed));

    // Granting again replaces the scope.
    let (status, again) = send(&app, Method::PUT, &format!("{PATH}/ou_hr"), Some(json!({ "block_ids": [block] })), None).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (_, one) = send(&app, Method::GET, &format!("{PATH}/ou_hr"), None, None).await;
    assert_eq!((&one["custom_workplace_ids"], &one["block_ids"]), (&json!([]), &json!([block])));
    let scope = app.state.service.store().viewer_scope(&["ou_hr", "li.lei@example.com"]).await.unwrap().unwrap();
    assert_eq!((scope.custom_workplace_ids.len(), scope.block_ids.len()), (1, 1), "both grants, together");

    let (status, gone) = send(&app, Method::DELETE, &format!("{PATH}/ou_hr"), None, None).await;
    assert_eq!((status, gone), (StatusCode::NO_CONTENT, Value::Null));
    for method in [Method::GET, Method::DELETE] {
        let (status, missing) = send(&app, method.clone(), &format!("{PATH}/ou_hr"), None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {missing}");
        assert_eq!(missing["error"]["kind"], "not_found");
        assert!(missing["error"]["message"].as_str().unwrap().contains("GET /api/v1/viewers"), "{missing}");
    }
    assert_eq!(app.state.service.store().viewer_scope(&["ou_hr"]).await.unwrap(), None, "revoked");
    let (_, all) = send(&app, Method::GET, PATH, None, None).await;
    assert_eq!(all["viewers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_with_what_to_fix() {
    let app = spawn_app().await;
    let good = json!({ "block_ids": ["7012345"] });
    let many: Vec<String> = (1..=501).map(|n| n.to_string()).collect();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("ou_x", Value::String("not json".into()), "send JSON such as"),
        ("ou_x", Value::String(String::new()), "send JSON such as"),
        ("ou_x", json!({ "block_ids": ["1"], "blocks": ["2"] }), "unknown field `blocks`"),
        ("ou_x", json!({}), "the scope is empty"),
        ("ou_x", json!({ "custom_workplace_ids": [" "], "block_ids": [] }), "the scope is empty"),
        ("ou_x", json!({ "block_ids": ["12a"] }), "block_ids:"),
        ("ou_x", json!({ "block_ids": "1,2" }), "send JSON such as"),
        ("ou_x", json!({ "custom_workplace_ids": ["bad id!"] }), "custom_workplace_ids:"),
        ("ou_x", json!({ "block_ids": many }), "501 blocks"),
        ("li%20lei", good.clone(), "names nobody"),
        ("abc", good.clone(), "open_id (ou_…), union_id (on_…) or e-mail address"),
        ("a%40b", good.clone(), "names nobody"),
    ];
    for (who, body, fix) in cases {
        let (status, answer) = send(&app, Method::PUT, &format!("{PATH}/{who}"), Some(body.clone()), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{who} {body}: {answer}");
        assert_eq!(answer["error"]["kind"], "bad_request");
        assert!(answer["error"]["message"].as_str().unwrap().contains(fix), "{who} {body}: {answer}");
    }
    for method in [Method::GET, Method::DELETE] {
        let (status, answer) = send(&app, method.clone(), &format!("{PATH}/nobody"), None, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method}: {answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains("names nobody"), "{answer}");
    }
    assert!(app.state.service.store().viewer_grants().await.unwrap().is_empty(), "nothing was granted");
}

#[tokio::test]
async fn an_api_token_may_not_see_or_change_who_has_view_access() {
    let app = spawn_app().await;
    let (status, _) = send(&app, Method::PUT, &format!("{PATH}/ou_hr"), Some(json!({ "block_ids": ["7"] })), None).await;
    assert_eq!(status, StatusCode::OK);
    // Even a token with every right it can be given.
    let token = app.new_token("sync", true).await;
    let calls = [
        (Method::GET, PATH.to_owned(), None),
        (Method::GET, format!("{PATH}/ou_hr"), None),
        (Method::PUT, format!("{PATH}/ou_other"), Some(json!({ "block_ids": ["7"] }))),
        (Method::PUT, format!("{PATH}/ou_other"), Some(Value::String("not json".into()))),
        (Method::DELETE, format!("{PATH}/ou_hr"), None),
    ];
    for (method, path, body) in calls {
        let (status, answer) = send(&app, method.clone(), &path, body, Some(&token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("signed-in admin") && message.contains("/viewers"), "{message}");
    }
    let anonymous = app.anonymous.get(format!("{}{PATH}", app.base_url)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let grants = app.state.service.store().viewer_grants().await.unwrap();
    assert_eq!(grants.iter().map(|g| g.who.as_str()).collect::<Vec<_>>(), ["ou_hr"], "nothing changed");
}

#[tokio::test]
async fn a_viewer_may_not_see_or_change_who_has_view_access() {
    let app = spawn_app().await;
    let member = feishu_sim::DEMO_MEMBER_OPEN_ID;
    let (status, _) = send(&app, Method::PUT, &format!("{PATH}/{member}"), Some(json!({ "block_ids": ["7"] })), None).await;
    assert_eq!(status, StatusCode::OK);
    let viewer = app.sign_in(member).await.expect("a person granted a scope signs in");
    let widen = json!({ "block_ids": ["7", "8"] });
    let calls = [
        viewer.get(format!("{}{PATH}", app.base_url)),
        viewer.get(format!("{}{PATH}/{member}", app.base_url)),
        viewer.put(format!("{}{PATH}/{member}", app.base_url)).json(&widen),
        viewer.delete(format!("{}{PATH}/{member}", app.base_url)),
        viewer.get(format!("{}/viewers", app.base_url)),
        viewer.post(format!("{}/api/viewer_grant", app.base_url)).form(&[("who", member), ("block_ids", "7, 8")]),
        viewer.post(format!("{}/api/viewer_revoke", app.base_url)).form(&[("who", member)]),
    ];
    for call in calls {
        let response = call.header("accept", "application/json").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{}", response.url());
    }
    let grants = app.state.service.store().viewer_grants().await.unwrap();
    assert_eq!(grants.iter().map(|g| g.scope.block_ids.len()).collect::<Vec<_>>(), [1], "their grant as it was");
    let page = viewer.get(format!("{}/?lang=en", app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("href=\"/viewers\""), "the header does not offer them the page");
}

/// The viewers section of a page, without Leptos' comments.
fn section(html: &str) -> String {
    let at = html.find("data-testid=\"viewers\"").expect("the viewers section");
    strip_comments(&html[at..html[at..].find("</section>").map_or(html.len(), |end| at + end)])
}

/// What the page says with `role` (`status` or `alert`): the element's text, empty
/// without one.
fn said(section: &str, role: &str) -> String {
    let Some(at) = section.find(&format!("role=\"{role}\"")) else { return String::new() };
    let text = &section[at..];
    let text = &text[text.find('>').map_or(0, |end| end + 1)..];
    text[..text.find('<').unwrap_or(text.len())].to_owned()
}

#[tokio::test]
async fn the_viewers_page_lists_grants_and_its_forms_grant_and_revoke() {
    let app = spawn_app().await;
    let (workplace, zh_name, en_name) = known_workplace(&app).await;
    let other = app.sim.dataset().workplaces().iter().find(|w| w.id != workplace).unwrap().id.clone();
    let blocks = app.sim.dataset().blocks();
    let (b1, b2) = (blocks[5].id.clone(), blocks[1].id.clone());
    let page = |query: &'static str| {
        let client = app.http.clone();
        let url = format!("{}/viewers{query}", app.base_url);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let post = |endpoint: &str, form: Vec<(&str, String)>| {
        app.http
            .post(format!("{}/api/{endpoint}", app.base_url))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("{}/viewers?lang=en", app.base_url))
            .form(&form)
            .send()
    };

    let html = page("?lang=en").await;
    // (Leptos' inline resource scripts aside, as on every settings page.)
    assert!(!html.contains("modulepreload") && !html.contains(".wasm"), "a page without islands loads no WASM");
    assert!(html.contains("href=\"/viewers\" aria-current=\"page\""), "the header links the page");
    let shown = section(&html);
    assert!(shown.contains("No one has view access yet."), "{shown}");
    assert!(shown.contains(&format!("value=\"{workplace}\">{en_name}")), "a workplace to tick, by name: {shown}");
    assert!(section(&page("?lang=zh").await).contains(&format!("value=\"{workplace}\">{zh_name}")), "in Chinese too");

    // The form grants two workplaces and two blocks, and the page says so once.
    let form = vec![
        ("who", " ou_hr_lead ".to_owned()),
        ("custom_workplace_ids[]", workplace.clone()),
        ("custom_workplace_ids[]", other.clone()),
        ("block_ids", format!("{b1}, {b2}")),
    ];
    let posted = post("viewer_grant", form).await.unwrap();
    assert_eq!(posted.status(), 303, "post/redirect/get");
    assert_eq!(posted.headers()["location"], "/viewers?lang=en", "back to the page, in its language");
    let grant = app.state.service.store().viewer_grants().await.unwrap().pop().expect("granted");
    assert_eq!(grant.who, "ou_hr_lead");
    assert_eq!(grant.scope.custom_workplace_ids.len(), 2);
    let mut typed = vec![b1.clone(), b2.clone()];
    typed.sort();
    assert_eq!(grant.scope.block_ids.iter().map(|b| b.to_string()).collect::<Vec<_>>(), typed);
    let shown = section(&page("?lang=en").await);
    assert!(said(&shown, "status").contains("ou_hr_lead has view access to the scope granted."), "{shown}");
    let item = &shown[shown.find("data-viewer=\"ou_hr_lead\"").expect("the grant is listed")..];
    assert!(item.contains(&en_name) && item.contains(&typed.join(", ")), "workplaces by name, blocks: {item}");
    assert!(item.contains("演示管理员") && item.contains(" UTC"), "who granted it and when: {item}");
    assert!(!section(&page("?lang=en").await).contains("role=\"status\""), "said once");
    assert!(section(&page("?lang=zh").await).contains(&zh_name), "by name in Chinese");

    // A refusal says what to fix; nothing is granted.
    let refused = post("viewer_grant", vec![("who", "nobody".to_owned()), ("block_ids", b1.clone())]).await.unwrap();
    assert_eq!(refused.status(), 303);
    let shown = section(&page("?lang=en").await);
    assert!(said(&shown, "alert").contains("names nobody"), "{shown}");
    let empty = post("viewer_grant", vec![("who", "ou_x".to_owned()), ("block_ids", " , ".to_owned())]).await.unwrap();
    assert_eq!(empty.status(), 303);
    assert!(said(&section(&page("?lang=en").await), "alert").contains("the scope is empty"));
    assert_eq!(app.state.service.store().viewer_grants().await.unwrap().len(), 1);

    // Revoked from its button; revoking again says there is none.
    let revoked = post("viewer_revoke", vec![("who", "ou_hr_lead".to_owned())]).await.unwrap();
    assert_eq!((revoked.status(), revoked.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/viewers?lang=en"));
    let shown = section(&page("?lang=en").await);
    assert!(said(&shown, "status").contains("ou_hr_lead no longer has view access."), "{shown}");
    assert!(!shown.contains("data-viewer="), "{shown}");
    assert!(app.state.service.store().viewer_grants().await.unwrap().is_empty());
    post("viewer_revoke", vec![("who", "ou_hr_lead".to_owned())]).await.unwrap();
    let alert = said(&section(&page("?lang=en").await), "alert");
    assert!(alert.contains("no grant of view access names") && alert.contains("ou_hr_lead"), "{alert}");
}

#[tokio::test]
async fn grants_survive_a_restart() {
    let first = spawn_app().await;
    let dir = first.data_dir.path().display().to_string();
    let body = json!({ "custom_workplace_ids": ["tpl_hr"], "block_ids": ["7012345"] });
    let (status, _) = send(&first, Method::PUT, &format!("{PATH}/on_lead"), Some(body), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, before) = send(&first, Method::GET, PATH, None, None).await;
    let sim = first.sim.clone();
    let second =
        spawn_app_for(sim, &[("DASHBOARD_DATA_DIR", dir.as_str())], std::sync::Arc::new(use_cases::digests::SystemClock)).await;
    drop(first);
    let (_, after) = send(&second, Method::GET, PATH, None, None).await;
    assert_eq!(after, before, "the same grants, whole");
    assert_eq!(after["viewers"].as_array().unwrap().len(), 1);
}
