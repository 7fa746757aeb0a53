//! The days held: in memory (the cache, within its byte budget) and, for final days, in
//! the store. Reads final days back from the store, files the days a fetch brought, and
//! learns from every day it holds how many items a day of each data set has. The bottom
//! of the query path: it calls neither Feishu nor anything above it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::DateRange;
use store::{Store, StoredDay, StoredRow};

use crate::cache::{CacheStats, DayCache};
use crate::dataset::items_per_day;
use crate::day::{DayData, DayFilter, DayKey, Interner, ItemKey, is_final, today};

/// Items per day assumed for cost comparisons and splits before any day of the filter
/// was seen.
pub(crate) const DENSITY_GUESS: f64 = 50.0;

/// Days filled by one fetch, by day.
pub(crate) type DayMap = HashMap<NaiveDate, Arc<DayData>>;

/// A day's items as fetched, by key, before they are compacted and filed.
pub(crate) type FetchedDay = BTreeMap<ItemKey, (u64, u64)>;

/// The days held, in memory and in the store.
pub(crate) struct HeldDays {
    cache: DayCache,
    store: Store,
    interner: Arc<Interner>,
    density: Density,
    timezone: Tz,
}

impl HeldDays {
    pub fn new(cache: DayCache, store: Store, interner: Arc<Interner>, timezone: Tz) -> Self {
        Self { cache, store, interner, density: Density::default(), timezone }
    }

    /// The day from memory, counted as a hit or a miss.
    pub async fn get(&self, key: &DayKey) -> Option<Arc<DayData>> {
        self.cache.get(key).await
    }

    /// The day from memory, uncounted (a second look within one query).
    pub async fn peek(&self, key: &DayKey) -> Option<Arc<DayData>> {
        self.cache.peek(key).await
    }

    /// Drops the day from memory, so that it is fetched again.
    pub async fn forget(&self, key: DayKey) {
        self.cache.invalidate(&key).await;
    }

    /// Memory-tier counters.
    pub async fn stats(&self) -> CacheStats {
        self.cache.stats().await
    }

    /// Items per day of `filter`: known beforehand, or learnt once at least one day was
    /// seen.
    pub fn items_per_day(&self, filter: &DayFilter) -> Option<f64> {
        self.density.get(filter)
    }

    /// The final `days` (sorted) of `filter` that the store holds, now in memory too.
    /// A store that fails answers none: they are fetched from Feishu instead.
    pub async fn load_final(&self, filter: &DayFilter, days: &[NaiveDate]) -> Vec<(NaiveDate, Arc<DayData>)> {
        let (Some(first), Some(last)) = (days.first(), days.last()) else { return Vec::new() };
        let span = DateRange::new(*first, *last).expect("sorted");
        let stored = match self.store.load_days(filter, span).await {
            Ok(stored) => stored,
            Err(error) => {
                tracing::warn!(%error, "could not read final days from the store; fetching them from Feishu");
                return Vec::new();
            }
        };
        let mut found = Vec::new();
        for day in stored.into_iter().filter(|d| days.contains(&d.day)) {
            let Some(data) = self.read_stored(filter, day.rows) else { continue };
            self.density.record(filter, data.rows.len() as u64, 1);
            let data = Arc::new(data);
            self.cache.insert(DayKey { filter: filter.clone(), day: day.day }, data.clone()).await;
            found.push((day.day, data));
        }
        found
    }

    /// A final day read from the store as held, or `None` (with a warning, so that it
    /// is fetched again) when a row's key is not one of `filter`'s.
    fn read_stored(&self, filter: &DayFilter, rows: Vec<StoredRow>) -> Option<DayData> {
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

    /// Files every day of `part` of `filter` as fetched (`items` items in all; days
    /// without items are held as empty): in memory, and in the store when final.
    pub async fn file(
        &self,
        filter: &DayFilter,
        part: DateRange,
        mut by_day: HashMap<NaiveDate, FetchedDay>,
        items: u64,
    ) -> DayMap {
        let today = today(self.timezone);
        let mut filled = DayMap::new();
        let mut to_store = Vec::new();
        for day in part.days() {
            let rows = by_day.remove(&day).unwrap_or_default();
            let is_final = is_final(day, today);
            if is_final {
                to_store.push(StoredDay {
                    day,
                    rows: rows
                        .iter()
                        .map(|(key, (pv, uv))| StoredRow { key: key.stored().to_owned(), pv: *pv, uv: *uv })
                        .collect(),
                });
            }
            let data = Arc::new(self.interner.compact(rows.into_iter().map(|(key, (pv, uv))| (key, pv, uv)), is_final));
            self.cache.insert(DayKey { filter: filter.clone(), day }, data.clone()).await;
            filled.insert(day, data);
        }
        self.density.record(filter, items, u64::from(part.len_days()));
        if !to_store.is_empty()
            && let Err(error) = self.store.save_days(filter, &to_store).await
        {
            // The numbers are still right and cached; only a restart would refetch them.
            tracing::warn!(%error, days = to_store.len(), "could not save final days to the store");
        }
        filled
    }
}

/// Running count of items per day, per filter whose days vary in size (all blocks,
/// the custom workplaces), learnt from every such day seen.
#[derive(Default)]
struct Density {
    totals: Mutex<HashMap<DayFilter, (u64, u64)>>,
}

impl Density {
    fn record(&self, filter: &DayFilter, items: u64, days: u64) {
        if items_per_day(filter).is_some() {
            return;
        }
        let mut all = self.totals.lock().expect("density lock");
        let t = all.entry(filter.clone()).or_default();
        t.0 += items;
        t.1 += days;
    }

    fn get(&self, filter: &DayFilter) -> Option<f64> {
        if let Some(known) = items_per_day(filter) {
            return Some(known);
        }
        let (items, days) = self.totals.lock().expect("density lock").get(filter).copied().unwrap_or_default();
        (days > 0).then(|| (items as f64 / days as f64).max(0.5))
    }
}
