//! Sign-in and who may see the data, over real HTTP against the simulator's login.

use block_insights_tests::{TestApp, follow_authorize, spawn_app, spawn_app_with};
use feishu_sim::{DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID, SimConfig};
use serde_json::json;

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The `Set-Cookie` an answer sends for the cookie `name`, whole (`name=value; …`).
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with(&prefix)).map(str::to_owned)
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    set_cookie(r, "bi_session")
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_machines_get_401() {
    let app = spawn_app().await;
    let page = app.anonymous.get(format!("{}/?range=7d&block=12", app.base_url)).send().await.unwrap();
    assert!(page.status().is_redirection());
    assert_eq!(location(&page), "/login?next=%2F%3Frange%3D7d%26block%3D12", "the deep link survives");

    for path in ["/api/v1/block-access?from_date=2024-01-01&to_date=2024-01-02", "/export/trend.svg"] {
        let r = app.anonymous.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["kind"], "unauthorized");
    }
    let r = app
        .anonymous
        .post(format!("{}/api/block_name", app.base_url))
        .header("origin", &app.base_url)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "server functions need a signed-in user too");
    // Static code and styles carry no data and load for the sign-in pages.
    assert_ne!(app.anonymous.get(format!("{}/healthz", app.base_url)).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn signing_in_lands_on_the_deep_link_with_a_new_session_id() {
    let app = spawn_app().await;
    let browser = app.browser();
    let deep = "/?range=14d&lang=en";
    let start = browser.get(format!("{}/login", app.base_url)).query(&[("next", deep)]).send().await.unwrap();
    assert!(session_cookie(&start).is_none(), "no session is stored before sign-in");
    let pending = set_cookie(&start, "bi_signin").expect("the pending sign-in in a cookie of its own");
    assert!(pending.contains("HttpOnly") && pending.contains("SameSite=Lax") && pending.contains("Max-Age=600"), "{pending}");
    let authorize = location(&start);
    assert!(authorize.contains("code_challenge_method=S256") && authorize.contains("state="), "{authorize}");
    let callback = follow_authorize(&browser, &authorize, DEMO_ADMIN_OPEN_ID).await;
    let landed = browser.get(&callback).send().await.unwrap();
    assert!(landed.status().is_redirection());
    assert_eq!(location(&landed), deep);
    let after = session_cookie(&landed).expect("the session begins at sign-in");
    let cleared = set_cookie(&landed, "bi_signin").expect("the pending sign-in is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(after.contains("HttpOnly") && after.contains("SameSite=Lax"), "{after}");
    assert!(!after.contains("Secure"), "plain http without DASHBOARD_SECURE_COOKIES");
    let page = browser.get(format!("{}{deep}", app.base_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let name = &app.sim.users().iter().find(|u| u.open_id == DEMO_ADMIN_OPEN_ID).unwrap().name;
    assert!(html.contains(&format!("Signed in as {name}")), "the header names who is signed in");
}

#[tokio::test]
async fn a_forged_state_a_replayed_code_and_foreign_next_are_refused() {
    let app = spawn_app().await;
    // Forged state: the callback's state is not the one this browser was given.
    let browser = app.browser();
    let (authorize, _) = app.start_sign_in(&browser, "/").await;
    let callback = follow_authorize(&browser, &authorize, DEMO_ADMIN_OPEN_ID).await;
    let forged = callback.replace("state=", "state=x");
    let r = browser.get(&forged).header("accept-language", "en").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("sign-in link"));
    assert!(browser.get(format!("{}/", app.base_url)).send().await.unwrap().status().is_redirection(), "not signed in");

    // Replayed code: a second callback with a used code (new sign-in, old code).
    let browser = app.browser();
    let (authorize, _) = app.start_sign_in(&browser, "/").await;
    let callback = follow_authorize(&browser, &authorize, DEMO_ADMIN_OPEN_ID).await;
    assert!(browser.get(&callback).send().await.unwrap().status().is_redirection());
    let r = browser.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), 400, "the pending sign-in was used once");
    let (authorize, _) = app.start_sign_in(&browser, "/").await;
    let fresh_state = authorize.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let old_code = callback.split("code=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let replay = format!("{}/auth/callback?code={old_code}&state={fresh_state}", app.base_url);
    let r = browser.get(&replay).send().await.unwrap();
    assert_eq!(r.status(), 502, "Feishu refuses a code used before");
    assert!(r.text().await.unwrap().contains("invalid_grant"));

    // `next` is a local path only.
    for next in ["https://evil.example/", "//evil.example/x", "/\\evil.example"] {
        let browser = app.browser();
        let (authorize, _) = app.start_sign_in(&browser, next).await;
        let callback = follow_authorize(&browser, &authorize, DEMO_ADMIN_OPEN_ID).await;
        let r = browser.get(&callback).send().await.unwrap();
        assert_eq!(location(&r), "/", "{next}");
    }
}

#[tokio::test]
async fn people_not_on_the_list_get_a_page_saying_whom_to_ask() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_ACCESS_CONTACT", "IT help desk, it@example.com")]).await;
    let refused = app.sign_in(DEMO_MEMBER_OPEN_ID).await.expect_err("a member is not an admin");
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.unwrap();
    assert!(html.contains("IT help desk, it@example.com"), "{html}");
    // Feishu itself refuses someone the app is not available to.
    let refused = app.sign_in(DEMO_NO_ACCESS_OPEN_ID).await.expect_err("not available to them");
    assert_eq!(refused.status(), 502);
}

/// What the refusal page of a person of another tenant says (in Chinese: no
/// Accept-Language).
const OTHER_TENANT: &str = "属于其他企业或组织";

/// The demo directory with a guest of another tenant whose address is `email`.
fn with_guest(email: &str) -> (SimConfig, feishu_sim::SimUser) {
    let mut users = feishu_sim::demo_users(42, "cli_demo_app");
    let guest = feishu_sim::demo_guest(42, "cli_demo_app", email);
    users.push(guest.clone());
    (SimConfig { users, ..SimConfig::default() }, guest)
}

#[tokio::test]
async fn an_address_lets_in_only_with_the_opt_in_the_contact_scopes_and_this_tenant() {
    let (sim, guest) = with_guest("li.lei@example.com");
    let admins = format!("{DEMO_ADMIN_OPEN_ID}, li.lei@example.com");
    let vars = [("DASHBOARD_ADMINS", admins.as_str()), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "true")];
    let app = spawn_app_with(sim.clone(), &vars).await;
    // The sign-in asks for the scopes without which Feishu reports no address.
    let (authorize, _) = app.start_sign_in(&app.browser(), "/").await;
    assert!(authorize.contains("response_type=code"), "{authorize}");
    assert!(authorize.contains("scope=contact%3Auser.email%3Areadonly+contact%3Auser.employee%3Areadonly"), "{authorize}");
    app.sign_in(DEMO_MEMBER_OPEN_ID).await.expect("listed by address");
    // A guest of another tenant with the same address is not let in.
    let refused = app.sign_in(&guest.open_id).await.expect_err("another tenant");
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains(OTHER_TENANT));

    // An app that does not hold the contact scopes never learns the address.
    let app = spawn_app_with(SimConfig { contact_scopes_held: false, ..sim }, &vars).await;
    assert_eq!(app.sign_in(DEMO_MEMBER_OPEN_ID).await.expect_err("no address from Feishu").status(), 403);
}

