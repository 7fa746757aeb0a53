//! Notes in bulk, as a file: the CSV the export writes ([`notes_csv`]) and reading a
//! table, or the JSON that `GET /api/v1/annotations` answers, back into a plan of what
//! importing it would change ([`plan_notes_import`]), before anything is saved.
//!
//! Both directions live here so that the columns ([`NOTE_COLUMNS`]), the way a note's
//! block ids share one cell ([`BLOCK_ID_SEPARATOR`]) and the formula guard
//! ([`crate::csv_cell`]) are written once. It is pure, like [`crate::label_import`]
//! beside it: the caller passes the notes held now and, when nothing is refused, saves
//! [`NotesPlan::added`] and [`NotesPlan::edited`] all together or not at all.
//!
//! A table is read as the names import reads one ([`crate::import_input`]): a CSV file
//! or a spreadsheet's tab-separated copy, quotes, a byte order mark and blank lines
//! allowed. A first line naming the columns is a header, in any order: `date` and `text`
//! are needed, `id`, `block_ids` and `custom_workplace_id` may be left out, and
//! `created_by`, `created_at` (and `updated_at`) are read and ignored, since who wrote a
//! note and when is the dashboard's to record. Without a header the columns are
//! `date, text, block_ids, custom_workplace_id`, what a person types. Every line is read
//! by [`NoteDraft::parse`], so it is refused with the API's own message.
//!
//! A line whose `id` names a note held here edits that note (unchanged when equal). A
//! line without an id, or with an id not held here (a file from another dashboard),
//! adds a note, unless a note of the same day, text, blocks and workplace is held (or
//! added by an earlier line): then it is unchanged, so that importing an export twice
//! adds nothing.

mod read;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::csv_cell::neutralised;
use crate::import_input::{RefusedLine, shown};
use crate::{BlockId, InvalidNote, NoteDraft, WorkplaceId};

/// Most notes one import may carry (a header does not count): years of notes of a busy
/// tenant, and a body of a few MiB.
pub const MAX_NOTES_IMPORT_LINES: usize = 5_000;

/// The columns of the notes' CSV, in the export's order; an import's header names them.
pub const NOTE_COLUMNS: [&str; 7] = ["id", "date", "text", "block_ids", "custom_workplace_id", "created_by", "created_at"];

/// What joins a note's block ids in its one `block_ids` cell in the export: a space,
/// which no block id holds and which no spreadsheet splits a cell on. The import takes
/// a space, a tab, `;`, `,` or `、` between them.
pub const BLOCK_ID_SEPARATOR: &str = " ";

/// What importing would change, given the notes held now. Each line taken is in exactly
/// one of the first three lists, each in the order of the import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesPlan {
    /// Notes to write anew (`id` is `None`).
    pub added: Vec<PlannedNote>,
    /// Notes held here whose day, text or scope the import changes.
    pub edited: Vec<NoteEdit>,
    /// Lines that change nothing: a held note as it is, or a note held (or added by an
    /// earlier line) with the same day, text and scope; `id` is the held note's.
    pub unchanged: Vec<PlannedNote>,
    /// Lines that cannot be imported, by line number. While there is one, nothing is
    /// saved.
    pub refused: Vec<RefusedLine<NoteRefusal>>,
}

/// A note as a line of the import gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedNote {
    /// The line, from 1 (a JSON body: the entry's place in the list).
    pub line: usize,
    /// The held note it is, if any.
    pub id: Option<String>,
    #[serde(flatten)]
    pub draft: NoteDraft,
}

/// A held note as it is and as the import would make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteEdit {
    pub line: usize,
    pub id: String,
    pub before: NoteDraft,
    pub after: NoteDraft,
}

/// How many lines are in each list of a plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesPlanCounts {
    pub added: usize,
    pub edited: usize,
    pub unchanged: usize,
    pub refused: usize,
}

