//! Page weight and server-side render time of the dashboard. Prints figures; asserts nothing.
//!
//! Build the release site first (`cargo leptos build --release`), then
//! `cargo bench -p server --bench page`. It starts the real server in demo mode on a free
//! port, fetches the page and its assets with `Accept-Encoding: br` and `gzip` (what a
//! browser receives through the server's compression), and times the dashboard's server
//! render with warm data.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use leptos::config::LeptosOptions;
use server::{Application, Config};

const RENDERS: usize = 300;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let site_root = if std::path::Path::new(&site_root).exists() { site_root } else { format!("../{site_root}") };
    let options = LeptosOptions::builder()
        .output_name("block-insights")
        .site_root(site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let data = tempfile::tempdir()?;
    let app = Application::build(Config::demo(data.path().to_path_buf()), options).await?;
    let base = format!("http://{}", app.addr());
    let server = tokio::spawn(app.run(std::future::pending()));
    let http = signed_in(&base).await?;
    let page = "/?range=30d&lang=en";

    // Warm the cache (first fetch goes to the simulator), then time renders.
    let first = http.get(format!("{base}{page}")).send().await?.error_for_status()?.text().await?;
    assert!(first.contains("data-testid=\"blocks-table\""), "the dashboard with its block table, not a sign-in page");
    let mut times = Vec::with_capacity(RENDERS);
    for _ in 0..RENDERS {
        let started = Instant::now();
        let body = http.get(format!("{base}{page}")).send().await?.bytes().await?;
        times.push(started.elapsed());
        assert!(!body.is_empty());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!("server-side render of {page} (warm data, {RENDERS} requests over loopback, uncompressed):");
    println!("  p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   (goal: p50 < 20 ms)", ms(pct(0.5)), ms(pct(0.9)), ms(pct(0.99)));

    println!("\ncompressed transfer sizes (site root {site_root}):");
    // The assets as the page names them (with their content hash when the build hashes).
    let named = |ext: &str| {
        first
            .split('"')
            .find(|part| part.starts_with("/pkg/") && part.ends_with(ext))
            .map_or_else(|| format!("/pkg/block-insights{ext}"), str::to_owned)
    };
    let assets = [("HTML", page.to_owned()), ("CSS", named(".css")), ("JS", named(".js")), ("WASM", named(".wasm"))];
    let mut totals = [0usize; 3];
    println!("  {:<5} {:>10} {:>10} {:>10}", "", "raw", "gzip", "brotli");
    for (name, path) in assets {
        let mut sizes = [0usize; 3];
        for (i, encoding) in ["identity", "gzip", "br"].into_iter().enumerate() {
            let response = http.get(format!("{base}{path}")).header("accept-encoding", encoding).send().await?;
            if !response.status().is_success() {
                println!("  {name}: {path} answered {} — build the site first", response.status());
                break;
            }
            sizes[i] = response.bytes().await?.len();
        }
        println!("  {:<5} {:>9.1}K {:>9.1}K {:>9.1}K", name, kb(sizes[0]), kb(sizes[1]), kb(sizes[2]));
        for i in 0..3 {
            totals[i] += sizes[i];
        }
    }
    println!(
        "  {:<5} {:>9.1}K {:>9.1}K {:>9.1}K   (goal: under 300 KB compressed)",
        "total",
        kb(totals[0]),
        kb(totals[1]),
        kb(totals[2])
    );
    server.abort();
    Ok(())
}

/// Signs in as the demo admin through the real flow (dashboard, the simulator's
/// authorize page, the callback); answers a client holding the session cookie.
async fn signed_in(base: &str) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let location = |response: &reqwest::Response| -> Result<String, Box<dyn std::error::Error>> {
        Ok(response.headers().get("location").ok_or("a redirect was expected")?.to_str()?.to_owned())
    };
    let authorize = location(&http.get(format!("{base}/login?next=/")).send().await?)?;
    let callback = location(&http.get(format!("{authorize}&login_hint={}", feishu_sim::DEMO_ADMIN_OPEN_ID)).send().await?)?;
    http.get(&callback).send().await?.error_for_status()?;
    Ok(http)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}
