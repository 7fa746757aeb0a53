//! The JSSDK stand-in: the script, the codes it hands a page inside the Feishu
//! client, their exchange without redirect_uri or PKCE (a `requestAccess` code at v2,
//! a `requestAuthCode` code at v1 with an app token), and the knobs.

use std::time::Duration;

use feishu_sim::{
    APP_TOKEN_PATH, DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID, JSSDK_CODE_PATH, JSSDK_SCRIPT_PATH,
    SimConfig, V1_USER_TOKEN_PATH,
};
use serde_json::{Value, json};

use crate::helpers::config;
use crate::login_helpers::{LoginSim, Pkce, exchange_body, spawn_login};

/// What the stand-in's `tt.requestAccess` asks the simulator for.
fn access(state: &str) -> Value {
    json!({ "api": "requestAccess", "app_id": "cli_demo_app", "state": state, "scope_list": [] })
}

/// What the stand-in's `tt.requestAuthCode` asks the simulator for.
fn auth_code() -> Value {
    json!({ "api": "requestAuthCode", "app_id": "cli_demo_app" })
}

/// The exchange of a JSSDK code, as a web app's server makes it: no redirect_uri,
/// no code_verifier.
fn client_exchange(code: &str) -> Value {
    json!({
        "grant_type": "authorization_code",
        "client_id": "cli_demo_app",
        "client_secret": "demo-secret",
        "code": code,
    })
}

impl LoginSim {
    async fn ask_code(&self, body: &Value) -> (u16, Value) {
        let response = self
            .test
            .http
            .post(format!("{}{JSSDK_CODE_PATH}", self.test.sim.base_url()))
            .json(body)
            .send()
            .await
            .expect("the stand-in's code route answers");
        let status = response.status().as_u16();
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "the page that loaded the script is on another origin"
        );
        (status, response.json().await.expect("JSON"))
    }

    async fn client_code(&self, body: &Value) -> String {
        let (status, answer) = self.ask_code(body).await;
        assert_eq!(status, 200, "{answer}");
        answer["code"].as_str().expect("a code").to_owned()
    }

    /// A fresh app access token, as the app's server fetches it.
    async fn app_token(&self) -> String {
        let answer: Value = self
            .test
            .http
            .post(format!("{}{APP_TOKEN_PATH}", self.test.sim.base_url()))
            .json(&json!({ "app_id": "cli_demo_app", "app_secret": "demo-secret" }))
            .send()
            .await
            .expect("the app token endpoint answers")
            .json()
            .await
            .expect("JSON");
        answer["app_access_token"].as_str().expect("an app token").to_owned()
    }

    /// `POST /open-apis/authen/v1/access_token` with `bearer` and `code`; the answer's
    /// `data` on success (shaped like the v2 answer for [`LoginSim::open_id_of`]).
    async fn v1_exchange(&self, bearer: &str, code: &str) -> (u16, Value) {
        let response = self
            .test
            .http
            .post(format!("{}{V1_USER_TOKEN_PATH}", self.test.sim.base_url()))
            .bearer_auth(bearer)
            .json(&json!({ "grant_type": "authorization_code", "code": code }))
            .send()
            .await
            .expect("the v1 token endpoint answers");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        (status, if status == 200 { body["data"].clone() } else { body })
    }

    async fn faults(&self, knobs: Value) {
        let response = self
            .test
            .http
            .post(format!("{}/_sim/faults", self.test.sim.base_url()))
            .json(&knobs)
            .send()
            .await
            .expect("faults answer");
        assert_eq!(response.status().as_u16(), 204);
    }

    async fn open_id_of(&self, token_answer: &Value) -> String {
        let auth = format!("Bearer {}", token_answer["access_token"].as_str().expect("a token"));
        let (status, info) = self.user_info(Some(&auth)).await;
        assert_eq!(status, 200, "{info}");
        info["data"]["open_id"].as_str().expect("open_id").to_owned()
    }

    async fn script(&self) -> (reqwest::header::HeaderMap, String) {
        let response = self
            .test
            .http
            .get(format!("{}{JSSDK_SCRIPT_PATH}", self.test.sim.base_url()))
            .send()
            .await
            .expect("the script is served");
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers().clone();
        (headers, response.text().await.expect("text"))
    }
}

fn assert_refused(answer: &(u16, Value), code: i64) {
    assert_eq!((answer.0, answer.1["code"].as_i64()), (400, Some(code)), "{}", answer.1);
    assert!(answer.1.get("access_token").is_none());
}