/// Why a line cannot be imported; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteRefusal {
    /// The note breaks a rule of every note (the API's message).
    #[error("{problem}")]
    Note { problem: InvalidNote },
    #[error(
        "the line has {columns} columns, and the table {expected}: put a text that holds the separator in quotes, or remove the others"
    )]
    TooManyColumns { columns: usize, expected: usize },
    #[error("note {id:?} is also on line {other_line}, saying something else there: keep one of the two lines")]
    ConflictingEdit { id: String, other_line: usize },
    #[error(
        r#"the entry is not an object: write each as {{"date": "2026-11-30", "text": "…", "block_ids": ["…"], "custom_workplace_id": null}}"#
    )]
    NotAnObject,
    #[error(
        "the entry has the field {field:?}, which the import does not know: an entry has date, text and optionally id, block_ids and custom_workplace_id"
    )]
    UnknownField { field: String },
    #[error(r#"the entry's {field} is not a string: write it in quotes, e.g. "{field}": "…""#)]
    NotText { field: String },
    #[error(
        r#"the entry's block_ids is not a list of block ids: write it as "block_ids": ["7012345", …], each id in quotes (a JSON number loses the digits past the 15th)"#
    )]
    NotBlockIds,
}

/// Why a whole import of notes was refused, before any line was looked at; nothing is
/// saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotesImportError {
    #[error("there is nothing to import: send lines of date,text[,block_ids,custom_workplace_id], or the notes' CSV export")]
    Empty,
    #[error(
        "the import has {lines} notes, more than the {max} one import may carry: split it into imports of at most {max} lines each"
    )]
    TooManyLines { lines: usize, max: usize },
    #[error(r#"the body is not a JSON list of notes ({detail}): send {{"annotations": [{{"date": "…", "text": "…"}}, …]}}"#)]
    NotJsonList { detail: String },
    #[error("line {line} cannot be read as a table ({detail}): save the file as CSV (UTF-8) and try again")]
    Unreadable { line: usize, detail: String },
    #[error("the header names the column {name:?}, which the import does not know: {COLUMNS_HELP}")]
    UnknownColumn { name: String },
    #[error("the header has no {column} column: {COLUMNS_HELP}")]
    MissingColumn { column: &'static str },
    #[error("the header names the {column} column twice: keep one")]
    RepeatedColumn { column: &'static str },
}

/// What a header may name, for the header's refusals.
const COLUMNS_HELP: &str = "name the columns id, date, text, block_ids and custom_workplace_id (date and text are needed; \
     created_by and created_at are read and ignored), or leave the header out and write date, text, block_ids, \
     custom_workplace_id in that order";

/// A note's line as read, before it is checked.
struct ReadLine {
    line: usize,
    text: String,
    entry: Result<Entry, NoteRefusal>,
}

/// A line's fields as written (a `'` the export put before a cell already taken off).
#[derive(Default)]
struct Entry {
    id: Option<String>,
    date: String,
    text: String,
    block_ids: Vec<String>,
    custom_workplace_id: Option<String>,
}

impl Entry {
    /// The note the line gives, by the rules of a note written one at a time.
    fn checked(self) -> Result<(Option<String>, NoteDraft), NoteRefusal> {
        let draft = NoteDraft::parse(
            &self.date,
            &self.text,
            self.block_ids.iter().map(String::as_str),
            self.custom_workplace_id.as_deref(),
        )
        .map_err(|problem| NoteRefusal::Note { problem })?;
        Ok((self.id, draft))
    }
}

/// Reads `input` and plans it against `current`, the notes held now by id.
pub fn plan_notes_import(
    input: &str,
    format: crate::ImportFormat,
    current: &BTreeMap<String, NoteDraft>,
) -> Result<NotesPlan, NotesImportError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let lines = match format {
        crate::ImportFormat::Table => read::table(input)?,
        crate::ImportFormat::Json => read::json(input)?,
    };
    if lines.is_empty() {
        return Err(NotesImportError::Empty);
    }
    if lines.len() > MAX_NOTES_IMPORT_LINES {
        return Err(NotesImportError::TooManyLines { lines: lines.len(), max: MAX_NOTES_IMPORT_LINES });
    }
    Ok(plan(lines, current))
}

impl NotesPlan {
    pub fn counts(&self) -> NotesPlanCounts {
        NotesPlanCounts {
            added: self.added.len(),
            edited: self.edited.len(),
            unchanged: self.unchanged.len(),
            refused: self.refused.len(),
        }
    }
}

