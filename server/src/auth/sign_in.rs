//! What both ways of signing in share: the sign-in under way kept in a signed cookie
//! of its own ([`PendingCookie`]: nothing is stored on the server before sign-in), and the one ending — the code exchanged at Feishu, the person
//! read, the allow rules applied, a fresh session id with the person in it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use feishu::{FeishuError, FeishuUser};
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_sessions::Session;
use use_cases::state::SessionUser;

use super::pkce;
use super::{AuthState, Verdict};

/// Session key of the signed-in person.
pub const USER_KEY: &str = "user";
/// How long a sign-in may take at Feishu.
const PENDING_SECONDS: u64 = 600;

/// How a sign-in under way gets its code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flow {
    /// Feishu's authorize page sends the browser back to `/auth/callback`.
    #[default]
    Redirect,
    /// The JSSDK hands the sign-in page a code inside the Feishu client.
    Client,
}

/// A sign-in that was started here and has not come back yet.
#[derive(Serialize, Deserialize)]
pub struct PendingLogin {
    pub state: String,
    /// The PKCE verifier (used by the redirect flow only).
    pub verifier: String,
    /// Where to go once signed in: a local path.
    pub next: String,
    started: u64,
    #[serde(default)]
    flow: Flow,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl PendingLogin {
    /// A new sign-in towards `next` (already a local path), with fresh secrets.
    pub fn new(flow: Flow, next: String) -> Self {
        Self { state: pkce::random_token(), verifier: pkce::random_token(), next, started: now(), flow }
    }

    /// The `Set-Cookie` that keeps it in the browser, replacing any earlier one.
    pub fn keep(&self, cookie: &PendingCookie) -> HeaderValue {
        cookie.seal(self)
    }

    /// The sign-in under way that the request's cookie holds — if `state` is its own,
    /// it was started for `flow`, and it has not expired. The caller clears the cookie
    /// ([`PendingCookie::cleared`]) whatever happens next.
    pub fn take(cookie: &PendingCookie, headers: &HeaderMap, state: Option<&str>, flow: Flow) -> Option<Self> {
        let pending = cookie.open(headers)?;
        let state_ok = state.is_some_and(|s| pkce::same(s, &pending.state));
        let fresh = now().saturating_sub(pending.started) <= PENDING_SECONDS;
        if state_ok && fresh && pending.flow == flow {
            Some(pending)
        } else {
            tracing::warn!(?flow, "sign-in refused: unknown, forged or expired state");
            None
        }
    }
}

/// Where a sign-in under way is kept: a cookie of its own, signed, that expires with the
/// sign-in (ten minutes), and nothing on the server. A visitor who only opens `/login`
/// (or a script that floods it) leaves no record in the store; a session is stored only
/// once someone has signed in.
///
/// The cookie holds `state`, the PKCE verifier, where to go back and when the sign-in
/// started, as JSON, with an HMAC-SHA256 of it under a key derived from the app secret
/// (the same on every replica; a forged or altered cookie is ignored). It is HttpOnly,
/// `SameSite=Lax` (it must come back with Feishu's redirect, a top-level GET), and
/// `__Host-` prefixed when Secure. It is readable by whoever holds it, which is the
/// browser that started the sign-in: the verifier proves to Feishu that the code is
/// redeemed by the party that asked for it, and only this browser and this server ever
/// see it. Replaying a callback with the same cookie gets nowhere: Feishu redeems each
/// code once.
#[derive(Clone)]
pub struct PendingCookie {
    key: Arc<[u8; 32]>,
    secure: bool,
}

type Mac = Hmac<Sha256>;

impl PendingCookie {
    /// The cookie of the app whose secret is `app_secret`; `secure` as the session cookie.
    pub fn new(app_secret: &str, secure: bool) -> Self {
        let key: [u8; 32] =
            Sha256::new().chain_update(b"block-insights pending sign-in v1\0").chain_update(app_secret).finalize().into();
        Self { key: Arc::new(key), secure }
    }

    fn name(&self) -> &'static str {
        if self.secure { "__Host-bi_signin" } else { "bi_signin" }
    }

    fn mac(&self) -> Mac {
        Mac::new_from_slice(self.key.as_slice()).expect("HMAC takes a key of any length")
    }

    fn attributes(&self, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
    }

    fn seal(&self, pending: &PendingLogin) -> HeaderValue {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(pending).expect("a pending sign-in serializes"));
        let tag = URL_SAFE_NO_PAD.encode(self.mac().chain_update(payload.as_bytes()).finalize().into_bytes());
        let cookie = format!("{}={payload}.{tag}; {}", self.name(), self.attributes(PENDING_SECONDS));
        HeaderValue::from_str(&cookie).expect("base64 and fixed attributes are a valid header")
    }

    fn open(&self, headers: &HeaderMap) -> Option<PendingLogin> {
        let value = app::request_cookie(headers, self.name())?;
        let (payload, tag) = value.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac().chain_update(payload.as_bytes()).verify_slice(&tag).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    /// The `Set-Cookie` that removes the sign-in under way: it is used once.
    pub fn cleared(&self) -> HeaderValue {
        HeaderValue::from_str(&format!("{}=; {}", self.name(), self.attributes(0))).expect("a valid header")
    }
}

