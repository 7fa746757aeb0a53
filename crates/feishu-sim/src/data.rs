//! The synthetic tenant ([`Dataset`]): its blocks ([`crate::blocks`]), its custom
//! workplaces ([`crate::workplaces`]; a large tenant's regional ones,
//! [`crate::regions`]), and the three searches' answers over them, day by day
//! ([`crate::days`]).
//!
//! Creation days of late blocks are placed relative to the history window
//! (`today - history_days`), so a different `today` or `history_days` moves
//! them; the figures of blocks that existed all along depend only on the seed,
//! the block's index and the date, whatever `today` is.
//!
//! A page of any search skips the days before its offset on their counts alone, so
//! paging through a year of a 2,000-block tenant costs each day once, not once a page.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::anomalies::{Anomaly, PlantedAnomaly};
use crate::blocks::BlockProfile;
use crate::config::SimConfig;
use crate::days::{Day, DayCache};
use crate::demo_names::{DemoBlockName, DemoNamer};
use crate::workplaces::{self, CustomWorkplaceRow, SimVisits, WorkplaceProfile, WorkplaceRow};

/// One row of the block access data: a block's visits on one day.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AccessRow {
    /// The day (Asia/Shanghai).
    pub date: NaiveDate,
    /// The block's 18-digit id.
    pub block_id: String,
    /// Page views.
    pub pv: u64,
    /// Distinct users, `1 <= uv <= pv`.
    pub uv: u64,
}

/// The synthetic tenant's block access data.
#[derive(Clone, Debug)]
pub struct Dataset {
    seed: u64,
    first_day: NaiveDate,
    today: NaiveDate,
    /// The first 60 most popular first, then a large tenant's further blocks.
    blocks: Vec<BlockProfile>,
    /// Indices into `blocks`, ordered by block id (the API's order).
    by_id: Vec<usize>,
    index_of: HashMap<String, usize>,
    /// The custom workplaces, in id order (the API's order).
    workplaces: Vec<WorkplaceProfile>,
    /// Indices into `blocks` of each workplace's blocks, in `workplaces` order.
    members: Vec<Vec<usize>>,
    /// The days of the history, computed on first use.
    days: DayCache,
    /// Planted anomalies, applied to the generated visits.
    anomalies: Vec<Anomaly>,
}

impl Dataset {
    /// Builds the tenant for `seed` with data for `today - history_days ..= today`.
    pub fn new(seed: u64, block_count: usize, today: NaiveDate, history_days: u32) -> Self {
        let first_day = today.checked_sub_days(Days::new(u64::from(history_days))).unwrap_or(NaiveDate::MIN);
        let mut index_of = HashMap::with_capacity(block_count);
        let mut blocks = Vec::with_capacity(block_count);
        let workplace_list = workplaces::workplaces(seed, block_count);
        for (index, placement) in workplaces::place_blocks(seed, block_count).into_iter().enumerate() {
            let mut block = BlockProfile::generate(seed, index, (first_day, history_days), placement, &index_of);
            block.workplace_id = workplace_list[block.workplace].id.clone();
            index_of.insert(block.id.clone(), index);
            blocks.push(block);
        }
        let mut by_id: Vec<usize> = (0..block_count).collect();
        by_id.sort_by(|&a, &b| blocks[a].id.cmp(&blocks[b].id));
        let days = usize::try_from((today - first_day).num_days()).unwrap_or(usize::MAX).saturating_add(1);
        Self {
            seed,
            first_day,
            today,
            blocks,
            by_id,
            index_of,
            workplaces: workplace_list,
            members: Vec::new(),
            days: DayCache::new(days, block_count),
            anomalies: Vec::new(),
        }
        .with_workplaces_in_id_order()
    }

    /// Orders the workplaces by id (as the API lists them), keeping each block's index right.
    fn with_workplaces_in_id_order(mut self) -> Self {
        let mut order: Vec<usize> = (0..self.workplaces.len()).collect();
        order.sort_by(|&a, &b| self.workplaces[a].id.cmp(&self.workplaces[b].id));
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        self.members = vec![Vec::new(); order.len()];
        for (index, block) in self.blocks.iter_mut().enumerate() {
            block.workplace = new_index[block.workplace];
            self.members[block.workplace].push(index);
        }
        self.workplaces = order.iter().map(|&old| self.workplaces[old].clone()).collect();
        self
    }

    /// The tenant a simulator started with `config` serves.
    pub fn from_config(config: &SimConfig) -> Self {
        Self::new(config.seed, config.block_count, config.today, config.history_days).with_anomalies(config.anomalies.clone())
    }

