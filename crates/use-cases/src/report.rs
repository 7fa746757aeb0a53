//! What the server functions send to the page: aggregates ready to draw, serialisable,
//! and free of anything secret. Built on the server (`api::ssr::build_dashboard`).

use chrono::NaiveDate;
use domain::{AccessRow, BlockId, BlockLabel, BlockMatrix, DateRange, NamesPlan, NotesPlan, Visits};
use serde::{Deserialize, Serialize};

use crate::view::Preset;

/// Most blocks drawn as their own lines in the trend chart; beyond this the chart
/// shows totals only (a dozen lines is unreadable).
pub const MAX_LINES: usize = 8;

/// Everything the overview shows for one range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub range: DateRange,
    /// The preset the range came from, if any.
    pub preset: Option<Preset>,
    /// Today in the tenant's time zone: its numbers are still growing.
    pub today: NaiveDate,
    /// The blocks filtered on; empty means all.
    pub filter: Vec<BlockId>,
    /// One entry per day of the range up to today, zeros included.
    pub days: Vec<DayTotal>,
    /// Days of the range after today (no numbers yet).
    pub future_days: u32,
    /// The page of the blocks table the URL asks for (sorted, searched, paged here).
    pub table: BlockTable,
    /// The blocks with the most views, most first (at most [`TOP_BLOCKS`]).
    pub top_blocks: Vec<BlockTotal>,
    /// Daily numbers of each filtered block (at most [`MAX_LINES`]), aligned with `days`.
    pub lines: Vec<BlockLine>,
    pub current: PeriodTotals,
    /// The period of the same length just before.
    pub previous: Option<PeriodTotals>,
    /// The same days a year earlier, when Feishu has data for them.
    pub year_ago: Option<PeriodTotals>,
    /// Names admins gave blocks.
    pub names: Vec<BlockLabel>,
    /// What the block filter offers.
    pub choices: BlockChoices,
    /// The names of the custom workplaces Feishu has reported so far (every language),
    /// offered when a block's workplace is typed.
    pub reported_workplaces: Vec<String>,
    /// True when the numbers come from the built-in simulator.
    pub simulated: bool,
    /// This month's calls to Feishu against the quota, for the banner.
    pub quota: QuotaReport,
    /// Where the background history fetch stands.
    pub history: Option<HistoryLine>,
    /// What changed, what nobody uses and what is unusual in the range.
    pub insights: crate::insights_report::Insights,
    /// The notes of the range (on the trend chart, and with their impact on the page).
    #[serde(default)]
    pub notes: crate::notes_report::Notes,
}

/// This month's calls to Feishu against the monthly quota (counts only, no usage data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaReport {
    /// Calls counted this calendar month (tenant's time zone).
    pub used: u64,
    /// `FEISHU_MONTHLY_QUOTA`, if set.
    pub limit: Option<u64>,
    /// The count from which the page warns (`FEISHU_QUOTA_WARN_PERCENT` of the limit).
    pub warn_at: Option<u64>,
    /// Feishu answered 99991403 (quota used up) this month.
    pub refused_by_feishu: bool,
    /// When the count starts again: the first day of next month.
    pub resets_on: NaiveDate,
}

impl QuotaReport {
    /// No more calls to Feishu this month.
    pub fn reached(&self) -> bool {
        self.refused_by_feishu || self.limit.is_some_and(|limit| self.used >= limit)
    }

    /// From the warning threshold on (also once reached): the page shows a banner.
    pub fn warning(&self) -> bool {
        self.reached() || self.warn_at.is_some_and(|at| self.used >= at)
    }
}

