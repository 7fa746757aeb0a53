//! The texts of notes on the timeline and of their impact, in both languages: the
//! notes panel and its forms, the chart's markers, the impact card, and the sentence
//! that says what a change did (also the digest's).

use domain::impact::Verdict;

/// Every text of the notes panel and of the impact card.
pub struct NoteMessages {
    pub title: &'static str,
    pub hint: &'static str,
    /// The hint of a viewer, who reads the notes but does not write them.
    pub read_hint: &'static str,
    pub none: &'static str,
    /// How many notes of the range are not shown, with what to do.
    pub more: fn(usize) -> String,
    pub add: &'static str,
    pub day: &'static str,
    pub text: &'static str,
    pub text_example: &'static str,
    pub blocks: &'static str,
    pub blocks_hint: &'static str,
    pub workplace: &'static str,
    pub no_workplace: &'static str,
    pub save: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    /// Under a chart, once a day is chosen on it: the link to the note form.
    pub note_day: &'static str,
    /// The chart's tip line of a note: its text.
    pub marker: fn(&str) -> String,
    /// The trend table's badge of a noted day.
    pub badge: &'static str,
    pub concerns_tenant: &'static str,
    pub concerns_blocks: fn(&str) -> String,
    pub concerns_workplace: fn(&str) -> String,
    /// Who wrote the note.
    pub by: fn(&str) -> String,
    pub impact: &'static str,
    /// A note whose weeks after are not over, with the day it can be judged on.
    pub too_recent: fn(&str) -> String,
    /// No estimate, with the reason.
    pub no_impact: fn(&str) -> String,
    /// What is compared: `n` weeks before against `n` weeks after.
    pub window: fn(u32) -> String,
    pub measure: &'static str,
    /// The column of the daily means, before → after.
    pub daily_mean: &'static str,
    pub change: &'static str,
    pub interval: &'static str,
    pub noted: &'static str,
    pub rest: &'static str,
    /// The days left out as unusual for the whole tenant.
    pub left_out: fn(usize) -> String,
    /// What a change did to one measure (`m`, "PV"): the verdict, the noted change and
    /// the rest's (none for a tenant-wide note), as one sentence.
    pub verdict: fn(&str, Verdict, f64, Option<f64>) -> String,
    pub export: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub import_button: &'static str,
    /// Added, edited, unchanged: what an import saved.
    pub imported: fn(usize, usize, usize) -> String,
}

/// A relative change as a signed percentage: `+48%`, `−3.1%` (one decimal under 10%).
pub fn signed_percent(x: f64) -> String {
    let p = x * 100.0;
    let digits = if p.abs() < 9.95 { format!("{:.1}", p.abs()) } else { format!("{:.0}", p.abs()) };
    if digits.trim_start_matches(['0', '.']).is_empty() {
        "0%".to_owned()
    } else if p > 0.0 {
        format!("+{digits}%")
    } else {
        format!("\u{2212}{digits}%")
    }
}

pub(super) const ZH: NoteMessages = NoteMessages {
    title: "时间线备注",
    hint: "记下对工作台做的改动（哪天、改了什么、涉及哪些区块或哪个工作台），看它是否起了作用。在趋势图上选中某天即可为那天写备注。",
    read_hint: "管理员记下的改动，以及它们是否起了作用。",
    none: "该时间段内没有备注。",
    more: |n| format!("该时间段内还有 {n} 条备注未显示：缩短时间段即可查看。"),
    add: "写一条备注",
    day: "日期",
    text: "改了什么",
    text_example: "把请假移到了人事工作台的最上方",
    blocks: "涉及的区块（区块 ID，用逗号分隔）",
    blocks_hint: "区块和工作台都不填，即表示涉及整个企业。",
    workplace: "涉及的定制工作台",
    no_workplace: "无",
    save: "保存备注",
    edit: "编辑",
    delete: "删除",
    saved: "备注已保存。",
    deleted: "备注已删除。",
    note_day: "为这一天写备注",
    marker: |text| format!("备注：{text}"),
    badge: "备注",
    concerns_tenant: "涉及整个企业",
    concerns_blocks: |list| format!("涉及区块：{list}"),
    concerns_workplace: |name| format!("涉及工作台：{name}"),
    by: |name| format!("{name} 记录"),
    impact: "影响",
    too_recent: |day| format!("时间太近，尚无法判断：{day} 起可以判断。"),
    no_impact: |reason| format!("无法估计：{reason}"),
    window: |w| format!("改动前 {w} 周与改动后 {w} 周相比，已去除星期规律"),
    measure: "指标",
    daily_mean: "日均（改动前 → 后）",
    change: "变化",
    interval: "90% 区间",
    noted: "涉及",
    rest: "其余",
    left_out: |n| format!("{n} 个全企业异常日（如节假日）未参与判断。"),
    verdict: |m, verdict, c, r| {
        let (c, r) = (signed_percent(c), r.map(signed_percent));
        match (verdict, r) {
            (Verdict::NotDistinguishable, Some(r)) => format!("{m}：与日常波动相比没有明显变化（{c}；其余部分 {r}）。"),
            (Verdict::NotDistinguishable, None) => format!("{m}：与日常波动相比没有明显变化（{c}）。"),
            (Verdict::Rose, Some(r)) => format!("{m} 上升 {c}，高于其余部分（{r}）。"),
            (Verdict::Fell, Some(r)) => format!("{m} 下降 {c}，超过其余部分（{r}）。"),
            (Verdict::Rose, None) => format!("{m} 上升 {c}。"),
            (Verdict::Fell, None) => format!("{m} 下降 {c}。"),
            (Verdict::Moved, r) if c.starts_with('+') => {
                format!("{m} 增加 {c}，而其余部分持平（{}）：访问从别处转移到了这里。", r.unwrap_or_default())
            }
            (Verdict::Moved, r) => format!("{m} 减少 {c}，而其余部分持平（{}）：访问转移到了别处。", r.unwrap_or_default()),
            (Verdict::Everything, r) => {
                format!("{m} 变化 {c}，其余部分也一样（{}）：这几周整体都在变，并非这次改动所致。", r.unwrap_or_default())
            }
        }
    },
    export: "导出备注（CSV）",
    import: "导入备注",
    import_hint: "粘贴导出的备注表格（CSV 或制表符分隔，列：date,text,block_ids,custom_workplace_id；有 id 列时按 id 修改）。整表检查通过才保存。",
    import_button: "导入",
    imported: |added, edited, unchanged| format!("已导入：新增 {added} 条，修改 {edited} 条，{unchanged} 条未变。"),
};

