//! The texts of the block names import and export, in both languages: a part of the
//! catalogue of its own, so that the catalogue's file stays readable.

use domain::{InvalidLabel, LabelField, MAX_LABEL_CHARS, PlanCounts, Refusal};

/// Every text of the names import.
pub struct ImportMessages {
    pub title: &'static str,
    pub hint: &'static str,
    pub paste_label: &'static str,
    pub file_label: &'static str,
    pub preview: &'static str,
    pub apply: &'static str,
    pub checking: &'static str,
    /// The chosen file could not be read as UTF-8 text.
    pub not_utf8: &'static str,
    /// The import route did not answer.
    pub unreachable: &'static str,
    pub export_csv: &'static str,
    pub export_xlsx: &'static str,
    /// The counts of a plan, on one line.
    pub counts: fn(&PlanCounts) -> String,
    pub ready: &'static str,
    /// Lines refused: nothing can be saved.
    pub refused_title: fn(usize) -> String,
    pub nothing_to_change: &'static str,
    /// Blocks whose names were saved.
    pub saved: fn(usize) -> String,
    pub text_changed: &'static str,
    pub added: &'static str,
    pub renamed: &'static str,
    pub moved: &'static str,
    pub unchanged: &'static str,
    pub refused: &'static str,
    pub line: &'static str,
    pub line_text: &'static str,
    pub reason: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub no_workplace: &'static str,
    /// Why a line is refused, saying what to fix.
    pub refusal: fn(&Refusal) -> String,
    pub token_can_write_names: &'static str,
    pub token_permission: &'static str,
    pub token_reads: &'static str,
    pub token_writes_names: &'static str,
    pub token_can_manage_digests: &'static str,
    pub token_manages_digests: &'static str,
    pub token_expires: &'static str,
    pub token_expiry_days: fn(u32) -> String,
    pub token_never_expires: &'static str,
    pub token_expired: &'static str,
    /// A token made before tokens recorded their creator: it no longer works.
    pub token_legacy: &'static str,
}

pub static ZH: ImportMessages = ImportMessages {
    title: "批量导入名称",
    hint: "从表格软件复制后粘贴，或选择一个 CSV 文件：每行一个小组件，依次为区块ID、名称和可选的工作台，以制表符或逗号分隔；首行可以是表头（区块ID,名称,工作台 或 block_id,name,workplace）。先预览将要发生的变更，再点“应用”：要么全部保存，要么都不保存。",
    paste_label: "要导入的表格",
    file_label: "或选择 CSV 文件（UTF-8）",
    preview: "预览",
    apply: "应用",
    checking: "正在检查…",
    not_utf8: "所选文件不是 UTF-8 文本：请在表格软件中另存为“CSV UTF-8”格式后重新选择。",
    unreachable: "无法连接服务器，表格未检查也未保存：请刷新页面后重试。",
    export_csv: "导出全部名称（CSV）",
    export_xlsx: "导出全部名称（Excel）",
    counts: |c| {
        format!("新增 {} · 改名 {} · 换工作台 {} · 不变 {} · 拒绝 {}", c.added, c.renamed, c.moved, c.unchanged, c.refused)
    },
    ready: "尚未保存：确认以下变更后点击“应用”。",
    refused_title: |n| format!("{n} 行无法导入：请按原因修改后重新预览。只要有一行被拒绝，就不会保存任何内容。"),
    nothing_to_change: "所有名称都已与导入内容一致，无需保存。",
    saved: |n| format!("已保存 {n} 个小组件的名称。"),
    text_changed: "预览之后内容有改动：请重新预览再应用。",
    added: "新增",
    renamed: "改名",
    moved: "换工作台",
    unchanged: "不变",
    refused: "被拒绝的行",
    line: "行号",
    line_text: "内容",
    reason: "原因",
    before: "原来",
    after: "之后",
    no_workplace: "（无）",
    refusal: refusal_zh,
    token_can_write_names: "还可修改小组件名称（PUT /api/v1/block-names）",
    token_permission: "权限",
    token_reads: "只读",
    token_writes_names: "读取、修改名称",
    token_can_manage_digests: "还可管理群摘要（修改计划、发送测试消息）",
    token_manages_digests: "管理群摘要",
    token_expires: "有效期",
    token_expiry_days: |days| format!("{days} 天"),
    token_never_expires: "永不过期（不推荐）",
    token_expired: "已过期",
    token_legacy: "已失效：创建于记录创建者之前，请新建一个",
};