#[tokio::test]
async fn without_the_opt_in_no_scope_is_asked_and_another_tenant_is_refused_by_id_too() {
    let (sim, guest) = with_guest("guest@partner.example");
    let admins = format!("{DEMO_ADMIN_OPEN_ID}, {}", guest.open_id);
    for tenant_key in [None, Some(feishu_sim::demo_tenant_key(42))] {
        let mut vars = vec![("DASHBOARD_ADMINS", admins.as_str())];
        if let Some(key) = &tenant_key {
            vars.push(("FEISHU_TENANT_KEY", key.as_str()));
        }
        let app = spawn_app_with(sim.clone(), &vars).await;
        let (authorize, _) = app.start_sign_in(&app.browser(), "/").await;
        assert!(!authorize.contains("scope="), "identity only: {authorize}");
        let refused = app.sign_in(&guest.open_id).await.expect_err("another tenant, though listed");
        assert_eq!(refused.status(), 403, "{tenant_key:?}");
        assert!(refused.text().await.unwrap().contains(OTHER_TENANT));
    }
}

#[tokio::test]
async fn app_admins_may_enter_when_the_setting_allows_it() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_ADMINS", ""), ("DASHBOARD_ALLOW_APP_ADMINS", "true")]).await;
    assert_eq!(app.get("/?lang=en").await.status(), 200, "the demo admin is an app admin");
    assert_eq!(app.sign_in(DEMO_MEMBER_OPEN_ID).await.expect_err("not an app admin").status(), 403);
}

