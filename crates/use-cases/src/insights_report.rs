//! The insights of a range: movers against the previous period, dormant and new blocks,
//! and unusual days (per block and for the total), with the numbers behind each. Built
//! on the server by [`Insights::build`] from the columns of the range and of the days
//! before it that the rules need ([`history_range`]); serialisable for the page and
//! `GET /api/v1/insights`. The rules themselves are in `domain::insights` and
//! `domain::unusual`.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use domain::insights::{self, Dormant, Movers, NewBlock};
use domain::unusual::{self, BASELINE_WEEKS, UnusualDay};
use domain::{BlockId, BlockMatrix, DateRange, Visits};
use serde::{Deserialize, Serialize};

use crate::view::WholeList;

/// How many movers each list keeps.
pub const MOVERS_LISTED: usize = 10;
/// Unusual days of blocks the page carries unless the URL asks for all of them (the API
/// answers all; the days of all blocks together always stay, for the chart's markers).
pub const UNUSUAL_ON_PAGE: usize = 20;
/// Dormant and new blocks the page lists unless the URL asks for all of them.
pub const LISTED_ON_PAGE: usize = 20;
/// The longest dormant window an admin may choose, in days.
pub const MAX_DORMANT_DAYS: u32 = 90;

/// One unusual day: of a block, or of all blocks together (`block_id` empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnusualFinding {
    pub block_id: Option<BlockId>,
    #[serde(flatten)]
    pub day: UnusualDay,
}

/// Everything the insights say about one range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    pub range: DateRange,
    /// The period of the same length just before, that movers compare with.
    pub previous_range: DateRange,
    /// The last day judged for unusual days (the day before yesterday).
    pub last_judged: NaiveDate,
    pub dormant_days: u32,
    /// The days read before the range fell short (the monthly quota did not allow
    /// fetching them): what needs them is `None`, and unusual days are judged only
    /// where the range itself holds three baseline weeks.
    pub history_missing: bool,
    /// PV and the sum of daily UV, this period and the one before.
    pub current: Visits,
    pub previous: Option<Visits>,
    pub movers: Option<Movers>,
    pub dormant: Option<Vec<Dormant>>,
    pub new_blocks: Option<Vec<NewBlock>>,
    /// Most unusual first (by the size of the score).
    pub unusual: Vec<UnusualFinding>,
    /// Unusual days left out of `unusual` by [`Insights::cut_for_page`].
    pub unusual_left_out: usize,
    /// Dormant blocks left out of `dormant` by [`Insights::cut_for_page`].
    #[serde(default)]
    pub dormant_left_out: usize,
    /// New blocks left out of `new_blocks` by [`Insights::cut_for_page`].
    #[serde(default)]
    pub new_left_out: usize,
}

/// The days the insights of `range` read: the range and, before it, the longest of
/// the baseline weeks, the previous period and the dormant windows.
pub fn history_range(range: DateRange, dormant_days: u32) -> DateRange {
    let back = (BASELINE_WEEKS * 7).max(u64::from(range.len_days())).max(2 * u64::from(dormant_days));
    let from = range.from().checked_sub_days(Days::new(back)).unwrap_or(NaiveDate::MIN);
    DateRange::new(from, range.to()).unwrap_or(range)
}

impl Insights {
    /// The insights of `range` from the columns `m`, which hold every visit of the days
    /// they cover ([`history_range`] when it could be fetched, else the range itself),
    /// judging days up to `last_judged`.
    pub fn build(range: DateRange, m: &BlockMatrix, last_judged: NaiveDate, dormant_days: u32) -> Self {
        let known = m.range();
        let dormant_days = dormant_days.clamp(1, MAX_DORMANT_DAYS);
        let covers = |r: DateRange| known.contains(r.from()) && known.contains(r.to());
        let previous_range = range.previous_period();
        let now = m.per_block(range);
        let then = m.per_block(previous_range);
        let sum = |m: &BTreeMap<BlockId, Visits>| {
            m.values().fold(Visits::default(), |a, v| Visits { pv: a.pv + v.pv, uv: a.uv + v.uv })
        };

        let last_final = last_judged.min(range.to());
        let mut unusual = Vec::new();
        // By index: the same weekday `w` weeks earlier is 7·w columns back.
        let judged_at: Vec<(NaiveDate, usize)> =
            range.days().filter(|d| *d <= last_final).filter_map(|d| m.index(d).map(|at| (d, at))).collect();
        let mut judge_column = |block_id: Option<&BlockId>, column: &[u64]| {
            let known_from = column.iter().position(|pv| *pv > 0).unwrap_or(column.len());
            unusual::judge_series(column, known_from, &judged_at, |day| {
                unusual.push(UnusualFinding { block_id: block_id.cloned(), day });
            });
        };
        let total: Vec<u64> = m.day_totals().into_iter().map(|v| v.pv).collect();
        judge_column(None, &total);
        for (b, id) in m.blocks().iter().enumerate() {
            judge_column(Some(id), m.pv(b));
        }
        unusual.sort_by(|a, b| {
            b.day
                .score
                .abs()
                .total_cmp(&a.day.score.abs())
                .then_with(|| a.day.date.cmp(&b.day.date))
                .then_with(|| a.block_id.cmp(&b.block_id))
        });

        // Rows outside the known days are left out by each rule's own windows.
        let dormant_known = insights::dormant_windows(last_final, dormant_days).is_some_and(|(_, earlier)| covers(earlier));
        let before_range = range.from().checked_sub_days(Days::new(1)).is_some_and(|d| known.contains(d));
        Insights {
            range,
            previous_range,
            last_judged,
            dormant_days,
            history_missing: !covers(history_range(range, dormant_days)),
            current: sum(&now),
            previous: covers(previous_range).then(|| sum(&then)),
            movers: covers(previous_range).then(|| insights::movers(&now, &then, MOVERS_LISTED)),
            dormant: dormant_known.then(|| insights::dormant(m, last_final, dormant_days)),
            new_blocks: before_range.then(|| insights::new_blocks(m, range)),
            unusual,
            unusual_left_out: 0,
            dormant_left_out: 0,
            new_left_out: 0,
        }
    }

