//! The block days of a range as dense columns: each block's PV and UV by day, in one
//! allocation. What the overview, the insights and the digest read: every total, sum,
//! series and rule is a walk along these columns, with no lookup of a block by its id
//! per row. A year of 2,000 blocks is 730,000 cells (about 12 MB), filled once per
//! request from the held days; sums over it take about a millisecond.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use crate::{AccessRow, BlockId, DateRange, Visits};

/// Each block's PV and UV on each day of [`BlockMatrix::range`]; blocks in id order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockMatrix {
    range: DateRange,
    days: usize,
    blocks: Vec<BlockId>,
    /// Block-major: block `b`'s day `d` is at `b * days + d`.
    pv: Vec<u64>,
    uv: Vec<u64>,
}

impl BlockMatrix {
    /// Zeros over `range` for `blocks`, which are sorted and unique (the caller's
    /// order is kept; sorting is the caller's job so that it can index blocks first).
    pub fn zeros(range: DateRange, blocks: Vec<BlockId>) -> Self {
        debug_assert!(blocks.windows(2).all(|w| w[0] < w[1]), "blocks sorted and unique");
        let days = range.len_days() as usize;
        let cells = days * blocks.len();
        BlockMatrix { range, days, blocks, pv: vec![0; cells], uv: vec![0; cells] }
    }

    /// The columns of `rows` over `range` (rows outside it are left out).
    pub fn from_rows<'a>(range: DateRange, rows: impl IntoIterator<Item = &'a AccessRow> + Clone) -> Self {
        let mut ids: Vec<BlockId> =
            rows.clone().into_iter().filter(|r| range.contains(r.date)).map(|r| r.block_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let mut matrix = BlockMatrix::zeros(range, ids);
        for row in rows.into_iter() {
            if let (Some(day), Ok(block)) = (matrix.index(row.date), matrix.blocks.binary_search(&row.block_id)) {
                matrix.add(block, day, row.pv, row.uv);
            }
        }
        matrix
    }

    /// Adds a row's numbers to block `block` (its position in [`Self::blocks`]) on day
    /// `day` (its position in the range).
    pub fn add(&mut self, block: usize, day: usize, pv: u64, uv: u64) {
        let at = block * self.days + day;
        self.pv[at] += pv;
        self.uv[at] += uv;
    }

    /// The days the columns cover.
    pub fn range(&self) -> DateRange {
        self.range
    }

    /// How many days the columns cover.
    pub fn days(&self) -> usize {
        self.days
    }

    /// The blocks with at least one row, in id order.
    pub fn blocks(&self) -> &[BlockId] {
        &self.blocks
    }

    /// The position of `id` in [`Self::blocks`].
    pub fn block(&self, id: &BlockId) -> Option<usize> {
        self.blocks.binary_search(id).ok()
    }

    /// Block `block`'s PV by day.
    pub fn pv(&self, block: usize) -> &[u64] {
        &self.pv[block * self.days..(block + 1) * self.days]
    }

    /// Block `block`'s UV by day.
    pub fn uv(&self, block: usize) -> &[u64] {
        &self.uv[block * self.days..(block + 1) * self.days]
    }

    /// The position of `date` among the days, if covered.
    pub fn index(&self, date: NaiveDate) -> Option<usize> {
        self.range.contains(date).then(|| (date - self.range.from()).num_days() as usize)
    }

    /// The date at position `day`.
    pub fn date(&self, day: usize) -> NaiveDate {
        self.range.from() + chrono::Days::new(day as u64)
    }

    /// The positions of the days of `within` that the columns cover.
    pub fn span(&self, within: DateRange) -> Range<usize> {
        let from = within.from().max(self.range.from());
        let to = within.to().min(self.range.to());
        match (self.index(from), self.index(to)) {
            (Some(a), Some(b)) if a <= b => a..b + 1,
            _ => 0..0,
        }
    }

    /// Each block's PV and UV summed over `within`, aligned with [`Self::blocks`].
    pub fn sums(&self, within: DateRange) -> Vec<Visits> {
        let span = self.span(within);
        (0..self.blocks.len())
            .map(|b| Visits { pv: self.pv(b)[span.clone()].iter().sum(), uv: self.uv(b)[span.clone()].iter().sum() })
            .collect()
    }

    /// The blocks with visits in `within` and their sums, by id.
    pub fn per_block(&self, within: DateRange) -> BTreeMap<BlockId, Visits> {
        self.blocks.iter().zip(self.sums(within)).filter(|(_, v)| v.pv > 0 || v.uv > 0).map(|(id, v)| (id.clone(), v)).collect()
    }

    /// All blocks together, day by day over the whole range.
    pub fn day_totals(&self) -> Vec<Visits> {
        let mut totals = vec![Visits::default(); self.days];
        for b in 0..self.blocks.len() {
            for (total, (pv, uv)) in totals.iter_mut().zip(self.pv(b).iter().zip(self.uv(b))) {
                total.pv += pv;
                total.uv += uv;
            }
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    fn row(date: &str, id: &str, pv: u64, uv: u64) -> AccessRow {
        AccessRow { date: d(date), block_id: BlockId::parse(id).unwrap(), pv, uv }
    }

    #[test]
    fn columns_sums_and_totals_of_rows() {
        let range = DateRange::new(d("2026-03-01"), d("2026-03-04")).unwrap();
        let rows = [
            row("2026-03-01", "2", 5, 3),
            row("2026-03-03", "1", 7, 2),
            row("2026-03-01", "1", 1, 1),
            row("2026-03-09", "3", 9, 9),
        ];
        let m = BlockMatrix::from_rows(range, rows.iter());
        assert_eq!(
            m.blocks(),
            [BlockId::parse("1").unwrap(), BlockId::parse("2").unwrap()],
            "in id order, block 3 is out of range"
        );
        assert_eq!(m.pv(0), [1, 0, 7, 0]);
        assert_eq!(m.uv(1), [3, 0, 0, 0]);
        let first_two = DateRange::new(d("2026-02-20"), d("2026-03-02")).unwrap();
        assert_eq!(m.span(first_two), 0..2, "clipped to the columns");
        assert_eq!(m.sums(first_two), [Visits { pv: 1, uv: 1 }, Visits { pv: 5, uv: 3 }]);
        assert_eq!(m.per_block(DateRange::new(d("2026-03-03"), d("2026-03-04")).unwrap()).len(), 1);
        assert_eq!(m.day_totals()[0], Visits { pv: 6, uv: 4 });
        assert_eq!(m.date(2), d("2026-03-03"));
        let outside = DateRange::new(d("2026-04-01"), d("2026-04-02")).unwrap();
        assert_eq!(m.span(outside), 0..0);
    }
}
