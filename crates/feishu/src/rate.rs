//! The request budget for the block access endpoint (Feishu allows 20 requests/second).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

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

    /// Reports that a request sent under a grant has been answered (or has failed).
    ///
    /// The client calls it once per grant, also when the request is cancelled. A budget
    /// may count the request in its window from this moment instead of from the grant;
    /// the default ignores it, leaving the grant time as the only record.
    fn release(&self) {}

    /// Like [`RateBudget::release`], for a request that ended without an answer: it
    /// was cancelled, timed out or lost its connection, and may still reach Feishu
    /// (it may sit in a socket buffer, or on the wire). The default treats it as
    /// answered now.
    fn release_unanswered(&self) {
        self.release();
    }
}

/// How much longer than an answered one a request that ended without an answer keeps
/// its slot: time for it to arrive at Feishu, if it is still on its way.
pub const UNANSWERED_GRACE: Duration = Duration::from_secs(1);

/// In-process budget: at most `max_requests` requests in any sliding `window`.
///
/// It keeps a log of the last `max_requests` grants; a caller waits until the oldest of
/// them leaves the window. Callers are served first come, first served (tokio's mutex is
/// FIFO-fair) and wait on a timer, never spinning or blocking a thread.
///
/// A grant stays in the window from the moment it is granted until `window` after its
/// request was answered ([`RateBudget::release`]); a grant never released holds its slot
/// for good, so every caller must release each grant (the client does, also on failure
/// and cancellation). Counting from the answer makes the limit hold where Feishu counts,
/// on arrival: a request held up on the way (a new TLS connection, a slow network, a
/// busy process) can otherwise arrive within one second of requests granted a full
/// window later. That includes a request still out after a whole window: it may have
/// arrived late, so it keeps counting until it is answered.
///
/// A strict sliding log rather than a GCRA limiter (the `governor` crate): GCRA spreads
/// grants at `window / max_requests` after an initial burst, so with a burst of N it lets
/// up to 2N-1 requests through in some one-second window, and without a burst it cannot
/// send the first N at once. The log guarantees "at most N in ANY window" and still
/// allows the burst.
///
/// The number of requests per window can be lowered and raised while the budget is in
/// use ([`SlidingWindowBudget::set_max_requests`]): the client paces itself to what
/// Feishu accepts when that is less than the configured limit (see [`crate::AdaptiveRate`]).
#[derive(Debug)]
pub struct SlidingWindowBudget {
    /// The configured limit: the most requests per window this budget ever grants.
    limit: RateLimit,
    /// Requests per window granted now: `limit.max_requests` or fewer.
    current: AtomicU32,
    /// The waiting line: held by the caller at its head while it waits for a slot.
    queue: tokio::sync::Mutex<()>,
    /// The last grants still in the window, in grant order. Never locked across an await.
    slots: Mutex<VecDeque<Slot>>,
    /// Wakes the caller at the head of the line when a grant is released: a slot held
    /// by a request still out frees only then.
    released: tokio::sync::Notify,
}

#[derive(Debug)]
struct Slot {
    /// The release time once released (the slot frees `window` later); the grant time
    /// until then (the slot is held while the request is out).
    since: Instant,
    released: bool,
}

impl SlidingWindowBudget {
    /// A budget of `limit.max_requests` (at least 1) per `limit.window`.
    pub fn new(limit: RateLimit) -> Self {
        let limit = RateLimit { max_requests: limit.max_requests.max(1), ..limit };
        let capacity = usize::try_from(limit.max_requests).unwrap_or(usize::MAX).min(4096);
        Self {
            limit,
            current: AtomicU32::new(limit.max_requests),
            queue: tokio::sync::Mutex::new(()),
            slots: Mutex::new(VecDeque::with_capacity(capacity)),
            released: tokio::sync::Notify::new(),
        }
    }

    /// The limit this budget was made with (the most it ever grants).
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Requests per window granted now.
    pub fn max_requests(&self) -> u32 {
        self.current.load(Ordering::Relaxed)
    }

    /// Grants at most `max_requests` per window from now on, kept between 1 and the
    /// configured limit. Lowered, grants already made keep their slots and new ones
    /// wait until fewer than the new number are in the window; raised, the caller at
    /// the head of the line is woken to take a slot at once.
    pub fn set_max_requests(&self, max_requests: u32) {
        let max_requests = max_requests.clamp(1, self.limit.max_requests);
        let before = self.current.swap(max_requests, Ordering::Relaxed);
        if max_requests > before {
            self.released.notify_one();
        }
    }

    async fn acquire_slot(&self) -> Duration {
        let started = Instant::now();
        let _head_of_line = self.queue.lock().await;
        loop {
            let max = usize::try_from(self.max_requests()).unwrap_or(usize::MAX);
            // A release may come between the check and the wait: listen before checking.
            let released = self.released.notified();
            // Released slots only ever free later, so after this wait one may still be
            // taken: check again.
            let frees_at = {
                let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                slots.retain(|slot| !slot.released || slot.since + self.limit.window > now);
                if slots.len() < max {
                    slots.push_back(Slot { since: now, released: false });
                    return started.elapsed();
                }
                slots.iter().filter(|slot| slot.released).map(|slot| slot.since + self.limit.window).min()
            };
            match frees_at {
                Some(frees_at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(frees_at) => {}
                        () = released => {}
                    }
                }
                // Every slot is held by a request still out: the first answer frees one.
                None => released.await,
            }
        }
    }
}

