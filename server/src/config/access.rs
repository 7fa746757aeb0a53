//! The sign-in settings: who may enter, where Feishu's sign-in pages are, the public
//! address, cookies, the embedding portal and the JSSDK script.

use std::time::Duration;

use super::read::{ConfigError, parse};

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

pub(super) fn access_config(lookup: &impl Fn(&str) -> Option<String>, demo: bool) -> Result<AccessConfig, ConfigError> {
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
                    Err(ConfigError::Invalid {
                        var,
                        value: v,
                        hint: "an http(s) URL without query, e.g. https://insights.example.com",
                    })
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
            return Err(ConfigError::Invalid {
                var: "DASHBOARD_ALLOW_APP_ADMINS",
                value: other.into(),
                hint: "use true or false",
            });
        }
    };
    let allow_email_admins = match lookup("DASHBOARD_ALLOW_EMAIL_ADMINS").as_deref().map(str::trim) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ConfigError::Invalid {
                var: "DASHBOARD_ALLOW_EMAIL_ADMINS",
                value: other.into(),
                hint: "use true or false",
            });
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
            return Err(ConfigError::Invalid {
                var: "DASHBOARD_SECURE_COOKIES",
                value: other.into(),
                hint: "use true, false or auto",
            });
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
