//! The texts of the viewers page (who else may view which numbers), in both languages.

/// Every text of the viewers page.
pub struct ViewerMessages {
    pub page_title: &'static str,
    pub hint: &'static str,
    /// Under the form: a grant again replaces, a revocation ends access at once.
    pub regrant_hint: &'static str,
    pub who: &'static str,
    pub who_example: &'static str,
    pub workplaces: &'static str,
    /// The form before Feishu has reported any custom workplace.
    pub no_workplaces: &'static str,
    pub blocks: &'static str,
    pub blocks_example: &'static str,
    pub grant: &'static str,
    pub grants_title: &'static str,
    pub none: &'static str,
    /// The list's columns.
    pub person: &'static str,
    pub block_ids: &'static str,
    pub granted_by: &'static str,
    pub granted_at: &'static str,
    /// A grant saved, for the person named.
    pub granted: fn(&str) -> String,
    /// A grant revoked, of the person named.
    pub revoked: fn(&str) -> String,
}

pub(super) const ZH: ViewerMessages = ViewerMessages {
    page_title: "查看者",
    hint: "为非管理员授予查看权限：对方用飞书登录后，只能看到所授范围内的数字——一个或多个定制工作台（指定到其中的全部区块，以及工作台本身的数字），和/或指定的区块。",
    regrant_hint: "再次授予同一人会替换其原有范围；撤销后，对方的下一次请求即不再能看到。",
    who: "人员（open_id、union_id 或邮箱）",
    who_example: "ou_… / on_… / name@example.com",
    workplaces: "定制工作台",
    no_workplaces: "飞书尚未报告任何定制工作台：先打开一次工作台视图再回来，或在下方填写区块 ID。",
    blocks: "区块 ID（以逗号分隔）",
    blocks_example: "7012345, 7012346",
    grant: "授予查看权限",
    grants_title: "已授予的查看权限",
    none: "尚未向任何人授予查看权限。",
    person: "人员",
    block_ids: "区块",
    granted_by: "授予人",
    granted_at: "授予时间",
    granted: |who| format!("已授予 {who} 查看权限。"),
    revoked: |who| format!("已撤销 {who} 的查看权限。"),
};

pub(super) const EN: ViewerMessages = ViewerMessages {
    page_title: "Viewers",
    hint: "Give people who are not admins view access: once signed in with Feishu, they see only the numbers of their scope, one or more custom workplaces (every block named into them, and the workplace's own numbers) and/or named blocks.",
    regrant_hint: "Granting the same person again replaces their scope; a revoked grant ends their access at their next request.",
    who: "Person (open_id, union_id or e-mail address)",
    who_example: "ou_… / on_… / name@example.com",
    workplaces: "Custom workplaces",
    no_workplaces: "Feishu has reported no custom workplace yet: open the workplace view once and come back, or give block ids below.",
    blocks: "Block ids (separated by commas)",
    blocks_example: "7012345, 7012346",
    grant: "Grant view access",
    grants_title: "Who has view access",
    none: "No one has view access yet.",
    person: "Person",
    block_ids: "Blocks",
    granted_by: "Granted by",
    granted_at: "Granted",
    granted: |who| format!("{who} has view access to the scope granted."),
    revoked: |who| format!("{who} no longer has view access."),
};
