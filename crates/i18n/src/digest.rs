//! The texts of the digest card posted to Feishu chats and of its setup page, in both
//! languages.

/// Every text of the digest.
pub struct DigestMessages {
    // The card.
    /// (range): the card's title.
    pub card_title: fn(&str) -> String,
    /// (what it covers, range): the title of a digest limited to a scope.
    pub scoped_card_title: fn(&str, &str) -> String,
    /// (what it covers): a scoped digest's first line.
    pub covers: fn(&str) -> String,
    /// (count): the workplaces and blocks a list of them leaves unnamed.
    pub and_more: fn(usize) -> String,
    /// (days): the subtitle of a weekly or daily digest.
    pub card_subtitle: fn(u32) -> String,
    pub views: &'static str,
    pub daily_users: &'static str,
    /// (change): against the period before.
    pub versus_before: fn(&str) -> String,
    pub no_previous: &'static str,
    pub top_blocks: &'static str,
    pub block: &'static str,
    pub workplace: &'static str,
    pub pv: &'static str,
    pub uv: &'static str,
    pub movers: &'static str,
    pub before: &'static str,
    pub change: &'static str,
    pub unusual: &'static str,
    pub date: &'static str,
    pub what: &'static str,
    pub usual: &'static str,
    pub all_blocks: &'static str,
    /// An unusual day of all the blocks a scoped digest covers.
    pub all_covered_blocks: &'static str,
    /// (days): the dormant list's title.
    pub dormant: fn(u32) -> String,
    pub earlier_views: &'static str,
    pub last_seen: &'static str,
    pub never: &'static str,
    /// (shown, all): a list cut to fit the card.
    pub cut: fn(usize, usize) -> String,
    /// The notes' list: its title and columns.
    pub notes: &'static str,
    pub note: &'static str,
    pub concerns: &'static str,
    pub impact: &'static str,
    /// What a note on neither blocks nor a workplace concerns.
    pub whole_tenant: &'static str,
    /// (name): a note's custom workplace.
    pub workplace_named: fn(&str) -> String,
    /// Between the names of a note's blocks.
    pub list_separator: &'static str,
    /// (day): a note whose weeks after are not over yet.
    pub judgeable_on: fn(&str) -> String,
    pub nothing_unusual: &'static str,
    pub nothing_dormant: &'static str,
    pub no_views: &'static str,
    pub open_dashboard: &'static str,
    pub footer: &'static str,
    // The setup page.
    pub page_title: &'static str,
    pub page_hint: &'static str,
    pub back: &'static str,
    pub chats_title: &'static str,
    pub chats_hint: &'static str,
    pub no_chats: &'static str,
    pub chats_failed: &'static str,
    pub refresh_chats: &'static str,
    pub chat: &'static str,
    pub enabled: &'static str,
    pub language: &'static str,
    pub schedule: &'static str,
    pub weekly: &'static str,
    pub daily: &'static str,
    pub weekday: &'static str,
    pub hour: &'static str,
    /// What a chat's digest covers: the choice's legend and its options.
    pub coverage: &'static str,
    pub coverage_tenant: &'static str,
    pub coverage_scope: &'static str,
    pub coverage_workplaces: &'static str,
    /// No custom workplace is known to the dashboard yet.
    pub no_workplaces_known: &'static str,
    pub coverage_blocks: &'static str,
    pub coverage_blocks_hint: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub removed: &'static str,
    pub remove: &'static str,
    pub preview: &'static str,
    pub preview_title: fn(&str) -> String,
    pub send_test: &'static str,
    /// (chat): a test digest was sent.
    pub test_sent: fn(&str) -> String,
    pub next_digest: &'static str,
    pub off: &'static str,
    pub deliveries_title: &'static str,
    pub no_deliveries: &'static str,
    pub period: &'static str,
    pub state: &'static str,
    pub sent: &'static str,
    pub failed: &'static str,
    pub sending: &'static str,
    /// The deliveries' time column.
    pub changed_at: &'static str,
    pub retry_at: &'static str,
    pub test: &'static str,
    pub not_in_list: &'static str,
    /// (time zone).
    pub timezone_note: fn(&str) -> String,
    /// What a Feishu code refusing a digest means and what to do, for the codes the
    /// digest meets; `None` for others (the stored message is shown then).
    pub refusal: fn(i64) -> Option<&'static str>,
}

