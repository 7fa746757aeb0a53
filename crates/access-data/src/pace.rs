//! A share of Feishu's request rate and of the month's call quota, for fetches nobody
//! waits for (the history fetch): so that a person's query always has the rest.
//!
//! A fetch under a [`Pace`] takes a slot of the pace's own budget for every page, before
//! the client's budget (which keeps every request of the process within Feishu's limit):
//! at most [`Pace::per_second`] of its requests are out or answered within any second,
//! counted as the client counts its own (from the grant until a second after the answer).
//! It also reserves each page against the month's count only while that count is below
//! [`Pace::call_cap`], so its calls leave the rest of `FEISHU_MONTHLY_QUOTA` to people.
//!
//! When a person's query needs days such a fetch is already fetching, it waits for that
//! fetch, which then goes on at the full rate ([`JobPace::hurry`]): the person is not
//! kept at the background's pace.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use feishu::{RateBudget, RateLimit, SlidingWindowBudget};

/// A share of the rate and of the monthly quota. Shared by every fetch made under it.
#[derive(Debug)]
pub struct Pace {
    rate: SlidingWindowBudget,
    call_cap: Option<u64>,
    /// A reservation was refused at `call_cap` since the last [`Pace::renew_share`].
    share_spent: AtomicBool,
    /// Pages reserved under this pace since it was made.
    calls: AtomicU64,
}

impl Pace {
    /// At most `per_second` requests (at least 1) in any second, and calls only while
    /// the month's count (all of the dashboard's calls) is below `call_cap`, if any.
    pub fn new(per_second: u32, call_cap: Option<u64>) -> Arc<Self> {
        let rate = SlidingWindowBudget::new(RateLimit { max_requests: per_second.max(1), window: Duration::from_secs(1) });
        Arc::new(Self { rate, call_cap, share_spent: AtomicBool::new(false), calls: AtomicU64::new(0) })
    }

    /// Requests per second this pace allows.
    pub fn per_second(&self) -> u32 {
        self.rate.limit().max_requests
    }

    /// The month's count of calls up to which fetches under this pace may call.
    pub fn call_cap(&self) -> Option<u64> {
        self.call_cap
    }

    /// True once a page was refused because the month's count reached [`Pace::call_cap`].
    pub fn share_spent(&self) -> bool {
        self.share_spent.load(Ordering::Relaxed)
    }

    /// Forgets that the share was spent: a new month, a new share.
    pub fn renew_share(&self) {
        self.share_spent.store(false, Ordering::Relaxed);
    }

    /// Pages requested under this pace so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub(crate) fn note_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn note_share_spent(&self) {
        self.share_spent.store(true, Ordering::Relaxed);
    }

    /// Waits for a slot of the pace for one request. Call [`PaceSlot::answered`] when
    /// the request ended; a slot dropped before (the fetch was cancelled) counts as a
    /// request that may still reach Feishu.
    pub(crate) async fn slot(&self) -> PaceSlot<'_> {
        self.rate.acquire().await;
        PaceSlot { pace: self, answered: false }
    }
}

/// One request's slot of a [`Pace`]: counted from its grant until a second after the
/// request ended, or a second more should it have been cancelled on the way.
pub(crate) struct PaceSlot<'a> {
    pace: &'a Pace,
    answered: bool,
}

impl PaceSlot<'_> {
    /// The request ended (answered or failed): the slot frees a second from now.
    pub fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for PaceSlot<'_> {
    fn drop(&mut self) {
        if self.answered {
            self.pace.rate.release();
        } else {
            self.pace.rate.release_unanswered();
        }
    }
}

/// The pace of one upstream job, until a person's query needs the job's days.
#[derive(Debug)]
pub(crate) struct JobPace {
    pace: Arc<Pace>,
    hurried: AtomicBool,
    /// Wakes the job's pages waiting for a slot of the pace when it is hurried.
    woken: tokio::sync::Notify,
}

impl JobPace {
    pub fn new(pace: Arc<Pace>) -> Self {
        Self { pace, hurried: AtomicBool::new(false), woken: tokio::sync::Notify::new() }
    }

    /// The pace the job's next page keeps, or `None` once a person waits for the job.
    pub fn current(&self) -> Option<&Pace> {
        (!self.hurried.load(Ordering::Relaxed)).then_some(&*self.pace)
    }

    /// The pace the job was started with, hurried or not.
    pub fn pace(&self) -> &Pace {
        &self.pace
    }

    /// A person's query waits for the job: its remaining pages go at the full rate and
    /// are reserved against the whole quota, as that query's own would be; the pages
    /// waiting for a slot of the pace stop waiting.
    pub fn hurry(&self) {
        if !self.hurried.swap(true, Ordering::Relaxed) {
            tracing::debug!("a query waits for days the history fetch is fetching: fetching them at the full rate");
            self.woken.notify_waiters();
        }
    }

    /// Completes once the job is hurried.
    pub async fn hurried(&self) {
        // Listening before looking: a hurry between the two still wakes this.
        let woken = self.woken.notified();
        if self.hurried.load(Ordering::Relaxed) {
            return;
        }
        woken.await;
    }
}
