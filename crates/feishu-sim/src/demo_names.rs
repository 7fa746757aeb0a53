//! Demo names of the blocks, as an admin of a Chinese tenant would name them, distinct
//! within the tenant: demo mode shows them so that a newcomer reads a real-looking
//! dashboard.
//!
//! The headquarters workplaces name their blocks from fixed lists, numbered once a list
//! runs out ("公司公告 2"): the names the 60-block tenant always had. A further
//! workplace of a large tenant ([`crate::regions`]) names its blocks by a topic and a
//! kind of widget ("库存" + "看板": "库存看板"), in an order of its own; a name another
//! workplace already took gets the workplace's region in front ("华东库存看板"), and only
//! once every pair is used a number behind.

use std::collections::HashSet;

use serde::Serialize;

use crate::synth::hash;

/// Demo names of the blocks of each headquarters workplace, as
/// [`crate::workplaces::CORE_WORKPLACES`] lists them (in its order), most viewed first.
const CORE_NAMES: [&[&str]; 6] = [
    &["公司公告", "审批中心", "日程会议", "常用应用", "企业新闻", "通讯录", "报销入口", "IT 服务台", "会议室预订", "制度文件"],
    &["销售看板", "客户管理", "商机跟进", "合同审批", "业绩排行", "报价工具", "渠道政策", "销售培训"],
    &["研发门户", "代码评审", "发布日历", "故障值班", "接口文档", "构建状态", "需求池", "技术分享"],
    &["门店巡检", "排班表", "库存查询", "门店业绩", "陈列标准", "订货入口"],
    &["考勤打卡", "假期申请", "薪资查询", "福利中心", "招聘内推", "行政服务"],
    &["入职指引", "新人任务", "导师联系", "培训课程"],
];

/// What a further workplace's block is about.
const TOPICS: [&str; 30] = [
    "门店", "库存", "订单", "客户", "排班", "培训", "安全", "质检", "物流", "报销", "考勤", "招聘", "采购", "合同", "会议",
    "值班", "设备", "工单", "项目", "巡店", "销售", "回款", "促销", "会员", "售后", "投诉", "配送", "仓库", "资产", "费用",
];

/// What kind of widget it is.
const KINDS: [&str; 20] = [
    "看板", "日报", "周报", "查询", "入口", "统计", "提醒", "排行", "台账", "助手", "待办", "申请", "审批", "报表", "中心",
    "日历", "公告", "指南", "问答", "动态",
];

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

/// Hands out the names of one tenant, block after block (most viewed of each workplace
/// first), never the same twice.
pub(crate) struct DemoNamer {
    /// Per workplace: its headquarters list, or its region's short name.
    kinds: Vec<Naming>,
    /// Per workplace: names handed out so far (headquarters) or pairs tried (further).
    next: Vec<usize>,
    used: HashSet<String>,
}

enum Naming {
    Core(&'static [&'static str]),
    Further { region: &'static str, step: usize, start: usize },
}

impl DemoNamer {
    /// A namer for workplaces with these Chinese names (the tenant's, in its order).
    pub(crate) fn new<'a>(seed: u64, workplaces: impl Iterator<Item = &'a str>) -> Self {
        let pairs = TOPICS.len() * KINDS.len();
        let kinds: Vec<Naming> = workplaces
            .enumerate()
            .map(|(at, zh)| {
                let core = crate::workplaces::CORE_WORKPLACES.iter().position(|(name, _, _)| *name == zh);
                match (core, crate::regions::region_of(zh)) {
                    (Some(core), _) => Naming::Core(CORE_NAMES[core]),
                    (None, region) => {
                        let h = hash(seed, &[0x5A1, at as u64]);
                        // A step prime to the number of pairs walks through all of them.
                        let step =
                            (1..pairs).cycle().skip((h % pairs as u64) as usize).find(|s| gcd(*s, pairs) == 1).unwrap_or(1);
                        Naming::Further { region: region.unwrap_or("分部"), step, start: (h >> 32) as usize % pairs }
                    }
                }
            })
            .collect();
        Self { next: vec![0; kinds.len()], kinds, used: HashSet::new() }
    }

    /// The next block's name on the workplace at `workplace`.
    pub(crate) fn name(&mut self, workplace: usize) -> String {
        let nth = self.next[workplace];
        match self.kinds[workplace] {
            Naming::Core(names) => {
                self.next[workplace] += 1;
                let name = match nth / names.len() {
                    0 => names[nth].to_owned(),
                    round => format!("{} {}", names[nth % names.len()], round + 1),
                };
                self.used.insert(name.clone());
                name
            }
            Naming::Further { region, step, start } => {
                let pairs = TOPICS.len() * KINDS.len();
                let mut tried = nth;
                loop {
                    let pair = (start + tried * step) % pairs;
                    let round = tried / pairs;
                    tried += 1;
                    let plain = format!("{}{}", TOPICS[pair / KINDS.len()], KINDS[pair % KINDS.len()]);
                    let candidates = match round {
                        0 => vec![plain.clone(), format!("{region}{plain}")],
                        _ => vec![format!("{region}{plain} {}", round + 1)],
                    };
                    if let Some(name) = candidates.into_iter().find(|name| !self.used.contains(name)) {
                        self.next[workplace] = tried;
                        self.used.insert(name.clone());
                        return name;
                    }
                }
            }
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
