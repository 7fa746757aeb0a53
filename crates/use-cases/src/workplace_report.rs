//! What the workplace view shows: the totals of all workplaces and of the default one
//! per day, each custom workplace's visits with its names, and per workplace its blocks
//! with each block's share of the workplace's block views. Built on the server by
//! [`WorkplaceReport::build`] from the service's answers; serialisable.
//!
//! A block's workplace is the admin's choice (its label's workplace): it is matched to
//! a custom workplace Feishu reports by id or by any of its names, ignoring case and
//! surrounding space; a workplace typed by hand that Feishu does not report is shown
//! as a group of its own.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{BlockId, BlockLabel, CustomWorkplaceDay, DateRange, Visits, WorkplaceDay, WorkplaceId};
use serde::{Deserialize, Serialize};

use crate::report::QuotaReport;
use crate::view::Preset;

/// Everything the workplace view shows for one range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkplaceReport {
    pub range: DateRange,
    pub preset: Option<Preset>,
    /// Today in the tenant's time zone: its numbers are still growing.
    pub today: NaiveDate,
    /// One entry per day of the range up to today, zeros included.
    pub days: Vec<WorkplaceDay>,
    /// Sums of `days`.
    pub all: Visits,
    pub default: Visits,
    /// The same sums over the period of the same length just before, when known.
    pub previous: Option<(Visits, Visits)>,
    /// Each custom workplace Feishu reports (with visits in the range, or named
    /// before), most visited first.
    pub workplaces: Vec<WorkplaceTotal>,
    /// Workplaces typed on block names that Feishu does not report, by that text.
    pub other_groups: Vec<BlockGroup>,
    /// Workplaces and typed groups left out of the two lists above for the page.
    #[serde(default)]
    pub workplaces_left_out: usize,
    /// What the block filter in the controls offers.
    pub choices: crate::report::BlockChoices,
    pub names: Vec<BlockLabel>,
    pub simulated: bool,
    pub quota: QuotaReport,
    pub history: Option<crate::report::HistoryLine>,
    /// The notes of the range (on the trend chart, and with their impact on the page).
    #[serde(default)]
    pub notes: crate::notes_report::Notes,
    /// The tenant-wide totals (all workplaces, the default one: `days`, `all`,
    /// `default`, `previous`) are the viewer's to see; for a viewer with a scope they are
    /// absent (left empty, and not shown), not zero.
    #[serde(default = "tenant_wide_default")]
    pub tenant_wide: bool,
}

fn tenant_wide_default() -> bool {
    true
}

impl WorkplaceReport {
    /// Keeps what a viewer of the custom workplaces `seen` may see: those workplaces
    /// (and their blocks), without the tenant-wide totals and the groups typed by hand.
    pub fn keep_only(&mut self, seen: impl Fn(&WorkplaceId) -> bool) {
        self.tenant_wide = false;
        self.days.clear();
        self.all = Visits::default();
        self.default = Visits::default();
        self.previous = None;
        self.workplaces.retain(|w| seen(&w.id));
        self.other_groups.clear();
        self.workplaces_left_out = 0;
    }
}

/// One custom workplace over the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkplaceTotal {
    pub id: WorkplaceId,
    /// Its names by language, as Feishu gave them.
    pub names: Vec<(String, String)>,
    pub pv: u64,
    /// The sum of its daily distinct users.
    pub uv_day_sum: u64,
    /// The blocks whose workplace is this one.
    pub blocks: BlockGroup,
}

impl WorkplaceTotal {
    /// Its name in `language`, else in another language, else its id.
    pub fn name(&self, language: &str) -> String {
        self.id.name_in(&self.names, language)
    }
}

/// Custom workplaces (and groups typed by hand) the page lists unless the URL asks for
/// all of them (`whole=workplace-blocks`), most visited first.
pub const WORKPLACES_SHOWN: usize = 20;

/// Blocks each workplace lists on the page unless the URL asks for all of them
/// (`whole=workplace-blocks`); the overview filtered to the workplace pages through them.
pub const GROUP_BLOCKS_SHOWN: usize = 10;

