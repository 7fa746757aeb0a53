//! What the simulator saw: every search request with its answer, and counts
//! of token, login, chat list and message requests, for tests and benchmarks.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::endpoints::SimEndpoint;

/// The query parameters of a search request as received (raw strings), plus
/// the dates when they parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchParams {
    /// `from_date` as sent.
    pub from_date: Option<String>,
    /// `to_date` as sent.
    pub to_date: Option<String>,
    /// `page_size` as sent.
    pub page_size: Option<String>,
    /// `page_token` as sent.
    pub page_token: Option<String>,
    /// `block_id` as sent.
    pub block_id: Option<String>,
    /// `custom_workplace_id` as sent.
    pub custom_workplace_id: Option<String>,
    /// `from_date` if it is a valid yyyy-MM-dd date.
    pub from: Option<NaiveDate>,
    /// `to_date` if it is a valid yyyy-MM-dd date.
    pub to: Option<NaiveDate>,
}

/// How a search request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not answered yet, or the client went away while it was delayed.
    Pending,
    /// A JSON answer with this HTTP status and body `code`.
    Answered {
        /// HTTP status.
        http_status: u16,
        /// The body's `code` (0 for success).
        code: i64,
    },
    /// A gateway error (502/503) with a non-JSON body.
    GatewayError {
        /// HTTP status.
        http_status: u16,
    },
    /// The connection was closed without an answer.
    Dropped,
}

/// One search request.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// When the request arrived (before any simulated latency).
    pub arrived: Instant,
    /// The endpoint it was sent to.
    pub endpoint: SimEndpoint,
    /// Its query parameters.
    pub params: SearchParams,
    /// How it ended.
    pub outcome: Outcome,
    /// Items in the answer (0 unless it succeeded).
    pub items: usize,
    seq: u64,
}

impl RequestRecord {
    /// Whether the request got a `code: 0` answer.
    pub fn is_success(&self) -> bool {
        matches!(self.outcome, Outcome::Answered { code: 0, .. })
    }

    /// The body `code`, if a JSON answer was sent.
    pub fn code(&self) -> Option<i64> {
        match self.outcome {
            Outcome::Answered { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Totals since start or the last reset.
#[derive(Clone, Debug, Default)]
pub struct SimStats {
    /// Search requests that arrived, answered or not.
    pub search_requests: u64,
    /// Requests to the tenant token endpoint.
    pub token_requests: u64,
    /// Search answers with a JSON body, counted by body `code`.
    pub answers_by_code: BTreeMap<i64, u64>,
    /// Search requests answered with a gateway 5xx.
    pub gateway_errors: u64,
    /// Search requests whose connection was dropped.
    pub dropped: u64,
    /// Search requests not (yet) answered.
    pub pending: u64,
    /// Items in all successful answers.
    pub items_served: u64,
    /// Arrival times of all search requests, in order.
    pub arrivals: Vec<Instant>,
    /// The same per endpoint.
    pub arrivals_by_endpoint: BTreeMap<SimEndpoint, Vec<Instant>>,
    /// Requests of the login endpoints.
    pub login: LoginStats,
    /// Requests of `GET /open-apis/im/v1/chats`, refused ones included.
    pub chat_list_requests: u64,
    /// Requests of `POST /open-apis/im/v1/messages`, refused and pending ones included.
    pub message_requests: u64,
    /// Message send answers by body `code` (0: accepted or a duplicate uuid).
    pub message_answers_by_code: BTreeMap<i64, u64>,
}

/// Counts of the login endpoints' requests, refused ones included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginStats {
    /// Requests of the authorize page (page views, redirects and refusals).
    pub authorize_requests: u64,
    /// Authorization codes issued by the authorize page.
    pub codes_issued: u64,
    /// Codes the JSSDK stand-in handed a page (`requestAccess`, `requestAuthCode`).
    pub client_codes_issued: u64,
    /// Requests of the user token endpoint (codes and refresh tokens).
    pub token_requests: u64,
    /// User access tokens issued (by code or by refresh).
    pub tokens_issued: u64,
    /// Requests of `user_info`.
    pub user_info_requests: u64,
    /// Requests of `is_user_admin`.
    pub admin_checks: u64,
}

/// One counted login event.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LoginEvent {
    Authorize,
    CodeIssued,
    TokenRequest,
    TokenIssued,
    UserInfo,
    AdminCheck,
    ClientCodeIssued,
}

impl SimStats {
    /// Search requests with `code: 0`.
    pub fn successes(&self) -> u64 {
        self.answers_by_code.get(&0).copied().unwrap_or(0)
    }

    /// The most search requests to any one endpoint that arrived within any span
    /// shorter than `window` (the rate limiter's notion of "within one second"; Feishu
    /// limits each endpoint on its own).
    pub fn max_requests_in_any_window(&self, window: Duration) -> usize {
        self.arrivals_by_endpoint.values().map(|arrivals| busiest_window(arrivals, window)).max().unwrap_or(0)
    }

    /// Like [`SimStats::max_requests_in_any_window`], for one endpoint.
    pub fn max_requests_in_any_window_of(&self, endpoint: SimEndpoint, window: Duration) -> usize {
        self.arrivals_by_endpoint.get(&endpoint).map_or(0, |arrivals| busiest_window(arrivals, window))
    }
}

/// The most of the sorted `arrivals` within any span shorter than `window`.
fn busiest_window(arrivals: &[Instant], window: Duration) -> usize {
    let mut best = 0;
    let mut start = 0;
    for (end, &t) in arrivals.iter().enumerate() {
        while t.saturating_duration_since(arrivals[start]) >= window {
            start += 1;
        }
        best = best.max(end + 1 - start);
    }
    best
}

/// The simulator's log of requests.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Ordered by `seq`, which is also arrival order.
    searches: Mutex<Vec<RequestRecord>>,
    next_seq: AtomicU64,
    token_requests: AtomicU64,
    /// Indexed by `LoginEvent as usize`.
    login: [AtomicU64; 7],
    chat_list_requests: AtomicU64,
    message_requests: AtomicU64,
    message_answers: Mutex<BTreeMap<i64, u64>>,
}

impl Recorder {
    /// Logs an arriving search request; returns the ticket to finish it with.
    pub fn arrive(&self, arrived: Instant, endpoint: SimEndpoint, params: SearchParams) -> u64 {
        let mut searches = self.lock();
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        searches.push(RequestRecord { arrived, endpoint, params, outcome: Outcome::Pending, items: 0, seq });
        seq
    }

