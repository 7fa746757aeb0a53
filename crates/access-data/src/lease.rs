//! Who fetches a day. In this process, one job at a time per day and filter: a query that
//! needs a day being fetched waits for that job ([`Job`]), and a job runs in its own task,
//! so it finishes (and fills the cache and the store) even when the query that started
//! it goes away. With a store shared by several replicas, one replica per final day: a
//! day is fetched only under its lease in the store, renewed while the job runs and
//! released when it ends.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::DateRange;
use futures::future::{BoxFuture, FutureExt, Shared};
use store::Store;

use crate::day::{DayFilter, DayKey, is_final, today};
use crate::fetch::{Fetcher, JobOutcome};
use crate::pace::{JobPace, Pace};
use crate::progress::JobProgress;
use crate::{ServiceConfig, ServiceError, Waiting};

static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

/// An upstream job that queries can wait on.
pub(crate) struct Job {
    id: u64,
    filter: DayFilter,
    /// The run of days it fetches.
    run: DateRange,
    /// The pace it keeps, for a job of the history fetch; `None` for a person's query.
    pace: Option<Arc<JobPace>>,
    progress: Arc<JobProgress>,
    outcome: Shared<BoxFuture<'static, JobOutcome>>,
}

impl Job {
    /// Unique in the process: several days of one job are waited for once.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn filter(&self) -> &DayFilter {
        &self.filter
    }

    /// The run of days it fetches.
    pub fn run(&self) -> DateRange {
        self.run
    }

    /// Days of the run it fetches.
    pub fn days(&self) -> usize {
        self.run.len_days() as usize
    }

    pub fn progress(&self) -> Arc<JobProgress> {
        self.progress.clone()
    }

    /// Completes with the days the job filled, or why it failed; any number may wait.
    pub fn outcome(&self) -> Shared<BoxFuture<'static, JobOutcome>> {
        self.outcome.clone()
    }

    /// A person's query waits for the job: a paced job goes on at the full rate
    /// ([`JobPace::hurry`]).
    pub fn hurry(&self) {
        if let Some(pace) = &self.pace {
            pace.hurry();
        }
    }

    /// True for a paced job whose pace's share of the quota is spent: it stopped at the
    /// history's share, not at the quota.
    pub fn share_spent(&self) -> bool {
        self.pace.as_ref().is_some_and(|job| job.pace().share_spent())
    }
}

/// The days in flight, and how new jobs are run.
pub(crate) struct Flights {
    runner: Arc<Runner>,
}

/// What a job's task needs, shared by every job.
struct Runner {
    jobs: tokio::sync::Mutex<HashMap<DayKey, Arc<Job>>>,
    fetcher: Fetcher,
    store: Store,
    /// Who this service is when it leases days in a shared store: unique per process.
    holder: String,
    lease_ttl: Duration,
    job_deadline: Duration,
    timezone: Tz,
}

impl Flights {
    pub fn new(fetcher: Fetcher, store: Store, holder: String, config: &ServiceConfig) -> Self {
        let runner = Runner {
            jobs: tokio::sync::Mutex::new(HashMap::new()),
            fetcher,
            store,
            holder,
            lease_ttl: config.lease_ttl,
            job_deadline: config.job_deadline,
            timezone: config.timezone,
        };
        Self { runner: Arc::new(runner) }
    }

    /// The days in flight, locked until the answer is dropped: what is found in flight
    /// and what is started meanwhile is one step for every other query.
    pub async fn lock(&self) -> InFlight<'_> {
        InFlight { runner: &self.runner, jobs: self.runner.jobs.lock().await }
    }
}

/// The days in flight, under the lock.
pub(crate) struct InFlight<'f> {
    runner: &'f Arc<Runner>,
    jobs: tokio::sync::MutexGuard<'f, HashMap<DayKey, Arc<Job>>>,
}

