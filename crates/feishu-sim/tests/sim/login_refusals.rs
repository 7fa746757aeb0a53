//! The authorize page refuses unsound requests with an HTTP 400 page and
//! never redirects them.

use crate::helpers::config;
use crate::login_helpers::{Pkce, authorize_params, page, spawn_login};

#[tokio::test]
async fn unsound_authorize_requests_get_a_page_saying_why() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let sound = authorize_params(&pkce, "s");
    let without = |name: &str| -> Vec<(&str, &str)> { sound.iter().copied().filter(|(key, _)| *key != name).collect() };
    let replaced = |name: &str, value: &'static str| -> Vec<(&str, &str)> {
        sound.iter().map(|&(key, old)| (key, if key == name { value } else { old })).collect()
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (without("code_challenge_method"), "PKCE is required"),
        (without("code_challenge"), "PKCE is required"),
        (replaced("code_challenge_method", "plain"), "requires PKCE with S256"),
        (replaced("code_challenge", "too-short"), "43 characters"),
        (without("state"), "state is missing"),
        (without("response_type"), "response_type is missing"),
        (without("client_id"), "client_id is missing"),
        (replaced("client_id", "cli_other"), "Unknown client_id cli_other"),
        (without("redirect_uri"), "redirect_uri is missing"),
        (replaced("redirect_uri", "/auth/callback"), "not an absolute http or https URL"),
        (replaced("redirect_uri", "http://app.test/cb#x"), "without a fragment"),
    ];
    for (params, reason) in cases {
        let response = login.authorize(&params).await;
        assert!(response.headers().get("location").is_none(), "{params:?}");
        let html = page(response, 400).await;
        assert!(html.contains(reason), "{params:?}: {html}");
        assert!(html.contains("Feishu simulator — not the real Feishu"));
    }
    let wrong_type = replaced("response_type", "token");
    assert!(page(login.authorize(&wrong_type).await, 400).await.contains("only code"));

    let stats = login.test.sim.stats().login;
    assert_eq!((stats.authorize_requests, stats.codes_issued), (12, 0));
}

#[tokio::test]
async fn markup_in_the_request_is_escaped_on_the_page() {
    let login = spawn_login(config()).await;
    let pkce = Pkce::new();
    let mut params = authorize_params(&pkce, r#""><script>alert(1)</script>"#);
    params.push(("scope", "<b>x</b>"));
    let html = page(login.authorize(&params).await, 200).await;
    assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
}