impl SlidingWindowBudget {
    /// Marks the oldest unreleased grant as answered at `at` (its slot frees one window
    /// later) and wakes the caller at the head of the line.
    fn release_at(&self, at: Instant) {
        {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(slot) = slots.iter_mut().find(|slot| !slot.released) {
                slot.since = slot.since.max(at);
                slot.released = true;
            }
        }
        self.released.notify_one();
    }
}

impl RateBudget for SlidingWindowBudget {
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Duration> + Send + '_>> {
        Box::pin(self.acquire_slot())
    }

    /// Restarts the window of the oldest unreleased grant at now. Which grant it is does
    /// not matter: the number of slots taken at any moment is the same as if each request
    /// released its own (those still out, plus those answered within the last window).
    fn release(&self) {
        self.release_at(Instant::now());
    }

    /// Counts the request as answered [`UNANSWERED_GRACE`] from now.
    fn release_unanswered(&self) {
        self.release_at(Instant::now() + UNANSWERED_GRACE);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn budget(max_requests: u32, window_ms: u64) -> Arc<SlidingWindowBudget> {
        Arc::new(SlidingWindowBudget::new(RateLimit { max_requests, window: Duration::from_millis(window_ms) }))
    }

    /// A grant whose request is answered at once.
    async fn answered_at_once(budget: &SlidingWindowBudget) -> Duration {
        let waited = budget.acquire().await;
        budget.release();
        waited
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_without_an_answer_keeps_its_slot_a_grace_longer() {
        let budget = budget(1, 1000);
        let start = Instant::now();
        budget.acquire().await;
        // Cancelled at once: it may still reach Feishu, so the next grant waits for the
        // window and the grace, not for the window alone.
        budget.release_unanswered();
        budget.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(1000) + UNANSWERED_GRACE);
        budget.release();
        budget.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(2000) + UNANSWERED_GRACE);
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window_and_first_burst_is_free() {
        let budget = budget(20, 1100);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..70 {
            let budget = Arc::clone(&budget);
            tasks.push(tokio::spawn(async move {
                let waited = answered_at_once(&budget).await;
                (Instant::now(), waited)
            }));
        }
        let mut grants = Vec::new();
        for task in tasks {
            grants.push(task.await.expect("task panicked"));
        }
        grants.sort();
        assert!(grants[..20].iter().all(|(at, waited)| *at == start && waited.is_zero()));
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
                answered_at_once(&budget).await;
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
            assert!(answered_at_once(&budget).await.is_zero());
        }
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(answered_at_once(&budget).await, Duration::from_millis(600));
        // Now at 1 s, with all three earlier grants gone: two more are free.
        assert!(answered_at_once(&budget).await.is_zero());
        assert!(answered_at_once(&budget).await.is_zero());
        // An abandoned wait does not use up a grant.
        let abandoned = tokio::time::timeout(Duration::from_millis(10), budget.acquire()).await;
        assert!(abandoned.is_err());
        assert_eq!(answered_at_once(&budget).await, Duration::from_millis(990));
    }

    #[tokio::test(start_paused = true)]
    async fn a_released_grant_stays_in_the_window_until_window_after_its_answer() {
        let budget = budget(2, 1000);
        budget.acquire().await;
        budget.acquire().await;
        // One answer took 500 ms; the other request is still out.
        tokio::time::advance(Duration::from_millis(500)).await;
        budget.release();
        // The released grant frees at 1.5 s; the one still out holds its slot.
        assert_eq!(budget.acquire().await, Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lowered_limit_holds_new_grants_and_a_raised_one_frees_them_at_once() {
        let budget = budget(4, 1000);
        for _ in 0..4 {
            assert!(answered_at_once(&budget).await.is_zero());
        }
        // Four grants in the window, limit now 2: the next waits until the window has
        // fewer than two, when all four leave it at 1 s.
        budget.set_max_requests(2);
        assert_eq!(budget.max_requests(), 2);
        assert_eq!(answered_at_once(&budget).await, Duration::from_millis(1000));
        assert!(answered_at_once(&budget).await.is_zero());
        // Two in the window again: the next caller waits ...
        let waiting = {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move { answered_at_once(&budget).await })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished());
        // ... until the limit is raised: then it is granted without waiting out the window.
        budget.set_max_requests(3);
        assert_eq!(waiting.await.expect("task panicked"), Duration::from_millis(100));
        // Kept between 1 and the configured limit.
        budget.set_max_requests(0);
        assert_eq!(budget.max_requests(), 1);
        budget.set_max_requests(99);
        assert_eq!(budget.max_requests(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_still_out_after_a_whole_window_keeps_its_slot_until_answered() {
        let budget = budget(1, 1000);
        budget.acquire().await;
        let start = Instant::now();
        let waiting = {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move { budget.acquire().await })
        };
        // Three windows pass with the request still out (it may have reached Feishu
        // late): nothing more is granted.
        tokio::time::sleep(Duration::from_millis(3000)).await;
        assert!(!waiting.is_finished());
        // Answered at 3 s: the next grant comes a window later, at 4 s.
        budget.release();
        assert_eq!(waiting.await.expect("task panicked"), Duration::from_millis(4000));
        assert_eq!(Instant::now() - start, Duration::from_millis(4000));
    }
}