/// The background history fetch, as the line above the controls says it; `None` in
/// the reports when there is nothing to say (off, or every month held).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryLine {
    /// Fetching the window's missing final days: `done` of `total` months held.
    Fetching { done: u32, total: u32 },
    /// Stopped for the month: its share of the monthly quota (or the quota) is spent.
    Paused { done: u32, total: u32, resumes_on: NaiveDate },
    /// The last pass failed; it tries again. `reason` says what failed (in English).
    Failed { done: u32, total: u32, reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    pub date: NaiveDate,
    pub pv: u64,
    /// Sum over blocks of each block's distinct users that day.
    pub uv: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockTotal {
    pub block_id: BlockId,
    pub pv: u64,
    /// The sum of the block's daily distinct users (not distinct people over the range).
    pub uv_day_sum: u64,
    /// Days with at least one visit.
    pub active_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockLine {
    pub block_id: BlockId,
    pub pv: Vec<u64>,
    pub uv: Vec<u64>,
}

/// Sums over one period, for the summary cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodTotals {
    pub range: DateRange,
    pub pv: u64,
    pub uv_day_sum: u64,
    /// Days of the period that have begun (today included).
    pub days: u32,
    /// Blocks with at least one visit.
    pub active_blocks: u32,
}

impl PeriodTotals {
    /// The totals of `range` (its days up to `today`) from its sum and the number of
    /// blocks viewed in it.
    pub fn new(range: DateRange, today: NaiveDate, sum: Visits, active_blocks: u32) -> Self {
        let days = range.days().filter(|d| *d <= today).count() as u32;
        PeriodTotals { range, pv: sum.pv, uv_day_sum: sum.uv, days, active_blocks }
    }

    /// The totals of `range` from the columns `m` (which cover it).
    pub fn of(range: DateRange, today: NaiveDate, m: &BlockMatrix) -> Self {
        let sums = m.sums(range);
        let sum = sums.iter().fold(Visits::default(), |a, v| Visits { pv: a.pv + v.pv, uv: a.uv + v.uv });
        PeriodTotals::new(range, today, sum, sums.iter().filter(|v| v.pv > 0).count() as u32)
    }

    /// The totals of `range` from its blocks' sums (no second pass over the columns).
    pub fn of_blocks(range: DateRange, today: NaiveDate, blocks: &[BlockTotal]) -> Self {
        let sum = blocks.iter().fold(Visits::default(), |a, b| Visits { pv: a.pv + b.pv, uv: a.uv + b.uv_day_sum });
        PeriodTotals::new(range, today, sum, blocks.iter().filter(|b| b.pv > 0).count() as u32)
    }

    pub fn avg_daily_uv(&self) -> f64 {
        if self.days == 0 { 0.0 } else { self.uv_day_sum as f64 / f64::from(self.days) }
    }

    pub fn pv_per_uv(&self) -> f64 {
        if self.uv_day_sum == 0 { 0.0 } else { self.pv as f64 / self.uv_day_sum as f64 }
    }
}

/// What an import of block names would change, or changed: the plan, and whether it
/// was saved (never while a line is refused).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamesImport {
    pub plan: NamesPlan,
    pub saved: bool,
}

impl NamesImport {
    /// Whether Apply is offered for it: not saved yet, changing something, refusing
    /// nothing.
    pub fn can_apply(&self) -> bool {
        let counts = self.plan.counts();
        !self.saved && counts.refused == 0 && counts.changes() > 0
    }
}

/// What an import of notes would change, or changed (`use_cases::notes::import`): what
/// `PUT /api/v1/annotations` answers and the page's import form shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesImport {
    /// Line by line: the notes it adds, the held notes it edits, the lines that change
    /// nothing, and the lines refused with why.
    pub plan: NotesPlan,
    /// Whether it was saved: never for a dry run, nor while a line is refused.
    pub saved: bool,
}

impl NotesImport {
    /// Whether Apply is offered for it: not saved yet, changing something, refusing
    /// nothing.
    pub fn can_apply(&self) -> bool {
        let counts = self.plan.counts();
        !self.saved && counts.refused == 0 && counts.added + counts.edited > 0
    }
}

/// The rows tab: every (day, block) with visits, one page at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowsPage {
    pub range: DateRange,
    pub preset: Option<Preset>,
    pub today: NaiveDate,
    pub filter: Vec<BlockId>,
    pub choices: BlockChoices,
    pub rows: Vec<AccessRow>,
    /// From 1.
    pub page: usize,
    pub pages: usize,
    pub total_rows: usize,
    pub names: Vec<BlockLabel>,
    pub simulated: bool,
    pub quota: QuotaReport,
    pub history: Option<HistoryLine>,
}

