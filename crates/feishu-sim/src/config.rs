//! What a simulator is started with: the app's credentials, the shape of the
//! synthetic tenant, token lifetime, rate limit and fault knobs.

use std::time::Duration;

use chrono::{NaiveDate, TimeDelta, Utc};

/// The scope the block access data endpoint requires; error 99991672 names it.
pub const WORKPLACE_DATA_SCOPE: &str = "workplace:workplace_using_data:read";

/// Everything a [`crate::Simulator`] is started with.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The custom app's id (`cli_…`) accepted by the token endpoint.
    pub app_id: String,
    /// The secret that goes with `app_id`.
    pub app_secret: String,
    /// Seed of the synthetic tenant: equal seeds (and equal `block_count`,
    /// `today`, `history_days`) give equal data.
    pub seed: u64,
    /// How many blocks (widgets) the tenant has.
    pub block_count: usize,
    /// The last day with data; nothing exists after it.
    pub today: NaiveDate,
    /// Data exists for the days `today - history_days ..= today`.
    pub history_days: u32,
    /// Lifetime of a tenant access token.
    pub token_ttl: Duration,
    /// Search requests one app may make in any sliding one-second window;
    /// `0` disables the limit.
    pub rate_limit_per_second: u32,
    /// Fault knobs in force at start; change them later with
    /// [`crate::SimHandle::set_faults`].
    pub faults: Faults,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            app_id: "cli_demo_app".to_owned(),
            app_secret: "demo-secret".to_owned(),
            seed: 42,
            block_count: 60,
            today: shanghai_today(),
            history_days: 800,
            token_ttl: Duration::from_secs(7200),
            rate_limit_per_second: 20,
            faults: Faults::default(),
        }
    }
}

/// Today's date in Asia/Shanghai (UTC+8 all year, no daylight saving), the
/// time zone Feishu's access data is counted in.
pub fn shanghai_today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive()
}

/// Fault knobs for the search endpoint. The token endpoint is never faulty.
///
/// Per request the simulator first waits `latency` plus a uniform share of
/// `latency_jitter` (plus `spike` with probability `spike_ratio`), then rolls,
/// in this order: drop the connection (`drop_ratio`), answer a gateway 502/503
/// (`http_5xx_ratio`), answer `forced` if set, answer 1629004
/// (`internal_error_ratio`). Ratios outside `0.0..=1.0` act as clamped.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Fixed delay before every search answer.
    pub latency: Duration,
    /// Upper bound of an extra uniform random delay.
    pub latency_jitter: Duration,
    /// Probability of HTTP 400 code 1629004 "internal service error".
    pub internal_error_ratio: f64,
    /// Probability of a gateway HTTP 502 or 503 with an HTML (non-JSON) body.
    pub http_5xx_ratio: f64,
    /// Probability of closing the connection without any response.
    pub drop_ratio: f64,
    /// Probability of an extra delay of `spike`.
    pub spike_ratio: f64,
    /// Length of a latency spike.
    pub spike: Duration,
    /// While set, every authenticated search request within the rate limit
    /// gets this answer.
    pub forced: Option<ForcedAnswer>,
}

/// A fixed answer for every search request, to exercise a client's handling
/// of one error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForcedAnswer {
    /// The body's `code`.
    pub code: i64,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The body's `msg`.
    pub msg: String,
}

impl ForcedAnswer {
    /// Any code, status and message.
    pub fn new(code: i64, http_status: u16, msg: impl Into<String>) -> Self {
        Self {
            code,
            http_status,
            msg: msg.into(),
        }
    }

    /// 99991401: the caller's IP is not on the app's allow-list.
    pub fn ip_not_allowed() -> Self {
        Self::new(99991401, 400, "ip denied by the app's allow-list")
    }

    /// 99991403: the tenant's monthly API call quota is used up.
    pub fn quota_exhausted() -> Self {
        Self::new(99991403, 400, "monthly api call quota exceeded")
    }

    /// 99991672: the app lacks the scope; the message names it as Feishu does.
    pub fn missing_scope(app_id: &str) -> Self {
        Self::new(
            99991672,
            400,
            format!(
                "Access denied. One of the following scopes is required: [{WORKPLACE_DATA_SCOPE}]. \
                 应用尚未开通所需的应用身份权限：[{WORKPLACE_DATA_SCOPE}]，点击链接申请并开通任一权限即可：\
                 https://open.feishu.cn/app/{app_id}/auth?q={WORKPLACE_DATA_SCOPE}&op_from=openapi&token_type=tenant"
            ),
        )
    }

    /// 99991673: the app is unavailable (disabled or not installed).
    pub fn app_unavailable() -> Self {
        Self::new(99991673, 400, "app status unavailable")
    }

    /// 99991663: the tenant token is invalid (even a fresh one).
    pub fn token_invalid() -> Self {
        Self::new(
            99991663,
            400,
            "Invalid access token for authorization. Please make a request with token attached.",
        )
    }
}
