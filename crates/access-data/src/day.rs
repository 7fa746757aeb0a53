//! What the cache holds: one day's numbers for one filter, in a compact form
//! (block ids interned to 4-byte indexes).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use domain::{AccessRow, BlockId};
pub use store::DayFilter;

/// A cache key: one filter on one day.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DayKey {
    pub filter: DayFilter,
    pub day: NaiveDate,
}

/// A block id as a small number; the [`Interner`] turns it back into the id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockIdx(u32);

/// One block's numbers on the day. 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactRow {
    pub block: BlockIdx,
    pub pv: u64,
    pub uv: u64,
}

/// One held day: every row Feishu reported (none when nobody visited).
#[derive(Debug, PartialEq, Eq)]
pub struct DayData {
    /// Sorted by block id.
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

/// Interns block ids: the hundreds of ids of a tenant, shared by millions of rows.
#[derive(Default)]
pub struct Interner {
    inner: RwLock<InternerInner>,
}

#[derive(Default)]
struct InternerInner {
    index: HashMap<BlockId, BlockIdx>,
    ids: Vec<BlockId>,
}

impl Interner {
    pub fn intern(&self, id: &BlockId) -> BlockIdx {
        if let Some(idx) = self.inner.read().expect("interner lock").index.get(id) {
            return *idx;
        }
        let mut inner = self.inner.write().expect("interner lock");
        if let Some(idx) = inner.index.get(id) {
            return *idx;
        }
        let idx = BlockIdx(u32::try_from(inner.ids.len()).expect("fewer than 4 billion blocks"));
        inner.ids.push(id.clone());
        inner.index.insert(id.clone(), idx);
        idx
    }

    /// Every block id seen so far, sorted.
    pub fn known(&self) -> Vec<BlockId> {
        let mut ids = self.inner.read().expect("interner lock").ids.clone();
        ids.sort();
        ids
    }

    /// Compacts one day's rows, sorted by block id.
    pub fn compact(self: &Arc<Self>, rows: impl IntoIterator<Item = (BlockId, u64, u64)>, is_final: bool) -> DayData {
        let mut rows: Vec<(BlockId, u64, u64)> = rows.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let rows = rows.into_iter().map(|(id, pv, uv)| CompactRow { block: self.intern(&id), pv, uv }).collect();
        DayData { rows, is_final }
    }

    /// Expands a day's rows, keeping those `keep` accepts.
    pub fn expand(&self, day: NaiveDate, data: &DayData, mut keep: impl FnMut(&BlockId) -> bool, out: &mut Vec<AccessRow>) {
        let inner = self.inner.read().expect("interner lock");
        for row in data.rows.iter() {
            let id = &inner.ids[row.block.0 as usize];
            if keep(id) {
                out.push(AccessRow { date: day, block_id: id.clone(), pv: row.pv, uv: row.uv });
            }
        }
    }
}
