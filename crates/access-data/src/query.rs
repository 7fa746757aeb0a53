//! The front door: [`AccessService`] and what it answers. A query is gathered by the plan
//! (`plan`) within the query's deadline, then read as rows, as [`BlockDays`] or as the
//! rows of another data set. The service also hands out the names registry's answers
//! (`names`), the quota, the history fetch's status, and the bot's [`Messenger`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::{AccessQuery, BlockId, CustomWorkplaceDay, DateRange, Visits, WorkplaceDay, WorkplaceId};
use feishu::FeishuClient;
use store::{BlockLabel, Store, WorkplaceNames};

use crate::answer::{DaySources, QueryAnswer, QueryOptions};
use crate::block_days::BlockDays;
use crate::cache::{CacheStats, DayCache};
use crate::day::{DayData, DayFilter, DayKey, Interner, ItemKey, today};
use crate::fetch::Fetcher;
use crate::held::HeldDays;
use crate::history_status::{HistoryBoard, HistoryStatus};
use crate::lease::Flights;
use crate::messenger::Messenger;
use crate::names::Names;
use crate::pace::Pace;
use crate::plan::{Gathered, Planner, WaitingNow, Wanted};
use crate::quota::{Meter, QuotaState};
use crate::{ServiceConfig, ServiceError};

/// The service. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct AccessService {
    planner: Planner,
    held: Arc<HeldDays>,
    interner: Arc<Interner>,
    names: Arc<Names>,
    meter: Arc<Meter>,
    client: FeishuClient,
    store: Store,
    config: ServiceConfig,
    /// Who this service is in a store shared with other replicas (leases).
    holder: String,
    /// Where the history fetch stands, for the page and `/metrics`.
    history: HistoryBoard,
}

impl AccessService {
    /// A service over `client` and `store`; loads the block names from the store.
    pub async fn new(client: FeishuClient, store: Store, config: ServiceConfig) -> Result<Self, ServiceError> {
        let names = Arc::new(Names::load(store.clone()).await?);
        let meter = Arc::new(Meter::open(store.clone(), &config).await?);
        let interner = Arc::new(Interner::default());
        let cache = DayCache::new(config.memory_budget_bytes, config.fresh_ttl);
        let held = Arc::new(HeldDays::new(cache, store.clone(), interner.clone(), config.timezone));
        let holder = store::replica_name();
        let fetcher = Fetcher::new(client.clone(), held.clone(), meter.clone(), names.clone(), config.max_parallel);
        let flights = Flights::new(fetcher, store.clone(), holder.clone(), &config);
        let planner = Planner::new(held.clone(), flights, meter.clone(), store.clone(), config.clone());
        Ok(Self { planner, held, interner, names, meter, client, store, config, holder, history: HistoryBoard::default() })
    }

    /// Rows for the query, exact and complete, or an error: never a partial answer.
    pub async fn query(&self, query: &AccessQuery, options: QueryOptions) -> Result<QueryAnswer, ServiceError> {
        let days = self.block_days(query, options).await?;
        Ok(QueryAnswer {
            rows: days.rows(),
            sources: days.sources,
            future_days: days.future_days,
            refreshed_at: days.refreshed_at,
        })
    }

    /// The query's days as held, exact and complete, or an error: read as rows, a page
    /// of rows, columns or totals without copying every row ([`BlockDays`]).
    ///
    /// With a store shared by several replicas, the block names are read again first,
    /// so that what the answer is shown with includes names given on other replicas.
    pub async fn block_days(&self, query: &AccessQuery, options: QueryOptions) -> Result<BlockDays, ServiceError> {
        self.names.take_in_shared().await;
        let gathered = self.gather_within_deadline(DayFilter::AllBlocks, query.range, &query.blocks, &options).await?;
        BlockDays::assemble(gathered, &query.blocks, self.interner.clone())
    }

