//! Login with Feishu end to end: authorize page, code exchange with PKCE,
//! single use, expiry, refresh.

use std::time::Duration;

use feishu_sim::{DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, SimConfig};
use serde_json::{Value, json};

use crate::helpers::config;
use crate::login_helpers::{Pkce, REDIRECT_URI, authorize_params, exchange_body, page, redirect_of, spawn_login};

fn assert_refused(answer: &(u16, Value), code: i64, error: &str) {
    let (status, body) = answer;
    assert_eq!((*status, body["code"].as_i64(), body["error"].as_str()), (400, Some(code), Some(error)), "{body}");
    assert!(body["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn the_chooser_page_signs_in_the_person_chosen_and_returns_state_unchanged() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    // A state with characters that must survive encoding both ways.
    let state = "xyz 1/2?a=b&c=é+%";
    let params = authorize_params(&pkce, state);

    let html = page(login.authorize(&params).await, 200).await;
    assert!(html.contains("Feishu simulator — not the real Feishu"));
    assert!(html.contains("Sign in to Block Insights as"));
    for user in login.test.sim.users() {
        assert!(html.contains(&user.en_name) && html.contains(&user.name), "{}", user.en_name);
        assert!(html.contains(&format!(r#"name="login_hint" value="{}""#, user.open_id)));
    }
    assert!(html.contains("demo.admin@example.com") && html.contains("app admin"));
    assert!(html.contains(r#"<html lang="en">"#) && html.contains(r#"lang="zh-CN""#));
    // The form repeats the request: the state is in it, escaped.
    assert!(html.contains(r#"name="state" value="xyz 1/2?a=b&amp;c=é+%""#), "{html}");

    // Choosing a person submits the same form with login_hint.
    let mut chosen = params.clone();
    chosen.push(("login_hint", DEMO_ADMIN_OPEN_ID));
    let back = redirect_of(login.authorize(&chosen).await);
    assert_eq!(back.target, REDIRECT_URI);
    assert_eq!(back.params["state"], state);
    let code = &back.params["code"];
    assert!(code.len() == 32 && code.chars().all(|c| c.is_ascii_hexdigit()), "{code}");

    let (status, token) = login.exchange(&exchange_body(code, &pkce.verifier)).await;
    assert_eq!((status, token["code"].as_i64()), (200, Some(0)), "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 7200);
    assert_eq!(token["scope"], "");
    assert!(token.get("refresh_token").is_none(), "no offline_access, no refresh token");
    let access = token["access_token"].as_str().expect("access token");
    assert!(access.starts_with("u-"), "{access}");

    let (status, info) = login.user_info(Some(&format!("Bearer {access}"))).await;
    assert_eq!((status, info["code"].as_i64()), (200, Some(0)), "{info}");
    assert_eq!(info["data"]["open_id"], DEMO_ADMIN_OPEN_ID);

    let stats = login.test.sim.stats().login;
    assert_eq!((stats.authorize_requests, stats.codes_issued, stats.token_requests, stats.tokens_issued), (2, 1, 1, 1));
    assert_eq!(stats.user_info_requests, 1);
}

#[tokio::test]
async fn cancel_sends_access_denied_with_the_state() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let mut params = authorize_params(&pkce, "s-1");
    params.push(("cancel", "1"));
    let back = redirect_of(login.authorize(&params).await);
    assert_eq!(back.target, REDIRECT_URI);
    assert_eq!(back.params.get("error").map(String::as_str), Some("access_denied"));
    assert_eq!(back.params["state"], "s-1");
    assert!(!back.params.contains_key("code"));
    assert_eq!(login.test.sim.stats().login.codes_issued, 0);
}

#[tokio::test]
async fn login_hint_or_the_configured_person_skips_the_page() {
    let login = spawn_login(SimConfig { login_as: Some(DEMO_MEMBER_OPEN_ID.to_owned()), ..config() }).await;
    let pkce = Pkce::new();
    let back = redirect_of(login.authorize(&authorize_params(&pkce, "s")).await);
    let (_, token) = login.exchange(&exchange_body(&back.params["code"], &pkce.verifier)).await;
    let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
    assert_eq!(login.user_info(Some(&auth)).await.1["data"]["open_id"], DEMO_MEMBER_OPEN_ID);

    // login_hint wins over the configured person.
    let admin = login.log_in(DEMO_ADMIN_OPEN_ID, None).await;
    let auth = format!("Bearer {}", admin["access_token"].as_str().expect("token"));
    assert_eq!(login.user_info(Some(&auth)).await.1["data"]["open_id"], DEMO_ADMIN_OPEN_ID);

    // Nobody of that open_id: a page, no redirect.
    let mut params = authorize_params(&pkce, "s");
    params.push(("login_hint", "ou_nobody"));
    let html = page(login.authorize(&params).await, 400).await;
    assert!(html.contains("ou_nobody"), "{html}");
}

#[tokio::test]
async fn a_code_works_once_and_a_replay_revokes_its_token() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    let body = exchange_body(&code, &pkce.verifier);
    let (status, first) = login.exchange(&body).await;
    assert_eq!(status, 200, "{first}");
    let auth = format!("Bearer {}", first["access_token"].as_str().expect("token"));
    assert_eq!(login.user_info(Some(&auth)).await.0, 200);

    assert_refused(&login.exchange(&body).await, 20065, "invalid_grant");
    let (status, info) = login.user_info(Some(&auth)).await;
    assert_eq!((status, info["code"].as_i64()), (401, Some(99991668)), "revoked: {info}");
    assert_eq!(login.test.sim.stats().login.tokens_issued, 1);
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_uri_is_refused_and_spends_the_code() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    let other = Pkce::new();
    assert_refused(&login.exchange(&exchange_body(&code, &other.verifier)).await, 20049, "invalid_grant");
    // Single use, not single success: the right verifier is too late now.
    assert_refused(&login.exchange(&exchange_body(&code, &pkce.verifier)).await, 20065, "invalid_grant");

    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    let mut body = exchange_body(&code, &pkce.verifier);
    body["redirect_uri"] = json!("http://127.0.0.1:9/auth/other");
    assert_refused(&login.exchange(&body).await, 20071, "invalid_grant");

    assert_refused(
        &login.exchange(&exchange_body("0123456789abcdef0123456789abcdef", &pkce.verifier)).await,
        20003,
        "invalid_grant",
    );
    assert_eq!(login.test.sim.stats().login.tokens_issued, 0);
}

#[tokio::test]
async fn a_code_expires_after_its_lifetime() {
    let login = spawn_login(SimConfig { oauth_code_ttl: Duration::from_millis(300), ..config() }).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_refused(&login.exchange(&exchange_body(&code, &pkce.verifier)).await, 20004, "invalid_grant");
}

#[tokio::test]
async fn client_and_request_errors() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_ADMIN_OPEN_ID, &pkce, None).await;
    let good = exchange_body(&code, &pkce.verifier);
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases = [
        (with("client_secret", json!("wrong")), 20002, "invalid_client"),
        (with("client_id", json!("cli_other")), 20002, "invalid_client"),
        (with("grant_type", json!("password")), 20036, "unsupported_grant_type"),
        (with("code_verifier", json!("")), 20001, "invalid_request"),
        (with("redirect_uri", Value::Null), 20001, "invalid_request"),
        (json!("not an object"), 20001, "invalid_request"),
    ];
    for (body, code, error) in cases {
        assert_refused(&login.exchange(&body).await, code, error);
    }
    // None of those spent the code.
    assert_eq!(login.exchange(&good).await.0, 200);
}

#[tokio::test]
async fn offline_access_brings_a_refresh_token_that_rotates() {
    let login = spawn_login(config()).await;
    let first = login.log_in(DEMO_ADMIN_OPEN_ID, Some("offline_access  contact:user.email:readonly")).await;
    assert_eq!(first["scope"], "offline_access contact:user.email:readonly");
    assert_eq!(first["refresh_token_expires_in"], 7 * 24 * 3600);
    let refresh = first["refresh_token"].as_str().expect("refresh token").to_owned();
    let body = |token: &str| json!({"grant_type": "refresh_token", "client_id": "cli_demo_app", "client_secret": "demo-secret", "refresh_token": token});

    login.test.sim.expire_user_tokens();
    let old_auth = format!("Bearer {}", first["access_token"].as_str().expect("token"));
    let (status, info) = login.user_info(Some(&old_auth)).await;
    assert_eq!((status, info["code"].as_i64()), (401, Some(99991677)), "{info}");

    let (status, second) = login.exchange(&body(&refresh)).await;
    assert_eq!((status, second["code"].as_i64()), (200, Some(0)), "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["scope"], first["scope"]);
    let auth = format!("Bearer {}", second["access_token"].as_str().expect("token"));
    assert_eq!(login.user_info(Some(&auth)).await.1["data"]["open_id"], DEMO_ADMIN_OPEN_ID);

    // The rotated-away token is dead, and reusing it revokes the login.
    assert_refused(&login.exchange(&body(&refresh)).await, 20064, "invalid_grant");
    assert_eq!(login.user_info(Some(&auth)).await.1["code"], 99991668);
    assert_refused(&login.exchange(&body("ur-unknown")).await, 20026, "invalid_grant");
}
