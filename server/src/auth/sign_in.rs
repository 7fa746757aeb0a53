//! What both ways of signing in share: the sign-in under way kept in the session (its
//! `state`, used once), and the one ending — the code exchanged at Feishu, the person
//! read, the allow rules applied, a fresh session id with the person in it.

use std::time::{SystemTime, UNIX_EPOCH};

use app::state::SessionUser;
use feishu::FeishuError;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::pkce;
use super::{AuthState, Verdict};

/// Session key of the signed-in person.
pub const USER_KEY: &str = "user";
/// Session key of a sign-in under way.
const PENDING_KEY: &str = "pending_login";
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

    /// Keeps it in the session, replacing any earlier one.
    pub async fn keep(&self, session: &Session) -> Result<(), tower_sessions::session::Error> {
        session.insert(PENDING_KEY, self).await
    }

    /// Takes the sign-in under way out of the session — it is used once, whatever
    /// happens next — if `state` is its own, it was started for `flow`, and it has
    /// not expired.
    pub async fn take(session: &Session, state: Option<&str>, flow: Flow) -> Option<Self> {
        let pending: Self = session.remove(PENDING_KEY).await.ok().flatten()?;
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

/// The code Feishu gave, with what its exchange must prove.
pub enum Grant<'a> {
    /// From the authorize page, sent back to `redirect_uri`, with a PKCE verifier.
    Redirect { code: &'a str, redirect_uri: &'a str, verifier: &'a str },
    /// From the Feishu client's JSSDK: issued without either.
    Client { code: &'a str },
}

/// Why a sign-in with a code did not end with a session.
pub enum SignInFailure {
    /// Feishu refused the code or could not be asked who it belongs to.
    Feishu(FeishuError),
    /// Feishu knows the person, but they are not one of the people allowed in.
    NotAllowed { name: String },
    /// Feishu could not say whether the person administers the app.
    AdminCheck(FeishuError),
    /// The session store failed.
    Session,
}

/// Exchanges the code, reads who it belongs to, applies the allow rules and signs
/// them in: a new session id (a fixated one stays anonymous) holding the person.
pub async fn complete(auth: &AuthState, session: &Session, grant: Grant<'_>) -> Result<(), SignInFailure> {
    let token = match grant {
        Grant::Redirect { code, redirect_uri, verifier } => {
            auth.client.exchange_login_code(code, redirect_uri, verifier).await
        }
        Grant::Client { code } => auth.client.exchange_client_code(code).await,
    };
    let user = match token {
        Ok(token) => auth.client.login_user(&token).await,
        Err(error) => Err(error),
    };
    let user = user.map_err(|error| {
        tracing::warn!(%error, "sign-in failed at Feishu");
        SignInFailure::Feishu(error)
    })?;
    let via_app_admin = match auth.verdict(&user).await {
        Ok(Verdict::Listed) => false,
        Ok(Verdict::AppAdmin) => true,
        Ok(Verdict::Refused) => {
            tracing::info!(open_id = %user.open_id, "sign-in refused: not an allowed admin");
            return Err(SignInFailure::NotAllowed { name: user.name });
        }
        Err(error) => {
            tracing::warn!(%error, "could not ask Feishu whether the user administers the app");
            return Err(SignInFailure::AdminCheck(error));
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
        name: if user.name.is_empty() { user.en_name.clone().unwrap_or_default() } else { user.name.clone() },
        emails,
        via_app_admin,
    };
    if let Err(error) = session.insert(USER_KEY, &signed_in).await {
        tracing::error!(%error, "could not save the signed-in user");
        return Err(SignInFailure::Session);
    }
    tracing::info!(open_id = %signed_in.open_id, "signed in");
    Ok(())
}
