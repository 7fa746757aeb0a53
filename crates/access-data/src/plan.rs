//! What is missing, and how it is fetched for the fewest calls. A query's days are
//! looked up in memory, then (final days) in the store, then among the jobs in flight;
//! what nobody holds or fetches is merged into runs of contiguous days, fetched for all
//! blocks or per block, whichever costs fewer calls, by new jobs (see `lease`), and
//! waited for. Past the monthly quota nothing new is fetched: a partial answer is never
//! given. The arithmetic of pages, costs and runs is `pages`' (re-exported here).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use domain::{BlockId, DateRange};
use store::Store;

use crate::answer::{DaySources, QueryOptions};
use crate::day::{DayData, DayFilter, DayKey, is_final, today};
use crate::held::{DENSITY_GUESS, HeldDays};
use crate::lease::{Flights, Job};
use crate::pace::Pace;
use crate::quota::{Meter, QuotaState};
use crate::{ServiceConfig, ServiceError, Waiting};

pub use crate::pages::{PAGE_SIZE, all_blocks_cost, chunk, one_block_cost, pages_for, pages_of, runs, split, split_in_pages};

/// What a query asks for: the days of `range` of the data set's whole filter, or,
/// for block queries naming blocks, of those blocks.
pub(crate) struct Wanted<'a> {
    pub whole: DayFilter,
    pub range: DateRange,
    pub blocks: &'a [BlockId],
    /// The history fetch's pace; `None` for a person's query.
    pub pace: Option<Arc<Pace>>,
}

/// The held days a query is answered from.
pub(crate) struct Gathered {
    pub held: HashMap<DayKey, Arc<DayData>>,
    pub sources: DaySources,
    /// The days of the range up to today.
    pub days: Vec<NaiveDate>,
    pub future_days: u32,
    /// See [`crate::QueryAnswer::refreshed_at`].
    pub refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a running query waits for, kept up to date as it goes, for the message when
/// its deadline passes.
#[derive(Default)]
pub(crate) struct WaitingNow(Mutex<Waiting>);

impl WaitingNow {
    fn set(&self, waiting: Waiting) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = waiting;
    }

