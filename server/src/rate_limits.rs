//! Limits on the rate of work, not only its size (governor's keyed GCRA limiters):
//!
//! - **Sign-in** (the guard's [`crate::paths::Access::SignIn`]: `/login`, `/auth/callback`,
//!   `/auth/jssdk`, `/logout`, `/signed-out`, `/csp-report`): per client address,
//!   `DASHBOARD_SIGN_IN_PER_MINUTE` (30 by default). A script that floods the sign-in
//!   pages is told to slow down long before it can hurt Feishu's login or the logs.
//! - **Data** (every other route past the sign-in guard: pages, exports, the API, the
//!   islands' fetches, server functions): per signed-in person (all their sessions
//!   together) and per API token, `DASHBOARD_REQUESTS_PER_MINUTE` (600 by default: a
//!   page with its charts and progress feed is some 10 requests, so this is far above a
//!   person's use and far below a loop's).
//!
//! Each limit allows its whole minute's count as a burst and refills evenly. Past it the
//! answer is 429 with `Retry-After` (whole seconds, rounded up) and a sentence saying
//! when to try again: JSON for machines, text for people. `0` turns a limit off. The
//! limits and the refusals are in `/metrics`. The limits are per replica: behind a
//! load balancer with `n` replicas a client may get up to `n` times as much, which is
//! still bounded; a reverse proxy's own limits are the place for a global cap (README,
//! Security).
//!
//! The client address is the TCP peer's, or, with `DASHBOARD_CLIENT_IP_HEADER` set (a
//! reverse proxy that writes it, e.g. `X-Real-IP`), the last address in that header.
//! Without that setting, behind a proxy every visitor shares the proxy's address.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use crate::paths::{Access, access};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus::{IntCounterVec, IntGaugeVec, Opts, Registry};
use use_cases::error::AppError;
use use_cases::state::SessionUser;

/// Who a data request is counted against: set by the sign-in guard.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// A signed-in person, by open_id.
    Person(String),
    /// An API token, by its id.
    Token(String),
    /// A client address (the sign-in routes).
    Address(IpAddr),
}

/// The limits' settings, from the environment.
#[derive(Clone, Debug)]
pub struct RateSettings {
    /// Sign-in requests per client address per minute; `None` for no limit.
    pub sign_in_per_minute: Option<NonZeroU32>,
    /// Data requests per person or token per minute; `None` for no limit.
    pub requests_per_minute: Option<NonZeroU32>,
    /// The header a reverse proxy writes the client's address in, if any.
    pub client_ip_header: Option<HeaderName>,
}

impl Default for RateSettings {
    fn default() -> Self {
        Self { sign_in_per_minute: NonZeroU32::new(30), requests_per_minute: NonZeroU32::new(600), client_ip_header: None }
    }
}

/// The limiters, shared by every request of this replica.
pub struct RateLimits {
    settings: RateSettings,
    sign_in: Option<DefaultKeyedRateLimiter<RateKey>>,
    data: Option<DefaultKeyedRateLimiter<RateKey>>,
    refused: IntCounterVec,
}

/// Which limit a request falls under.
#[derive(Clone, Copy)]
enum Limit {
    SignIn,
    Data,
}

impl Limit {
    fn label(self) -> &'static str {
        match self {
            Limit::SignIn => "sign_in",
            Limit::Data => "data",
        }
    }
}

