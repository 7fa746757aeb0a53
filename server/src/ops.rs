//! Operations: `/healthz` (the process answers), `/readyz` (a Feishu tenant token can
//! be had and the store answers a query) and `/metrics` (Prometheus text exposition).
//! Anyone may fetch them (the sign-in guard lets them through), so they carry counts
//! only: no block id, no page view or user number, no secret.

use std::sync::Arc;
use std::time::Duration;

use access_data::AccessService;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use feishu::FeishuClient;
use prometheus::{Counter, Encoder, Gauge, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};
use serde::Serialize;
use serde_json::json;

/// How long readiness waits for each check: well within a probe's usual timeout.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// What the operations routes read. Cheap to clone.
#[derive(Clone)]
pub struct OpsState {
    /// The Feishu client: its tenant token (readiness) and traffic counters.
    pub client: FeishuClient,
    /// The access-data service: its cache counters, store and monthly quota.
    pub service: Arc<AccessService>,
    /// HTTP answers counted by [`count_requests`].
    pub http: HttpMetrics,
}

/// The dashboard's HTTP answers by status code, counted as they leave.
#[derive(Clone)]
pub struct HttpMetrics {
    registry: Registry,
    by_status: IntCounterVec,
}

impl HttpMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let by_status = IntCounterVec::new(
            Opts::new("block_insights_http_requests_total", "HTTP requests answered, by status code."),
            &["status"],
        )
        .expect("a valid metric");
        registry.register(Box::new(by_status.clone())).expect("registered once");
        Self { registry, by_status }
    }
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpMetrics {
    /// The registry `/metrics` shows, for other parts of the server to add their own.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

/// Middleware: counts every answer by its status (the label set stays small: only the
/// codes the dashboard sends).
pub async fn count_requests(State(http): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    http.by_status.with_label_values(&[response.status().as_str()]).inc();
    response
}

/// `/healthz`, `/readyz` and `/metrics`.
pub fn routes(state: OpsState) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics)).with_state(state)
}

fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// Alive: the process serves requests. Checks nothing else, so that a Feishu outage
/// never gets the dashboard restarted.
async fn healthz() -> Response {
    (no_store(), Json(json!({ "status": "ok" }))).into_response()
}

/// One readiness check's outcome. Anyone may read it, so a failure is said in fixed
/// words naming the dependency and what to check; the error itself goes to the log.
#[derive(Serialize)]
struct Check {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

impl Check {
    /// The outcome of the check of `dependency`, with `failed` as its words on failure.
    fn from<T, E: std::fmt::Display>(
        dependency: &str,
        failed: &'static str,
        outcome: Result<Result<T, E>, tokio::time::error::Elapsed>,
    ) -> Self {
        match outcome {
            Ok(Ok(_)) => Check { ok: true, error: None },
            Ok(Err(error)) => {
                tracing::warn!(dependency, %error, "readiness check failed");
                Check { ok: false, error: Some(failed) }
            }
            Err(_) => {
                tracing::warn!(dependency, timeout_secs = CHECK_TIMEOUT.as_secs(), "readiness check timed out");
                Check { ok: false, error: Some("no answer within 5 seconds; the log has the details") }
            }
        }
    }
}

/// Ready: a tenant token can be had (the cached one, or a new one from Feishu) and the
/// store answers a small query. 200 with the checks, or 503 naming the failed ones.
async fn readyz(State(ops): State<OpsState>) -> Response {
    let month = access_data::month_key(ops.service.today());
    let (token, store) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, ops.client.tenant_token()),
        tokio::time::timeout(CHECK_TIMEOUT, ops.service.store().upstream_calls(&month)),
    );
    let token = Check::from(
        "feishu_tenant_token",
        "Feishu gave no tenant token: check FEISHU_APP_ID, FEISHU_APP_SECRET and FEISHU_BASE_URL; the log has Feishu's answer",
        token,
    );
    let store = Check::from("store", "the store did not answer a query; the log has the cause", store);
    let ready = token.ok && store.ok;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "checks": { "feishu_tenant_token": token, "store": store },
    });
    (status, no_store(), Json(body)).into_response()
}