/// The code Feishu gave, with what its exchange must prove.
pub enum Grant<'a> {
    /// From the authorize page, sent back to `redirect_uri`, with a PKCE verifier.
    Redirect { code: &'a str, redirect_uri: &'a str, verifier: &'a str },
    /// From the Feishu client's JSSDK: issued without either.
    Client { code: &'a str, api: ClientApi },
}

/// The JSSDK call that got the code, which decides where Feishu trades it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientApi {
    /// `tt.requestAccess` (clients 6.9 and later): `/authen/v2/oauth/token`.
    RequestAccess,
    /// `tt.requestAuthCode` (older clients): `/authen/v1/access_token` with an app token.
    RequestAuthCode,
}

impl ClientApi {
    /// The call the sign-in page names (`requestAccess` or `requestAuthCode`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "requestAccess" => Some(Self::RequestAccess),
            "requestAuthCode" => Some(Self::RequestAuthCode),
            _ => None,
        }
    }
}

/// Why a sign-in with a code did not end with a session.
pub enum SignInFailure {
    /// Feishu refused the code or could not be asked who it belongs to.
    Feishu(FeishuError),
    /// Feishu knows the person, but they are not one of the people allowed in.
    NotAllowed { name: String },
    /// The person belongs to another tenant than this app's.
    OtherTenant { name: String },
    /// Feishu could not say which tenant this app belongs to.
    TenantUnknown(FeishuError),
    /// Feishu could not say whether the person administers the app.
    AdminCheck(FeishuError),
    /// The session store failed.
    Session,
}

/// Exchanges the code, reads who it belongs to, applies the allow rules and signs
/// them in: a new session id (a fixated one stays anonymous) holding the person.
/// `next` is where the person is going: a read-only link's address (`/s/{id}`) lets in
/// any person of the tenant, for that link alone ([`super::links`]).
pub async fn complete(auth: &AuthState, session: &Session, grant: Grant<'_>, next: &str) -> Result<(), SignInFailure> {
    let token = match grant {
        Grant::Redirect { code, redirect_uri, verifier } => auth.client.exchange_login_code(code, redirect_uri, verifier).await,
        Grant::Client { code, api: ClientApi::RequestAccess } => auth.client.exchange_client_code(code).await,
        Grant::Client { code, api: ClientApi::RequestAuthCode } => auth.client.exchange_old_client_code(code).await,
    };
    let user = match token {
        Ok(token) => auth.client.login_user(&token).await,
        Err(error) => Err(error),
    };
    let user = user.map_err(|error| {
        tracing::warn!(%error, "sign-in failed at Feishu");
        SignInFailure::Feishu(error)
    })?;
    match auth.settings.tenant.admits(&auth.client, &user).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(open_id = %user.open_id, tenant_key = ?user.tenant_key, "sign-in refused: a person of another tenant");
            return Err(SignInFailure::OtherTenant { name: display_name(&user) });
        }
        Err(error) => {
            tracing::warn!(%error, "could not ask Feishu which tenant the app belongs to");
            return Err(SignInFailure::TenantUnknown(error));
        }
    }
    let mut visiting = None;
    let via_app_admin = match auth.verdict(&user).await {
        Ok(Verdict::Listed | Verdict::Viewer) => false,
        Ok(Verdict::AppAdmin) => true,
        Ok(Verdict::Refused) => match super::links::link_path(next) {
            Some(id) if use_cases::share_links::usable(&auth.store, id).await.is_ok() => {
                tracing::info!(open_id = %user.open_id, link = %id, "signed in to open a read-only link");
                visiting = Some(id.to_owned());
                false
            }
            _ => {
                tracing::info!(open_id = %user.open_id, "sign-in refused: not an allowed admin");
                return Err(SignInFailure::NotAllowed { name: display_name(&user) });
            }
        },
        Err(super::VerdictError::Feishu(error)) => {
            tracing::warn!(%error, "could not ask Feishu whether the user administers the app");
            return Err(SignInFailure::AdminCheck(error));
        }
        Err(super::VerdictError::Store(error)) => {
            tracing::error!(%error, "could not read the viewers' grants");
            return Err(SignInFailure::Session);
        }
    };
    if let Err(error) = session.cycle_id().await {
        tracing::error!(%error, "could not rotate the session id");
        return Err(SignInFailure::Session);
    }
    let emails = [user.email.clone(), user.enterprise_email.clone()].into_iter().flatten().collect();
    let signed_in = SessionUser {
        open_id: user.open_id.clone(),
        union_id: user.union_id.clone(),
        name: display_name(&user),
        emails,
        via_app_admin,
    };
    if let Err(error) = session.insert(USER_KEY, &signed_in).await {
        tracing::error!(%error, "could not save the signed-in user");
        return Err(SignInFailure::Session);
    }
    if let Some(link) = visiting
        && let Err(error) = session.insert(super::links::LINK_KEY, &link).await
    {
        tracing::error!(%error, "could not save the link opened");
        return Err(SignInFailure::Session);
    }
    tracing::info!(open_id = %signed_in.open_id, "signed in");
    Ok(())
}

/// The person's name as pages show it: their name, else their English name.
fn display_name(user: &FeishuUser) -> String {
    if user.name.is_empty() { user.en_name.clone().unwrap_or_default() } else { user.name.clone() }
}
