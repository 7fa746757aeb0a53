//! What the login flow hands out: authorization codes, user access tokens and
//! refresh tokens, with their lifetimes and the single use of codes. The simulator's
//! state holds them; the `oauth` and `jssdk` handlers hand them out and check them.
//!
//! Every token descends from one code (its "family"). Presenting a code a
//! second time, or a refresh token already rotated away, revokes the whole
//! family, as RFC 6749 §4.1.2 and RFC 6819 §5.2.2.3 advise: someone replaying
//! a grant may have stolen it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Used or expired codes, and expired tokens, are remembered this long past
/// their expiry so that a late replay gets "already used" / "expired" rather
/// than "unknown".
const REMEMBER_PAST_EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);

/// The scope that makes the token endpoint add a refresh token.
pub(crate) const OFFLINE_ACCESS: &str = "offline_access";

/// What the request for a code fixed, to be checked when the code is exchanged.
#[derive(Clone, Debug)]
pub(crate) struct CodeRequest {
    /// Who asked for the code, and so what its exchange must prove.
    pub issuer: CodeIssuer,
    /// Space-separated, as requested (possibly empty).
    pub scope: String,
    /// The person who signed in.
    pub open_id: String,
}

/// Where a code came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CodeIssuer {
    /// The authorize page: the exchange repeats the redirect_uri and proves the
    /// PKCE verifier.
    Authorize {
        redirect_uri: String,
        /// base64url(SHA-256(code_verifier)), 43 characters.
        code_challenge: String,
    },
    /// The Feishu client, to a web app's page through the JSSDK: issued without
    /// either, and living [`Lifetimes::client_code`].
    Client {
        /// Which call of the JSSDK asked for it, which decides where it is traded.
        api: ClientApi,
    },
}

/// The JSSDK call that got a code from the Feishu client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientApi {
    /// `tt.requestAccess` (clients 6.9 and later): traded at `/authen/v2/oauth/token`.
    RequestAccess,
    /// `tt.requestAuthCode` (older clients): traded at `/authen/v1/access_token`.
    RequestAuthCode,
}

/// Why a code cannot be exchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeRefusal {
    /// Never issued here (or forgotten long ago).
    Unknown,
    /// Older than the code lifetime.
    Expired,
    /// Presented before; the tokens issued from it are now revoked.
    AlreadyUsed,
}

/// Why a token (access or refresh) is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// Never issued here, or revoked.
    Unknown,
    /// Past its lifetime.
    Expired,
    /// A refresh token already rotated away; its family is now revoked.
    AlreadyUsed,
}

/// A person's tokens as the token endpoint answers them.
#[derive(Clone, Debug)]
pub(crate) struct IssuedTokens {
    pub access_token: String,
    pub expires_in: u64,
    /// With its lifetime in seconds; only when the scope has `offline_access`.
    pub refresh_token: Option<(String, u64)>,
    pub scope: String,
}

/// Who a valid user access token speaks for, and what they granted.
#[derive(Clone, Debug)]
pub(crate) struct TokenOwner {
    pub open_id: String,
    /// Space-separated scopes, as granted at sign-in.
    pub scope: String,
}

#[derive(Debug)]
struct Code {
    request: CodeRequest,
    expires_at: Instant,
    used: bool,
}

#[derive(Debug)]
struct Grant {
    open_id: String,
    scope: String,
    expires_at: Instant,
    /// The code all tokens of one login descend from.
    family: String,
    /// Refresh tokens only: rotated away by a refresh.
    used: bool,
}

#[derive(Debug, Default)]
struct Grants {
    codes: HashMap<String, Code>,
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
}

impl Grants {
    fn prune(&mut self, now: Instant) {
        let keep = |expires_at: Instant| expires_at + REMEMBER_PAST_EXPIRY > now;
        self.codes.retain(|_, code| keep(code.expires_at));
        self.access.retain(|_, grant| keep(grant.expires_at));
        self.refresh.retain(|_, grant| keep(grant.expires_at));
    }

    fn revoke_family(&mut self, family: &str) {
        self.access.retain(|_, grant| grant.family != family);
        self.refresh.retain(|_, grant| grant.family != family);
    }
}

