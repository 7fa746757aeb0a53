//! Reading one variable: a value parsed with a default, a number of seconds with a
//! floor, and the error that names the variable and the fix.

use std::time::Duration;

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

/// A whole number of seconds of at least `min`, from `var` or `default`.
pub(super) fn seconds_at_least(
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

pub(super) fn parse<T: std::str::FromStr>(
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
