//! A block query's answer as the days are held, assembled from what the plan gathered:
//! per day, the compact rows shared with the cache (no copy, no id per row), read as
//! rows, as a page of rows, as dense columns ([`BlockMatrix`]) or as totals. A year of
//! 2,000 blocks is 700,000 rows: copied out as [`AccessRow`]s (an id string each) it
//! took most of a page's time; read here it costs a pass over 24-byte rows.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::{AccessRow, BlockId, BlockMatrix, DateRange, Visits};

use crate::ServiceError;
use crate::answer::DaySources;
use crate::day::{CompactRow, DayData, DayFilter, DayKey, Interner, ItemKey, KeyIdx};
use crate::plan::Gathered;

/// The held days of a block query, in date order.
pub struct BlockDays {
    days: Vec<(NaiveDate, Vec<Arc<DayData>>)>,
    /// With a block filter: the wanted blocks' keys (rows of other blocks are skipped).
    keep: Option<Vec<bool>>,
    interner: Arc<Interner>,
    pub sources: DaySources,
    /// The days after today in the range: they have no numbers yet.
    pub future_days: u32,
    /// See [`crate::QueryAnswer::refreshed_at`].
    pub refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BlockDays {
    /// The answer to a block query for `blocks` (all blocks when empty) from the days
    /// the plan gathered: each day's all-block numbers, or else each wanted block's.
    pub(crate) fn assemble(gathered: Gathered, blocks: &[BlockId], interner: Arc<Interner>) -> Result<Self, ServiceError> {
        let keep = (!blocks.is_empty()).then(|| {
            let mut keep = vec![false; interner.len()];
            for block in blocks {
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
            if blocks.is_empty() {
                return Err(ServiceError::Interrupted(format!("day {day} was not filled")));
            }
            let mut parts = Vec::with_capacity(blocks.len());
            for block in blocks {
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
            interner,
            sources: gathered.sources,
            future_days: gathered.future_days,
            refreshed_at: gathered.refreshed_at,
        })
    }

    /// Hands each kept row to `each` with its day's position and date, in date order,
    /// then block id order within a day.
    fn each(&self, mut each: impl FnMut(usize, NaiveDate, &CompactRow)) {
        for (at, (day, parts)) in self.days.iter().enumerate() {
            for data in parts {
                for row in data.rows.iter() {
                    if self.keep.as_ref().is_none_or(|keep| keep.get(row.key.index()).copied().unwrap_or(false)) {
                        each(at, *day, row);
                    }
                }
            }
        }
    }

    /// Days of rows as given (sorted by date, then block id), outside any service: for
    /// the writers' tests and tools that hold rows already.
    pub fn from_rows(rows: &[AccessRow]) -> Self {
        let interner = Arc::new(Interner::default());
        let mut days: Vec<(NaiveDate, Vec<Arc<DayData>>)> = Vec::new();
        for chunk in rows.chunk_by(|a, b| a.date == b.date) {
            let keyed = chunk.iter().map(|r| (ItemKey::Block(r.block_id.clone()), r.pv, r.uv));
            days.push((chunk[0].date, vec![Arc::new(interner.compact(keyed, true))]));
        }
        BlockDays { days, keep: None, interner, sources: DaySources::default(), future_days: 0, refreshed_at: None }
    }

    /// Hands each kept row to `each` in the API's order (date, then block id) with its
    /// key's position: the row's block is `key_ids()[key]`.
    pub fn visit(&self, mut each: impl FnMut(NaiveDate, usize, u64, u64)) {
        self.each(|_, day, row| each(day, row.key.index(), row.pv, row.uv));
    }

    /// The block id of every key the rows of [`Self::visit`] name, by position (`None`
    /// for a key that is not a block), read under one lock.
    pub fn key_ids(&self) -> Vec<Option<BlockId>> {
        self.interner.blocks_of((0..self.interner.len()).map(KeyIdx::at))
    }

    /// The days of the answer (the range up to today).
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.days.iter().map(|(day, _)| *day)
    }

    /// How many rows the answer holds.
    pub fn len(&self) -> usize {
        let mut n = 0;
        self.each(|_, _, _| n += 1);
        n
    }

    /// True when nobody visited a wanted block on any day.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `skip..skip + take` in the API's order (date, then block id).
    pub fn rows_page(&self, skip: usize, take: usize) -> Vec<AccessRow> {
        let mut keys = Vec::with_capacity(take.min(100_000));
        let mut n = 0usize;
        self.each(|_, day, row| {
            if n >= skip && n < skip.saturating_add(take) {
                keys.push((day, *row));
            }
            n += 1;
        });
        let ids = self.interner.blocks_of(keys.iter().map(|(_, row)| row.key));
        keys.into_iter()
            .zip(ids)
            .filter_map(|((date, row), id)| Some(AccessRow { date, block_id: id?, pv: row.pv, uv: row.uv }))
            .collect()
    }

    /// Every row, in the API's order.
    pub fn rows(&self) -> Vec<AccessRow> {
        self.rows_page(0, usize::MAX)
    }

    /// The blocks with a row, in id order, and where each key's block sits among them.
    fn blocks(&self) -> (Vec<BlockId>, Vec<u32>) {
        let mut seen = vec![false; self.interner.len()];
        self.each(|_, _, row| {
            if let Some(slot) = seen.get_mut(row.key.index()) {
                *slot = true;
            }
        });
        let keys: Vec<KeyIdx> = seen.iter().enumerate().filter(|(_, s)| **s).map(|(i, _)| KeyIdx::at(i)).collect();
        let mut blocks: Vec<(BlockId, KeyIdx)> = self
            .interner
            .blocks_of(keys.iter().copied())
            .into_iter()
            .zip(keys)
            .filter_map(|(id, key)| Some((id?, key)))
            .collect();
        blocks.sort();
        let mut position = vec![u32::MAX; seen.len()];
        for (at, (_, key)) in blocks.iter().enumerate() {
            position[key.index()] = at as u32;
        }
        (blocks.into_iter().map(|(id, _)| id).collect(), position)
    }

    /// The answer as dense columns over `range` (usually the query's; days outside it
    /// are left out, days of it without an answer are zeros).
    ///
    /// Written a block's column at a time: every day's rows are sorted by key, and the
    /// keys of blocks sort as their ids, as the columns do, so one cursor per day walks
    /// its rows once while the columns fill in order. (Filling day by day instead wrote
    /// each row 6 KB from the last, two cache misses per row of a year of 2,000 blocks.)
    pub fn matrix(&self, range: DateRange) -> BlockMatrix {
        let (blocks, position) = self.blocks();
        let mut matrix = BlockMatrix::zeros(range, blocks);
        // Each day's parts with the day's place in the columns, and a cursor into each.
        let parts: Vec<(usize, &[CompactRow])> = self
            .days
            .iter()
            .filter_map(|(day, parts)| Some((matrix.index(*day)?, parts)))
            .flat_map(|(at, parts)| parts.iter().map(move |data| (at, &*data.rows)))
            .collect();
        let mut cursors = vec![0usize; parts.len()];
        let column_of = |row: &CompactRow| position.get(row.key.index()).copied().unwrap_or(u32::MAX);
        for block in 0..matrix.blocks().len() {
            let block_u32 = block as u32;
            for ((at, rows), cursor) in parts.iter().zip(cursors.iter_mut()) {
                // Rows of keys without a column (not kept, not blocks) are passed over.
                while let Some(row) = rows.get(*cursor) {
                    let column = column_of(row);
                    if column != u32::MAX && column > block_u32 {
                        break;
                    }
                    if column == block_u32 {
                        matrix.add(block, *at, row.pv, row.uv);
                    }
                    *cursor += 1;
                }
            }
        }
        matrix
    }

    /// PV and the sum of daily UV over the answer, and how many blocks had a view.
    pub fn totals(&self) -> (Visits, u32) {
        let mut sum = Visits::default();
        let mut viewed = vec![false; self.interner.len()];
        self.each(|_, _, row| {
            sum.pv += row.pv;
            sum.uv += row.uv;
            if row.pv > 0
                && let Some(slot) = viewed.get_mut(row.key.index())
            {
                *slot = true;
            }
        });
        (sum, viewed.iter().filter(|v| **v).count() as u32)
    }
}

impl Interner {
    /// The block ids of `keys`, in their order (`None` for a key that is not a block),
    /// read under one lock.
    pub(crate) fn blocks_of(&self, keys: impl IntoIterator<Item = KeyIdx>) -> Vec<Option<BlockId>> {
        let inner = self.read();
        keys.into_iter()
            .map(|key| match inner.key(key) {
                Some(ItemKey::Block(id)) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    /// Rows of ids whose text order is not their number's ("10" before "9"), some blocks
    /// on some days only, sorted as the API sorts them.
    fn rows() -> Vec<AccessRow> {
        let mut rows = Vec::new();
        for (n, day) in ["2026-03-01", "2026-03-02", "2026-03-04", "2026-03-09"].into_iter().enumerate() {
            for id in ["10", "9", "123", "77", "8"] {
                if (id.len() + n) % 3 != 0 {
                    rows.push(AccessRow {
                        date: d(day),
                        block_id: BlockId::parse(id).unwrap(),
                        pv: 10 * n as u64 + id.len() as u64,
                        uv: n as u64 + 1,
                    });
                }
            }
        }
        rows.sort_by(|a, b| (a.date, &a.block_id).cmp(&(b.date, &b.block_id)));
        rows
    }

    #[test]
    fn the_columns_read_a_block_at_a_time_equal_those_read_row_by_row() {
        let rows = rows();
        let days = BlockDays::from_rows(&rows);
        for range in [("2026-03-01", "2026-03-09"), ("2026-02-20", "2026-03-03"), ("2026-03-02", "2026-03-30")] {
            let range = DateRange::new(d(range.0), d(range.1)).unwrap();
            assert_eq!(days.matrix(range), BlockMatrix::from_rows(range, rows.iter()), "{range:?}");
        }
        assert_eq!(days.rows(), rows);
        assert_eq!(days.rows_page(3, 4), rows[3..7]);
        let (sum, viewed) = days.totals();
        assert_eq!((sum.pv, viewed), (rows.iter().map(|r| r.pv).sum(), 5));
    }

    #[test]
    fn a_block_filter_keeps_its_blocks_only() {
        let rows = rows();
        let mut days = BlockDays::from_rows(&rows);
        let wanted = [BlockId::parse("9").unwrap(), BlockId::parse("123").unwrap()];
        let mut keep = vec![false; days.interner.len()];
        for id in &wanted {
            keep[days.interner.lookup(&ItemKey::Block(id.clone())).unwrap().index()] = true;
        }
        days.keep = Some(keep);
        let kept: Vec<AccessRow> = rows.iter().filter(|r| wanted.contains(&r.block_id)).cloned().collect();
        let range = DateRange::new(d("2026-03-01"), d("2026-03-09")).unwrap();
        assert_eq!(days.matrix(range), BlockMatrix::from_rows(range, kept.iter()));
        assert_eq!(days.rows(), kept);
    }
}