/// What the controls above either tab need: the range, the filter and the names.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewInfo {
    pub range: DateRange,
    pub preset: Option<Preset>,
    pub today: NaiveDate,
    pub filter: Vec<BlockId>,
    pub names: Vec<BlockLabel>,
    pub choices: BlockChoices,
    pub simulated: bool,
    pub quota: QuotaReport,
    pub history: Option<HistoryLine>,
}

impl ViewInfo {
    /// The name of `id`, if an admin gave it one.
    pub fn name_of(&self, id: &BlockId) -> Option<&BlockLabel> {
        self.names.iter().find(|n| &n.block_id == id)
    }
}

impl From<&Dashboard> for ViewInfo {
    fn from(d: &Dashboard) -> Self {
        ViewInfo {
            range: d.range,
            preset: d.preset,
            today: d.today,
            filter: d.filter.clone(),
            names: d.names.clone(),
            choices: d.choices.clone(),
            simulated: d.simulated,
            quota: d.quota,
            history: d.history.clone(),
        }
    }
}

impl From<&RowsPage> for ViewInfo {
    fn from(p: &RowsPage) -> Self {
        ViewInfo {
            range: p.range,
            preset: p.preset,
            today: p.today,
            filter: p.filter.clone(),
            names: p.names.clone(),
            choices: p.choices.clone(),
            simulated: p.simulated,
            quota: p.quota,
            history: p.history.clone(),
        }
    }
}

/// Rows per page of the rows tab.
pub const ROWS_PER_PAGE: usize = 500;

/// Rows per page of the overview's blocks table.
pub const TABLE_ROWS_PER_PAGE: usize = 50;

/// Bars of the top blocks chart.
pub const TOP_BLOCKS: usize = 10;

/// Blocks the block filter lists at most (the ticked ones always, besides).
pub const FILTER_CHOICES: usize = 40;

/// One page of the blocks table: the server sorts, searches and pages every block of
/// the range, and the page carries only this page's rows, whatever the tenant's size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockTable {
    /// This page's blocks, in the table's order.
    pub rows: Vec<BlockTotal>,
    /// Blocks with visits in the range.
    pub blocks: usize,
    /// Of them, those the search matches (all without a search).
    pub matching: usize,
    /// From 1.
    pub page: usize,
    pub pages: usize,
    /// What the table is searched for, as typed.
    pub search: Option<String>,
}

/// The blocks the block filter offers: the ticked ones, then the first blocks the
/// search (or, without one, the list) holds, and how many more there are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockChoices {
    pub shown: Vec<BlockId>,
    /// Blocks matching but not shown: search to find them.
    pub more: usize,
    /// What the filter was searched for, as typed.
    pub find: Option<String>,
}

/// Whether `query` (already lower case) is in block `id`'s id, name or workplace.
pub fn block_matches(query: &str, id: &BlockId, label: Option<&BlockLabel>) -> bool {
    id.as_str().contains(query)
        || label.is_some_and(|l| {
            l.name.to_lowercase().contains(query) || l.workplace.as_deref().is_some_and(|w| w.to_lowercase().contains(query))
        })
}

/// Progress of a long fetch, for the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadProgress {
    pub pages_done: u64,
    pub pages_estimated: u64,
    pub finished: bool,
}

