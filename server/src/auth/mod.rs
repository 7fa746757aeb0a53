//! Sign-in with Feishu and who may see the data. Only allowed admins reach any page,
//! server function or `/api/` route; scripts use API tokens. See README.md for the
//! settings (`DASHBOARD_ADMINS`, `DASHBOARD_PUBLIC_URL`, …).
//!
//! Two ways in, one ending ([`sign_in`]): in a browser, Feishu's authorize page and
//! `/auth/callback` ([`login`]); inside the Feishu client, the JSSDK hands the sign-in
//! page a code that it posts to `/auth/jssdk` ([`jssdk`]), with no redirect at all.

pub mod csp_report;
mod guard;
mod jssdk;
mod jssdk_page;
pub mod links;
mod login;
pub mod pages;
mod pkce;
mod sign_in;
mod tenant;

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use feishu::{FeishuClient, FeishuUser};
use store::Store;
use use_cases::state::SessionUser;

use crate::config::JssdkScript;

pub use guard::{guard, require_same_origin};
pub use tenant::TenantPin;
/// The sign-in routes, and where browsers report what a page's policy blocked
/// ([`csp_report`], public and exempt from the Origin check: see guard.rs).
pub fn routes(state: AuthState) -> axum::Router {
    login::routes(state).merge(csp_report::routes())
}
pub use sign_in::PendingCookie;

/// Settings of sign-in, checked at start-up.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// The dashboard's external origin and path prefix, e.g. `https://insights.example.com`.
    pub public_url: String,
    /// Feishu's login host, e.g. `https://accounts.feishu.cn`.
    pub accounts_url: String,
    /// open_id, union_id or (with `email_admins`) e-mail addresses of the people allowed in.
    pub admins: Vec<String>,
    /// `DASHBOARD_ALLOW_EMAIL_ADMINS`: e-mail entries of `admins` count, and the sign-in
    /// asks the person for the contact scopes without which Feishu reports no address.
    pub email_admins: bool,
    /// The tenant everyone signing in must belong to (`FEISHU_TENANT_KEY` or Feishu's word).
    pub tenant: TenantPin,
    /// Also let in anyone Feishu reports as an administrator of the app.
    pub allow_app_admins: bool,
    /// Whom a refused person should ask, shown on the refusal page.
    pub access_contact: String,
    /// The JSSDK the sign-in page loads inside the Feishu client (`FEISHU_JSSDK_URL`).
    pub jssdk_script: JssdkScript,
    /// CSP `frame-ancestors` sources of the pages (`DASHBOARD_FRAME_ANCESTORS`).
    pub frame_ancestors: String,
}

impl AuthSettings {
    /// `public_url` + `/auth/callback`: must be registered as a redirect URL of the app.
    pub fn redirect_uri(&self) -> String {
        format!("{}/auth/callback", self.public_url)
    }

    /// The origin browsers send in `Origin` for this dashboard.
    pub fn public_origin(&self) -> String {
        match reqwest_like_origin(&self.public_url) {
            Some(origin) => origin,
            None => self.public_url.clone(),
        }
    }

    /// The scopes the sign-in asks the person for: the contact field scopes when e-mail
    /// entries count (Feishu reports `email` and `enterprise_email` only with them),
    /// else none (identity only).
    pub fn login_scopes(&self) -> &'static [&'static str] {
        if self.email_admins { &[feishu::EMAIL_SCOPE, feishu::EMPLOYEE_SCOPE] } else { &[] }
    }

    fn listed(&self, user: &FeishuUser) -> bool {
        let emails: Vec<&str> = [user.email.as_deref(), user.enterprise_email.as_deref()].into_iter().flatten().collect();
        self.allows(&user.open_id, user.union_id.as_deref(), &emails)
    }

    /// Whether a signed-in person is still allowed (the list may have changed since).
    pub fn still_allowed(&self, user: &SessionUser) -> bool {
        if user.via_app_admin {
            return self.allow_app_admins;
        }
        let emails: Vec<&str> = user.emails.iter().map(String::as_str).collect();
        self.allows(&user.open_id, user.union_id.as_deref(), &emails)
    }

    /// Whether `admins` names the person by id, or by address when addresses count.
    fn allows(&self, open_id: &str, union_id: Option<&str>, emails: &[&str]) -> bool {
        self.admins.iter().any(|allowed| {
            allowed == open_id
                || union_id == Some(allowed.as_str())
                || (self.email_admins && emails.iter().any(|e| e.eq_ignore_ascii_case(allowed)))
        })
    }
}

