use super::*;
use crate::import_input::MAX_SHOWN_CHARS;
use crate::label::MAX_LABEL_CHARS;

const A: &str = "283438293839422334";
const B: &str = "283438293839422335";
const C: &str = "283438293839422336";

fn id(text: &str) -> BlockId {
    BlockId::parse(text).unwrap()
}

fn label(block: &str, name: &str, workplace: Option<&str>) -> BlockLabel {
    BlockLabel { block_id: id(block), name: name.to_owned(), workplace: workplace.map(str::to_owned) }
}

fn held(labels: &[BlockLabel]) -> BTreeMap<BlockId, BlockLabel> {
    labels.iter().map(|l| (l.block_id.clone(), l.clone())).collect()
}

fn table(input: &str) -> NamesPlan {
    plan_import(input, ImportFormat::Table, &BTreeMap::new()).unwrap()
}

/// (line, reason) of each refused line.
fn refusals(plan: &NamesPlan) -> Vec<(usize, Refusal)> {
    plan.refused.iter().map(|r| (r.line, r.reason.clone())).collect()
}

#[test]
fn a_spreadsheet_copy_with_a_chinese_header_bom_and_blank_lines_is_read_whole() {
    let input = format!(
        "\u{feff}区块ID\t名称\t工作台\r\n{A}\t审批中心\t办公\r\n\r\n{B}\t\"周报, 销售\"\t\r\n\t\t\r\n{C}\tWeekly report\t销售 工作台\r\n"
    );
    let plan = table(&input);
    assert_eq!(refusals(&plan), []);
    assert_eq!(
        plan.added,
        [label(A, "审批中心", Some("办公")), label(B, "周报, 销售", None), label(C, "Weekly report", Some("销售 工作台"))]
    );
    assert_eq!(plan.counts(), PlanCounts { added: 3, ..PlanCounts::default() });
}

#[test]
fn a_csv_without_a_header_takes_quotes_and_trims() {
    let input = format!("{A},\"Sales \"\"East\"\", weekly\",Office\n  {B} ,Approvals\n{C},\"多行\"\n");
    let plan = table(&input);
    assert_eq!(refusals(&plan), []);
    assert_eq!(
        plan.added,
        [label(A, "Sales \"East\", weekly", Some("Office")), label(B, "Approvals", None), label(C, "多行", None)]
    );
}

#[test]
fn a_header_may_name_the_columns_in_any_order_and_leave_the_workplace_out() {
    let plan = table(&format!("Name,Block ID\nApprovals,{A}\n"));
    assert_eq!(plan.added, [label(A, "Approvals", None)]);
    // A header the import does not know is refused with what to call the columns.
    let plan = table(&format!("id,title\n{A},Approvals\n"));
    assert_eq!(refusals(&plan), [(1, Refusal::UnknownHeader)]);
    assert!(Refusal::UnknownHeader.to_string().contains("block_id, name and optionally workplace (or 区块ID, 名称, 工作台)"));
    // A block may be named like a column.
    let plan = table(&format!("{A},名称,工作台\n"));
    assert_eq!(plan.added, [label(A, "名称", Some("工作台"))]);
}

#[test]
fn the_plan_sorts_blocks_into_added_renamed_moved_and_unchanged() {
    let current = held(&[label(A, "Approvals", Some("Office")), label(B, "Weekly", None), label(C, "Sales", Some("East"))]);
    let d = "283438293839422337";
    let input = format!("{A},Approvals,Office\n{B},Weekly report,\n{C},Sales,West\n{d},New one,East\n");
    let plan = plan_import(&input, ImportFormat::Table, &current).unwrap();
    assert_eq!(plan.unchanged, [label(A, "Approvals", Some("Office"))]);
    assert_eq!(plan.renamed, [LabelChange { before: label(B, "Weekly", None), after: label(B, "Weekly report", None) }]);
    assert_eq!(plan.moved, [LabelChange { before: label(C, "Sales", Some("East")), after: label(C, "Sales", Some("West")) }]);
    assert_eq!(plan.added, [label(d, "New one", Some("East"))]);
    assert_eq!(
        plan.labels_to_save(),
        [label(d, "New one", Some("East")), label(B, "Weekly report", None), label(C, "Sales", Some("West"))]
    );
    // Renamed and moved at once: listed once, under renamed, with both changes.
    let plan = plan_import(&format!("{C},Sales board,\n"), ImportFormat::Table, &current).unwrap();
    assert_eq!(plan.renamed, [LabelChange { before: label(C, "Sales", Some("East")), after: label(C, "Sales board", None) }]);
    assert!(plan.moved.is_empty());
}