pub static ZH: DigestMessages = DigestMessages {
    card_title: |range| format!("工作台小组件摘要 · {range}"),
    scoped_card_title: |covers, range| format!("{covers}摘要 · {range}"),
    covers: |covers| format!("本摘要仅包含{covers}的小组件数据，不含企业整体及其他工作台的数据。"),
    and_more: |count| format!("等另外 {count} 项"),
    card_subtitle: |days| {
        if days == 1 {
            "最近一个已定稿日（前天）的数据".to_owned()
        } else {
            format!("最近 {days} 个已定稿日的数据")
        }
    },
    views: "访问次数",
    daily_users: "日均访问用户数",
    versus_before: |change| format!("较上一周期 {change}"),
    no_previous: "无上一周期数据",
    top_blocks: "访问最多的小组件",
    block: "小组件",
    workplace: "工作台",
    pv: "访问次数",
    uv: "访问用户数（日累计）",
    movers: "变化最大",
    before: "上一周期",
    change: "变化",
    unusual: "异常日",
    date: "日期",
    what: "对象",
    usual: "通常",
    all_blocks: "全部小组件",
    all_covered_blocks: "本摘要的全部小组件",
    dormant: |days| format!("近 {days} 天几乎无人使用"),
    earlier_views: "此前访问",
    last_seen: "最后访问",
    never: "从未",
    cut: |shown, all| format!("仅显示前 {shown} 项，共 {all} 项，完整列表请打开仪表盘。"),
    notes: "本周期的备注",
    note: "备注",
    concerns: "涉及",
    impact: "影响",
    whole_tenant: "整个企业",
    workplace_named: |name| format!("工作台「{name}」"),
    list_separator: "、",
    judgeable_on: |day| format!("{day}起可判断"),
    nothing_unusual: "本周期没有异常日。",
    nothing_dormant: "没有变得无人使用的小组件。",
    no_views: "本周期没有访问。",
    open_dashboard: "在仪表盘中查看本周期",
    footer: "由小组件洞察发送。数据为已定稿日（前天及更早），与仪表盘一致。",
    page_title: "群消息摘要",
    page_hint: "机器人每周或每天把上一周期的访问数据、变化、异常日和无人使用的小组件发到所选的飞书群。只有已定稿的日期会被统计。",
    back: "返回仪表盘",
    chats_title: "机器人所在的群",
    chats_hint: "先在飞书中把应用的机器人拉进群，群才会出现在这里。",
    no_chats: "机器人还不在任何群中。",
    chats_failed: "无法读取机器人所在的群：",
    refresh_chats: "重新读取群列表",
    chat: "群",
    enabled: "开启",
    language: "语言",
    schedule: "发送时间",
    weekly: "每周",
    daily: "每天",
    weekday: "星期",
    hour: "时",
    coverage: "摘要范围",
    coverage_tenant: "整个企业",
    coverage_scope: "仅限以下自定义工作台和小组件",
    coverage_workplaces: "自定义工作台",
    no_workplaces_known: "仪表盘还不知道任何自定义工作台：打开仪表盘的「工作台」标签页后，飞书报告的工作台会出现在这里。",
    coverage_blocks: "小组件 ID（可选）",
    coverage_blocks_hint: "多个 ID 用逗号或空格分隔。",
    save: "保存",
    saved: "已保存。",
    removed: "已删除。",
    remove: "删除",
    preview: "预览",
    preview_title: |chat| format!("发到「{chat}」的卡片预览"),
    send_test: "立即发送测试",
    test_sent: |chat| format!("测试摘要已发送到「{chat}」。"),
    next_digest: "下次发送",
    off: "未开启",
    deliveries_title: "最近的发送",
    no_deliveries: "还没有发送过。",
    period: "周期",
    state: "状态",
    sent: "已发送",
    failed: "失败",
    sending: "发送中",
    changed_at: "时间",
    retry_at: "将重试于",
    test: "测试",
    not_in_list: "（机器人已不在此群）",
    timezone_note: |tz| format!("时间为企业时区 {tz}。"),
    refusal: |code| {
        Some(match code {
            230_001 => "飞书认为请求无效（群 ID 或消息类型）。请在群列表中重新选择该群。",
            230_002 => {
                "机器人不在这个群里。请在飞书中把应用的机器人添加到群（群设置 → 群机器人 → 添加机器人），或删除该群的摘要。"
            }
            230_006 => "应用的机器人能力未开启。请在飞书开发者后台「应用能力 → 机器人」中开启，并发布新版本。",
            230_020 => "飞书正在限制发往这个群的消息频率，稍后会自动重试。",
            230_025 => "卡片超过了飞书的长度上限。请报告此问题：摘要本应始终符合卡片限制。",
            230_027 => {
                "应用缺少发送这条消息所需的权限。请在飞书开发者后台确认应用已开通 im:message:send_as_bot（权限管理），且应用的可用范围包含这个群，然后发布新版本。"
            }
            230_034 => "飞书不认识这个群 ID（可能属于其他应用或企业）。请在群列表中重新选择该群，或删除该群的摘要。",
            230_049 => {
                "同一条摘要正在由另一次发送处理（例如另一个副本），无需操作：稍后会自动再次确认，届时得到飞书已发出的那条消息。"
            }
            230_035 => "机器人无权在这个群发言。请在群设置中允许机器人发言，或选择其他群。",
            232_009 => "这个群已解散。请删除该群的摘要并选择其他群。",
            232_025 => {
                "应用的机器人能力未开启，飞书因此不列出任何群。请在飞书开发者后台「应用能力 → 机器人」中开启并发布新版本，再把机器人加入要接收摘要的群。"
            }
            230_099 => "飞书无法生成这张卡片。请报告此问题，并附上下方的原因。",
            99_991_672 => {
                "应用缺少发送消息的权限（im:message:send_as_bot）。请在飞书开发者后台「权限管理」中开通，发布新版本并由管理员审核通过。"
            }
            99_991_400 => "飞书正在限制本应用的请求频率，稍后会自动重试。",
            99_991_403 => "本月飞书 API 调用额度已用完，下月额度重置后才能发送。",
            _ => return None,
        })
    },
};

