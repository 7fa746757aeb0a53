//! Warm API throughput: `/api/v1/block-access` as JSON and as CSV over 30 and 365 days
//! (all blocks, every day already held), and `/healthz` in the same run as the ceiling
//! of what the server and the driver manage on this machine. 64 keep-alive connections
//! (`API_BENCH_CONNECTIONS`), `API_BENCH_SECS` seconds a row (default 8). Prints
//! answers per second and p50/p99 per kind; asserts only that every answer was whole.
//!
//! ```sh
//! cargo bench -p block-insights-tests --bench api_throughput
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use block_insights_tests::http_load::{Figures, Stop, Target, drive};
use block_insights_tests::spawn_app;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn json_complete(body: &[u8]) -> bool {
    body.starts_with(b"{\"items\":[") && body.ends_with(b"]}")
}

fn csv_complete(body: &[u8]) -> bool {
    body.starts_with("\u{feff}date,".as_bytes()) && body.ends_with(b"\n")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connections = setting("API_BENCH_CONNECTIONS", 64) as usize;
    let seconds = setting("API_BENCH_SECS", 8);
    let app = spawn_app().await;
    let addr: SocketAddr = app.base_url.trim_start_matches("http://").parse()?;

    // A token for scripts, created on the dashboard as an admin would.
    let created = app
        .http
        .post(format!("{}/api/token_create", app.base_url))
        .form(&[("name", "throughput bench")])
        .header("accept", "application/json")
        .send()
        .await?
        .error_for_status()?;
    let token: String = created.json().await?;
    let auth = vec![("authorization".to_owned(), format!("Bearer {token}"))];

    let mut targets =
        vec![Target { name: "/healthz".into(), path: "/healthz".into(), headers: Vec::new(), complete: |b| b.ends_with(b"}") }];
    for days in [30u64, 365] {
        let (from, to) = (app.days_ago(days + 1), app.days_ago(2));
        let rows = app.sim.dataset().ground_truth(from, to, None).len();
        // Warm: every day fetched once, held in memory from then on.
        let warm = app.http.get(format!("{}/api/v1/block-access?from_date={from}&to_date={to}", app.base_url)).send().await?;
        assert_eq!(warm.status(), 200, "warming {days} days");
        for (format, suffix, complete) in [("JSON", "", json_complete as fn(&[u8]) -> bool), ("CSV", ".csv", csv_complete)] {
            targets.push(Target {
                name: format!("{days} days as {format} ({rows} rows)"),
                path: format!("/api/v1/block-access{suffix}?from_date={from}&to_date={to}"),
                headers: auth.clone(),
                complete,
            });
        }
    }
    let searches_before = app.sim.stats().search_requests;

    println!("warm API throughput: {connections} connections, {seconds} s per kind, server and driver on the same 2 cores");
    println!("{}", Figures::header());
    let mut all = Vec::new();
    for target in &targets {
        let (_, figures) = drive(
            addr,
            std::slice::from_ref(target),
            connections,
            Stop::Duration(Duration::from_secs(seconds)),
            Duration::from_secs(30),
        )
        .await;
        println!("{}", Figures { name: target.name.clone(), ..figures.clone() }.line());
        all.push(Figures { name: target.name.clone(), ..figures });
    }
    let (json30, csv30, json365, csv365) = (&all[1], &all[2], &all[3], &all[4]);
    println!(
        "goals: 30-day JSON ≥ 5,000 req/s ({:.0}), 365-day JSON ≥ 500 req/s ({:.0}), JSON never slower than CSV ({:.2}× and {:.2}×)",
        json30.per_second,
        json365.per_second,
        json30.per_second / csv30.per_second,
        json365.per_second / csv365.per_second,
    );
    let searches = app.sim.stats().search_requests - searches_before;
    println!("Feishu searches during the run: {searches} (warm: expected 0)");
    for f in &all {
        assert_eq!(f.incomplete + f.stalled, 0, "{}: {:?}", f.name, f.problems);
    }
    Ok(())
}