#[tokio::test]
async fn a_client_code_is_exchanged_once_without_redirect_uri_or_verifier() {
    let login = spawn_login(config()).await;
    let (status, answer) = login.ask_code(&access("st-1")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "st-1", "requestAccess gives the state back");
    let code = answer["code"].as_str().expect("a code");
    assert_eq!(code.len(), 32);

    let (status, token) = login.exchange(&client_exchange(code)).await;
    assert_eq!((status, token["code"].as_i64()), (200, Some(0)), "{token}");
    assert_eq!(token["scope"], "", "an empty scopeList asks for identity only");
    assert_eq!(
        login.open_id_of(&token).await,
        login.test.sim.users()[0].open_id,
        "without login_as, the directory's first person is signed in to the client"
    );

    // Single use: a second exchange answers 20065 and revokes the first token.
    assert_refused(&login.exchange(&client_exchange(code)).await, 20065);
    let auth = format!("Bearer {}", token["access_token"].as_str().unwrap());
    assert_eq!(login.user_info(Some(&auth)).await.0, 401);

    let stats = login.test.sim.stats().login;
    assert_eq!((stats.client_codes_issued, stats.codes_issued, stats.tokens_issued), (1, 0, 1));
}

#[tokio::test]
async fn only_client_codes_go_without_pkce() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    // An authorize code without redirect_uri and verifier: refused, and not spent.
    let (status, body) = login.exchange(&client_exchange(&code)).await;
    assert_eq!((status, body["code"].as_i64(), body["error"].as_str()), (400, Some(20001), Some("invalid_request")));
    assert!(body["error_description"].as_str().unwrap().contains("redirect_uri"), "{body}");
    let (status, body) = login.exchange(&exchange_body(&code, &pkce.verifier)).await;
    assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");

    // A client code with a redirect_uri and a verifier it was never bound to: they are ignored.
    let code = login.client_code(&access("s")).await;
    let (status, body) = login.exchange(&exchange_body(&code, &Pkce::new().verifier)).await;
    assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");
    // An unknown code without them is still refused as a request missing fields.
    assert_refused(&login.exchange(&client_exchange("0123456789abcdef0123456789abcdef")).await, 20001);
}

#[tokio::test]
async fn each_kind_of_client_code_is_traded_only_where_feishu_documents_it() {
    let login = spawn_login(config()).await;
    // A requestAuthCode code at v2: refused, and not spent.
    let old = login.client_code(&auth_code()).await;
    let (status, body) = login.exchange(&client_exchange(&old)).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(20003)), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("/open-apis/authen/v1/access_token"), "{body}");
    // At v1 it needs an app token: none, or a tenant token, is refused.
    let (status, body) = login.v1_exchange("", &old).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(99991661)), "{body}");
    let tenant_token = login.test.token().await;
    let (status, body) = login.v1_exchange(&tenant_token, &old).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(99991664)), "{body}");
    let app_token = login.app_token().await;
    assert!(app_token.starts_with("a-"), "{app_token}");
    let (status, token) = login.v1_exchange(&app_token, &old).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(login.open_id_of(&token).await, DEMO_ADMIN_OPEN_ID);
    // Used once, like any code.
    let (status, body) = login.v1_exchange(&app_token, &old).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(20065)), "{body}");

    // A requestAccess code at v1: refused, and not spent, so v2 still takes it.
    let new = login.client_code(&access("s")).await;
    let (status, body) = login.v1_exchange(&app_token, &new).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(20003)), "{body}");
    assert!(body["msg"].as_str().unwrap().contains("/open-apis/authen/v2/oauth/token"), "{body}");
    assert_eq!(login.exchange(&client_exchange(&new)).await.0, 200);
    // So is an authorize page's code; a person the app is not available to gets 20010.
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &Pkce::new(), None).await;
    assert_eq!(login.v1_exchange(&app_token, &code).await.1["code"].as_i64(), Some(20003));
    let mut barred = auth_code();
    barred["open_id"] = json!(DEMO_NO_ACCESS_OPEN_ID);
    let code = login.client_code(&barred).await;
    assert_eq!(login.v1_exchange(&app_token, &code).await.1["code"].as_i64(), Some(20010));
}

#[tokio::test]
async fn the_code_is_for_login_as_or_the_person_named_and_may_be_refused_by_feishu() {
    let login = spawn_login(SimConfig { login_as: Some(DEMO_MEMBER_OPEN_ID.to_owned()), ..config() }).await;
    let (status, answer) = login.ask_code(&auth_code()).await;
    assert_eq!(status, 200);
    assert!(answer.get("state").is_none(), "requestAuthCode answers {{code}} only: {answer}");
    let app_token = login.app_token().await;
    let (_, token) = login.v1_exchange(&app_token, answer["code"].as_str().unwrap()).await;
    assert_eq!(login.open_id_of(&token).await, DEMO_MEMBER_OPEN_ID);

    let mut named = access("s");
    named["open_id"] = json!(DEMO_ADMIN_OPEN_ID);
    let (_, token) = login.exchange(&client_exchange(&login.client_code(&named).await)).await;
    assert_eq!(login.open_id_of(&token).await, DEMO_ADMIN_OPEN_ID);

    // Someone the app is not available to gets a code, and the exchange says 20010.
    named["open_id"] = json!(DEMO_NO_ACCESS_OPEN_ID);
    assert_refused(&login.exchange(&client_exchange(&login.client_code(&named).await)).await, 20010);
}

