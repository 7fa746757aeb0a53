//! The history fetch: keeps the store current in the background, so that the first look
//! at a year answers from the store instead of from Feishu.
//!
//! After start, and each day once a new day is final, a pass fetches the final days of
//! the window (`DASHBOARD_HISTORY_MONTHS` months, newest first, so recent history warms
//! first) that the store does not hold yet, for all three data sets (block access,
//! workplace access, custom workplace access), through the service's own path (memory,
//! store, jobs in flight, leases on days), so a day is never fetched twice: after a
//! restart a pass finds what the last one saved and goes on from there.
//!
//! It keeps to a [`Pace`]: a share of the request rate, so that a person's query always
//! has room, and a share of `FEISHU_MONTHLY_QUOTA` (the month's count of calls up to
//! which it may call). When that share is spent it stops, says so in its status, and
//! goes on on the first of next month. With several replicas on one PostgreSQL, the one
//! holding the task's lease in the store runs it; the others read its progress from the
//! store. Failures are logged with what to do and tried again with backoff; nothing
//! here ever stops the server.

mod calendar;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use domain::DateRange;
use futures::StreamExt;
use store::DayFilter;

use crate::history_status::HistoryState;
use crate::pace::Pace;
use crate::plan::runs;
use crate::{AccessService, ServiceError};
use calendar::{last_final_day, next_daily_look, next_month_look, spans, window_months};

/// The name of the fetch's lease in a shared store.
const TASK: &str = "history";

/// The data sets the fetch keeps warm, each by the filter that holds all of it.
const DATA_SETS: [DayFilter; 3] = [DayFilter::AllBlocks, DayFilter::Workplaces, DayFilter::CustomWorkplaces];

/// The first wait after a failed pass; it doubles with each failure in a row.
const FIRST_RETRY: Duration = Duration::from_secs(60);

/// The longest wait after failures.
const MAX_RETRY: Duration = Duration::from_secs(3600);

/// Spans of the window fetched at a time (see [`HistoryFetch::pass`]).
const SPANS_AT_ONCE: usize = 2;

/// How the history fetch runs.
#[derive(Clone, Debug)]
pub struct HistorySettings {
    /// Months of history kept warm: the month of the last final day and the ones before
    /// it. 0 turns the fetch off.
    pub months: u32,
    /// Requests per second the fetch may send (at least 1): its share of the rate.
    pub requests_per_second: u32,
    /// The month's count of calls (all of the dashboard's) up to which the fetch may
    /// call: its share of the monthly quota. `None`: no share (no quota configured).
    pub call_cap: Option<u64>,
    /// With a shared store: how long its lease lasts without renewal, and how often a
    /// replica without it looks whether the holder is still at it.
    pub lease_ttl: Duration,
}

/// The history fetch of one service. [`HistoryFetch::spawn`] starts it.
pub struct HistoryFetch {
    service: Arc<AccessService>,
    settings: HistorySettings,
    pace: Arc<Pace>,
}

/// How one turn of the fetch ended, and so when it looks again.
enum Turn {
    /// Every final day of the window is held.
    Done,
    /// The month's calls reached the fetch's share of the quota.
    ShareSpent,
    /// The quota itself is used up (or Feishu said so).
    QuotaReached,
    /// Another replica holds the lease.
    Elsewhere,
    Failed(ServiceError),
}

impl HistoryFetch {
    /// The history fetch of `service`; it shows in [`AccessService::history_status`]
    /// from now on (as off when `settings.months` is 0).
    pub fn new(service: Arc<AccessService>, settings: HistorySettings) -> Self {
        let pace = Pace::new(settings.requests_per_second, settings.call_cap);
        service.history_board().update(|status| {
            status.state = if settings.months == 0 { HistoryState::Off } else { HistoryState::Starting };
            status.months_total = settings.months;
            status.requests_per_second = pace.per_second();
            status.call_cap = pace.call_cap();
        });
        Self { service, settings, pace }
    }

    /// Starts the fetch in a task of its own, which runs until aborted; `None` when it
    /// is off.
    pub fn spawn(self) -> Option<tokio::task::JoinHandle<()>> {
        if self.settings.months == 0 {
            tracing::info!("the history fetch is off (DASHBOARD_HISTORY_MONTHS=0): pages fetch what they need when asked");
            return None;
        }
        Some(tokio::spawn(self.run()))
    }

