//! The access-data service: answers a query from memory, then the store, then jobs
//! already in flight, and fetches only what is left, planned to spend the fewest calls.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::NaiveDate;
use domain::{AccessQuery, AccessRow, BlockId, CustomWorkplaceDay, DateRange, Visits, WorkplaceDay, WorkplaceId};
use feishu::FeishuClient;
use serde::Serialize;
use store::{BlockLabel, Store, WorkplaceNames};

use crate::block_days::BlockDays;
use crate::cache::{CacheStats, DayCache};
use crate::dataset::SeenNames;
use crate::day::{DayData, DayFilter, DayKey, Interner, ItemKey};
use crate::fetch::{Density, Job, DENSITY_GUESS};
use crate::history::HistoryBoard;
use crate::pace::Pace;
use crate::plan::{all_blocks_cost, one_block_cost, runs};
use crate::progress::QueryProgress;
use crate::quota::{month_key, QuotaBook, QuotaState};
use crate::{ServiceConfig, ServiceError, Waiting};

/// True when `day` can no longer change: it is before yesterday.
pub fn is_final(day: NaiveDate, today: NaiveDate) -> bool {
    today.pred_opt().and_then(|y| y.pred_opt()).is_some_and(|before_yesterday| day <= before_yesterday)
}

/// How a query may be answered.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// Fetch today and yesterday again even when cached (final days never change).
    pub refresh: bool,
    /// Where to report progress while upstream pages are fetched.
    pub progress: Option<Arc<QueryProgress>>,
}

/// Where the days of an answer came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DaySources {
    pub memory: u64,
    pub store: u64,
    /// Fetched from Feishu by this query or by one it waited for.
    pub upstream: u64,
}

