//! What changed and what nobody uses, from per-block numbers: movers against the
//! previous period, dormant blocks and new blocks. (Unusual days are in
//! [`crate::unusual`].) Pure functions over a [`BlockMatrix`], for the server and the browser.
//!
//! The thresholds, chosen on the simulator's tenant (60 blocks, from a few to a few
//! thousand views a day) so that the lists hold what an admin would act on:
//! - **Movers** ignore a block whose larger period has fewer than [`MIN_MOVER_VIEWS`]
//!   views: from 3 to 9 views is +200% but means nothing.
//! - **Dormant**: at most [`DORMANT_MAX_VIEWS`] views over the last N final days (N
//!   chosen by the admin, [`DEFAULT_DORMANT_DAYS`] by default) while the N days before
//!   had at least [`DORMANT_MIN_EARLIER_VIEWS`]: a block people used and stopped using,
//!   not one that was always quiet.
//! - **New**: a block whose first view falls in the range and that had none in the
//!   known days before it.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[cfg(test)]
use crate::AccessRow;
use crate::{BlockId, BlockMatrix, DateRange, Visits};

/// Movers need this many views in the larger of the two periods.
pub const MIN_MOVER_VIEWS: u64 = 50;
/// "No or almost no visits": at most this many views over the dormant window.
pub const DORMANT_MAX_VIEWS: u64 = 2;
/// A dormant block had at least this many views in the window before.
pub const DORMANT_MIN_EARLIER_VIEWS: u64 = 10;
/// The dormant window when the admin chooses none.
pub const DEFAULT_DORMANT_DAYS: u32 = 14;

/// A block's views in the range and in the period of the same length before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    pub block_id: BlockId,
    /// PV and the sum of daily UV, this period.
    pub current: Visits,
    pub previous: Visits,
}

impl Mover {
    /// Change in PV (positive: more views now).
    pub fn change(&self) -> i64 {
        self.current.pv as i64 - self.previous.pv as i64
    }

    /// Relative change in PV; `None` from nothing.
    pub fn relative(&self) -> Option<f64> {
        (self.previous.pv > 0).then(|| self.change() as f64 / self.previous.pv as f64)
    }

    /// Change in the sum of daily UV.
    pub fn uv_change(&self) -> i64 {
        self.current.uv as i64 - self.previous.uv as i64
    }
}

/// The blocks that rose and fell most, each list largest change first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Movers {
    /// By absolute change in PV, rises then falls each as its own list.
    pub rising: Vec<Mover>,
    pub falling: Vec<Mover>,
    /// By relative change (blocks that had views before only).
    pub by_relative: Vec<Mover>,
}

/// The movers between `previous` and `current` (sums per block), at most `limit` in
/// each list.
pub fn movers(current: &BTreeMap<BlockId, Visits>, previous: &BTreeMap<BlockId, Visits>, limit: usize) -> Movers {
    let mut all: Vec<Mover> = current
        .keys()
        .chain(previous.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|id| Mover {
            block_id: id.clone(),
            current: current.get(id).copied().unwrap_or_default(),
            previous: previous.get(id).copied().unwrap_or_default(),
        })
        .filter(|m| m.current.pv.max(m.previous.pv) >= MIN_MOVER_VIEWS && m.change() != 0)
        .collect();
    all.sort_by(|a, b| b.change().abs().cmp(&a.change().abs()).then_with(|| a.block_id.cmp(&b.block_id)));
    let rising: Vec<Mover> = all.iter().filter(|m| m.change() > 0).take(limit).cloned().collect();
    let falling: Vec<Mover> = all.iter().filter(|m| m.change() < 0).take(limit).cloned().collect();
    let mut by_relative: Vec<Mover> = all.into_iter().filter(|m| m.relative().is_some()).collect();
    by_relative.sort_by(|a, b| {
        let r = |m: &Mover| m.relative().unwrap_or(0.0).abs();
        r(b).total_cmp(&r(a)).then_with(|| a.block_id.cmp(&b.block_id))
    });
    by_relative.truncate(limit);
    Movers { rising, falling, by_relative }
}

/// A block people stopped using.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dormant {
    pub block_id: BlockId,
    /// Views over the last `days` final days.
    pub recent_pv: u64,
    /// Views over the `days` before.
    pub earlier_pv: u64,
    /// The last day with a view, if any in the data given.
    pub last_seen: Option<NaiveDate>,
}

/// The two windows of the dormant rule ending at `last_final`: (recent, earlier), each
/// `days` long; `None` when they would start before the calendar does.
pub fn dormant_windows(last_final: NaiveDate, days: u32) -> Option<(DateRange, DateRange)> {
    let days = u64::from(days.max(1));
    let recent_from = last_final.checked_sub_days(Days::new(days - 1))?;
    let earlier_to = recent_from.checked_sub_days(Days::new(1))?;
    let earlier_from = earlier_to.checked_sub_days(Days::new(days - 1))?;
    Some((DateRange::new(recent_from, last_final).ok()?, DateRange::new(earlier_from, earlier_to).ok()?))
}

