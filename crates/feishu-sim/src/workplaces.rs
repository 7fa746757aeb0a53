//! The synthetic tenant's workplaces: six headquarters workplaces with Chinese and
//! English names (and, in a large tenant, a regional or departmental one per 25 further
//! blocks, [`crate::regions`]), every block in one of them, and the default workplace
//! beside them.
//!
//! A workplace's figures are derived from its blocks', so that they stay plausible
//! against them whatever the seed: a custom workplace's pv on a day lies between its
//! busiest block's pv and the sum of its blocks' pv (a person who opens the workplace
//! sees several blocks, and not every block is viewed on every visit), and its uv
//! between its busiest block's uv and its pv. No row on a day without a block visit.
//! The default workplace (the one people without a custom workplace see) carries no
//! block of the tenant; its traffic is a share of the custom workplaces'. "All
//! workplaces" is the default plus every custom workplace in pv; in uv at least each
//! part's and at most the sum (people visit more than one). Feishu warns that its own
//! figures need not add up ("for historical reasons"); the simulator's do, which tests
//! must not rely on.

use chrono::NaiveDate;
use serde::Serialize;

use crate::regions::{self, CORE_BLOCKS};
use crate::synth::{hash, normal, unit};

/// The headquarters workplaces, which hold the first [`CORE_BLOCKS`] blocks: (Chinese
/// name, English name, share of those blocks). An English name left empty is a
/// workplace the admin named in Chinese only. A larger tenant adds further workplaces
/// ([`crate::regions`]).
pub(crate) const CORE_WORKPLACES: [(&str, &str, f64); 6] = [
    ("总部工作台", "Headquarters", 0.30),
    ("销售工作台", "Sales", 0.22),
    ("研发工作台", "Engineering", 0.18),
    ("门店运营", "Store Operations", 0.14),
    ("人力与行政", "People & Admin", 0.10),
    ("新员工入职", "", 0.06),
];

/// A custom workplace of the synthetic tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkplaceProfile {
    /// `tpl_` and 16 hex digits, as Feishu's custom workplace ids look.
    pub id: String,
    /// Its names by language (`zh`, then `en` where it has one), as the API lists them.
    pub names: Vec<(String, String)>,
}

impl WorkplaceProfile {
    /// The name in `language`, if it has one.
    pub fn name(&self, language: &str) -> Option<&str> {
        self.names.iter().find(|(lang, _)| lang == language).map(|(_, name)| name.as_str())
    }
}

/// Page views and distinct users.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SimVisits {
    /// Page views.
    pub pv: u64,
    /// Distinct users, `1 <= uv <= pv` (both 0 on a day without visits).
    pub uv: u64,
}

/// One day of `workplace_access_data`: all workplaces and the default one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkplaceRow {
    /// The day (Asia/Shanghai).
    pub date: NaiveDate,
    /// Every workplace together.
    pub all_workplace: SimVisits,
    /// The default workplace.
    pub default_workplace: SimVisits,
}

/// One custom workplace on one day, as `custom_workplace_access_data` answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomWorkplaceRow {
    /// The day (Asia/Shanghai).
    pub date: NaiveDate,
    /// The workplace's id.
    pub custom_workplace_id: String,
    /// Its names by language.
    pub names: Vec<(String, String)>,
    /// Its visits.
    pub access_data: SimVisits,
}

/// The custom workplaces of the tenant of `seed` with `block_count` blocks: the
/// headquarters ones, then the further ones of a large tenant.
pub(crate) fn workplaces(seed: u64, block_count: usize) -> Vec<WorkplaceProfile> {
    let core = CORE_WORKPLACES.iter().map(|(zh, en, _)| ((*zh).to_owned(), (!en.is_empty()).then(|| (*en).to_owned())));
    let further = regions::further_names(seed, regions::further_count(block_count));
    core.chain(further)
        .enumerate()
        .map(|(index, (zh, en))| {
            let id = format!("tpl_{:016x}", hash(seed, &[0x7B1, index as u64]));
            let mut names = vec![("zh".to_owned(), zh)];
            names.extend(en.map(|en| ("en".to_owned(), en)));
            WorkplaceProfile { id, names }
        })
        .collect()
}

/// Each block's workplace (an index into [`workplaces`]) and, for a block past the
/// first [`CORE_BLOCKS`], its expected weekday pv (those keep the tenant-wide Zipf
/// popularity of their rank).
pub(crate) fn place_blocks(seed: u64, block_count: usize) -> Vec<(usize, Option<f64>)> {
    let further = regions::place(seed, block_count);
    (0..block_count)
        .map(|index| match index.checked_sub(CORE_BLOCKS) {
            None => (core_workplace_of(seed, index), None),
            Some(nth) => {
                let (workplace, rank) = further[nth];
                (CORE_WORKPLACES.len() + workplace, Some(regions::weight(seed, index, workplace, rank)))
            }
        })
        .collect()
}