impl RateLimits {
    /// The limiters of `settings`, with their metrics registered in `registry`.
    pub fn new(settings: RateSettings, registry: &Registry) -> Arc<Self> {
        let limiter = |per_minute: Option<NonZeroU32>| per_minute.map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        let refused = IntCounterVec::new(
            Opts::new(
                "dashboard_rate_limited_total",
                "Requests answered 429 because their client went past a rate limit, by limit",
            ),
            &["limit"],
        )
        .expect("a valid metric");
        let configured = IntGaugeVec::new(
            Opts::new("dashboard_rate_limit_per_minute", "The configured rate limits, requests per minute per key (0: no limit)"),
            &["limit"],
        )
        .expect("a valid metric");
        for (limit, value) in [(Limit::SignIn, settings.sign_in_per_minute), (Limit::Data, settings.requests_per_minute)] {
            configured.with_label_values(&[limit.label()]).set(value.map_or(0, |n| i64::from(n.get())));
            refused.with_label_values(&[limit.label()]);
        }
        // A second registration (several servers in one test process) is harmless.
        let _ = registry.register(Box::new(refused.clone()));
        let _ = registry.register(Box::new(configured));
        Arc::new(Self {
            sign_in: limiter(settings.sign_in_per_minute),
            data: limiter(settings.requests_per_minute),
            settings,
            refused,
        })
    }