    /// The tenant with `anomalies` planted in its data. Blocks out of range are ignored.
    pub fn with_anomalies(mut self, anomalies: Vec<Anomaly>) -> Self {
        let known =
            |a: &Anomaly| a.block() < self.blocks.len() && !matches!(a, Anomaly::Swap { away, .. } if *away >= self.blocks.len());
        self.anomalies = anomalies.into_iter().filter(known).collect();
        self.days = DayCache::new(self.day_count(), self.blocks.len());
        self
    }

    /// The planted anomalies with their blocks' ids: the insights' ground truth.
    pub fn planted(&self) -> Vec<PlantedAnomaly> {
        self.anomalies
            .iter()
            .map(|a| PlantedAnomaly { block_id: self.blocks[a.block()].id.clone(), anomaly: a.clone() })
            .collect()
    }

    /// All blocks: the first 60 most popular first (a 60-block tenant's blocks); in a
    /// larger tenant then the blocks of its further workplaces, each workplace's most
    /// popular first.
    pub fn blocks(&self) -> &[BlockProfile] {
        &self.blocks
    }

    /// The custom workplaces, in id order.
    pub fn workplaces(&self) -> &[WorkplaceProfile] {
        &self.workplaces
    }

    /// A name for every block, as an admin of the tenant might give them, with its
    /// workplace's Chinese name: demo mode shows them so that a newcomer sees a
    /// readable dashboard. Distinct names, the most viewed blocks of each workplace
    /// first.
    pub fn demo_block_names(&self) -> Vec<DemoBlockName> {
        let zh = |w: &WorkplaceProfile| w.name("zh").unwrap_or_default().to_owned();
        let mut namer = DemoNamer::new(self.seed, self.workplaces.iter().map(|w| w.name("zh").unwrap_or_default()));
        self.blocks
            .iter()
            .map(|block| DemoBlockName {
                block_id: block.id.clone(),
                name: namer.name(block.workplace),
                workplace: zh(&self.workplaces[block.workplace]),
            })
            .collect()
    }

    /// Computes every day of the history now (days are otherwise computed on first
    /// use), e.g. before measuring the memory of something else in the same process.
    pub fn compute_all_days(&self) {
        for date in self.days(self.first_day, self.today) {
            self.day(date);
        }
    }

    /// What `workplace_access_data/search` holds for the range: one row per day
    /// with any visit.
    pub fn workplace_ground_truth(&self, from: NaiveDate, to: NaiveDate) -> Vec<WorkplaceRow> {
        self.workplace_page(from, to, 0, usize::MAX).0
    }

    /// What `custom_workplace_access_data/search` holds for the range (one workplace,
    /// or all): rows with pv > 0, ordered by date, then workplace id.
    pub fn custom_workplace_ground_truth(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        workplace_id: Option<&str>,
    ) -> Vec<CustomWorkplaceRow> {
        self.custom_workplace_page(from, to, workplace_id, 0, usize::MAX).0
    }

