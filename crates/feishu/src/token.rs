//! The tenant access token: fetched once, shared, replaced ahead of expiry.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

/// A `tenant_access_token`. `Debug` and `Display` print `t-****`; only
/// [`ExposeSecret::expose_secret`] reveals it.
#[derive(Clone)]
pub struct TenantToken(SecretString);

impl TenantToken {
    pub(crate) fn new(token: String) -> Self {
        Self(SecretString::from(token))
    }
}

impl ExposeSecret<str> for TenantToken {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for TenantToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl fmt::Debug for TenantToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TenantToken(t-****)")
    }
}

impl fmt::Display for TenantToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("t-****")
    }
}

/// A token as the token endpoint issued it.
pub(crate) struct IssuedToken {
    pub(crate) token: TenantToken,
    /// `expire` from the answer.
    pub(crate) lifetime: Duration,
}

struct CachedToken {
    token: TenantToken,
    /// After this instant the token is replaced before use.
    refresh_at: Instant,
}

/// Caches one tenant token. When it is missing or due, exactly one caller fetches a new
/// one while the others wait for that fetch and share its outcome.
pub(crate) struct TokenCache {
    current: RwLock<Option<CachedToken>>,
    /// Held while fetching; holds the error of the last fetch when it failed, so that the
    /// callers who waited for it get that error instead of each trying again.
    refresh: tokio::sync::Mutex<Option<crate::FeishuError>>,
    /// Counts finished fetches, so a waiter can tell that a fetch ended while it waited.
    completed_fetches: AtomicU64,
    margin: Duration,
}

impl TokenCache {
    /// A cache that replaces tokens `margin` before expiry (at most half their lifetime).
    pub(crate) fn new(margin: Duration) -> Self {
        Self { current: RwLock::new(None), refresh: tokio::sync::Mutex::new(None), completed_fetches: AtomicU64::new(0), margin }
    }

    /// The cached token if it is not due, else one from `fetch` (run by one caller only).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<TenantToken, crate::FeishuError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<IssuedToken, crate::FeishuError>>,
    {
        let completed_seen = self.completed_fetches.load(Ordering::Acquire);
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let mut last_failure = self.refresh.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if self.completed_fetches.load(Ordering::Acquire) != completed_seen
            && let Some(error) = last_failure.as_ref()
        {
            return Err(error.clone());
        }
        // Cleared first: if this fetch is cancelled, waiters must not see an older error.
        *last_failure = None;
        let asked_at = Instant::now();
        let fetched = fetch().await;
        self.completed_fetches.fetch_add(1, Ordering::AcqRel);
        match fetched {
            Ok(issued) => {
                let early = self.margin.min(issued.lifetime / 2);
                let refresh_at = asked_at + issued.lifetime.saturating_sub(early);
                let token = issued.token.clone();
                *self.current.write().unwrap_or_else(PoisonError::into_inner) =
                    Some(CachedToken { token: issued.token, refresh_at });
                Ok(token)
            }
            Err(error) => {
                *last_failure = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Forgets `rejected` if it is still the cached token; a newer one stays, so that many
    /// requests failing with the same old token cause one refetch.
    pub(crate) fn invalidate(&self, rejected: &TenantToken) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|cached| &cached.token == rejected) {
            *current = None;
        }
    }

    fn fresh(&self) -> Option<TenantToken> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().filter(|cached| Instant::now() < cached.refresh_at).map(|cached| cached.token.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn issued(token: &str, lifetime_secs: u64) -> IssuedToken {
        IssuedToken { token: TenantToken::new(token.to_owned()), lifetime: Duration::from_secs(lifetime_secs) }
    }

    #[test]
    fn token_never_prints() {
        let token = TenantToken::new("t-abcdef123".to_owned());
        assert_eq!(token.to_string(), "t-****");
        assert!(!format!("{token:?}").contains("abcdef"));
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_margin_before_expiry_but_at_most_half_the_lifetime() {
        let cache = TokenCache::new(Duration::from_secs(300));
        let first = cache.get(|| async { Ok(issued("t-1", 7200)) }).await.expect("fetch");
        tokio::time::advance(Duration::from_secs(7200 - 301)).await;
        let same = cache.get(|| async { Ok(issued("t-2", 7200)) }).await.expect("cached");
        assert_eq!(same, first);
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = cache.get(|| async { Ok(issued("t-2", 60)) }).await.expect("fetch");
        assert_eq!(second.expose_secret(), "t-2");
        // A 60 s token is replaced after 30 s, not 300 s before it expires.
        tokio::time::advance(Duration::from_secs(29)).await;
        let same = cache.get(|| async { Ok(issued("t-3", 60)) }).await.expect("cached");
        assert_eq!(same.expose_secret(), "t-2");
        tokio::time::advance(Duration::from_secs(2)).await;
        let third = cache.get(|| async { Ok(issued("t-3", 60)) }).await.expect("fetch");
        assert_eq!(third.expose_secret(), "t-3");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_is_shared_by_those_who_waited_for_it() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(300)));
        let fetches = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let cache = Arc::clone(&cache);
            let fetches = Arc::clone(&fetches);
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async move {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Err(crate::FeishuError::Credentials { code: 10014, msg: "bad".into() })
                    })
                    .await
            }));
        }
        for task in tasks {
            assert!(task.await.expect("task").is_err());
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidate_only_drops_the_rejected_token() {
        let cache = TokenCache::new(Duration::from_secs(300));
        let old = cache.get(|| async { Ok(issued("t-old", 7200)) }).await.expect("fetch");
        cache.invalidate(&old);
        let new = cache.get(|| async { Ok(issued("t-new", 7200)) }).await.expect("fetch");
        cache.invalidate(&old);
        let still = cache.get(|| async { Ok(issued("t-other", 7200)) }).await.expect("cached");
        assert_eq!(still, new);
    }
}
