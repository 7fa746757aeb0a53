//! The request budget for the block access endpoint (Feishu allows 20 requests/second).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config::RateLimit;

/// Grants permission to send one request. Object-safe, so that a budget can be shared by
/// several clients in a process (`Arc<dyn RateBudget>`) or, later, across replicas
/// through a database.
pub trait RateBudget: Send + Sync + 'static {
    /// Waits until one more request may be sent and records it; returns how long it waited.
    ///
    /// Dropping the future before it completes gives up the place without using a grant.
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Duration> + Send + '_>>;
}

/// In-process budget: at most `max_requests` grants in any sliding `window`.
///
/// It keeps a log of the last `max_requests` grant times; a caller waits until the oldest
/// of them leaves the window. Callers are served first come, first served (tokio's mutex
/// is FIFO-fair) and wait on a timer, never spinning or blocking a thread.
///
/// A strict sliding log rather than a GCRA limiter (the `governor` crate): GCRA spreads
/// grants at `window / max_requests` after an initial burst, so with a burst of N it lets
/// up to 2N-1 requests through in some one-second window, and without a burst it cannot
/// send the first N at once. The log guarantees "at most N in ANY window" and still
/// allows the burst.
#[derive(Debug)]
pub struct SlidingWindowBudget {
    limit: RateLimit,
    /// Grant times of at most the last `max_requests` grants, oldest first. Holding the
    /// lock while waiting is deliberate: it is the queue that makes the budget fair.
    grants: Mutex<VecDeque<Instant>>,
}

impl SlidingWindowBudget {
    /// A budget of `limit.max_requests` (at least 1) per `limit.window`.
    pub fn new(limit: RateLimit) -> Self {
        let limit = RateLimit {
            max_requests: limit.max_requests.max(1),
            ..limit
        };
        let capacity = usize::try_from(limit.max_requests)
            .unwrap_or(usize::MAX)
            .min(4096);
        Self {
            limit,
            grants: Mutex::new(VecDeque::with_capacity(capacity)),
        }
    }

    /// The limit this budget enforces.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    async fn acquire_slot(&self) -> Duration {
        let started = Instant::now();
        let max = usize::try_from(self.limit.max_requests).unwrap_or(usize::MAX);
        let mut grants = self.grants.lock().await;
        self.forget_expired(&mut grants, Instant::now());
        if grants.len() >= max
            && let Some(&oldest) = grants.front()
        {
            tokio::time::sleep_until(oldest + self.limit.window).await;
            self.forget_expired(&mut grants, Instant::now());
        }
        grants.push_back(Instant::now());
        started.elapsed()
    }

    fn forget_expired(&self, grants: &mut VecDeque<Instant>, now: Instant) {
        while grants
            .front()
            .is_some_and(|&granted| granted + self.limit.window <= now)
        {
            grants.pop_front();
        }
    }
}

impl RateBudget for SlidingWindowBudget {
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Duration> + Send + '_>> {
        Box::pin(self.acquire_slot())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn budget(max_requests: u32, window_ms: u64) -> Arc<SlidingWindowBudget> {
        Arc::new(SlidingWindowBudget::new(RateLimit {
            max_requests,
            window: Duration::from_millis(window_ms),
        }))
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window_and_first_burst_is_free() {
        let budget = budget(20, 1100);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..70 {
            let budget = Arc::clone(&budget);
            tasks.push(tokio::spawn(async move {
                let waited = budget.acquire().await;
                (Instant::now(), waited)
            }));
        }
        let mut grants = Vec::new();
        for task in tasks {
            grants.push(task.await.expect("task panicked"));
        }
        grants.sort();
        assert!(
            grants[..20]
                .iter()
                .all(|(at, waited)| *at == start && waited.is_zero())
        );
        for pair in grants.windows(21) {
            assert!(pair[20].0 - pair[0].0 >= Duration::from_millis(1100));
        }
        // 70 grants at 20 per 1.1 s: the last batch starts at 3 × 1.1 s, no later.
        assert_eq!(grants[69].0 - start, Duration::from_millis(3300));
    }

    #[tokio::test(start_paused = true)]
    async fn callers_are_served_in_arrival_order() {
        let budget = budget(2, 1000);
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for caller in 0..8 {
            let budget = Arc::clone(&budget);
            let order = Arc::clone(&order);
            tasks.push(tokio::spawn(async move {
                budget.acquire().await;
                order.lock().expect("poisoned").push(caller);
            }));
            // Let the caller queue up before the next one arrives.
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.expect("task panicked");
        }
        assert_eq!(*order.lock().expect("poisoned"), (0..8).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_frees_exactly_when_the_oldest_grant_leaves_the_window() {
        let budget = budget(3, 1000);
        for _ in 0..3 {
            assert!(budget.acquire().await.is_zero());
        }
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(budget.acquire().await, Duration::from_millis(600));
        // Now at 1 s, with all three earlier grants gone: two more are free.
        assert!(budget.acquire().await.is_zero());
        assert!(budget.acquire().await.is_zero());
        // An abandoned wait does not use up a grant.
        let abandoned = tokio::time::timeout(Duration::from_millis(10), budget.acquire()).await;
        assert!(abandoned.is_err());
        assert_eq!(budget.acquire().await, Duration::from_millis(990));
    }
}
