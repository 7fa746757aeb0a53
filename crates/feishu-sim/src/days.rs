//! The tenant one day at a time: every block's visits and every custom workplace's,
//! computed on first use and kept, so that a search over a large tenant costs the days
//! it reads once and then only the items it answers.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::workplaces::SimVisits;

/// Days are kept while the tenant has at most this many (day, block) cells (8 bytes
/// each, 256 MB at most, only for the days read): 20,000 blocks over 4 years, 2,000
/// over 40. A larger tenant computes each day every time it is read.
const KEEP_MAX_CELLS: usize = 32_000_000;
/// …and at most this many days.
const KEEP_MAX_DAYS: usize = 40_000;

/// One day of the tenant.
#[derive(Clone, Debug)]
pub(crate) struct Day {
    /// (pv, uv) per block, in [`crate::Dataset::blocks`] order; (0, 0) for no visit.
    pub cells: Box<[(u32, u32)]>,
    /// How many blocks had a visit.
    pub blocks_visited: usize,
    /// Each custom workplace's visits, in [`crate::Dataset::workplaces`] order.
    pub workplaces: Box<[SimVisits]>,
    /// How many custom workplaces had a visit.
    pub workplaces_visited: usize,
}

impl Day {
    /// The day of these cells, with the workplaces' visits `workplace_visits` derives.
    pub fn new(cells: Box<[(u32, u32)]>, workplace_visits: impl FnOnce(&[(u32, u32)]) -> Box<[SimVisits]>) -> Self {
        let workplaces = workplace_visits(&cells);
        Self {
            blocks_visited: cells.iter().filter(|(pv, _)| *pv > 0).count(),
            workplaces_visited: workplaces.iter().filter(|v| v.pv > 0).count(),
            cells,
            workplaces,
        }
    }
}

/// The days of a history, each computed on first use and kept when the tenant is small
/// enough ([`KEEP_MAX_CELLS`]).
#[derive(Clone)]
pub(crate) struct DayCache {
    slots: Box<[OnceLock<Day>]>,
}

impl DayCache {
    /// A cache for `days` days of `blocks` blocks, empty.
    pub fn new(days: usize, blocks: usize) -> Self {
        let keep = days <= KEEP_MAX_DAYS && days.saturating_mul(blocks) <= KEEP_MAX_CELLS;
        Self { slots: if keep { (0..days).map(|_| OnceLock::new()).collect() } else { Box::default() } }
    }

    /// Whether days are kept once computed.
    pub fn keeps(&self) -> bool {
        !self.slots.is_empty()
    }

    /// The day at `offset` from the first, computed by `compute` unless it was before.
    pub fn get(&self, offset: usize, compute: impl FnOnce() -> Day) -> Cow<'_, Day> {
        match self.slots.get(offset) {
            Some(slot) => Cow::Borrowed(slot.get_or_init(compute)),
            None => Cow::Owned(compute()),
        }
    }

    /// How many days are held now.
    pub fn held(&self) -> usize {
        self.slots.iter().filter(|slot| slot.get().is_some()).count()
    }
}

impl std::fmt::Debug for DayCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DayCache").field("days", &self.slots.len()).field("held", &self.held()).finish()
    }
}
