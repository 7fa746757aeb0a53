//! The synthetic tenant's workplaces: a few custom workplaces with Chinese and English
//! names, every block in one of them, and the default workplace beside them.
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

use crate::synth::{hash, normal, unit};

/// The custom workplaces: (Chinese name, English name, share of the blocks). An
/// English name left empty is a workplace the admin named in Chinese only.
const WORKPLACES: [(&str, &str, f64); 6] = [
    ("总部工作台", "Headquarters", 0.30),
    ("销售工作台", "Sales", 0.22),
    ("研发工作台", "Engineering", 0.18),
    ("门店运营", "Store Operations", 0.14),
    ("人力与行政", "People & Admin", 0.10),
    ("新员工入职", "", 0.06),
];

/// Demo names of the blocks of each workplace of [`WORKPLACES`] (in its order), as an
/// admin of a Chinese tenant would name them, most viewed first.
const DEMO_BLOCK_NAMES: [&[&str]; 6] = [
    &["公司公告", "审批中心", "日程会议", "常用应用", "企业新闻", "通讯录", "报销入口", "IT 服务台", "会议室预订", "制度文件"],
    &["销售看板", "客户管理", "商机跟进", "合同审批", "业绩排行", "报价工具", "渠道政策", "销售培训"],
    &["研发门户", "代码评审", "发布日历", "故障值班", "接口文档", "构建状态", "需求池", "技术分享"],
    &["门店巡检", "排班表", "库存查询", "门店业绩", "陈列标准", "订货入口"],
    &["考勤打卡", "假期申请", "薪资查询", "福利中心", "招聘内推", "行政服务"],
    &["入职指引", "新人任务", "导师联系", "培训课程"],
];

/// The demo name of the `nth` block (0 = most viewed) of the workplace whose Chinese
/// name is `workplace`, numbered once the list runs out.
pub(crate) fn demo_block_name(workplace: &str, nth: usize) -> String {
    let at = WORKPLACES.iter().position(|(zh, _, _)| *zh == workplace).unwrap_or(0);
    let names = DEMO_BLOCK_NAMES[at];
    match nth / names.len() {
        0 => names[nth].to_owned(),
        round => format!("{} {}", names[nth % names.len()], round + 1),
    }
}

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

/// The custom workplaces of the tenant of `seed`.
pub(crate) fn workplaces(seed: u64) -> Vec<WorkplaceProfile> {
    WORKPLACES
        .iter()
        .enumerate()
        .map(|(index, (zh, en, _))| {
            let id = format!("tpl_{:016x}", hash(seed, &[0x7B1, index as u64]));
            let mut names = vec![("zh".to_owned(), (*zh).to_owned())];
            if !en.is_empty() {
                names.push(("en".to_owned(), (*en).to_owned()));
            }
            WorkplaceProfile { id, names }
        })
        .collect()
}

/// The workplace (an index into [`workplaces`]) of the block at `index`: the first
/// blocks one per workplace, so that none is empty, the rest by the shares above.
pub(crate) fn workplace_of(seed: u64, index: usize) -> usize {
    if index < WORKPLACES.len() {
        return index;
    }
    let draw = unit(hash(seed, &[0x3B1, index as u64]));
    let mut cumulative = 0.0;
    for (workplace, (_, _, share)) in WORKPLACES.iter().enumerate() {
        cumulative += share;
        if draw < cumulative {
            return workplace;
        }
    }
    WORKPLACES.len() - 1
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

/// A block's demo name and workplace, for demo mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoBlockName {
    /// The block's 18-digit id.
    pub block_id: String,
    /// Its demo name, distinct from every other block's.
    pub name: String,
    /// The Chinese name of the block's custom workplace.
    pub workplace: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_names_are_distinct_and_name_each_block_with_its_workplace() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
        let data = crate::data::Dataset::new(42, 500, day, 30);
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
    fn every_workplace_gets_blocks_and_ids_are_distinct() {
        let found: std::collections::BTreeSet<usize> = (0..60).map(|i| workplace_of(42, i)).collect();
        assert_eq!(found.len(), WORKPLACES.len());
        let ids: std::collections::BTreeSet<String> = workplaces(42).into_iter().map(|w| w.id).collect();
        assert_eq!(ids.len(), WORKPLACES.len());
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
