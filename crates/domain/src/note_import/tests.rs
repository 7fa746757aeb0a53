use super::*;
use crate::ImportFormat;

fn draft(date: &str, text: &str, blocks: &[&str], workplace: Option<&str>) -> NoteDraft {
    NoteDraft::parse(date, text, blocks.iter().copied(), workplace).unwrap()
}

fn planned(line: usize, id: Option<&str>, draft: NoteDraft) -> PlannedNote {
    PlannedNote { line, id: id.map(str::to_owned), draft }
}

fn held(notes: &[(&str, NoteDraft)]) -> BTreeMap<String, NoteDraft> {
    notes.iter().map(|(id, d)| ((*id).to_owned(), d.clone())).collect()
}

fn table(input: &str, current: &BTreeMap<String, NoteDraft>) -> NotesPlan {
    plan_notes_import(input, ImportFormat::Table, current).unwrap()
}

/// (line, message) of each refused line.
fn refusals(plan: &NotesPlan) -> Vec<(usize, String)> {
    plan.refused.iter().map(|r| (r.line, r.reason.to_string())).collect()
}

#[test]
fn the_export_reads_back_whole_and_twice_adds_nothing() {
    let notes = [
        ("-abc", draft("2026-11-30", "=HYPERLINK(\"http://evil.example\",\"x\")", &["7", "3"], None)),
        ("q2", draft("2026-12-01", "周报, \"销售\"\nsecond line", &[], Some("hr_workplace"))),
        ("q3", draft("2026-12-02", "'quoted", &[], None)),
    ];
    let at = DateTime::parse_from_rfc3339("2026-12-03T08:15:02.123456Z").unwrap().with_timezone(&Utc);
    let csv = notes_csv(notes.iter().map(|(id, d)| ExportedNote { id, draft: d, created_by: "+Ada", created_at: at })).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("\u{feff}id,date,text,block_ids,custom_workplace_id,created_by,created_at"));
    assert_eq!(
        lines.next(),
        Some("'-abc,2026-11-30,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",3 7,,'+Ada,2026-12-03T08:15:02Z"),
        "formula-like cells are neutralised, block ids joined by a space"
    );

    // Into a dashboard without them: every note added, as it was.
    let fresh = table(&csv, &BTreeMap::new());
    assert_eq!(refusals(&fresh), []);
    let added: Vec<&NoteDraft> = fresh.added.iter().map(|n| &n.draft).collect();
    assert_eq!(added, notes.iter().map(|(_, d)| d).collect::<Vec<_>>());
    assert_eq!(fresh.added.iter().map(|n| n.line).collect::<Vec<_>>(), [2, 3, 5], "a quoted line break is one line");

    // Into the same dashboard: nothing changes; into one that has them under other ids
    // (imported before): nothing is added.
    let same = table(&csv, &held(&notes));
    assert_eq!(same.counts(), NotesPlanCounts { unchanged: 3, ..Default::default() });
    assert_eq!(same.unchanged[0], planned(2, Some("-abc"), notes[0].1.clone()));
    let elsewhere = held(&[("x1", notes[0].1.clone()), ("x2", notes[1].1.clone()), ("x3", notes[2].1.clone())]);
    let again = table(&csv, &elsewhere);
    assert_eq!(again.counts(), NotesPlanCounts { unchanged: 3, ..Default::default() });
    assert_eq!(again.unchanged[1].id.as_deref(), Some("x2"), "the note it matches");
}

#[test]
fn a_line_with_a_held_id_edits_that_note_and_others_add() {
    let current = held(&[("n1", draft("2026-11-30", "Old", &[], None))]);
    let input = "text,Date,ID,blocks\nNew,2026-11-30,n1,5;4\nFresh,2026-11-29,\nForeign,2026-11-28,zz9\n";
    let plan = table(input, &current);
    assert_eq!(refusals(&plan), []);
    assert_eq!(
        plan.edited,
        [NoteEdit {
            line: 2,
            id: "n1".into(),
            before: draft("2026-11-30", "Old", &[], None),
            after: draft("2026-11-30", "New", &["4", "5"], None)
        }]
    );
    assert_eq!(
        plan.added,
        [planned(3, None, draft("2026-11-29", "Fresh", &[], None)), planned(4, None, draft("2026-11-28", "Foreign", &[], None))]
    );
}