#[test]
fn each_bad_line_is_refused_with_its_number_its_text_and_what_to_fix() {
    let long = "长".repeat(MAX_LABEL_CHARS + 1);
    let input = format!(
        "block_id,name,workplace\n\
         12ab,Approvals,\n\
         ,Approvals\n\
         {A},\n\
         {A}2,   \n\
         {B},{long}\n\
         {B}1,ok,{long}\n\
         {C},\"tab\there\"\n\
         {C}1,a,b,c\n\
         {C}2,\"never closed\n\
         {C}3,fine\n"
    );
    let plan = table(&input);
    let too_long = |field| Refusal::Label { problem: InvalidLabel::TooLong { field, len: MAX_LABEL_CHARS + 1 } };
    assert_eq!(
        refusals(&plan),
        [
            (2, Refusal::NotABlockId { text: "12ab".into() }),
            (3, Refusal::MissingBlockId),
            (4, Refusal::Label { problem: InvalidLabel::EmptyName }),
            (5, Refusal::Label { problem: InvalidLabel::EmptyName }),
            (6, too_long(LabelField::Name)),
            (7, too_long(LabelField::Workplace)),
            (8, Refusal::Label { problem: InvalidLabel::ControlCharacter { field: LabelField::Name, code: 9 } }),
            (9, Refusal::TooManyColumns { columns: 4 }),
            (10, Refusal::LineBreak { field: LabelField::Name }),
        ]
    );
    assert_eq!(plan.refused[0].text, "12ab,Approvals,");
    assert_eq!(plan.refused[7].text, format!("{C}1,a,b,c"));
    // The unclosed quote swallowed the rest of the input, which is why it is refused.
    assert!(plan.added.is_empty(), "{:?}", plan.added);
    let messages: Vec<String> = plan.refused.iter().map(|r| r.reason.to_string()).collect();
    assert!(messages[0].contains("\"12ab\" is not a block id: block ids are 1 to 32 digits"), "{}", messages[0]);
    assert!(messages[1].contains("the block id is empty"), "{}", messages[1]);
    assert!(messages[2].contains("give the block a name of 1 to 80 characters"), "{}", messages[2]);
    assert!(messages[4].contains("shorten it to at most 80"), "{}", messages[4]);
    assert!(messages[6].contains("U+0009"), "{}", messages[6]);
    assert!(messages[8].contains("a quote (\") was opened and not closed"), "{}", messages[8]);
    // A long line is shown cut short.
    let plan = table(&format!("{A}x,{}\n", "y".repeat(300)));
    assert_eq!(plan.refused[0].text, format!("{A}x,{}…", "y".repeat(MAX_SHOWN_CHARS - A.len() - 2)));
}

#[test]
fn an_id_twice_with_two_names_refuses_both_lines_naming_the_other() {
    let input = format!("{A},Approvals\n{B},Weekly\n{A},审批\n{B},Weekly\n{C},Sales,East\n{C},Sales,West\n");
    let plan = table(&input);
    assert_eq!(
        refusals(&plan),
        [
            (1, Refusal::ConflictingName { block_id: id(A), other_line: 3, other_name: "审批".into() }),
            (3, Refusal::ConflictingName { block_id: id(A), other_line: 1, other_name: "Approvals".into() }),
            (5, Refusal::ConflictingWorkplace { block_id: id(C), other_line: 6, other_workplace: Some("West".into()) }),
            (6, Refusal::ConflictingWorkplace { block_id: id(C), other_line: 5, other_workplace: Some("East".into()) }),
        ]
    );
    assert_eq!(
        plan.refused[0].reason.to_string(),
        format!("block {A} is also on line 3, named \"审批\" there: keep one of the two lines")
    );
    // The same id twice with the same name is taken once.
    assert_eq!(plan.added, [label(B, "Weekly", None)]);
}

