//! Counters about the client's traffic, for the server to export.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Key in [`ClientMetricsSnapshot::requests_by_code`] for requests that got no answer
/// (connection failed or dropped, timeout).
pub const TRANSPORT_ERROR: i64 = -1;
/// Key in [`ClientMetricsSnapshot::requests_by_code`] for answers without a Feishu code
/// (not JSON, e.g. a proxy's HTML error page).
pub const NO_CODE: i64 = -2;

/// A copy of the client's counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientMetricsSnapshot {
    /// Search requests sent to any endpoint, by the `code` Feishu answered (0 =
    /// success), with [`TRANSPORT_ERROR`] and [`NO_CODE`] for requests without a code.
    pub requests_by_code: BTreeMap<i64, u64>,
    /// The same per endpoint ([`crate::SearchEndpoint::NAME`]).
    pub requests_by_endpoint: BTreeMap<&'static str, BTreeMap<i64, u64>>,
    /// Block access requests sent, retries included.
    pub requests_total: u64,
    /// Requests sent again: after a transient failure, a rate limit or a rejected token.
    pub retries: u64,
    /// Time spent waiting for the rate budget, summed over all requests.
    pub rate_wait_total: Duration,
    /// Requests to the tenant token endpoint.
    pub token_fetches: u64,
    /// Requests per rate window the client sends now to each endpoint it used: the
    /// configured limit, or less while Feishu accepts less.
    pub requests_per_window: BTreeMap<&'static str, u32>,
}

/// The live counters, shared by all clones of a client.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests_by_code: Mutex<BTreeMap<&'static str, BTreeMap<i64, u64>>>,
    requests_total: AtomicU64,
    retries: AtomicU64,
    rate_wait_nanos: AtomicU64,
    token_fetches: AtomicU64,
}

impl Metrics {
    pub(crate) fn record_request(&self, endpoint: &'static str, code: i64) {
        self.requests_total.fetch_add(1, Ordering::Relaxed);
        let mut by_endpoint = self.requests_by_code.lock().unwrap_or_else(PoisonError::into_inner);
        *by_endpoint.entry(endpoint).or_default().entry(code).or_default() += 1;
    }

    pub(crate) fn record_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_rate_wait(&self, waited: Duration) {
        let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        self.rate_wait_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub(crate) fn record_token_fetch(&self) {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientMetricsSnapshot {
        let requests_by_endpoint = self.requests_by_code.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut requests_by_code = BTreeMap::new();
        for by_code in requests_by_endpoint.values() {
            for (code, count) in by_code {
                *requests_by_code.entry(*code).or_default() += count;
            }
        }
        ClientMetricsSnapshot {
            requests_by_code,
            requests_by_endpoint,
            requests_total: self.requests_total.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_wait_total: Duration::from_nanos(self.rate_wait_nanos.load(Ordering::Relaxed)),
            token_fetches: self.token_fetches.load(Ordering::Relaxed),
            requests_per_window: BTreeMap::new(),
        }
    }
}
