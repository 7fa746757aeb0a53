//! Who a user token speaks for (`user_info`), whether a person is an app
//! admin (`is_user_admin`), and the directory behind both.

use feishu_sim::{
    DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID, DEMO_NO_EMAIL_OPEN_ID, EMAIL_SCOPE, EMPLOYEE_ID_SCOPE,
    EMPLOYEE_SCOPE, SimConfig, TENANT_QUERY_PATH, demo_guest, demo_tenant_key, demo_users,
};
use serde_json::Value;

use crate::helpers::config;
use crate::login_helpers::{Pkce, exchange_body, spawn_login};

#[tokio::test]
async fn user_info_describes_each_person_who_may_use_the_app() {
    let login = spawn_login(config()).await;
    let users = login.test.sim.users().to_vec();
    assert_eq!(users.len(), 4);
    let scopes = format!("{EMAIL_SCOPE} {EMPLOYEE_SCOPE} {EMPLOYEE_ID_SCOPE}");
    for user in users.iter().filter(|user| user.may_use_app) {
        let token = login.log_in(&user.open_id, Some(&scopes)).await;
        let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
        let (status, info) = login.user_info(Some(&auth)).await;
        assert_eq!((status, info["code"].as_i64(), info["msg"].as_str()), (200, Some(0), Some("success")));
        let data = &info["data"];
        assert_eq!(data["open_id"], user.open_id.as_str());
        assert_eq!(data["union_id"], user.union_id.as_str());
        assert_eq!(data["name"], user.name.as_str());
        assert_eq!(data["en_name"], user.en_name.as_str());
        assert_eq!(data["tenant_key"], demo_tenant_key(42).as_str());
        assert!(user.open_id.starts_with("ou_") && user.union_id.starts_with("on_"));
        let optional = |value: &Option<String>| value.as_deref().map_or(Value::Null, Value::from);
        assert_eq!(data.get("email").cloned().unwrap_or(Value::Null), optional(&user.email));
        assert_eq!(data.get("enterprise_email").cloned().unwrap_or(Value::Null), optional(&user.enterprise_email));
        assert_eq!(data.get("user_id").cloned().unwrap_or(Value::Null), optional(&user.user_id));

        let avatar = data["avatar_url"].as_str().expect("avatar_url");
        let picture = login.test.http.get(avatar).send().await.expect("avatar answers");
        assert_eq!(picture.headers()["content-type"], "image/svg+xml");
    }
    let by_id = |id: &str| users.iter().find(|user| user.open_id == id).expect("in directory");
    assert_eq!(by_id(DEMO_ADMIN_OPEN_ID).email.as_deref(), Some("demo.admin@example.com"));
    assert!(by_id(DEMO_ADMIN_OPEN_ID).is_app_admin);
    assert!(by_id(DEMO_MEMBER_OPEN_ID).email.is_some() && !by_id(DEMO_MEMBER_OPEN_ID).is_app_admin);
    assert!(by_id(DEMO_NO_EMAIL_OPEN_ID).email.is_none());
}

/// `email`, `enterprise_email` and `user_id` as `user_info` answers them after a
/// sign-in that asked for `scope`.
async fn contact_fields(login: &crate::login_helpers::LoginSim, open_id: &str, scope: Option<&str>) -> [Value; 3] {
    let token = login.log_in(open_id, scope).await;
    let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
    let (status, info) = login.user_info(Some(&auth)).await;
    assert_eq!(status, 200, "{info}");
    ["email", "enterprise_email", "user_id"].map(|key| info["data"].get(key).cloned().unwrap_or(Value::Null))
}

#[tokio::test]
async fn contact_fields_come_only_with_their_scopes_granted_and_held() {
    let login = spawn_login(config()).await;
    let none = [Value::Null, Value::Null, Value::Null];
    assert_eq!(contact_fields(&login, DEMO_ADMIN_OPEN_ID, None).await, none, "no scope asked for");
    let [email, enterprise, user_id] = contact_fields(&login, DEMO_ADMIN_OPEN_ID, Some(EMAIL_SCOPE)).await;
    assert_eq!((email.as_str(), &enterprise, &user_id), (Some("demo.admin@example.com"), &Value::Null, &Value::Null));
    let [email, enterprise, _] = contact_fields(&login, DEMO_ADMIN_OPEN_ID, Some(EMPLOYEE_SCOPE)).await;
    assert_eq!((&email, enterprise.as_str()), (&Value::Null, Some("demo.admin@corp.example.com")));

    // An app that does not hold them gets none, even when the person is asked.
    let login = spawn_login(SimConfig { contact_scopes_held: false, ..config() }).await;
    let all = format!("{EMAIL_SCOPE} {EMPLOYEE_SCOPE} {EMPLOYEE_ID_SCOPE}");
    assert_eq!(contact_fields(&login, DEMO_ADMIN_OPEN_ID, Some(&all)).await, none);
}