/// A line that passed the checks.
struct Accepted {
    line: usize,
    text: String,
    id: Option<String>,
    draft: NoteDraft,
}

fn plan(lines: Vec<ReadLine>, current: &BTreeMap<String, NoteDraft>) -> NotesPlan {
    let mut plan = NotesPlan::default();
    let mut accepted = Vec::new();
    for ReadLine { line, text, entry } in lines {
        match entry.and_then(Entry::checked) {
            Ok((id, draft)) => accepted.push(Accepted { line, text, id, draft }),
            Err(reason) => plan.refused.push(RefusedLine { line, text: shown(&text), reason }),
        }
    }
    let held = |a: &Accepted| a.id.as_ref().and_then(|id| current.get_key_value(id));

    // Two lines may name one held note only when they say the same.
    let mut by_id: BTreeMap<&str, Vec<&Accepted>> = BTreeMap::new();
    for a in accepted.iter().filter(|a| held(a).is_some()) {
        by_id.entry(a.id.as_deref().unwrap_or_default()).or_default().push(a);
    }
    let mut skipped = BTreeSet::new();
    for same_note in by_id.values().filter(|lines| lines.len() > 1) {
        for a in same_note {
            match same_note.iter().find(|other| other.draft != a.draft) {
                Some(other) => {
                    let (id, other_line) = (a.id.clone().unwrap_or_default(), other.line);
                    let reason = NoteRefusal::ConflictingEdit { id, other_line };
                    plan.refused.push(RefusedLine { line: a.line, text: shown(&a.text), reason });
                    skipped.insert(a.line);
                }
                // A line repeating an earlier one of the same note is taken once.
                None if a.line != same_note[0].line => {
                    skipped.insert(a.line);
                }
                None => {}
            }
        }
    }
    plan.refused.sort_by_key(|r| r.line);

    // The held notes as the import leaves them, by what they say: a line without a
    // held id that says the same is unchanged.
    let mut said: HashMap<NoteDraft, Option<String>> = current.iter().map(|(id, d)| (d.clone(), Some(id.clone()))).collect();
    let (edits, others): (Vec<Accepted>, Vec<Accepted>) =
        accepted.into_iter().filter(|a| !skipped.contains(&a.line)).partition(|a| held(a).is_some());
    for Accepted { line, id, draft, .. } in edits {
        let Some((id, before)) = id.and_then(|id| current.get_key_value(&id)) else { continue };
        said.insert(draft.clone(), Some(id.clone()));
        if *before == draft {
            plan.unchanged.push(PlannedNote { line, id: Some(id.clone()), draft });
        } else {
            plan.edited.push(NoteEdit { line, id: id.clone(), before: before.clone(), after: draft });
        }
    }
    for Accepted { line, draft, .. } in others {
        match said.get(&draft) {
            Some(id) => plan.unchanged.push(PlannedNote { line, id: id.clone(), draft }),
            None => {
                said.insert(draft.clone(), None);
                plan.added.push(PlannedNote { line, id: None, draft });
            }
        }
    }
    plan.unchanged.sort_by_key(|n| n.line);
    plan
}

/// A saved note as the export writes it.
pub struct ExportedNote<'a> {
    pub id: &'a str,
    pub draft: &'a NoteDraft,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
}

/// The notes as CSV: UTF-8 with a byte order mark (so that Excel reads Chinese text),
/// [`NOTE_COLUMNS`], block ids joined by [`BLOCK_ID_SEPARATOR`], `created_at` in RFC
/// 3339 (UTC, to the second). Every cell a person typed goes through
/// [`neutralised`], which the import undoes.
pub fn notes_csv<'a>(notes: impl IntoIterator<Item = ExportedNote<'a>>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(NOTE_COLUMNS)?;
    for note in notes {
        let blocks: Vec<&str> = note.draft.block_ids.iter().map(BlockId::as_str).collect();
        let workplace = note.draft.custom_workplace_id.as_ref().map_or("", WorkplaceId::as_str);
        writer.write_record([
            &*neutralised(note.id),
            &note.draft.date.to_string(),
            &neutralised(&note.draft.text),
            &blocks.join(BLOCK_ID_SEPARATOR),
            &neutralised(workplace),
            &neutralised(note.created_by),
            &note.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        ])?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
