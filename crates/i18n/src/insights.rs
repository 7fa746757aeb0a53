//! The texts of the insights panel, its lists and the chart's markers, in both languages.

/// Every text of the insights.
pub struct InsightMessages {
    pub title: &'static str,
    /// (what, weekday, times the usual, date): a day well above its usual.
    pub above: fn(&str, &str, f64, &str) -> String,
    /// (what, weekday, percent of the usual, date): a day well below.
    pub below: fn(&str, &str, f64, &str) -> String,
    /// (what, weekday, views, date): views on a day that usually has none.
    pub from_nothing: fn(&str, &str, u64, &str) -> String,
    /// (block, before, now): the biggest rise or fall against the previous period.
    pub rose: fn(&str, &str, &str) -> String,
    pub fell: fn(&str, &str, &str) -> String,
    /// (blocks, days).
    pub dormant_sentence: fn(usize, u32) -> String,
    pub new_sentence: fn(usize) -> String,
    pub nothing: &'static str,
    pub history_missing: &'static str,
    pub all_blocks: &'static str,
    pub movers_title: &'static str,
    pub movers_hint: fn(&str) -> String,
    pub rising: &'static str,
    pub falling: &'static str,
    pub before: &'static str,
    pub now: &'static str,
    pub change: &'static str,
    pub dormant_title: &'static str,
    pub dormant_hint: fn(u32) -> String,
    pub dormant_days: &'static str,
    pub earlier_views: &'static str,
    pub recent_views: &'static str,
    pub last_seen: &'static str,
    pub never: &'static str,
    pub new_title: &'static str,
    pub first_seen: &'static str,
    pub views: &'static str,
    pub unusual_title: &'static str,
    pub unusual_hint: &'static str,
    pub date: &'static str,
    pub value: &'static str,
    pub usual: &'static str,
    pub score: &'static str,
    pub none_listed: &'static str,
    /// (usual, low, high, score): the chart marker's note.
    pub marker_note: fn(&str, &str, &str, f64) -> String,
}

pub(super) const ZH: InsightMessages = InsightMessages {
    title: "洞察",
    above: |what, weekday, times, date| format!("{what}：{weekday}访问量是平时的 {times:.1} 倍（{date}）"),
    below: |what, weekday, pct, date| format!("{what}：{weekday}访问量只有平时的 {pct:.0}%（{date}）"),
    from_nothing: |what, weekday, views, date| format!("{what}：{weekday}有 {views} 次访问，平时几乎没有（{date}）"),
    rose: |block, before, now| format!("{block}：访问量从 {before} 增至 {now}，增幅最大"),
    fell: |block, before, now| format!("{block}：访问量从 {before} 降至 {now}，降幅最大"),
    dormant_sentence: |n, days| format!("{n} 个区块近 {days} 天几乎无人访问，可以考虑从工作台移除"),
    new_sentence: |n| format!("{n} 个区块在此时间段内首次出现"),
    nothing: "此时间段内没有异常的日子、明显的变化或闲置的区块。",
    history_missing: "本月飞书调用额度不足，无法读取此时间段之前的数据：变化与新区块暂不显示，闲置区块只在时间段足够长时判断，异常日只在时间段内有三周基准时判断。",
    all_blocks: "全部区块",
    movers_title: "变化最大的区块",
    movers_hint: |range| format!("与上一时间段（{range}）相比；上下两个时间段访问量都少于 50 次的区块不计。"),
    rising: "增加",
    falling: "减少",
    before: "上一时间段",
    now: "本时间段",
    change: "变化",
    dormant_title: "闲置区块",
    dormant_hint: |days| format!("近 {days} 天访问不超过 2 次、而之前 {days} 天至少 10 次的区块。"),
    dormant_days: "天数",
    earlier_views: "之前访问",
    recent_views: "近期访问",
    last_seen: "最后访问",
    never: "无",
    new_title: "新区块",
    first_seen: "首次出现",
    views: "访问次数",
    unusual_title: "异常的日子",
    unusual_hint: "每个完整的日子与之前 8 周的同一星期几相比（中位数与 MAD，修正 z 分数超过 3.5）；今天和昨天不判断。",
    date: "日期",
    value: "访问次数",
    usual: "平时",
    score: "分数",
    none_listed: "无",
    marker_note: |usual, low, high, score| format!("异常：平时约 {usual}（{low}–{high}），分数 {score:.1}"),
};

pub(super) const EN: InsightMessages = InsightMessages {
    title: "Insights",
    above: |what, weekday, times, date| format!("{what}: {times:.1}× the usual views on a {weekday} ({date})"),
    below: |what, weekday, pct, date| format!("{what}: only {pct:.0}% of the usual views on a {weekday} ({date})"),
    from_nothing: |what, weekday, views, date| format!("{what}: {views} views on a {weekday}, usually almost none ({date})"),
    rose: |block, before, now| format!("{block}: views rose from {before} to {now}, the biggest rise"),
    fell: |block, before, now| format!("{block}: views fell from {before} to {now}, the biggest fall"),
    dormant_sentence: |n, days| {
        if n == 1 {
            format!("1 block had almost no views in the last {days} days: a candidate to remove")
        } else {
            format!("{n} blocks had almost no views in the last {days} days: candidates to remove")
        }
    },
    new_sentence: |n| {
        if n == 1 {
            "1 block was first seen in this range".to_owned()
        } else {
            format!("{n} blocks were first seen in this range")
        }
    },
    nothing: "No unusual day, big change or dormant block in this range.",
    history_missing: "This month's Feishu quota does not allow reading the days before this range: changes and new blocks are not shown, dormant blocks only where the range is long enough, and a day is judged unusual only where the range itself holds three weeks before it.",
    all_blocks: "All blocks",
    movers_title: "Biggest changes",
    movers_hint: |range| format!("Against the previous period ({range}); blocks under 50 views in both periods are left out."),
    rising: "Rose",
    falling: "Fell",
    before: "Previous period",
    now: "This period",
    change: "Change",
    dormant_title: "Dormant blocks",
    dormant_hint: |days| format!("At most 2 views in the last {days} days, after at least 10 in the {days} days before."),
    dormant_days: "Days",
    earlier_views: "Views before",
    recent_views: "Views lately",
    last_seen: "Last viewed",
    never: "none",
    new_title: "New blocks",
    first_seen: "First seen",
    views: "Views",
    unusual_title: "Unusual days",
    unusual_hint: "Each complete day against the same weekday of the 8 weeks before (median and MAD, modified z-score above 3.5); today and yesterday are not judged.",
    date: "Date",
    value: "Views",
    usual: "Usual",
    score: "Score",
    none_listed: "None",
    marker_note: |usual, low, high, score| format!("Unusual: usually {usual} ({low}–{high}), score {score:.1}"),
};
