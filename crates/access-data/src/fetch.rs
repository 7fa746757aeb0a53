//! The upstream work of a job: one filter over one run of missing days, cut into
//! sub-ranges that are fetched side by side, page by page. Every page is metered against
//! the monthly quota (and kept to the job's pace, for the history fetch); every day
//! fetched is filed where it is held. Who runs a job, and who waits for it, is `lease`'s.

use std::collections::{HashMap, btree_map};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::DateRange;
use feishu::{BlockAccessSearch, CustomWorkplaceAccessSearch, FeishuClient, WorkplaceAccessSearch};
use futures::TryStreamExt;

use crate::ServiceError;
use crate::dataset::{DaySet, SeenNames, items_per_day, page_size};
use crate::day::DayFilter;
use crate::held::{DENSITY_GUESS, DayMap, FetchedDay, HeldDays};
use crate::names::Names;
use crate::pace::{JobPace, PaceSlot};
use crate::pages::{chunk, pages_of, split_in_pages};
use crate::progress::JobProgress;
use crate::quota::{Calls, Meter};

/// What waiting on a job yields.
pub(crate) type JobOutcome = Result<Arc<DayMap>, ServiceError>;

/// Days sampled first when nothing tells how many items a day holds: few enough that a
/// tenant of ~60 blocks answers in one page (the sample runs alone, before the rest).
const SAMPLE_DAYS: u32 = 3;

/// Fetches runs of days from Feishu and files them.
pub(crate) struct Fetcher {
    client: FeishuClient,
    held: Arc<HeldDays>,
    meter: Arc<Meter>,
    /// Where the custom workplaces' names that answers carry are learnt.
    names: Arc<Names>,
    /// Sub-ranges of a run fetched side by side, at most.
    max_parallel: usize,
}

impl Fetcher {
    pub fn new(client: FeishuClient, held: Arc<HeldDays>, meter: Arc<Meter>, names: Arc<Names>, max_parallel: usize) -> Self {
        Self { client, held, meter, names, max_parallel }
    }

    /// Fetches every day of `run` of `filter`, reporting pages to `progress`, under
    /// the job's `pace` if any; fails whole (what was filed stays filed).
    pub async fn run_job(
        &self,
        filter: &DayFilter,
        run: DateRange,
        progress: &JobProgress,
        pace: Option<&JobPace>,
    ) -> JobOutcome {
        let mut days = DayMap::new();
        let page = page_size(filter);
        let parts = match (items_per_day(filter), self.held.items_per_day(filter)) {
            // At most one item a day (one block, the totals): a page's worth of days a part.
            (Some(_), _) => chunk(run, page),
            (None, Some(density)) => split_in_pages(run, density, self.max_parallel, page),
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
                split_in_pages(rest, self.held.items_per_day(filter).unwrap_or(DENSITY_GUESS), self.max_parallel, page)
            }
            (None, None) => vec![run],
        };
        let per_day = self.held.items_per_day(filter).unwrap_or(DENSITY_GUESS);
        progress.add_estimate(parts.iter().map(|p| pages_of(f64::from(p.len_days()) * per_day, page)).sum());
        let fetched =
            futures::future::try_join_all(parts.into_iter().map(|part| self.fetch_part(filter, part, progress, pace))).await?;
        for part in fetched {
            days.extend(part);
        }
        Ok(Arc::new(days))
    }

    /// [`Fetcher::fetch_part_of`] with the filter's endpoint.
    async fn fetch_part(
        &self,
        filter: &DayFilter,
        part: DateRange,
        progress: &JobProgress,
        pace: Option<&JobPace>,
    ) -> Result<DayMap, ServiceError> {
        match filter {
            DayFilter::AllBlocks | DayFilter::Block(_) => {
                self.fetch_part_of::<BlockAccessSearch>(filter, part, progress, pace).await
            }
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
        let mut by_day: HashMap<NaiveDate, FetchedDay> = HashMap::new();
        let mut names = SeenNames::new();
        let mut items = 0u64;
        // Pages requested (reserved against the quota), answered or not.
        let mut calls = self.meter.calls();
        let mut stream = std::pin::pin!(self.client.search_pages(&query));
        let result = async {
            // The stream requests the next page only while the last one said `has_more`.
            let mut more = true;
            while more {
                let slot = reserve_page(&mut calls, pace).await?;
                let page = stream.try_next().await;
                if let Some(slot) = slot {
                    slot.answered();
                }
                let Some(page) = page? else {
                    // Not expected (the stream asks again only after `has_more`): no
                    // request was sent, so the reservation is given back.
                    calls.unsent();
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
        calls.close(result).await?;
        self.names.learn_workplace_names(names).await;
        Ok(self.held.file(filter, part, by_day, items).await)
    }
}

/// Reserves one page, or refuses past the quota; under the job's pace, waits for the
/// pace's slot first (unless the job is hurried meanwhile) and refuses at its call cap
/// too.
async fn reserve_page<'p>(calls: &mut Calls<'_>, job: Option<&'p JobPace>) -> Result<Option<PaceSlot<'p>>, ServiceError> {
    let slot = match job.and_then(|job| job.current().map(|pace| (job, pace))) {
        Some((job, pace)) => tokio::select! {
            slot = pace.slot() => Some((pace, slot)),
            () = job.hurried() => None,
        },
        None => None,
    };
    let Some((pace, slot)) = slot else {
        calls.reserve()?;
        return Ok(None);
    };
    if let Err(refusal) = calls.reserve_below(pace.call_cap()) {
        if refusal.by_cap {
            pace.note_share_spent();
        }
        return Err(refusal.error);
    }
    pace.note_call();
    Ok(Some(slot))
}
