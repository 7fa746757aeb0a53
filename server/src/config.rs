//! Configuration from environment variables, typed and checked at start-up. Every
//! variable is listed in README.md.

use std::env;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use secrecy::SecretString;

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

/// Sign-in settings.
#[derive(Debug, Clone)]
pub struct AccessConfig {
    /// `FEISHU_ACCOUNTS_URL` (default `https://accounts.feishu.cn`; Lark:
    /// `https://accounts.larksuite.com`): where the authorize page lives.
    pub accounts_url: Option<String>,
    /// `DASHBOARD_PUBLIC_URL`: the dashboard's external URL (for the redirect URI and
    /// the Origin check); default `http://<bound address>`.
    pub public_url: Option<String>,
    /// `DASHBOARD_ADMINS`: comma-separated open_id (`ou_…`) or union_id (`on_…`) of the
    /// people allowed in; e-mail addresses only with `DASHBOARD_ALLOW_EMAIL_ADMINS`.
    pub admins: Vec<String>,
    /// `DASHBOARD_ALLOW_EMAIL_ADMINS` (default false): let `DASHBOARD_ADMINS` list e-mail
    /// addresses. Weaker than ids (a person may change an address, a tenant may give it
    /// to someone else), and Feishu reports addresses only when the app holds the scopes
    /// `contact:user.email:readonly` and `contact:user.employee:readonly`, which the
    /// sign-in then asks the person for.
    pub allow_email_admins: bool,
    /// `FEISHU_TENANT_KEY` (default: asked of Feishu once, scope `tenant:tenant:readonly`):
    /// the tenant every person signing in must belong to.
    pub tenant_key: Option<String>,
    /// `DASHBOARD_ALLOW_APP_ADMINS` (default false): also let in anyone Feishu reports as an
    /// administrator of the app (needs the scope `admin:app.admin:check`).
    pub allow_app_admins: bool,
    /// `DASHBOARD_ACCESS_CONTACT`: whom refused people should ask, e.g. "IT help desk, it@example.com".
    pub access_contact: String,
    /// `DASHBOARD_SESSION_HOURS` (default 12): a session ends after this long without use.
    pub session_lifetime: Duration,
    /// `DASHBOARD_SECURE_COOKIES`: `true`, `false` or `auto` (default: Secure when the public
    /// URL is https; set `true` behind a TLS-terminating proxy that forwards plain HTTP).
    pub secure_cookies: Option<bool>,
    /// `DASHBOARD_FRAME_ANCESTORS` (default `'self'`): CSP frame-ancestors sources, e.g.
    /// `'self' https://portal.example.com`, so the intranet portal may embed the dashboard.
    pub frame_ancestors: String,
    /// `FEISHU_JSSDK_URL` (default [`DEFAULT_JSSDK_URL`], Feishu's CDN): the JSSDK script
    /// the sign-in page loads inside the Feishu client to sign the person in without a
    /// second login (with the app id of `FEISHU_APP_ID`). Only that page's
    /// Content-Security-Policy allows its origin.
    pub jssdk_script: JssdkScript,
}

/// Feishu's H5 JSSDK on its CDN (older CDN domains were switched off in January 2024).
pub const DEFAULT_JSSDK_URL: &str = "https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js";

/// The JSSDK script's URL and the origin a Content-Security-Policy names for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JssdkScript {
    /// The whole URL, e.g. [`DEFAULT_JSSDK_URL`].
    pub url: String,
    /// `scheme://host[:port]`, lower-case, e.g. `https://lf-scm-cn.feishucdn.com`.
    pub origin: String,
}