    /// Sets how the request `seq` ended (ignored if a reset dropped it).
    pub fn finish(&self, seq: u64, outcome: Outcome, items: usize) {
        let mut searches = self.lock();
        if let Ok(i) = searches.binary_search_by_key(&seq, |r| r.seq) {
            searches[i].outcome = outcome;
            searches[i].items = items;
        }
    }

    pub fn token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn chat_list_request(&self) {
        self.chat_list_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn message_request(&self) {
        self.message_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn message_answer(&self, code: i64) {
        *self.message_answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(code).or_default() += 1;
    }

    pub fn login(&self, event: LoginEvent) {
        self.login[event as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn login_stats(&self) -> LoginStats {
        let count = |event: LoginEvent| self.login[event as usize].load(Ordering::Relaxed);
        LoginStats {
            authorize_requests: count(LoginEvent::Authorize),
            codes_issued: count(LoginEvent::CodeIssued),
            token_requests: count(LoginEvent::TokenRequest),
            tokens_issued: count(LoginEvent::TokenIssued),
            user_info_requests: count(LoginEvent::UserInfo),
            admin_checks: count(LoginEvent::AdminCheck),
            client_codes_issued: count(LoginEvent::ClientCodeIssued),
        }
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.lock().clone()
    }

    pub fn stats(&self) -> SimStats {
        let searches = self.lock();
        let mut stats = SimStats {
            search_requests: searches.len() as u64,
            token_requests: self.token_requests.load(Ordering::Relaxed),
            login: self.login_stats(),
            chat_list_requests: self.chat_list_requests.load(Ordering::Relaxed),
            message_requests: self.message_requests.load(Ordering::Relaxed),
            message_answers_by_code: self.message_answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone(),
            ..SimStats::default()
        };
        for record in searches.iter() {
            stats.arrivals.push(record.arrived);
            stats.arrivals_by_endpoint.entry(record.endpoint).or_default().push(record.arrived);
            match record.outcome {
                Outcome::Pending => stats.pending += 1,
                Outcome::Answered { code, .. } => *stats.answers_by_code.entry(code).or_default() += 1,
                Outcome::GatewayError { .. } => stats.gateway_errors += 1,
                Outcome::Dropped => stats.dropped += 1,
            }
            stats.items_served += record.items as u64;
        }
        // Sequence numbers are taken under the lock, but arrival instants are
        // read just before it; sort so the window scan sees them in order.
        stats.arrivals.sort();
        for arrivals in stats.arrivals_by_endpoint.values_mut() {
            arrivals.sort();
        }
        stats
    }

    pub fn reset(&self) {
        self.lock().clear();
        self.token_requests.store(0, Ordering::Relaxed);
        for counter in &self.login {
            counter.store(0, Ordering::Relaxed);
        }
        self.chat_list_requests.store(0, Ordering::Relaxed);
        self.message_requests.store(0, Ordering::Relaxed);
        self.message_answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RequestRecord>> {
        self.searches.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_count_uses_half_open_spans() {
        let t0 = Instant::now();
        let arrivals = [0, 100, 999, 1000, 1500, 1600, 1700].map(|ms| t0 + Duration::from_millis(ms)).to_vec();
        let stats = SimStats {
            arrivals_by_endpoint: [(SimEndpoint::BlockAccess, arrivals.clone())].into(),
            arrivals,
            ..SimStats::default()
        };
        assert_eq!(stats.max_requests_in_any_window(Duration::from_secs(1)), 5);
    }
}
