//! The texts of read-only links, in both languages: the panel that makes them and
//! lists them, and the line a visitor of one sees.

/// Every text of read-only links.
pub struct ShareMessages {
    pub title: &'static str,
    pub hint: &'static str,
    pub expires_after: &'static str,
    /// A lifetime in days, for the choice.
    pub days: fn(u32) -> String,
    pub make: &'static str,
    /// Above a new link's address.
    pub made: &'static str,
    pub list_title: &'static str,
    pub view: &'static str,
    pub made_by: &'static str,
    pub expires: &'static str,
    pub opens: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub expired: &'static str,
    pub none: &'static str,
    /// What a visitor reads above the view: who shared it, until when.
    pub visiting: fn(&str, &str) -> String,
}

pub(super) const ZH: ShareMessages = ShareMessages {
    title: "分享此视图",
    hint: "生成一个只读链接，内容恰好是当前视图（时间段、工作台或区块）。本企业的任何人用飞书登录即可打开，看不到其他内容。链接到期失效，也可随时吊销。",
    expires_after: "有效期",
    days: |n| format!("{n} 天"),
    make: "生成链接",
    made: "链接已生成，复制后发送即可：",
    list_title: "已生成的链接",
    view: "视图",
    made_by: "生成人",
    expires: "到期",
    opens: "打开次数",
    revoke: "吊销",
    revoked: "已吊销",
    expired: "已过期",
    none: "还没有生成过链接。",
    visiting: |name, day| format!("{name} 分享的只读视图，链接 {day} 到期。"),
};

pub(super) const EN: ShareMessages = ShareMessages {
    title: "Share this view",
    hint: "A read-only link to exactly this view (its range, workplace or blocks): any person of your company signs in with Feishu to open it, and sees nothing else. It expires, and you can revoke it at any time.",
    expires_after: "Expires after",
    days: |n| if n == 1 { "1 day".to_owned() } else { format!("{n} days") },
    make: "Make a link",
    made: "Link made: copy it and send it:",
    list_title: "Links made",
    view: "View",
    made_by: "Made by",
    expires: "Expires",
    opens: "Opened",
    revoke: "Revoke",
    revoked: "Revoked",
    expired: "Expired",
    none: "No link made yet.",
    visiting: |name, day| format!("A read-only view shared by {name}; the link expires on {day}."),
};