    /// Rows `offset .. offset + limit` of [`Dataset::workplace_ground_truth`], and
    /// whether more follow.
    pub(crate) fn workplace_page(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> (Vec<WorkplaceRow>, bool) {
        self.page_days(
            (from, to),
            (offset, limit),
            |day| usize::from(day.workplaces_visited > 0),
            |date, day, _, _| {
                let (default_workplace, all_workplace) = workplaces::totals(self.seed, date, &day.workplaces);
                vec![WorkplaceRow { date, all_workplace, default_workplace }]
            },
        )
    }

    /// Rows `offset .. offset + limit` of [`Dataset::custom_workplace_ground_truth`],
    /// and whether more follow; an unknown id gives none.
    pub(crate) fn custom_workplace_page(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        workplace_id: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (Vec<CustomWorkplaceRow>, bool) {
        let selected = match workplace_id {
            None => None,
            Some(id) => match self.workplaces.iter().position(|w| w.id == id) {
                Some(at) => Some(at),
                None => return (Vec::new(), false),
            },
        };
        let visited = |day: &Day, at: usize| day.workplaces[at].pv > 0;
        self.page_days(
            (from, to),
            (offset, limit),
            |day| match selected {
                None => day.workplaces_visited,
                Some(at) => usize::from(visited(day, at)),
            },
            |date, day, skip, take| {
                (0..self.workplaces.len())
                    .filter(|&at| selected.is_none_or(|only| only == at) && visited(day, at))
                    .skip(skip)
                    .take(take)
                    .map(|at| CustomWorkplaceRow {
                        date,
                        custom_workplace_id: self.workplaces[at].id.clone(),
                        names: self.workplaces[at].names.clone(),
                        access_data: day.workplaces[at],
                    })
                    .collect()
            },
        )
    }

    /// The first day with data.
    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// The last day with data.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The visits of one block on one day, `None` when there were none (or the
    /// block or day does not exist).
    pub fn access(&self, block_id: &str, date: NaiveDate) -> Option<AccessRow> {
        let index = *self.index_of.get(block_id)?;
        let (pv, uv) = self.cell(index, date)?;
        Some(AccessRow { date, block_id: block_id.to_owned(), pv, uv })
    }

    /// What the API holds for the query: rows with pv > 0, ordered by date,
    /// then block id. An unknown `block_id` gives no rows.
    pub fn ground_truth(&self, from: NaiveDate, to: NaiveDate, block_id: Option<&str>) -> Vec<AccessRow> {
        self.page(from, to, block_id, 0, usize::MAX).0
    }

    /// Rows `offset .. offset + limit` of [`Dataset::ground_truth`], and whether
    /// more rows follow. Costs the days before the offset their count only.
    pub fn page(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        block_id: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (Vec<AccessRow>, bool) {
        let row = |date, index: usize, (pv, uv): (u32, u32)| AccessRow {
            date,
            block_id: self.blocks[index].id.clone(),
            pv: u64::from(pv),
            uv: u64::from(uv),
        };
        let Some(id) = block_id else {
            return self.page_days(
                (from, to),
                (offset, limit),
                |day| day.blocks_visited,
                |date, day, skip, take| {
                    self.by_id
                        .iter()
                        .map(|&index| (index, day.cells[index]))
                        .filter(|(_, (pv, _))| *pv > 0)
                        .skip(skip)
                        .take(take)
                        .map(|(index, cell)| row(date, index, cell))
                        .collect()
                },
            );
        };
        let Some(&index) = self.index_of.get(id) else {
            return (Vec::new(), false);
        };
        // One block has at most one row a day: computed alone when days are not kept.
        let mut rows = self
            .days(from, to)
            .filter_map(|date| self.cell(index, date).map(|(pv, uv)| AccessRow { date, block_id: id.to_owned(), pv, uv }))
            .skip(offset);
        let page: Vec<AccessRow> = rows.by_ref().take(limit).collect();
        let more = rows.next().is_some();
        (page, more)
    }

    /// Items `offset .. offset + limit` of a query that lists `count(day)` items a day
    /// in date order, `items(date, day, skip, take)` giving items `skip .. skip + take`
    /// of one day; and whether more follow.
    fn page_days<T>(
        &self,
        (from, to): (NaiveDate, NaiveDate),
        (offset, limit): (usize, usize),
        count: impl Fn(&Day) -> usize,
        items: impl Fn(NaiveDate, &Day, usize, usize) -> Vec<T>,
    ) -> (Vec<T>, bool) {
        let mut skip = offset;
        let mut page = Vec::new();
        for date in self.days(from, to) {
            let day = self.day(date);
            let on_day = count(&day);
            if skip >= on_day {
                skip -= on_day;
                continue;
            }
            if page.len() == limit {
                return (page, true);
            }
            let take = (limit - page.len()).min(on_day - skip);
            page.extend(items(date, &day, skip, take));
            if on_day - skip > take {
                return (page, true);
            }
            skip = 0;
        }
        (page, false)
    }

    /// The days of `from..=to` within the history.
    fn days(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (from.max(self.first_day), to.min(self.today));
        from.iter_days().take_while(move |day| *day <= to)
    }

    /// How many days the history has.
    fn day_count(&self) -> usize {
        usize::try_from((self.today - self.first_day).num_days()).unwrap_or(usize::MAX).saturating_add(1)
    }

    /// The day `date` (within the history), computed unless it was before.
    fn day(&self, date: NaiveDate) -> Cow<'_, Day> {
        let offset = usize::try_from((date - self.first_day).num_days()).unwrap_or(usize::MAX);
        self.days.get(offset, || {
            let cells: Box<[(u32, u32)]> = self
                .blocks
                .iter()
                .map(|block| {
                    let (pv, uv) = self.visits(block, date).unwrap_or((0, 0));
                    (u32::try_from(pv).unwrap_or(u32::MAX), u32::try_from(uv).unwrap_or(u32::MAX))
                })
                .collect();
            Day::new(cells, |cells| {
                self.members
                    .iter()
                    .enumerate()
                    .map(|(workplace, members)| {
                        let visited = members.iter().map(|&i| cells[i]).filter(|(pv, _)| *pv > 0);
                        let blocks = visited.map(|(pv, uv)| (u64::from(pv), u64::from(uv)));
                        workplaces::custom_visits(self.seed, workplace, date, blocks)
                    })
                    .collect::<Box<[SimVisits]>>()
            })
        })
    }

    /// The (pv, uv) of the block at `index` on `date`, `None` for no visit.
    fn cell(&self, index: usize, date: NaiveDate) -> Option<(u64, u64)> {
        if date < self.first_day || date > self.today {
            return None;
        }
        if !self.days.keeps() {
            return self.visits(&self.blocks[index], date);
        }
        let (pv, uv) = self.day(date).cells[index];
        (pv > 0).then_some((u64::from(pv), u64::from(uv)))
    }

    /// The (pv, uv) of `block` on `date` with the planted anomalies, `None` for no visits.
    fn visits(&self, block: &BlockProfile, date: NaiveDate) -> Option<(u64, u64)> {
        let generated = block.generated_visits(self.seed, date);
        let index = block.index as usize;
        let planted = self.anomalies.iter().fold(generated, |visits, a| a.apply(index, date, visits));
        // A swap reads two blocks, so it is applied here: the share taken from the losing
        // block (rounded) is exactly what the gaining block gets.
        self.anomalies.iter().fold(planted, |visits, a| match *a {
            Anomaly::Swap { block: gains, away, from, share } if date >= from && (index == gains || index == away) => {
                let Some((away_pv, away_uv)) = self.blocks[away].generated_visits(self.seed, date) else { return visits };
                let moved_pv = away_pv - (away_pv as f64 * (1.0 - share)).round() as u64;
                let moved_uv = away_uv - (away_uv as f64 * (1.0 - share)).round() as u64;
                if index == away {
                    let (pv, uv) = (away_pv - moved_pv, away_uv - moved_uv);
                    (pv > 0).then_some((pv, uv.clamp(1, pv)))
                } else {
                    let (pv, uv) = visits.unwrap_or((0, 0));
                    let (pv, uv) = (pv + moved_pv, uv + moved_uv);
                    (pv > 0).then_some((pv, uv.clamp(1, pv)))
                }
            }
            _ => visits,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::Dataset;

    #[test]
    fn demo_names_are_distinct_and_name_each_block_with_its_workplace() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
        let data = Dataset::new(42, 500, day, 30);
        let names = data.demo_block_names();
        assert_eq!(names.len(), 500);
        let distinct: std::collections::BTreeSet<&str> = names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(distinct.len(), 500);
        for (name, block) in names.iter().zip(data.blocks()) {
            assert_eq!(name.block_id, block.id);
            let workplace = data.workplaces().iter().find(|w| w.id == block.workplace_id).expect("its workplace");
            assert_eq!(Some(name.workplace.as_str()), workplace.name("zh"));
            assert!(name.name.chars().count() <= 80);
        }
        assert_eq!(names.iter().find(|n| n.workplace == "销售工作台").map(|n| n.name.as_str()), Some("销售看板"));
    }

    #[test]
    fn a_step_changes_one_block_from_its_day_and_a_swap_keeps_the_two_blocks_total() {
        use crate::Anomaly;
        let today = NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date");
        let from = today - chrono::Days::new(10);
        let plain = Dataset::new(7, 60, today, 60);
        let planted = Dataset::new(7, 60, today, 60).with_anomalies(vec![
            Anomaly::Step { block: 1, from, factor: 1.5 },
            Anomaly::Swap { block: 5, away: 2, from, share: 0.3 },
        ]);
        let pv = |data: &Dataset, block: usize, day: NaiveDate| {
            data.ground_truth(day, day, Some(&data.blocks()[block].id)).first().map_or(0, |r| r.pv)
        };
        for day in (from - chrono::Days::new(5)).iter_days().take_while(|d| *d <= today) {
            let (step, plain_step) = (pv(&planted, 1, day), pv(&plain, 1, day));
            let pair = pv(&planted, 2, day) + pv(&planted, 5, day);
            if day < from {
                assert_eq!(step, plain_step, "{day}: nothing changes before the day");
                assert_eq!(pv(&planted, 5, day), pv(&plain, 5, day));
            } else {
                assert!(step.abs_diff((plain_step as f64 * 1.5).round() as u64) <= 1, "{day}: {step} against {plain_step}");
                assert!(pv(&planted, 5, day) > pv(&plain, 5, day), "{day}: the gaining block rises");
            }
            assert_eq!(pair, pv(&plain, 2, day) + pv(&plain, 5, day), "{day}: the swap keeps the two blocks' total");
        }
    }
}
