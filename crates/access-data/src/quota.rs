//! The monthly call quota. Feishu's free edition is said to cap Open API use at about
//! 10,000 calls a month; with `ServiceConfig::monthly_quota` set, the service stops
//! calling Feishu when the month's count reaches it and answers only from the days it
//! holds.
//!
//! Every search page is reserved against the quota *before* it is requested (check
//! and count in one step, under one lock), so concurrent jobs cannot together pass
//! the limit: each page either got its reservation or was never sent. The only calls
//! the count can miss are the client's own retries of a failed request (at most
//! `RetryPolicy::max_retries` per page; `/metrics` shows them), so the overshoot is
//! bounded by the retries of the last few pages in flight. A reserved request that
//! then failed still counts: Feishu may have counted it too.
//!
//! Every call goes through one [`Meter`]: the searches' pages, the chat list and the
//! cards alike. The count lives in memory for the current month and in the store (per
//! part fetched, per call otherwise), so it survives a restart. A Feishu answer 99991403 ("quota used up")
//! marks the month as spent until it ends, whatever the configured limit; that mark
//! is kept in memory only, so a restart after upgrading the Feishu plan tries again
//! (one call).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;
use store::Store;

use crate::day::today;
use crate::{ServiceConfig, ServiceError};

/// Where this month's calls stand against the quota: for the page's banner and
/// `/metrics`. Carries counts only, no usage data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuotaState {
    /// The calendar month in the tenant's time zone, `YYYY-MM`.
    pub month: String,
    /// Calls to Feishu counted this month (one per search page requested).
    pub used: u64,
    /// The configured monthly limit; `None` when there is none.
    pub limit: Option<u64>,
    /// The count from which the page warns; `None` without a limit.
    pub warn_at: Option<u64>,
    /// Feishu itself answered 99991403 (quota used up) this month.
    pub refused_by_feishu: bool,
    /// The first day of next month in the tenant's time zone: the count starts again.
    pub resets_on: NaiveDate,
}

impl QuotaState {
    /// True when the service no longer calls Feishu this month.
    pub fn reached(&self) -> bool {
        self.refused_by_feishu || self.limit.is_some_and(|limit| self.used >= limit)
    }

    /// True from the warning threshold on (also once reached).
    pub fn warning(&self) -> bool {
        self.reached() || self.warn_at.is_some_and(|at| self.used >= at)
    }

    /// The error a query gets when it needs days the service may not fetch.
    pub fn error(&self) -> ServiceError {
        ServiceError::QuotaReached {
            used: self.used,
            limit: self.limit,
            refused_by_feishu: self.refused_by_feishu,
            resets_on: self.resets_on,
        }
    }
}

/// `YYYY-MM` of `day`: the key under which the store counts the month's calls.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The first day of the month after `day`'s.
pub fn first_of_next_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists")
}

/// The calls at which `percent` of `limit` is reached, rounded up (at least 1).
pub fn warn_threshold(limit: u64, percent: u8) -> u64 {
    (limit.saturating_mul(u64::from(percent)).div_ceil(100)).max(1)
}

/// A reservation refused: the error to report, and whether the cap refused it while
/// the quota itself would still have allowed the call.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub error: ServiceError,
    pub by_cap: bool,
}

/// The count of the current month, kept in memory.
struct MonthCount {
    month: String,
    used: u64,
    refused_by_feishu: bool,
}

/// The quota's book: this month's count, reservations and Feishu's refusal.
pub(crate) struct QuotaBook {
    limit: Option<u64>,
    warn_percent: u8,
    current: Mutex<MonthCount>,
}