#[tokio::test]
async fn sessions_expire_and_logout_ends_them_on_the_server() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_SESSION_HOURS", "0.0006")]).await;
    assert_eq!(app.get("/").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert!(app.get("/").await.status().is_redirection(), "an expired session signs out");

    let app = spawn_app().await;
    let browser = app.sign_in(DEMO_ADMIN_OPEN_ID).await.unwrap();
    let page = browser.get(format!("{}/", app.base_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let logout = browser.post(format!("{}/logout", app.base_url)).send().await.unwrap();
    assert_eq!(location(&logout), "/signed-out");
    assert!(browser.get(format!("{}/", app.base_url)).send().await.unwrap().status().is_redirection());
}

#[tokio::test]
async fn a_stolen_cookie_is_dead_after_logout() {
    let app = spawn_app().await;
    let browser = app.browser();
    let (authorize, _) = app.start_sign_in(&browser, "/").await;
    let callback = follow_authorize(&browser, &authorize, DEMO_ADMIN_OPEN_ID).await;
    let landed = browser.get(&callback).send().await.unwrap();
    let cookie = session_cookie(&landed).unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();
    browser.post(format!("{}/logout", app.base_url)).send().await.unwrap();
    let replay = app.anonymous.get(format!("{}/", app.base_url)).header("cookie", &pair).send().await.unwrap();
    assert!(replay.status().is_redirection(), "the session was destroyed on the server, not only forgotten by the browser");
}

async fn create_token(app: &TestApp, name: &str) -> String {
    let r = app.create_token(&[("name", name)]).await;
    assert_eq!(r.status(), 200);
    r.json::<String>().await.unwrap()
}

#[tokio::test]
async fn api_tokens_work_until_revoked_and_are_listed_without_the_token() {
    let app = spawn_app().await;
    let token = create_token(&app, "portal").await;
    assert!(token.starts_with("bi_"));
    let url = format!("{}/api/v1/block-access?from_date={}&to_date={}", app.base_url, app.days_ago(3), app.days_ago(2));
    let ok = app.anonymous.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let tokens_page = app.get("/tokens?lang=en").await.text().await.unwrap();
    assert!(!tokens_page.contains(&token), "the list never shows a token");
    assert!(tokens_page.contains("portal"), "the list names it");
    let listed = app.state.service.store().list_api_tokens().await.unwrap();
    let id = listed[0].id.clone();
    assert!(tokens_page.contains(&format!("data-token=\"{id}\"")), "the page lists it by its id");
    let r = app
        .http
        .post(format!("{}/api/token_revoke", app.base_url))
        .form(&[("id", id.as_str())])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let revoked = app.anonymous.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(revoked.status(), 401);
    let body: serde_json::Value = revoked.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("revoked"));
    // A token opens /api/v1/ only, not the pages.
    let page = app.anonymous.get(format!("{}/", app.base_url)).bearer_auth(&create_token(&app, "x").await).send().await.unwrap();
    assert!(page.status().is_redirection());
}

#[tokio::test]
async fn cross_site_requests_that_change_state_are_refused() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[0].id.clone();
    let form = [("block_id", block.as_str()), ("name", "x"), ("workplace", "")];
    let url = format!("{}/api/block_name", app.base_url);
    let evil = app.http.post(&url).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    assert_eq!(evil.status(), 403);
    // A sandboxed or privacy-stripped origin is not this dashboard either.
    let r = app.http.post(&url).header("origin", "null").form(&form).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let labels: serde_json::Value = app
        .get(&format!("/api/v1/block-access?from_date={0}&to_date={0}&block_id={block}", app.days_ago(2)))
        .await
        .json()
        .await
        .unwrap();
    assert!(labels["items"][0]["block_name"].is_null(), "nothing was renamed by the refused posts");
    let ok = app.http.post(&url).header("accept", "application/json").form(&form).send().await.unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_policy_that_lets_leptos_hydrate() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_FRAME_ANCESTORS", "'self' https://portal.example.com")]).await;
    let page = app.get("/?lang=en").await;
    let h = page.headers().clone();
    let html = page.text().await.unwrap();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'self' https://portal.example.com"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"));
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration scripts carry the nonce");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let api = app.get(&format!("/api/v1/block-access?from_date={}&to_date={}", app.days_ago(2), app.days_ago(2))).await;
    assert!(api.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));

    let secure = spawn_app_with(SimConfig::default(), &[("DASHBOARD_SECURE_COOKIES", "true")]).await;
    let r = secure.anonymous.get(format!("{}/login", secure.base_url)).send().await.unwrap();
    let pending = set_cookie(&r, "__Host-bi_signin").expect("the pending sign-in, host-only");
    assert!(pending.contains("Secure"), "{pending}");
}

