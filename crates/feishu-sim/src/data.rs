//! The synthetic tenant: blocks with Zipf-like popularity, a weekday rhythm,
//! holidays, a slow trend, noise, and blocks created partway through history.
//!
//! Every (block, day) figure is computed on demand from a hash of the seed,
//! the block's index and the day, so nothing big is stored and the wall clock
//! plays no part: the same config always gives the same numbers.
//!
//! Creation days of late blocks are placed relative to the history window
//! (`today - history_days`), so a different `today` or `history_days` moves
//! them; the figures of blocks that existed all along depend only on the seed,
//! the block's index and the date, whatever `today` is.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use crate::config::SimConfig;
use crate::synth::{hash, mix, normal, poisson, unit};
use crate::anomalies::{Anomaly, PlantedAnomaly};
use crate::workplaces::{self, CustomWorkplaceRow, SimVisits, WorkplaceProfile, WorkplaceRow};

/// Expected weekday pv of the most popular block.
const TOP_BLOCK_PV: f64 = 2400.0;
/// Zipf exponent: the 60th block gets about 1/380 of the top block's visits.
const ZIPF_EXPONENT: f64 = 1.45;
/// Share of blocks (past the first few) created partway through the history.
const LATE_BLOCK_SHARE: f64 = 0.3;
/// The most popular blocks always exist for the whole history.
const ALWAYS_THERE: usize = 4;
/// Days a new block takes to reach its full audience.
const RAMP_DAYS: f64 = 28.0;
/// Up to this many (day, block) cells are computed once into a table on first
/// use (8 bytes each); bigger tenants compute every cell on demand.
const TABLE_MAX_CELLS: usize = 8_000_000;
/// Day number (from the common era) of 2024-01-01: the trend's pivot.
const TREND_PIVOT: f64 = 738_886.0;

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

/// A block (widget) of the synthetic tenant.
#[derive(Clone, Debug)]
pub struct BlockProfile {
    /// The 18-digit BlockID, first digit non-zero.
    pub id: String,
    /// The day the block was added to the workplace; no data before it.
    pub created: NaiveDate,
    /// Popularity: the expected pv on an ordinary weekday once the block is
    /// established, before trend and noise.
    pub weight: f64,
    /// The id of the custom workplace the block is on.
    pub workplace_id: String,
    /// Index of that workplace in [`Dataset::workplaces`].
    workplace: usize,
    /// Position in [`Dataset::blocks`], also the input of every hash.
    index: u64,
    /// Weekend traffic as a share of weekday traffic.
    weekend_factor: f64,
    /// Exponential growth (or decline) per year.
    growth_per_year: f64,
    /// Typical uv / pv.
    uv_share: f64,
}

/// The synthetic tenant's block access data.
#[derive(Clone, Debug)]
pub struct Dataset {
    seed: u64,
    first_day: NaiveDate,
    today: NaiveDate,
    /// Most popular first.
    blocks: Vec<BlockProfile>,
    /// Indices into `blocks`, ordered by block id (the API's order).
    by_id: Vec<usize>,
    index_of: HashMap<String, usize>,
    /// The custom workplaces, in id order (the API's order).
    workplaces: Vec<WorkplaceProfile>,
    /// (pv, uv) per (day since `first_day`, block index), filled on first use.
    table: OnceLock<Vec<(u32, u32)>>,
    /// Planted anomalies, applied to the generated visits.
    anomalies: Vec<Anomaly>,
}

