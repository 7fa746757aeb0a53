//! A browser that does not follow redirects, and an app that runs the login
//! flow against the simulator, for the login tests.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use feishu_sim::{AUTHORIZE_PATH, IS_USER_ADMIN_PATH, SimConfig, USER_INFO_PATH, USER_TOKEN_PATH};
use reqwest::Url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestSim, spawn};

/// Where the app wants the browser back; never contacted, since the browser
/// does not follow redirects.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/auth/callback";

/// A PKCE pair as an app makes it: a random verifier and its S256 challenge,
/// computed here independently of the simulator.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self { verifier, challenge }
    }
}

pub struct LoginSim {
    pub test: TestSim,
    /// Does not follow redirects, so each 302 can be read.
    pub browser: reqwest::Client,
}

/// Where a redirect sends the browser: the URL without its query, and the
/// query's parameters.
#[derive(Debug)]
pub struct Redirect {
    pub target: String,
    pub params: HashMap<String, String>,
}

pub async fn spawn_login(config: SimConfig) -> LoginSim {
    let test = spawn(config).await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("browser client");
    LoginSim { test, browser }
}

/// The parameters of a sound authorize request.
pub fn authorize_params<'a>(pkce: &'a Pkce, state: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("client_id", "cli_demo_app"),
        ("redirect_uri", REDIRECT_URI),
        ("response_type", "code"),
        ("state", state),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
    ]
}

/// The body of a code exchange.
pub fn exchange_body(code: &str, verifier: &str) -> Value {
    json!({
        "grant_type": "authorization_code",
        "client_id": "cli_demo_app",
        "client_secret": "demo-secret",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    })
}

impl LoginSim {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.test.sim.base_url())
    }

    /// The browser opens the authorize page with these parameters.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.browser.get(self.url(AUTHORIZE_PATH)).query(params).send().await.expect("authorize is answered")
    }

    /// The browser signs `open_id` in with `login_hint` and is sent back.
    pub async fn code_for(&self, open_id: &str, pkce: &Pkce, scope: Option<&str>) -> String {
        let mut params = authorize_params(pkce, "st");
        params.push(("login_hint", open_id));
        if let Some(scope) = scope {
            params.push(("scope", scope));
        }
        let back = redirect_of(self.authorize(&params).await);
        assert_eq!(back.params.get("state").map(String::as_str), Some("st"));
        back.params["code"].clone()
    }

    /// The app posts this body to the token endpoint.
    pub async fn exchange(&self, body: &Value) -> (u16, Value) {
        let response = self.test.http.post(self.url(USER_TOKEN_PATH)).json(body).send().await.expect("token endpoint answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("token answer is JSON"))
    }

    /// A full login as `open_id`: the token endpoint's success body.
    pub async fn log_in(&self, open_id: &str, scope: Option<&str>) -> Value {
        let pkce = Pkce::new();
        let code = self.code_for(open_id, &pkce, scope).await;
        let (status, body) = self.exchange(&exchange_body(&code, &pkce.verifier)).await;
        assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");
        body
    }

    pub async fn user_info(&self, auth: Option<&str>) -> (u16, Value) {
        let mut request = self.test.http.get(self.url(USER_INFO_PATH));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.expect("user_info answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("user_info answer is JSON"))
    }

    pub async fn is_user_admin(&self, auth: Option<&str>, open_id: Option<&str>) -> (u16, Value) {
        let mut request = self.test.http.get(self.url(IS_USER_ADMIN_PATH));
        if let Some(open_id) = open_id {
            request = request.query(&[("open_id", open_id)]);
        }
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.expect("is_user_admin answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("is_user_admin answer is JSON"))
    }
}

/// The redirect a response makes; panics unless it is a 302 with a Location.
pub fn redirect_of(response: reqwest::Response) -> Redirect {
    assert_eq!(response.status().as_u16(), 302, "expected a redirect");
    let location = response.headers().get("location").expect("a redirect has a Location").to_str().expect("Location is ASCII");
    let url = Url::parse(location).expect("Location is an absolute URL");
    let params = url.query_pairs().into_owned().collect();
    let mut target = url.clone();
    target.set_query(None);
    Redirect { target: target.to_string(), params }
}

/// The text of an HTML answer, asserting its status.
pub async fn page(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    response.text().await.expect("page text")
}