#[tokio::test]
async fn calls_the_client_would_not_serve_fail_with_an_errno() {
    let login = spawn_login(config()).await;
    let cases = [
        (json!({ "api": "requestAccess", "app_id": "cli_other", "scope_list": [] }), 1, "cli_other"),
        (json!({ "api": "requestAccess", "scope_list": [] }), 1, "appID is missing"),
        (json!({ "api": "requestAuthCode" }), 1, "appId is missing"),
        (json!({ "api": "requestAccess", "app_id": "cli_demo_app" }), 1, "scopeList"),
        (json!({ "api": "login", "app_id": "cli_demo_app" }), 1, "requestAccess or requestAuthCode"),
        (json!({ "api": "requestAuthCode", "app_id": "cli_demo_app", "open_id": "ou_nobody" }), 1, "ou_nobody"),
    ];
    for (body, errno, says) in cases {
        let (status, answer) = login.ask_code(&body).await;
        assert_eq!((status, answer["errno"].as_i64()), (400, Some(errno)), "{body}: {answer}");
        assert!(answer["errString"].as_str().unwrap().contains(says), "{body}: {answer}");
    }
    assert_eq!(login.test.sim.stats().login.client_codes_issued, 0);
}

#[tokio::test]
async fn the_knobs_refuse_consent_play_an_old_client_and_expire_codes() {
    let login = spawn_login(config()).await;

    login.faults(json!({ "jssdk_refuse": true })).await;
    for body in [access("s"), auth_code()] {
        let (status, answer) = login.ask_code(&body).await;
        assert_eq!((status, answer["errno"].as_i64()), (400, Some(2_700_002)), "{answer}");
        assert!(answer["errString"].as_str().unwrap().contains("refused"));
    }
    login.faults(json!({ "jssdk_refuse": false })).await;
    assert_eq!(login.ask_code(&access("s")).await.0, 200);

    login.faults(json!({ "jssdk_old_client": true })).await;
    let (status, answer) = login.ask_code(&access("s")).await;
    assert_eq!((status, answer["errno"].as_i64()), (400, Some(103)), "{answer}");
    let code = login.client_code(&auth_code()).await;
    assert_eq!(login.v1_exchange(&login.app_token().await, &code).await.0, 200, "requestAuthCode still works");
    let (_, script) = login.script().await;
    assert!(script.contains(r#""oldClient":true"#), "the script is told to leave requestAccess out");

    login.faults(json!({ "jssdk_expire_codes": true, "jssdk_old_client": false })).await;
    let code = login.client_code(&access("s")).await;
    assert_refused(&login.exchange(&client_exchange(&code)).await, 20004);

    // DELETE /_sim/faults turns every knob off.
    let response = login.test.http.delete(format!("{}/_sim/faults", login.test.sim.base_url())).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let code = login.client_code(&access("s")).await;
    assert_eq!(login.exchange(&client_exchange(&code)).await.0, 200);
    let faults = login.test.sim.faults();
    assert!(!(faults.jssdk_refuse || faults.jssdk_old_client || faults.jssdk_expire_codes || faults.jssdk_unavailable));
}

#[tokio::test]
async fn client_codes_live_jssdk_code_ttl() {
    let login = spawn_login(SimConfig { jssdk_code_ttl: Duration::ZERO, ..config() }).await;
    let code = login.client_code(&access("s")).await;
    assert_refused(&login.exchange(&client_exchange(&code)).await, 20004);
    assert_eq!(SimConfig::default().jssdk_code_ttl, Duration::from_secs(180));
    // The authorize page's codes keep their own lifetime.
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    assert_eq!(login.exchange(&exchange_body(&code, &pkce.verifier)).await.0, 200);
}

#[tokio::test]
async fn the_script_is_served_fresh_and_cross_origin_posts_are_allowed() {
    let login = spawn_login(config()).await;
    let (headers, script) = login.script().await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(headers["cache-control"], "no-store", "the knobs are read when it is fetched");
    for call in ["window.h5sdk", "window.tt", "requestAccess", "requestAuthCode", JSSDK_CODE_PATH] {
        assert!(script.contains(call), "{call}");
    }
    assert!(script.contains(r#""oldClient":false"#) && script.contains(r#""unavailable":false"#));
    login.faults(json!({ "jssdk_unavailable": true })).await;
    assert!(login.script().await.1.contains(r#""unavailable":true"#));

    let preflight = login
        .test
        .http
        .request(reqwest::Method::OPTIONS, format!("{}{JSSDK_CODE_PATH}", login.test.sim.base_url()))
        .header("origin", "http://127.0.0.1:9")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    let allowed = |name: &str| preflight.headers()[name].to_str().unwrap().to_ascii_lowercase();
    assert_eq!(allowed("access-control-allow-origin"), "*");
    assert!(allowed("access-control-allow-methods").contains("post"));
    assert!(allowed("access-control-allow-headers").contains("content-type"));
}
