//! Signing in inside the Feishu client: `/login` answers the JSSDK page to the
//! client's user agent, and `POST /auth/jssdk` trades the code the client gives for a
//! session by the same rules as the OAuth callback. Over real HTTP, with codes from
//! the simulator's JSSDK stand-in.

use std::net::SocketAddr;
use std::sync::Arc;

use block_insights_tests::{TEST_REQUEST_TIMEOUT, TestApp, spawn_app_for, spawn_app_with};
use feishu_sim::{DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID, JSSDK_CODE_PATH, SimConfig, Simulator};
use serde_json::{Value, json};

/// The Feishu desktop client's user agent, in Chinese.
const LARK_UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/120.0.0.0 Safari/537.36 Lark/7.30.5 LarkLocale/zh_CN ttnet SDK-Version/7.30.5";
/// An ordinary browser.
const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
/// The policy of the other sign-in pages.
const SIGN_IN_POLICY: &str = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

/// A simulator and a dashboard whose JSSDK is the simulator's stand-in.
async fn spawn_with_standin(extra: &[(&str, &str)]) -> TestApp {
    spawn_with_standin_for(SimConfig::default(), extra).await
}

/// The same, with a simulator started with `config`.
async fn spawn_with_standin_for(config: SimConfig, extra: &[(&str, &str)]) -> TestApp {
    let sim = Simulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts");
    let script = format!("{}/_sim/jssdk.js", sim.base_url());
    let mut vars = vec![("FEISHU_JSSDK_URL", script.as_str())];
    vars.extend_from_slice(extra);
    spawn_app_for(sim, &vars, Arc::new(use_cases::digests::SystemClock)).await
}

/// A web view of the Feishu client: keeps cookies, sends the dashboard's Origin on
/// posts as browsers do, follows no redirects.
fn feishu_client(app: &TestApp, agent: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, app.base_url.parse().expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(agent)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TEST_REQUEST_TIMEOUT)
        .default_headers(headers)
        .build()
        .expect("client")
}

/// What the JSSDK page answered.
struct JssdkPage {
    status: u16,
    policy: String,
    html: String,
    /// Its `jssdk-config` block.
    config: Value,
}