impl Dashboard {
    /// The per-day, per-block and per-line sums of `range` (up to `today`) from the
    /// columns `m` (already filtered to `filter`).
    pub fn aggregate(range: DateRange, today: NaiveDate, filter: &[BlockId], m: &BlockMatrix) -> Aggregates {
        let upto = DateRange::new(range.from(), range.to().min(today)).ok();
        let span = upto.map_or(0..0, |r| m.span(r));
        let all = m.day_totals();
        let days: Vec<DayTotal> = upto
            .map(|r| {
                r.days()
                    .map(|date| {
                        let v = m.index(date).map_or(Visits::default(), |at| all[at]);
                        DayTotal { date, pv: v.pv, uv: v.uv }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let blocks = m
            .blocks()
            .iter()
            .enumerate()
            .filter_map(|(b, id)| {
                let (pv, uv) = (&m.pv(b)[span.clone()], &m.uv(b)[span.clone()]);
                let total = BlockTotal {
                    block_id: id.clone(),
                    pv: pv.iter().sum(),
                    uv_day_sum: uv.iter().sum(),
                    active_days: pv.iter().filter(|v| **v > 0).count() as u32,
                };
                (total.pv > 0 || total.uv_day_sum > 0).then_some(total)
            })
            .collect();
        let line = |id: &BlockId| {
            let column = |values: Option<&[u64]>| {
                days.iter().map(|d| m.index(d.date).zip(values).map_or(0, |(at, v)| v[at])).collect::<Vec<u64>>()
            };
            let b = m.block(id);
            BlockLine { block_id: id.clone(), pv: column(b.map(|b| m.pv(b))), uv: column(b.map(|b| m.uv(b))) }
        };
        let lines = if filter.len() <= MAX_LINES { filter.iter().map(line).collect() } else { Vec::new() };
        Aggregates { days, blocks, lines }
    }

    /// The name of `id`, if an admin gave it one.
    pub fn name_of(&self, id: &BlockId) -> Option<&BlockLabel> {
        self.names.iter().find(|n| &n.block_id == id)
    }
}

/// The per-day, per-block and per-line sums of a range.
pub struct Aggregates {
    pub days: Vec<DayTotal>,
    pub blocks: Vec<BlockTotal>,
    pub lines: Vec<BlockLine>,
}

/// How a block is shown: its name, else its id.
pub fn display_name(names: &[BlockLabel], id: &BlockId) -> String {
    names.iter().find(|n| &n.block_id == id).map_or_else(|| short_id(id), |n| n.name.clone())
}

/// How a block without a name is shown where space is short (charts, lists): an
/// ellipsis and its id's last six digits ("…482910"), the part an admin compares in
/// the workplace editor. The full id stays beside it or in its title.
pub fn short_id(id: &BlockId) -> String {
    let id = id.as_str();
    let cut = id.len().saturating_sub(6);
    if cut == 0 { id.to_owned() } else { format!("…{}", &id[cut..]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_blocks_show_their_last_digits() {
        let long = BlockId::parse("736282019271839402").unwrap();
        assert_eq!(short_id(&long), "…839402");
        assert_eq!(short_id(&BlockId::parse("12").unwrap()), "12");
        let named = [BlockLabel { block_id: long.clone(), name: "审批".into(), workplace: None }];
        assert_eq!(display_name(&named, &long), "审批");
        assert_eq!(display_name(&[], &long), "…839402");
    }

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    fn row(date: &str, id: &str, pv: u64, uv: u64) -> AccessRow {
        AccessRow { date: d(date), block_id: BlockId::parse(id).unwrap(), pv, uv }
    }

    #[test]
    fn aggregates_days_blocks_and_lines() {
        let range = DateRange::new(d("2024-03-01"), d("2024-03-05")).unwrap();
        let today = d("2024-03-04");
        let rows = [row("2024-03-01", "1", 10, 4), row("2024-03-01", "2", 5, 5), row("2024-03-03", "1", 7, 3)];
        let filter = [BlockId::parse("1").unwrap()];
        let m = BlockMatrix::from_rows(range, rows.iter());
        let a = Dashboard::aggregate(range, today, &filter, &m);
        assert_eq!(a.days.len(), 4, "days after today are left out");
        assert_eq!(a.days[0], DayTotal { date: d("2024-03-01"), pv: 15, uv: 9 });
        assert_eq!(a.days[1].pv, 0, "a day without visits is a zero, not a gap");
        assert_eq!(a.blocks.len(), 2);
        assert_eq!(a.blocks[0].pv, 17);
        assert_eq!(a.blocks[0].active_days, 2);
        assert_eq!(a.lines.len(), 1);
        assert_eq!(a.lines[0].pv, vec![10, 0, 7, 0]);
        let t = PeriodTotals::of(range, today, &m);
        assert_eq!((t.pv, t.uv_day_sum, t.days, t.active_blocks), (22, 12, 4, 2));
        assert_eq!(PeriodTotals::of_blocks(range, today, &a.blocks), t, "the blocks' sums are the period's");
        assert!((t.avg_daily_uv() - 3.0).abs() < 1e-9);
    }
}