impl InFlight<'_> {
    /// The job fetching `key`'s day, if one is.
    pub fn job(&self, key: &DayKey) -> Option<&Arc<Job>> {
        self.jobs.get(key)
    }

    /// The days of `days` this service may fetch: all of them with a store of its own;
    /// with a shared store, the days not final (never stored, so each replica fetches
    /// them) and the final days it got the lease of. The rest go to `elsewhere`.
    pub async fn lease(
        &self,
        filter: &DayFilter,
        days: BTreeSet<NaiveDate>,
        elsewhere: &mut BTreeSet<NaiveDate>,
    ) -> Result<Vec<NaiveDate>, ServiceError> {
        let runner = self.runner;
        if !runner.store.is_shared() || days.is_empty() {
            return Ok(days.into_iter().collect());
        }
        let today = today(runner.timezone);
        let (final_days, changing): (Vec<NaiveDate>, Vec<NaiveDate>) = days.into_iter().partition(|d| is_final(*d, today));
        let leased = match runner.store.lease_days(filter, &final_days, &runner.holder, runner.lease_ttl).await {
            Ok(leased) => leased,
            Err(error) => {
                // Fetching a day twice costs calls; failing the query would cost the answer.
                tracing::warn!(%error, days = final_days.len(), "could not lease missing days; fetching them without a lease");
                final_days.clone()
            }
        };
        let leased_set: BTreeSet<NaiveDate> = leased.iter().copied().collect();
        elsewhere.extend(final_days.into_iter().filter(|d| !leased_set.contains(d)));
        let mut mine: Vec<NaiveDate> = changing.into_iter().chain(leased).collect();
        mine.sort_unstable();
        Ok(mine)
    }

    /// Starts a job for `run` of `filter` in its own task, its days in flight until it
    /// ends. With a shared store, the caller holds the leases of the run's final days:
    /// the job renews them while it runs and releases them when it ends (its days saved,
    /// or failed for another replica to try). A job started under `pace` keeps it (see
    /// [`crate::Pace`]).
    pub fn start(&mut self, filter: DayFilter, run: DateRange, pace: Option<Arc<Pace>>) -> Arc<Job> {
        let id = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let progress = Arc::new(JobProgress::default());
        let pace = pace.map(|pace| Arc::new(JobPace::new(pace)));
        let task = self.runner.clone().run(filter.clone(), run, id, progress.clone(), pace.clone());
        let handle = tokio::spawn(task);
        let outcome =
            async move { handle.await.unwrap_or_else(|e| Err(ServiceError::Interrupted(e.to_string()))) }.boxed().shared();
        let job = Arc::new(Job { id, filter, run, pace, progress, outcome });
        for day in run.days() {
            self.jobs.insert(DayKey { filter: job.filter.clone(), day }, job.clone());
        }
        job
    }
}

impl Runner {
    /// A job's task: the fetch, within the job deadline and under its leases; then its
    /// days leave the flight and its leases are given back.
    async fn run(
        self: Arc<Self>,
        filter: DayFilter,
        run: DateRange,
        id: u64,
        progress: Arc<JobProgress>,
        pace: Option<Arc<JobPace>>,
    ) -> JobOutcome {
        let today = today(self.timezone);
        let leased_days: Vec<NaiveDate> =
            if self.store.is_shared() { run.days().filter(|d| is_final(*d, today)).collect() } else { Vec::new() };
        let deadline = self.job_deadline;
        let fetch = async {
            let job = self.fetcher.run_job(&filter, run, &progress, pace.as_deref());
            if leased_days.is_empty() {
                job.await
            } else {
                tokio::select! {
                    outcome = job => outcome,
                    never = self.renew_leases(&filter, &leased_days) => match never {},
                }
            }
        };
        let outcome = tokio::time::timeout(deadline, fetch).await.unwrap_or_else(|_| {
            tracing::error!(
                from = %run.from(),
                to = %run.to(),
                deadline_s = deadline.as_secs_f64(),
                "a fetch from Feishu ran past its deadline and was given up; the next query fetches its days anew"
            );
            Err(ServiceError::DeadlineExceeded { waited_for: Waiting::Feishu { days: run.len_days() as usize }, deadline })
        });
        self.finish(&filter, run, id).await;
        if !leased_days.is_empty()
            && let Err(error) = self.store.release_day_leases(&filter, &leased_days, &self.holder).await
        {
            tracing::warn!(%error, "could not release the leases of fetched days; they expire on their own");
        }
        outcome
    }

    /// Renews the leases of `days` every third of their lifetime, for as long as it is
    /// polled (the job's fetch runs beside it).
    async fn renew_leases(&self, filter: &DayFilter, days: &[NaiveDate]) -> std::convert::Infallible {
        let ttl = self.lease_ttl;
        let mut ticks = tokio::time::interval(ttl / 3);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Err(error) = self.store.renew_day_leases(filter, days, &self.holder, ttl).await {
                tracing::warn!(%error, "could not renew the leases of days being fetched; another replica may fetch them too");
            }
        }
    }

    /// Removes the job's days from the flight (after they reached the cache).
    async fn finish(&self, filter: &DayFilter, run: DateRange, id: u64) {
        let mut jobs = self.jobs.lock().await;
        for day in run.days() {
            let key = DayKey { filter: filter.clone(), day };
            if jobs.get(&key).is_some_and(|job| job.id == id) {
                jobs.remove(&key);
            }
        }
    }
}