impl QuotaBook {
    /// A book for `month`, which already counts `used` calls (from the store).
    pub fn new(limit: Option<u64>, warn_percent: u8, month: String, used: u64) -> Self {
        Self { limit, warn_percent, current: Mutex::new(MonthCount { month, used, refused_by_feishu: false }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MonthCount> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The month the book counts now.
    pub fn month(&self) -> String {
        self.lock().month.clone()
    }

    /// Moves the book to `month` when it is a later month, starting from `stored`
    /// calls (what the store counted for it); a month already counted is left alone.
    pub fn roll(&self, month: &str, stored: u64) {
        let mut current = self.lock();
        if month > current.month.as_str() {
            *current = MonthCount { month: month.to_owned(), used: stored, refused_by_feishu: false };
        }
    }

    /// Takes in calls other replicas sharing the store counted: with `stored` (the
    /// store's count for `month`) above the book's, the book counts that many.
    pub fn catch_up(&self, month: &str, stored: u64) {
        let mut current = self.lock();
        if current.month == month && stored > current.used {
            current.used = stored;
        }
    }

    /// Reserves one call in `month`, or refuses when the quota is reached. A later
    /// month than the book's starts a new count.
    pub fn reserve(&self, month: &str, today: NaiveDate) -> Result<(), ServiceError> {
        self.reserve_below(month, today, None).map_err(|refusal| refusal.error)
    }

    /// [`QuotaBook::reserve`], refused also while the month's count is at `cap` or
    /// above (a share of the quota kept for some work, see [`crate::Pace`]); the
    /// refusal says which bound refused.
    pub fn reserve_below(&self, month: &str, today: NaiveDate, cap: Option<u64>) -> Result<(), Refusal> {
        let mut current = self.lock();
        if month > current.month.as_str() {
            *current = MonthCount { month: month.to_owned(), used: 0, refused_by_feishu: false };
        }
        let state = self.state_of(&current, today);
        if state.reached() {
            return Err(Refusal { error: state.error(), by_cap: false });
        }
        if cap.is_some_and(|cap| current.used >= cap) {
            return Err(Refusal { error: state.error(), by_cap: true });
        }
        current.used += 1;
        Ok(())
    }

    /// Gives back a reservation whose request was never sent.
    pub fn release(&self, month: &str) {
        let mut current = self.lock();
        if current.month == month {
            current.used = current.used.saturating_sub(1);
        }
    }

    /// Records Feishu's 99991403: no more calls until `month` ends.
    pub fn refused_by_feishu(&self, month: &str) {
        let mut current = self.lock();
        if month >= current.month.as_str() {
            if month > current.month.as_str() {
                *current = MonthCount { month: month.to_owned(), used: 0, refused_by_feishu: false };
            }
            current.refused_by_feishu = true;
        }
    }

    /// The state as of `today` (whose month the caller rolled the book to).
    pub fn state(&self, today: NaiveDate) -> QuotaState {
        self.state_of(&self.lock(), today)
    }

    fn state_of(&self, current: &MonthCount, today: NaiveDate) -> QuotaState {
        QuotaState {
            month: current.month.clone(),
            used: current.used,
            limit: self.limit,
            warn_at: self.limit.map(|limit| warn_threshold(limit, self.warn_percent)),
            refused_by_feishu: current.refused_by_feishu,
            resets_on: first_of_next_month(today),
        }
    }
}

/// The one meter of Feishu calls: every call is reserved in the month's book before it
/// is sent (past the quota it is not sent), added to the store's count after, and
/// Feishu's 99991403 marks the month as spent.
pub(crate) struct Meter {
    book: QuotaBook,
    store: Store,
    timezone: Tz,
    /// Calls requested since start, answered or not (for `/metrics`).
    requests: AtomicU64,
}

impl Meter {
    /// A meter whose book starts from the store's count of this month.
    pub async fn open(store: Store, config: &ServiceConfig) -> Result<Self, ServiceError> {
        let month = month_key(today(config.timezone));
        let used = store.upstream_calls(&month).await?;
        let book = QuotaBook::new(config.monthly_quota, config.quota_warn_percent, month, used);
        Ok(Self { book, store, timezone: config.timezone, requests: AtomicU64::new(0) })
    }

    /// Calls requested since start (answered or not).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The quota as of now. When the month changed since the book last counted, the
    /// new month's count is read from the store first; with a store shared by several
    /// replicas, it is read every time, to take in the calls the others made (each
    /// replica still reserves its own pages in memory, so together they can pass the
    /// limit by the pages in flight at that moment).
    pub async fn state(&self) -> QuotaState {
        let today = today(self.timezone);
        let month = month_key(today);
        if self.store.is_shared() && self.book.month() == month {
            match self.store.upstream_calls(&month).await {
                Ok(stored) => self.book.catch_up(&month, stored),
                Err(error) => tracing::warn!(%error, %month, "could not read the replicas' call count; using this replica's"),
            }
        } else if self.book.month() != month {
            let stored = self.store.upstream_calls(&month).await.unwrap_or_else(|error| {
                tracing::warn!(%error, %month, "could not read the month's call count; counting from 0");
                0
            });
            self.book.roll(&month, stored);
        }
        self.book.state(today)
    }

    /// Calls of this month to come, reserved one by one (see [`Calls`]).
    pub fn calls(&self) -> Calls<'_> {
        Calls { meter: self, tally: CallTally { store: self.store.clone(), month: month_key(today(self.timezone)), pages: 0 } }
    }

    /// Runs one Feishu call outside the data sets (a chat page, a card), metered as a
    /// search page is, after taking in the month's count (a new month, other replicas).
    pub async fn call<T, Fut>(&self, call: impl FnOnce() -> Fut) -> Result<T, ServiceError>
    where
        Fut: std::future::Future<Output = Result<T, feishu::FeishuError>>,
    {
        let mut calls = self.calls();
        self.state().await;
        calls.reserve()?;
        let result = call().await.map_err(ServiceError::from);
        calls.close(result).await
    }
}

/// Calls reserved against one month (a searched part's pages, or one call), added to
/// the store's count when closed (or dropped: see [`CallTally`]).
pub(crate) struct Calls<'m> {
    meter: &'m Meter,
    tally: CallTally,
}

impl Calls<'_> {
    /// Reserves one call, or refuses past the quota.
    pub fn reserve(&mut self) -> Result<(), ServiceError> {
        self.meter.book.reserve(&self.tally.month, today(self.meter.timezone))?;
        self.count();
        Ok(())
    }

