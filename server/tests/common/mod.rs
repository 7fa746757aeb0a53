//! Helpers shared by the tests that run the real `server` binary as child processes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use feishu_sim::{DEMO_ADMIN_OPEN_ID, SimHandle};
use serde_json::Value;

/// A `server` process and the log lines it has written so far.
pub struct ServerProcess {
    child: Child,
    pub base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the binary on a free port with its store in `data_dir` and waits until it
    /// answers.
    pub async fn start(sim: &SimHandle, data_dir: &Path) -> Self {
        Self::start_with(sim, data_dir, &[]).await
    }

    /// Like [`ServerProcess::start`], with more environment settings.
    pub async fn start_with(sim: &SimHandle, data_dir: &Path, extra: &[(&str, &str)]) -> Self {
        let port = free_port();
        let site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LEPTOS_OUTPUT_NAME", "block-insights")
            .env("LEPTOS_SITE_ROOT", site_root)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("FEISHU_APP_ID", &sim.config().app_id)
            .env("FEISHU_APP_SECRET", &sim.config().app_secret)
            .env("FEISHU_BASE_URL", sim.base_url())
            .env("FEISHU_ACCOUNTS_URL", sim.base_url())
            .env("DASHBOARD_ADMINS", DEMO_ADMIN_OPEN_ID)
            .env("DASHBOARD_DATA_DIR", data_dir)
            .env("RUST_LOG", "info")
            // As tests/lib.rs: a test is not a flood, and its refreshes must fetch.
            .env("DASHBOARD_SIGN_IN_PER_MINUTE", "0")
            .env("DASHBOARD_REQUESTS_PER_MINUTE", "0")
            .env("DASHBOARD_REFRESH_MIN_SECS", "0")
            // Off but where a test turns it on: it would add its own calls to the counts.
            .env("DASHBOARD_HISTORY_MONTHS", "0")
            .envs(extra.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        let mut server = Self { child, base_url: format!("http://127.0.0.1:{port}"), log };
        let probe = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited with {status}; its log:\n{}", server.log_text());
            }
            if probe.get(format!("{}/login", server.base_url)).send().await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not answer within 30 s; its log:\n{}", server.log_text());
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGKILL: no shutdown, no flush, no closing of the store.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL reaches the server");
        self.child.wait().expect("the killed server is reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Signs in through the real flow (dashboard → simulated Feishu → callback); answers a
/// cookie-keeping client that sends the dashboard's Origin.
pub async fn sign_in(base_url: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base_url.parse().expect("origin"));
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let login = browser.get(format!("{base_url}/login?next=/")).send().await.expect("login answers");
    let authorize = login.headers()["location"].to_str().expect("ascii").to_owned();
    let chosen = browser.get(format!("{authorize}&login_hint={DEMO_ADMIN_OPEN_ID}")).send().await.expect("authorize answers");
    let callback = chosen.headers()["location"].to_str().expect("ascii").to_owned();
    let answer = browser.get(&callback).send().await.expect("callback answers");
    assert!(answer.status().is_redirection(), "sign-in refused: {}", answer.status());
    browser
}

pub async fn block_access(client: &reqwest::Client, base_url: &str, from: NaiveDate, to: NaiveDate) -> Vec<Value> {
    let response = client
        .get(format!("{base_url}/api/v1/block-access?from_date={from}&to_date={to}"))
        .send()
        .await
        .expect("the API answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 200, "{from}..{to} answered {text}");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    body["items"].as_array().expect("items").clone()
}

/// (date, block, pv, uv) of the API's items, to compare with the ground truth.
pub fn numbers(items: &[Value]) -> Vec<(String, String, u64, u64)> {
    items
        .iter()
        .map(|i| {
            let text = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
            (text("date"), text("block_id"), i["pv"].as_u64().unwrap_or(0), i["uv"].as_u64().unwrap_or(0))
        })
        .collect()
}

pub fn truth(sim: &SimHandle, from: NaiveDate, to: NaiveDate) -> Vec<(String, String, u64, u64)> {
    sim.dataset().ground_truth(from, to, None).into_iter().map(|r| (r.date.to_string(), r.block_id, r.pv, r.uv)).collect()
}