#[tokio::test]
async fn a_guest_of_another_tenant_says_so_and_the_tenant_query_names_this_one() {
    let mut users = demo_users(42, "cli_demo_app");
    let guest = demo_guest(42, "cli_demo_app", "demo.admin@example.com");
    users.push(guest.clone());
    let login = spawn_login(SimConfig { users, ..config() }).await;
    let token = login.log_in(&guest.open_id, None).await;
    let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
    let (_, info) = login.user_info(Some(&auth)).await;
    let theirs = info["data"]["tenant_key"].as_str().expect("a tenant_key").to_owned();
    assert_ne!(theirs, demo_tenant_key(42));
    assert_eq!(Some(theirs), guest.tenant_key);

    let url = format!("{}{TENANT_QUERY_PATH}", login.test.sim.base_url());
    let tenant: Value =
        login.test.http.get(&url).bearer_auth(login.test.token().await).send().await.unwrap().json().await.unwrap();
    assert_eq!(tenant["code"], 0, "{tenant}");
    assert_eq!(tenant["data"]["tenant"]["tenant_key"], demo_tenant_key(42).as_str());
    let refused: Value = login.test.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(refused["code"], 99991661);
}

#[tokio::test]
async fn a_person_who_may_not_use_the_app_gets_no_token() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let code = login.code_for(DEMO_NO_ACCESS_OPEN_ID, &pkce, None).await;
    let (status, body) = login.exchange(&exchange_body(&code, &pkce.verifier)).await;
    assert_eq!((status, body["code"].as_i64(), body["error"].as_str()), (400, Some(20010), Some("invalid_grant")));
}

#[tokio::test]
async fn user_info_refuses_missing_unknown_tenant_and_expired_tokens() {
    let login = spawn_login(config()).await;
    for auth in [None, Some("Bearer "), Some("Basic dXNlcjpwYXNz")] {
        let (status, body) = login.user_info(auth).await;
        assert_eq!((status, body["code"].as_i64()), (400, Some(99991661)), "{auth:?}");
    }
    let tenant = format!("Bearer {}", login.test.token().await);
    for auth in ["Bearer u-00000000000000000000000000000000", tenant.as_str()] {
        let (status, body) = login.user_info(Some(auth)).await;
        assert_eq!((status, body["code"].as_i64()), (401, Some(99991668)), "{auth}");
    }
    let token = login.log_in(DEMO_MEMBER_OPEN_ID, None).await;
    let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
    // Over HTTP, as an end-to-end test would.
    let expired = login
        .test
        .http
        .post(format!("{}/_sim/user_tokens/expire", login.test.sim.base_url()))
        .send()
        .await
        .expect("expire answers");
    assert_eq!(expired.status().as_u16(), 204);
    let (status, body) = login.user_info(Some(&auth)).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(99991677)), "{body}");
}

#[tokio::test]
async fn a_short_user_token_lifetime_expires_on_its_own() {
    let login = spawn_login(SimConfig { user_token_ttl: std::time::Duration::from_secs(1), ..config() }).await;
    let token = login.log_in(DEMO_ADMIN_OPEN_ID, None).await;
    assert_eq!(token["expires_in"], 1);
    let auth = format!("Bearer {}", token["access_token"].as_str().expect("token"));
    assert_eq!(login.user_info(Some(&auth)).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(login.user_info(Some(&auth)).await.1["code"], 99991677);
}

#[tokio::test]
async fn is_user_admin_answers_for_admins_and_others_with_a_tenant_token() {
    let login = spawn_login(config()).await;
    let tenant = format!("Bearer {}", login.test.token().await);
    for (open_id, admin) in [
        (DEMO_ADMIN_OPEN_ID, true),
        (DEMO_MEMBER_OPEN_ID, false),
        (DEMO_NO_EMAIL_OPEN_ID, false),
        ("ou_not_in_the_tenant", false),
    ] {
        let (status, body) = login.is_user_admin(Some(&tenant), Some(open_id)).await;
        assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");
        assert_eq!(body["data"]["is_app_admin"], admin, "{open_id}");
    }
    let (status, body) = login.is_user_admin(Some(&tenant), None).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(99992402)));
    let (status, body) = login.is_user_admin(None, Some(DEMO_ADMIN_OPEN_ID)).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(99991661)));

    let user = login.log_in(DEMO_ADMIN_OPEN_ID, None).await;
    let user_auth = format!("Bearer {}", user["access_token"].as_str().expect("token"));
    for auth in ["Bearer t-00000000000000000000000000000000", user_auth.as_str()] {
        let (status, body) = login.is_user_admin(Some(auth), Some(DEMO_ADMIN_OPEN_ID)).await;
        assert_eq!((status, body["code"].as_i64()), (400, Some(99991663)), "{auth}");
    }
    login.test.sim.expire_all_tokens();
    let (_, body) = login.is_user_admin(Some(&tenant), Some(DEMO_ADMIN_OPEN_ID)).await;
    assert_eq!(body["code"], 99991663);
    assert_eq!(login.test.sim.stats().login.admin_checks, 9);
}

#[tokio::test]
async fn the_directory_is_readable_over_http() {
    let login = spawn_login(config()).await;
    let body: Value = login
        .test
        .http
        .get(format!("{}/_sim/users", login.test.sim.base_url()))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(body["tenant_key"], demo_tenant_key(42).as_str());
    let users = body["users"].as_array().expect("users");
    assert_eq!(users.len(), 4);
    assert_eq!(users[0]["open_id"], DEMO_ADMIN_OPEN_ID);
    assert_eq!(users[0]["is_app_admin"], true);
    assert_eq!(users[3]["may_use_app"], false);
}
