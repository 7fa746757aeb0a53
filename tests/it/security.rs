//! The attacker's probes of issue 26, each run as an attacker would, over real HTTP
//! against the real server and the simulator, and each refused with the documented
//! answer: a cross-site write with a non-Bearer `Authorization`, a view past every limit
//! through a server function, a refresh loop, a flood of anonymous sign-in visits, a
//! page framed elsewhere, a block name that a spreadsheet would run, and tokens that
//! expired, whose creator lost access, or that try what they may not.

use std::collections::HashMap;
use std::net::SocketAddr;

use block_insights_tests::{TestApp, leptos_options, spawn_app, spawn_app_with};
use feishu_sim::{DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, SimConfig, Simulator};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use server::{Application, Config};

/// A token the store makes directly, with `terms`; answers the token.
async fn token_with(app: &TestApp, name: &str, terms: store::ApiTokenTerms) -> String {
    let created = app.state.service.store().create_api_token(name, "Test", terms).await.expect("created");
    created.token.expose_secret().to_owned()
}

/// The creator record of `open_id`, as the dashboard writes it for a signed-in person.
fn creator(open_id: &str) -> String {
    json!({ "open_id": open_id, "union_id": null, "name": "Someone", "emails": [], "via_app_admin": false }).to_string()
}

fn block_access(app: &TestApp, query: &str) -> String {
    format!("{}/api/v1/block-access?{query}", app.base_url)
}