/// Lifetimes of the three kinds of grant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lifetimes {
    /// Of a code from the authorize page.
    pub code: Duration,
    /// Of a code the Feishu client hands out through the JSSDK.
    pub client_code: Duration,
    pub access: Duration,
    pub refresh: Duration,
}

/// All codes and user tokens the simulator has issued.
#[derive(Debug)]
pub(crate) struct LoginGrants {
    lifetimes: Lifetimes,
    grants: Mutex<Grants>,
}

impl LoginGrants {
    pub fn new(lifetimes: Lifetimes) -> Self {
        Self { lifetimes, grants: Mutex::new(Grants::default()) }
    }

    /// A fresh single-use code for this request, living as long as its issuer's
    /// codes do.
    pub fn issue_code(&self, request: CodeRequest, now: Instant) -> String {
        let lifetime = match request.issuer {
            CodeIssuer::Authorize { .. } => self.lifetimes.code,
            CodeIssuer::Client { .. } => self.lifetimes.client_code,
        };
        self.issue_code_expiring(request, now + lifetime, now)
    }

    /// A fresh single-use code that expires at `expires_at` (the past makes it
    /// expired at once).
    pub fn issue_code_expiring(&self, request: CodeRequest, expires_at: Instant, now: Instant) -> String {
        let code = random_hex();
        let mut grants = self.lock();
        grants.prune(now);
        grants.codes.insert(code.clone(), Code { request, expires_at, used: false });
        code
    }

    /// Who handed out `code`, if it was issued here (looked at, not spent).
    pub fn issuer_of(&self, code: &str) -> Option<CodeIssuer> {
        self.lock().codes.get(code).map(|entry| entry.request.issuer.clone())
    }

    /// Uses up `code` and returns what its authorize request fixed. The code
    /// is spent even if the caller then refuses the exchange (wrong
    /// redirect_uri or verifier): it is single use, not single success.
    pub fn redeem_code(&self, code: &str, now: Instant) -> Result<CodeRequest, CodeRefusal> {
        let mut grants = self.lock();
        let entry = grants.codes.get_mut(code).ok_or(CodeRefusal::Unknown)?;
        if entry.used {
            grants.revoke_family(code);
            return Err(CodeRefusal::AlreadyUsed);
        }
        entry.used = true;
        if entry.expires_at <= now {
            return Err(CodeRefusal::Expired);
        }
        Ok(entry.request.clone())
    }

    /// New tokens for a person; `family` is the code they descend from.
    pub fn issue_tokens(&self, open_id: &str, scope: &str, family: &str, now: Instant) -> IssuedTokens {
        let mut grants = self.lock();
        grants.prune(now);
        let grant = |lifetime: Duration| Grant {
            open_id: open_id.to_owned(),
            scope: scope.to_owned(),
            expires_at: now + lifetime,
            family: family.to_owned(),
            used: false,
        };
        let access_token = format!("u-{}", random_hex());
        grants.access.insert(access_token.clone(), grant(self.lifetimes.access));
        let refresh_token = scope.split(' ').any(|s| s == OFFLINE_ACCESS).then(|| {
            let token = format!("ur-{}", random_hex());
            grants.refresh.insert(token.clone(), grant(self.lifetimes.refresh));
            (token, self.lifetimes.refresh.as_secs())
        });
        IssuedTokens { access_token, expires_in: self.lifetimes.access.as_secs(), refresh_token, scope: scope.to_owned() }
    }

    /// Rotates a refresh token: new access and refresh tokens with the same
    /// scope; the old refresh token dies, the old access token lives on until
    /// its own expiry.
    pub fn refresh(&self, refresh_token: &str, now: Instant) -> Result<IssuedTokens, TokenRefusal> {
        let (open_id, scope, family) = {
            let mut grants = self.lock();
            let grant = grants.refresh.get_mut(refresh_token).ok_or(TokenRefusal::Unknown)?;
            if grant.used {
                let family = grant.family.clone();
                grants.revoke_family(&family);
                return Err(TokenRefusal::AlreadyUsed);
            }
            if grant.expires_at <= now {
                return Err(TokenRefusal::Expired);
            }
            grant.used = true;
            (grant.open_id.clone(), grant.scope.clone(), grant.family.clone())
        };
        Ok(self.issue_tokens(&open_id, &scope, &family, now))
    }