    /// Forgets keys that have been idle long enough to be full again, every minute, so
    /// that the limiters' memory follows the active clients, not every client ever seen.
    pub fn spawn_cleanup(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let limits = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(limits) = limits.upgrade() else { return };
                for limiter in [&limits.sign_in, &limits.data].into_iter().flatten() {
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                }
            }
        })
    }

    /// The client's address: the proxy's header when configured, else the TCP peer.
    fn client_address(&self, request: &Request) -> Option<IpAddr> {
        if let Some(name) = &self.settings.client_ip_header {
            let forwarded = request
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return forwarded;
            }
        }
        request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
    }

    /// The limit and key a request is counted under, if any.
    fn classify(&self, request: &Request) -> Option<(Limit, RateKey)> {
        // The guard's list: health, readiness and metrics (probes and scrapers call them
        // on a schedule) and the static bundle are never limited.
        match access(request.uri().path()) {
            Access::Open => return None,
            Access::SignIn => return Some((Limit::SignIn, RateKey::Address(self.client_address(request)?))),
            Access::Protected => {}
        }
        if let Some(key) = request.extensions().get::<RateKey>() {
            return Some((Limit::Data, key.clone()));
        }
        request.extensions().get::<SessionUser>().map(|user| (Limit::Data, RateKey::Person(user.open_id.clone())))
    }

    /// How long the key must wait, if it went past its limit.
    fn wait(&self, limit: Limit, key: &RateKey) -> Option<Duration> {
        let limiter = match limit {
            Limit::SignIn => self.sign_in.as_ref()?,
            Limit::Data => self.data.as_ref()?,
        };
        limiter.check_key(key).err().map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Counts the request against its limit; 429 past it. Put it inside the sign-in guard,
/// which says who the request is from.
pub async fn enforce(State(limits): State<Arc<RateLimits>>, request: Request, next: Next) -> Response {
    let Some((limit, key)) = limits.classify(&request) else {
        return next.run(request).await;
    };
    let Some(wait) = limits.wait(limit, &key) else {
        return next.run(request).await;
    };
    limits.refused.with_label_values(&[limit.label()]).inc();
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    tracing::warn!(limit = limit.label(), key = ?redacted(&key), retry_after_secs = seconds, "rate limit reached; answered 429");
    let per_minute = match limit {
        Limit::SignIn => limits.settings.sign_in_per_minute,
        Limit::Data => limits.settings.requests_per_minute,
    }
    .map_or(0, NonZeroU32::get);
    let whose = match limit {
        Limit::SignIn => "sign-in requests from this address",
        Limit::Data => "requests from this person or API token",
    };
    let message =
        format!("too many requests: the dashboard takes at most {per_minute} {whose} a minute; try again in {seconds} s");
    let path = request.uri().path();
    let machine = crate::paths::answers_machines(path);
    let mut response = crate::limits::answer(machine, AppError::RateLimited { message, retry_after_secs: seconds });
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// A key as the log may show it: an API token's id and a person's open_id are not
/// secrets, but neither needs to be in a warning about load.
fn redacted(key: &RateKey) -> &'static str {
    match key {
        RateKey::Person(_) => "person",
        RateKey::Token(_) => "api token",
        RateKey::Address(_) => "address",
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use axum::Router;
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{HeaderName, Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn router(limits: Arc<RateLimits>) -> Router {
        Router::new()
            .route("/login", get(|| async { "login" }))
            .route("/api/v1/block-access", get(|| async { "data" }))
            .route("/healthz", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(limits, enforce))
    }

    fn from(address: [u8; 4], path: &str, key: Option<RateKey>) -> Request<Body> {
        let mut request = Request::get(path).body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 40000))));
        if let Some(key) = key {
            request.extensions_mut().insert(key);
        }
        request
    }

    fn settings(sign_in: u32, data: u32) -> RateSettings {
        RateSettings {
            sign_in_per_minute: NonZeroU32::new(sign_in),
            requests_per_minute: NonZeroU32::new(data),
            client_ip_header: None,
        }
    }

    #[tokio::test]
    async fn each_address_and_each_key_has_its_own_allowance() {
        let limits = RateLimits::new(settings(3, 2), &Registry::new());
        let app = router(limits.clone());
        for _ in 0..3 {
            assert_eq!(app.clone().oneshot(from([10, 0, 0, 1], "/login", None)).await.unwrap().status(), 200);
        }
        let refused = app.clone().oneshot(from([10, 0, 0, 1], "/login", None)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=20).contains(&retry), "a 3-a-minute limit frees a request within 20 s: {retry}");
        assert_eq!(app.clone().oneshot(from([10, 0, 0, 2], "/login", None)).await.unwrap().status(), 200, "another address");

        let token = || Some(RateKey::Token("t1".into()));
        for _ in 0..2 {
            assert_eq!(app.clone().oneshot(from([10, 0, 0, 1], "/api/v1/block-access", token())).await.unwrap().status(), 200);
        }
        let refused = app.clone().oneshot(from([10, 0, 0, 1], "/api/v1/block-access", token())).await.unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        let body = http_body_util::BodyExt::collect(refused.into_body()).await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["kind"], "rate_limited");
        assert!(body["error"]["message"].as_str().unwrap().contains("at most 2 requests"), "{body}");
        let other = Some(RateKey::Token("t2".into()));
        assert_eq!(app.clone().oneshot(from([10, 0, 0, 1], "/api/v1/block-access", other)).await.unwrap().status(), 200);
        for _ in 0..10 {
            assert_eq!(
                app.clone().oneshot(from([10, 0, 0, 1], "/healthz", None)).await.unwrap().status(),
                200,
                "probes are free"
            );
        }
        assert_eq!(limits.refused.with_label_values(&["sign_in"]).get(), 1);
        assert_eq!(limits.refused.with_label_values(&["data"]).get(), 1);
    }

    #[tokio::test]
    async fn a_proxy_header_names_the_client_when_configured() {
        let mut s = settings(1, 0);
        s.client_ip_header = Some(HeaderName::from_static("x-real-ip"));
        let app = router(RateLimits::new(s, &Registry::new()));
        let behind = |client: &str| {
            let mut r = from([127, 0, 0, 1], "/login", None);
            r.headers_mut().insert("x-real-ip", client.parse().unwrap());
            r
        };
        assert_eq!(app.clone().oneshot(behind("203.0.113.7")).await.unwrap().status(), 200);
        assert_eq!(app.clone().oneshot(behind("203.0.113.8")).await.unwrap().status(), 200, "one proxy, two clients");
        assert_eq!(app.clone().oneshot(behind("203.0.113.7")).await.unwrap().status(), 429);
        let no_limit = Some(RateKey::Person("ou_1".into()));
        for _ in 0..5 {
            let r = app.clone().oneshot(from([127, 0, 0, 1], "/api/v1/block-access", no_limit.clone())).await.unwrap();
            assert_eq!(r.status(), 200, "0 turns the data limit off");
        }
    }
}
