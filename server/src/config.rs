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
    /// `FEISHU_MAX_REQUESTS_PER_SECOND` (default 20): the endpoint's documented limit;
    /// the client keeps headroom under it.
    pub max_requests_per_second: u32,
    /// `DASHBOARD_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `DASHBOARD_DATA_DIR` (default `./data`): the embedded database lives here.
    pub data_dir: PathBuf,
    /// `DASHBOARD_FRESH_TTL_SECS` (default 300): how long today's and yesterday's
    /// numbers are served before they are fetched again.
    pub fresh_ttl: Duration,
    /// `DASHBOARD_CACHE_MB` (default 256): memory budget of the day cache.
    pub cache_bytes: u64,
}

/// A setting that cannot be used; the message names the variable and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{set} is set but {missing} is not: set both to use Feishu, or neither for demo mode")]
    HalfCredentials { set: &'static str, missing: &'static str },
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
        let fresh_ttl = Duration::from_secs(parse(&lookup, "DASHBOARD_FRESH_TTL_SECS", 300, "a whole number of seconds")?);
        let cache_mb: u64 = parse(&lookup, "DASHBOARD_CACHE_MB", 256, "a whole number of megabytes, at least 1")?;
        if cache_mb == 0 {
            return Err(ConfigError::Invalid { var: "DASHBOARD_CACHE_MB", value: "0".into(), hint: "at least 1" });
        }
        Ok(Self {
            source,
            timezone,
            max_range_days,
            max_requests_per_second,
            log_format,
            data_dir,
            fresh_ttl,
            cache_bytes: cache_mb * 1024 * 1024,
        })
    }

    /// A demo configuration with defaults everywhere but the data directory, for tests.
    pub fn demo(data_dir: PathBuf) -> Self {
        Self { data_dir, ..Self::from_lookup(|_| None).expect("the defaults are valid") }
    }
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
        let c = config(&[("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s3cr3t-value")]).unwrap();
        let DataSource::Feishu { base_url, .. } = &c.source else { panic!("expected Feishu") };
        assert_eq!(base_url, "https://open.feishu.cn");
        assert!(!format!("{c:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn refuses_half_credentials_and_bad_values() {
        let e = config(&[("FEISHU_APP_ID", "cli_x")]).unwrap_err().to_string();
        assert!(e.contains("FEISHU_APP_SECRET"), "{e}");
        let e = config(&[("DASHBOARD_TIMEZONE", "Mars/Olympus")]).unwrap_err().to_string();
        assert!(e.contains("DASHBOARD_TIMEZONE") && e.contains("IANA"), "{e}");
        assert!(config(&[("DASHBOARD_LOG_FORMAT", "xml")]).is_err());
        assert!(config(&[("DASHBOARD_MAX_RANGE_DAYS", "0")]).is_err());
    }
}