#[test]
fn nothing_to_import_and_too_many_lines_refuse_the_whole_input() {
    for empty in ["", "\u{feff}", "\n\n  \n", "block_id,name,workplace\n", "[]", "{\"names\": []}"] {
        let format = if empty.starts_with(['[', '{']) { ImportFormat::Json } else { ImportFormat::Table };
        assert_eq!(plan_import(empty, format, &BTreeMap::new()), Err(ImportError::Empty), "{empty:?}");
    }
    let lines = |n: usize| (0..n).map(|i| format!("{},Block {i}\n", 1_000_000 + i)).collect::<String>();
    let plan = plan_import(&format!("block_id,name\n{}", lines(MAX_IMPORT_LINES)), ImportFormat::Table, &BTreeMap::new());
    assert_eq!(plan.unwrap().added.len(), MAX_IMPORT_LINES, "the header does not count");
    let err = plan_import(&lines(MAX_IMPORT_LINES + 1), ImportFormat::Table, &BTreeMap::new()).unwrap_err();
    assert_eq!(err, ImportError::TooManyLines { lines: MAX_IMPORT_LINES + 1, max: MAX_IMPORT_LINES });
    assert!(err.to_string().contains("split it into imports of at most 10000 lines each"), "{err}");
}

#[test]
fn json_lists_and_the_exports_own_shape_are_read_entry_by_entry() {
    let list = format!(
        r#"[{{"block_id":"{A}","name":"Approvals","workplace":"Office"}},{{"block_id":"{B}","name":"Weekly","workplace":null}}]"#
    );
    let plan = plan_import(&list, ImportFormat::Json, &BTreeMap::new()).unwrap();
    assert_eq!(plan.added, [label(A, "Approvals", Some("Office")), label(B, "Weekly", None)]);
    let export = format!(r#"{{"names":[{{"block_id":"{A}","name":"Approvals","workplace":""}}]}}"#);
    assert_eq!(plan_import(&export, ImportFormat::Json, &BTreeMap::new()).unwrap().added, [label(A, "Approvals", None)]);

    let bad = format!(
        r#"[{{"block_id":{A},"name":"x"}}, "{A},x", {{"block_id":"{A}","name":"x","group":"y"}}, {{"block_id":"{B}"}}, {{"block_id":"{C}","name":["x"]}}]"#
    );
    let plan = plan_import(&bad, ImportFormat::Json, &BTreeMap::new()).unwrap();
    assert_eq!(
        refusals(&plan),
        [
            (1, Refusal::NotText { field: "block_id".into() }),
            (2, Refusal::NotAnObject),
            (3, Refusal::UnknownField { field: "group".into() }),
            (4, Refusal::Label { problem: InvalidLabel::EmptyName }),
            (5, Refusal::NotText { field: "name".into() }),
        ]
    );
    assert!(plan.refused[0].reason.to_string().contains("a JSON number loses the digits past the 15th"));
    assert_eq!(plan.refused[1].text, format!("\"{A},x\""));
    for not_a_list in ["{\"block_id\": \"1\"}", "[{\"block_id\": ", "12"] {
        let err = plan_import(not_a_list, ImportFormat::Json, &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, ImportError::NotJsonList { .. }), "{not_a_list}: {err:?}");
    }
}

/// The kind of line the 500-line import puts at each position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Good,
    NotAnId,
    EmptyName,
    LongName,
    LongWorkplace,
    Control,
    Conflict,
}

