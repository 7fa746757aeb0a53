//! Where the history fetch stands, for the page ("Fetching history: 8 of 13 months"),
//! `/metrics` and the log. Counts and dates only: no usage number, no secret. Below both
//! the history fetch, which writes it, and the front door, which shows it: the board is
//! all the service knows of the history fetch.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use domain::DateRange;
use serde::Serialize;

/// What the history fetch is doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HistoryState {
    /// Turned off (`DASHBOARD_HISTORY_MONTHS=0`), or never started.
    Off,
    /// Started; the first pass has not begun yet.
    Starting,
    /// Fetching the missing final days of the window, newest month first.
    Running,
    /// Another replica sharing the store holds the fetch's lease and runs it; the
    /// months done are read from the store.
    Elsewhere,
    /// Every final day of the window is held; it looks again at `next_look`, when the
    /// next day is final.
    Done { next_look: DateTime<Utc> },
    /// The month's calls reached the history fetch's share of `FEISHU_MONTHLY_QUOTA`
    /// (`DASHBOARD_HISTORY_QUOTA_PERCENT`): it stopped, and goes on `resumes_on`.
    ShareSpent {
        /// Calls counted this month (all of the dashboard's).
        used: u64,
        /// The count up to which the history fetch may call.
        cap: u64,
        /// The first of next month in the tenant's time zone.
        resumes_on: NaiveDate,
    },
    /// The monthly quota is used up (or Feishu answered 99991403): no call until
    /// `resumes_on`.
    QuotaReached { resumes_on: NaiveDate },
    /// The last pass failed; it is tried again at `retry_at`. `reason` says what
    /// failed and what to do, in words fit for the page (no secret).
    Failed { reason: String, retry_at: DateTime<Utc> },
}

impl HistoryState {
    /// A short name for `/metrics` labels and logs.
    pub fn name(&self) -> &'static str {
        match self {
            HistoryState::Off => "off",
            HistoryState::Starting => "starting",
            HistoryState::Running => "running",
            HistoryState::Elsewhere => "elsewhere",
            HistoryState::Done { .. } => "done",
            HistoryState::ShareSpent { .. } => "share_spent",
            HistoryState::QuotaReached { .. } => "quota_reached",
            HistoryState::Failed { .. } => "failed",
        }
    }

    /// Every name [`HistoryState::name`] gives, for gauges that list them all.
    pub const NAMES: [&'static str; 8] =
        ["off", "starting", "running", "elsewhere", "done", "share_spent", "quota_reached", "failed"];
}

/// A moment of the history fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryStatus {
    pub state: HistoryState,
    /// Months of the window whose final days are all held, for all three data sets.
    pub months_done: u32,
    /// Months in the window (`DASHBOARD_HISTORY_MONTHS`).
    pub months_total: u32,
    /// The window's first and last day (the last final day), once a pass began.
    pub window: Option<DateRange>,
    /// Days (of one data set each) this replica's history fetch got from Feishu since start.
    pub days_fetched: u64,
    /// Calls this replica's history fetch sent to Feishu since start.
    pub calls: u64,
    /// Requests per second the fetch may send (its share of `FEISHU_MAX_REQUESTS_PER_SECOND`).
    pub requests_per_second: u32,
    /// The month's count of calls up to which it may call; `None` without `FEISHU_MONTHLY_QUOTA`.
    pub call_cap: Option<u64>,
}

impl HistoryStatus {
    /// True while the fetch still has months to fetch (running here or elsewhere).
    pub fn is_fetching(&self) -> bool {
        matches!(self.state, HistoryState::Starting | HistoryState::Running | HistoryState::Elsewhere)
    }

    /// One line in English for the log (the page words it in its own language):
    /// "Fetching history: 8 of 13 months".
    pub fn summary(&self) -> String {
        let (done, total) = (self.months_done, self.months_total);
        match &self.state {
            HistoryState::Off => "History fetch off".to_owned(),
            HistoryState::Starting | HistoryState::Running | HistoryState::Elsewhere => {
                format!("Fetching history: {done} of {total} months")
            }
            HistoryState::Done { .. } => format!("History: all {total} months held"),
            HistoryState::ShareSpent { used, cap, resumes_on } => format!(
                "Fetching history paused at {done} of {total} months: its share of the monthly quota is spent \
                 ({used} of {cap} calls this month); it goes on on {resumes_on}"
            ),
            HistoryState::QuotaReached { resumes_on } => format!(
                "Fetching history paused at {done} of {total} months: the monthly Feishu quota is used up; \
                 it goes on on {resumes_on}"
            ),
            HistoryState::Failed { reason, retry_at } => {
                let at = retry_at.format("%Y-%m-%d %H:%M:%S UTC");
                format!("Fetching history failed at {done} of {total} months: {reason} It tries again at {at}.")
            }
        }
    }
}

/// The status the service shows, written by the history fetch.
#[derive(Debug)]
pub(crate) struct HistoryBoard(Mutex<HistoryStatus>);

impl Default for HistoryBoard {
    fn default() -> Self {
        Self(Mutex::new(HistoryStatus {
            state: HistoryState::Off,
            months_done: 0,
            months_total: 0,
            window: None,
            days_fetched: 0,
            calls: 0,
            requests_per_second: 0,
            call_cap: None,
        }))
    }
}

impl HistoryBoard {
    pub fn status(&self) -> HistoryStatus {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn update(&self, change: impl FnOnce(&mut HistoryStatus)) {
        change(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}