/// The headquarters workplace of the block at `index` (below [`CORE_BLOCKS`]): the
/// first blocks one per workplace, so that none is empty, the rest by the shares above.
fn core_workplace_of(seed: u64, index: usize) -> usize {
    if index < CORE_WORKPLACES.len() {
        return index;
    }
    let draw = unit(hash(seed, &[0x3B1, index as u64]));
    let mut cumulative = 0.0;
    for (workplace, (_, _, share)) in CORE_WORKPLACES.iter().enumerate() {
        cumulative += share;
        if draw < cumulative {
            return workplace;
        }
    }
    CORE_WORKPLACES.len() - 1
}

/// A custom workplace's visits on a day from its blocks' (pv, uv) of that day.
pub(crate) fn custom_visits(seed: u64, workplace: usize, date: NaiveDate, blocks: impl Iterator<Item = (u64, u64)>) -> SimVisits {
    let (mut pv_sum, mut uv_sum, mut pv_max, mut uv_max) = (0, 0, 0, 0);
    for (pv, uv) in blocks {
        pv_sum += pv;
        uv_sum += uv;
        pv_max = pv_max.max(pv);
        uv_max = uv_max.max(uv);
    }
    if pv_sum == 0 {
        return SimVisits::default();
    }
    let h = hash(seed, &[0x3B2, workplace as u64, day_number(date)]);
    let open_share = 0.55 + 0.1 * normal(h) / 3.5;
    let pv = ((pv_sum as f64 * open_share).round() as u64).clamp(pv_max, pv_sum);
    let uv = ((uv_sum as f64 * 0.6).round() as u64).clamp(uv_max.max(1), pv);
    SimVisits { pv, uv }
}

/// The default workplace and all workplaces on a day, from the custom workplaces' visits.
pub(crate) fn totals(seed: u64, date: NaiveDate, custom: &[SimVisits]) -> (SimVisits, SimVisits) {
    let custom_pv: u64 = custom.iter().map(|v| v.pv).sum();
    let custom_uv: u64 = custom.iter().map(|v| v.uv).sum();
    let h = hash(seed, &[0x3B3, day_number(date)]);
    let default_pv = (custom_pv as f64 * (0.12 + 0.02 * normal(h) / 3.5)).round() as u64;
    let default = if default_pv == 0 {
        SimVisits::default()
    } else {
        SimVisits { pv: default_pv, uv: ((default_pv as f64 * 0.45).round() as u64).clamp(1, default_pv) }
    };
    let pv = custom_pv + default.pv;
    let widest = custom.iter().map(|v| v.uv).max().unwrap_or(0).max(default.uv);
    let uv = if pv == 0 { 0 } else { (((custom_uv + default.uv) as f64 * 0.8).round() as u64).clamp(widest.max(1), pv) };
    (default, SimVisits { pv, uv })
}

fn day_number(date: NaiveDate) -> u64 {
    u64::try_from(chrono::Datelike::num_days_from_ce(&date)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workplace_gets_blocks_and_ids_are_distinct() {
        for blocks in [60, 2000] {
            let found: std::collections::BTreeSet<usize> = place_blocks(42, blocks).into_iter().map(|(w, _)| w).collect();
            let ids: std::collections::BTreeSet<String> = workplaces(42, blocks).into_iter().map(|w| w.id).collect();
            assert_eq!(found.len(), ids.len());
            assert_eq!(ids.len(), CORE_WORKPLACES.len() + regions::further_count(blocks));
        }
    }

    #[test]
    fn workplace_figures_stay_within_their_blocks() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
        let blocks = [(120, 40), (30, 20), (5, 5)];
        let visits = custom_visits(1, 0, day, blocks.into_iter());
        assert!((120..=155).contains(&visits.pv), "{visits:?}");
        assert!((40..=visits.pv).contains(&visits.uv), "{visits:?}");
        assert_eq!(custom_visits(1, 0, day, std::iter::empty()), SimVisits::default());
        let (default, all) = totals(1, day, &[visits, SimVisits { pv: 10, uv: 3 }]);
        assert_eq!(all.pv, visits.pv + 10 + default.pv);
        assert!(all.uv >= visits.uv && all.uv <= all.pv);
    }
}