#[test]
fn a_500_line_mix_refuses_exactly_the_bad_lines_and_plans_the_good_ones() {
    const BAD: [Kind; 6] = [Kind::NotAnId, Kind::EmptyName, Kind::LongName, Kind::LongWorkplace, Kind::Control, Kind::Conflict];
    let current = held(&[label("5000000000000000000", "old name", Some("Office"))]);
    let long = "x".repeat(MAX_LABEL_CHARS + 1);
    // Line 1 is the header; each 5th line is bad, of the kinds in turn; the conflicts
    // name an id that a good line earlier named otherwise.
    let mut input = String::from("block_id,name,workplace\n");
    let mut kinds = Vec::new();
    for i in 0..499usize {
        let kind = if i % 5 == 4 { BAD[(i / 5) % BAD.len()] } else { Kind::Good };
        let block = 5_000_000_000_000_000_000u64 + i as u64;
        input.push_str(&match kind {
            Kind::Good => format!("{block},名称 {i},工作台 {}\n", i % 3),
            Kind::NotAnId => format!("{block}x,名称 {i},\n"),
            Kind::EmptyName => format!("{block},,\n"),
            Kind::LongName => format!("{block},{long},\n"),
            Kind::LongWorkplace => format!("{block},名称 {i},{long}\n"),
            Kind::Control => format!("{block},\"名称\u{7}{i}\",\n"),
            Kind::Conflict => format!("{},another name,\n", block - 4),
        });
        kinds.push(kind);
    }
    let plan = plan_import(&input, ImportFormat::Table, &current).unwrap();

    let mut expected: Vec<usize> = kinds.iter().enumerate().filter(|(_, k)| **k != Kind::Good).map(|(i, _)| i + 2).collect();
    // A conflict refuses the good line it conflicts with too, naming each other.
    let conflicts: Vec<usize> = kinds.iter().enumerate().filter(|(_, k)| **k == Kind::Conflict).map(|(i, _)| i + 2).collect();
    expected.extend(conflicts.iter().map(|line| line - 4));
    expected.sort();
    assert_eq!(plan.refused.iter().map(|r| r.line).collect::<Vec<_>>(), expected);
    for line in &conflicts {
        let refused = |n: usize| plan.refused.iter().find(|r| r.line == n).unwrap();
        assert!(matches!(refused(*line).reason, Refusal::ConflictingName { other_line, .. } if other_line == line - 4));
        assert!(matches!(&refused(line - 4).reason, Refusal::ConflictingName { other_line, other_name, .. }
            if *other_line == *line && other_name == "another name"));
    }
    for r in &plan.refused {
        let kind = kinds[r.line - 2];
        let fits = match kind {
            Kind::Good => matches!(r.reason, Refusal::ConflictingName { .. }),
            Kind::NotAnId => matches!(r.reason, Refusal::NotABlockId { .. }),
            Kind::EmptyName => r.reason == Refusal::Label { problem: InvalidLabel::EmptyName },
            Kind::LongName => {
                matches!(r.reason, Refusal::Label { problem: InvalidLabel::TooLong { field: LabelField::Name, .. } })
            }
            Kind::LongWorkplace => {
                matches!(r.reason, Refusal::Label { problem: InvalidLabel::TooLong { field: LabelField::Workplace, .. } })
            }
            Kind::Control => matches!(r.reason, Refusal::Label { problem: InvalidLabel::ControlCharacter { code: 7, .. } }),
            Kind::Conflict => matches!(r.reason, Refusal::ConflictingName { .. }),
        };
        assert!(fits, "line {} ({kind:?}) refused for {:?}", r.line, r.reason);
        assert_eq!(input.lines().nth(r.line - 1).unwrap(), r.text, "the line is shown as given");
    }
    let good = kinds.iter().filter(|k| **k == Kind::Good).count() - conflicts.len();
    // The first good line renames the block held before.
    assert_eq!((plan.added.len(), plan.renamed.len(), plan.moved.len(), plan.unchanged.len()), (good - 1, 1, 0, 0));
    assert_eq!(plan.renamed[0].after, label("5000000000000000000", "名称 0", Some("工作台 0")));
    assert_eq!(plan.counts().refused, expected.len());
}
