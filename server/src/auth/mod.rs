//! Sign-in with Feishu and who may see the data. Only allowed admins reach any page,
//! server function or `/api/` route; scripts use API tokens. See README.md for the
//! settings (`DASHBOARD_ADMINS`, `DASHBOARD_PUBLIC_URL`, …).

mod guard;
mod login;
mod pages;
mod pkce;

use std::sync::Arc;

use app::state::SessionUser;
use feishu::{FeishuClient, FeishuUser};
use store::Store;

pub use guard::{guard, require_same_origin};
pub use login::routes;

/// Settings of sign-in, checked at start-up.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// The dashboard's external origin and path prefix, e.g. `https://insights.example.com`.
    pub public_url: String,
    /// Feishu's login host, e.g. `https://accounts.feishu.cn`.
    pub accounts_url: String,
    /// open_id, union_id or e-mail addresses of the people allowed in (lower-cased e-mails).
    pub admins: Vec<String>,
    /// Also let in anyone Feishu reports as an administrator of the app.
    pub allow_app_admins: bool,
    /// Whom a refused person should ask, shown on the refusal page.
    pub access_contact: String,
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

    fn listed(&self, user: &FeishuUser) -> bool {
        let mut ids = vec![user.open_id.as_str()];
        ids.extend(user.union_id.as_deref());
        let emails = [user.email.as_deref(), user.enterprise_email.as_deref()];
        self.admins.iter().any(|allowed| {
            ids.contains(&allowed.as_str()) || emails.iter().flatten().any(|e| e.eq_ignore_ascii_case(allowed))
        })
    }

    /// Whether a signed-in person is still allowed (the list may have changed since).
    pub fn still_allowed(&self, user: &SessionUser) -> bool {
        if user.via_app_admin {
            return self.allow_app_admins;
        }
        let mut ids = vec![user.open_id.as_str()];
        ids.extend(user.union_id.as_deref());
        self.admins.iter().any(|allowed| {
            ids.contains(&allowed.as_str()) || user.emails.iter().any(|e| e.eq_ignore_ascii_case(allowed))
        })
    }
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
}

/// Why someone may enter.
enum Verdict {
    Listed,
    AppAdmin,
    Refused,
}

impl AuthState {
    async fn verdict(&self, user: &FeishuUser) -> Result<Verdict, feishu::FeishuError> {
        if self.settings.listed(user) {
            return Ok(Verdict::Listed);
        }
        if self.settings.allow_app_admins && self.client.is_app_admin(&user.open_id).await? {
            return Ok(Verdict::AppAdmin);
        }
        Ok(Verdict::Refused)
    }
}
