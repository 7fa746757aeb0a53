//! The workplaces a tenant larger than the 60-block one adds: regional and departmental
//! workplaces ("华东区门店 / East China Stores", "成都分公司 / Chengdu Branch"), one per
//! [`BLOCKS_PER_WORKPLACE`] blocks past the first [`CORE_BLOCKS`], which hold every block
//! past those.
//!
//! The first [`CORE_BLOCKS`] blocks keep the tenant-wide Zipf popularity and the six
//! headquarters workplaces they always had, so a 60-block tenant is exactly what it
//! always was. A further workplace has an audience of its own (its busiest block's
//! weekday pv, between [`AUDIENCE_MIN`] and [`AUDIENCE_MAX`]) and its blocks a Zipf
//! popularity within it; about a quarter of them past its first two are kept on the
//! workplace but hardly anyone opens them (a weekday pv of [`FORGOTTEN_MIN`] to
//! [`FORGOTTEN_MAX`]: visits on a few days a year), the long tail every large tenant has.

use crate::synth::{hash, normal, unit};

/// Blocks on the six headquarters workplaces; every block past them is on a further one.
pub(crate) const CORE_BLOCKS: usize = 60;
/// About this many blocks per further workplace.
pub(crate) const BLOCKS_PER_WORKPLACE: usize = 25;
/// The weekday pv of the busiest block of the quietest further workplace.
const AUDIENCE_MIN: f64 = 20.0;
/// The weekday pv of the busiest block of the busiest further workplace.
const AUDIENCE_MAX: f64 = 400.0;
/// Zipf exponent of the blocks within a further workplace.
const WORKPLACE_ZIPF: f64 = 1.2;
/// Share of a further workplace's blocks (past its first two) that hardly anyone opens.
const FORGOTTEN_SHARE: f64 = 0.26;
/// Weekday pv of a forgotten block: from about one visit a year…
const FORGOTTEN_MIN: f64 = 0.004;
/// …to about one visit in three weeks.
const FORGOTTEN_MAX: f64 = 0.07;
/// Share of further workplaces the admin named in Chinese only.
const CHINESE_ONLY_SHARE: f64 = 0.15;

/// Regions, cities and offices: (Chinese name, English name, Chinese short form that
/// tells two blocks of the same name apart).
const REGIONS: [(&str, &str, &str); 40] = [
    ("华东区", "East China", "华东"),
    ("华南区", "South China", "华南"),
    ("华北区", "North China", "华北"),
    ("华中区", "Central China", "华中"),
    ("西南区", "Southwest China", "西南"),
    ("西北区", "Northwest China", "西北"),
    ("东北区", "Northeast China", "东北"),
    ("北京", "Beijing", "北京"),
    ("上海", "Shanghai", "上海"),
    ("广州", "Guangzhou", "广州"),
    ("深圳", "Shenzhen", "深圳"),
    ("杭州", "Hangzhou", "杭州"),
    ("南京", "Nanjing", "南京"),
    ("苏州", "Suzhou", "苏州"),
    ("成都", "Chengdu", "成都"),
    ("重庆", "Chongqing", "重庆"),
    ("武汉", "Wuhan", "武汉"),
    ("西安", "Xi'an", "西安"),
    ("长沙", "Changsha", "长沙"),
    ("郑州", "Zhengzhou", "郑州"),
    ("青岛", "Qingdao", "青岛"),
    ("厦门", "Xiamen", "厦门"),
    ("天津", "Tianjin", "天津"),
    ("合肥", "Hefei", "合肥"),
    ("宁波", "Ningbo", "宁波"),
    ("昆明", "Kunming", "昆明"),
    ("沈阳", "Shenyang", "沈阳"),
    ("大连", "Dalian", "大连"),
    ("济南", "Jinan", "济南"),
    ("福州", "Fuzhou", "福州"),
    ("南宁", "Nanning", "南宁"),
    ("贵阳", "Guiyang", "贵阳"),
    ("哈尔滨", "Harbin", "哈尔滨"),
    ("石家庄", "Shijiazhuang", "石家庄"),
    ("南昌", "Nanchang", "南昌"),
    ("太原", "Taiyuan", "太原"),
    ("兰州", "Lanzhou", "兰州"),
    ("乌鲁木齐", "Urumqi", "乌鲁木齐"),
    ("香港", "Hong Kong", "香港"),
    ("新加坡", "Singapore", "新加坡"),
];

/// What a regional workplace is for: (Chinese suffix, English suffix).
const FUNCTIONS: [(&str, &str); 20] = [
    ("门店", "Stores"),
    ("销售", "Sales"),
    ("运营", "Operations"),
    ("分公司", "Branch"),
    ("研发中心", "R&D Center"),
    ("客服中心", "Customer Service"),
    ("仓储物流", "Warehousing & Logistics"),
    ("工厂", "Plant"),
    ("财务中心", "Finance Center"),
    ("人力资源", "HR"),
    ("市场部", "Marketing"),
    ("渠道", "Channels"),
    ("售后服务", "After-Sales"),
    ("培训中心", "Training Center"),
    ("采购", "Procurement"),
    ("质量管理", "Quality"),
    ("行政", "Admin"),
    ("项目部", "Projects"),
    ("大客户部", "Key Accounts"),
    ("加盟商", "Franchisees"),
];