async fn open_login(app: &TestApp, client: &reqwest::Client, next: &str) -> JssdkPage {
    let response = client.get(format!("{}/login", app.base_url)).query(&[("next", next)]).send().await.expect("login answers");
    let status = response.status().as_u16();
    let policy = response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let html = response.text().await.expect("text");
    let config = html
        .split("id=\"jssdk-config\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .map(|json| serde_json::from_str(json).expect("the config is JSON"))
        .unwrap_or(Value::Null);
    JssdkPage { status, policy, html, config }
}

/// What the Feishu client gives the page: a code from the simulator's stand-in,
/// for `open_id` (else the simulator's first person, the demo admin).
async fn client_code(app: &TestApp, state: &str, open_id: Option<&str>) -> String {
    client_code_granting(app, state, open_id, json!([])).await
}

/// The same, the person granting `scopes` (the page's `scopeList`).
async fn client_code_granting(app: &TestApp, state: &str, open_id: Option<&str>, scopes: Value) -> String {
    let ask = json!({ "api": "requestAccess", "app_id": app.sim.config().app_id, "state": state, "scope_list": scopes });
    let answer = stand_in_answer(app, ask, open_id).await;
    assert_eq!(answer["state"], state);
    answer["code"].as_str().expect("a code").to_owned()
}

/// What an old Feishu client (before 6.9) gives the page: a code of `tt.requestAuthCode`.
async fn old_client_code(app: &TestApp, open_id: Option<&str>) -> String {
    let ask = json!({ "api": "requestAuthCode", "app_id": app.sim.config().app_id });
    stand_in_answer(app, ask, open_id).await["code"].as_str().expect("a code").to_owned()
}

/// The simulator's JSSDK stand-in's answer to `ask`, as the person `open_id` (its demo
/// admin without one).
async fn stand_in_answer(app: &TestApp, mut ask: Value, open_id: Option<&str>) -> Value {
    if let Some(open_id) = open_id {
        ask["open_id"] = json!(open_id);
    }
    let response =
        app.anonymous.post(format!("{}{JSSDK_CODE_PATH}", app.sim.base_url())).json(&ask).send().await.expect("stand-in answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

/// The page posts a code of `tt.requestAccess`.
async fn post_code(app: &TestApp, client: &reqwest::Client, code: &str, state: &str) -> (u16, Value) {
    post_code_of(app, client, "requestAccess", code, state).await
}

/// The page posts a code of the JSSDK call `api`.
async fn post_code_of(app: &TestApp, client: &reqwest::Client, api: &str, code: &str, state: &str) -> (u16, Value) {
    let response = client
        .post(format!("{}/auth/jssdk", app.base_url))
        .json(&json!({ "code": code, "state": state, "api": api }))
        .send()
        .await
        .expect("/auth/jssdk answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

fn state_of(page: &JssdkPage) -> String {
    page.config["state"].as_str().expect("a state").to_owned()
}

async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client.get(format!("{}/", app.base_url)).send().await.expect("/ answers").status() == 200
}

#[tokio::test]
async fn inside_feishu_login_answers_the_jssdk_page_under_its_own_policy() {
    let app = spawn_with_standin(&[]).await;
    let sim_origin = app.sim.base_url();
    let client = feishu_client(&app, LARK_UA);
    let page = open_login(&app, &client, "/?range=7d&lang=en").await;
    assert_eq!(page.status, 200, "no redirect to Feishu's authorize page");

    // Scripts: this answer's nonce and the JSSDK's origin, exactly; connections: here and there.
    let nonce = page.policy.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce");
    assert!(page.policy.contains(&format!("script-src 'nonce-{nonce}' {sim_origin};")), "{}", page.policy);
    assert!(page.policy.contains(&format!("connect-src 'self' {sim_origin};")), "{}", page.policy);
    assert!(page.policy.starts_with("default-src 'none';") && page.policy.contains("frame-ancestors 'self'"), "{}", page.policy);
    assert!(!page.policy.contains("unsafe") && !page.policy.contains('*'), "{}", page.policy);
    assert_eq!(page.html.matches("<script nonce=").count(), 1);
    assert!(page.html.contains(&format!("<script nonce=\"{nonce}\">")));

    // Everything the script needs is in the page's JSON block.
    assert_eq!(page.config["appId"], app.sim.config().app_id.as_str());
    assert_eq!(page.config["sdk"], format!("{sim_origin}/_sim/jssdk.js"));
    assert_eq!(page.config["endpoint"], "/auth/jssdk");
    assert_eq!(page.config["retry"], "/login?next=%2F%3Frange%3D7d%26lang%3Den");
    assert_eq!(page.config["browser"], "/login?next=%2F%3Frange%3D7d%26lang%3Den&browser=1");
    assert_eq!(state_of(&page).len(), 43);
    // Without JavaScript: the browser way, as a link (escaped).
    assert!(
        page.html.contains("<noscript>") && page.html.contains("href=\"/login?next=%2F%3Frange%3D7d%26lang%3Den&amp;browser=1\"")
    );
    // In the client's language (LarkLocale/zh_CN), with the English page for en_US.
    assert!(page.html.contains("<html lang=\"zh-CN\">") && page.html.contains("正在通过飞书登录"));
    let english = feishu_client(&app, &LARK_UA.replace("zh_CN", "en_US"));
    let page = open_login(&app, &english, "/").await;
    assert!(page.html.contains("<html lang=\"en\">") && page.html.contains("Signing in with Feishu"), "{}", page.html);
    // The simulator's ground truth: no authorize page was asked for by these.
    app.sim.reset_stats();
    let _ = open_login(&app, &client, "/").await;
    assert_eq!(app.sim.stats().login.authorize_requests, 0);

    // Every other page keeps its policy, without the JSSDK's origin.
    let other = client.get(format!("{}/signed-out", app.base_url)).send().await.unwrap();
    assert_eq!(other.headers()["content-security-policy"], SIGN_IN_POLICY);
    let dashboard = app.get("/?lang=en").await;
    let policy = dashboard.headers()["content-security-policy"].to_str().unwrap();
    assert!(!policy.contains(&sim_origin), "{policy}");
    let health = app.get("/healthz").await;
    assert!(!health.headers()["content-security-policy"].to_str().unwrap().contains(&sim_origin));
}

#[tokio::test]
async fn an_ordinary_browser_and_the_browser_way_still_go_to_feishus_authorize_page() {
    let app = spawn_with_standin(&[]).await;
    for (agent, next) in [(BROWSER_UA, "/"), (LARK_UA, "/")] {
        let client = feishu_client(&app, agent);
        let mut request = client.get(format!("{}/login", app.base_url)).query(&[("next", next)]);
        if agent == LARK_UA {
            request = request.query(&[("browser", "1")]);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "{agent}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with(&format!("{}/open-apis/authen/v1/authorize?", app.sim.base_url())), "{location}");
        assert!(location.contains("code_challenge_method=S256"));
    }
}

#[tokio::test]
async fn the_default_jssdk_is_feishus_cdn_and_only_its_origin_is_allowed() {
    let app = spawn_app_with(SimConfig::default(), &[]).await;
    let client = feishu_client(&app, LARK_UA);
    let page = open_login(&app, &client, "/").await;
    assert_eq!(page.config["sdk"], "https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js");
    let sources: Vec<&str> =
        page.policy.split(';').find_map(|d| d.trim().strip_prefix("script-src ")).unwrap().split(' ').collect();
    assert_eq!(sources.len(), 2, "{}", page.policy);
    assert!(sources[0].starts_with("'nonce-"));
    assert_eq!(sources[1], "https://lf-scm-cn.feishucdn.com");
}

#[tokio::test]
async fn a_code_from_the_client_signs_in_and_lands_on_the_page_asked_for() {
    let app = spawn_with_standin(&[]).await;
    app.sim.reset_stats();
    let client = feishu_client(&app, LARK_UA);
    let deep = "/?range=14d&lang=en";
    let page = open_login(&app, &client, deep).await;
    let state = state_of(&page);
    assert!(!signed_in(&app, &client).await);

    let code = client_code(&app, &state, None).await;
    let (status, answer) = post_code(&app, &client, &code, &state).await;
    assert_eq!((status, &answer), (200, &json!({ "ok": true, "next": deep })));
    let dashboard = client.get(format!("{}{deep}", app.base_url)).send().await.unwrap();
    assert_eq!(dashboard.status(), 200);
    let name = &app.sim.users().iter().find(|u| u.open_id == DEMO_ADMIN_OPEN_ID).unwrap().name;
    assert!(dashboard.text().await.unwrap().contains(&format!("Signed in as {name}")));

    let login = app.sim.stats().login;
    assert_eq!((login.authorize_requests, login.codes_issued, login.client_codes_issued), (0, 0, 1), "no redirect sign-in");
    assert_eq!((login.token_requests, login.tokens_issued, login.user_info_requests), (1, 1, 1));
}

#[tokio::test]
async fn an_old_clients_code_is_traded_at_v1_with_an_app_token() {
    let app = spawn_with_standin(&[]).await;
    let client = feishu_client(&app, &LARK_UA.replace("zh_CN", "en_US"));
    let state = state_of(&open_login(&app, &client, "/?lang=en").await);
    let code = old_client_code(&app, None).await;
    app.sim.reset_stats();
    let (status, answer) = post_code_of(&app, &client, "requestAuthCode", &code, &state).await;
    assert_eq!((status, &answer), (200, &json!({ "ok": true, "next": "/?lang=en" })));
    assert!(signed_in(&app, &client).await);
    let login = app.sim.stats().login;
    assert_eq!((login.token_requests, login.tokens_issued, login.user_info_requests), (1, 1, 1));

    // The same kind of code said to be requestAccess's goes to v2, which refuses it.
    let client = feishu_client(&app, &LARK_UA.replace("zh_CN", "en_US"));
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = old_client_code(&app, None).await;
    let (status, answer) = post_code_of(&app, &client, "requestAccess", &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (400, Some("expired")), "{answer}");
    assert!(!signed_in(&app, &client).await);
    // A page that does not say where its code came from is not understood.
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code(&app, &state, None).await;
    let response =
        client.post(format!("{}/auth/jssdk", app.base_url)).json(&json!({ "code": code, "state": state })).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        (answer["kind"].as_str(), answer["message"].as_str()),
        (Some("failed"), Some("The sign-in request did not say where its code came from: try again."))
    );
    assert!(!signed_in(&app, &client).await);
}

#[tokio::test]
async fn inside_feishu_an_address_needs_the_scopes_and_another_tenant_is_refused() {
    let mut users = feishu_sim::demo_users(42, "cli_demo_app");
    let guest = feishu_sim::demo_guest(42, "cli_demo_app", "li.lei@example.com");
    users.push(guest.clone());
    let admins = format!("{DEMO_ADMIN_OPEN_ID}, li.lei@example.com, {}", guest.open_id);
    let app = spawn_with_standin_for(
        SimConfig { users, ..SimConfig::default() },
        &[("DASHBOARD_ADMINS", &admins), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "true")],
    )
    .await;
    let english = LARK_UA.replace("zh_CN", "en_US");
    // The page asks the client for the contact scopes; granted, the address lets Li Lei in.
    let client = feishu_client(&app, &english);
    let page = open_login(&app, &client, "/").await;
    assert_eq!(page.config["scopeList"], json!(["contact:user.email:readonly", "contact:user.employee:readonly"]));
    let code = client_code_granting(&app, &state_of(&page), Some(DEMO_MEMBER_OPEN_ID), page.config["scopeList"].clone()).await;
    assert_eq!(post_code(&app, &client, &code, &state_of(&page)).await.0, 200);
    assert!(signed_in(&app, &client).await);
    // Not granted (or an old client, whose requestAuthCode asks for none): no address, no entry.
    let client = feishu_client(&app, &english);
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code(&app, &state, Some(DEMO_MEMBER_OPEN_ID)).await;
    let (status, answer) = post_code(&app, &client, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (403, Some("denied")), "{answer}");
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = old_client_code(&app, Some(DEMO_MEMBER_OPEN_ID)).await;
    assert_eq!(post_code_of(&app, &client, "requestAuthCode", &code, &state).await.0, 403);
    // A guest of another tenant, listed by id and with the listed address: refused, saying why.
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code_granting(&app, &state, Some(&guest.open_id), page.config["scopeList"].clone()).await;
    let (status, answer) = post_code(&app, &client, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (403, Some("denied")), "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("belongs to another organisation"), "{answer}");
    assert!(!signed_in(&app, &client).await);
}

#[tokio::test]
async fn what_the_pages_policy_blocks_is_reported_to_the_dashboard_and_logged_without_queries() {
    let app = spawn_with_standin(&[]).await;
    let page = open_login(&app, &feishu_client(&app, LARK_UA), "/").await;
    assert!(page.policy.ends_with("; report-uri /csp-report"), "{}", page.policy);

    // What a browser posts (report-uri's shape), and what of it reaches the log.
    let report = json!({ "csp-report": {
        "document-uri": "https://insights.example/login?next=%2F&state=secret#x",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://lf-scm-cn.feishucdn.com/lark/op/other.js?token=t-123",
        "source-file": "https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js",
        "line-number": 12,
    } });
    let body = report.to_string();
    let logged = server::auth::csp_report::violation(body.as_bytes()).expect("a report");
    assert_eq!(logged.directive, "script-src-elem");
    assert_eq!(logged.blocked, "https://lf-scm-cn.feishucdn.com/lark/op/other.js");
    assert_eq!(logged.page, "https://insights.example/login");
    assert_eq!(logged.source, "https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js:12");
    let reporting_api = json!([{ "type": "csp-violation", "body": {
        "documentURL": "https://insights.example/login?state=s", "effectiveDirective": "connect-src",
        "blockedURL": "wss://ws.feishu.cn/x?y", "lineNumber": 3 } }]);
    let logged = server::auth::csp_report::violation(reporting_api.to_string().as_bytes()).expect("a report");
    assert_eq!(
        (logged.directive.as_str(), logged.blocked.as_str(), logged.page.as_str()),
        ("connect-src", "wss://ws.feishu.cn/x", "https://insights.example/login")
    );
    assert_eq!(server::auth::csp_report::violation(b"not json"), None);

    // The route takes a report and answers nothing; a body past the limit is refused.
    let post = |body: String| {
        app.http.post(format!("{}/csp-report", app.base_url)).header("content-type", "application/csp-report").body(body).send()
    };
    assert_eq!(post(body).await.unwrap().status(), 204);
    assert_eq!(post("x".repeat(server::auth::csp_report::MAX_REPORT_BYTES + 1)).await.unwrap().status(), 413);
}

#[tokio::test]
async fn a_wrong_state_a_used_code_and_a_foreign_origin_are_refused() {
    let app = spawn_with_standin(&[]).await;
    let client = feishu_client(&app, LARK_UA);

    // A wrong state: refused, and the sign-in under way is spent (used once).
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code(&app, &state, None).await;
    let (status, answer) = post_code(&app, &client, &code, "not-the-state").await;
    assert_eq!((status, answer["ok"].as_bool(), answer["kind"].as_str()), (400, Some(false), Some("expired")), "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("重试"), "in the client's language: {answer}");
    let (status, _) = post_code(&app, &client, &code, &state).await;
    assert_eq!(status, 400, "the state was used once");
    assert!(!signed_in(&app, &client).await);

    // A used code: Feishu says 20065, the page says it expired or was used.
    let english = feishu_client(&app, &LARK_UA.replace("zh_CN", "en_US"));
    let state = state_of(&open_login(&app, &english, "/").await);
    let code = client_code(&app, &state, None).await;
    assert_eq!(post_code(&app, &english, &code, &state).await.0, 200);
    let other = feishu_client(&app, &LARK_UA.replace("zh_CN", "en_US"));
    let state = state_of(&open_login(&app, &other, "/").await);
    let (status, answer) = post_code(&app, &other, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (400, Some("expired")), "{answer}");
    assert_eq!(answer["message"], "The sign-in code expired or was used: try again.");
    assert!(!signed_in(&app, &other).await);

    // An expired code (the stand-in's knob) says the same.
    let state = state_of(&open_login(&app, &other, "/").await);
    app.sim.set_faults(feishu_sim::Faults { jssdk_expire_codes: true, ..feishu_sim::Faults::default() });
    let code = client_code(&app, &state, None).await;
    app.sim.set_faults(feishu_sim::Faults::default());
    let (status, answer) = post_code(&app, &other, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (400, Some("expired")), "{answer}");

    // A post from another site is refused before it reaches the sign-in.
    let state = state_of(&open_login(&app, &other, "/").await);
    let code = client_code(&app, &state, None).await;
    let response = other
        .post(format!("{}/auth/jssdk", app.base_url))
        .header("origin", "https://evil.example")
        .json(&json!({ "code": code, "state": state }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(!signed_in(&app, &other).await);
    // Not JSON at all: a JSON refusal, not a bare rejection.
    let response = other.post(format!("{}/auth/jssdk", app.base_url)).body("code=x").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["kind"], "failed");
}

#[tokio::test]
async fn people_not_allowed_are_denied_with_whom_to_ask() {
    let app = spawn_with_standin(&[("DASHBOARD_ACCESS_CONTACT", "IT help desk, it@example.com")]).await;
    let english = LARK_UA.replace("zh_CN", "en_US");
    // Known to Feishu, not on the list.
    let client = feishu_client(&app, &english);
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code(&app, &state, Some(DEMO_MEMBER_OPEN_ID)).await;
    let (status, answer) = post_code(&app, &client, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (403, Some("denied")), "{answer}");
    let message = answer["message"].as_str().unwrap();
    let name = &app.sim.users().iter().find(|u| u.open_id == DEMO_MEMBER_OPEN_ID).unwrap().name;
    assert!(message.starts_with(name.as_str()) && message.contains("IT help desk, it@example.com"), "{message}");
    assert!(!signed_in(&app, &client).await);

    // Feishu itself refuses someone the app is not available to (20010).
    let client = feishu_client(&app, &english);
    let state = state_of(&open_login(&app, &client, "/").await);
    let code = client_code(&app, &state, Some(DEMO_NO_ACCESS_OPEN_ID)).await;
    let (status, answer) = post_code(&app, &client, &code, &state).await;
    assert_eq!((status, answer["kind"].as_str()), (403, Some("denied")), "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("not available to your account") && message.contains("IT help desk, it@example.com"), "{message}");
    assert!(!signed_in(&app, &client).await);
}

/// Demo mode (no Feishu credentials): the Feishu client's way in uses the built-in
/// simulator's stand-in, not Feishu's CDN, and only the stand-in's origin is allowed.
#[tokio::test]
async fn demo_mode_signs_the_feishu_client_in_with_the_simulators_stand_in() {
    let data = tempfile::tempdir().unwrap();
    let app = server::Application::build(server::Config::demo(data.path().to_path_buf()), block_insights_tests::leptos_options())
        .await
        .expect("the demo builds");
    let base_url = format!("http://{}", app.addr());
    let sim_url = app.simulator().expect("demo mode runs a simulator").base_url();
    let server = tokio::spawn(app.run(std::future::pending()));
    let client = reqwest::Client::builder()
        .user_agent(LARK_UA)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TEST_REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let response = client.get(format!("{base_url}/login")).send().await.unwrap();
    let policy = response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("{sim_url}/_sim/jssdk.js")), "the stand-in's script: {html}");
    assert!(!html.contains("feishucdn.com"));
    assert!(policy.contains("script-src 'nonce-") && policy.contains(&sim_url), "{policy}");
    server.abort();
}