    pub fn get(&self) -> Waiting {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Finds the days queries want.
pub(crate) struct Planner {
    held: Arc<HeldDays>,
    flights: Flights,
    meter: Arc<Meter>,
    store: Store,
    config: ServiceConfig,
}

impl Planner {
    pub fn new(held: Arc<HeldDays>, flights: Flights, meter: Arc<Meter>, store: Store, config: ServiceConfig) -> Self {
        Self { held, flights, meter, store, config }
    }

    /// Finds every day `wanted` needs: memory, the store, jobs in flight, new jobs.
    pub async fn gather(
        &self,
        wanted: &Wanted<'_>,
        options: &QueryOptions,
        waiting: &WaitingNow,
    ) -> Result<Gathered, ServiceError> {
        let today = today(self.config.timezone);
        let days: Vec<NaiveDate> = wanted.range.days().filter(|d| *d <= today).collect();
        let future_days = wanted.range.len_days() - days.len() as u32;
        let (whole, blocks) = (&wanted.whole, wanted.blocks);
        let refreshed_at = if options.refresh { self.forget_changing_days(whole, &days, blocks, today).await } else { None };
        let mut held: HashMap<DayKey, Arc<DayData>> = HashMap::new();
        let mut sources = DaySources::default();

        // 1. Memory.
        let mut needs = Needs::new(whole.clone());
        for &day in &days {
            let all = DayKey { filter: whole.clone(), day };
            if let Some(data) = self.held.get(&all).await {
                held.insert(all, data);
                sources.memory += 1;
                continue;
            }
            if blocks.is_empty() {
                needs.all.insert(day);
            }
            for block in blocks {
                let key = DayKey { filter: DayFilter::Block(block.clone()), day };
                match self.held.get(&key).await {
                    Some(data) => {
                        held.insert(key, data);
                    }
                    None => {
                        needs.blocks.entry(block.clone()).or_default().insert(day);
                    }
                }
            }
        }

        // Steps 2 to 4 run again for days that another replica sharing the store is
        // fetching (see `claim_or_wait`): once it saved them, step 2 finds them.
        let mut rounds = 0u32;
        while !needs.is_empty() {
            if rounds > 0 {
                waiting.set(Waiting::Replica { days: needs.days().len() });
                tokio::time::sleep(self.config.lease_poll).await;
            }
            rounds += 1;

            // 2. The store, for final days.
            waiting.set(Waiting::Store);
            sources.store += self.load_from_store(&mut needs, &mut held, today).await;
            if needs.is_empty() {
                break;
            }

            // 3. Jobs in flight, and new jobs for what nobody is fetching yet; none past the
            // monthly quota (each page of a job is also reserved against it before it is sent).
            let quota = self.meter.state().await;
            let quota = quota.reached().then_some(quota);
            let (jobs, mut elsewhere) = self.claim_or_wait(&mut needs, &mut held, quota, wanted.pace.as_ref()).await?;

            // 4. Wait for the jobs; any failure fails the query (no partial answers).
            if let Some(progress) = &options.progress {
                for job in &jobs {
                    progress.track(job.progress());
                }
            }
            waiting.set(Waiting::Feishu { days: jobs.iter().map(|job| job.days()).sum() });
            let outcomes = futures::future::join_all(jobs.iter().map(|job| job.outcome())).await;
            for (job, outcome) in jobs.iter().zip(outcomes) {
                let filled = match outcome {
                    // A job of the history fetch that this query hurried stopped at the
                    // history's share of the quota, not at the quota: fetch its days anew.
                    Err(ServiceError::QuotaReached { .. })
                        if wanted.pace.is_none()
                            && job.filter() == whole
                            && job.share_spent()
                            && !self.meter.state().await.reached() =>
                    {
                        elsewhere.all.extend(job.run().days().filter(|d| days.binary_search(d).is_ok()));
                        continue;
                    }
                    outcome => outcome?,
                };
                for (day, data) in filled.iter() {
                    if wanted.range.contains(*day) {
                        sources.upstream += 1;
                        held.insert(DayKey { filter: job.filter().clone(), day: *day }, data.clone());
                    }
                }
            }
            needs = elsewhere;
        }

        Ok(Gathered { held, sources, days, future_days, refreshed_at })
    }

    /// Drops today's and yesterday's numbers so that they are fetched again — each at
    /// most once per [`ServiceConfig::refresh_min_interval`], claimed in the store so
    /// that every client and replica shares the allowance. Answers when the days held
    /// back were last fetched, if any was.
    async fn forget_changing_days(
        &self,
        whole: &DayFilter,
        days: &[NaiveDate],
        blocks: &[BlockId],
        today: NaiveDate,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let changing: Vec<(DayFilter, NaiveDate)> = days
            .iter()
            .filter(|d| !is_final(**d, today))
            .flat_map(|&day| {
                std::iter::once(whole.clone())
                    .chain(blocks.iter().map(|block| DayFilter::Block(block.clone())))
                    .map(move |filter| (filter, day))
            })
            .collect();
        let (granted, held_since) = if self.config.refresh_min_interval.is_zero() {
            (changing, None)
        } else {
            match self.store.claim_refreshes(&changing, chrono::Utc::now(), self.config.refresh_min_interval).await {
                Ok(claims) => {
                    if let Some(at) = claims.held_since {
                        tracing::debug!(%at, "refresh within the interval: serving the numbers fetched then");
                    }
                    (claims.granted, claims.held_since)
                }
                // Without the store's word, no refresh: a failing store must not open the
                // way to Feishu for a loop of refreshes.
                Err(error) => {
                    tracing::warn!(%error, "could not claim a refresh; serving the numbers held");
                    (Vec::new(), None)
                }
            }
        };
        for (filter, day) in granted {
            self.held.forget(DayKey { filter, day }).await;
        }
        held_since
    }

    /// Loads needed final days from the store into memory; returns how many it found.
    async fn load_from_store(&self, needs: &mut Needs, held: &mut HashMap<DayKey, Arc<DayData>>, today: NaiveDate) -> u64 {
        let mut found = 0;
        let final_days: Vec<NaiveDate> = needs.days().into_iter().filter(|d| is_final(*d, today)).collect();
        if final_days.is_empty() {
            return 0;
        }
        let whole = needs.whole.clone();
        for (day, data) in self.held.load_final(&whole, &final_days).await {
            held.insert(DayKey { filter: whole.clone(), day }, data);
            needs.answered_for_all(day);
            found += 1;
        }
        let blocks: Vec<(BlockId, Vec<NaiveDate>)> = needs
            .blocks
            .iter()
            .map(|(b, days)| (b.clone(), days.iter().copied().filter(|d| is_final(*d, today)).collect::<Vec<_>>()))
            .filter(|(_, days)| !days.is_empty())
            .collect();
        for (block, days) in blocks {
            let filter = DayFilter::Block(block.clone());
            for (day, data) in self.held.load_final(&filter, &days).await {
                held.insert(DayKey { filter: filter.clone(), day }, data);
                if let Some(set) = needs.blocks.get_mut(&block) {
                    set.remove(&day);
                }
                found += 1;
            }
        }
        found
    }

    /// Under the in-flight lock: takes days another query is already fetching (to wait
    /// for) and starts jobs for the rest. Returns every job this query must wait for, or,
    /// when `quota_reached` and something is left to fetch, the quota error (no job is
    /// started: a partial answer is never given).
    ///
    /// With a store shared by several replicas, final days are fetched only under a
    /// lease ([`Store::lease_days`]); days leased by another replica are returned as
    /// still needed, for the caller to find in the store once that replica saved them
    /// (or to lease itself once that replica's lease expired).
    ///
    /// New jobs keep `pace` (the history fetch's); a query without one that waits for a
    /// paced job hurries it ([`crate::pace::JobPace::hurry`]).
    async fn claim_or_wait(
        &self,
        needs: &mut Needs,
        held: &mut HashMap<DayKey, Arc<DayData>>,
        quota_reached: Option<QuotaState>,
        pace: Option<&Arc<Pace>>,
    ) -> Result<(Vec<Arc<Job>>, Needs), ServiceError> {
        let mut inflight = self.flights.lock().await;
        let mut waits: BTreeMap<u64, Arc<Job>> = BTreeMap::new();
        let mut fetch_all: BTreeSet<NaiveDate> = BTreeSet::new();
        let mut fetch_blocks: BTreeMap<BlockId, BTreeSet<NaiveDate>> = BTreeMap::new();

        let whole = needs.whole.clone();
        for day in std::mem::take(&mut needs.all) {
            let key = DayKey { filter: whole.clone(), day };
            // A job may have finished since step 1: it fills the cache before leaving the flight.
            if let Some(data) = self.held.peek(&key).await {
                held.insert(key, data);
            } else if let Some(job) = inflight.job(&key) {
                waits.insert(job.id(), job.clone());
            } else {
                fetch_all.insert(day);
            }
        }
        for (block, days) in std::mem::take(&mut needs.blocks) {
            for day in days {
                let all = DayKey { filter: DayFilter::AllBlocks, day };
                let own = DayKey { filter: DayFilter::Block(block.clone()), day };
                if let Some(data) = self.held.peek(&all).await {
                    held.insert(all, data);
                } else if let Some(data) = self.held.peek(&own).await {
                    held.insert(own, data);
                } else if let Some(job) = inflight.job(&all).or_else(|| inflight.job(&own)) {
                    waits.insert(job.id(), job.clone());
                } else {
                    fetch_blocks.entry(block.clone()).or_default().insert(day);
                }
            }
        }

        // Several blocks: one all-block search or one search per block, whichever is cheaper.
        if !fetch_blocks.is_empty() {
            let union: Vec<NaiveDate> = fetch_blocks.values().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
            let density = self.held.items_per_day(&DayFilter::AllBlocks).unwrap_or(DENSITY_GUESS);
            let cost_all = all_blocks_cost(&runs(&union), density);
            let cost_each: u64 =
                fetch_blocks.values().map(|days| one_block_cost(&runs(&days.iter().copied().collect::<Vec<_>>()))).sum();
            tracing::debug!(cost_all, cost_each, blocks = fetch_blocks.len(), "planning a block-filtered fetch");
            if cost_all <= cost_each {
                fetch_all.extend(union);
                fetch_blocks.clear();
            }
        }

        if let Some(quota) = quota_reached
            && (!fetch_all.is_empty() || !fetch_blocks.is_empty())
        {
            let missing = fetch_all.len() + fetch_blocks.values().map(BTreeSet::len).sum::<usize>();
            tracing::info!(missing, used = quota.used, limit = ?quota.limit, "monthly quota reached: not fetching");
            return Err(quota.error());
        }

        let mut elsewhere = Needs::new(whole.clone());
        let mut planned: Vec<(DayFilter, DateRange)> = Vec::new();
        let all_days = inflight.lease(&whole, fetch_all, &mut elsewhere.all).await?;
        planned.extend(runs(&all_days).into_iter().map(|r| (whole.clone(), r)));
        for (block, days) in fetch_blocks {
            let filter = DayFilter::Block(block.clone());
            let days = inflight.lease(&filter, days, elsewhere.blocks.entry(block).or_default()).await?;
            planned.extend(runs(&days).into_iter().map(|r| (filter.clone(), r)));
        }
        if pace.is_none() {
            waits.values().for_each(|job| job.hurry());
        }
        for (filter, run) in planned {
            let job = inflight.start(filter, run, pace.cloned());
            waits.insert(job.id(), job);
        }
        Ok((waits.into_values().collect(), elsewhere))
    }
}

/// Days still to find, per filter.
struct Needs {
    /// The data set's filter that answers for all of it ([`DayFilter::AllBlocks`], …).
    whole: DayFilter,
    /// Days that need the whole filter's numbers.
    all: BTreeSet<NaiveDate>,
    /// For block filters: days each block still needs (neither its own day nor the
    /// all-block day is held).
    blocks: BTreeMap<BlockId, BTreeSet<NaiveDate>>,
}

impl Needs {
    fn new(whole: DayFilter) -> Self {
        Needs { whole, all: BTreeSet::new(), blocks: BTreeMap::new() }
    }

    fn is_empty(&self) -> bool {
        self.all.is_empty() && self.blocks.values().all(BTreeSet::is_empty)
    }

    /// Every day some filter still needs.
    fn days(&self) -> BTreeSet<NaiveDate> {
        let mut days = self.all.clone();
        for set in self.blocks.values() {
            days.extend(set.iter().copied());
        }
        days
    }

    /// Marks `day` as answered for every block (an all-block day was found).
    fn answered_for_all(&mut self, day: NaiveDate) {
        self.all.remove(&day);
        for set in self.blocks.values_mut() {
            set.remove(&day);
        }
    }
}