    /// [`Calls::reserve`], refused also while the month's count is at `cap` or above
    /// (see [`QuotaBook::reserve_below`]).
    pub fn reserve_below(&mut self, cap: Option<u64>) -> Result<(), Refusal> {
        self.meter.book.reserve_below(&self.tally.month, today(self.meter.timezone), cap)?;
        self.count();
        Ok(())
    }

    /// Counts a reserved call at once, so that a caller cancelled right after still
    /// adds it to the store's count.
    fn count(&mut self) {
        self.tally.pages += 1;
        self.meter.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Gives back the last reservation: its request was never sent.
    pub fn unsent(&mut self) {
        self.meter.book.release(&self.tally.month);
        self.tally.pages -= 1;
        self.meter.requests.fetch_sub(1, Ordering::Relaxed);
    }

    /// Adds the calls to the store's count and answers `result`; when Feishu said the
    /// month's quota is used up (99991403), whatever the configured limit, the month is
    /// marked as spent and the answer is the quota's error.
    pub async fn close<T>(self, result: Result<T, ServiceError>) -> Result<T, ServiceError> {
        let Calls { meter, tally } = self;
        let month = tally.month.clone();
        tally.save().await;
        result.map_err(|error| {
            if error.feishu().is_some_and(|e| matches!(e, feishu::FeishuError::QuotaExhausted { .. })) {
                tracing::warn!(%error, %month, "Feishu says the monthly API quota is used up; no more calls this month");
                meter.book.refused_by_feishu(&month);
                return meter.book.state(today(meter.timezone)).error();
            }
            error
        })
    }
}

/// Calls (already reserved in the quota's book) not yet added to the store's count of
/// the month. The store is written from a task of its own, which a part cancelled
/// midway (a sibling part failed) cannot interrupt: every call that may have been sent
/// is counted once, and survives a restart.
struct CallTally {
    store: Store,
    month: String,
    pages: u64,
}

impl CallTally {
    /// Starts adding the pages to the store's count; `None` when there is nothing to add.
    fn flush(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        let pages = std::mem::take(&mut self.pages);
        if pages == 0 {
            return None;
        }
        let (store, month) = (self.store.clone(), self.month.clone());
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        Some(runtime.spawn(async move {
            if let Err(error) = store.add_upstream_calls(&month, pages).await {
                tracing::warn!(%error, pages, "could not count Feishu calls in the store");
            }
        }))
    }