impl JssdkScript {
    /// An http(s) URL whose origin is a plain host (letters, digits, `.`, `-`,
    /// optionally `:port`): nothing that could widen the policy it goes into.
    pub fn parse(raw: &str) -> Option<Self> {
        let url = raw.trim();
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return None;
        }
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let (name, port) = host.split_once(':').map_or((host, None), |(n, p)| (n, Some(p)));
        let name_ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
        let path_ok = !url.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`#".contains(c));
        (name_ok && port_ok && path_ok)
            .then(|| Self { url: url.to_owned(), origin: format!("{scheme}://{}", host.to_ascii_lowercase()) })
    }
}

/// A setting that cannot be used; the message names the variable and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{set} is set but {missing} is not: set both to use Feishu, or neither for demo mode")]
    HalfCredentials { set: &'static str, missing: &'static str },
    #[error(
        "nobody could sign in: set DASHBOARD_ADMINS to the open_id or union_id of the admins \
         (comma-separated), or DASHBOARD_ALLOW_APP_ADMINS=true to let in the app's administrators"
    )]
    NobodyAllowed,
    #[error(
        "DASHBOARD_ADMINS lists e-mail addresses ({listed}): list those people by open_id (ou_…) or union_id \
         (on_…) instead — an address can be changed or given to someone else, and Feishu reports it only when \
         the app holds the contact scopes. To accept addresses anyway, set DASHBOARD_ALLOW_EMAIL_ADMINS=true \
         and grant the app contact:user.email:readonly and contact:user.employee:readonly"
    )]
    EmailAdmins { listed: String },
    #[error(
        "DATABASE_URL is not a PostgreSQL URL: write it as postgres://user:password@host:5432/database, \
         or unset it to use the embedded database in DASHBOARD_DATA_DIR"
    )]
    DatabaseUrl,
    #[error("{var}={value:?} is not valid: {hint}")]
    Invalid { var: &'static str, value: String, hint: &'static str },
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
                return Err(ConfigError::Invalid {
                    var: "DASHBOARD_LOG_FORMAT",
                    value: other.into(),
                    hint: "use text or json",
                });
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

fn access_config(lookup: &impl Fn(&str) -> Option<String>, demo: bool) -> Result<AccessConfig, ConfigError> {
    let url = |var: &'static str| -> Result<Option<String>, ConfigError> {
        match lookup(var) {
            None => Ok(None),
            Some(v) => {
                let v = v.trim().trim_end_matches('/').to_owned();
                let ok = (v.starts_with("https://") || v.starts_with("http://"))
                    && !v.contains(['?', '#', ' ', '"', '\''])
                    && v.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
                if ok {
                    Ok(Some(v))
                } else {
                    Err(ConfigError::Invalid { var, value: v, hint: "an http(s) URL without query, e.g. https://insights.example.com" })
                }
            }
        }
    };
    let admins: Vec<String> = lookup("DASHBOARD_ADMINS")
        .map(|v| v.split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect())
        .unwrap_or_default();
    let allow_app_admins = match lookup("DASHBOARD_ALLOW_APP_ADMINS").as_deref().map(str::trim) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ConfigError::Invalid { var: "DASHBOARD_ALLOW_APP_ADMINS", value: other.into(), hint: "use true or false" });
        }
    };
    let allow_email_admins = match lookup("DASHBOARD_ALLOW_EMAIL_ADMINS").as_deref().map(str::trim) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ConfigError::Invalid { var: "DASHBOARD_ALLOW_EMAIL_ADMINS", value: other.into(), hint: "use true or false" });
        }
    };
    let emails: Vec<&str> = admins.iter().map(String::as_str).filter(|a| a.contains('@')).collect();
    if !emails.is_empty() && !allow_email_admins {
        return Err(ConfigError::EmailAdmins { listed: emails.join(", ") });
    }
    let tenant_key = lookup("FEISHU_TENANT_KEY").map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(key) = &tenant_key
        && !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ConfigError::Invalid {
            var: "FEISHU_TENANT_KEY",
            value: key.clone(),
            hint: "the tenant_key Feishu reports for your tenant, letters and digits",
        });
    }
    if !demo && admins.is_empty() && !allow_app_admins {
        return Err(ConfigError::NobodyAllowed);
    }
    let secure_cookies = match lookup("DASHBOARD_SECURE_COOKIES").as_deref().map(str::trim) {
        None | Some("auto") => None,
        Some("true") | Some("1") => Some(true),
        Some("false") | Some("0") => Some(false),
        Some(other) => {
            return Err(ConfigError::Invalid { var: "DASHBOARD_SECURE_COOKIES", value: other.into(), hint: "use true, false or auto" });
        }
    };
    let hours: f64 = parse(lookup, "DASHBOARD_SESSION_HOURS", 12.0, "a number of hours, e.g. 12 or 0.5")?;
    if !(hours.is_finite() && hours > 0.0 && hours <= 24.0 * 366.0) {
        return Err(ConfigError::Invalid {
            var: "DASHBOARD_SESSION_HOURS",
            value: hours.to_string(),
            hint: "a positive number of hours, at most a year",
        });
    }
    let frame_ancestors = lookup("DASHBOARD_FRAME_ANCESTORS").unwrap_or_else(|| "'self'".into());
    if frame_ancestors.contains([';', ',', '\n', '\r']) {
        return Err(ConfigError::Invalid {
            var: "DASHBOARD_FRAME_ANCESTORS",
            value: frame_ancestors,
            hint: "space-separated CSP sources such as 'self' https://portal.example.com",
        });
    }
    let jssdk_script = match lookup("FEISHU_JSSDK_URL") {
        None => JssdkScript::parse(DEFAULT_JSSDK_URL).expect("the default JSSDK URL is valid"),
        Some(value) => JssdkScript::parse(&value).ok_or(ConfigError::Invalid {
            var: "FEISHU_JSSDK_URL",
            value,
            hint: "the http(s) URL of Feishu's JSSDK script, e.g. https://lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js",
        })?,
    };
    Ok(AccessConfig {
        accounts_url: url("FEISHU_ACCOUNTS_URL")?,
        public_url: url("DASHBOARD_PUBLIC_URL")?,
        admins,
        allow_app_admins,
        allow_email_admins,
        tenant_key,
        access_contact: lookup("DASHBOARD_ACCESS_CONTACT").unwrap_or_default(),
        session_lifetime: Duration::from_secs_f64(hours * 3600.0),
        secure_cookies,
        frame_ancestors,
        jssdk_script,
    })
}

/// `DASHBOARD_DEMO_BLOCKS`: 1 to 20,000 blocks, 60 unless set.
fn demo_blocks(lookup: &impl Fn(&str) -> Option<String>) -> Result<usize, ConfigError> {
    const HINT: &str = "a whole number of blocks from 1 to 20000 (the demo tenant's size), e.g. 2000";
    match parse(lookup, "DASHBOARD_DEMO_BLOCKS", 60usize, HINT)? {
        blocks @ 1..=20_000 => Ok(blocks),
        blocks => Err(ConfigError::Invalid { var: "DASHBOARD_DEMO_BLOCKS", value: blocks.to_string(), hint: HINT }),
    }
}

/// A whole number of seconds of at least `min`, from `var` or `default`.
fn seconds_at_least(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    min: u64,
) -> Result<Duration, ConfigError> {
    let hint = match min {
        0 | 1 => "a whole number of seconds, at least 1",
        3 => "a whole number of seconds, at least 3",
        _ => "a larger whole number of seconds",
    };
    let seconds: u64 = parse(lookup, var, default, hint)?;
    if seconds < min {
        return Err(ConfigError::Invalid { var, value: seconds.to_string(), hint });
    }
    Ok(Duration::from_secs(seconds))
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    hint: &'static str,
) -> Result<T, ConfigError> {
    match lookup(var) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| ConfigError::Invalid { var, value, hint }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn demo_without_credentials() {
        let c = config(&[]).unwrap();
        assert!(matches!(c.source, DataSource::Demo));
        assert_eq!(c.timezone, Tz::Asia__Shanghai);
    }

    #[test]
    fn feishu_with_both_and_secret_stays_hidden() {
        let c = config(&[("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s3cr3t-value"), ("DASHBOARD_ADMINS", "ou_1, on_2")])
            .unwrap();
        assert_eq!(c.access.admins, ["ou_1", "on_2"]);
        let DataSource::Feishu { base_url, .. } = &c.source else { panic!("expected Feishu") };
        assert_eq!(base_url, "https://open.feishu.cn");
        assert!(!format!("{c:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn email_admins_are_refused_unless_allowed_and_the_tenant_key_is_checked() {
        let feishu = [("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s")];
        let with = |extra: &[(&'static str, &'static str)]| config(&[&feishu[..], extra].concat());
        let e = with(&[("DASHBOARD_ADMINS", "ou_1, a@b.c")]).unwrap_err().to_string();
        assert!(e.contains("a@b.c") && e.contains("open_id") && e.contains("union_id"), "{e}");
        assert!(e.contains("DASHBOARD_ALLOW_EMAIL_ADMINS=true") && e.contains("contact:user.email:readonly"), "{e}");
        let c = with(&[("DASHBOARD_ADMINS", "ou_1, a@b.c"), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "true")]).unwrap();
        assert!(c.access.allow_email_admins);
        assert_eq!(c.access.admins, ["ou_1", "a@b.c"]);
        assert!(with(&[("DASHBOARD_ADMINS", "ou_1"), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "maybe")]).is_err());
        let c = with(&[("DASHBOARD_ADMINS", "ou_1"), ("FEISHU_TENANT_KEY", " 2ed263bf32cf1651 ")]).unwrap();
        assert_eq!(c.access.tenant_key.as_deref(), Some("2ed263bf32cf1651"));
        assert!(with(&[("DASHBOARD_ADMINS", "ou_1"), ("FEISHU_TENANT_KEY", "a b")]).is_err());
    }

    #[test]
    fn refuses_half_credentials_and_bad_values() {
        let e = config(&[("FEISHU_APP_ID", "cli_x")]).unwrap_err().to_string();
        assert!(e.contains("FEISHU_APP_SECRET"), "{e}");
        let e = config(&[("DASHBOARD_TIMEZONE", "Mars/Olympus")]).unwrap_err().to_string();
        assert!(e.contains("DASHBOARD_TIMEZONE") && e.contains("IANA"), "{e}");
        assert!(config(&[("DASHBOARD_LOG_FORMAT", "xml")]).is_err());
        assert!(config(&[("DASHBOARD_MAX_RANGE_DAYS", "0")]).is_err());
        let e = config(&[("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s")]).unwrap_err().to_string();
        assert!(e.contains("DASHBOARD_ADMINS"), "{e}");
        assert!(config(&[("DASHBOARD_PUBLIC_URL", "javascript:alert(1)")]).is_err());
        assert!(config(&[("DASHBOARD_FRAME_ANCESTORS", "'self'; script-src *")]).is_err());
        for (var, bad) in [("DASHBOARD_QUERY_TIMEOUT_SECS", "0"), ("FEISHU_REQUEST_TIMEOUT_SECS", "soon"), ("DASHBOARD_LEASE_SECS", "2")] {
            let e = config(&[(var, bad)]).unwrap_err().to_string();
            assert!(e.contains(var) && e.contains("whole number of seconds"), "{e}");
        }
    }

    #[test]
    fn the_jssdk_url_and_its_origin() {
        let c = config(&[]).unwrap();
        assert_eq!(c.access.jssdk_script.url, DEFAULT_JSSDK_URL);
        assert_eq!(c.access.jssdk_script.origin, "https://lf-scm-cn.feishucdn.com");
        let c = config(&[("FEISHU_JSSDK_URL", " http://127.0.0.1:3900/_sim/jssdk.js ")]).unwrap();
        assert_eq!(c.access.jssdk_script.url, "http://127.0.0.1:3900/_sim/jssdk.js");
        assert_eq!(c.access.jssdk_script.origin, "http://127.0.0.1:3900");
        let bad = [
            "lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js",
            "javascript:alert(1)",
            "ftp://cdn.example/sdk.js",
            "https://cdn.example; script-src */sdk.js",
            "https://*.example/sdk.js",
            "https://user@cdn.example/sdk.js",
            "https://cdn.example:port/sdk.js",
            "https:///sdk.js",
            "https://cdn.example/a b.js",
            "https://cdn.example/\"x.js",
        ];
        for value in bad {
            let e = config(&[("FEISHU_JSSDK_URL", value)]).unwrap_err().to_string();
            assert!(e.contains("FEISHU_JSSDK_URL") && e.contains("http(s) URL of Feishu's JSSDK"), "{value}: {e}");
        }
    }

    #[test]
    fn deadlines() {
        let c = config(&[]).unwrap();
        assert_eq!((c.query_deadline, c.feishu_request_timeout), (Duration::from_secs(60), Duration::from_secs(30)));
        let c = config(&[("DASHBOARD_QUERY_TIMEOUT_SECS", "5"), ("FEISHU_REQUEST_TIMEOUT_SECS", "2")]).unwrap();
        assert_eq!((c.query_deadline, c.feishu_request_timeout), (Duration::from_secs(5), Duration::from_secs(2)));
    }

    #[test]
    fn history_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(c.history, HistoryConfig { months: 25, rate_percent: 50, quota_percent: 50 });
        assert_eq!((c.history.requests_per_second(20), c.history.call_cap(Some(10_000))), (10, Some(5_000)));
        assert_eq!((c.history.requests_per_second(1), c.history.call_cap(None)), (1, None), "at least one a second");
        for off in ["0", "off", " OFF "] {
            assert_eq!(config(&[("DASHBOARD_HISTORY_MONTHS", off)]).unwrap().history.months, 0, "{off}");
        }
        let c = config(&[("DASHBOARD_HISTORY_RATE_PERCENT", "25%"), ("DASHBOARD_HISTORY_QUOTA_PERCENT", "100")]).unwrap();
        assert_eq!((c.history.rate_percent, c.history.quota_percent), (25, 100));
        for (var, bad) in [
            ("DASHBOARD_HISTORY_MONTHS", "-1"),
            ("DASHBOARD_HISTORY_MONTHS", "121"),
            ("DASHBOARD_HISTORY_MONTHS", "a year"),
            ("DASHBOARD_HISTORY_RATE_PERCENT", "0"),
            ("DASHBOARD_HISTORY_RATE_PERCENT", "95"),
            ("DASHBOARD_HISTORY_QUOTA_PERCENT", "0"),
            ("DASHBOARD_HISTORY_QUOTA_PERCENT", "half"),
        ] {
            let e = config(&[(var, bad)]).unwrap_err().to_string();
            assert!(e.contains(var) && e.contains(bad), "{e}");
        }
        assert_eq!(Config::demo(PathBuf::from("x")).history.months, 0, "tests count their own calls only");
    }

    #[test]
    fn quota_settings() {
        let c = config(&[]).unwrap();
        assert_eq!((c.monthly_quota, c.quota_warn_percent), (None, 80));
        let c = config(&[("FEISHU_MONTHLY_QUOTA", " 10000 "), ("FEISHU_QUOTA_WARN_PERCENT", "90%")]).unwrap();
        assert_eq!((c.monthly_quota, c.quota_warn_percent), (Some(10_000), 90));
        for bad in ["0", "-5", "10k", "1e4"] {
            let e = config(&[("FEISHU_MONTHLY_QUOTA", bad)]).unwrap_err().to_string();
            assert!(e.contains("FEISHU_MONTHLY_QUOTA") && e.contains("unset for no limit"), "{e}");
        }
        for bad in ["0", "101", "eighty", "80.5"] {
            let e = config(&[("FEISHU_QUOTA_WARN_PERCENT", bad)]).unwrap_err().to_string();
            assert!(e.contains("FEISHU_QUOTA_WARN_PERCENT") && e.contains("1 to 100"), "{e}");
        }
    }

    #[test]
    fn demo_tenant_size() {
        assert_eq!(config(&[]).unwrap().demo_blocks, 60);
        assert_eq!(config(&[("DASHBOARD_DEMO_BLOCKS", " 2000 ")]).unwrap().demo_blocks, 2000);
        assert_eq!(config(&[("DASHBOARD_DEMO_BLOCKS", "20000")]).unwrap().demo_blocks, 20_000);
        for bad in ["0", "20001", "-5", "2k", "many"] {
            let e = config(&[("DASHBOARD_DEMO_BLOCKS", bad)]).unwrap_err().to_string();
            assert!(e.contains("DASHBOARD_DEMO_BLOCKS") && e.contains("from 1 to 20000"), "{e}");
        }
    }
}
