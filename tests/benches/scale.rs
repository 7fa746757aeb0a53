//! The dashboard at scale (issue 27), driven by `scripts/bench-scale`: the script builds
//! the release server, starts `feishu-sim --blocks N` and the server as processes of
//! their own (so that the server's RSS is its alone), and runs this once per server:
//!
//! - `SCALE_MODE=measure`: signs in through the simulator's login, warms a year (and the
//!   periods the page compares it with) and measures the year's page (size, render time
//!   alone, median of 5), a 30-day page, the JSON API of the year (uncompressed, then what
//!   gzip and brotli add), its CSV, the insights API, the server's RSS warm and after
//!   three years are warm, and, where `SCALE_THROUGHPUT=1`, the 30-day page's throughput
//!   at 64 connections compressed as a browser asks, with `/healthz` in the same run as
//!   the ceiling;
//! - `SCALE_MODE=first_look`: against a server whose background history fetch is on,
//!   waits (at most `SCALE_HISTORY_WAIT_SECS`) until `/metrics` says it is done, then
//!   times the first look at a year; "n/a" when the server has no history fetch;
//! - `SCALE_MODE=table`: prints the figures of every run with the goals beside them.
//!
//! Each run appends one JSON line of figures to `SCALE_OUT`. Not part of the tests.

use std::time::{Duration, Instant};

use block_insights_tests::http_load::{Figures, Stop, Target, drive};
use block_insights_tests::session_cookie;
use chrono::{Days, NaiveDate};
use serde_json::{Map, Value, json};

#[path = "scale/table.rs"]
mod table;

/// Setting `name` from the environment, or why the bench cannot run.
fn setting(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set: run scripts/bench-scale"))
}

/// The figures of one run, appended to `SCALE_OUT`.
type Row = Map<String, Value>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = setting("SCALE_OUT")?;
    let mode = setting("SCALE_MODE")?;
    if mode == "table" {
        let text = std::fs::read_to_string(&out)?;
        let rows: Vec<Row> = text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
        print!("{}", table::render(&rows));
        return Ok(());
    }
    let probe = Probe::connect().await?;
    let row = match mode.as_str() {
        "measure" => probe.measure().await?,
        "first_look" => probe.first_look().await?,
        other => return Err(format!("SCALE_MODE={other}: use measure, first_look or table").into()),
    };
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&out)?;
    std::io::Write::write_all(&mut file, format!("{}\n", Value::Object(row)).as_bytes())?;
    Ok(())
}

/// One signed-in server and the simulator behind it.
struct Probe {
    base: String,
    sim: String,
    pid: u32,
    blocks: usize,
    http: reqwest::Client,
    cookie: String,
    today: NaiveDate,
}

/// One answer, timed from the request to its last byte.
struct Timed {
    took: Duration,
    bytes: Vec<u8>,
}