    /// Adds the pages to the store's count and waits for it.
    async fn save(mut self) {
        if let Some(write) = self.flush() {
            let _ = write.await;
        }
    }
}

impl Drop for CallTally {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::reached_message;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_resets() {
        assert_eq!(month_key(d(2024, 3, 5)), "2024-03");
        assert_eq!(first_of_next_month(d(2024, 3, 31)), d(2024, 4, 1));
        assert_eq!(first_of_next_month(d(2024, 12, 1)), d(2025, 1, 1));
        assert_eq!(warn_threshold(10_000, 80), 8_000);
        assert_eq!(warn_threshold(3, 80), 3, "2.4 rounds up");
        assert_eq!(warn_threshold(1, 1), 1);
    }

    #[test]
    fn reservations_stop_at_the_limit_and_a_new_month_starts_again() {
        let today = d(2024, 3, 20);
        let book = QuotaBook::new(Some(3), 50, "2024-03".into(), 1);
        assert!(!book.state(today).warning(), "1 of 3 is below 50%; the threshold is 2");
        book.reserve("2024-03", today).unwrap();
        assert!(book.state(today).warning() && !book.state(today).reached());
        book.reserve("2024-03", today).unwrap();
        let e = book.reserve("2024-03", today).unwrap_err();
        assert!(matches!(e, ServiceError::QuotaReached { used: 3, limit: Some(3), .. }), "{e:?}");
        assert_eq!(book.state(today).used, 3, "a refused reservation counts nothing");
        // The month rolls: April starts from what the store holds for it.
        book.roll("2024-04", 0);
        let april = d(2024, 4, 1);
        assert_eq!(book.state(april).month, "2024-04");
        assert!(!book.state(april).reached());
        book.reserve("2024-04", april).unwrap();
        // An older month never rolls the book back.
        book.roll("2024-03", 3);
        assert_eq!((book.month(), book.state(april).used), ("2024-04".to_owned(), 1));
    }

    #[test]
    fn a_cap_refuses_below_the_quota_and_says_so() {
        let today = d(2024, 3, 20);
        let book = QuotaBook::new(Some(10), 80, "2024-03".into(), 2);
        book.reserve_below("2024-03", today, Some(3)).unwrap();
        let refusal = book.reserve_below("2024-03", today, Some(3)).unwrap_err();
        assert!(refusal.by_cap, "3 of 10 calls: the cap refused, not the quota");
        assert_eq!(book.state(today).used, 3, "a refused reservation counts nothing");
        book.reserve("2024-03", today).expect("without the cap the quota still allows calls");
        let full = QuotaBook::new(Some(4), 80, "2024-03".into(), 4);
        assert!(!full.reserve_below("2024-03", today, Some(9)).unwrap_err().by_cap, "the quota itself refused");
    }

    #[test]
    fn feishu_refusal_lasts_until_the_month_ends() {
        let today = d(2024, 3, 20);
        let book = QuotaBook::new(None, 80, "2024-03".into(), 7);
        assert!(!book.state(today).warning(), "no limit, no warning");
        book.refused_by_feishu("2024-03");
        assert!(book.state(today).reached());
        assert!(matches!(book.reserve("2024-03", today), Err(ServiceError::QuotaReached { refused_by_feishu: true, .. })));
        book.reserve("2024-04", d(2024, 4, 1)).expect("a new month may call again");
    }

    #[test]
    fn the_message_says_what_is_shown_when_it_resets_and_how_to_raise_it() {
        let m = reached_message(10_000, Some(10_000), false, d(2024, 4, 1));
        for part in ["used up", "10000 of 10000", "already fetched", "2024-04-01", "FEISHU_MONTHLY_QUOTA"] {
            assert!(m.contains(part), "{part:?} missing from {m}");
        }
        let m = reached_message(12, None, true, d(2024, 4, 1));
        assert!(m.contains("99991403") && m.contains("2024-04-01"), "{m}");
    }
}
