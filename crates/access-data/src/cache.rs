//! The in-memory tier: held days within a byte budget, with hit, miss and eviction
//! counts. Days that can still change (today, yesterday) expire after a short TTL;
//! final days stay until the budget pushes them out.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::notification::RemovalCause;
use serde::Serialize;

use crate::day::{DayData, DayKey};

/// Counters of the memory tier, for `/metrics` and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// Day lookups answered from memory.
    pub hits: u64,
    /// Day lookups memory could not answer.
    pub misses: u64,
    /// Days pushed out to stay within the memory budget.
    pub evictions: u64,
    /// Days held now.
    pub entries: u64,
    /// Bytes held now (approximate).
    pub weighted_bytes: u64,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
}

/// Held days in memory.
pub struct DayCache {
    cache: moka::future::Cache<DayKey, Arc<DayData>>,
    counters: Arc<Counters>,
}

/// Final days never expire; the others live for `ttl`.
struct Freshness {
    ttl: Duration,
}

impl Expiry<DayKey, Arc<DayData>> for Freshness {
    fn expire_after_create(&self, _key: &DayKey, value: &Arc<DayData>, _created_at: Instant) -> Option<Duration> {
        (!value.is_final).then_some(self.ttl)
    }

    fn expire_after_update(
        &self,
        key: &DayKey,
        value: &Arc<DayData>,
        updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        self.expire_after_create(key, value, updated_at)
    }
}

impl DayCache {
    /// A cache of at most `budget_bytes`; non-final days expire after `ttl`.
    pub fn new(budget_bytes: u64, ttl: Duration) -> Self {
        let counters = Arc::new(Counters::default());
        let listener_counters = counters.clone();
        let cache = moka::future::Cache::builder()
            .max_capacity(budget_bytes)
            .weigher(|key: &DayKey, value: &Arc<DayData>| {
                let key_bytes = match &key.filter {
                    crate::day::DayFilter::Block(id) => id.as_str().len() as u32,
                    _ => 0,
                };
                value.weight().saturating_add(key_bytes + 48)
            })
            .expire_after(Freshness { ttl })
            .eviction_listener(move |_key, _value, cause| {
                if cause == RemovalCause::Size {
                    listener_counters.evictions.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build();
        Self { cache, counters }
    }

    /// The held day, counting a hit or a miss.
    pub async fn get(&self, key: &DayKey) -> Option<Arc<DayData>> {
        let found = self.cache.get(key).await;
        let counter = if found.is_some() { &self.counters.hits } else { &self.counters.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The held day, without counting (for a second look within one query).
    pub async fn peek(&self, key: &DayKey) -> Option<Arc<DayData>> {
        self.cache.get(key).await
    }

    pub async fn insert(&self, key: DayKey, value: Arc<DayData>) {
        self.cache.insert(key, value).await;
    }

    pub async fn invalidate(&self, key: &DayKey) {
        self.cache.invalidate(key).await;
    }

    /// Current counters. Runs moka's pending maintenance first so that sizes are current.
    pub async fn stats(&self) -> CacheStats {
        self.cache.run_pending_tasks().await;
        CacheStats {
            hits: self.counters.hits.load(Ordering::Relaxed),
            misses: self.counters.misses.load(Ordering::Relaxed),
            evictions: self.counters.evictions.load(Ordering::Relaxed),
            entries: self.cache.entry_count(),
            weighted_bytes: self.cache.weighted_size(),
        }
    }
}
