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
use domain::{AccessRow, BlockId, BlockLabel, CustomWorkplaceDay, DateRange, Visits, WorkplaceDay, WorkplaceId};
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
    /// Every block the dashboard knows of, for the filter in the controls.
    pub known_blocks: Vec<BlockId>,
    pub names: Vec<BlockLabel>,
    pub simulated: bool,
    pub quota: QuotaReport,
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
        self.names
            .iter()
            .find(|(lang, _)| lang == language)
            .or_else(|| self.names.first())
            .map_or_else(|| self.id.to_string(), |(_, name)| name.clone())
    }
}

/// The blocks of one workplace with their views in the range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockGroup {
    /// The workplace as typed on the block names (for groups Feishu does not report).
    pub label: String,
    /// Most viewed first.
    pub blocks: Vec<GroupBlock>,
}

impl BlockGroup {
    /// The views of all its blocks.
    pub fn pv(&self) -> u64 {
        self.blocks.iter().map(|b| b.pv).sum()
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
    pub block_rows: &'a [AccessRow],
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
            .map(|date| by_day.get(&date).map_or(WorkplaceDay { date, all: Visits::default(), default: Visits::default() }, |d| (*d).clone()))
            .collect();
        let (all, default) = sums(&days);

        let mut workplaces: BTreeMap<WorkplaceId, WorkplaceTotal> = inputs
            .workplace_names
            .iter()
            .map(|(id, names)| {
                let total = WorkplaceTotal { id: id.clone(), names: names.clone(), pv: 0, uv_day_sum: 0, blocks: BlockGroup::default() };
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
        let mut block_pv: BTreeMap<&BlockId, u64> = BTreeMap::new();
        for row in inputs.block_rows {
            *block_pv.entry(&row.block_id).or_default() += row.pv;
        }
        let mut other: BTreeMap<String, BlockGroup> = BTreeMap::new();
        for label in inputs.labels {
            let Some(workplace) = label.workplace.as_deref().filter(|w| !w.trim().is_empty()) else { continue };
            let block = GroupBlock {
                block_id: label.block_id.clone(),
                name: label.name.clone(),
                pv: block_pv.get(&label.block_id).copied().unwrap_or(0),
            };
            let group = match matcher.key(workplace) {
                Some(WorkplaceKey::Reported(id)) => &mut workplaces.get_mut(&id).expect("matched from the map").blocks,
                Some(WorkplaceKey::Typed(text)) => {
                    other.entry(text).or_insert_with(|| BlockGroup { label: workplace.trim().to_owned(), blocks: Vec::new() })
                }
                None => continue,
            };
            group.blocks.push(block);
        }
        let by_views = |a: &GroupBlock, b: &GroupBlock| b.pv.cmp(&a.pv).then_with(|| a.block_id.cmp(&b.block_id));
        let mut workplaces: Vec<WorkplaceTotal> = workplaces.into_values().collect();
        for total in &mut workplaces {
            total.blocks.blocks.sort_by(by_views);
        }
        workplaces.sort_by(|a, b| b.pv.cmp(&a.pv).then_with(|| a.id.cmp(&b.id)));
        let mut other_groups: Vec<BlockGroup> = other.into_values().collect();
        for group in &mut other_groups {
            group.blocks.sort_by(by_views);
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
            known_blocks: base.known_blocks,
            names: inputs.labels.to_vec(),
            simulated: base.simulated,
            quota: base.quota,
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
            known_blocks: r.known_blocks.clone(),
            simulated: r.simulated,
            quota: r.quota,
        }
    }
}

/// The page's own fields of a report.
pub struct WorkplaceReportBase {
    pub preset: Option<Preset>,
    pub known_blocks: Vec<BlockId>,
    pub simulated: bool,
    pub quota: QuotaReport,
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
        let label = |id: &str, workplace: &str| BlockLabel { block_id: block(id), name: format!("b{id}"), workplace: Some(workplace.into()) };
        let labels = [label("1", " sales "), label("2", "销售"), label("3", "Finance")];
        let row = |id: &str, pv| AccessRow { date: d("2026-03-01"), block_id: block(id), pv, uv: 1 };
        let rows = [row("1", 30), row("2", 10), row("3", 5)];
        let base = WorkplaceReportBase { preset: None, known_blocks: Vec::new(), simulated: true, quota: crate::report::QuotaReport {
            used: 0, limit: None, warn_at: None, refused_by_feishu: false, resets_on: d("2026-04-01") } };
        let report = WorkplaceReport::build(
            Inputs { range, today: d("2026-03-03"), totals: &totals, previous: None, custom: &custom, workplace_names: &names, labels: &labels, block_rows: &rows },
            base,
        );
        assert_eq!(report.days.len(), 3, "the day without visits is a zero");
        assert_eq!(report.all.pv, 40);
        let sales_total = &report.workplaces[0];
        assert_eq!((sales_total.pv, sales_total.name("en"), sales_total.name("ja")), (8, "Sales".to_owned(), "销售".to_owned()));
        let shares: Vec<f64> = sales_total.blocks.blocks.iter().map(|b| sales_total.blocks.share(b)).collect();
        assert_eq!(shares, [0.75, 0.25]);
        assert_eq!(report.other_groups[0].label, "Finance");

        let matcher = WorkplaceMatcher::new(names.iter().map(|(id, n)| (id, n.as_slice())));
        assert_eq!(matcher.blocks_on("SALES", &labels), [block("1"), block("2")], "by any name, case aside");
        assert_eq!(matcher.blocks_on("tpl_sales", &labels), [block("1"), block("2")], "by id");
        assert_eq!(matcher.blocks_on(" finance", &labels), [block("3")]);
        assert!(matcher.blocks_on("HR", &labels).is_empty());
        assert_eq!(matcher.key("  "), None);
    }
}