    /// Cuts the lists for the page, so that a year over thousands of blocks does not
    /// weigh it down: the [`UNUSUAL_ON_PAGE`] most unusual days of blocks (every day of
    /// all blocks together stays) and the first [`LISTED_ON_PAGE`] dormant and new
    /// blocks, each counting what it left out; `whole` is left whole.
    pub fn cut_for_page(&mut self, whole: Option<WholeList>) {
        if whole != Some(WholeList::Unusual) {
            self.cut_unusual(UNUSUAL_ON_PAGE);
        }
        fn cut<T>(list: &mut Option<Vec<T>>, left_out: &mut usize, keep: bool) {
            if let Some(list) = list.as_mut().filter(|_| !keep) {
                *left_out += list.len().saturating_sub(LISTED_ON_PAGE);
                list.truncate(LISTED_ON_PAGE);
            }
        }
        cut(&mut self.dormant, &mut self.dormant_left_out, whole == Some(WholeList::Dormant));
        cut(&mut self.new_blocks, &mut self.new_left_out, whole == Some(WholeList::New));
    }

    /// Keeps the `keep` most unusual days of blocks and every day of all blocks together.
    pub fn cut_unusual(&mut self, keep: usize) {
        let mut blocks_kept = 0;
        let before = self.unusual.len();
        self.unusual.retain(|u| {
            if u.block_id.is_none() {
                return true;
            }
            blocks_kept += 1;
            blocks_kept <= keep
        });
        self.unusual_left_out += before - self.unusual.len();
    }
}

#[cfg(test)]
mod tests {
    use domain::AccessRow;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    #[test]
    fn finds_a_spike_of_one_block_and_of_the_total_and_reads_the_days_it_needs() {
        let range = DateRange::new(d("2026-03-01"), d("2026-03-14")).unwrap();
        let history = history_range(range, 14);
        assert_eq!(history.from(), d("2026-01-04"), "8 weeks before the range");
        let mut rows = Vec::new();
        for date in history.days() {
            for (id, pv) in [("1", 100), ("2", 30)] {
                let pv = if id == "1" && date == d("2026-03-09") { 900 } else { pv };
                rows.push(AccessRow { date, block_id: BlockId::parse(id).unwrap(), pv, uv: pv / 2 });
            }
        }
        let insights = Insights::build(range, &BlockMatrix::from_rows(history, rows.iter()), d("2026-03-12"), 14);
        let found: Vec<(Option<String>, NaiveDate)> =
            insights.unusual.iter().map(|u| (u.block_id.as_ref().map(ToString::to_string), u.day.date)).collect();
        assert_eq!(found, [(Some("1".into()), d("2026-03-09")), (None, d("2026-03-09"))]);
        assert_eq!(insights.current.pv, 14 * 130 + 800);
        assert_eq!(insights.previous.map(|p| p.pv), Some(14 * 130));
        assert_eq!(insights.movers.as_ref().map(|m| m.rising.len()), Some(1), "block 1: +800; block 2 unchanged");
        assert_eq!((&insights.dormant, &insights.new_blocks), (&Some(Vec::new()), &Some(Vec::new())));
        assert!(!insights.history_missing);

        // Without the days before the range: no movers, dormant or new blocks, and a
        // spike is judged only where the range itself holds three weeks.
        let alone = Insights::build(range, &BlockMatrix::from_rows(range, rows.iter()), d("2026-03-12"), 14);
        assert!(alone.history_missing);
        assert_eq!((alone.previous, alone.movers, alone.dormant, alone.new_blocks), (None, None, None, None));
        assert!(alone.unusual.is_empty(), "03-09 has one baseline week inside the range");

        let mut cut = insights.clone();
        cut.cut_unusual(0);
        assert_eq!((cut.unusual.len(), cut.unusual_left_out), (1, 1), "the day of all blocks stays");
        assert!(cut.unusual[0].block_id.is_none());
    }
}