#[test]
fn without_a_header_the_columns_are_date_text_blocks_and_workplace() {
    let plan = table("2026-11-30\tMoved 请假 up\t7、8\thr\n2026-11-30\tMoved 请假 up\t8 7\thr\n", &BTreeMap::new());
    assert_eq!(plan.added, [planned(1, None, draft("2026-11-30", "Moved 请假 up", &["7", "8"], Some("hr")))]);
    assert_eq!(plan.unchanged, [planned(2, None, draft("2026-11-30", "Moved 请假 up", &["7", "8"], Some("hr")))], "a repeat");
}

#[test]
fn every_bad_line_is_refused_with_the_apis_message_and_its_number() {
    let current = held(&[("n1", draft("2026-11-30", "Old", &[], None))]);
    let long = "长".repeat(201);
    let input = format!(
        "date,text,block_ids,custom_workplace_id,id\n2026-11-31,x\n2026-11-30,  \n2026-11-30,{long}\n2026-11-30,x,12a\n\
         2026-11-30,x,,bad id!\n2026-11-30,x,,,,extra\n2026-11-30,A,,,n1\n2026-11-30,B,,,n1\n2026-11-30,fine\n"
    );
    let plan = table(&input, &current);
    let refused = refusals(&plan);
    let lines: Vec<usize> = refused.iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 9], "{refused:#?}");
    for ((_, message), fix) in refused.iter().zip([
        "YYYY-MM-DD",
        "short sentence",
        "201 characters",
        "block_ids:",
        "custom_workplace_id:",
        "the line has 6 columns, and the table 5",
        "note \"n1\" is also on line 9",
        "note \"n1\" is also on line 8",
    ]) {
        assert!(message.contains(fix), "{message:?} should say {fix:?}");
    }
    assert_eq!(plan.added.len(), 1, "the plan of the good lines is still shown");
}

#[test]
fn a_header_that_cannot_be_read_refuses_the_whole_import() {
    let refused = |input: &str| plan_notes_import(input, ImportFormat::Table, &BTreeMap::new()).unwrap_err();
    assert_eq!(refused("date,text,mood\n2026-11-30,x,ok\n"), NotesImportError::UnknownColumn { name: "mood".into() });
    assert_eq!(refused("id,text\nn1,x\n"), NotesImportError::MissingColumn { column: "date" });
    assert_eq!(refused("date,day,text\n"), NotesImportError::RepeatedColumn { column: "date" });
    assert!(refused("date,text,mood\n").to_string().contains("name the columns id, date, text"));
    assert_eq!(refused("\u{feff}\n\n"), NotesImportError::Empty);
    let many: String = (0..=MAX_NOTES_IMPORT_LINES).map(|i| format!("2026-11-30,note {i}\n")).collect();
    assert_eq!(refused(&many), NotesImportError::TooManyLines { lines: 5001, max: 5000 });
    // Words that name no column are a note's line, refused for its day.
    let plan = table("Datum,Notiz\n", &BTreeMap::new());
    assert!(refusals(&plan)[0].1.starts_with("date: \"Datum\" is not a day"), "{plan:?}");
}

#[test]
fn the_list_the_api_answers_imports_back() {
    let current = held(&[("n1", draft("2026-11-30", "Old", &["7"], None))]);
    let body = r#"{"annotations": [
        {"id": "n1", "date": "2026-11-30", "text": "Old", "block_ids": ["7"], "custom_workplace_id": null,
         "created_by": "Ada", "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z"},
        {"date": "2026-12-01", "text": "New", "custom_workplace_id": "hr"},
        {"date": "2026-12-01", "text": "x", "block_ids": [7]},
        {"date": "2026-12-01", "text": "x", "mood": "ok"},
        "text"
    ]}"#;
    let plan = plan_notes_import(body, ImportFormat::Json, &current).unwrap();
    assert_eq!(plan.unchanged, [planned(1, Some("n1"), draft("2026-11-30", "Old", &["7"], None))]);
    assert_eq!(plan.added, [planned(2, None, draft("2026-12-01", "New", &[], Some("hr")))]);
    assert_eq!(
        plan.refused.iter().map(|r| (r.line, r.reason.clone())).collect::<Vec<_>>(),
        [(3, NoteRefusal::NotBlockIds), (4, NoteRefusal::UnknownField { field: "mood".into() }), (5, NoteRefusal::NotAnObject)]
    );
    let not_json = plan_notes_import("{", ImportFormat::Json, &current).unwrap_err();
    assert!(not_json.to_string().contains(r#"send {"annotations": [{"date""#), "{not_json}");
}