#[tokio::test]
async fn the_tokens_page_form_shows_a_new_token_once_after_a_redirect_and_keeps_it_out_of_any_address() {
    let app = spawn_app().await;
    // The tokens page's form, as a browser without the WASM sends it.
    let posted = app
        .http
        .post(format!("{}/api/token_create", app.base_url))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", format!("{}/tokens?lang=en", app.base_url))
        .form(&[("name", "intranet portal"), ("can_write_names", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303, "post/redirect/get: a reload does not post again");
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/tokens?lang=en", "back to the page, in its language");
    let cookie = set_cookie(&posted, "bi_flash").expect("the outcome travels in the flash cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Max-Age=120"), "{cookie}");

    let page = app.http.get(format!("{}{location}", app.base_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        set_cookie(&page, "bi_flash").is_some_and(|c| c.starts_with("bi_flash=;") && c.contains("Max-Age=0")),
        "the page clears it"
    );
    let html = page.text().await.unwrap();
    let shown = html.split("data-testid=\"new-token\"").nth(1).expect("the new token is shown");
    let token = shown.split("<code>").nth(1).and_then(|t| t.split('<').next()).expect("in a code element").to_owned();
    assert!(token.starts_with("bi_"), "{token}");
    assert!(!location.contains(&token));
    // It is the token the server made: it reads, and is listed by its name as allowed to
    // change names too (the box was ticked).
    let url = format!("{}/api/v1/block-access?from_date={}&to_date={}", app.base_url, app.days_ago(3), app.days_ago(2));
    assert_eq!(app.anonymous.get(&url).bearer_auth(&token).send().await.unwrap().status(), 200);
    let row = html.split("scope=\"row\">intranet portal").nth(1).expect("listed by its name");
    let row = row.split("</tr>").next().unwrap();
    assert!(row.contains("Read, change names"), "{row}");

    let again = app.http.get(format!("{}{location}", app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("data-testid=\"new-token\"") && !again.contains(&token), "shown once");

    // A refusal comes back the same way, with what to fix.
    let refused = app
        .http
        .post(format!("{}/api/token_create", app.base_url))
        .header("accept", "text/html")
        .form(&[("name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 303);
    let html = app.http.get(format!("{}/tokens", app.base_url)).send().await.unwrap().text().await.unwrap();
    let alert = html.split("role=\"alert\"").nth(1).expect("the refusal is shown");
    assert!(alert.to_lowercase().contains("name"), "{alert}");
}
