//! Configuration from environment variables, typed and checked at start-up. Every
//! variable is listed in README.md.

use std::env;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use secrecy::SecretString;

mod access;
mod read;
#[cfg(test)]
mod tests;

use access::access_config;
pub use access::{AccessConfig, DEFAULT_JSSDK_URL, JssdkScript};
pub use read::ConfigError;
use read::{parse, seconds_at_least};

/// Where Feishu's numbers come from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A real Feishu (or Lark, or any compatible host) with the app's credentials.
    Feishu {
        /// `FEISHU_BASE_URL`, e.g. `https://open.feishu.cn` or `https://open.larksuite.com`.
        base_url: String,
        /// `FEISHU_APP_ID`.
        app_id: String,
        /// `FEISHU_APP_SECRET`; never printed.
        app_secret: SecretString,
    },
    /// No credentials configured: start the built-in simulator and say so on every page.
    Demo,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Feishu or the demo simulator.
    pub source: DataSource,
    /// `DASHBOARD_TIMEZONE` (default `Asia/Shanghai`): where the tenant's days begin.
    pub timezone: Tz,
    /// `DASHBOARD_MAX_RANGE_DAYS` (default 1098, three years): the longest range a query may ask for.
    pub max_range_days: u32,
    /// `DASHBOARD_DEMO_BLOCKS` (default 60, 1 to 20,000; demo mode only): how many blocks
    /// the built-in simulator's tenant has. Past 60 it grows a regional or departmental
    /// workplace per 25 more blocks, with demo names and a long tail of rarely used blocks.
    pub demo_blocks: usize,
    /// `FEISHU_MAX_REQUESTS_PER_SECOND` (default 20): the endpoint's documented limit;
    /// the client keeps headroom under it.
    pub max_requests_per_second: u32,
    /// `DASHBOARD_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `DASHBOARD_DATA_DIR` (default `./data`): the embedded database lives here.
    pub data_dir: PathBuf,
    /// `DATABASE_URL` (`postgres://user:password@host:port/database`, default: none):
    /// keep everything in this PostgreSQL instead of the embedded database, so that
    /// several replicas act as one dashboard (sessions, names, days, the call count and
    /// Feishu's request budget shared). A secret: it may hold a password.
    pub database_url: Option<SecretString>,
    /// `DASHBOARD_FRESH_TTL_SECS` (default 300): how long today's and yesterday's
    /// numbers are served before they are fetched again.
    pub fresh_ttl: Duration,
    /// `DASHBOARD_LEASE_SECS` (default 30; with `DATABASE_URL` only): how long a replica
    /// that died keeps the missing days it was fetching from the others.
    pub lease_ttl: Duration,
    /// `DASHBOARD_CACHE_MB` (default 256): memory budget of the day cache.
    pub cache_bytes: u64,
    /// `FEISHU_MONTHLY_QUOTA` (default: none): most calls to Feishu per calendar month
    /// (tenant's time zone); past it the dashboard shows only what it already fetched.
    pub monthly_quota: Option<u64>,
    /// `FEISHU_QUOTA_WARN_PERCENT` (default 80): from this share of the quota on, the
    /// page warns the admin.
    pub quota_warn_percent: u8,
    /// `FEISHU_REQUEST_TIMEOUT_SECS` (default 30): the longest one request to Feishu
    /// may take, connect to last byte; it is then retried like any transient failure.
    pub feishu_request_timeout: Duration,
    /// `DASHBOARD_QUERY_TIMEOUT_SECS` (default 60): the longest a page, an export or an
    /// API call waits for its numbers before it answers 504 naming what it waited for.
    pub query_deadline: Duration,
    /// Sign-in and the rules of who may enter.
    pub access: AccessConfig,
    /// `DIGEST_TICK_SECS` (default 60; 0 turns sending off): how often the server
    /// looks for digests that are due. Each replica looks; each digest is sent once.
    pub digest_tick: Option<Duration>,
    /// `DIGEST_CLAIM_SECS` (default 120, at least 10): how long a replica holds a digest
    /// it is sending before another may take it over (and send it with the same uuid,
    /// which Feishu drops as a duplicate if the first did arrive).
    pub digest_claim_ttl: Duration,
    /// `DASHBOARD_SIGN_IN_PER_MINUTE` (default 30), `DASHBOARD_REQUESTS_PER_MINUTE`
    /// (default 600; `0` turns either off) and `DASHBOARD_CLIENT_IP_HEADER` (default:
    /// none): the limits on the rate of requests ([`crate::rate_limits`]).
    pub rate: crate::rate_limits::RateSettings,
    /// `DASHBOARD_REFRESH_MIN_SECS` (default 60): a refresh fetches the same days from
    /// Feishu again at most this often, across all clients and replicas; within it, it
    /// answers the numbers fetched moments ago.
    pub refresh_min_interval: Duration,
    /// The background history fetch ([`HistoryConfig`]).
    pub history: HistoryConfig,
}