/// How many further workplaces a tenant of `block_count` blocks has.
pub(crate) fn further_count(block_count: usize) -> usize {
    block_count.saturating_sub(CORE_BLOCKS).div_ceil(BLOCKS_PER_WORKPLACE)
}

/// The names of the further workplaces of the tenant of `seed`: (Chinese, English if
/// any), distinct, each a region with a function in an order of the seed's; past the
/// 800 pairs the pairs come round again with a number ("华东区门店 2").
pub(crate) fn further_names(seed: u64, count: usize) -> Vec<(String, Option<String>)> {
    let pairs = REGIONS.len() * FUNCTIONS.len();
    let mut order: Vec<usize> = (0..pairs).collect();
    order.sort_by_key(|&pair| hash(seed, &[0x7B5, pair as u64]));
    (0..count)
        .map(|n| {
            let pair = order[n % pairs];
            let ((region_zh, region_en, _), (function_zh, function_en)) =
                (REGIONS[pair / FUNCTIONS.len()], FUNCTIONS[pair % FUNCTIONS.len()]);
            let round = match n / pairs {
                0 => String::new(),
                r => format!(" {}", r + 1),
            };
            let zh = format!("{region_zh}{function_zh}{round}");
            let chinese_only = unit(hash(seed, &[0x7B6, n as u64])) < CHINESE_ONLY_SHARE;
            let en = (!chinese_only).then(|| format!("{region_en} {function_en}{round}"));
            (zh, en)
        })
        .collect()
}

/// The short region name of a further workplace's Chinese name ("华东区门店" → "华东"),
/// `None` for any other workplace.
pub(crate) fn region_of(workplace_zh: &str) -> Option<&'static str> {
    FUNCTIONS.iter().any(|(function, _)| workplace_zh.contains(function)).then_some(())?;
    REGIONS.iter().find(|(zh, _, _)| workplace_zh.starts_with(zh)).map(|(_, _, short)| *short)
}

/// Which further workplace (0-based) each block past the first [`CORE_BLOCKS`] is on, and
/// its rank there (1 = the first placed, the busiest but for noise): the first blocks
/// one per workplace, so that none is empty, the rest drawn by workplace sizes that vary
/// about threefold.
pub(crate) fn place(seed: u64, block_count: usize) -> Vec<(usize, usize)> {
    let count = further_count(block_count);
    let mut cumulative = Vec::with_capacity(count);
    let mut total = 0.0;
    for workplace in 0..count {
        total += 0.4 + 1.2 * unit(hash(seed, &[0x512, workplace as u64]));
        cumulative.push(total);
    }
    let mut placed = vec![0usize; count];
    (CORE_BLOCKS..block_count)
        .map(|index| {
            let nth = index - CORE_BLOCKS;
            let workplace = if nth < count {
                nth
            } else {
                let draw = unit(hash(seed, &[0x513, index as u64])) * total;
                cumulative.partition_point(|&c| c <= draw).min(count - 1)
            };
            placed[workplace] += 1;
            (workplace, placed[workplace])
        })
        .collect()
}

/// The expected weekday pv of the block at `index`, `rank`th on further workplace
/// `workplace`.
pub(crate) fn weight(seed: u64, index: usize, workplace: usize, rank: usize) -> f64 {
    let h = |salt: u64| hash(seed, &[0xF0B, index as u64, salt]);
    if rank > 2 && unit(h(1)) < FORGOTTEN_SHARE {
        return FORGOTTEN_MIN * (FORGOTTEN_MAX / FORGOTTEN_MIN).powf(unit(h(2)));
    }
    let audience = AUDIENCE_MIN * (AUDIENCE_MAX / AUDIENCE_MIN).powf(unit(hash(seed, &[0xA0D, workplace as u64])));
    audience * (rank as f64).powf(-WORKPLACE_ZIPF) * (0.25 * normal(h(3))).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_come_round_with_a_number() {
        let names = further_names(42, 1700);
        let distinct: std::collections::BTreeSet<&str> = names.iter().map(|(zh, _)| zh.as_str()).collect();
        assert_eq!(distinct.len(), 1700);
        assert!(names.iter().any(|(zh, _)| zh.ends_with(" 3")));
        let english = names.iter().filter(|(_, en)| en.is_some()).count();
        assert!((1300..1600).contains(&english), "{english} with an English name");
        for (zh, _) in &names[..800] {
            assert!(region_of(zh).is_some(), "{zh}");
        }
        assert_eq!(region_of("华东区门店"), Some("华东"));
        assert_eq!(region_of("总部工作台"), None);
        assert_eq!(region_of("人力与行政"), None);
    }

    #[test]
    fn every_further_workplace_gets_blocks_ranked_in_order() {
        assert_eq!((further_count(60), further_count(61), further_count(85), further_count(86)), (0, 1, 1, 2));
        let placed = place(42, 2000);
        assert_eq!(placed.len(), 1940);
        let count = further_count(2000);
        let mut sizes = vec![0usize; count];
        for &(workplace, rank) in &placed {
            sizes[workplace] += 1;
            assert_eq!(rank, sizes[workplace]);
        }
        assert!(sizes.iter().all(|&s| s >= 1));
        let (small, large) = (sizes.iter().min().copied(), sizes.iter().max().copied());
        assert!(small < Some(15) && large > Some(35), "{small:?} to {large:?} blocks a workplace");
    }
}