/// The blocks of one workplace with their views in the range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockGroup {
    /// The workplace as typed on the block names (for groups Feishu does not report).
    pub label: String,
    /// Most viewed first.
    pub blocks: Vec<GroupBlock>,
    /// Blocks of the group left out of `blocks` by [`BlockGroup::cut`].
    pub more: usize,
    /// The views of all its blocks, listed or not.
    pub total_pv: u64,
}

impl BlockGroup {
    /// The views of all its blocks.
    pub fn pv(&self) -> u64 {
        self.total_pv
    }

    /// How many blocks it has, listed or not.
    pub fn len(&self) -> usize {
        self.blocks.len() + self.more
    }

    /// True without a block.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the `keep` most viewed blocks in the list.
    pub fn cut(&mut self, keep: usize) {
        self.more += self.blocks.len().saturating_sub(keep);
        self.blocks.truncate(keep);
    }

    /// `block`'s share of the group's views, 0 to 1.
    pub fn share(&self, block: &GroupBlock) -> f64 {
        let total = self.pv();
        if total == 0 { 0.0 } else { block.pv as f64 / total as f64 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupBlock {
    pub block_id: BlockId,
    pub name: String,
    pub pv: u64,
}

/// What the builder is given.
pub struct Inputs<'a> {
    pub range: DateRange,
    pub today: NaiveDate,
    pub totals: &'a [WorkplaceDay],
    pub previous: Option<&'a [WorkplaceDay]>,
    pub custom: &'a [CustomWorkplaceDay],
    pub workplace_names: &'a BTreeMap<WorkplaceId, Vec<(String, String)>>,
    pub labels: &'a [BlockLabel],
    /// Each block's visits in the range.
    pub block_sums: &'a BTreeMap<BlockId, Visits>,
}

/// The normal form of a workplace's name or id, for matching a label's text to it.
fn normal(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Which workplace a typed text names: one Feishu reports (by its id or any of its
/// names, case and surrounding space aside), else the text itself as a workplace of
/// its own. The workplace view groups blocks with it and the block filter selects them.
pub struct WorkplaceMatcher {
    named: BTreeMap<String, WorkplaceId>,
}

/// A workplace as [`WorkplaceMatcher`] tells them apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WorkplaceKey {
    Reported(WorkplaceId),
    /// Typed on block names only, in its normal form.
    Typed(String),
}

impl WorkplaceMatcher {
    pub fn new<'a>(workplaces: impl IntoIterator<Item = (&'a WorkplaceId, &'a [(String, String)])>) -> Self {
        let mut named = BTreeMap::new();
        for (id, names) in workplaces {
            named.insert(normal(id.as_str()), id.clone());
            for (_, name) in names {
                named.insert(normal(name), id.clone());
            }
        }
        WorkplaceMatcher { named }
    }

    /// The workplace `text` names; `None` for empty text.
    pub fn key(&self, text: &str) -> Option<WorkplaceKey> {
        let text = normal(text);
        if text.is_empty() {
            return None;
        }
        Some(self.named.get(&text).map_or(WorkplaceKey::Typed(text), |id| WorkplaceKey::Reported(id.clone())))
    }

    /// The blocks whose label puts them on the workplace `text` names, by id.
    pub fn blocks_on<'a>(&self, text: &str, labels: impl IntoIterator<Item = &'a BlockLabel>) -> Vec<BlockId> {
        let Some(wanted) = self.key(text) else { return Vec::new() };
        let mut ids: Vec<BlockId> = labels
            .into_iter()
            .filter(|l| l.workplace.as_deref().and_then(|w| self.key(w)).as_ref() == Some(&wanted))
            .map(|l| l.block_id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// (all, default) summed over `days`.
fn sums(days: &[WorkplaceDay]) -> (Visits, Visits) {
    let add = |a: Visits, b: Visits| Visits { pv: a.pv + b.pv, uv: a.uv + b.uv };
    days.iter().fold((Visits::default(), Visits::default()), |(all, default), d| (add(all, d.all), add(default, d.default)))
}

impl WorkplaceReport {
    /// The report of `inputs`, leaving the page's own fields (preset, known blocks,
    /// quota, …) to the caller.
    pub fn build(inputs: Inputs<'_>, base: WorkplaceReportBase) -> Self {
        let by_day: BTreeMap<NaiveDate, &WorkplaceDay> = inputs.totals.iter().map(|d| (d.date, d)).collect();
        let days: Vec<WorkplaceDay> = inputs
            .range
            .days()
            .filter(|d| *d <= inputs.today)
            .map(|date| {
                by_day
                    .get(&date)
                    .map_or(WorkplaceDay { date, all: Visits::default(), default: Visits::default() }, |d| (*d).clone())
            })
            .collect();
        let (all, default) = sums(&days);

        let mut workplaces: BTreeMap<WorkplaceId, WorkplaceTotal> = inputs
            .workplace_names
            .iter()
            .map(|(id, names)| {
                let total =
                    WorkplaceTotal { id: id.clone(), names: names.clone(), pv: 0, uv_day_sum: 0, blocks: BlockGroup::default() };
                (id.clone(), total)
            })
            .collect();
        for day in inputs.custom {
            let total = workplaces.entry(day.workplace_id.clone()).or_insert_with(|| WorkplaceTotal {
                id: day.workplace_id.clone(),
                names: Vec::new(),
                pv: 0,
                uv_day_sum: 0,
                blocks: BlockGroup::default(),
            });
            total.pv += day.pv;
            total.uv_day_sum += day.uv;
        }

        let matcher = WorkplaceMatcher::new(workplaces.values().map(|t| (&t.id, t.names.as_slice())));
        let mut other: BTreeMap<String, BlockGroup> = BTreeMap::new();
        for label in inputs.labels {
            let Some(workplace) = label.workplace.as_deref().filter(|w| !w.trim().is_empty()) else { continue };
            let block = GroupBlock {
                block_id: label.block_id.clone(),
                name: label.name.clone(),
                pv: inputs.block_sums.get(&label.block_id).map_or(0, |v| v.pv),
            };
            let group = match matcher.key(workplace) {
                Some(WorkplaceKey::Reported(id)) => &mut workplaces.get_mut(&id).expect("matched from the map").blocks,
                Some(WorkplaceKey::Typed(text)) => other
                    .entry(text)
                    .or_insert_with(|| BlockGroup { label: workplace.trim().to_owned(), ..BlockGroup::default() }),
                None => continue,
            };
            group.total_pv += block.pv;
            group.blocks.push(block);
        }
        let by_views = |a: &GroupBlock, b: &GroupBlock| b.pv.cmp(&a.pv).then_with(|| a.block_id.cmp(&b.block_id));
        let mut workplaces: Vec<WorkplaceTotal> = workplaces.into_values().collect();
        let mut other_groups: Vec<BlockGroup> = other.into_values().collect();
        for group in workplaces.iter_mut().map(|w| &mut w.blocks).chain(&mut other_groups) {
            group.blocks.sort_by(by_views);
            if let Some(keep) = base.group_blocks_shown {
                group.cut(keep);
            }
        }
        workplaces.sort_by(|a, b| b.pv.cmp(&a.pv).then_with(|| a.id.cmp(&b.id)));
        let mut workplaces_left_out = 0;
        if base.group_blocks_shown.is_some() {
            workplaces_left_out =
                workplaces.len().saturating_sub(WORKPLACES_SHOWN) + other_groups.len().saturating_sub(WORKPLACES_SHOWN);
            workplaces.truncate(WORKPLACES_SHOWN);
            other_groups.truncate(WORKPLACES_SHOWN);
        }

        WorkplaceReport {
            range: inputs.range,
            preset: base.preset,
            today: inputs.today,
            days,
            all,
            default,
            previous: inputs.previous.map(sums),
            workplaces,
            other_groups,
            workplaces_left_out,
            choices: base.choices,
            names: inputs.labels.to_vec(),
            simulated: base.simulated,
            quota: base.quota,
            history: base.history,
            notes: base.notes,
            tenant_wide: true,
        }
    }
}

impl From<&WorkplaceReport> for crate::report::ViewInfo {
    fn from(r: &WorkplaceReport) -> Self {
        crate::report::ViewInfo {
            range: r.range,
            preset: r.preset,
            today: r.today,
            filter: Vec::new(),
            names: r.names.clone(),
            choices: r.choices.clone(),
            simulated: r.simulated,
            quota: r.quota,
            history: r.history.clone(),
        }
    }
}

/// The page's own fields of a report.
pub struct WorkplaceReportBase {
    pub preset: Option<Preset>,
    pub choices: crate::report::BlockChoices,
    /// Blocks each group lists (the others counted), and the first
    /// [`WORKPLACES_SHOWN`] workplaces only; `None`: everything.
    pub group_blocks_shown: Option<usize>,
    pub simulated: bool,
    pub quota: QuotaReport,
    pub history: Option<crate::report::HistoryLine>,
    pub notes: crate::notes_report::Notes,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    #[test]
    fn blocks_go_to_the_workplace_their_label_names_and_shares_add_up() {
        let range = DateRange::new(d("2026-03-01"), d("2026-03-03")).unwrap();
        let sales = WorkplaceId::parse("tpl_sales").unwrap();
        let names = BTreeMap::from([(sales.clone(), vec![("zh".into(), "销售".into()), ("en".into(), "Sales".into())])]);
        let day = |date: &str, pv| WorkplaceDay { date: d(date), all: Visits { pv, uv: 1 }, default: Visits { pv: 1, uv: 1 } };
        let totals = [day("2026-03-01", 10), day("2026-03-03", 30)];
        let custom = [CustomWorkplaceDay { date: d("2026-03-01"), workplace_id: sales.clone(), pv: 8, uv: 3 }];
        let block = |id: &str| BlockId::parse(id).unwrap();
        let label = |id: &str, workplace: &str| BlockLabel {
            block_id: block(id),
            name: format!("b{id}"),
            workplace: Some(workplace.into()),
        };
        let labels = [label("1", " sales "), label("2", "销售"), label("3", "Finance")];
        let sums = BTreeMap::from([
            (block("1"), Visits { pv: 30, uv: 1 }),
            (block("2"), Visits { pv: 10, uv: 1 }),
            (block("3"), Visits { pv: 5, uv: 1 }),
        ]);
        let base = WorkplaceReportBase {
            preset: None,
            choices: Default::default(),
            group_blocks_shown: Some(1),
            simulated: true,
            quota: crate::report::QuotaReport {
                used: 0,
                limit: None,
                warn_at: None,
                refused_by_feishu: false,
                resets_on: d("2026-04-01"),
            },
            history: None,
            notes: Default::default(),
        };
        let report = WorkplaceReport::build(
            Inputs {
                range,
                today: d("2026-03-03"),
                totals: &totals,
                previous: None,
                custom: &custom,
                workplace_names: &names,
                labels: &labels,
                block_sums: &sums,
            },
            base,
        );
        assert_eq!(report.days.len(), 3, "the day without visits is a zero");
        assert_eq!(report.all.pv, 40);
        let sales_total = &report.workplaces[0];
        assert_eq!((sales_total.pv, sales_total.name("en"), sales_total.name("ja")), (8, "Sales".to_owned(), "销售".to_owned()));
        let shares: Vec<f64> = sales_total.blocks.blocks.iter().map(|b| sales_total.blocks.share(b)).collect();
        assert_eq!(shares, [0.75], "the most viewed block listed, its share of both");
        assert_eq!((sales_total.blocks.len(), sales_total.blocks.more), (2, 1));
        assert_eq!(report.other_groups[0].label, "Finance");

        let matcher = WorkplaceMatcher::new(names.iter().map(|(id, n)| (id, n.as_slice())));
        assert_eq!(matcher.blocks_on("SALES", &labels), [block("1"), block("2")], "by any name, case aside");
        assert_eq!(matcher.blocks_on("tpl_sales", &labels), [block("1"), block("2")], "by id");
        assert_eq!(matcher.blocks_on(" finance", &labels), [block("3")]);
        assert!(matcher.blocks_on("HR", &labels).is_empty());
        assert_eq!(matcher.key("  "), None);
    }
}