    /// Turn after turn, forever: fetch, then wait for the next day, the next month,
    /// the lease or the retry.
    async fn run(self) {
        let mut failures = 0u32;
        loop {
            let turn = self.turn().await;
            let share_spent = matches!(turn, Turn::ShareSpent);
            let now = Utc::now();
            let timezone = self.service.timezone();
            let wake = match turn {
                Turn::Done => {
                    failures = 0;
                    let next_look = next_daily_look(now, timezone);
                    self.set_state(HistoryState::Done { next_look });
                    next_look
                }
                Turn::ShareSpent | Turn::QuotaReached => {
                    failures = 0;
                    let look = next_month_look(now, timezone);
                    let resumes_on = look.with_timezone(&timezone).date_naive();
                    let quota = self.service.quota().await;
                    let state = match self.pace.call_cap() {
                        Some(cap) if share_spent && !quota.reached() => {
                            tracing::warn!(
                                used = quota.used,
                                cap,
                                %resumes_on,
                                "the history fetch has used its share of FEISHU_MONTHLY_QUOTA this month \
                                 (DASHBOARD_HISTORY_QUOTA_PERCENT) and stopped; it goes on next month. Raise the \
                                 share to go on now; pages still fetch what they need"
                            );
                            HistoryState::ShareSpent { used: quota.used, cap, resumes_on }
                        }
                        _ => {
                            tracing::warn!(used = quota.used, %resumes_on, "the monthly Feishu quota is used up: the history fetch stopped until next month");
                            HistoryState::QuotaReached { resumes_on }
                        }
                    };
                    self.set_state(state);
                    look
                }
                Turn::Elsewhere => {
                    failures = 0;
                    now + chrono::Duration::from_std(self.settings.lease_ttl).unwrap_or(chrono::Duration::seconds(30))
                }
                Turn::Failed(error) => {
                    failures = failures.saturating_add(1);
                    let wait = FIRST_RETRY.saturating_mul(1 << failures.saturating_sub(1).min(6)).min(MAX_RETRY);
                    let retry_at = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                    tracing::warn!(
                        %error,
                        retry_in_s = wait.as_secs(),
                        "the history fetch failed; it tries again later. The dashboard works without it (pages fetch \
                         what they need); if this repeats, the error says what to check"
                    );
                    self.set_state(HistoryState::Failed { reason: error.to_string(), retry_at });
                    retry_at
                }
            };
            let wait = (wake - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
        }
    }

    /// One turn: takes the lease (with a shared store), runs a pass while renewing it,
    /// and gives it back.
    async fn turn(&self) -> Turn {
        let store = self.service.store();
        let holder = self.service.holder();
        match store.lease_task(TASK, holder, self.settings.lease_ttl).await {
            Ok(true) => {}
            Ok(false) => {
                self.set_state(HistoryState::Elsewhere);
                if let Err(error) = self.count_months_done(&self.window()).await {
                    tracing::debug!(%error, "could not read the history's progress from the store");
                }
                return Turn::Elsewhere;
            }
            Err(error) => return Turn::Failed(error.into()),
        }
        if !store.is_shared() {
            return self.pass().await;
        }
        let turn = tokio::select! {
            turn = self.pass() => turn,
            lost = self.keep_lease() => lost,
        };
        if let Err(error) = store.release_task(TASK, holder).await {
            tracing::warn!(%error, "could not release the history fetch's lease; it expires on its own");
        }
        turn
    }

    /// Renews the lease every third of its lifetime; returns only when another replica
    /// took it over (this one stalled past the lease), which then runs the fetch.
    async fn keep_lease(&self) -> Turn {
        let ttl = self.settings.lease_ttl;
        let mut ticks = tokio::time::interval(ttl / 3);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match self.service.store().lease_task(TASK, self.service.holder(), ttl).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!("another replica took over the history fetch (this one held its lease too long)");
                    return Turn::Elsewhere;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not renew the history fetch's lease; another replica may take it over")
                }
            }
        }
    }

    /// The window as of today, newest month first.
    fn window(&self) -> Vec<DateRange> {
        window_months(last_final_day(self.service.today()), self.settings.months)
    }

    /// One pass over the window: every missing final day of every data set, newest
    /// month first (see [`spans`]), within the pace and the quota's share.
    async fn pass(&self) -> Turn {
        let months = self.window();
        let (Some(newest), Some(oldest)) = (months.first(), months.last()) else { return Turn::Done };
        self.pace.renew_share();
        let started = Instant::now();
        let calls_before = self.pace.calls();
        let window = DateRange::new(oldest.from(), newest.to()).expect("the months are ordered");
        self.service.history_board().update(|status| {
            status.window = Some(window);
            status.state = HistoryState::Running;
        });
        let done = match self.count_months_done(&months).await {
            Ok(done) => done,
            Err(error) => return Turn::Failed(error),
        };
        tracing::info!(from = %window.from(), to = %window.to(), months_done = done.iter().filter(|d| **d).count(), months = months.len(), "history fetch: looking for missing final days");
        let todo: Vec<DateRange> = spans(&months)
            .into_iter()
            .filter(|span| months.iter().zip(&done).any(|(month, done)| !done && span.contains(month.from())))
            .collect();
        // Two spans at a time, the newer one's results first: a span's last searches page
        // through their days alone, and the next span's keep the pace full meanwhile.
        let mut fills = futures::stream::iter(todo).map(|span| self.fill_span(span)).buffered(SPANS_AT_ONCE);
        let mut fetched = 0u64;
        while let Some(outcome) = fills.next().await {
            match outcome {
                Ok(days) => fetched += days,
                Err(turn) => return turn,
            }
            if let Err(error) = self.count_months_done(&months).await {
                tracing::debug!(%error, "could not read the history's progress from the store");
            }
        }
        let (calls, seconds) = (self.pace.calls() - calls_before, started.elapsed().as_secs_f64());
        if calls > 0 {
            tracing::info!(
                days = fetched,
                calls,
                seconds,
                per_second = calls as f64 / seconds.max(f64::EPSILON),
                pace = self.pace.per_second(),
                "history fetch: every final day of the window is held"
            );
        }
        Turn::Done
    }

    /// Fetches the missing final days of `span` of the three data sets side by side (each
    /// its own Feishu endpoint, one pace); answers how many it got, or how the pass ends.
    async fn fill_span(&self, span: DateRange) -> Result<u64, Turn> {
        let mut fetched = 0;
        for outcome in futures::future::join_all(DATA_SETS.iter().map(|set| self.fill(set, span))).await {
            fetched += outcome?;
        }
        Ok(fetched)
    }

    /// Fetches the final days of `span` of `set` that the store does not hold, newest
    /// run first; answers how many it got from Feishu, or how the pass ends.
    async fn fill(&self, set: &DayFilter, span: DateRange) -> Result<u64, Turn> {
        let held: HashSet<NaiveDate> =
            self.service.store().held_days(set, span).await.map_err(|e| Turn::Failed(e.into()))?.into_iter().collect();
        let missing: Vec<NaiveDate> = span.days().filter(|d| !held.contains(d)).collect();
        let mut fetched = 0;
        for run in runs(&missing).into_iter().rev() {
            self.stop_for_quota().await?;
            let outcome = self.service.hold_days(set.clone(), run, self.pace.clone()).await;
            self.service.history_board().update(|status| status.calls = self.pace.calls());
            match outcome {
                Ok(sources) => {
                    fetched += sources.upstream;
                    self.service.history_board().update(|status| status.days_fetched += sources.upstream);
                }
                Err(_) if self.pace.share_spent() => return Err(Turn::ShareSpent),
                Err(ServiceError::QuotaReached { .. }) => return Err(Turn::QuotaReached),
                Err(error) => return Err(Turn::Failed(error)),
            }
        }
        Ok(fetched)
    }

    /// Ends the pass when the quota, or the fetch's share of it, is spent.
    async fn stop_for_quota(&self) -> Result<(), Turn> {
        let quota = self.service.quota().await;
        if quota.reached() {
            return Err(Turn::QuotaReached);
        }
        if self.pace.call_cap().is_some_and(|cap| quota.used >= cap) {
            return Err(Turn::ShareSpent);
        }
        Ok(())
    }

    /// Which months of `months` the store holds whole, for every data set; shows their
    /// count in the status.
    async fn count_months_done(&self, months: &[DateRange]) -> Result<Vec<bool>, ServiceError> {
        let (Some(newest), Some(oldest)) = (months.first(), months.last()) else { return Ok(Vec::new()) };
        let window = DateRange::new(oldest.from(), newest.to()).expect("the months are ordered");
        let mut held = Vec::with_capacity(DATA_SETS.len());
        for set in &DATA_SETS {
            held.push(self.service.store().held_days(set, window).await?.into_iter().collect::<HashSet<_>>());
        }
        let done: Vec<bool> = months.iter().map(|m| m.days().all(|day| held.iter().all(|set| set.contains(&day)))).collect();
        let count = u32::try_from(done.iter().filter(|d| **d).count()).unwrap_or(u32::MAX);
        self.service.history_board().update(|status| {
            status.months_done = count;
            status.window = Some(window);
        });
        Ok(done)
    }

    fn set_state(&self, state: HistoryState) {
        self.service.history_board().update(|status| status.state = state);
    }
}