    /// All workplaces and the default workplace per day over `range`, exact and
    /// complete, or an error. Days nobody visited are absent.
    pub async fn workplace_access(
        &self,
        range: DateRange,
        options: QueryOptions,
    ) -> Result<QueryAnswer<WorkplaceDay>, ServiceError> {
        self.within_deadline(DayFilter::Workplaces, range, &[], options, |held, day, rows| {
            let data = held.get(&DayKey { filter: DayFilter::Workplaces, day });
            let data = data.ok_or_else(|| ServiceError::Interrupted(format!("day {day} of the workplaces was not filled")))?;
            let (mut all, mut default) = (Visits::default(), Visits::default());
            self.interner.each_row(data, |key, pv, uv| match key {
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
            let data =
                data.ok_or_else(|| ServiceError::Interrupted(format!("day {day} of the custom workplaces was not filled")))?;
            self.interner.each_row(data, |key, pv, uv| {
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
        Ok(QueryAnswer {
            rows,
            sources: gathered.sources,
            future_days: gathered.future_days,
            refreshed_at: gathered.refreshed_at,
        })
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
        let deadline = self.config.query_deadline;
        let wanted = Wanted { whole, range, blocks, pace: None };
        let gathered = match tokio::time::timeout(deadline, self.planner.gather(&wanted, options, &waiting)).await {
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

    /// Makes sure every final day of `range` of the data set whose whole filter is
    /// `whole` is held (in memory and in the store), fetching the missing ones under
    /// `pace`: the history fetch's way in. Bounded by [`ServiceConfig::job_deadline`]
    /// (nobody waits for it); answers where the days came from.
    pub(crate) async fn hold_days(
        &self,
        whole: DayFilter,
        range: DateRange,
        pace: Arc<Pace>,
    ) -> Result<DaySources, ServiceError> {
        let deadline = self.config.job_deadline;
        let wanted = Wanted { whole, range, blocks: &[], pace: Some(pace) };
        let waiting = WaitingNow::default();
        match tokio::time::timeout(deadline, self.planner.gather(&wanted, &QueryOptions::default(), &waiting)).await {
            Ok(gathered) => Ok(gathered?.sources),
            Err(_) => Err(ServiceError::DeadlineExceeded { waited_for: waiting.get(), deadline }),
        }
    }

    /// Where the history fetch stands (see [`crate::HistoryFetch`]): off, running, done
    /// or paused and why, and how many months of its window are held.
    pub fn history_status(&self) -> HistoryStatus {
        self.history.status()
    }

    /// What the history fetch writes its status on.
    pub(crate) fn history_board(&self) -> &HistoryBoard {
        &self.history
    }

    /// Who this service is in a store shared with other replicas (leases).
    pub(crate) fn holder(&self) -> &str {
        &self.holder
    }

    /// Today in the tenant's time zone.
    pub fn today(&self) -> NaiveDate {
        today(self.config.timezone)
    }

    /// The tenant's time zone.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.config.timezone
    }

    /// Memory-tier counters.
    pub async fn cache_stats(&self) -> CacheStats {
        self.held.stats().await
    }

    /// Upstream calls requested by this service since it started (answered or not).
    pub fn upstream_requests(&self) -> u64 {
        self.meter.requests()
    }

    /// This month's calls against the monthly quota (counts only, no usage data).
    pub async fn quota(&self) -> QuotaState {
        self.meter.state().await
    }

    /// The bot's messaging (the chats it is in, the cards it posts), metered against the
    /// same monthly quota as the searches. Cheap: a handle on the client and the meter.
    pub fn messenger(&self) -> Messenger {
        Messenger::new(self.client.clone(), self.meter.clone())
    }

    /// A number that changes whenever the names do (here, or read from a shared store).
    pub fn labels_version(&self) -> u64 {
        self.names.labels_version()
    }

    /// The names admins gave blocks, by block id.
    pub fn labels(&self) -> Arc<BTreeMap<BlockId, BlockLabel>> {
        self.names.labels()
    }

    /// Names (or renames) a block; the name is checked and saved before it is shown.
    pub async fn set_label(&self, label: &BlockLabel) -> Result<BlockLabel, ServiceError> {
        self.names.set_label(label).await
    }

    /// Names (or renames) many blocks at once, all or none, in one transaction of the
    /// store; the saved names are shown from then on.
    pub async fn set_labels(&self, labels: &[BlockLabel]) -> Result<Vec<BlockLabel>, ServiceError> {
        self.names.set_labels(labels).await
    }

    /// Forgets a block's name; true when there was one.
    pub async fn remove_label(&self, id: &BlockId) -> Result<bool, ServiceError> {
        self.names.remove_label(id).await
    }

    /// Every block seen in fetched data or named by an admin, sorted by id.
    pub fn known_blocks(&self) -> Vec<BlockId> {
        self.names.known_blocks(self.interner.known())
    }

    /// The custom workplaces' names by language, as Feishu last gave them.
    pub fn workplace_names(&self) -> Arc<BTreeMap<WorkplaceId, WorkplaceNames>> {
        self.names.workplace_names()
    }

    /// The store, for the parts of the server that keep their own records in it.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
