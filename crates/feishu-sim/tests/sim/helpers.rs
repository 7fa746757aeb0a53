use std::time::Duration;

use chrono::NaiveDate;
use feishu_sim::{BLOCK_ACCESS_SEARCH_PATH, SimConfig, SimHandle, Simulator, TENANT_TOKEN_PATH};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// A fixed "today" so that every run sees the same data.
pub const TODAY: &str = "2025-06-30";

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("test dates are valid")
}

pub fn config() -> SimConfig {
    SimConfig { today: day(TODAY), ..SimConfig::default() }
}

pub struct TestSim {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

/// What a search answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().expect("answer has a numeric code")
    }

    pub fn items(&self) -> &Vec<Value> {
        self.body["data"]["items"].as_array().expect("answer has items")
    }

    pub fn page_token(&self) -> Option<&str> {
        self.body["data"]["page_token"].as_str()
    }

    pub fn has_more(&self) -> bool {
        self.body["data"]["has_more"].as_bool().expect("answer has has_more")
    }
}

pub async fn spawn(config: SimConfig) -> TestSim {
    let sim = Simulator::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("simulator starts");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client");
    TestSim { sim, http }
}

impl TestSim {
    pub async fn token_answer(&self, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{TENANT_TOKEN_PATH}", self.sim.base_url()))
            .json(&body)
            .send()
            .await
            .expect("token request is answered");
        let status = response.status().as_u16();
        (status, response.json().await.expect("token answer is JSON"))
    }

    pub async fn token(&self) -> String {
        let config = self.sim.config();
        let (status, body) = self.token_answer(json!({"app_id": config.app_id, "app_secret": config.app_secret})).await;
        assert_eq!(status, 200, "{body}");
        body["tenant_access_token"].as_str().expect("token in answer").to_owned()
    }

    pub async fn send_search(&self, auth: Option<&str>, query: &[(&str, &str)]) -> reqwest::Result<reqwest::Response> {
        let mut request = self.http.post(format!("{}{BLOCK_ACCESS_SEARCH_PATH}", self.sim.base_url())).query(query);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        request.send().await
    }

    pub async fn search_with(&self, auth: Option<&str>, query: &[(&str, &str)]) -> Answer {
        let response = self.send_search(auth, query).await.expect("search is answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.expect("search answer is JSON");
        Answer { status, headers, body }
    }

    pub async fn search(&self, token: &str, query: &[(&str, &str)]) -> Answer {
        self.search_with(Some(&format!("Bearer {token}")), query).await
    }

    /// A search of the endpoint at `path` (one of the three).
    pub async fn search_endpoint(&self, path: &str, token: &str, query: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(format!("{}{path}", self.sim.base_url()))
            .query(query)
            .bearer_auth(token)
            .send()
            .await
            .expect("search is answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.expect("search answer is JSON");
        Answer { status, headers, body }
    }
}

/// The (date, block_id, pv, uv) of an answer's items.
pub fn rows(items: &[Value]) -> Vec<(String, String, u64, u64)> {
    items
        .iter()
        .map(|item| {
            (
                item["date"].as_str().expect("date").to_owned(),
                item["block_id"].as_str().expect("block_id").to_owned(),
                item["access_data"]["pv"].as_u64().expect("pv"),
                item["access_data"]["uv"].as_u64().expect("uv"),
            )
        })
        .collect()
}
