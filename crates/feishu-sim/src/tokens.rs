//! Tenant (and app) access tokens: issued, reused while fresh, valid until they expire.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Feishu reissues a token once less than this is left (scaled down for short
/// lifetimes, see [`TokenStore::reuse_threshold`]).
const REUSE_WHILE_LEFT: Duration = Duration::from_secs(30 * 60);

/// A token as handed to the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GrantedToken {
    pub token: String,
    /// Whole seconds left, rounded down so a client never outlives the token.
    pub expire_secs: u64,
}

#[derive(Debug)]
struct Issued {
    app_id: String,
    expires_at: Instant,
}

#[derive(Debug, Default)]
struct Tokens {
    /// Every token still valid (or expired but not yet pruned).
    issued: HashMap<String, Issued>,
    /// The newest token of each app.
    current: HashMap<String, String>,
}

/// All tenant tokens the simulator has issued.
#[derive(Debug)]
pub(crate) struct TokenStore {
    ttl: Duration,
    /// `t-` for tenant tokens, `a-` for app tokens.
    prefix: &'static str,
    tokens: Mutex<Tokens>,
}

impl TokenStore {
    /// A store of tenant tokens (`t-…`).
    pub fn new(ttl: Duration) -> Self {
        Self::with_prefix(ttl, "t-")
    }

    /// A store of tokens starting with `prefix` (`a-` for app tokens).
    pub fn with_prefix(ttl: Duration, prefix: &'static str) -> Self {
        Self { ttl, prefix, tokens: Mutex::new(Tokens::default()) }
    }

    /// Feishu's rule is "same token while at least 30 min are left" for a 2 h
    /// lifetime. For shorter lifetimes that would always reissue, so the
    /// threshold is the smaller of 30 min and a quarter of the lifetime
    /// (which is exactly 30 min for the real 2 h).
    pub fn reuse_threshold(&self) -> Duration {
        REUSE_WHILE_LEFT.min(self.ttl / 4)
    }

    /// The app's current token if it still has the reuse threshold left,
    /// otherwise a new one; older tokens stay valid until their own expiry.
    pub fn grant(&self, app_id: &str, now: Instant) -> GrantedToken {
        let mut tokens = self.lock();
        tokens.issued.retain(|_, issued| issued.expires_at > now);
        let current = tokens.current.get(app_id).and_then(|token| {
            let left = tokens.issued.get(token)?.expires_at.saturating_duration_since(now);
            (left >= self.reuse_threshold()).then(|| GrantedToken { token: token.clone(), expire_secs: left.as_secs() })
        });
        if let Some(granted) = current {
            return granted;
        }
        let token = format!("{}{}", self.prefix, hex(&rand::random::<[u8; 16]>()));
        tokens.issued.insert(token.clone(), Issued { app_id: app_id.to_owned(), expires_at: now + self.ttl });
        tokens.current.insert(app_id.to_owned(), token.clone());
        GrantedToken { token, expire_secs: self.ttl.as_secs() }
    }

    /// The app a token belongs to, if the token is known and not expired.
    pub fn app_of(&self, token: &str, now: Instant) -> Option<String> {
        let tokens = self.lock();
        let issued = tokens.issued.get(token)?;
        (issued.expires_at > now).then(|| issued.app_id.clone())
    }

    /// Forgets every token, as if all had expired.
    pub fn expire_all(&self) {
        let mut tokens = self.lock();
        tokens.issued.clear();
        tokens.current.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        // A panic while holding the lock cannot leave the maps inconsistent.
        self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_token_while_fresh_new_one_near_expiry_old_one_still_valid() {
        let store = TokenStore::new(Duration::from_secs(7200));
        let t0 = Instant::now();
        let first = store.grant("cli_a", t0);
        assert_eq!(first.expire_secs, 7200);
        let again = store.grant("cli_a", t0 + Duration::from_secs(5400));
        assert_eq!(again, GrantedToken { token: first.token.clone(), expire_secs: 1800 });
        let later = t0 + Duration::from_secs(5401);
        let fresh = store.grant("cli_a", later);
        assert_ne!(fresh.token, first.token);
        assert_eq!(store.app_of(&first.token, later).as_deref(), Some("cli_a"));
        assert_eq!(store.app_of(&first.token, t0 + Duration::from_secs(7200)), None);
    }

    #[test]
    fn threshold_scales_with_short_lifetimes() {
        assert_eq!(TokenStore::new(Duration::from_secs(7200)).reuse_threshold(), Duration::from_secs(1800));
        assert_eq!(TokenStore::new(Duration::from_secs(4)).reuse_threshold(), Duration::from_secs(1));
        assert_eq!(TokenStore::new(Duration::from_secs(86_400)).reuse_threshold(), Duration::from_secs(1800));
    }
}
