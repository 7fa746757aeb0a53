//! Chinese and English. A typed catalogue: every locale must fill every field, so a
//! missing translation is a compile error, and the whole table costs a few kilobytes of
//! WASM. Digit grouping is the same in both locales (`1,234,567`); dates differ.

mod digest;
mod import;
mod insights;
mod lists;
mod notes;
mod share;
mod sign_in;
mod viewers;
mod workplaces;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use digest::DigestMessages;
pub use import::ImportMessages;
pub use insights::InsightMessages;
pub use lists::ListMessages;
pub use notes::{NoteMessages, signed_percent};
pub use share::ShareMessages;
pub use sign_in::SignInMessages;
pub use viewers::ViewerMessages;
pub use workplaces::WorkplaceMessages;

/// A language the dashboard speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// 简体中文 — the default: the product is for Feishu admins.
    #[default]
    Zh,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Zh, Locale::En];

    /// The value of the `lang` URL parameter and cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Zh => "中文",
            Locale::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" => Some(Locale::Zh),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// The locale for a browser's `Accept-Language`: Chinese for Chinese browsers,
    /// English for the rest, Chinese when the browser says nothing.
    #[cfg(feature = "ssr")]
    pub fn negotiate(accept_language: Option<&str>) -> Locale {
        let Some(header) = accept_language.filter(|h| !h.trim().is_empty()) else { return Locale::Zh };
        match accept_language::parse(header).first() {
            Some(first) if first.to_ascii_lowercase().starts_with("zh") => Locale::Zh,
            Some(_) => Locale::En,
            None => Locale::Zh,
        }
    }

    pub fn t(self) -> &'static Messages {
        match self {
            Locale::Zh => &ZH,
            Locale::En => &EN,
        }
    }

    /// A day in full: `2024年3月5日 周二` / `Tue, Mar 5, 2024`.
    pub fn long_date(self, day: NaiveDate) -> String {
        match self {
            Locale::Zh => format!("{}年{}月{}日 {}", day.year(), day.month(), day.day(), self.weekday(day.weekday())),
            Locale::En => {
                format!("{}, {} {}, {}", self.weekday(day.weekday()), MONTHS_EN[day.month0() as usize], day.day(), day.year())
            }
        }
    }

    /// A day on an axis: `3月5日` / `Mar 5`.
    pub fn short_date(self, day: NaiveDate) -> String {
        match self {
            Locale::Zh => format!("{}月{}日", day.month(), day.day()),
            Locale::En => format!("{} {}", MONTHS_EN[day.month0() as usize], day.day()),
        }
    }

    /// A range: `2024年3月1日 – 2024年3月7日` / `Mar 1, 2024 – Mar 7, 2024`.
    pub fn range(self, from: NaiveDate, to: NaiveDate) -> String {
        let one = |d: NaiveDate| match self {
            Locale::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Locale::En => format!("{} {}, {}", MONTHS_EN[d.month0() as usize], d.day(), d.year()),
        };
        if from == to { one(from) } else { format!("{} – {}", one(from), one(to)) }
    }

    /// The weekday as a sentence names it: `周一` / `Monday`.
    pub fn weekday_name(self, w: Weekday) -> &'static str {
        match self {
            Locale::Zh => self.weekday(w),
            Locale::En => {
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][w.num_days_from_monday() as usize]
            }
        }
    }

    pub(crate) fn weekday(self, w: Weekday) -> &'static str {
        let i = w.num_days_from_monday() as usize;
        match self {
            Locale::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
            Locale::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
        }
    }
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `1234567` → `1,234,567` (both locales group the same way).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio with one or two decimals: `3.25`.
pub fn decimal(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A change in percent with its sign: `+12.5%`, `−3.0%`, `0%`.
pub fn percent_change(now: f64, before: f64) -> Option<String> {
    if before <= 0.0 {
        return None;
    }
    let change = (now - before) / before * 100.0;
    Some(if change.abs() < 0.05 {
        "0%".to_owned()
    } else if change > 0.0 {
        format!("+{change:.1}%")
    } else {
        format!("\u{2212}{:.1}%", change.abs())
    })
}

/// Every text of the interface.
pub struct Messages {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub language: &'static str,
    pub demo_banner: &'static str,
    /// Calls used, the limit, percent used, the reset day: past the warning threshold.
    pub quota_warning: fn(&str, &str, u64, &str) -> String,
    /// Calls used, the limit, the reset day: the configured quota is used up.
    pub quota_reached: fn(&str, &str, &str) -> String,
    /// Calls used, the reset day: Feishu answered 99991403.
    pub quota_refused: fn(&str, &str) -> String,
    /// Why a view cannot be shown past the quota.
    pub quota_missing_days: &'static str,
    pub quota_error_title: &'static str,
    pub loading: &'static str,
    pub fetching: &'static str,
    pub fetching_pages: fn(u64, u64) -> String,
    pub presets_label: &'static str,
    pub preset_7d: &'static str,
    pub preset_14d: &'static str,
    pub preset_30d: &'static str,
    pub preset_90d: &'static str,
    pub preset_month: &'static str,
    pub preset_last_month: &'static str,
    pub preset_ytd: &'static str,
    pub preset_custom: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub apply: &'static str,
    pub previous_period: &'static str,
    pub next_period: &'static str,
    pub refresh: &'static str,
    pub refresh_hint: &'static str,
    pub blocks_label: &'static str,
    pub all_blocks: &'static str,
    pub n_blocks: fn(usize) -> String,
    pub search_blocks: &'static str,
    pub clear_filter: &'static str,
    pub no_match: &'static str,
    pub card_pv: &'static str,
    pub card_uv_sum: &'static str,
    pub card_uv_sum_hint: &'static str,
    pub card_avg_uv: &'static str,
    pub card_pv_per_uv: &'static str,
    pub card_active_blocks: &'static str,
    pub vs_previous: &'static str,
    pub vs_year_ago: &'static str,
    pub no_comparison: &'static str,
    pub trend_title: &'static str,
    pub trend_desc: fn(&str) -> String,
    pub top_title: &'static str,
    pub top_desc: &'static str,
    pub show_as_table: &'static str,
    pub total: &'static str,
    pub total_pv: &'static str,
    pub total_uv: &'static str,
    pub pv: &'static str,
    pub uv: &'static str,
    pub date: &'static str,
    pub block: &'static str,
    pub block_id: &'static str,
    pub workplace: &'static str,
    pub uv_day_sum: &'static str,
    pub avg_daily_uv: &'static str,
    pub active_days: &'static str,
    pub share: &'static str,
    pub blocks_table_title: &'static str,
    pub blocks_table_caption: fn(&str) -> String,
    pub filter_to_block: fn(&str) -> String,
    pub sort_by: fn(&str) -> String,
    pub no_data: &'static str,
    pub today_incomplete: &'static str,
    pub export_label: &'static str,
    pub export_csv: &'static str,
    pub export_trend_svg: &'static str,
    pub export_xlsx: &'static str,
    pub export_top_svg: &'static str,
    pub names_title: &'static str,
    pub names_hint: &'static str,
    pub name: &'static str,
    pub save: &'static str,
    pub remove_name: &'static str,
    pub saved: &'static str,
    pub shortcuts_title: &'static str,
    pub shortcuts_help: &'static [(&'static str, &'static str)],
    pub view_overview: &'static str,
    pub view_rows: &'static str,
    pub rows_title: fn(&str) -> String,
    pub rows_page: fn(usize, usize) -> String,
    pub rows_truncated: &'static str,
    pub page_prev: &'static str,
    pub page_next: &'static str,
    pub error_title: &'static str,
    /// A query past the server's deadline.
    pub deadline_title: &'static str,
    /// Seconds waited and what for.
    pub deadline_text: fn(u64, domain::WaitedFor) -> String,
    pub deadline_advice: &'static str,
    pub retry: &'static str,
    pub unnamed: &'static str,
    /// Opens the form that names a block where it is shown.
    pub name_it: &'static str,
    pub sign_out: &'static str,
    /// The header's links to the dashboard and its settings pages.
    pub pages: &'static str,
    pub dashboard: &'static str,
    pub signed_in_as: fn(&str) -> String,
    pub tokens_title: &'static str,
    pub tokens_hint: &'static str,
    /// The tokens page before the first token is made.
    pub no_tokens: &'static str,
    pub token_name: &'static str,
    pub create_token: &'static str,
    pub new_token: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub created: &'static str,
    pub last_used: &'static str,
    pub never: &'static str,
    pub created_by: &'static str,
    /// The names import and export, and the token permission to change names.
    pub import: &'static ImportMessages,
    /// The workplace view.
    pub workplaces: &'static WorkplaceMessages,
    pub lists: &'static ListMessages,
    pub insights: &'static InsightMessages,
    /// The digest card and its setup page.
    pub digest: &'static DigestMessages,
    /// Notes on the timeline and their impact.
    pub notes: &'static NoteMessages,
    /// Read-only links.
    pub links: &'static ShareMessages,
    /// The sign-in pages the server writes, and the Feishu client's sign-in answers.
    pub sign_in: &'static SignInMessages,
    /// The viewers page: who else may view which numbers.
    pub viewers: &'static ViewerMessages,
}

pub static ZH: Messages = Messages {
    app_name: "小组件洞察",
    tagline: "飞书工作台小组件的访问次数与访问用户",
    language: "语言",
    demo_banner: "演示模式：以下数据来自内置的飞书模拟器，并非您企业的真实数据；区块名称为演示名称。设置 FEISHU_APP_ID 与 FEISHU_APP_SECRET 后即可查看真实数据。",
    quota_warning: |used, limit, pct, date| {
        format!("本月已调用飞书 API {used} / {limit} 次（{pct}%）。额度用完后，仪表盘只显示已获取的数据，直到 {date} 额度重置。")
    },
    quota_reached: |used, limit, date| {
        format!(
            "本月飞书 API 调用额度已用完（{used} / {limit} 次）。页面只显示此前已获取的数据；尚未获取的日期要到 {date} 额度重置后才能查看，或调高 FEISHU_MONTHLY_QUOTA 后重启仪表盘。"
        )
    },
    quota_refused: |used, date| {
        format!(
            "飞书返回本月 API 调用额度已用完（99991403，本月已调用 {used} 次）。页面只显示此前已获取的数据；{date} 前不再调用飞书，升级飞书套餐后重启仪表盘即可恢复。"
        )
    },
    quota_missing_days: "所选范围包含尚未从飞书获取的日期，额度用完后无法显示。请选择此前查看过的日期。",
    quota_error_title: "本月飞书 API 额度已用完",
    loading: "加载中…",
    fetching: "正在从飞书获取数据…",
    fetching_pages: |done, total| format!("正在从飞书获取数据：第 {done} / 约 {total} 页"),
    presets_label: "时间范围",
    preset_7d: "近 7 天",
    preset_14d: "近 14 天",
    preset_30d: "近 30 天",
    preset_90d: "近 90 天",
    preset_month: "本月",
    preset_last_month: "上月",
    preset_ytd: "今年至今",
    preset_custom: "自定义",
    from: "开始日期",
    to: "结束日期",
    apply: "应用",
    previous_period: "上一周期",
    next_period: "下一周期",
    refresh: "刷新今日数据",
    refresh_hint: "重新获取今天和昨天的数据（更早的数据已是最终数据）",
    blocks_label: "小组件",
    all_blocks: "全部小组件",
    n_blocks: |n| format!("已选 {n} 个小组件"),
    search_blocks: "按名称或 ID 搜索",
    clear_filter: "显示全部",
    no_match: "没有匹配的小组件",
    card_pv: "访问次数（PV）",
    card_uv_sum: "每日访问用户数之和",
    card_uv_sum_hint: "同一用户在不同日期会被重复计算：跨天的访问用户数不能相加得到去重人数。",
    card_avg_uv: "日均访问用户数",
    card_pv_per_uv: "人均访问次数",
    card_active_blocks: "有访问的小组件",
    vs_previous: "较上一周期",
    vs_year_ago: "较去年同期",
    no_comparison: "无可比数据",
    trend_title: "访问趋势",
    trend_desc: |range| format!("{range} 每日访问次数与访问用户数"),
    top_title: "访问最多的小组件",
    top_desc: "按访问次数排序",
    show_as_table: "以表格查看",
    total: "合计",
    total_pv: "总访问次数",
    total_uv: "总访问用户数",
    pv: "访问次数",
    uv: "访问用户数",
    date: "日期",
    block: "小组件",
    block_id: "小组件 ID",
    workplace: "工作台",
    uv_day_sum: "每日用户数之和",
    avg_daily_uv: "日均用户数",
    active_days: "有访问天数",
    share: "访问占比",
    blocks_table_title: "各小组件",
    blocks_table_caption: |range| format!("{range} 各小组件的访问情况；点击一行只看该小组件"),
    filter_to_block: |name| format!("只看 {name}"),
    sort_by: |col| format!("按{col}排序"),
    no_data: "这段时间没有访问数据",
    today_incomplete: "今天的数据仍在增加",
    export_label: "导出",
    export_csv: "CSV 数据",
    export_trend_svg: "趋势图 SVG",
    export_xlsx: "Excel 数据",
    export_top_svg: "排行图 SVG",
    names_title: "小组件名称",
    names_hint: "飞书只返回小组件 ID。在这里为小组件命名并指定所属工作台，名称会显示在筛选、表格、图表和导出中。",
    name: "名称",
    save: "保存",
    remove_name: "清除名称",
    saved: "已保存",
    shortcuts_title: "键盘快捷键",
    shortcuts_help: &[
        ("1 2 3 4", "近 7 / 14 / 30 / 90 天"),
        ("M / L / Y", "本月 / 上月 / 今年至今"),
        ("C", "自定义日期"),
        ("← / →", "上一周期 / 下一周期"),
        ("/", "搜索小组件"),
        ("?", "显示快捷键"),
    ],
    view_overview: "概览",
    view_rows: "明细数据",
    rows_title: |range| format!("{range} 每日每个小组件的数据"),
    rows_page: |page, pages| format!("第 {page} / {pages} 页"),
    rows_truncated: "数据较多，已分页显示；完整数据请导出 CSV。",
    page_prev: "上一页",
    page_next: "下一页",
    error_title: "无法显示数据",
    deadline_title: "数据未能及时返回",
    deadline_text: |seconds, waited_for| {
        use domain::WaitedFor;
        let what = match waited_for {
            WaitedFor::Store => "仪表盘数据库".to_owned(),
            WaitedFor::Feishu { days } => format!("飞书返回 {days} 天的数据"),
            WaitedFor::Replica { days } => format!("另一个副本获取 {days} 天的数据"),
            WaitedFor::Answer => "仪表盘的应答".to_owned(),
        };
        format!("等待{what}超过 {seconds} 秒，已停止等待。")
    },
    deadline_advice: "获取仍在后台进行，请稍后重试。如果反复出现，请检查到飞书的网络连接。",
    retry: "重试",
    unnamed: "未命名",
    name_it: "命名",
    sign_out: "退出登录",
    pages: "页面",
    dashboard: "仪表盘",
    signed_in_as: |n| format!("已登录：{n}"),
    tokens_title: "API 令牌",
    tokens_hint: "脚本和内网门户可用 API 令牌调用 /api/v1/（请求头 Authorization: Bearer <令牌>）。令牌只在创建时显示一次，服务器只保存其哈希。",
    no_tokens: "还没有令牌。",
    token_name: "令牌名称（用途）",
    create_token: "创建令牌",
    new_token: "新令牌（只显示这一次，请立即复制）：",
    revoke: "吊销",
    revoked: "已吊销",
    created: "创建时间",
    last_used: "最近使用",
    never: "从未",
    created_by: "创建人",
    import: &import::ZH,
    workplaces: &workplaces::ZH,
    lists: &lists::ZH,
    insights: &insights::ZH,
    digest: &digest::ZH,
    notes: &notes::ZH,
    links: &share::ZH,
    sign_in: &sign_in::ZH,
    viewers: &viewers::ZH,
};

pub static EN: Messages = Messages {
    app_name: "Block Insights",
    tagline: "Page views and users of your Feishu workplace blocks",
    language: "Language",
    demo_banner: "Demo mode: these numbers come from the built-in Feishu simulator, not from your tenant, and the block names are demo names. Set FEISHU_APP_ID and FEISHU_APP_SECRET to see real data.",
    quota_warning: |used, limit, pct, date| {
        format!(
            "This month the dashboard has made {used} of its {limit} Feishu API calls ({pct}%). Once they are used up it shows only data already fetched, until the count resets on {date}."
        )
    },
    quota_reached: |used, limit, date| {
        format!(
            "The monthly Feishu API quota is used up ({used} of {limit} calls). Shown is only what was already fetched; days not fetched yet can be seen once the quota resets on {date}, or after raising FEISHU_MONTHLY_QUOTA and restarting the dashboard."
        )
    },
    quota_refused: |used, date| {
        format!(
            "Feishu says the tenant's monthly API call quota is used up (99991403, after {used} calls this month). Shown is only what was already fetched; the dashboard calls Feishu again from {date}, or once the Feishu plan is upgraded and the dashboard restarted."
        )
    },
    quota_missing_days: "This range includes days not yet fetched from Feishu, which cannot be shown while the quota is used up. Choose days viewed before.",
    quota_error_title: "This month's Feishu API quota is used up",
    loading: "Loading…",
    fetching: "Fetching from Feishu…",
    fetching_pages: |done, total| format!("Fetching from Feishu: page {done} of about {total}"),
    presets_label: "Date range",
    preset_7d: "Last 7 days",
    preset_14d: "Last 14 days",
    preset_30d: "Last 30 days",
    preset_90d: "Last 90 days",
    preset_month: "This month",
    preset_last_month: "Last month",
    preset_ytd: "Year to date",
    preset_custom: "Custom",
    from: "From",
    to: "To",
    apply: "Apply",
    previous_period: "Previous period",
    next_period: "Next period",
    refresh: "Refresh today",
    refresh_hint: "Fetch today's and yesterday's numbers again (earlier days are final)",
    blocks_label: "Blocks",
    all_blocks: "All blocks",
    n_blocks: |n| if n == 1 { "1 block".to_owned() } else { format!("{n} blocks") },
    search_blocks: "Search by name or id",
    clear_filter: "Show all",
    no_match: "No block matches",
    card_pv: "Page views (PV)",
    card_uv_sum: "Sum of daily users",
    card_uv_sum_hint: "A person who visits on several days counts once per day: daily users do not add up to distinct people.",
    card_avg_uv: "Average daily users",
    card_pv_per_uv: "Views per user",
    card_active_blocks: "Active blocks",
    vs_previous: "vs previous period",
    vs_year_ago: "vs a year earlier",
    no_comparison: "nothing to compare",
    trend_title: "Visits over time",
    trend_desc: |range| format!("Daily page views and users, {range}"),
    top_title: "Top blocks",
    top_desc: "By page views",
    show_as_table: "Show as a table",
    total: "Total",
    total_pv: "Total PV",
    total_uv: "Total UV",
    pv: "PV",
    uv: "UV",
    date: "Date",
    block: "Block",
    block_id: "Block id",
    workplace: "Workplace",
    uv_day_sum: "Daily users (sum)",
    avg_daily_uv: "Avg daily users",
    active_days: "Active days",
    share: "Share of PV",
    blocks_table_title: "Blocks",
    blocks_table_caption: |range| format!("Blocks, {range}; click a row to see that block only"),
    filter_to_block: |name| format!("Show only {name}"),
    sort_by: |col| format!("Sort by {col}"),
    no_data: "No visits in this range",
    today_incomplete: "Today's numbers are still growing",
    export_label: "Export",
    export_csv: "CSV data",
    export_trend_svg: "Trend chart (SVG)",
    export_xlsx: "Excel data",
    export_top_svg: "Top blocks chart (SVG)",
    names_title: "Block names",
    names_hint: "Feishu reports block ids only. Name blocks and put them in their workplaces here; names show in the filter, tables, charts and exports.",
    name: "Name",
    save: "Save",
    remove_name: "Clear name",
    saved: "Saved",
    shortcuts_title: "Keyboard shortcuts",
    shortcuts_help: &[
        ("1 2 3 4", "Last 7 / 14 / 30 / 90 days"),
        ("M / L / Y", "This month / last month / year to date"),
        ("C", "Custom dates"),
        ("← / →", "Previous / next period"),
        ("/", "Search blocks"),
        ("?", "Show shortcuts"),
    ],
    view_overview: "Overview",
    view_rows: "Rows",
    rows_title: |range| format!("Every day and block, {range}"),
    rows_page: |page, pages| format!("Page {page} of {pages}"),
    rows_truncated: "Many rows: shown in pages; export the CSV for all of them at once.",
    page_prev: "Previous page",
    page_next: "Next page",
    error_title: "The numbers cannot be shown",
    deadline_title: "The numbers did not come in time",
    deadline_text: |seconds, waited_for| {
        use domain::WaitedFor;
        let what = match waited_for {
            WaitedFor::Store => "the dashboard's database".to_owned(),
            WaitedFor::Feishu { days } => format!("Feishu's answers for {days} day(s)"),
            WaitedFor::Replica { days } => format!("another replica fetching {days} day(s)"),
            WaitedFor::Answer => "the dashboard's answer".to_owned(),
        };
        format!("Waited {seconds} s for {what}, then stopped waiting.")
    },
    deadline_advice: "The fetch goes on in the background: try again in a minute. If it keeps happening, check the connection to Feishu.",
    retry: "Try again",
    unnamed: "Unnamed",
    name_it: "Name it",
    sign_out: "Sign out",
    pages: "Pages",
    dashboard: "Dashboard",
    signed_in_as: |n| format!("Signed in as {n}"),
    tokens_title: "API tokens",
    tokens_hint: "Scripts and the intranet portal call /api/v1/ with an API token (header Authorization: Bearer <token>). A token is shown once, when created; the server keeps only its hash.",
    no_tokens: "No tokens yet.",
    token_name: "Token name (what it is for)",
    create_token: "Create token",
    new_token: "New token (shown only this once: copy it now):",
    revoke: "Revoke",
    revoked: "Revoked",
    created: "Created",
    last_used: "Last used",
    never: "Never",
    created_by: "Created by",
    import: &import::EN,
    workplaces: &workplaces::EN,
    lists: &lists::EN,
    insights: &insights::EN,
    digest: &digest::EN,
    notes: &notes::EN,
    links: &share::EN,
    sign_in: &sign_in::EN,
    viewers: &viewers::EN,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(0), "0");
        let d = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        assert_eq!(Locale::Zh.long_date(d), "2024年3月5日 周二");
        assert_eq!(Locale::En.long_date(d), "Tue, Mar 5, 2024");
        assert_eq!(percent_change(110.0, 100.0).as_deref(), Some("+10.0%"));
        assert_eq!(percent_change(90.0, 100.0).as_deref(), Some("\u{2212}10.0%"));
        assert_eq!(percent_change(1.0, 0.0), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn negotiates() {
        assert_eq!(Locale::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Locale::Zh);
        assert_eq!(Locale::negotiate(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(Locale::negotiate(Some("fr-FR")), Locale::En);
        assert_eq!(Locale::negotiate(None), Locale::Zh);
    }
}