/// The history fetch: the final days of the last months kept in the store in the
/// background, within a share of the rate and of the monthly quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryConfig {
    /// `DASHBOARD_HISTORY_MONTHS` (default 25; `0` or `off` turns the fetch off): months
    /// of history kept warm, the month of the last final day and the ones before it. 25:
    /// a year and a month to look at, and the year before, which a view of a year compares
    /// with (its previous period and the same days a year earlier, and the insights'
    /// weeks before it): so that the first look at a year answers from the store.
    pub months: u32,
    /// `DASHBOARD_HISTORY_RATE_PERCENT` (default 50, 1 to 90): the fetch's share of
    /// `FEISHU_MAX_REQUESTS_PER_SECOND`; the rest is always left to people's queries.
    pub rate_percent: u8,
    /// `DASHBOARD_HISTORY_QUOTA_PERCENT` (default 50, 1 to 100): the fetch calls Feishu
    /// only while the month's count is below this share of `FEISHU_MONTHLY_QUOTA`.
    pub quota_percent: u8,
}

impl HistoryConfig {
    /// The fetch turned off.
    pub const OFF: HistoryConfig = HistoryConfig { months: 0, rate_percent: 50, quota_percent: 50 };

    /// Requests per second the fetch may send: its share of `max_requests_per_second`,
    /// rounded down, at least 1.
    pub fn requests_per_second(&self, max_requests_per_second: u32) -> u32 {
        (max_requests_per_second.saturating_mul(u32::from(self.rate_percent)) / 100).max(1)
    }