    /// The person a user access token belongs to.
    pub fn owner_of(&self, access_token: &str, now: Instant) -> Result<TokenOwner, TokenRefusal> {
        let grants = self.lock();
        let grant = grants.access.get(access_token).ok_or(TokenRefusal::Unknown)?;
        if grant.expires_at <= now {
            return Err(TokenRefusal::Expired);
        }
        Ok(TokenOwner { open_id: grant.open_id.clone(), scope: grant.scope.clone() })
    }

    /// Makes every user access token expired (refresh tokens stay valid).
    pub fn expire_access_tokens(&self, now: Instant) {
        for grant in self.lock().access.values_mut() {
            grant.expires_at = grant.expires_at.min(now);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Grants> {
        // A panic while holding the lock cannot leave the maps inconsistent.
        self.grants.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn random_hex() -> String {
    rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn grants() -> LoginGrants {
        LoginGrants::new(Lifetimes {
            code: Duration::from_secs(300),
            client_code: Duration::from_secs(180),
            access: Duration::from_secs(7200),
            refresh: Duration::from_secs(86_400),
        })
    }

    fn request(scope: &str) -> CodeRequest {
        CodeRequest {
            issuer: CodeIssuer::Authorize {
                redirect_uri: "http://localhost/cb".to_owned(),
                code_challenge: CHALLENGE.to_owned(),
            },
            scope: scope.to_owned(),
            open_id: "ou_x".to_owned(),
        }
    }

    #[test]
    fn a_code_is_single_use_and_a_replay_revokes_its_tokens() {
        let grants = grants();
        let t0 = Instant::now();
        let code = grants.issue_code(request(OFFLINE_ACCESS), t0);
        let fixed = grants.redeem_code(&code, t0).expect("first use");
        let tokens = grants.issue_tokens(&fixed.open_id, &fixed.scope, &code, t0);
        let (refresh, _) = tokens.refresh_token.clone().expect("offline_access");
        assert!(grants.owner_of(&tokens.access_token, t0).is_ok());

        assert_eq!(grants.redeem_code(&code, t0).unwrap_err(), CodeRefusal::AlreadyUsed);
        assert_eq!(grants.owner_of(&tokens.access_token, t0).unwrap_err(), TokenRefusal::Unknown);
        assert_eq!(grants.refresh(&refresh, t0).unwrap_err(), TokenRefusal::Unknown);
        assert_eq!(grants.redeem_code("nope", t0).unwrap_err(), CodeRefusal::Unknown);
    }

    #[test]
    fn codes_and_tokens_expire() {
        let grants = grants();
        let t0 = Instant::now();
        let code = grants.issue_code(request(""), t0);
        assert_eq!(grants.redeem_code(&code, t0 + Duration::from_secs(300)).unwrap_err(), CodeRefusal::Expired);
        let tokens = grants.issue_tokens("ou_x", "", "family", t0);
        assert!(tokens.refresh_token.is_none());
        let later = t0 + Duration::from_secs(7200);
        assert_eq!(grants.owner_of(&tokens.access_token, later).unwrap_err(), TokenRefusal::Expired);
    }

    #[test]
    fn refresh_rotates_and_a_reused_refresh_token_revokes_the_family() {
        let grants = grants();
        let t0 = Instant::now();
        let first = grants.issue_tokens("ou_x", OFFLINE_ACCESS, "family", t0);
        let (refresh, _) = first.refresh_token.clone().expect("refresh token");
        let second = grants.refresh(&refresh, t0).expect("refresh");
        assert_ne!(second.access_token, first.access_token);
        assert!(grants.owner_of(&first.access_token, t0).is_ok(), "old access token lives on");

        assert_eq!(grants.refresh(&refresh, t0).unwrap_err(), TokenRefusal::AlreadyUsed);
        assert_eq!(grants.owner_of(&second.access_token, t0).unwrap_err(), TokenRefusal::Unknown);
    }
}