pub static EN: ImportMessages = ImportMessages {
    title: "Import names",
    hint: "Paste a table copied from a spreadsheet, or choose a CSV file: one block per line, its block id, name and optionally workplace, tab- or comma-separated; a first line of column names (block_id,name,workplace or 区块ID,名称,工作台) is optional. Preview shows what would change; Apply saves all of it or nothing.",
    paste_label: "Table to import",
    file_label: "Or choose a CSV file (UTF-8)",
    preview: "Preview",
    apply: "Apply",
    checking: "Checking…",
    not_utf8: "The chosen file is not UTF-8 text: save it as “CSV UTF-8” in your spreadsheet and choose it again.",
    unreachable: "The server could not be reached, so the table was neither checked nor saved: reload the page and try again.",
    export_csv: "Export names (CSV)",
    export_xlsx: "Export names (Excel)",
    counts: |c| {
        format!(
            "{} added · {} renamed · {} moved · {} unchanged · {} refused",
            c.added, c.renamed, c.moved, c.unchanged, c.refused
        )
    },
    ready: "Nothing is saved yet: check the changes, then Apply.",
    refused_title: |n| {
        format!(
            "{n} line(s) cannot be imported: fix them as each reason says and preview again. Nothing is saved while any line is refused."
        )
    },
    nothing_to_change: "Every name is already as the import says: nothing to save.",
    saved: |n| format!("Saved the names of {n} block(s)."),
    text_changed: "The text changed since the preview: preview again before applying.",
    added: "Added",
    renamed: "Renamed",
    moved: "Moved to another workplace",
    unchanged: "Unchanged",
    refused: "Refused lines",
    line: "Line",
    line_text: "Text",
    reason: "Reason",
    before: "Before",
    after: "After",
    no_workplace: "(none)",
    refusal: |r| r.to_string(),
    token_can_write_names: "May also change block names (PUT /api/v1/block-names)",
    token_permission: "Permission",
    token_reads: "Read",
    token_writes_names: "Read, change names",
    token_can_manage_digests: "May also manage chat digests (change schedules, send test messages)",
    token_manages_digests: "manage digests",
    token_expires: "Expires",
    token_expiry_days: |days| format!("{days} days"),
    token_never_expires: "Never (not recommended)",
    token_expired: "Expired",
    token_legacy: "No longer works: made before tokens recorded their creator; create a new one",
};

fn field_zh(field: LabelField) -> &'static str {
    match field {
        LabelField::Name => "名称",
        LabelField::Workplace => "工作台",
    }
}

fn refusal_zh(refusal: &Refusal) -> String {
    match refusal {
        Refusal::MissingBlockId => "区块ID为空：每行以小组件的ID开头，1 到 32 位数字，例如 283438293839422334".into(),
        Refusal::NotABlockId { text } => format!(
            "“{text}”不是区块ID：区块ID为 1 到 32 位数字（0-9），例如 283438293839422334；请复制工作台编辑器中小组件名称下方的 BlockID"
        ),
        Refusal::Label { problem } => match problem {
            InvalidLabel::EmptyName => format!("名称为空：请填写 1 到 {MAX_LABEL_CHARS} 个字符的名称"),
            InvalidLabel::EmptyWorkplace => "工作台为空：填写工作台名称，或留空表示不属于任何工作台".into(),
            InvalidLabel::TooLong { field, len } => {
                format!("{}有 {len} 个字符：请缩短到 {MAX_LABEL_CHARS} 个字符以内", field_zh(*field))
            }
            InvalidLabel::ControlCharacter { field, code } => {
                format!("{}含有控制字符 U+{code:04X}：请写在一行内，不要包含制表符等不可见字符", field_zh(*field))
            }
        },
        Refusal::LineBreak { field } => {
            format!("{}跨越了多行：有一个引号（\"）没有闭合；请补上引号，或去掉引号", field_zh(*field))
        }
        Refusal::TooManyColumns { columns } => {
            format!("这一行有 {columns} 列，而每行只应有区块ID、名称和可选的工作台：请删去多余的列，或把含分隔符的名称放在引号内")
        }
        Refusal::UnknownHeader => {
            "第一行既不是小组件名称，也不是可识别的表头：表头请写 区块ID,名称,工作台（或 block_id,name,workplace），或让这一行以区块ID开头".into()
        }
        Refusal::ConflictingName { block_id, other_line, other_name } => {
            format!("区块 {block_id} 在第 {other_line} 行也出现了，名称却是“{other_name}”：请只保留其中一行")
        }
        Refusal::ConflictingWorkplace { block_id, other_line, other_workplace } => {
            let other = other_workplace.as_deref().map_or_else(|| "无".to_owned(), |w| format!("“{w}”"));
            format!("区块 {block_id} 在第 {other_line} 行也出现了，名称相同但工作台不同（{other}）：请只保留其中一行")
        }
        Refusal::NotAnObject => r#"这一项不是对象：每项应写成 {"block_id": "…", "name": "…", "workplace": "…"}"#.into(),
        Refusal::UnknownField { field } => {
            format!("这一项含有未知字段“{field}”：每项只有 block_id、name 和可选的 workplace")
        }
        Refusal::NotText { field } => format!(
            "这一项的 {field} 不是字符串：请加引号，例如 \"{field}\": \"…\"（区块ID也要加引号，JSON 数字超过 15 位会丢失精度）"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_in_chinese() {
        let id = domain::BlockId::parse("283438293839422334").unwrap();
        let refusals = [
            Refusal::NotABlockId { text: "12ab".into() },
            Refusal::Label { problem: InvalidLabel::TooLong { field: LabelField::Workplace, len: 81 } },
            Refusal::ConflictingName { block_id: id, other_line: 7, other_name: "周报".into() },
        ];
        let zh: Vec<String> = refusals.iter().map(ZH.refusal).collect();
        assert_eq!(
            zh[0],
            "“12ab”不是区块ID：区块ID为 1 到 32 位数字（0-9），例如 283438293839422334；请复制工作台编辑器中小组件名称下方的 BlockID"
        );
        assert_eq!(zh[1], "工作台有 81 个字符：请缩短到 80 个字符以内");
        assert!(zh[2].contains("第 7 行") && zh[2].contains("“周报”"), "{}", zh[2]);
        assert_eq!((EN.refusal)(&refusals[2]), refusals[2].to_string());
    }
}