pub(super) const EN: NoteMessages = NoteMessages {
    title: "Notes on the timeline",
    hint: "Record what you changed (the day, what, and which blocks or workplace it concerns) to see whether it worked. Select a day on the trend chart to note that day.",
    read_hint: "What the admins changed, and whether it worked.",
    none: "No notes in this range.",
    more: |n| {
        if n == 1 {
            "1 more note in this range is not shown: narrow the range to see it.".to_owned()
        } else {
            format!("{n} more notes in this range are not shown: narrow the range to see them.")
        }
    },
    add: "Add a note",
    day: "Day",
    text: "What changed",
    text_example: "Moved 请假 to the top of the HR workplace",
    blocks: "Blocks it concerns (ids, separated by commas)",
    blocks_hint: "Leave blocks and workplace empty for the whole tenant.",
    workplace: "Custom workplace it concerns",
    no_workplace: "None",
    save: "Save note",
    edit: "Edit",
    delete: "Delete",
    saved: "Note saved.",
    deleted: "Note deleted.",
    note_day: "Write a note for this day",
    marker: |text| format!("Note: {text}"),
    badge: "Note",
    concerns_tenant: "Concerns the whole tenant",
    concerns_blocks: |list| format!("Concerns blocks: {list}"),
    concerns_workplace: |name| format!("Concerns workplace: {name}"),
    by: |name| format!("by {name}"),
    impact: "Impact",
    too_recent: |day| format!("Too recent to judge: it can be judged on {day}."),
    no_impact: |reason| format!("No estimate: {reason}"),
    window: |w| {
        if w == 1 {
            "1 week before against 1 week after, the weekday cycle taken out".to_owned()
        } else {
            format!("{w} weeks before against {w} weeks after, the weekday cycle taken out")
        }
    },
    measure: "Measure",
    daily_mean: "Daily mean, before → after",
    change: "Change",
    interval: "90% interval",
    noted: "Noted",
    rest: "The rest",
    left_out: |n| {
        if n == 1 {
            "1 day unusual for the whole tenant (a holiday) decided nothing.".to_owned()
        } else {
            format!("{n} days unusual for the whole tenant (holidays) decided nothing.")
        }
    },
    verdict: |m, verdict, c, r| {
        let (c, r) = (signed_percent(c), r.map(signed_percent));
        match (verdict, r) {
            (Verdict::NotDistinguishable, Some(r)) => {
                format!("{m}: no change that stands out from the day-to-day noise ({c}; the rest {r}).")
            }
            (Verdict::NotDistinguishable, None) => format!("{m}: no change that stands out from the day-to-day noise ({c})."),
            (Verdict::Rose, Some(r)) => format!("{m} rose {c}, more than the rest ({r})."),
            (Verdict::Fell, Some(r)) => format!("{m} fell {c}, more than the rest ({r})."),
            (Verdict::Rose, None) => format!("{m} rose {c}."),
            (Verdict::Fell, None) => format!("{m} fell {c}."),
            (Verdict::Moved, r) if c.starts_with('+') => {
                format!("{m} gained {c} while the rest stayed flat ({}): views moved here.", r.unwrap_or_default())
            }
            (Verdict::Moved, r) => format!("{m} lost {c} while the rest held ({}): views moved away.", r.unwrap_or_default()),
            (Verdict::Everything, r) => format!(
                "{m} changed {c}, and so did the rest ({}): everything moved in those weeks, not this change.",
                r.unwrap_or_default()
            ),
        }
    },
    export: "Export notes (CSV)",
    import: "Import notes",
    import_hint: "Paste a table of notes as exported (CSV or tab-separated, columns date,text,block_ids,custom_workplace_id; with an id column, a line edits that note). Nothing is saved unless every line is right.",
    import_button: "Import",
    imported: |added, edited, unchanged| format!("Imported: {added} added, {edited} edited, {unchanged} unchanged."),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_as_a_signed_percentage_and_a_verdict_as_a_sentence() {
        assert_eq!(signed_percent(0.48), "+48%");
        assert_eq!(signed_percent(-0.031), "\u{2212}3.1%");
        assert_eq!(signed_percent(0.0004), "0%");
        assert_eq!(signed_percent(-0.0), "0%");
        let moved = (EN.verdict)("PV", Verdict::Moved, 0.48, Some(0.01));
        assert_eq!(moved, "PV gained +48% while the rest stayed flat (+1.0%): views moved here.");
        assert!((EN.verdict)("UV", Verdict::Moved, -0.3, Some(0.0)).contains("moved away"));
        assert!((ZH.verdict)("访问次数", Verdict::Everything, 0.2, Some(0.19)).contains("并非这次改动所致"));
        assert_eq!((EN.verdict)("PV", Verdict::Rose, 0.5, None), "PV rose +50%.");
    }
}
