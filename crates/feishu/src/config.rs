//! How to reach Feishu and how politely to call it.

use std::time::Duration;

use secrecy::SecretString;

/// Feishu (China) Open Platform.
pub const FEISHU_BASE_URL: &str = "https://open.feishu.cn";
/// Lark (international) Open Platform.
pub const LARK_BASE_URL: &str = "https://open.larksuite.com";

/// Everything the client needs. `Debug` shows the app secret as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct FeishuConfig {
    /// Open Platform origin without a trailing path: [`FEISHU_BASE_URL`], [`LARK_BASE_URL`],
    /// a proxy or the simulator.
    pub base_url: String,
    /// The custom app's App ID (`cli_...`).
    pub app_id: String,
    /// The custom app's App Secret.
    pub app_secret: SecretString,
    /// The request budget for the block access endpoint, shared by all clones of a client.
    pub rate: RateLimit,
    /// How transient failures are retried.
    pub retry: RetryPolicy,
    /// Upper bound for one HTTP request, connect to last byte.
    pub request_timeout: Duration,
    /// Upper bound for establishing a connection.
    pub connect_timeout: Duration,
    /// How long before expiry a tenant token is replaced (at most half its lifetime).
    pub token_refresh_margin: Duration,
}

impl FeishuConfig {
    /// Config for `base_url` and the app's credentials, with default limits and timeouts.
    pub fn new(base_url: impl Into<String>, app_id: impl Into<String>, app_secret: impl Into<SecretString>) -> Self {
        Self {
            base_url: base_url.into(),
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            rate: RateLimit::default(),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            // Between the official SDKs' 3 min (Go, Node) and 10 min (Python).
            token_refresh_margin: Duration::from_secs(5 * 60),
        }
    }
}

/// At most `max_requests` requests in any sliding `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub max_requests: u32,
    /// The window length.
    pub window: Duration,
}

impl Default for RateLimit {
    /// Feishu allows 20 requests per second. The headroom is in how a request is counted,
    /// not in a longer window: [`crate::SlidingWindowBudget`] keeps each request in the window
    /// until one window after its answer, and Feishu received it before it answered, so no
    /// one-second window at Feishu can ever hold more than 20, whatever the network did to
    /// the request on its way (a cold TLS connection, a busy CPU). A longer window would only
    /// cost throughput.
    fn default() -> Self {
        Self { max_requests: 20, window: Duration::from_secs(1) }
    }
}

/// Exponential backoff with jitter for transient failures, bounded in count and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The first backoff delay (before jitter); doubles after each retry.
    pub initial_backoff: Duration,
    /// The largest backoff delay (before jitter).
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_total_time: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_total_time: Duration::from_secs(60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let config = FeishuConfig::new(FEISHU_BASE_URL, "cli_x", "very-secret-value".to_owned());
        let debug = format!("{config:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(debug.contains("cli_x"));
    }
}
