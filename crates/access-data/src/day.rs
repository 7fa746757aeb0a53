//! What the cache holds: one day's numbers for one filter, in a compact form (what
//! each row is about, a block or a workplace, interned to a 4-byte index); and which
//! days are final, in the tenant's time zone.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use domain::{BlockId, WorkplaceId};
pub use store::DayFilter;

/// True when `day` can no longer change: it is before yesterday.
pub fn is_final(day: NaiveDate, today: NaiveDate) -> bool {
    today.pred_opt().and_then(|y| y.pred_opt()).is_some_and(|before_yesterday| day <= before_yesterday)
}

/// Today in `timezone` (the tenant's).
pub(crate) fn today(timezone: chrono_tz::Tz) -> NaiveDate {
    chrono::Utc::now().with_timezone(&timezone).date_naive()
}

/// What one row of a held day is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKey {
    /// A block (block days).
    Block(BlockId),
    /// A custom workplace (custom workplace days).
    Workplace(WorkplaceId),
    /// All workplaces together (workplace totals).
    AllWorkplaces,
    /// The default workplace (workplace totals).
    DefaultWorkplace,
}

impl ItemKey {
    /// The key the store keeps the row under.
    pub fn stored(&self) -> &str {
        match self {
            ItemKey::Block(id) => id.as_str(),
            ItemKey::Workplace(id) => id.as_str(),
            ItemKey::AllWorkplaces => "all",
            ItemKey::DefaultWorkplace => "default",
        }
    }

    /// Reads a stored key back, as the days of `filter` hold it.
    pub fn read(filter: &DayFilter, key: &str) -> Option<ItemKey> {
        match filter {
            DayFilter::AllBlocks | DayFilter::Block(_) => BlockId::parse(key).ok().map(ItemKey::Block),
            DayFilter::CustomWorkplaces => WorkplaceId::parse(key).ok().map(ItemKey::Workplace),
            DayFilter::Workplaces => match key {
                "all" => Some(ItemKey::AllWorkplaces),
                "default" => Some(ItemKey::DefaultWorkplace),
                _ => None,
            },
        }
    }
}

/// A cache key: one filter on one day.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DayKey {
    pub filter: DayFilter,
    pub day: NaiveDate,
}

/// An [`ItemKey`] as a small number; the [`Interner`] turns it back into the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyIdx(u32);

impl KeyIdx {
    /// Its position among the interned keys.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The key at position `at` (from [`Interner::len`]'s range).
    pub(crate) fn at(at: usize) -> Self {
        KeyIdx(u32::try_from(at).expect("fewer than 4 billion keys"))
    }
}

/// One row's numbers on the day. 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactRow {
    pub key: KeyIdx,
    pub pv: u64,
    pub uv: u64,
}

/// One held day: every row Feishu reported (none when nobody visited).
#[derive(Debug, PartialEq, Eq)]
pub struct DayData {
    /// Sorted by key.
    pub rows: Box<[CompactRow]>,
    /// True when the day can no longer change (before yesterday in the tenant's time zone).
    pub is_final: bool,
}

impl DayData {
    /// Approximate heap and inline size, for the cache's memory budget.
    pub fn weight(&self) -> u32 {
        let bytes = std::mem::size_of::<Self>() + std::mem::size_of_val(&*self.rows) + 96;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

/// Interns the keys of rows: the hundreds of blocks of a tenant (and its few
/// workplaces), shared by millions of rows.
#[derive(Default)]
pub struct Interner {
    inner: RwLock<InternerInner>,
}

#[derive(Default)]
pub(crate) struct InternerInner {
    index: HashMap<ItemKey, KeyIdx>,
    keys: Vec<ItemKey>,
}

impl InternerInner {
    pub(crate) fn key(&self, key: KeyIdx) -> Option<&ItemKey> {
        self.keys.get(key.index())
    }
}

impl Interner {
    pub fn intern(&self, key: &ItemKey) -> KeyIdx {
        if let Some(idx) = self.inner.read().expect("interner lock").index.get(key) {
            return *idx;
        }
        let mut inner = self.inner.write().expect("interner lock");
        if let Some(idx) = inner.index.get(key) {
            return *idx;
        }
        let idx = KeyIdx(u32::try_from(inner.keys.len()).expect("fewer than 4 billion keys"));
        inner.keys.push(key.clone());
        inner.index.insert(key.clone(), idx);
        idx
    }

    /// The key interned as `key`, if any, without interning it.
    pub fn lookup(&self, key: &ItemKey) -> Option<KeyIdx> {
        self.read().index.get(key).copied()
    }

    /// How many keys are interned: every [`KeyIdx`] is below it.
    pub fn len(&self) -> usize {
        self.read().keys.len()
    }

    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, InternerInner> {
        self.inner.read().expect("interner lock")
    }

    /// Every block id seen so far, sorted.
    pub fn known(&self) -> Vec<BlockId> {
        let inner = self.inner.read().expect("interner lock");
        let mut ids: Vec<BlockId> =
            inner.keys.iter().filter_map(|key| if let ItemKey::Block(id) = key { Some(id.clone()) } else { None }).collect();
        ids.sort();
        ids
    }

    /// Compacts one day's rows, sorted by key.
    pub fn compact(self: &Arc<Self>, rows: impl IntoIterator<Item = (ItemKey, u64, u64)>, is_final: bool) -> DayData {
        let mut rows: Vec<(ItemKey, u64, u64)> = rows.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let rows = rows.into_iter().map(|(key, pv, uv)| CompactRow { key: self.intern(&key), pv, uv }).collect();
        DayData { rows, is_final }
    }

    /// Hands each row of a day to `each`, with its key.
    pub fn each_row(&self, data: &DayData, mut each: impl FnMut(&ItemKey, u64, u64)) {
        let inner = self.inner.read().expect("interner lock");
        for row in data.rows.iter() {
            each(&inner.keys[row.key.0 as usize], row.pv, row.uv);
        }
    }
}
