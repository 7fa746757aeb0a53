//! Crash safety of the real `server` binary, run as a child process against an
//! in-process Feishu simulator: killing it with SIGKILL in the middle of writes loses
//! nothing it had reported as saved, final days come back from the store without a call
//! to Feishu, and a damaged store is detected, set aside and rebuilt.

use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use feishu_sim::{DEMO_ADMIN_OPEN_ID, SimConfig, SimHandle, Simulator};
use serde_json::Value;

/// A `server` process and the log lines it has written so far.
struct ServerProcess {
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the binary on a free port with its store in `data_dir` and waits until it
    /// answers.
    async fn start(sim: &SimHandle, data_dir: &Path) -> Self {
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

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGKILL: no shutdown, no flush, no closing of the store.
    fn kill(mut self) {
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

fn free_port() -> u16 {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Signs in through the real flow (dashboard → simulated Feishu → callback); answers a
/// cookie-keeping client that sends the dashboard's Origin.
async fn sign_in(base_url: &str) -> reqwest::Client {
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

async fn block_access(client: &reqwest::Client, base_url: &str, from: NaiveDate, to: NaiveDate) -> Vec<Value> {
    let response = client
        .get(format!("{base_url}/api/v1/block-access?from_date={from}&to_date={to}"))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    body["items"].as_array().expect("items").clone()
}

/// (date, block, pv, uv) of the API's items, to compare with the ground truth.
fn numbers(items: &[Value]) -> Vec<(String, String, u64, u64)> {
    items
        .iter()
        .map(|i| {
            let text = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
            (text("date"), text("block_id"), i["pv"].as_u64().unwrap_or(0), i["uv"].as_u64().unwrap_or(0))
        })
        .collect()
}

fn truth(sim: &SimHandle, from: NaiveDate, to: NaiveDate) -> Vec<(String, String, u64, u64)> {
    sim.dataset().ground_truth(from, to, None).into_iter().map(|r| (r.date.to_string(), r.block_id, r.pv, r.uv)).collect()
}

/// What one writer has done to its block: every name it sent, in order, and how many
/// of them the server acknowledged (a 2xx answer) — the last acknowledged one, or a
/// later one that reached the store before the kill, must survive.
#[derive(Default, Clone)]
struct Writes {
    sent: Vec<String>,
    acknowledged: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_writes_loses_nothing_reported_saved_and_a_damaged_store_is_rebuilt() {
    let sim = Simulator::start(SimConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let today = sim.dataset().today();
    let (from, to) = (today - chrono::Days::new(40), today - chrono::Days::new(10));
    let expected = truth(&sim, from, to);

    // 1. Final days fetched (and saved), then block names written until the kill.
    let server = ServerProcess::start(&sim, data_dir.path()).await;
    let client = sign_in(&server.base_url).await;
    assert_eq!(numbers(&block_access(&client, &server.base_url, from, to).await), expected);
    // Blocks with visits in the range, so the API's items carry their names.
    let mut blocks: Vec<String> = expected.iter().map(|r| r.1.clone()).collect();
    blocks.sort();
    blocks.dedup();
    blocks.truncate(6);

    let writes: Arc<Mutex<Vec<Writes>>> = Arc::new(Mutex::new(vec![Writes::default(); blocks.len()]));
    let mut writers = Vec::new();
    for (w, block) in blocks.iter().enumerate() {
        let (client, base_url, block, writes) = (client.clone(), server.base_url.clone(), block.clone(), writes.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let name = format!("区块 {w} 第 {n} 版");
                writes.lock().unwrap()[w].sent.push(name.clone());
                let saved = client
                    .post(format!("{base_url}/api/block_name"))
                    .header("accept", "application/json")
                    .form(&[("block_id", block.as_str()), ("name", name.as_str()), ("group", "crash test")])
                    .send()
                    .await;
                match saved {
                    Ok(response) if response.status().is_success() => writes.lock().unwrap()[w].acknowledged = n + 1,
                    Ok(response) => panic!("saving {name:?} answered {}", response.status()),
                    // The server is gone: this write's fate is unknown, and nothing follows.
                    Err(_) => break,
                }
            }
        }));
    }
    // Let the writers get going, then kill the server while they are mid-request.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if writes.lock().unwrap().iter().all(|w| w.acknowledged >= 5) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill();
    for writer in writers {
        writer.await.expect("a writer ends once the server is gone");
    }
    let writes = writes.lock().unwrap().clone();
    let acknowledged: usize = writes.iter().map(|w| w.acknowledged).sum();
    println!("{acknowledged} block names reported saved before SIGKILL");

    // 2. Restarted on the same store: every acknowledged name is there, final days cost
    //    no call to Feishu.
    let server = ServerProcess::start(&sim, data_dir.path()).await;
    let client = sign_in(&server.base_url).await;
    sim.reset_stats();
    let items = block_access(&client, &server.base_url, from, to).await;
    assert_eq!(numbers(&items), expected, "final days come back exactly");
    assert_eq!(sim.stats().search_requests, 0, "final days were served from the store, not fetched again");
    let mut cut_off_but_stored = 0;
    for (block, w) in blocks.iter().zip(&writes) {
        let stored = items
            .iter()
            .find(|i| i["block_id"] == block.as_str())
            .and_then(|i| i["block_name"].as_str())
            .unwrap_or_else(|| panic!("block {block} lost its name"));
        // The last acknowledged write, or one sent after it whose answer the kill cut off.
        let position = w.sent.iter().position(|n| n == stored).unwrap_or_else(|| panic!("{stored:?} was never sent"));
        assert!(
            position + 1 >= w.acknowledged,
            "block {block}: {stored:?} is older than {:?}, which was reported saved",
            w.sent[w.acknowledged - 1]
        );
        cut_off_but_stored += usize::from(position + 1 > w.acknowledged);
    }
    println!(
        "after the restart: every acknowledged name is there; {cut_off_but_stored} of {} writes cut off by the kill had reached the store",
        writes.len()
    );
    server.kill();

    // 3. The store file damaged with random bytes: detected, set aside, rebuilt; the
    //    server answers correctly (refetching from Feishu) and says what happened.
    let db = data_dir.path().join("block-insights.db");
    let mut file = std::fs::OpenOptions::new().write(true).open(&db).expect("the store file exists");
    file.seek(std::io::SeekFrom::Start(0)).expect("seek");
    file.write_all(&rand::random::<[u8; 4096]>()).expect("damage the store");
    file.sync_all().expect("sync");
    drop(file);

    let server = ServerProcess::start(&sim, data_dir.path()).await;
    let log = server.log_text();
    assert!(log.contains("the store was damaged"), "the rebuild is logged as a warning:\n{log}");
    assert!(log.contains("WARN"), "{log}");
    let files: Vec<String> = std::fs::read_dir(data_dir.path())
        .expect("data dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().any(|f| f.starts_with("block-insights.db.corrupt-")), "the damaged file is kept aside: {files:?}");
    let client = sign_in(&server.base_url).await;
    sim.reset_stats();
    let items = block_access(&client, &server.base_url, from, to).await;
    assert_eq!(numbers(&items), expected, "the rebuilt store answers exactly");
    assert!(sim.stats().search_requests > 0, "the days were fetched again");
    server.kill();
}