    /// The month's count of calls up to which the fetch may call: its share of
    /// `monthly_quota`, rounded down; `None` without a quota.
    pub fn call_cap(&self, monthly_quota: Option<u64>) -> Option<u64> {
        monthly_quota.map(|quota| quota.saturating_mul(u64::from(self.quota_percent)) / 100)
    }
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the configuration through `lookup`, so that tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let source = match (lookup("FEISHU_APP_ID"), lookup("FEISHU_APP_SECRET")) {
            (Some(app_id), Some(secret)) => DataSource::Feishu {
                base_url: lookup("FEISHU_BASE_URL")
                    .unwrap_or_else(|| "https://open.feishu.cn".into())
                    .trim_end_matches('/')
                    .to_owned(),
                app_id,
                app_secret: SecretString::from(secret),
            },
            (None, None) => DataSource::Demo,
            (Some(_), None) => {
                return Err(ConfigError::HalfCredentials { set: "FEISHU_APP_ID", missing: "FEISHU_APP_SECRET" });
            }
            (None, Some(_)) => {
                return Err(ConfigError::HalfCredentials { set: "FEISHU_APP_SECRET", missing: "FEISHU_APP_ID" });
            }
        };
        let timezone = parse(&lookup, "DASHBOARD_TIMEZONE", Tz::Asia__Shanghai, "an IANA time zone such as Asia/Shanghai")?;
        let max_range_days = parse(&lookup, "DASHBOARD_MAX_RANGE_DAYS", 1098, "a whole number of days, at least 1")?;
        let demo_blocks = demo_blocks(&lookup)?;
        let max_requests_per_second =
            parse(&lookup, "FEISHU_MAX_REQUESTS_PER_SECOND", 20, "a whole number of requests per second, at least 1")?;
        if max_range_days == 0 {
            return Err(ConfigError::Invalid { var: "DASHBOARD_MAX_RANGE_DAYS", value: "0".into(), hint: "at least 1" });
        }
        if max_requests_per_second == 0 {
            return Err(ConfigError::Invalid { var: "FEISHU_MAX_REQUESTS_PER_SECOND", value: "0".into(), hint: "at least 1" });
        }
        let log_format = match lookup("DASHBOARD_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid { var: "DASHBOARD_LOG_FORMAT", value: other.into(), hint: "use text or json" });
            }
        };
        let data_dir = PathBuf::from(lookup("DASHBOARD_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match lookup("DATABASE_URL") {
            None => None,
            // Its value is never echoed: it may hold a password.
            Some(url) if url.trim().starts_with("postgres://") || url.trim().starts_with("postgresql://") => {
                Some(SecretString::from(url.trim().to_owned()))
            }
            Some(_) => return Err(ConfigError::DatabaseUrl),
        };
        let fresh_ttl = Duration::from_secs(parse(&lookup, "DASHBOARD_FRESH_TTL_SECS", 300, "a whole number of seconds")?);
        let lease_ttl = seconds_at_least(&lookup, "DASHBOARD_LEASE_SECS", 30, 3)?;
        let cache_mb: u64 = parse(&lookup, "DASHBOARD_CACHE_MB", 256, "a whole number of megabytes, at least 1")?;
        if cache_mb == 0 {
            return Err(ConfigError::Invalid { var: "DASHBOARD_CACHE_MB", value: "0".into(), hint: "at least 1" });
        }
        let feishu_request_timeout = seconds_at_least(&lookup, "FEISHU_REQUEST_TIMEOUT_SECS", 30, 1)?;
        let query_deadline = seconds_at_least(&lookup, "DASHBOARD_QUERY_TIMEOUT_SECS", 60, 1)?;
        let (monthly_quota, quota_warn_percent) = quota_config(&lookup)?;
        let access = access_config(&lookup, matches!(source, DataSource::Demo))?;
        let digest_tick_secs: u64 = parse(&lookup, "DIGEST_TICK_SECS", 60, "a whole number of seconds; 0 turns digests off")?;
        let digest_tick = (digest_tick_secs > 0).then(|| Duration::from_secs(digest_tick_secs));
        let digest_claim_ttl = seconds_at_least(&lookup, "DIGEST_CLAIM_SECS", 120, 10)?;
        let rate = rate_config(&lookup)?;
        let refresh_min_interval = Duration::from_secs(parse(
            &lookup,
            "DASHBOARD_REFRESH_MIN_SECS",
            60,
            "a whole number of seconds (0 lets every refresh fetch again)",
        )?);
        let history = history_config(&lookup)?;
        Ok(Self {
            source,
            timezone,
            max_range_days,
            demo_blocks,
            max_requests_per_second,
            log_format,
            data_dir,
            database_url,
            fresh_ttl,
            lease_ttl,
            cache_bytes: cache_mb * 1024 * 1024,
            monthly_quota,
            quota_warn_percent,
            feishu_request_timeout,
            query_deadline,
            access,
            digest_tick,
            digest_claim_ttl,
            rate,
            refresh_min_interval,
            history,
        })
    }

    /// A demo configuration with defaults everywhere but the data directory and the
    /// history fetch, which is off, so that a test or a benchmark counts only its own
    /// calls to Feishu.
    pub fn demo(data_dir: PathBuf) -> Self {
        Self { data_dir, history: HistoryConfig::OFF, ..Self::from_lookup(|_| None).expect("the defaults are valid") }
    }
}

/// `DASHBOARD_SIGN_IN_PER_MINUTE`, `DASHBOARD_REQUESTS_PER_MINUTE` and
/// `DASHBOARD_CLIENT_IP_HEADER`.
fn rate_config(lookup: &impl Fn(&str) -> Option<String>) -> Result<crate::rate_limits::RateSettings, ConfigError> {
    const HINT: &str = "a whole number of requests per minute; 0 turns the limit off";
    let defaults = crate::rate_limits::RateSettings::default();
    let per_minute = |var, default: Option<std::num::NonZeroU32>| -> Result<_, ConfigError> {
        Ok(std::num::NonZeroU32::new(parse(lookup, var, default.map_or(0, std::num::NonZeroU32::get), HINT)?))
    };
    let client_ip_header = match lookup("DASHBOARD_CLIENT_IP_HEADER") {
        None => None,
        Some(value) => match axum::http::HeaderName::try_from(value.trim()) {
            Ok(name) => Some(name),
            Err(_) => {
                return Err(ConfigError::Invalid {
                    var: "DASHBOARD_CLIENT_IP_HEADER",
                    value,
                    hint: "a header name your reverse proxy writes the client's address in, e.g. X-Real-IP",
                });
            }
        },
    };
    Ok(crate::rate_limits::RateSettings {
        sign_in_per_minute: per_minute("DASHBOARD_SIGN_IN_PER_MINUTE", defaults.sign_in_per_minute)?,
        requests_per_minute: per_minute("DASHBOARD_REQUESTS_PER_MINUTE", defaults.requests_per_minute)?,
        client_ip_header,
    })
}

