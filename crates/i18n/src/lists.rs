//! The texts of the page's bounded lists: the blocks table's search and pages, the
//! block filter's search, and every list that shows its first rows and how many more
//! there are, in both languages.

/// Every text of the bounded lists.
pub struct ListMessages {
    /// The label of the blocks table's search field.
    pub search_table: &'static str,
    pub search: &'static str,
    pub clear_search: &'static str,
    /// Rows `first`–`last` of `matching` blocks (all `total` of them without a search).
    pub table_count: fn(first: &str, last: &str, matching: &str, total: &str, search: Option<&str>) -> String,
    pub no_match: fn(&str) -> String,
    /// The label of a list's page links.
    pub pages: &'static str,
    pub first_page: &'static str,
    pub last_page: &'static str,
    /// The label of the block filter's search field.
    pub find_blocks: &'static str,
    /// Under the filter's choices: how many more blocks match.
    pub choices_more: fn(&str) -> String,
    pub no_choice: fn(&str) -> String,
    /// Under a list cut short: how many more rows it has.
    pub more_rows: fn(&str) -> String,
    pub show_all: &'static str,
    pub show_fewer: &'static str,
    /// The names panel: forms for the named blocks of the table's page, of how many blocks.
    pub names_on_page: fn(usize, &str) -> String,
    /// The history fetch: (months held, months of the window).
    pub history_fetching: fn(u32, u32) -> String,
    /// (held, window, the day it goes on).
    pub history_paused: fn(u32, u32, &str) -> String,
    /// (held, window, what failed).
    pub history_failed: fn(u32, u32, &str) -> String,
}

pub(super) const ZH: ListMessages = ListMessages {
    search_table: "按名称、ID 或工作台搜索小组件",
    search: "搜索",
    clear_search: "清除搜索",
    table_count: |first, last, matching, total, search| match search {
        Some(q) => format!("第 {first}–{last} 个，共 {matching} 个匹配“{q}”（全部 {total} 个）"),
        None => format!("第 {first}–{last} 个，共 {total} 个小组件"),
    },
    no_match: |q| format!("没有小组件的名称、ID 或工作台包含“{q}”。"),
    pages: "分页",
    first_page: "首页",
    last_page: "末页",
    find_blocks: "查找小组件",
    choices_more: |n| format!("另有 {n} 个：输入名称或 ID 查找"),
    no_choice: |q| format!("没有小组件包含“{q}”。"),
    more_rows: |n| format!("另有 {n} 项"),
    show_all: "全部显示",
    show_fewer: "收起",
    names_on_page: |n, total| {
        format!(
            "下面是表格本页已命名的 {n} 个小组件（共 {total} 个），可在此改名；未命名的小组件在表格行内“命名”。搜索或翻页表格可找到其他小组件，批量命名请用导入。"
        )
    },
    history_fetching: |done, total| format!("正在获取历史数据：已有 {done} / {total} 个月；较早的日期首次查看时可能需要等待。"),
    history_paused: |done, total, date| {
        format!("历史数据获取已暂停（已有 {done} / {total} 个月）：本月分给它的飞书调用额度已用完，{date} 继续。")
    },
    history_failed: |done, total, reason| format!("历史数据获取出错（已有 {done} / {total} 个月），稍后自动重试：{reason}"),
};

pub(super) const EN: ListMessages = ListMessages {
    search_table: "Search blocks by name, id or workplace",
    search: "Search",
    clear_search: "Clear search",
    table_count: |first, last, matching, total, search| match search {
        Some(q) if matching == "1" => format!("1 block matching “{q}” ({total} in all)"),
        Some(q) => format!("{first}–{last} of {matching} blocks matching “{q}” ({total} in all)"),
        None => format!("{first}–{last} of {total} blocks"),
    },
    no_match: |q| format!("No block's name, id or workplace holds “{q}”."),
    pages: "Pages",
    first_page: "First",
    last_page: "Last",
    find_blocks: "Find blocks",
    choices_more: |n| format!("{n} more: type a name or id to find them"),
    no_choice: |q| format!("No block holds “{q}”."),
    more_rows: |n| format!("and {n} more"),
    show_all: "Show all",
    show_fewer: "Show fewer",
    names_on_page: |n, total| {
        format!(
            "The {n} named blocks on this page of the table (of {total}), to rename; an unnamed block has \"Name it\" in its row. \
             Search or page the table for others, or import many names at once."
        )
    },
    history_fetching: |done, total| {
        format!("Fetching history: {done} of {total} months held; earlier days may take a moment the first time they are shown.")
    },
    history_paused: |done, total, date| {
        format!(
            "Fetching history paused at {done} of {total} months: its share of this month's Feishu calls is spent; it goes on on {date}."
        )
    },
    history_failed: |done, total, reason| {
        format!("Fetching history failed at {done} of {total} months and will try again: {reason}")
    },
};