impl Probe {
    async fn connect() -> Result<Self, Box<dyn std::error::Error>> {
        let (base, sim) = (setting("SCALE_SERVER")?, setting("SCALE_SIM")?);
        let pid: u32 = setting("SCALE_PID")?.parse()?;
        let blocks: usize = setting("SCALE_BLOCKS")?.parse()?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(600)).build()?;
        let health: Value = http.get(format!("{sim}/_sim/health")).send().await?.json().await?;
        let today: NaiveDate = health["today"].as_str().ok_or("the simulator's health names no today")?.parse()?;
        let cookie = session_cookie(&base, feishu_sim::DEMO_ADMIN_OPEN_ID).await;
        Ok(Self { base, sim, pid, blocks, http, cookie, today })
    }

    fn ago(&self, days: u64) -> NaiveDate {
        self.today - Days::new(days)
    }

    /// GET `path` signed in, with `Accept-Encoding: encoding` unless empty; fails on
    /// anything but 200.
    async fn get(&self, path: &str, encoding: &str) -> Result<Timed, Box<dyn std::error::Error>> {
        let mut request = self.http.get(format!("{}{path}", self.base)).header("cookie", &self.cookie);
        if !encoding.is_empty() {
            request = request.header("accept-encoding", encoding);
        }
        let started = Instant::now();
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?.to_vec();
        let took = started.elapsed();
        if status != 200 {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
            return Err(format!("GET {path}: HTTP {status}: {text}").into());
        }
        Ok(Timed { took, bytes })
    }

    /// The median of 5 warm answers of `path`, and the size of the last.
    async fn median_of_5(&self, path: &str, encoding: &str) -> Result<(f64, usize), Box<dyn std::error::Error>> {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let answer = self.get(path, encoding).await?;
            times.push(answer.took);
            size = answer.bytes.len();
        }
        times.sort();
        Ok((ms(times[2]), size))
    }

    /// The server's resident memory now and at its peak, in MB.
    fn rss_mb(&self) -> Result<(f64, f64), Box<dyn std::error::Error>> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let kb = |field: &str| -> f64 {
            let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_default();
            line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        };
        Ok((kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0))
    }

    async fn measure(&self) -> Result<Row, Box<dyn std::error::Error>> {
        let mut row = Row::new();
        row.insert("blocks".into(), json!(self.blocks));
        let (from, to) = (self.ago(366), self.ago(2));
        let year = format!("from_date={from}&to_date={to}");
        let page = format!("/?from={from}&to={to}&lang=en");
        let page_30 = format!("/?from={}&to={to}&lang=en", self.ago(31));
        say(&format!("{} blocks: warming the year {from} – {to} (fetched from the simulator)", self.blocks));
        let cold = self.get(&format!("/api/v1/block-access?{year}"), "").await?;
        let items = serde_json::from_slice::<Value>(&cold.bytes)?["items"].as_array().map_or(0, Vec::len);
        let truth: Value = self.http.get(format!("{}/_sim/ground_truth?{year}", self.sim)).send().await?.json().await?;
        let truth_items = truth["items"].as_array().map_or(0, Vec::len);
        if items != truth_items {
            return Err(format!("the API answered {items} items of the year, the simulator holds {truth_items}").into());
        }
        row.insert("items".into(), json!(items));
        row.insert("cold_year_ms".into(), json!(ms(cold.took)));
        let first_page = self.get(&page, "").await?;
        let text = String::from_utf8_lossy(&first_page.bytes);
        if !text.contains("data-testid=\"card-pv-value\"") {
            return Err("the year's page has no numbers (is the admin signed in?)".into());
        }
        self.get(&page_30, "").await?;
        let insights = format!("/api/v1/insights?{year}");
        self.get(&insights, "").await?;

        say("measuring the page, the API, the CSV and the insights (warm, median of 5)");
        let (render, html) = self.median_of_5(&page, "").await?;
        let (_, html_br) = self.median_of_5(&page, "br").await?;
        let (render_30, html_30) = self.median_of_5(&page_30, "").await?;
        row.insert("page_kb".into(), json!(kb(html)));
        row.insert("page_br_kb".into(), json!(kb(html_br)));
        row.insert("render_ms".into(), json!(render));
        row.insert("render_30_ms".into(), json!(render_30));
        row.insert("page_30_kb".into(), json!(kb(html_30)));
        let json_path = format!("/api/v1/block-access?{year}");
        for (key, encoding) in [("json", ""), ("json_gzip", "gzip"), ("json_br", "br")] {
            let (took, size) = self.median_of_5(&json_path, encoding).await?;
            row.insert(format!("{key}_ms"), json!(took));
            row.insert(format!("{key}_kb"), json!(kb(size)));
        }
        let (csv, csv_size) = self.median_of_5(&format!("/api/v1/block-access.csv?{year}"), "").await?;
        row.insert("csv_ms".into(), json!(csv));
        row.insert("csv_kb".into(), json!(kb(csv_size)));
        let (insights_ms, _) = self.median_of_5(&insights, "").await?;
        row.insert("insights_ms".into(), json!(insights_ms));
        let (rss, peak) = self.rss_mb()?;
        row.insert("rss_mb".into(), json!(rss));
        row.insert("rss_peak_mb".into(), json!(peak));

        if std::env::var("SCALE_THROUGHPUT").as_deref() == Ok("1") {
            self.throughput(&page_30, &mut row).await?;
        }

        say("warming three years (the longest range a query may ask for)");
        let three_years = format!("/api/v1/block-access?from_date={}&to_date={to}", self.ago(1097));
        let warmed = self.get(&three_years, "").await?;
        row.insert("cold_3y_ms".into(), json!(ms(warmed.took)));
        let (rss, peak) = self.rss_mb()?;
        row.insert("rss_3y_mb".into(), json!(rss));
        row.insert("rss_3y_peak_mb".into(), json!(peak));
        Ok(row)
    }

    /// The 30-day page at 64 connections as a browser asks for it, then `/healthz` as
    /// the ceiling of what server and driver manage here.
    async fn throughput(&self, page_30: &str, row: &mut Row) -> Result<(), Box<dyn std::error::Error>> {
        let secs: u64 = std::env::var("SCALE_THROUGHPUT_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
        let addr = self.base.trim_start_matches("http://").parse()?;
        let browser = vec![("cookie".to_owned(), self.cookie.clone()), ("accept-encoding".to_owned(), "br, gzip".to_owned())];
        let targets = [
            (
                "throughput",
                Target { name: "page".into(), path: page_30.to_owned(), headers: browser, complete: |b| !b.is_empty() },
            ),
            (
                "healthz",
                Target { name: "/healthz".into(), path: "/healthz".into(), headers: Vec::new(), complete: |b| !b.is_empty() },
            ),
        ];
        say(&format!("page throughput: 64 connections, {secs} s each for the page and /healthz"));
        for (key, target) in targets {
            let (_, f) = drive(addr, &[target], 64, Stop::Duration(Duration::from_secs(secs)), Duration::from_secs(30)).await;
            println!("{}\n{}", Figures::header(), f.line());
            if f.incomplete + f.stalled > 0 {
                return Err(format!("{key}: {} incomplete, {} stalled: {:?}", f.incomplete, f.stalled, f.problems).into());
            }
            row.insert(format!("{key}_rps"), json!(f.per_second));
            row.insert(format!("{key}_p99_ms"), json!(ms(f.p99)));
        }
        Ok(())
    }

    async fn first_look(&self) -> Result<Row, Box<dyn std::error::Error>> {
        let mut row = Row::new();
        row.insert("blocks".into(), json!(self.blocks));
        let wait: u64 = std::env::var("SCALE_HISTORY_WAIT_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(900);
        let started = Instant::now();
        say(&format!("{} blocks: waiting for the background history fetch (at most {wait} s)", self.blocks));
        let state = loop {
            let metrics = self.http.get(format!("{}/metrics", self.base)).send().await?.text().await?;
            let state = metrics
                .lines()
                .filter(|l| l.starts_with("block_insights_history_state{") && l.ends_with(" 1"))
                .find_map(|l| l.split('"').nth(1))
                .map(str::to_owned);
            match state.as_deref() {
                None if !metrics.contains("block_insights_history_state") => {
                    break "n/a: this server has no history fetch".to_owned();
                }
                Some("done") => break "done".to_owned(),
                Some(s @ ("off" | "failed" | "quota_reached" | "share_spent")) => break format!("n/a: the history fetch is {s}"),
                _ if started.elapsed() > Duration::from_secs(wait) => break format!("n/a: not done within {wait} s"),
                _ => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        };
        if state != "done" {
            say(&state);
            row.insert("first_look".into(), json!(state));
            return Ok(row);
        }
        row.insert("history_s".into(), json!(started.elapsed().as_secs_f64()));
        let page = format!("/?from={}&to={}&lang=en", self.ago(366), self.ago(2));
        let look = self.get(&page, "").await?;
        row.insert("first_look_ms".into(), json!(ms(look.took)));
        Ok(row)
    }
}

fn say(what: &str) {
    eprintln!("  · {what}");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}