/// The history fetch's window when none is set: 13 months to look at (a year and the
/// month under way) and the 12 before them, which a year's view compares with. With 13
/// alone, the first look at a year waited for Feishu for its comparisons: 3 s at 2,000
/// blocks against the simulator's 1,000 calls a second, minutes at Feishu's 20.
const DEFAULT_HISTORY_MONTHS: u32 = 25;

/// `DASHBOARD_HISTORY_MONTHS`, `DASHBOARD_HISTORY_RATE_PERCENT` and
/// `DASHBOARD_HISTORY_QUOTA_PERCENT`.
fn history_config(lookup: &impl Fn(&str) -> Option<String>) -> Result<HistoryConfig, ConfigError> {
    const MONTHS_HINT: &str = "a whole number of months from 0 to 120 (0 or off turns the history fetch off), e.g. 25";
    let months = match lookup("DASHBOARD_HISTORY_MONTHS") {
        None => DEFAULT_HISTORY_MONTHS,
        Some(value) if value.trim().eq_ignore_ascii_case("off") => 0,
        Some(value) => match value.trim().parse::<u32>() {
            Ok(months) if months <= 120 => months,
            _ => return Err(ConfigError::Invalid { var: "DASHBOARD_HISTORY_MONTHS", value, hint: MONTHS_HINT }),
        },
    };
    let percent = |var: &'static str, most: u8, hint: &'static str| -> Result<u8, ConfigError> {
        match lookup(var) {
            None => Ok(50),
            Some(value) => match value.trim().trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if (1..=most).contains(&p) => Ok(p),
                _ => Err(ConfigError::Invalid { var, value, hint }),
            },
        }
    };
    Ok(HistoryConfig {
        months,
        rate_percent: percent(
            "DASHBOARD_HISTORY_RATE_PERCENT",
            90,
            "a whole percentage from 1 to 90 (people's queries keep the rest of the rate), e.g. 50",
        )?,
        quota_percent: percent("DASHBOARD_HISTORY_QUOTA_PERCENT", 100, "a whole percentage from 1 to 100, e.g. 50")?,
    })
}

/// `FEISHU_MONTHLY_QUOTA` and `FEISHU_QUOTA_WARN_PERCENT`.
fn quota_config(lookup: &impl Fn(&str) -> Option<String>) -> Result<(Option<u64>, u8), ConfigError> {
    const QUOTA_HINT: &str = "a whole number of calls per month, at least 1 (e.g. 10000), or unset for no limit";
    let quota = match lookup("FEISHU_MONTHLY_QUOTA") {
        None => None,
        Some(value) => match value.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(ConfigError::Invalid { var: "FEISHU_MONTHLY_QUOTA", value, hint: QUOTA_HINT }),
        },
    };
    const PERCENT_HINT: &str = "a whole percentage from 1 to 100, e.g. 80";
    let percent = match lookup("FEISHU_QUOTA_WARN_PERCENT") {
        None => 80,
        Some(value) => match value.trim().trim_end_matches('%').trim().parse::<u8>() {
            Ok(p) if (1..=100).contains(&p) => p,
            _ => return Err(ConfigError::Invalid { var: "FEISHU_QUOTA_WARN_PERCENT", value, hint: PERCENT_HINT }),
        },
    };
    Ok((quota, percent))
}

/// `DASHBOARD_DEMO_BLOCKS`: 1 to 20,000 blocks, 60 unless set.
fn demo_blocks(lookup: &impl Fn(&str) -> Option<String>) -> Result<usize, ConfigError> {
    const HINT: &str = "a whole number of blocks from 1 to 20000 (the demo tenant's size), e.g. 2000";
    match parse(lookup, "DASHBOARD_DEMO_BLOCKS", 60usize, HINT)? {
        blocks @ 1..=20_000 => Ok(blocks),
        blocks => Err(ConfigError::Invalid { var: "DASHBOARD_DEMO_BLOCKS", value: blocks.to_string(), hint: HINT }),
    }
}