impl Dataset {
    /// Builds the tenant for `seed` with data for `today - history_days ..= today`.
    pub fn new(seed: u64, block_count: usize, today: NaiveDate, history_days: u32) -> Self {
        let first_day = today
            .checked_sub_days(Days::new(u64::from(history_days)))
            .unwrap_or(NaiveDate::MIN);
        let mut index_of = HashMap::with_capacity(block_count);
        let mut blocks = Vec::with_capacity(block_count);
        let workplace_list = workplaces::workplaces(seed);
        for index in 0..block_count {
            let mut block = BlockProfile::generate(seed, index, first_day, history_days, &index_of);
            block.workplace = workplaces::workplace_of(seed, index);
            block.workplace_id = workplace_list[block.workplace].id.clone();
            index_of.insert(block.id.clone(), index);
            blocks.push(block);
        }
        let mut by_id: Vec<usize> = (0..block_count).collect();
        by_id.sort_by(|&a, &b| blocks[a].id.cmp(&blocks[b].id));
        Self {
            seed,
            first_day,
            today,
            blocks,
            by_id,
            index_of,
            workplaces: workplace_list,
            table: OnceLock::new(),
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
        for block in &mut self.blocks {
            block.workplace = new_index[block.workplace];
        }
        self.workplaces = order.iter().map(|&old| self.workplaces[old].clone()).collect();
        self
    }

    /// The tenant a simulator started with `config` serves.
    pub fn from_config(config: &SimConfig) -> Self {
        Self::new(
            config.seed,
            config.block_count,
            config.today,
            config.history_days,
        )
        .with_anomalies(config.anomalies.clone())
    }

    /// The tenant with `anomalies` planted in its data. Blocks out of range are ignored.
    pub fn with_anomalies(mut self, anomalies: Vec<Anomaly>) -> Self {
        self.anomalies = anomalies.into_iter().filter(|a| a.block() < self.blocks.len()).collect();
        self.table = OnceLock::new();
        self
    }

    /// The planted anomalies with their blocks' ids: the insights' ground truth.
    pub fn planted(&self) -> Vec<PlantedAnomaly> {
        self.anomalies
            .iter()
            .map(|a| PlantedAnomaly { block_id: self.blocks[a.block()].id.clone(), anomaly: a.clone() })
            .collect()
    }

    /// All blocks, most popular first.
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
    pub fn demo_block_names(&self) -> Vec<workplaces::DemoBlockName> {
        let mut seen = vec![0usize; self.workplaces.len()];
        self.blocks
            .iter()
            .map(|block| {
                let nth = seen[block.workplace];
                seen[block.workplace] += 1;
                let workplace = self.workplaces[block.workplace].name("zh").unwrap_or_default().to_owned();
                let name = workplaces::demo_block_name(&workplace, nth);
                workplaces::DemoBlockName { block_id: block.id.clone(), name, workplace }
            })
            .collect()
    }

    /// What `workplace_access_data/search` holds for the range: one row per day
    /// with any visit.
    pub fn workplace_ground_truth(&self, from: NaiveDate, to: NaiveDate) -> Vec<WorkplaceRow> {
        self.workplace_rows(from, to).collect()
    }

    /// What `custom_workplace_access_data/search` holds for the range (one workplace,
    /// or all): rows with pv > 0, ordered by date, then workplace id.
    pub fn custom_workplace_ground_truth(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        workplace_id: Option<&str>,
    ) -> Vec<CustomWorkplaceRow> {
        self.custom_workplace_rows(from, to, workplace_id).collect()
    }

    /// The workplace rows of the range, in date order.
    pub(crate) fn workplace_rows(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = WorkplaceRow> + '_ {
        self.days(from, to).filter_map(move |date| {
            let custom = self.custom_visits_on(date);
            let (default_workplace, all_workplace) = workplaces::totals(self.seed, date, &custom);
            (all_workplace.pv > 0).then_some(WorkplaceRow { date, all_workplace, default_workplace })
        })
    }

    /// The custom workplace rows of the range in API order; an unknown id gives none.
    pub(crate) fn custom_workplace_rows<'a>(
        &'a self,
        from: NaiveDate,
        to: NaiveDate,
        workplace_id: Option<&str>,
    ) -> impl Iterator<Item = CustomWorkplaceRow> + 'a {
        let selected: Option<Option<usize>> = match workplace_id {
            None => Some(None),
            Some(id) => self.workplaces.iter().position(|w| w.id == id).map(Some),
        };
        self.days(from, to).filter(move |_| selected.is_some()).flat_map(move |date| {
            let custom = self.custom_visits_on(date);
            custom.into_iter().enumerate().filter_map(move |(index, visits)| {
                let wanted = selected.flatten().is_none_or(|only| only == index);
                (wanted && visits.pv > 0).then(|| {
                    let workplace = &self.workplaces[index];
                    CustomWorkplaceRow {
                        date,
                        custom_workplace_id: workplace.id.clone(),
                        names: workplace.names.clone(),
                        access_data: visits,
                    }
                })
            })
        })
    }

    /// Each custom workplace's visits on `date`, in [`Dataset::workplaces`] order.
    fn custom_visits_on(&self, date: NaiveDate) -> Vec<SimVisits> {
        (0..self.workplaces.len())
            .map(|workplace| {
                let blocks = self.blocks.iter().filter(|b| b.workplace == workplace).filter_map(|b| self.cell(b, date));
                workplaces::custom_visits(self.seed, workplace, date, blocks)
            })
            .collect()
    }

    /// The days of `from..=to` within the history.
    fn days(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (from.max(self.first_day), to.min(self.today));
        from.iter_days().take_while(move |day| *day <= to)
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
        let block = &self.blocks[*self.index_of.get(block_id)?];
        let (pv, uv) = self.cell(block, date)?;
        Some(AccessRow {
            date,
            block_id: block.id.clone(),
            pv,
            uv,
        })
    }

    /// What the API holds for the query: rows with pv > 0, ordered by date,
    /// then block id. An unknown `block_id` gives no rows.
    pub fn ground_truth(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        block_id: Option<&str>,
    ) -> Vec<AccessRow> {
        self.cells(from, to, block_id).map(Cell::into_row).collect()
    }

    /// Rows `offset .. offset + limit` of [`Dataset::ground_truth`], and whether
    /// more rows follow. Stops once the page is full.
    pub fn page(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        block_id: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (Vec<AccessRow>, bool) {
        let mut cells = self.cells(from, to, block_id).skip(offset);
        let page: Vec<AccessRow> = cells.by_ref().take(limit).map(Cell::into_row).collect();
        let has_more = cells.next().is_some();
        (page, has_more)
    }

    /// The non-empty cells of the query in API order, without allocating rows.
    fn cells<'a>(
        &'a self,
        from: NaiveDate,
        to: NaiveDate,
        block_id: Option<&str>,
    ) -> impl Iterator<Item = Cell<'a>> + 'a {
        let from = from.max(self.first_day);
        let to = to.min(self.today);
        let selected: Vec<&'a BlockProfile> = match block_id {
            Some(id) => self
                .index_of
                .get(id)
                .map(|&i| &self.blocks[i])
                .into_iter()
                .collect(),
            None => self.by_id.iter().map(|&i| &self.blocks[i]).collect(),
        };
        from.iter_days()
            .take_while(move |day| *day <= to)
            .flat_map(move |date| {
                let selected = selected.clone();
                selected.into_iter().filter_map(move |block| {
                    let (pv, uv) = self.cell(block, date)?;
                    Some(Cell {
                        date,
                        block,
                        pv,
                        uv,
                    })
                })
            })
    }

    /// The (pv, uv) of `block` on `date` from the table when there is one.
    fn cell(&self, block: &BlockProfile, date: NaiveDate) -> Option<(u64, u64)> {
        if date < self.first_day || date > self.today {
            return None;
        }
        let Some(table) = self.table() else {
            return self.visits(block, date);
        };
        let day = usize::try_from((date - self.first_day).num_days()).ok()?;
        let (pv, uv) = *table.get(day * self.blocks.len() + block.index as usize)?;
        (pv > 0).then_some((u64::from(pv), u64::from(uv)))
    }

    fn table(&self) -> Option<&[(u32, u32)]> {
        let days = usize::try_from((self.today - self.first_day).num_days()).ok()? + 1;
        if days.saturating_mul(self.blocks.len()) > TABLE_MAX_CELLS {
            return None;
        }
        let table = self.table.get_or_init(|| {
            let mut table = Vec::with_capacity(days * self.blocks.len());
            for date in self.first_day.iter_days().take(days) {
                for block in &self.blocks {
                    let (pv, uv) = self.visits(block, date).unwrap_or((0, 0));
                    table.push((
                        u32::try_from(pv).unwrap_or(u32::MAX),
                        u32::try_from(uv).unwrap_or(u32::MAX),
                    ));
                }
            }
            table
        });
        Some(table)
    }

    /// The (pv, uv) of `block` on `date`, `None` for no visits.
    fn visits(&self, block: &BlockProfile, date: NaiveDate) -> Option<(u64, u64)> {
        let generated = self.generated_visits(block, date);
        self.anomalies.iter().fold(generated, |visits, a| a.apply(block.index as usize, date, visits))
    }

    /// The visits as the model gives them, before any planted anomaly.
    fn generated_visits(&self, block: &BlockProfile, date: NaiveDate) -> Option<(u64, u64)> {
        if date < block.created || date < self.first_day || date > self.today {
            return None;
        }
        let day = u64::try_from(date.num_days_from_ce()).unwrap_or(0);
        let h = hash(self.seed, &[block.index, day]);
        let age_days = (date - block.created).num_days() as f64;
        let ramp = (0.2 + 0.8 * age_days / RAMP_DAYS).min(1.0);
        let years = (day as f64 - TREND_PIVOT) / 365.25;
        let trend = (block.growth_per_year * years).exp().clamp(0.3, 3.0);
        let season =
            1.0 + 0.07 * (std::f64::consts::TAU * f64::from(date.ordinal()) / 365.25).sin();
        let noise = (0.15 * normal(h)).exp();
        let lambda = block.weight * day_factor(block, date) * ramp * trend * season * noise;
        let pv = poisson(lambda, mix(h ^ 1));
        if pv == 0 {
            return None;
        }
        let share = (block.uv_share * (0.08 * normal(mix(h ^ 2))).exp()).min(1.0);
        let uv = ((pv as f64 * share).round() as u64).clamp(1, pv);
        Some((pv, uv))
    }
}

