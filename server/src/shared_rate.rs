//! The Feishu request budget shared by every replica through the shared store
//! (PostgreSQL): Feishu allows 20 requests a second to the whole app, not to each
//! replica.
//!
//! Each replica serves its own callers first come, first served, as the in-process
//! budget does: only the caller at the head of the local line asks the database for a
//! grant, waiting as long as the database says between attempts. The grants a replica
//! holds are kept in order; a release hands back the oldest (which one does not matter
//! to the count, see [`feishu::SlidingWindowBudget`]).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use feishu::{RateBudget, RateLimit};
use store::{RateAttempt, Store};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The first pause after the database failed to answer; it doubles up to
/// [`MAX_ERROR_BACKOFF`] while the failures last.
const FIRST_ERROR_BACKOFF: Duration = Duration::from_millis(100);
const MAX_ERROR_BACKOFF: Duration = Duration::from_secs(2);

/// A [`RateBudget`] whose grants live in the shared store, so that all replicas
/// together stay within Feishu's limit.
///
/// A grant counts from the moment it is granted until `limit.window` after its
/// request was answered. A replica that dies holding grants does not strand them: each
/// expires `lease` after it was granted (and then counts one more window).
pub struct SharedRateBudget {
    store: Store,
    /// This replica, as the grants name it: host, process and a random part.
    holder: String,
    limit: RateLimit,
    lease: Duration,
    /// The ids of this replica's unreleased grants, oldest first. Never locked across
    /// an await.
    outstanding: Mutex<VecDeque<String>>,
    /// The local waiting line: held by the caller at its head while it asks the
    /// database.
    queue: tokio::sync::Mutex<()>,
    /// Wakes the head of the line when one of this replica's releases has reached the
    /// database, so that it need not sleep out a whole poll interval.
    released: Arc<Notify>,
}

impl SharedRateBudget {
    /// A budget of `limit.max_requests` (at least 1) per `limit.window` over every
    /// replica using the same shared `store`, with grants expiring `lease` after they
    /// were granted when never released (see [`SharedRateBudget::lease_for`]).
    ///
    /// The store must be the shared one ([`Store::connect`]); on SQLite every attempt
    /// fails and is retried, and no request is ever sent.
    pub fn new(store: Store, limit: RateLimit, lease: Duration) -> Arc<Self> {
        if !store.is_shared() {
            tracing::error!(
                "the shared Feishu request budget was given the SQLite store; it needs DATABASE_URL (PostgreSQL) and will grant nothing"
            );
        }
        let limit = RateLimit { max_requests: limit.max_requests.max(1), ..limit };
        Arc::new(Self {
            store,
            holder: store::replica_name(),
            limit,
            lease,
            outstanding: Mutex::new(VecDeque::new()),
            queue: tokio::sync::Mutex::new(()),
            released: Arc::new(Notify::new()),
        })
    }

    /// A lease for a Feishu client whose `request_timeout` is `FeishuConfig::request_timeout`:
    /// the request may wait up to one timeout for a tenant token after its grant and take
    /// up to another one itself, plus a margin for a slow process. A grant must not
    /// expire while its request may still be on its way.
    pub fn lease_for(request_timeout: Duration) -> Duration {
        request_timeout.saturating_mul(2).saturating_add(Duration::from_secs(5))
    }

    /// The limit this budget enforces over all replicas.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// This replica's name in the grants it takes.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    async fn acquire_grant(&self) -> Duration {
        let started = Instant::now();
        let _head_of_line = self.queue.lock().await;
        let mut backoff = FIRST_ERROR_BACKOFF;
        loop {
            // A release may land while the database is asked: listen before asking.
            let released = self.released.notified();
            let attempt =
                self.store.try_take_rate_grant(&self.holder, self.limit.max_requests, self.limit.window, self.lease).await;
            match attempt {
                Ok(RateAttempt::Granted { id }) => {
                    self.outstanding.lock().unwrap_or_else(PoisonError::into_inner).push_back(id);
                    return started.elapsed();
                }
                Ok(RateAttempt::Wait(wait)) => {
                    backoff = FIRST_ERROR_BACKOFF;
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = released => {}
                    }
                }
                Err(error) => {
                    // The store's message names what failed, never the URL or password.
                    tracing::warn!(
                        %error,
                        retry_in_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                        "could not take a grant of the shared Feishu request budget; trying again"
                    );
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(MAX_ERROR_BACKOFF);
                }
            }
        }
    }
}

impl RateBudget for SharedRateBudget {
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Duration> + Send + '_>> {
        Box::pin(self.acquire_grant())
    }

    /// Releases the oldest of this replica's grants in the database, in the background.
    /// Should that fail, the grant expires after the lease instead.
    fn release(&self) {
        self.release_after(Duration::ZERO);
    }

    /// A request without an answer may still arrive: its grant counts
    /// [`feishu::UNANSWERED_GRACE`] longer.
    fn release_unanswered(&self) {
        self.release_after(feishu::UNANSWERED_GRACE);
    }
}

impl SharedRateBudget {
    fn release_after(&self, grace: Duration) {
        let Some(id) = self.outstanding.lock().unwrap_or_else(PoisonError::into_inner).pop_front() else {
            tracing::debug!("release without an outstanding grant of the shared Feishu request budget; ignored");
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!("no runtime to release a grant of the shared Feishu request budget; it will expire");
            return;
        };
        let store = self.store.clone();
        let released = Arc::clone(&self.released);
        let lease_s = self.lease.as_secs();
        runtime.spawn(async move {
            match store.release_rate_grant(&id, grace).await {
                Ok(()) => released.notify_one(),
                Err(error) => tracing::warn!(
                    %error,
                    lease_s,
                    "could not release a grant of the shared Feishu request budget; it frees when its lease expires"
                ),
            }
        });
    }
}

impl std::fmt::Debug for SharedRateBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRateBudget")
            .field("holder", &self.holder)
            .field("limit", &self.limit)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_outlasts_a_token_fetch_and_a_request() {
        assert_eq!(SharedRateBudget::lease_for(Duration::from_secs(30)), Duration::from_secs(65));
    }
}
