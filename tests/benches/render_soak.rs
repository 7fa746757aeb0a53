//! Soak of dashboard renders against one server: `SOAK_RENDERS` (default 20,000)
//! signed-in page renders over several views (presets, custom ranges, a block filter,
//! comparisons off and on, the rows tab) in both languages, `SOAK_CONNECTIONS` (default
//! 32) at once. Every answer is read to its end and judged complete: HTTP 200, the
//! whole document (Leptos' closing `__INCOMPLETE_CHUNKS=[]` script), the numbers and
//! no error notice. Prints the count of
//! stalled (no whole answer within 30 s) and incomplete answers, whose goal is 0, and
//! p50/p99 per view; fails if any answer was stalled or incomplete.
//!
//! It is the check on the Suspense wake-up losses reported upstream
//! (leptos-rs/leptos#4698, #4851): a render that loses its wake-up stalls mid-body with
//! no CPU used, which this counts instead of waiting for it.
//!
//! ```sh
//! cargo bench -p block-insights-tests --bench render_soak
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use block_insights_tests::http_load::{Figures, Stop, Target, drive};
use block_insights_tests::{session_cookie, spawn_app};

/// A view the soak loads: its name, its path, and what a complete answer looks like.
type View = (String, String, fn(&[u8]) -> bool);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// How a whole Leptos response ends: after every resolved resource, the list of
/// chunks still incomplete, empty. A stalled one (leptos#4851) stops before it.
fn whole_document(text: &str) -> bool {
    text.trim_end().ends_with("__INCOMPLETE_CHUNKS=[];</script>") && !text.contains("data-testid=\"error\"")
}

/// The whole dashboard with its numbers.
fn dashboard_complete(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    whole_document(&text) && text.contains("data-testid=\"card-pv-value\"")
}

/// The whole rows tab with its table.
fn rows_complete(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    whole_document(&text) && text.contains("data-testid=\"rows\"")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let renders = setting("SOAK_RENDERS", 20_000);
    let connections = setting("SOAK_CONNECTIONS", 32);
    let app = spawn_app().await;
    let addr: SocketAddr = app.base_url.trim_start_matches("http://").parse()?;
    let cookie = vec![("cookie".to_owned(), session_cookie(&app.base_url, feishu_sim::DEMO_ADMIN_OPEN_ID).await)];
    let block = app.sim.dataset().blocks()[3].id.clone();
    let (from, to) = (app.days_ago(75), app.days_ago(20));
    let views: Vec<View> = vec![
        ("last 7 days".into(), "/?range=7d".into(), dashboard_complete),
        ("last 30 days".into(), "/?range=30d".into(), dashboard_complete),
        ("last 90 days".into(), "/?range=90d".into(), dashboard_complete),
        ("custom range".into(), format!("/?from={from}&to={to}"), dashboard_complete),
        ("one block, 30 days".into(), format!("/?range=30d&block={block}"), dashboard_complete),
        ("rows tab, 30 days".into(), "/?range=30d&tab=rows".into(), rows_complete),
    ];
    let mut targets = Vec::new();
    for lang in ["zh", "en"] {
        for (name, path, complete) in &views {
            targets.push(Target {
                name: format!("{name} ({lang})"),
                path: format!("{path}&lang={lang}"),
                headers: cookie.clone(),
                complete: *complete,
            });
        }
    }
    // Warm every view once: the soak measures renders, not Feishu.
    for target in &targets {
        let response = app.http.get(format!("{}{}", app.base_url, target.path)).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        let tail = String::from_utf8_lossy(&body[body.len().saturating_sub(300)..]).into_owned();
        assert!(status == 200 && (target.complete)(&body), "warming {}: HTTP {status}, ends {tail:?}", target.path);
    }

    println!("render soak: {renders} signed-in renders, {connections} connections, {} views", targets.len());
    let started = Instant::now();
    let (figures, total) = drive(addr, &targets, connections, Stop::Requests(renders), Duration::from_secs(30)).await;
    let seconds = started.elapsed().as_secs_f64();
    println!("{}", Figures::header());
    for f in figures.iter().chain([&total]) {
        println!("{}", f.line());
    }
    let (incomplete, stalled) = (total.incomplete, total.stalled);
    println!(
        "total: {} whole answers in {seconds:.1} s ({:.0} renders/s), p50 {:.1} ms, p99 {:.1} ms; {incomplete} incomplete, {stalled} stalled (goal: 0 and 0)",
        total.answered - incomplete,
        total.answered as f64 / seconds,
        total.p50.as_secs_f64() * 1000.0,
        total.p99.as_secs_f64() * 1000.0,
    );
    for f in &figures {
        for problem in &f.problems {
            println!("  {}: {problem}", f.name);
        }
    }
    assert_eq!(incomplete + stalled, 0, "stalled or incomplete renders");
    Ok(())
}