/// A non-empty (day, block) cell before it becomes an [`AccessRow`].
struct Cell<'a> {
    date: NaiveDate,
    block: &'a BlockProfile,
    pv: u64,
    uv: u64,
}

impl Cell<'_> {
    fn into_row(self) -> AccessRow {
        AccessRow {
            date: self.date,
            block_id: self.block.id.clone(),
            pv: self.pv,
            uv: self.uv,
        }
    }
}

impl BlockProfile {
    fn generate(
        seed: u64,
        index: usize,
        first_day: NaiveDate,
        history_days: u32,
        taken: &HashMap<String, usize>,
    ) -> Self {
        let i = index as u64;
        let h = |salt: u64| hash(seed, &[0xB10C, i, salt]);
        let mut attempt = 0;
        let id = loop {
            let n =
                100_000_000_000_000_000 + hash(seed, &[0x1D, i, attempt]) % 900_000_000_000_000_000;
            let id = n.to_string();
            if !taken.contains_key(&id) {
                break id;
            }
            attempt += 1;
        };
        let rank = (index + 1) as f64;
        let weight = TOP_BLOCK_PV * rank.powf(-ZIPF_EXPONENT) * (0.2 * normal(h(1))).exp();
        let late = index >= ALWAYS_THERE && history_days >= 10 && unit(h(2)) < LATE_BLOCK_SHARE;
        let created = if late {
            // Somewhere in the middle 80 % of the history.
            let span = u64::from(history_days) * 8 / 10;
            let offset = u64::from(history_days) / 10 + h(3) % span.max(1);
            first_day
                .checked_add_days(Days::new(offset))
                .unwrap_or(first_day)
        } else {
            // Long enough before the history that its ramp-up is over.
            first_day
                .checked_sub_days(Days::new(RAMP_DAYS as u64 + h(3) % 365))
                .unwrap_or(first_day)
        };
        Self {
            id,
            created,
            weight,
            workplace_id: String::new(),
            workplace: 0,
            index: i,
            weekend_factor: 0.08 + 0.22 * unit(h(4)),
            growth_per_year: -0.15 + 0.5 * unit(h(5)),
            uv_share: 0.25 + 0.5 * unit(h(6)),
        }
    }
}

/// Traffic on `date` relative to an ordinary Monday: weekends and the fixed
/// mainland public holidays (New Year's Day, 1–5 May, 1–7 October) are quiet.
fn day_factor(block: &BlockProfile, date: NaiveDate) -> f64 {
    let holiday = matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1..=5) | (10, 1..=7)
    );
    if holiday {
        return block.weekend_factor * 0.8;
    }
    match date.weekday() {
        Weekday::Mon => 1.0,
        Weekday::Tue => 1.06,
        Weekday::Wed => 1.04,
        Weekday::Thu => 1.0,
        Weekday::Fri => 0.88,
        Weekday::Sat => block.weekend_factor,
        Weekday::Sun => block.weekend_factor * 0.85,
    }
}