/// Prometheus text exposition: the HTTP counters, and a snapshot of the Feishu
/// client's, the cache's and the quota's counters taken now.
async fn metrics(State(ops): State<OpsState>) -> Response {
    let snapshot = match snapshot(&ops).await {
        Ok(registry) => registry,
        Err(error) => {
            tracing::error!(%error, "could not gather the metrics");
            return (StatusCode::INTERNAL_SERVER_ERROR, no_store(), "could not gather the metrics\n").into_response();
        }
    };
    let mut families = ops.http.registry.gather();
    families.extend(snapshot.gather());
    families.sort_by(|a, b| a.name().cmp(b.name()));
    let encoder = TextEncoder::new();
    let mut body = Vec::with_capacity(4096);
    if let Err(error) = encoder.encode(&families, &mut body) {
        tracing::error!(%error, "could not encode the metrics");
        return (StatusCode::INTERNAL_SERVER_ERROR, no_store(), "could not encode the metrics\n").into_response();
    }
    let content_type = HeaderValue::from_str(encoder.format_type()).unwrap_or(HeaderValue::from_static("text/plain"));
    (no_store(), [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A registry holding the values of this moment. Counters that live elsewhere (the
/// client, the cache, the store) are copied into fresh metrics at each scrape.
async fn snapshot(ops: &OpsState) -> Result<Registry, prometheus::Error> {
    let registry = Registry::new();
    let client = ops.client.metrics();
    let cache = ops.service.cache_stats().await;
    let quota = ops.service.quota().await;

    let by_code = IntCounterVec::new(
        Opts::new(
            "block_insights_feishu_requests_total",
            "Search requests sent to Feishu (retries included), by endpoint (block_access, workplace_access, \
             custom_workplace_access) and the code Feishu answered: 0 success, -1 no answer (connection or timeout), \
             -2 an answer without a code.",
        ),
        &["endpoint", "code"],
    )?;
    for (endpoint, by_endpoint) in &client.requests_by_endpoint {
        for (code, count) in by_endpoint {
            by_code.with_label_values(&[endpoint, code.to_string().as_str()]).inc_by(*count);
        }
    }
    registry.register(Box::new(by_code))?;

    let counter = |name: &str, help: &str, value: u64| -> Result<(), prometheus::Error> {
        let metric = IntCounter::new(name, help)?;
        metric.inc_by(value);
        registry.register(Box::new(metric))
    };
    counter(
        "block_insights_feishu_retries_total",
        "Requests to Feishu sent again after a transient failure, a rate limit or a rejected token.",
        client.retries,
    )?;
    counter("block_insights_feishu_token_fetches_total", "Requests for a tenant access token.", client.token_fetches)?;
    counter("block_insights_cache_hits_total", "Day lookups answered from memory.", cache.hits)?;
    counter("block_insights_cache_misses_total", "Day lookups memory could not answer.", cache.misses)?;
    counter(
        "block_insights_cache_evictions_total",
        "Days pushed out of memory to stay within DASHBOARD_CACHE_MB.",
        cache.evictions,
    )?;

    let rate_wait = Counter::new(
        "block_insights_feishu_rate_wait_seconds_total",
        "Time requests spent waiting for the rate budget (FEISHU_MAX_REQUESTS_PER_SECOND), summed.",
    )?;
    rate_wait.inc_by(client.rate_wait_total.as_secs_f64());
    registry.register(Box::new(rate_wait))?;

    let gauge = |name: &str, help: &str, value: i64| -> Result<(), prometheus::Error> {
        let metric = IntGauge::new(name, help)?;
        metric.set(value);
        registry.register(Box::new(metric))
    };
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let pace = IntGaugeVec::new(
        Opts::new(
            "block_insights_feishu_requests_per_second",
            "Requests per second the client sends now to each endpoint it used: FEISHU_MAX_REQUESTS_PER_SECOND, \
             or less while Feishu refuses more.",
        ),
        &["endpoint"],
    )?;
    for (endpoint, rate) in &client.requests_per_window {
        pace.with_label_values(&[endpoint]).set(i64::from(*rate));
    }
    registry.register(Box::new(pace))?;
    gauge("block_insights_cache_entries", "Days held in memory now.", clamp(cache.entries))?;
    gauge("block_insights_cache_bytes", "Approximate bytes held in memory now.", clamp(cache.weighted_bytes))?;
    gauge(
        "block_insights_feishu_calls_this_month",
        "Calls to Feishu counted this calendar month (tenant's time zone), against FEISHU_MONTHLY_QUOTA.",
        clamp(quota.used),
    )?;
    if let Some(limit) = quota.limit {
        gauge("block_insights_feishu_monthly_quota", "FEISHU_MONTHLY_QUOTA: most calls to Feishu a month.", clamp(limit))?;
    }
    gauge(
        "block_insights_feishu_quota_reached",
        "1 while the monthly quota is used up (the limit, or Feishu answered 99991403): no calls to Feishu until next month.",
        i64::from(quota.reached()),
    )?;

    let history = ops.service.history_status();
    gauge(
        "block_insights_history_months_done",
        "Months of the history window (DASHBOARD_HISTORY_MONTHS) whose final days the store holds for all three data sets.",
        i64::from(history.months_done),
    )?;
    gauge(
        "block_insights_history_months_total",
        "Months in the history window (DASHBOARD_HISTORY_MONTHS; 0: off).",
        i64::from(history.months_total),
    )?;
    gauge(
        "block_insights_history_requests_per_second",
        "Requests per second the history fetch may send (DASHBOARD_HISTORY_RATE_PERCENT of FEISHU_MAX_REQUESTS_PER_SECOND).",
        i64::from(history.requests_per_second),
    )?;
    if let Some(cap) = history.call_cap {
        gauge(
            "block_insights_history_call_cap",
            "This month's count of calls up to which the history fetch may call (DASHBOARD_HISTORY_QUOTA_PERCENT of FEISHU_MONTHLY_QUOTA).",
            clamp(cap),
        )?;
    }
    counter(
        "block_insights_history_days_fetched_total",
        "Days (of one data set each) this replica's history fetch got from Feishu.",
        history.days_fetched,
    )?;
    counter("block_insights_history_calls_total", "Calls this replica's history fetch sent to Feishu.", history.calls)?;
    let state = IntGaugeVec::new(
        Opts::new(
            "block_insights_history_state",
            "1 for the history fetch's state now: off, starting, running, elsewhere (another replica runs it), done, \
             share_spent (its share of FEISHU_MONTHLY_QUOTA is used this month), quota_reached or failed.",
        ),
        &["state"],
    )?;
    for name in access_data::HistoryState::NAMES {
        state.with_label_values(&[name]).set(i64::from(name == history.state.name()));
    }
    registry.register(Box::new(state))?;

    let ratio = Gauge::new(
        "block_insights_cache_hit_ratio",
        "Share of day lookups answered from memory since start (0 before the first lookup).",
    )?;
    let lookups = cache.hits + cache.misses;
    ratio.set(if lookups == 0 { 0.0 } else { cache.hits as f64 / lookups as f64 });
    registry.register(Box::new(ratio))?;
    Ok(registry)
}
