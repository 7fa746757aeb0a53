//! Crash safety of the real `server` binary, run as a child process against an
//! in-process Feishu simulator: killing it with SIGKILL in the middle of writes loses
//! nothing it had reported as saved, final days come back from the store without a call
//! to Feishu, and a damaged store is detected, set aside and rebuilt.

use std::io::{Seek, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feishu_sim::{SimConfig, Simulator};

mod common;

use common::{ServerProcess, block_access, numbers, sign_in, truth};

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
                    .form(&[("block_id", block.as_str()), ("name", name.as_str()), ("workplace", "crash test")])
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
