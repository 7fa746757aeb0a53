//! Upstream jobs: one filter over one run of missing days, cut into sub-ranges that are
//! fetched side by side. A job runs in its own task, so it finishes (and fills the cache
//! and the store) even when the query that started it goes away; every query that
//! needs its days waits for the same job.

use std::collections::{btree_map, BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use domain::DateRange;
use feishu::{BlockAccessSearch, CustomWorkplaceAccessSearch, WorkplaceAccessSearch};
use futures::future::{BoxFuture, FutureExt, Shared};
use futures::TryStreamExt;
use store::{StoredDay, StoredRow};

use crate::dataset::{items_per_day, page_size, DaySet, SeenNames};
use crate::day::{DayData, DayFilter, DayKey, ItemKey};
use crate::pace::{JobPace, Pace, PaceSlot};
use crate::plan::{chunk, pages_of, split_in_pages};
use crate::progress::JobProgress;
use crate::service::Inner;
use crate::ServiceError;

/// The days a job filled, by day.
pub(crate) type DayMap = HashMap<NaiveDate, Arc<DayData>>;

/// What waiting on a job yields.
pub(crate) type JobOutcome = Result<Arc<DayMap>, ServiceError>;

/// Days sampled first when nothing tells how many items a day holds: few enough that a
/// tenant of ~60 blocks answers in one page (the sample runs alone, before the rest).
const SAMPLE_DAYS: u32 = 3;

/// Items per day assumed for cost comparisons and splits before any day of the filter
/// was seen.
pub(crate) const DENSITY_GUESS: f64 = 50.0;

/// An upstream job that queries can wait on.
pub(crate) struct Job {
    pub id: u64,
    pub filter: DayFilter,
    /// The run of days it fetches.
    pub run: DateRange,
    /// Days of the run it fetches.
    pub days: usize,
    /// The pace it keeps, for a job of the history fetch; `None` for a person's query.
    pub pace: Option<Arc<JobPace>>,
    pub progress: Arc<JobProgress>,
    pub outcome: Shared<BoxFuture<'static, JobOutcome>>,
}

/// Running count of items per day, per filter whose days vary in size (all blocks,
/// the custom workplaces), learnt from every such day seen.
#[derive(Default)]
pub(crate) struct Density {
    totals: Mutex<HashMap<DayFilter, (u64, u64)>>,
}

impl Density {
    pub fn record(&self, filter: &DayFilter, items: u64, days: u64) {
        if items_per_day(filter).is_some() {
            return;
        }
        let mut all = self.totals.lock().expect("density lock");
        let t = all.entry(filter.clone()).or_default();
        t.0 += items;
        t.1 += days;
    }

    /// Items per day of `filter`: known beforehand, or learnt once at least one day
    /// was seen.
    pub fn get(&self, filter: &DayFilter) -> Option<f64> {
        if let Some(known) = items_per_day(filter) {
            return Some(known);
        }
        let (items, days) = self.totals.lock().expect("density lock").get(filter).copied().unwrap_or_default();
        (days > 0).then(|| (items as f64 / days as f64).max(0.5))
    }
}

static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

impl Inner {
    /// Starts a job in its own task. The caller registers its days as in flight. With a
    /// shared store, the caller holds the leases of the run's final days: the job renews
    /// them while it runs and releases them when it ends (its days saved, or failed for
    /// another replica to try). A job started under `pace` keeps it (see [`crate::Pace`]).
    pub(crate) fn spawn_job(self: &Arc<Self>, filter: DayFilter, run: DateRange, pace: Option<Arc<Pace>>) -> Arc<Job> {
        let id = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let progress = Arc::new(JobProgress::default());
        let pace = pace.map(|pace| Arc::new(JobPace::new(pace)));
        let inner = self.clone();
        let task_filter = filter.clone();
        let task_progress = progress.clone();
        let task_pace = pace.clone();
        let handle = tokio::spawn(async move {
            let today = inner.today();
            let leased_days: Vec<NaiveDate> = if inner.store.is_shared() {
                run.days().filter(|d| crate::service::is_final(*d, today)).collect()
            } else {
                Vec::new()
            };
            let deadline = inner.config.job_deadline;
            let fetch = async {
                let job = inner.run_job(&task_filter, run, &task_progress, task_pace.as_deref());
                if leased_days.is_empty() {
                    job.await
                } else {
                    tokio::select! {
                        outcome = job => outcome,
                        never = inner.renew_leases(&task_filter, &leased_days) => match never {},
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
                Err(ServiceError::DeadlineExceeded {
                    waited_for: crate::Waiting::Feishu { days: run.len_days() as usize },
                    deadline,
                })
            });
            inner.finish_job(&task_filter, run, id).await;
            if !leased_days.is_empty()
                && let Err(error) = inner.store.release_day_leases(&task_filter, &leased_days, &inner.holder).await
            {
                tracing::warn!(%error, "could not release the leases of fetched days; they expire on their own");
            }
            outcome
        });
        let outcome = async move {
            handle.await.unwrap_or_else(|e| Err(ServiceError::Interrupted(e.to_string())))
        }
        .boxed()
        .shared();
        Arc::new(Job { id, filter, run, days: run.len_days() as usize, pace, progress, outcome })
    }

    /// Renews the leases of `days` every third of their lifetime, for as long as it is
    /// polled (the job's fetch runs beside it).
    async fn renew_leases(&self, filter: &DayFilter, days: &[NaiveDate]) -> std::convert::Infallible {
        let ttl = self.config.lease_ttl;
        let mut ticks = tokio::time::interval(ttl / 3);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Err(error) = self.store.renew_day_leases(filter, days, &self.holder, ttl).await {
                tracing::warn!(%error, "could not renew the leases of days being fetched; another replica may fetch them too");
            }
        }
    }

    /// Removes the job's days from the in-flight map (after they reached the cache).
    async fn finish_job(&self, filter: &DayFilter, run: DateRange, id: u64) {
        let mut inflight = self.inflight.lock().await;
        for day in run.days() {
            let key = DayKey { filter: filter.clone(), day };
            if inflight.get(&key).is_some_and(|job| job.id == id) {
                inflight.remove(&key);
            }
        }
    }

    async fn run_job(&self, filter: &DayFilter, run: DateRange, progress: &JobProgress, pace: Option<&JobPace>) -> JobOutcome {
        let mut days = DayMap::new();
        let page = page_size(filter);
        let parts = match (items_per_day(filter), self.density.get(filter)) {
            // At most one item a day (one block, the totals): a page's worth of days a part.
            (Some(_), _) => chunk(run, page),
            (None, Some(density)) => split_in_pages(run, density, self.config.max_parallel, page),
            // The history fetch samples one day of any longer run: its first run of a
            // large tenant would otherwise be paged through alone, far below its pace.
            (None, None) if run.len_days() > SAMPLE_DAYS * 2 || (pace.is_some() && run.len_days() > 1) => {
                // Learn the density from a short first stretch, then size the rest.
                let sample_days = if pace.is_some() { 1 } else { SAMPLE_DAYS };
                let sample_end = run.from() + chrono::Days::new(u64::from(sample_days) - 1);
                let sample = DateRange::new(run.from(), sample_end).expect("inside the run");
                progress.add_estimate(1);
                days.extend(self.fetch_part(filter, sample, progress, pace).await?);
                let rest = DateRange::new(sample_end.succ_opt().expect("inside the run"), run.to()).expect("non-empty");
                split_in_pages(rest, self.density.get(filter).unwrap_or(DENSITY_GUESS), self.config.max_parallel, page)
            }
            (None, None) => vec![run],
        };
        let per_day = self.density.get(filter).unwrap_or(DENSITY_GUESS);
        progress.add_estimate(parts.iter().map(|p| pages_of(f64::from(p.len_days()) * per_day, page)).sum());
        let fetched =
            futures::future::try_join_all(parts.into_iter().map(|part| self.fetch_part(filter, part, progress, pace))).await?;
        for part in fetched {
            days.extend(part);
        }
        Ok(Arc::new(days))
    }

    /// [`Inner::fetch_part_of`] with the filter's endpoint.
    async fn fetch_part(
        &self,
        filter: &DayFilter,
        part: DateRange,
        progress: &JobProgress,
        pace: Option<&JobPace>,
    ) -> Result<DayMap, ServiceError> {
        match filter {
            DayFilter::AllBlocks | DayFilter::Block(_) => self.fetch_part_of::<BlockAccessSearch>(filter, part, progress, pace).await,
            DayFilter::Workplaces => self.fetch_part_of::<WorkplaceAccessSearch>(filter, part, progress, pace).await,
            DayFilter::CustomWorkplaces => self.fetch_part_of::<CustomWorkplaceAccessSearch>(filter, part, progress, pace).await,
        }
    }

    /// Fetches one sub-range page by page, then files every day of it: in the cache,
    /// and in the store when final. Days without items are held as empty. Each page is
    /// reserved against the monthly quota before it is requested; past the quota the
    /// part fails with [`ServiceError::QuotaReached`] and nothing of it is filed. Under a
    /// pace, each page also waits for the pace's slot and is refused at its call cap.
    async fn fetch_part_of<E: DaySet>(
        &self,
        filter: &DayFilter,
        part: DateRange,
        progress: &JobProgress,
        pace: Option<&JobPace>,
    ) -> Result<DayMap, ServiceError> {
        let query = E::query(filter, part);
        let mut by_day: HashMap<NaiveDate, BTreeMap<ItemKey, (u64, u64)>> = HashMap::new();
        let mut names = SeenNames::new();
        let mut items = 0u64;
        let month = self.month();
        // Pages requested (reserved against the quota), answered or not.
        let mut calls = CallTally { store: self.store.clone(), month: month.clone(), pages: 0 };
        let mut stream = std::pin::pin!(self.client.search_pages(&query));
        let result = async {
            // The stream requests the next page only while the last one said `has_more`.
            let mut more = true;
            while more {
                let slot = self.reserve_page(&month, pace).await?;
                calls.pages += 1;
                self.upstream_requests.fetch_add(1, Ordering::Relaxed);
                let page = stream.try_next().await;
                if let Some(slot) = slot {
                    slot.answered();
                }
                let Some(page) = page? else {
                    // Not expected (the stream asks again only after `has_more`): no
                    // request was sent, so the reservation is given back.
                    self.quota.release(&month);
                    calls.pages -= 1;
                    self.upstream_requests.fetch_sub(1, Ordering::Relaxed);
                    break;
                };
                more = page.has_more;
                progress.page_done();
                for item in page.items {
                    items += 1;
                    E::rows(item, &mut names, |date, key, pv, uv| {
                        if !part.contains(date) {
                            tracing::warn!(%date, "Feishu returned a day outside the range asked for; ignored");
                            return;
                        }
                        match by_day.entry(date).or_default().entry(key) {
                            btree_map::Entry::Vacant(slot) => {
                                slot.insert((pv, uv));
                            }
                            // Pages that overlap would count an item twice; keep the first.
                            btree_map::Entry::Occupied(slot) => tracing::warn!(
                                %date, key = slot.key().stored(), "Feishu repeated an item; kept the first"
                            ),
                        }
                    });
                }
            }
            Ok::<(), ServiceError>(())
        }
        .await;
        calls.save().await;
        if let Err(error) = result {
            if error.feishu().is_some_and(|e| matches!(e, feishu::FeishuError::QuotaExhausted { .. })) {
                // Feishu's own word: no more calls this month, whatever the configured limit.
                tracing::warn!(%error, %month, "Feishu says the monthly API quota is used up; no more calls this month");
                self.quota.refused_by_feishu(&month);
                return Err(self.quota.state(self.today()).error());
            }
            return Err(error);
        }

        let today = self.today();
        let mut filled = DayMap::new();
        let mut to_store = Vec::new();
        for day in part.days() {
            let rows = by_day.remove(&day).unwrap_or_default();
            let is_final = crate::service::is_final(day, today);
            if is_final {
                to_store.push(StoredDay {
                    day,
                    rows: rows.iter().map(|(key, (pv, uv))| StoredRow { key: key.stored().to_owned(), pv: *pv, uv: *uv }).collect(),
                });
            }
            let data = Arc::new(self.interner.compact(rows.into_iter().map(|(key, (pv, uv))| (key, pv, uv)), is_final));
            self.cache.insert(DayKey { filter: filter.clone(), day }, data.clone()).await;
            filled.insert(day, data);
        }
        self.density.record(filter, items, u64::from(part.len_days()));
        self.learn_workplace_names(names).await;
        if !to_store.is_empty() {
            if let Err(error) = self.store.save_days(filter, &to_store).await {
                // The numbers are still right and cached; only a restart would refetch them.
                tracing::warn!(%error, days = to_store.len(), "could not save final days to the store");
            }
        }
        Ok(filled)
    }

    /// Reserves one page against the month's count, or refuses past the quota; under
    /// the job's pace, waits for the pace's slot first (unless the job is hurried
    /// meanwhile) and refuses at its call cap too. Nothing awaits after the reservation,
    /// so that the caller counts every reserved page.
    async fn reserve_page<'p>(&self, month: &str, job: Option<&'p JobPace>) -> Result<Option<PaceSlot<'p>>, ServiceError> {
        let slot = match job.and_then(|job| job.current().map(|pace| (job, pace))) {
            Some((job, pace)) => tokio::select! {
                slot = pace.slot() => Some((pace, slot)),
                () = job.hurried() => None,
            },
            None => None,
        };
        let Some((pace, slot)) = slot else {
            self.quota.reserve(month, self.today())?;
            return Ok(None);
        };
        if let Err(refusal) = self.quota.reserve_below(month, self.today(), pace.call_cap()) {
            if refusal.by_cap {
                pace.note_share_spent();
            }
            return Err(refusal.error);
        }
        pace.note_call();
        Ok(Some(slot))
    }
}

/// Calls of one part (already reserved in the quota's book) not yet added to the
/// store's count of the month. The store is written from a task of its own, which a
/// part cancelled midway (a sibling part failed) cannot interrupt: every call that
/// may have been sent is counted once, and survives a restart.
pub(crate) struct CallTally {
    store: store::Store,
    month: String,
    pages: u64,
}

impl CallTally {
    /// `pages` calls of `month`, already reserved, to add to the store's count.
    pub(crate) fn new(store: store::Store, month: String, pages: u64) -> Self {
        Self { store, month, pages }
    }

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
    pub(crate) async fn save(mut self) {
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
