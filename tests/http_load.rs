//! A lean HTTP/1.1 load driver for the benchmarks that measure the server itself
//! (`benches/api_throughput.rs`, `benches/render_soak.rs`): N keep-alive connections,
//! each sending one request after the other, every answer read to its end and judged
//! complete or not, with a bound on how long any one answer may take.
//!
//! Written on hyper's client connection rather than with goose (the load benchmark's
//! driver): goose spends more CPU per request than the server does on a warm JSON
//! answer, and on two cores that would measure the driver. This one costs a few
//! microseconds a request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;

/// One kind of request, and what makes its answer complete.
#[derive(Clone)]
pub struct Target {
    /// Its name in the figures.
    pub name: String,
    /// Path and query.
    pub path: String,
    /// Extra headers (a session cookie, an API token).
    pub headers: Vec<(String, String)>,
    /// True when a 200 answer's body is whole and right (e.g. ends with `</html>`).
    pub complete: fn(&[u8]) -> bool,
}

/// When a run ends.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After this many requests in all.
    Requests(usize),
    /// After this long.
    Duration(Duration),
}

/// What one target came to.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub name: String,
    /// Answers read to their end.
    pub answered: usize,
    /// Answers that were not 200, or whose body was cut off or not complete.
    pub incomplete: usize,
    /// Requests without a whole answer within the bound (the connection is then replaced).
    pub stalled: usize,
    /// Bytes of all bodies.
    pub bytes: u64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Answers per second of the run's wall time.
    pub per_second: f64,
    /// Examples of what was wrong (at most a few).
    pub problems: Vec<String>,
}

impl Figures {
    /// One line for a table of figures.
    pub fn line(&self) -> String {
        format!(
            "{:<34} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>9.1} {:>6} {:>7}",
            self.name,
            self.answered,
            self.per_second,
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.bytes as f64 / self.answered.max(1) as f64 / 1024.0,
            self.incomplete,
            self.stalled,
        )
    }

    /// The header of [`Figures::line`].
    pub fn header() -> String {
        format!(
            "{:<34} {:>8} {:>9} {:>8} {:>8} {:>8} {:>9} {:>6} {:>7}",
            "what", "answers", "req/s", "p50 ms", "p99 ms", "max ms", "KiB each", "incomp", "stalled"
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `connections` connections to `addr`, each taking the next request from
/// `targets` in turn, until `stop`; an answer not whole within `bound` counts as
/// stalled. Answers the figures of each target, in the order given, and of all of them
/// together.
pub async fn drive(
    addr: SocketAddr,
    targets: &[Target],
    connections: usize,
    stop: Stop,
    bound: Duration,
) -> (Vec<Figures>, Figures) {
    let targets = Arc::new(targets.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (targets, next, done) = (targets.clone(), next.clone(), done.clone());
        tasks.spawn(async move {
            let mut seen: Vec<Seen> = targets.iter().map(|_| Seen::default()).collect();
            let mut sender = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let more = match stop {
                    Stop::Requests(n) => i < n,
                    Stop::Duration(d) => started.elapsed() < d,
                };
                if !more {
                    break;
                }
                let t = i % targets.len();
                let outcome = tokio::time::timeout(bound, one(addr, &mut sender, &targets[t])).await;
                let seen = &mut seen[t];
                match outcome {
                    Ok(Ok((took, bytes, whole))) => {
                        seen.latencies.push(took);
                        seen.bytes += bytes;
                        if let Err(problem) = whole {
                            seen.incomplete += 1;
                            seen.problems.push(problem);
                        }
                    }
                    Ok(Err(problem)) => {
                        seen.incomplete += 1;
                        seen.problems.push(problem);
                        sender = None;
                    }
                    Err(_) => {
                        seen.stalled += 1;
                        seen.problems.push(format!("{}: no whole answer within {bound:?}", targets[t].path));
                        sender = None;
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            seen
        });
    }
    let mut all: Vec<Seen> = targets.iter().map(|_| Seen::default()).collect();
    while let Some(seen) = tasks.join_next().await {
        for (total, part) in all.iter_mut().zip(seen.expect("a connection task ran")) {
            total.merge(part);
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let mut total = Seen::default();
    let mut each = Vec::new();
    for (target, seen) in targets.iter().zip(all) {
        each.push(seen.figures(&target.name, wall));
        total.latencies.extend(&seen.latencies);
        total.bytes += seen.bytes;
        total.incomplete += seen.incomplete;
        total.stalled += seen.stalled;
    }
    (each, total.figures("all", wall))
}

#[derive(Default)]
struct Seen {
    latencies: Vec<Duration>,
    bytes: u64,
    incomplete: usize,
    stalled: usize,
    problems: Vec<String>,
}

impl Seen {
    fn merge(&mut self, other: Seen) {
        self.latencies.extend(other.latencies);
        self.bytes += other.bytes;
        self.incomplete += other.incomplete;
        self.stalled += other.stalled;
        self.problems.extend(other.problems.into_iter().take(3));
    }

    fn figures(&self, name: &str, wall: f64) -> Figures {
        let mut latencies = self.latencies.clone();
        latencies.sort();
        let seen = Seen {
            latencies,
            bytes: self.bytes,
            incomplete: self.incomplete,
            stalled: self.stalled,
            problems: self.problems.clone(),
        };
        seen.into_figures(name, wall)
    }

    fn into_figures(mut self, name: &str, wall: f64) -> Figures {
        let at = |q: f64| {
            if self.latencies.is_empty() {
                Duration::ZERO
            } else {
                self.latencies[((self.latencies.len() - 1) as f64 * q).round() as usize]
            }
        };
        self.problems.truncate(5);
        Figures {
            name: name.to_owned(),
            answered: self.latencies.len(),
            incomplete: self.incomplete,
            stalled: self.stalled,
            bytes: self.bytes,
            p50: at(0.5),
            p99: at(0.99),
            max: self.latencies.last().copied().unwrap_or_default(),
            per_second: self.latencies.len() as f64 / wall,
            problems: self.problems,
        }
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

/// One request on the connection (opened first when there is none): how long the
/// whole answer took, its size, and whether it was whole and right.
async fn one(
    addr: SocketAddr,
    sender: &mut Option<Sender>,
    target: &Target,
) -> Result<(Duration, u64, Result<(), String>), String> {
    if sender.as_ref().is_none_or(|s| s.is_closed()) {
        let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).map_err(|e| format!("nodelay: {e}"))?;
        let (send, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        *sender = Some(send);
    }
    let send = sender.as_mut().expect("opened above");
    send.ready().await.map_err(|e| format!("connection not ready: {e}"))?;
    let mut request = Request::get(&target.path).header("host", addr.to_string());
    for (name, value) in &target.headers {
        request = request.header(name, value);
    }
    let request = request.body(Empty::new()).map_err(|e| format!("request: {e}"))?;
    let asked = Instant::now();
    let response = send.send_request(request).await.map_err(|e| format!("{}: {e}", target.path))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| format!("{}: body cut off: {e}", target.path))?.to_bytes();
    let took = asked.elapsed();
    let whole = if status != StatusCode::OK {
        Err(format!("{}: HTTP {status}: {}", target.path, String::from_utf8_lossy(&body[..body.len().min(200)])))
    } else if !(target.complete)(&body) {
        Err(format!("{}: 200 but not complete ({} bytes, ends {:?})", target.path, body.len(), tail(&body)))
    } else {
        Ok(())
    };
    Ok((took, body.len() as u64, whole))
}

fn tail(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[body.len().saturating_sub(60)..]).into_owned()
}