/// The answer to a query: block rows, or the rows of another data set.
#[derive(Clone, Debug)]
pub struct QueryAnswer<R = AccessRow> {
    /// Sorted by date, then block (or workplace) id; pairs without visits are absent.
    pub rows: Vec<R>,
    pub sources: DaySources,
    /// The days after today in the range: they have no numbers yet.
    pub future_days: u32,
    /// A refresh was asked for, but the changing days had been fetched again within
    /// [`ServiceConfig::refresh_min_interval`] (by anyone): they are served as fetched
    /// then, at this time (the latest such time when there were several).
    pub refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The service. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct AccessService {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub client: FeishuClient,
    pub store: Store,
    pub config: ServiceConfig,
    pub cache: DayCache,
    pub interner: Arc<Interner>,
    pub inflight: tokio::sync::Mutex<HashMap<DayKey, Arc<Job>>>,
    pub density: Density,
    pub upstream_requests: AtomicU64,
    /// This month's calls against the quota.
    pub quota: QuotaBook,
    /// Who this service is when it leases days in a shared store: unique per process.
    pub holder: String,
    /// Where the history fetch stands, for the page and `/metrics`.
    pub history: HistoryBoard,
    /// The names, replaced whole on every change: a query takes the current map
    /// without copying it.
    labels: RwLock<Arc<BTreeMap<BlockId, BlockLabel>>>,
    /// Counts the changes of `labels`: what was built with one version of the names is
    /// stale once it moves on.
    labels_version: AtomicU64,
    /// The custom workplaces' names as Feishu last gave them, replaced whole on change.
    workplace_names: RwLock<Arc<BTreeMap<WorkplaceId, WorkplaceNames>>>,
}

impl AccessService {
    /// A service over `client` and `store`; loads the block names from the store.
    pub async fn new(client: FeishuClient, store: Store, config: ServiceConfig) -> Result<Self, ServiceError> {
        let labels = store.block_labels().await?.into_iter().map(|l| (l.block_id.clone(), l)).collect();
        let workplace_names = store.workplace_names().await?;
        let month = month_key(chrono::Utc::now().with_timezone(&config.timezone).date_naive());
        let used = store.upstream_calls(&month).await?;
        let quota = QuotaBook::new(config.monthly_quota, config.quota_warn_percent, month, used);
        let inner = Inner {
            client,
            store,
            cache: DayCache::new(config.memory_budget_bytes, config.fresh_ttl),
            config,
            interner: Arc::new(Interner::default()),
            inflight: tokio::sync::Mutex::new(HashMap::new()),
            density: Density::default(),
            upstream_requests: AtomicU64::new(0),
            quota,
            holder: store::replica_name(),
            history: HistoryBoard::default(),
            labels: RwLock::new(Arc::new(labels)),
            labels_version: AtomicU64::new(0),
            workplace_names: RwLock::new(Arc::new(workplace_names)),
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Rows for the query, exact and complete, or an error: never a partial answer.
    pub async fn query(&self, query: &AccessQuery, options: QueryOptions) -> Result<QueryAnswer, ServiceError> {
        let days = self.block_days(query, options).await?;
        Ok(QueryAnswer { rows: days.rows(), sources: days.sources, future_days: days.future_days, refreshed_at: days.refreshed_at })
    }

    /// The query's days as held, exact and complete, or an error: read as rows, a page
    /// of rows, columns or totals without copying every row ([`BlockDays`]).
    ///
    /// With a store shared by several replicas, the block names are read again first,
    /// so that what the answer is shown with includes names given on other replicas.
    pub async fn block_days(&self, query: &AccessQuery, options: QueryOptions) -> Result<BlockDays, ServiceError> {
        if self.inner.store.is_shared() {
            match self.inner.store.block_labels().await {
                Ok(labels) => {
                    let labels: BTreeMap<BlockId, BlockLabel> = labels.into_iter().map(|l| (l.block_id.clone(), l)).collect();
                    let mut held = self.inner.labels.write().expect("labels lock");
                    if **held != labels {
                        *held = Arc::new(labels);
                        self.inner.labels_version.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(error) => tracing::warn!(%error, "could not read the block names; showing the ones known here"),
            }
        }
        let gathered = self.gather_within_deadline(DayFilter::AllBlocks, query.range, &query.blocks, &options).await?;
        let interner = &self.inner.interner;
        let keep = (!query.blocks.is_empty()).then(|| {
            let mut keep = vec![false; interner.len()];
            for block in &query.blocks {
                if let Some(key) = interner.lookup(&ItemKey::Block(block.clone())) {
                    keep[key.index()] = true;
                }
            }
            keep
        });
        let mut days = Vec::with_capacity(gathered.days.len());
        for &day in &gathered.days {
            if let Some(data) = gathered.held.get(&DayKey { filter: DayFilter::AllBlocks, day }) {
                days.push((day, vec![data.clone()]));
                continue;
            }
            if query.blocks.is_empty() {
                return Err(ServiceError::Interrupted(format!("day {day} was not filled")));
            }
            let mut parts = Vec::with_capacity(query.blocks.len());
            for block in &query.blocks {
                match gathered.held.get(&DayKey { filter: DayFilter::Block(block.clone()), day }) {
                    Some(data) => parts.push(data.clone()),
                    None => return Err(ServiceError::Interrupted(format!("day {day} of block {block} was not filled"))),
                }
            }
            days.push((day, parts));
        }
        Ok(BlockDays {
            days,
            keep,
            interner: interner.clone(),
            sources: gathered.sources,
            future_days: gathered.future_days,
            refreshed_at: gathered.refreshed_at,
        })
    }

    /// All workplaces and the default workplace per day over `range`, exact and
    /// complete, or an error. Days nobody visited are absent.
    pub async fn workplace_access(&self, range: DateRange, options: QueryOptions) -> Result<QueryAnswer<WorkplaceDay>, ServiceError> {
        self.within_deadline(DayFilter::Workplaces, range, &[], options, |held, day, rows| {
            let data = held.get(&DayKey { filter: DayFilter::Workplaces, day });
            let data = data.ok_or_else(|| ServiceError::Interrupted(format!("day {day} of the workplaces was not filled")))?;
            let (mut all, mut default) = (Visits::default(), Visits::default());
            self.inner.interner.each_row(data, |key, pv, uv| match key {
                ItemKey::AllWorkplaces => all = Visits { pv, uv },
                ItemKey::DefaultWorkplace => default = Visits { pv, uv },
                _ => {}
            });
            if all.pv > 0 || default.pv > 0 {
                rows.push(WorkplaceDay { date: day, all, default });
            }
            Ok(())
        })
        .await
    }

    /// Each custom workplace's visits per day over `range` (only `only`'s when given),
    /// exact and complete, or an error. Every custom workplace's days are held
    /// together: one workplace's are filtered from them.
    pub async fn custom_workplace_access(
        &self,
        range: DateRange,
        only: Option<&WorkplaceId>,
        options: QueryOptions,
    ) -> Result<QueryAnswer<CustomWorkplaceDay>, ServiceError> {
        self.within_deadline(DayFilter::CustomWorkplaces, range, &[], options, |held, day, rows| {
            let data = held.get(&DayKey { filter: DayFilter::CustomWorkplaces, day });
            let data = data.ok_or_else(|| ServiceError::Interrupted(format!("day {day} of the custom workplaces was not filled")))?;
            self.inner.interner.each_row(data, |key, pv, uv| {
                if let ItemKey::Workplace(id) = key
                    && only.is_none_or(|only| only == id)
                {
                    rows.push(CustomWorkplaceDay { date: day, workplace_id: id.clone(), pv, uv });
                }
            });
            Ok(())
        })
        .await
    }

    /// The custom workplaces' names by language, as Feishu last gave them.
    pub fn workplace_names(&self) -> Arc<BTreeMap<WorkplaceId, WorkplaceNames>> {
        Arc::clone(&self.inner.workplace_names.read().expect("workplace names lock"))
    }

    /// Gathers the days of `whole` (or of `blocks`, for block queries) in `range` and
    /// assembles the rows day by day with `assemble`, within the query deadline.
    async fn within_deadline<R>(
        &self,
        whole: DayFilter,
        range: DateRange,
        blocks: &[BlockId],
        options: QueryOptions,
        mut assemble: impl FnMut(&HashMap<DayKey, Arc<DayData>>, NaiveDate, &mut Vec<R>) -> Result<(), ServiceError>,
    ) -> Result<QueryAnswer<R>, ServiceError> {
        let gathered = self.gather_within_deadline(whole, range, blocks, &options).await?;
        // Assembled day by day into a vector sized up front: a warm year is tens of
        // thousands of rows, and growing it step by step cost a good share of the query.
        let held_rows: usize = gathered.held.values().map(|data| data.rows.len()).sum();
        let most_rows = if blocks.is_empty() { held_rows } else { held_rows.min(gathered.days.len() * blocks.len()) };
        let mut rows = Vec::with_capacity(most_rows);
        for &day in &gathered.days {
            assemble(&gathered.held, day, &mut rows)?;
        }
        Ok(QueryAnswer { rows, sources: gathered.sources, future_days: gathered.future_days, refreshed_at: gathered.refreshed_at })
    }

    /// Makes sure every final day of `range` of the data set whose whole filter is
    /// `whole` is held (in memory and in the store), fetching the missing ones under
    /// `pace`: the history fetch's way in. Bounded by [`ServiceConfig::job_deadline`]
    /// (nobody waits for it); answers where the days came from.
    pub(crate) async fn hold_days(&self, whole: DayFilter, range: DateRange, pace: Arc<Pace>) -> Result<DaySources, ServiceError> {
        let deadline = self.inner.config.job_deadline;
        let wanted = Wanted { whole, range, blocks: &[], pace: Some(pace) };
        let waiting = WaitingNow::default();
        match tokio::time::timeout(deadline, self.inner.clone().gather(&wanted, &QueryOptions::default(), &waiting)).await {
            Ok(gathered) => Ok(gathered?.sources),
            Err(_) => Err(ServiceError::DeadlineExceeded { waited_for: waiting.get(), deadline }),
        }
    }

    /// Where the history fetch stands (see [`crate::HistoryFetch`]): off, running, done
    /// or paused and why, and how many months of its window are held.
    pub fn history_status(&self) -> crate::HistoryStatus {
        self.inner.history.status()
    }

    pub(crate) fn history_board(&self) -> &HistoryBoard {
        &self.inner.history
    }

    /// Who this service is in a store shared with other replicas (leases).
    pub(crate) fn holder(&self) -> &str {
        &self.inner.holder
    }

    /// Gathers the days of `whole` (or of `blocks`, for block queries) in `range`,
    /// within the query deadline.
    async fn gather_within_deadline(
        &self,
        whole: DayFilter,
        range: DateRange,
        blocks: &[BlockId],
        options: &QueryOptions,
    ) -> Result<Gathered, ServiceError> {
        let waiting = WaitingNow::default();
        let deadline = self.inner.config.query_deadline;
        let wanted = Wanted { whole, range, blocks, pace: None };
        let gathered = match tokio::time::timeout(deadline, self.inner.clone().gather(&wanted, options, &waiting)).await {
            Ok(gathered) => gathered,
            Err(_) => {
                let waited_for = waiting.get();
                tracing::warn!(
                    from = %range.from(),
                    to = %range.to(),
                    filter = ?wanted.whole,
                    blocks = blocks.len(),
                    %waited_for,
                    deadline_s = deadline.as_secs_f64(),
                    "a query had no answer within its deadline"
                );
                Err(ServiceError::DeadlineExceeded { waited_for, deadline })
            }
        };
        if let Some(progress) = &options.progress {
            progress.finish();
        }
        gathered
    }

    /// Today in the tenant's time zone.
    pub fn today(&self) -> NaiveDate {
        self.inner.today()
    }

    /// The tenant's time zone.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.inner.config.timezone
    }

    /// Memory-tier counters.
    pub async fn cache_stats(&self) -> CacheStats {
        self.inner.cache.stats().await
    }

    /// Upstream pages requested by this service since it started (answered or not).
    pub fn upstream_requests(&self) -> u64 {
        self.inner.upstream_requests.load(Ordering::Relaxed)
    }

    /// This month's calls against the monthly quota (counts only, no usage data).
    pub async fn quota(&self) -> QuotaState {
        self.inner.quota_state().await
    }

    /// A number that changes whenever the names do (here, or read from a shared store).
    pub fn labels_version(&self) -> u64 {
        self.inner.labels_version.load(Ordering::Relaxed)
    }

    /// The names admins gave blocks, by block id.
    pub fn labels(&self) -> Arc<BTreeMap<BlockId, BlockLabel>> {
        Arc::clone(&self.inner.labels.read().expect("labels lock"))
    }

    /// Names (or renames) a block; the name is checked and saved before it is shown.
    pub async fn set_label(&self, label: &BlockLabel) -> Result<BlockLabel, ServiceError> {
        let saved = self.inner.store.set_block_label(label).await?;
        Arc::make_mut(&mut self.inner.labels.write().expect("labels lock")).insert(saved.block_id.clone(), saved.clone());
        self.inner.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(saved)
    }

    /// Names (or renames) many blocks at once, all or none, in one transaction of the
    /// store; the saved names are shown from then on.
    pub async fn set_labels(&self, labels: &[BlockLabel]) -> Result<Vec<BlockLabel>, ServiceError> {
        let saved = self.inner.store.apply_block_labels(labels).await?;
        let mut held = self.inner.labels.write().expect("labels lock");
        let map = Arc::make_mut(&mut held);
        for label in &saved {
            map.insert(label.block_id.clone(), label.clone());
        }
        self.inner.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(saved)
    }

    /// Forgets a block's name; true when there was one.
    pub async fn remove_label(&self, id: &BlockId) -> Result<bool, ServiceError> {
        let removed = self.inner.store.remove_block_label(id).await?;
        Arc::make_mut(&mut self.inner.labels.write().expect("labels lock")).remove(id);
        self.inner.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(removed)
    }

    /// Every block seen in fetched data or named by an admin, sorted by id.
    pub fn known_blocks(&self) -> Vec<BlockId> {
        let mut ids: BTreeSet<BlockId> = self.inner.interner.known().into_iter().collect();
        ids.extend(self.inner.labels.read().expect("labels lock").keys().cloned());
        ids.into_iter().collect()
    }

    /// The chats the app's bot is in, read page by page; each page is one call,
    /// reserved against the monthly quota before it is sent, like every other call.
    pub async fn chats(&self) -> Result<Vec<feishu::Chat>, ServiceError> {
        /// 100 pages of 100: more chats than any admin chooses from.
        const MAX_PAGES: usize = 100;
        let mut chats = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.counted(|client| {
                let token = token.clone();
                async move { client.chats_page(token.as_deref()).await }
            })
            .await?;
            chats.extend(page.chats);
            match page.next_page_token {
                Some(next) => token = Some(next),
                None => return Ok(chats),
            }
        }
        tracing::warn!(chats = chats.len(), "the bot is in more chats than are read; listing the first");
        Ok(chats)
    }

    /// Posts `card` to the chat `chat_id` as the bot, with Feishu's deduplication
    /// `uuid`: one call, reserved against the monthly quota before it is sent.
    pub async fn send_card(&self, chat_id: &str, card: &serde_json::Value, uuid: &str) -> Result<feishu::SentMessage, ServiceError> {
        self.counted(|client| async move { client.send_card(chat_id, card, uuid).await }).await
    }

    /// Runs one Feishu call outside the data sets, counted as the searches' pages are:
    /// reserved in the month's book first (past the quota it is not sent), added to the
    /// store's count after, and Feishu's 99991403 marks the month as spent.
    async fn counted<T, F, Fut>(&self, call: F) -> Result<T, ServiceError>
    where
        F: FnOnce(FeishuClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, feishu::FeishuError>>,
    {
        let inner = &self.inner;
        let month = inner.month();
        inner.quota_state().await;
        inner.quota.reserve(&month, inner.today())?;
        inner.upstream_requests.fetch_add(1, Ordering::Relaxed);
        let tally = crate::fetch::CallTally::new(inner.store.clone(), month.clone(), 1);
        let result = call(inner.client.clone()).await;
        tally.save().await;
        result.map_err(|error| {
            if matches!(error, feishu::FeishuError::QuotaExhausted { .. }) {
                tracing::warn!(%error, %month, "Feishu says the monthly API quota is used up; no more calls this month");
                inner.quota.refused_by_feishu(&month);
                return inner.quota.state(inner.today()).error();
            }
            error.into()
        })
    }

    /// The store, for the parts of the server that keep their own records in it.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }
}

/// What a running query waits for, kept up to date as it goes, for the message when
/// its deadline passes.
#[derive(Default)]
struct WaitingNow(Mutex<Waiting>);

impl WaitingNow {
    fn set(&self, waiting: Waiting) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = waiting;
    }

    fn get(&self) -> Waiting {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a query asks for: the days of `range` of the data set's whole filter, or,
/// for block queries naming blocks, of those blocks.
struct Wanted<'a> {
    whole: DayFilter,
    range: DateRange,
    blocks: &'a [BlockId],
    /// The history fetch's pace; `None` for a person's query.
    pace: Option<Arc<Pace>>,
}

/// The held days a query is answered from.
struct Gathered {
    held: HashMap<DayKey, Arc<DayData>>,
    sources: DaySources,
    /// The days of the range up to today.
    days: Vec<NaiveDate>,
    future_days: u32,
    /// See [`QueryAnswer::refreshed_at`].
    refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
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

impl Inner {
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().with_timezone(&self.config.timezone).date_naive()
    }

    /// The calendar month in the tenant's time zone, `YYYY-MM`.
    pub fn month(&self) -> String {
        month_key(self.today())
    }

    /// The quota as of now. When the month changed since the book last counted, the
    /// new month's count is read from the store first; with a store shared by several
    /// replicas, it is read every time, to take in the calls the others made (each
    /// replica still reserves its own pages in memory, so together they can pass the
    /// limit by the pages in flight at that moment).
    pub async fn quota_state(&self) -> QuotaState {
        let today = self.today();
        let month = month_key(today);
        if self.store.is_shared() && self.quota.month() == month {
            match self.store.upstream_calls(&month).await {
                Ok(stored) => self.quota.catch_up(&month, stored),
                Err(error) => tracing::warn!(%error, %month, "could not read the replicas' call count; using this replica's"),
            }
        } else if self.quota.month() != month {
            let stored = self.store.upstream_calls(&month).await.unwrap_or_else(|error| {
                tracing::warn!(%error, %month, "could not read the month's call count; counting from 0");
                0
            });
            self.quota.roll(&month, stored);
        }
        self.quota.state(today)
    }

    /// Finds every day `wanted` needs: memory, the store, jobs in flight, new jobs.
    async fn gather(self: Arc<Self>, wanted: &Wanted<'_>, options: &QueryOptions, waiting: &WaitingNow) -> Result<Gathered, ServiceError> {
        let today = self.today();
        let days: Vec<NaiveDate> = wanted.range.days().filter(|d| *d <= today).collect();
        let future_days = wanted.range.len_days() - days.len() as u32;
        let (whole, blocks) = (&wanted.whole, wanted.blocks);
        let refreshed_at =
            if options.refresh { self.forget_changing_days(whole, &days, blocks, today).await } else { None };
        let mut held: HashMap<DayKey, Arc<DayData>> = HashMap::new();
        let mut sources = DaySources::default();

        // 1. Memory.
        let mut needs = Needs::new(whole.clone());
        for &day in &days {
            let all = DayKey { filter: whole.clone(), day };
            if let Some(data) = self.cache.get(&all).await {
                held.insert(all, data);
                sources.memory += 1;
                continue;
            }
            if blocks.is_empty() {
                needs.all.insert(day);
            }
            for block in blocks {
                let key = DayKey { filter: DayFilter::Block(block.clone()), day };
                match self.cache.get(&key).await {
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
            let quota = self.quota_state().await;
            let quota = quota.reached().then_some(quota);
            let (jobs, mut elsewhere) = self.claim_or_wait(&mut needs, &mut held, quota, wanted.pace.as_ref()).await?;

            // 4. Wait for the jobs; any failure fails the query (no partial answers).
            if let Some(progress) = &options.progress {
                for job in &jobs {
                    progress.track(job.progress.clone());
                }
            }
            waiting.set(Waiting::Feishu { days: jobs.iter().map(|job| job.days).sum() });
            let outcomes = futures::future::join_all(jobs.iter().map(|job| job.outcome.clone())).await;
            for (job, outcome) in jobs.iter().zip(outcomes) {
                let filled = match outcome {
                    // A job of the history fetch that this query hurried stopped at the
                    // history's share of the quota, not at the quota: fetch its days anew.
                    Err(ServiceError::QuotaReached { .. })
                        if wanted.pace.is_none()
                            && job.filter == *whole
                            && job.pace.as_ref().is_some_and(|job| job.pace().share_spent())
                            && !self.quota_state().await.reached() =>
                    {
                        elsewhere.all.extend(job.run.days().filter(|d| days.binary_search(d).is_ok()));
                        continue;
                    }
                    outcome => outcome?,
                };
                for (day, data) in filled.iter() {
                    if wanted.range.contains(*day) {
                        sources.upstream += 1;
                        held.insert(DayKey { filter: job.filter.clone(), day: *day }, data.clone());
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
            self.cache.invalidate(&DayKey { filter, day }).await;
        }
        held_since
    }

    /// Loads needed final days from the store into memory; returns how many it found.
    async fn load_from_store(&self, needs: &mut Needs, held: &mut HashMap<DayKey, Arc<DayData>>, today: NaiveDate) -> u64 {
        let mut found = 0;
        let final_days: Vec<NaiveDate> = needs.days().into_iter().filter(|d| is_final(*d, today)).collect();
        let (Some(first), Some(last)) = (final_days.first(), final_days.last()) else { return 0 };
        let span = DateRange::new(*first, *last).expect("sorted");
        let whole = needs.whole.clone();
        match self.store.load_days(&whole, span).await {
            Ok(stored) => {
                for day in stored {
                    if !final_days.contains(&day.day) {
                        continue;
                    }
                    let Some(data) = self.held_from_store(&whole, day.rows) else { continue };
                    self.density.record(&whole, data.rows.len() as u64, 1);
                    let data = Arc::new(data);
                    let key = DayKey { filter: whole.clone(), day: day.day };
                    self.cache.insert(key.clone(), data.clone()).await;
                    held.insert(key, data);
                    needs.answered_for_all(day.day);
                    found += 1;
                }
            }
            Err(error) => tracing::warn!(%error, "could not read final days from the store; fetching them from Feishu"),
        }
        let blocks: Vec<(BlockId, Vec<NaiveDate>)> = needs
            .blocks
            .iter()
            .map(|(b, days)| (b.clone(), days.iter().copied().filter(|d| is_final(*d, today)).collect::<Vec<_>>()))
            .filter(|(_, days)| !days.is_empty())
            .collect();
        for (block, days) in blocks {
            let span = DateRange::new(days[0], days[days.len() - 1]).expect("sorted");
            let filter = DayFilter::Block(block.clone());
            match self.store.load_days(&filter, span).await {
                Ok(stored) => {
                    for day in stored.into_iter().filter(|d| days.contains(&d.day)) {
                        let Some(data) = self.held_from_store(&filter, day.rows) else { continue };
                        let data = Arc::new(data);
                        let key = DayKey { filter: filter.clone(), day: day.day };
                        self.cache.insert(key.clone(), data.clone()).await;
                        held.insert(key, data);
                        if let Some(set) = needs.blocks.get_mut(&block) {
                            set.remove(&day.day);
                        }
                        found += 1;
                    }
                }
                Err(error) => tracing::warn!(%error, "could not read final days from the store; fetching them from Feishu"),
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
        self: &Arc<Self>,
        needs: &mut Needs,
        held: &mut HashMap<DayKey, Arc<DayData>>,
        quota_reached: Option<QuotaState>,
        pace: Option<&Arc<Pace>>,
    ) -> Result<(Vec<Arc<Job>>, Needs), ServiceError> {
        let mut inflight = self.inflight.lock().await;
        let mut waits: BTreeMap<u64, Arc<Job>> = BTreeMap::new();
        let mut fetch_all: BTreeSet<NaiveDate> = BTreeSet::new();
        let mut fetch_blocks: BTreeMap<BlockId, BTreeSet<NaiveDate>> = BTreeMap::new();

        let whole = needs.whole.clone();
        for day in std::mem::take(&mut needs.all) {
            let key = DayKey { filter: whole.clone(), day };
            // A job may have finished since step 1: it fills the cache before leaving the map.
            if let Some(data) = self.cache.peek(&key).await {
                held.insert(key, data);
            } else if let Some(job) = inflight.get(&key) {
                waits.insert(job.id, job.clone());
            } else {
                fetch_all.insert(day);
            }
        }
        for (block, days) in std::mem::take(&mut needs.blocks) {
            for day in days {
                let all = DayKey { filter: DayFilter::AllBlocks, day };
                let own = DayKey { filter: DayFilter::Block(block.clone()), day };
                if let Some(data) = self.cache.peek(&all).await {
                    held.insert(all, data);
                } else if let Some(data) = self.cache.peek(&own).await {
                    held.insert(own, data);
                } else if let Some(job) = inflight.get(&all).or_else(|| inflight.get(&own)) {
                    waits.insert(job.id, job.clone());
                } else {
                    fetch_blocks.entry(block.clone()).or_default().insert(day);
                }
            }
        }

        // Several blocks: one all-block search or one search per block, whichever is cheaper.
        if !fetch_blocks.is_empty() {
            let union: Vec<NaiveDate> = fetch_blocks.values().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
            let density = self.density.get(&DayFilter::AllBlocks).unwrap_or(DENSITY_GUESS);
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
        let all_days = self.lease(&whole, fetch_all, &mut elsewhere.all).await?;
        planned.extend(runs(&all_days).into_iter().map(|r| (whole.clone(), r)));
        for (block, days) in fetch_blocks {
            let filter = DayFilter::Block(block.clone());
            let days = self.lease(&filter, days, elsewhere.blocks.entry(block).or_default()).await?;
            planned.extend(runs(&days).into_iter().map(|r| (filter.clone(), r)));
        }
        if pace.is_none() {
            waits.values().filter_map(|job| job.pace.as_ref()).for_each(|job| job.hurry());
        }
        for (filter, run) in planned {
            let job = self.spawn_job(filter.clone(), run, pace.cloned());
            for day in run.days() {
                inflight.insert(DayKey { filter: filter.clone(), day }, job.clone());
            }
            waits.insert(job.id, job);
        }
        Ok((waits.into_values().collect(), elsewhere))
    }

    /// A final day read from the store as held, or `None` (with a warning, so that it
    /// is fetched again) when a row's key is not one of `filter`'s.
    fn held_from_store(&self, filter: &DayFilter, rows: Vec<store::StoredRow>) -> Option<DayData> {
        let mut keyed = Vec::with_capacity(rows.len());
        for row in rows {
            match ItemKey::read(filter, &row.key) {
                Some(key) => keyed.push((key, row.pv, row.uv)),
                None => {
                    tracing::warn!(key = row.key, ?filter, "a stored day holds a row it cannot read; fetching the day again");
                    return None;
                }
            }
        }
        Some(self.interner.compact(keyed, true))
    }

    /// Takes in the custom workplace names an answer carried; the changed ones are
    /// shown at once and saved for the next start.
    pub(crate) async fn learn_workplace_names(&self, seen: SeenNames) {
        let changed: SeenNames = {
            let known = self.workplace_names.read().expect("workplace names lock");
            seen.into_iter().filter(|(id, names)| known.get(id) != Some(names)).collect()
        };
        if changed.is_empty() {
            return;
        }
        {
            let mut known = self.workplace_names.write().expect("workplace names lock");
            let known = Arc::make_mut(&mut known);
            known.extend(changed.iter().map(|(id, names)| (id.clone(), names.clone())));
        }
        if let Err(error) = self.store.save_workplace_names(&changed).await {
            tracing::warn!(%error, "could not save the custom workplace names; they are shown, and saved with the next answer");
        }
    }

    /// The days of `days` this service may fetch: all of them with a store of its own;
    /// with a shared store, the days not final (never stored, so each replica fetches
    /// them) and the final days it got the lease of. The rest go to `elsewhere`.
    async fn lease(
        &self,
        filter: &DayFilter,
        days: BTreeSet<NaiveDate>,
        elsewhere: &mut BTreeSet<NaiveDate>,
    ) -> Result<Vec<NaiveDate>, ServiceError> {
        if !self.store.is_shared() || days.is_empty() {
            return Ok(days.into_iter().collect());
        }
        let today = self.today();
        let (final_days, changing): (Vec<NaiveDate>, Vec<NaiveDate>) = days.into_iter().partition(|d| is_final(*d, today));
        let leased = match self.store.lease_days(filter, &final_days, &self.holder, self.config.lease_ttl).await {
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
}