#[tokio::test]
async fn a_cross_site_write_with_a_basic_authorization_header_is_refused() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/block-names?dry_run=1", app.base_url);
    // The admin's session cookie, a Basic header the browser resent by itself, and a
    // page elsewhere: refused by the Origin check, the cookie never consulted.
    let r = app
        .http
        .put(&url)
        .header("authorization", "Basic eDp4")
        .header("origin", "https://evil.example")
        .header("content-type", "text/csv")
        .body("block_id,name\n1,x\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "forbidden");
    // A Bearer token needs no Origin, and never falls back to the cookie: a bad one is 401
    // even with the admin's session beside it.
    let r = app
        .http
        .put(&url)
        .bearer_auth("bi_not-a-token")
        .header("origin", "https://evil.example")
        .body("1,x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // The same Basic header on a page outside /api/v1/ is no pass either.
    let r = app
        .http
        .post(format!("{}/api/block_name", app.base_url))
        .header("authorization", "Bearer x")
        .header("origin", "https://evil.example")
        .form(&[("block_id", "1"), ("name", "x"), ("workplace", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a Bearer header outside /api/v1/ does not skip the Origin check");
}

#[tokio::test]
async fn a_view_past_the_limits_has_no_way_in() {
    let app = spawn_app().await;
    // The server function that took a view as JSON is gone.
    let body = json!({ "params": { "dormant_days": 4000 }, "ticket": null, "refresh": false });
    let r = app.http.post(format!("{}/api/dashboard", app.base_url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // The URL reader keeps the window within 1 to 90 days: the view drops 4,000 (its
    // links carry no such window) and the page costs a week's calls with the default
    // window, not the 77 that reading 4,000 days before the range once cost.
    let before = app.sim.stats().search_requests;
    let page = app.get("/?range=7d&dormant=4000&lang=en").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(!html.contains("dormant=4000"), "the view kept a window past 90 days");
    let spent = app.sim.stats().search_requests - before;
    assert!(spent < 60, "a week with the default window, not 4,000 days before it: {spent} calls");
    let (from, to) = (app.days_ago(7), app.days_ago(1));
    let r = app.get(&format!("/api/v1/insights?from_date={from}&to_date={to}&dormant_days=4000")).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("from 1 to 90"), "{body}");
}

#[tokio::test]
async fn a_loop_of_refreshes_spends_at_most_one_feishu_fetch_a_minute() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_REFRESH_MIN_SECS", "60")]).await;
    let token =
        token_with(&app, "reader", store::ApiTokenTerms { creator: Some(creator(DEMO_ADMIN_OPEN_ID)), ..Default::default() })
            .await;
    let today = app.today();
    let query = format!("from_date={today}&to_date={today}");
    let before = app.sim.stats().search_requests;
    let first = app.anonymous.get(block_access(&app, &query)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let first_body = first.text().await.unwrap();
    let one_fetch = app.sim.stats().search_requests - before;
    assert!(one_fetch >= 1, "today was fetched");

    let before = app.sim.stats().search_requests;
    let mut held = 0;
    for _ in 0..20 {
        let r = app.anonymous.get(block_access(&app, &format!("{query}&refresh=true"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        if let Some(at) = r.headers().get("x-refreshed-at") {
            let at = chrono::DateTime::parse_from_rfc3339(at.to_str().unwrap()).expect("RFC 3339");
            assert!(chrono::Utc::now().signed_duration_since(at).num_seconds() < 60, "fetched moments ago");
            held += 1;
        }
        assert_eq!(r.text().await.unwrap(), first_body, "the simulator's today does not move within the test");
    }
    let spent = app.sim.stats().search_requests - before;
    assert!(spent <= one_fetch, "20 refreshes cost {spent} calls; one fetch costs {one_fetch}");
    assert!(held >= 19, "the refreshes held back say when the numbers were fetched ({held})");
}

#[tokio::test]
async fn a_flood_of_anonymous_sign_in_visits_stores_no_session() {
    let app = spawn_app().await;
    let store = app.state.service.store().clone();
    let sessions_before = store.count_sessions().await.unwrap();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for chunk in 0..20 {
        let visits = (0..50).map(|i| client.get(format!("{}/login?next=/{chunk}-{i}", app.base_url)).send());
        for answer in futures::future::join_all(visits).await {
            let answer = answer.unwrap();
            assert!(answer.status().is_redirection(), "{}", answer.status());
            assert!(answer.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("bi_session")));
        }
    }
    assert_eq!(store.count_sessions().await.unwrap(), sessions_before, "1,000 visits to /login stored nothing");
}

#[tokio::test]
async fn sign_in_routes_are_limited_per_client_address() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_SIGN_IN_PER_MINUTE", "30")]).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut refused = None;
    for i in 0..31 {
        let r = client.get(format!("{}/login", app.base_url)).header("accept-language", "en").send().await.unwrap();
        if r.status() == 429 {
            refused = Some((i, r));
            break;
        }
    }
    let (i, r) = refused.expect("the 31st visit in a minute is refused");
    // The test admin's own sign-in (/login, /auth/callback) came from this address too.
    assert_eq!(i + 2, 30, "30 a minute pass");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "30 a minute frees one every 2 s: {retry}");
    let text = r.text().await.unwrap();
    assert!(text.contains("at most 30 sign-in requests") && text.contains(&format!("try again in {retry} s")), "{text}");
    // The signed-in admin's data requests are counted elsewhere and still pass.
    assert_eq!(app.get("/api/v1/block-names").await.status(), 200);
    let metrics = app.anonymous.get(format!("{}/metrics", app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("dashboard_rate_limited_total{limit=\"sign_in\"} 1"), "{metrics}");
    assert!(metrics.contains("dashboard_rate_limit_per_minute{limit=\"sign_in\"} 30"), "{metrics}");
}

#[tokio::test]
async fn data_routes_are_limited_per_token_and_per_person() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_REQUESTS_PER_MINUTE", "5")]).await;
    let terms = || store::ApiTokenTerms { creator: Some(creator(DEMO_ADMIN_OPEN_ID)), ..Default::default() };
    let (a, b) = (token_with(&app, "a", terms()).await, token_with(&app, "b", terms()).await);
    let url = format!("{}/api/v1/block-names", app.base_url);
    for _ in 0..5 {
        assert_eq!(app.anonymous.get(&url).bearer_auth(&a).send().await.unwrap().status(), 200);
    }
    let r = app.anonymous.get(&url).bearer_auth(&a).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("at most 5 requests from this person or API token"), "{body}");
    assert_eq!(app.anonymous.get(&url).bearer_auth(&b).send().await.unwrap().status(), 200, "another token has its own");
    // The signed-in admin: the page and its exports count alike.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.get("/api/v1/block-names").await.status().as_u16());
    }
    // The sign-in itself made no data request; the 6th is refused.
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
}

#[tokio::test]
async fn every_page_says_where_it_may_be_framed() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_FRAME_ANCESTORS", "'self' https://portal.example.com")]).await;
    for path in ["/signed-out", "/login?next=/", "/?range=7d", "/tokens", "/api/v1/block-names", "/healthz"] {
        let client = if path.starts_with("/signed-out") || path.starts_with("/login") { &app.anonymous } else { &app.http };
        let r = client.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        let policies: Vec<&str> = r.headers().get_all("content-security-policy").iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(policies.len(), 1, "{path}: one policy");
        let framed = policies[0].split(';').filter(|d| d.trim().starts_with("frame-ancestors")).collect::<Vec<_>>();
        assert_eq!(framed, [" frame-ancestors 'self' https://portal.example.com"], "{path}: {}", policies[0]);
        assert!(r.headers().contains_key("x-request-id"), "{path}");
        assert!(!r.headers().contains_key("strict-transport-security"), "{path}: plain http sends no HSTS");
    }
}

#[tokio::test]
async fn over_https_pages_ask_for_https_and_cookies_are_host_only() {
    let sim = Simulator::start(SimConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let vars: HashMap<&str, String> = HashMap::from([
        ("FEISHU_APP_ID", sim.config().app_id.clone()),
        ("FEISHU_APP_SECRET", sim.config().app_secret.clone()),
        ("FEISHU_BASE_URL", sim.base_url()),
        ("FEISHU_ACCOUNTS_URL", sim.base_url()),
        ("DASHBOARD_ADMINS", DEMO_ADMIN_OPEN_ID.to_owned()),
        ("DASHBOARD_DATA_DIR", data_dir.path().display().to_string()),
        ("DASHBOARD_PUBLIC_URL", "https://insights.example.com".to_owned()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("valid config");
    let server = Application::build(config, leptos_options()).await.expect("builds");
    let base_url = format!("http://{}", server.addr());
    let running = tokio::spawn(server.run(std::future::pending()));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.get(format!("{base_url}/login?next=/")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-bi_signin=") && cookie.contains("; Secure") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    running.abort();
}

#[tokio::test]
async fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[0].id.clone();
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    app.name_block(&block, formula, "@SUM(A1)").await;
    let (from, to) = (app.days_ago(9), app.days_ago(3));
    let csv =
        app.get(&format!("/api/v1/block-access.csv?from_date={from}&to_date={to}&block_id={block}")).await.text().await.unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"), "{csv}");
    let names = app.get("/api/v1/block-names.csv").await.text().await.unwrap();
    assert!(names.contains("'=HYPERLINK") && names.contains("'@SUM(A1)"), "{names}");
    // The export imports back as it is: the quote is taken off again.
    let r = app
        .http
        .put(format!("{}/api/v1/block-names?dry_run=1", app.base_url))
        .header("content-type", "text/csv")
        .body(names)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let plan: Value = r.json().await.unwrap();
    assert_eq!(plan["counts"]["unchanged"], 1, "{plan}");
    assert_eq!(plan["counts"]["renamed"].as_u64().unwrap() + plan["counts"]["moved"].as_u64().unwrap(), 0, "{plan}");
}

#[tokio::test]
async fn tokens_that_expired_lost_their_creator_or_predate_creators_get_401() {
    let app = spawn_app().await;
    let url = block_access(&app, &format!("from_date={}&to_date={}", app.days_ago(3), app.days_ago(2)));
    let call = |token: String| {
        let (client, url) = (app.anonymous.clone(), url.clone());
        async move {
            let r = client.get(&url).bearer_auth(token).send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (status, body["error"]["message"].as_str().unwrap_or_default().to_owned())
        }
    };
    let working =
        token_with(&app, "ok", store::ApiTokenTerms { creator: Some(creator(DEMO_ADMIN_OPEN_ID)), ..Default::default() }).await;
    assert_eq!(call(working).await.0, 200);
    let expired = store::ApiTokenTerms {
        creator: Some(creator(DEMO_ADMIN_OPEN_ID)),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
        ..Default::default()
    };
    let (status, message) = call(token_with(&app, "old", expired).await).await;
    assert_eq!(status, 401);
    assert!(message.contains("expired on"), "{message}");
    // Made by someone who is not (or no longer) on DASHBOARD_ADMINS.
    let orphan = store::ApiTokenTerms { creator: Some(creator(DEMO_MEMBER_OPEN_ID)), ..Default::default() };
    let (status, message) = call(token_with(&app, "orphan", orphan).await).await;
    assert_eq!(status, 401);
    assert!(message.contains("no longer has access"), "{message}");
    let (status, message) = call(token_with(&app, "legacy", store::ApiTokenTerms::default()).await).await;
    assert_eq!(status, 401);
    assert!(message.contains("made before tokens recorded who created them"), "{message}");

    // A token made on the page: 90 days unless chosen otherwise, with its creator.
    let r = app.create_token(&[("name", "names sync"), ("can_write_names", "true")]).await;
    assert_eq!(r.status(), 200);
    let names_token: String = r.json().await.unwrap();
    let listed = app.state.service.store().list_api_tokens().await.unwrap();
    let made = listed.iter().find(|t| t.name == "names sync").unwrap();
    let days = (made.expires_at.unwrap() - made.created_at).num_days();
    assert_eq!(days, 90);
    assert!(made.creator.as_deref().unwrap().contains(DEMO_ADMIN_OPEN_ID));
    // A names token may not send a digest.
    let r = app
        .anonymous
        .post(format!("{}/api/v1/digests/oc_any/test", app.base_url))
        .bearer_auth(&names_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("may also manage chat digests"), "{body}");
    assert_eq!(app.sim.stats().message_requests, 0, "no card was sent");
    // A lifetime that is not one is refused with what to choose.
    let r = app.create_token(&[("name", "x"), ("expires", "forever")]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("from 1 to 3650, or never"));
}

#[tokio::test]
async fn a_browser_may_report_a_blocked_resource_without_signing_in() {
    let app = spawn_app().await;
    let report = json!({ "csp-report": {
        "document-uri": format!("{}/login", app.base_url),
        "violated-directive": "script-src-elem",
        "blocked-uri": "https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js?secret=1",
    }});
    let r = app
        .anonymous
        .post(format!("{}/csp-report", app.base_url))
        .header("content-type", "application/csp-report")
        .header("origin", "null")
        .body(report.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "public, and no Origin check: the report changes nothing");
    // Everything else still needs a session and this dashboard's Origin.
    let r = app.anonymous.post(format!("{}/api/block_name", app.base_url)).header("origin", "null").send().await.unwrap();
    assert_eq!(r.status(), 403);
}