/// Whether the request comes from the Feishu (Lark) client's web view: its user agent
/// says `Lark/<version>` (or, unconfirmed, `Feishu/<version>`). The sign-in page still
/// checks that the JSSDK is really there before it relies on it.
pub fn is_feishu_client(headers: &HeaderMap) -> bool {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).is_some_and(|agent| {
        let agent = agent.to_ascii_lowercase();
        agent.contains("lark/") || agent.contains("feishu/")
    })
}

/// `scheme://host[:port]` of a URL.
fn reqwest_like_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    Some(format!("{scheme}://{host}"))
}

/// What the sign-in handlers and the guard share.
#[derive(Clone)]
pub struct AuthState {
    pub settings: Arc<AuthSettings>,
    pub client: FeishuClient,
    pub store: Store,
    /// Where a sign-in under way is kept (a signed cookie, nothing stored).
    pub pending: sign_in::PendingCookie,
}

/// Why someone may enter.
enum Verdict {
    Listed,
    AppAdmin,
    /// Not an admin, but granted the view of a scope.
    Viewer,
    Refused,
}

/// Why the verdict could not be had.
#[derive(Debug, thiserror::Error)]
enum VerdictError {
    #[error(transparent)]
    Feishu(#[from] feishu::FeishuError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl AuthState {
    async fn verdict(&self, user: &FeishuUser) -> Result<Verdict, VerdictError> {
        if self.settings.listed(user) {
            return Ok(Verdict::Listed);
        }
        if self.settings.allow_app_admins && self.client.is_app_admin(&user.open_id).await? {
            return Ok(Verdict::AppAdmin);
        }
        let emails: Vec<String> = [user.email.clone(), user.enterprise_email.clone()].into_iter().flatten().collect();
        let person = SessionUser {
            open_id: user.open_id.clone(),
            union_id: user.union_id.clone(),
            name: String::new(),
            emails,
            via_app_admin: false,
        };
        if self.viewer_scope(&person).await?.is_some() {
            return Ok(Verdict::Viewer);
        }
        Ok(Verdict::Refused)
    }

    /// The scope granted to `user` when they are not an admin: by their open_id, their
    /// union_id, or (when the allowlist counts addresses, which is when the sign-in asks
    /// Feishu for them) an address. Read at every request: a revoked grant ends the
    /// viewer's access at their next one.
    pub async fn viewer_scope(&self, user: &SessionUser) -> Result<Option<domain::scope::Scope>, store::StoreError> {
        let mut ids: Vec<&str> = vec![&user.open_id];
        ids.extend(user.union_id.as_deref());
        if self.settings.email_admins {
            ids.extend(user.emails.iter().map(String::as_str));
        }
        self.store.viewer_scope(&ids).await
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::is_feishu_client;

    fn agent(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_feishu_client_is_told_by_its_user_agent() {
        for client in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Lark/6.7.5 LarkLocale/en_US ttnet SDK-Version/6.7.8",
            "Mozilla/5.0 (Windows NT 10.0) Chrome/120 Safari/537.36 lark/7.30.5",
            "Mozilla/5.0 Feishu/7.1.0",
        ] {
            assert!(is_feishu_client(&agent(client)), "{client}");
        }
        for browser in ["Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36", "Larkspur browser", "curl/8.5"] {
            assert!(!is_feishu_client(&agent(browser)), "{browser}");
        }
        assert!(!is_feishu_client(&HeaderMap::new()));
    }
}
