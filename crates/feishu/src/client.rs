//! The client: one HTTP connection pool, the token cache, the rate budget and retries.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::Url;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::adaptive::AdaptiveRate;
use crate::answer::{self, Answer};
use crate::codes::Codes;
use crate::config::FeishuConfig;
use crate::error::FeishuError;
use crate::metrics::{ClientMetricsSnapshot, Metrics, TRANSPORT_ERROR};
use crate::rate::{RateBudget, SlidingWindowBudget};
use crate::retry::with_retries;
use crate::token::{IssuedToken, TenantToken, TokenCache};

const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// A client for the Feishu Open Platform. Cheap to clone: clones share the connection
/// pool, the tenant token, the rate budget and the metrics.
#[derive(Clone)]
pub struct FeishuClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `config.base_url` without a trailing slash; paths are appended to it.
    base_url: String,
    config: FeishuConfig,
    /// Each endpoint's own rate (Feishu limits each to `config.rate`), made on first use.
    rates: Mutex<HashMap<&'static str, Arc<EndpointRate>>>,
    /// Where the budgets shared with other clients or replicas come from, per endpoint.
    shared: Option<SharedBudgets>,
    tokens: TokenCache,
    metrics: Metrics,
}

/// Makes the shared budget of one endpoint, by its name ([`crate::SearchEndpoint::NAME`]).
pub type SharedBudgets = Arc<dyn Fn(&'static str) -> Arc<dyn RateBudget> + Send + Sync>;

/// The rate of one endpoint.
struct EndpointRate {
    /// This process's pace: at most `config.rate`, lowered to what Feishu accepts.
    pace: SlidingWindowBudget,
    /// What Feishu was seen to accept; sets `pace`.
    adaptive: AdaptiveRate,
    /// A budget shared with other clients or replicas, taken after `pace`.
    shared: Option<Arc<dyn RateBudget>>,
}

const _: () = {
    const fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<FeishuClient>();
};

impl FeishuClient {
    /// A client with its own in-process rate budget ([`SlidingWindowBudget`] of
    /// `config.rate`), shared by all its clones. When Feishu refuses requests for the
    /// rate although the client keeps to `config.rate`, the client paces itself to what
    /// Feishu accepts (see [`AdaptiveRate`]).
    pub fn new(config: FeishuConfig) -> Result<Self, FeishuError> {
        Self::build(config, None)
    }

    /// A client that also takes a grant from `budget` for every request to any
    /// endpoint, which other clients may share, after one of its own pace (as
    /// [`FeishuClient::new`]).
    pub fn with_rate_budget(config: FeishuConfig, budget: Arc<dyn RateBudget>) -> Result<Self, FeishuError> {
        Self::build(config, Some(Arc::new(move |_| Arc::clone(&budget))))
    }

    /// A client that also takes a grant for every request from the budget `budgets`
    /// makes for its endpoint (once per endpoint, by [`crate::SearchEndpoint::NAME`]): one
    /// budget per endpoint shared by every replica, as Feishu limits each endpoint.
    pub fn with_rate_budgets(config: FeishuConfig, budgets: SharedBudgets) -> Result<Self, FeishuError> {
        Self::build(config, Some(budgets))
    }

    fn build(config: FeishuConfig, shared: Option<SharedBudgets>) -> Result<Self, FeishuError> {
        let base_url = validated_base_url(&config.base_url)?;
        if config.app_id.trim().is_empty() {
            return Err(invalid_config("the app ID is empty (set FEISHU_APP_ID)"));
        }
        if config.app_secret.expose_secret().trim().is_empty() {
            return Err(invalid_config("the app secret is empty (set FEISHU_APP_SECRET)"));
        }
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("block-insights-feishu/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| FeishuError::ClientSetup { source: Arc::new(source) })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                tokens: TokenCache::new(config.token_refresh_margin),
                rates: Mutex::new(HashMap::new()),
                config,
                shared,
                metrics: Metrics::default(),
            }),
        })
    }

    /// The Open Platform origin this client talks to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The app's id (`client_id` at login).
    pub fn app_id(&self) -> &str {
        &self.inner.config.app_id
    }

    pub(crate) fn app_secret(&self) -> &secrecy::SecretString {
        &self.inner.config.app_secret
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// `path` on the Open Platform origin.
    pub(crate) fn endpoint(&self, path: &str) -> Result<Url, FeishuError> {
        self.url(path, &[])
    }

    /// A copy of the traffic counters of this client and its clones.
    pub fn metrics(&self) -> ClientMetricsSnapshot {
        let mut snapshot = self.inner.metrics.snapshot();
        let rates = self.inner.rates.lock().unwrap_or_else(PoisonError::into_inner);
        snapshot.requests_per_window = rates.iter().map(|(name, rate)| (*name, rate.pace.max_requests())).collect();
        snapshot
    }

    /// A valid tenant access token: the cached one, or a new one when it is missing or
    /// due. Concurrent callers share a single fetch.
    pub async fn tenant_token(&self) -> Result<TenantToken, FeishuError> {
        self.inner.tokens.get(|| self.fetch_tenant_token()).await
    }

    #[tracing::instrument(skip_all)]
    async fn fetch_tenant_token(&self) -> Result<IssuedToken, FeishuError> {
        self.inner.metrics.record_token_fetch();
        let (status, body) = self.post_app_credentials(TENANT_TOKEN_PATH).await?;
        // Read field by field: a serde error message could quote the token.
        let token = body.get("tenant_access_token").and_then(|value| value.as_str());
        let lifetime = body.get("expire").and_then(|value| value.as_u64());
        let (Some(token), Some(lifetime)) = (token, lifetime) else {
            return Err(FeishuError::Decode {
                status: status.as_u16(),
                detail: "the token answer lacks `tenant_access_token` or `expire`".to_owned(),
            });
        };
        tracing::debug!(expires_in_s = lifetime, "fetched a tenant access token");
        Ok(IssuedToken { token: TenantToken::new(token.to_owned()), lifetime: Duration::from_secs(lifetime) })
    }

    /// POSTs the app's id and secret to a token endpoint (`path`) and answers the
    /// HTTP status and the body of a success.
    pub(crate) async fn post_app_credentials(
        &self,
        path: &str,
    ) -> Result<(reqwest::StatusCode, serde_json::Map<String, serde_json::Value>), FeishuError> {
        #[derive(Serialize)]
        struct Credentials<'a> {
            app_id: &'a str,
            app_secret: &'a str,
        }
        let credentials =
            Credentials { app_id: &self.inner.config.app_id, app_secret: self.inner.config.app_secret.expose_secret() };
        // The token endpoints' own codes (10003, 10014, ...) are about the credentials.
        self.post_once(path, None, &credentials, |code, msg| FeishuError::Credentials { code, msg }).await
    }

    /// POSTs `body` (JSON) to `path` once, outside the rate budget and retries (token
    /// and sign-in endpoints), with `bearer` if any; answers the HTTP status and the
    /// body of a success. A code that is not a generic one is `own_code`'s error.
    pub(crate) async fn post_once(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &impl Serialize,
        own_code: fn(i64, String) -> FeishuError,
    ) -> Result<(reqwest::StatusCode, serde_json::Map<String, serde_json::Value>), FeishuError> {
        let mut request = self.inner.http.post(self.url(path, &[])?).json(body);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.map_err(FeishuError::transport)?;
        let answer = Answer::read(response).await?;
        let status = answer.status();
        let body = answer.into_success().map_err(|error| match error {
            FeishuError::Upstream { code, msg } => own_code(code, msg),
            other => other,
        })?;
        Ok((status, body))
    }

    /// Calls `endpoint` with `query` as query parameters and `body` (JSON) as the body,
    /// and decodes `data` of the answer; within the endpoint's rate, with retries and
    /// token renewal. Every endpoint's calls go through here.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint<'_>,
        query: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<T, FeishuError> {
        let url = self.url(endpoint.path, query)?;
        let rate = self.rate_of(endpoint.name, endpoint.max_rate);
        let call = Call { url: &url, endpoint, body, rate: &rate };
        let inner = &*self.inner;
        with_retries(&inner.config.retry, &inner.metrics, || self.call_with_valid_token(&call)).await
    }

    /// The rate of the endpoint `name`, made on first use: `config.rate`, or fewer
    /// requests per window where the endpoint allows fewer (`max_requests`).
    fn rate_of(&self, name: &'static str, max_requests: Option<u32>) -> Arc<EndpointRate> {
        let inner = &*self.inner;
        let mut rates = inner.rates.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(rates.entry(name).or_insert_with(|| {
            let mut limit = inner.config.rate;
            if let Some(max) = max_requests {
                limit.max_requests = limit.max_requests.min(max);
            }
            Arc::new(EndpointRate {
                pace: SlidingWindowBudget::new(limit),
                adaptive: AdaptiveRate::new(limit.max_requests, limit.window),
                shared: inner.shared.as_ref().map(|make| make(name)),
            })
        }))
    }

    /// One attempt; when Feishu rejects the token, drops it and tries once more with a
    /// new one.
    async fn call_with_valid_token<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T, FeishuError> {
        match self.send(call).await {
            Err(Rejected::Token(token, error)) => {
                tracing::info!(code = error.code(), "Feishu rejected the tenant token; renewing it");
                self.inner.tokens.invalidate(&token);
                self.inner.metrics.record_retry();
                self.send(call).await.map_err(Rejected::into_error)
            }
            result => result.map_err(Rejected::into_error),
        }
    }

    /// Sends one request within the endpoint's rate. The token is taken once the grant
    /// is in hand, not before: a request can wait a while for its grant, and a token
    /// taken before the wait may have expired (or been replaced) by the time it is sent.
    async fn send<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T, Rejected> {
        let inner = &*self.inner;
        let rate = call.rate;
        let mut waited = rate.pace.acquire().await;
        // Released when the answer is read, or the request fails or is cancelled.
        let mut in_flight = InFlight { budget: &rate.pace, answered: false };
        let mut shared_in_flight = None;
        if let Some(shared) = &rate.shared {
            waited += shared.acquire().await;
            shared_in_flight = Some(InFlight { budget: &**shared, answered: false });
        }
        inner.metrics.record_rate_wait(waited);
        let token = self.tenant_token().await.map_err(Rejected::Other)?;
        let mut request = inner.http.request(call.endpoint.method.clone(), call.url.clone()).bearer_auth(token.expose_secret());
        if let Some(body) = call.body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8").body(body.to_vec());
        }
        let sent = request.send().await;
        let answer = match sent {
            Ok(response) => {
                // Feishu answered: the request has arrived, whatever reading the body does.
                in_flight.answered = true;
                if let Some(shared) = &mut shared_in_flight {
                    shared.answered = true;
                }
                Answer::read(response).await
            }
            Err(error) => Err(FeishuError::transport(error)),
        };
        drop(shared_in_flight);
        drop(in_flight);
        if let Ok(answer) = &answer {
            adapt_pace(rate, answer, inner.config.rate.max_requests, call.endpoint.name);
        }
        let answer =
            answer.inspect_err(|_| inner.metrics.record_request(call.endpoint.name, TRANSPORT_ERROR)).map_err(Rejected::Other)?;
        inner.metrics.record_request(call.endpoint.name, answer.metrics_code());
        let status = answer.status();
        tracing::debug!(endpoint = call.endpoint.name, status = status.as_u16(), code = answer.metrics_code(), "Feishu answered");
        answer.into_success_for(call.endpoint.codes).and_then(|body| answer::decode_data(status, body)).map_err(|error| {
            if error.is_tenant_token_rejected() { Rejected::Token(token, error) } else { Rejected::Other(error) }
        })
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, FeishuError> {
        let mut url = Url::parse(&format!("{}{path}", self.inner.base_url))
            .map_err(|error| invalid_config(&format!("the base URL does not join with {path}: {error}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }
}

/// An endpoint as the client calls it.
pub(crate) struct Endpoint<'a> {
    pub method: reqwest::Method,
    /// The path on the Open Platform origin.
    pub path: &'static str,
    /// A short name for logs, metrics and the rate budget.
    pub name: &'static str,
    /// How its non-zero codes are read.
    pub codes: Codes<'a>,
    /// Requests per window when the endpoint allows fewer than `config.rate`.
    pub max_rate: Option<u32>,
}

/// One call: where it goes, what it carries and under which rate.
struct Call<'a> {
    url: &'a Url,
    endpoint: &'a Endpoint<'a>,
    body: Option<&'a [u8]>,
    rate: &'a EndpointRate,
}

/// Lowers an endpoint's pace after a refusal for the rate, raises it after quiet answers.
fn adapt_pace(rate: &EndpointRate, answer: &Answer, configured: u32, endpoint: &'static str) {
    if answer.is_rate_limited() {
        if let Some(now) = rate.adaptive.refused(answer.named_limit()) {
            tracing::warn!(
                endpoint,
                requests_per_second = now,
                named_limit = answer.named_limit(),
                configured,
                "Feishu refuses requests for the rate; sending fewer"
            );
            rate.pace.set_max_requests(now);
        }
    } else if let Some(now) = rate.adaptive.accepted() {
        tracing::info!(endpoint, requests_per_second = now, "Feishu accepts again; sending more");
        rate.pace.set_max_requests(now);
    }
}

/// Why [`FeishuClient::send`] failed: Feishu rejected the token it sent (named, so that
/// exactly that token is dropped), or anything else.
enum Rejected {
    Token(TenantToken, FeishuError),
    Other(FeishuError),
}

impl Rejected {
    fn into_error(self) -> FeishuError {
        match self {
            Rejected::Token(_, error) | Rejected::Other(error) => error,
        }
    }
}

/// A granted request that has not been answered yet; tells the budget when it ends,
/// and whether Feishu answered it (a request cancelled or cut off may still arrive).
struct InFlight<'a> {
    budget: &'a dyn RateBudget,
    answered: bool,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.answered {
            self.budget.release();
        } else {
            self.budget.release_unanswered();
        }
    }
}

impl fmt::Debug for FeishuClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuClient")
            .field("base_url", &self.inner.base_url)
            .field("app_id", &self.inner.config.app_id)
            .finish_non_exhaustive()
    }
}

fn validated_base_url(base_url: &str) -> Result<String, FeishuError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|error| {
        invalid_config(&format!("the base URL {base_url:?} is not a URL ({error}); use e.g. https://open.feishu.cn"))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(invalid_config(&format!(
            "the base URL {base_url:?} must be an http(s) origin such as https://open.feishu.cn"
        )));
    }
    Ok(trimmed.to_owned())
}

fn invalid_config(reason: &str) -> FeishuError {
    FeishuError::InvalidConfig { reason: reason.to_owned() }
}