/// The dormant blocks of `m` (whose columns must cover both windows), most views lost
/// first.
pub fn dormant(m: &BlockMatrix, last_final: NaiveDate, days: u32) -> Vec<Dormant> {
    let Some((recent, earlier)) = dormant_windows(last_final, days) else { return Vec::new() };
    let (recent_span, earlier_span, seen_span) =
        (m.span(recent), m.span(earlier), m.span(DateRange::new(m.range().from(), last_final).unwrap_or(recent)));
    let mut found: Vec<Dormant> = (0..m.blocks().len())
        .filter_map(|b| {
            let pv = m.pv(b);
            let d = Dormant {
                block_id: m.blocks()[b].clone(),
                recent_pv: pv[recent_span.clone()].iter().sum(),
                earlier_pv: pv[earlier_span.clone()].iter().sum(),
                last_seen: pv[seen_span.clone()].iter().rposition(|v| *v > 0).map(|at| m.date(seen_span.start + at)),
            };
            (d.recent_pv <= DORMANT_MAX_VIEWS && d.earlier_pv >= DORMANT_MIN_EARLIER_VIEWS).then_some(d)
        })
        .collect();
    let lost = |d: &Dormant| d.earlier_pv.saturating_sub(d.recent_pv);
    found.sort_by(|a, b| lost(b).cmp(&lost(a)).then_with(|| a.block_id.cmp(&b.block_id)));
    found
}

/// A block first seen in the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBlock {
    pub block_id: BlockId,
    pub first_seen: NaiveDate,
    /// Its views in the range.
    pub pv: u64,
}

/// The blocks of `m` whose first view falls in `range` (days before the range are the
/// known history: a block seen there is not new), first seen first.
pub fn new_blocks(m: &BlockMatrix, range: DateRange) -> Vec<NewBlock> {
    let upto = m.span(DateRange::new(m.range().from(), range.to()).unwrap_or(range));
    let within = m.span(range);
    let mut found: Vec<NewBlock> = (0..m.blocks().len())
        .filter_map(|b| {
            let pv = &m.pv(b)[upto.clone()];
            let first = upto.start + pv.iter().position(|v| *v > 0)?;
            within.contains(&first).then(|| NewBlock {
                block_id: m.blocks()[b].clone(),
                first_seen: m.date(first),
                pv: m.pv(b)[within.clone()].iter().sum(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then_with(|| a.block_id.cmp(&b.block_id)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    fn row(date: &str, id: &str, pv: u64) -> AccessRow {
        AccessRow { date: d(date), block_id: BlockId::parse(id).unwrap(), pv, uv: pv.div_ceil(2) }
    }

    #[test]
    fn movers_rank_by_absolute_and_relative_change_and_skip_small_blocks() {
        let per_block = |rows: &[AccessRow]| {
            let range = DateRange::new(d("2026-03-01"), d("2026-03-08")).unwrap();
            BlockMatrix::from_rows(range, rows.iter()).per_block(range)
        };
        let now = per_block(&[
            row("2026-03-08", "1", 300),
            row("2026-03-08", "2", 40),
            row("2026-03-08", "3", 9),
            row("2026-03-08", "4", 60),
        ]);
        let before = per_block(&[row("2026-03-01", "1", 200), row("2026-03-01", "2", 400), row("2026-03-01", "3", 3)]);
        let m = movers(&now, &before, 10);
        let ids = |v: &[Mover]| v.iter().map(|m| m.block_id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&m.rising), ["1", "4"], "+100 and +60 (from nothing); block 3 is too small");
        assert_eq!(ids(&m.falling), ["2"]);
        assert_eq!(m.falling[0].relative(), Some(-0.9));
        assert_eq!(ids(&m.by_relative), ["2", "1"], "-90% before +50%; block 4 had no views before");
        assert_eq!(m.rising[0].uv_change(), 150 - 100);
        assert_eq!(movers(&now, &before, 1).rising.len(), 1);
    }

    #[test]
    fn dormant_blocks_were_used_and_stopped() {
        let mut rows = Vec::new();
        for day in d("2026-02-01").iter_days().take_while(|x| *x <= d("2026-02-28")) {
            let in_recent = day >= d("2026-02-15");
            rows.push(AccessRow { date: day, block_id: BlockId::parse("1").unwrap(), pv: if in_recent { 0 } else { 5 }, uv: 1 });
            rows.push(AccessRow { date: day, block_id: BlockId::parse("2").unwrap(), pv: 0, uv: 0 });
            rows.push(AccessRow { date: day, block_id: BlockId::parse("3").unwrap(), pv: 7, uv: 2 });
        }
        rows.push(row("2026-02-20", "1", 1));
        rows.push(row("2026-02-03", "2", 1));
        let feb = BlockMatrix::from_rows(DateRange::new(d("2026-02-01"), d("2026-02-28")).unwrap(), rows.iter());
        let found = dormant(&feb, d("2026-02-28"), 14);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0],
            Dormant { block_id: BlockId::parse("1").unwrap(), recent_pv: 1, earlier_pv: 70, last_seen: Some(d("2026-02-20")) }
        );
        let (recent, earlier) = dormant_windows(d("2026-02-28"), 14).unwrap();
        assert_eq!((recent.from(), earlier.from(), earlier.to()), (d("2026-02-15"), d("2026-02-01"), d("2026-02-14")));
        assert!(dormant(&feb, d("2026-02-28"), 7).is_empty(), "the week before was quiet too");
    }

    #[test]
    fn new_blocks_are_first_seen_in_the_range() {
        let range = DateRange::new(d("2026-03-01"), d("2026-03-31")).unwrap();
        let rows = [
            row("2026-02-10", "1", 4),
            row("2026-03-05", "1", 4),
            row("2026-03-09", "2", 6),
            row("2026-03-12", "2", 1),
            row("2026-04-01", "3", 1),
        ];
        let known = DateRange::new(d("2026-02-01"), d("2026-04-30")).unwrap();
        assert_eq!(
            new_blocks(&BlockMatrix::from_rows(known, rows.iter()), range),
            [NewBlock { block_id: BlockId::parse("2").unwrap(), first_seen: d("2026-03-09"), pv: 7 }]
        );
    }
}