pub static EN: DigestMessages = DigestMessages {
    card_title: |range| format!("Workplace blocks digest · {range}"),
    scoped_card_title: |covers, range| format!("{covers} digest · {range}"),
    covers: |covers| format!("This digest covers only the blocks of {covers}: not the whole tenant, nor other workplaces."),
    and_more: |count| format!("{count} more"),
    card_subtitle: |days| {
        if days == 1 { "The last final day (the day before yesterday)".to_owned() } else { format!("The last {days} final days") }
    },
    views: "Page views",
    daily_users: "Average daily users",
    versus_before: |change| format!("{change} on the period before"),
    no_previous: "no numbers for the period before",
    top_blocks: "Most used blocks",
    block: "Block",
    workplace: "Workplace",
    pv: "Views",
    uv: "Users (daily sum)",
    movers: "Biggest changes",
    before: "Before",
    change: "Change",
    unusual: "Unusual days",
    date: "Date",
    what: "What",
    usual: "Usual",
    all_blocks: "All blocks",
    all_covered_blocks: "All blocks of this digest",
    dormant: |days| format!("Hardly used in the last {days} days"),
    earlier_views: "Views before",
    last_seen: "Last view",
    never: "never",
    cut: |shown, all| format!("The first {shown} of {all}; the dashboard has them all."),
    notes: "Notes on these days",
    note: "Note",
    concerns: "Concerns",
    impact: "Impact",
    whole_tenant: "The whole tenant",
    workplace_named: |name| format!("Workplace “{name}”"),
    list_separator: ", ",
    judgeable_on: |day| format!("Judgeable on {day}"),
    nothing_unusual: "No unusual day in this period.",
    nothing_dormant: "No block fell out of use.",
    no_views: "No views in this period.",
    open_dashboard: "Open this period in the dashboard",
    footer: "Sent by Block Insights. Final days only (the day before yesterday and earlier), as in the dashboard.",
    page_title: "Chat digests",
    page_hint: "The bot posts last period's views, what changed, unusual days and blocks nobody uses to the Feishu chats you choose, every week or every day. Only final days are counted.",
    back: "Back to the dashboard",
    chats_title: "Chats the bot is in",
    chats_hint: "Add the app's bot to a chat in Feishu for it to appear here.",
    no_chats: "The bot is not in any chat yet.",
    chats_failed: "Could not read the chats the bot is in: ",
    refresh_chats: "Read the chats again",
    chat: "Chat",
    enabled: "On",
    language: "Language",
    schedule: "When",
    weekly: "Weekly",
    daily: "Daily",
    weekday: "Weekday",
    hour: "Hour",
    coverage: "What the digest covers",
    coverage_tenant: "The whole tenant",
    coverage_scope: "Only these custom workplaces and blocks",
    coverage_workplaces: "Custom workplaces",
    no_workplaces_known: "The dashboard knows no custom workplace yet: open the dashboard's Workplaces tab, and those Feishu reports appear here.",
    coverage_blocks: "Block ids (optional)",
    coverage_blocks_hint: "Separate several ids with commas or spaces.",
    save: "Save",
    saved: "Saved.",
    removed: "Removed.",
    remove: "Remove",
    preview: "Preview",
    preview_title: |chat| format!("The card for “{chat}”"),
    send_test: "Send a test now",
    test_sent: |chat| format!("A test digest was sent to “{chat}”."),
    next_digest: "Next digest",
    off: "off",
    deliveries_title: "Recent deliveries",
    no_deliveries: "Nothing sent yet.",
    period: "Period",
    state: "State",
    sent: "Sent",
    failed: "Failed",
    sending: "Sending",
    changed_at: "Time",
    retry_at: "retried at",
    test: "test",
    not_in_list: " (the bot left this chat)",
    timezone_note: |tz| format!("Times are in the tenant's time zone, {tz}."),
    refusal: |code| {
        Some(match code {
            230_001 => "Feishu found the request invalid (the chat id or the message type). Choose the chat again from the list.",
            230_002 => {
                "The bot is not in this chat. Add the app's bot to the chat in Feishu (chat settings → Bots → Add bot), or remove the chat's digest."
            }
            230_006 => {
                "The app's bot capability is off. Turn it on in the Feishu developer console (Features → Bot) and publish a new app version."
            }
            230_020 => "Feishu is limiting messages to this chat; the digest is tried again shortly.",
            230_025 => {
                "The card is longer than Feishu takes. Please report it: the digest is meant to stay within Feishu's card limits."
            }
            230_027 => {
                "The app lacks a permission this send needs. Check in the Feishu developer console that it holds im:message:send_as_bot (Permissions & Scopes) and that its availability covers this chat, then publish a new app version."
            }
            230_034 => {
                "Feishu does not know this chat id for this app (it may be another app's or tenant's). Choose the chat again from the list, or remove its digest."
            }
            230_049 => {
                "Another send of this digest (another replica) is still under way. Nothing to do: it is checked again shortly and then answers the message Feishu sent."
            }
            230_035 => "The bot may not post in this chat. Let it post (chat settings), or choose another chat.",
            232_009 => "The chat was dissolved. Remove its digest and choose another chat.",
            232_025 => {
                "The app's bot capability is off, so Feishu lists no chat. Turn it on in the Feishu developer console (Features → Bot), publish a new app version, then add the bot to the chats."
            }
            230_099 => "Feishu could not build the card. Please report it with the reason below.",
            99_991_672 => {
                "The app lacks the scope to send messages (im:message:send_as_bot). Grant it in the Feishu developer console (Permissions & Scopes), publish a new app version and have the admin approve it."
            }
            99_991_400 => "Feishu is limiting this app's requests; the digest is tried again shortly.",
            99_991_403 => "The month's Feishu API calls are used up; digests go again when the quota resets.",
            _ => return None,
        })
    },
};
