//! Block names in bulk: reading a pasted table or a JSON list of names, and planning
//! what importing it would change, before anything is saved.
//!
//! It lives in `domain`, next to the label rules and [`crate::AccessQuery`]'s parsing,
//! for the same reason: every way in (the page's import, `PUT /api/v1/block-names`)
//! reads an import by one set of rules and refuses the same lines with the same
//! reasons, and the plan it answers is shown in the browser, which builds this crate
//! too. It is pure: the caller passes the names held now and, when nothing is refused,
//! saves [`NamesPlan::labels_to_save`] all together or not at all.
//!
//! A table is what a spreadsheet copies (tab-separated) or a CSV file (comma-separated),
//! told apart by the first line that is not blank: a tab there makes it a tab-separated
//! table. Fields may be quoted; a UTF-8 byte order mark and blank lines are passed
//! over. A first line of column names (`block_id,name,workplace` or
//! `区块ID,名称,工作台`, in any order, workplace optional) is a header; without one
//! the columns are block id, name, workplace. A JSON body is a list of
//! `{"block_id","name","workplace"?}`, or the `{"names":[…]}` that
//! `GET /api/v1/block-names` answers, so an export goes back in unchanged; there, a
//! refused "line" is the entry's place in the list, from 1.
//!
//! A line sets a block's name and workplace; an empty workplace takes the block out of
//! any workplace. Blocks the import does not name keep their names.

mod read;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::BlockId;
use crate::import_input::{RefusedLine, shown};
use crate::label::{BlockLabel, InvalidLabel, LabelField};

/// Most lines of names one import may carry (a header does not count): the body of
/// that many lines stays within a couple of MiB, and no tenant has more blocks.
pub const MAX_IMPORT_LINES: usize = 10_000;

/// What an import is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// A tab- or comma-separated table.
    Table,
    /// A JSON list of names.
    Json,
}

/// What importing would change, given the names held now. Each accepted block is in
/// exactly one of the first four lists, in the order of the import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamesPlan {
    /// Blocks that had no name.
    pub added: Vec<BlockLabel>,
    /// Blocks whose name changes (their workplace may change too).
    pub renamed: Vec<LabelChange>,
    /// Blocks that keep their name and change workplace.
    pub moved: Vec<LabelChange>,
    /// Blocks already named so.
    pub unchanged: Vec<BlockLabel>,
    /// Lines that cannot be imported, by line number. While there is one, nothing is
    /// saved.
    pub refused: Vec<RefusedLine<Refusal>>,
}

/// A label as it is and as the import would make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelChange {
    pub before: BlockLabel,
    pub after: BlockLabel,
}

/// How many blocks are in each list of a plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCounts {
    pub added: usize,
    pub renamed: usize,
    pub moved: usize,
    pub unchanged: usize,
    pub refused: usize,
}

impl PlanCounts {
    /// The blocks whose label saving the plan writes: added, renamed and moved.
    pub fn changes(&self) -> usize {
        self.added + self.renamed + self.moved
    }
}

/// Why a line cannot be imported; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    #[error("the block id is empty: start the line with the block's id, 1 to 32 digits, e.g. 283438293839422334")]
    MissingBlockId,
    #[error(
        "{text:?} is not a block id: block ids are 1 to 32 digits (0-9), e.g. 283438293839422334; copy the BlockID shown under the block's name in the workplace editor"
    )]
    NotABlockId { text: String },
    #[error("{problem}")]
    Label { problem: InvalidLabel },
    #[error("the {field} runs over several lines: a quote (\") was opened and not closed; close it, or leave the quotes out")]
    LineBreak { field: LabelField },
    #[error(
        "the line has {columns} columns, and a line is block id, name and optionally workplace: remove the others, or put a name that contains the separator in quotes"
    )]
    TooManyColumns { columns: usize },
    #[error(
        "this first line is neither a block's name nor a header the import knows: name the columns block_id, name and optionally workplace (or 区块ID, 名称, 工作台), or start the line with a block id"
    )]
    UnknownHeader,
    #[error("block {block_id} is also on line {other_line}, named {other_name:?} there: keep one of the two lines")]
    ConflictingName { block_id: BlockId, other_line: usize, other_name: String },
    #[error(
        "block {block_id} is also on line {other_line} with the same name in another workplace ({other}): keep one of the two lines",
        other = other_workplace.as_deref().map_or_else(|| "none".to_owned(), |w| format!("{w:?}"))
    )]
    ConflictingWorkplace { block_id: BlockId, other_line: usize, other_workplace: Option<String> },
    #[error(r#"the entry is not an object: write each as {{"block_id": "…", "name": "…", "workplace": "…"}}"#)]
    NotAnObject,
    #[error(
        "the entry has the field {field:?}, which the import does not know: an entry has block_id, name and optionally workplace"
    )]
    UnknownField { field: String },
    #[error(
        r#"the entry's {field} is not a string: write it in quotes, e.g. "{field}": "…" (block ids too, since a JSON number loses the digits past the 15th)"#
    )]
    NotText { field: String },
}

/// Why a whole import was refused, before any line was looked at; nothing is saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ImportError {
    #[error("there is nothing to import: paste or send lines of block_id,name[,workplace] (a header line is optional)")]
    Empty,
    #[error(
        "the import has {lines} lines of names, more than the {max} one import may carry: split it into imports of at most {max} lines each"
    )]
    TooManyLines { lines: usize, max: usize },
    #[error(r#"the body is not a JSON list of names ({detail}): send [{{"block_id": "…", "name": "…", "workplace": "…"}}, …]"#)]
    NotJsonList { detail: String },
    #[error("line {line} cannot be read as a table ({detail}): save the file as CSV (UTF-8) and try again")]
    Unreadable { line: usize, detail: String },
}

/// One line of an import as read, before its texts are checked.
struct ReadLine {
    line: usize,
    text: String,
    entry: Result<Entry, Refusal>,
}

/// A line's fields as written (a blank workplace is `None`).
struct Entry {
    block_id: String,
    name: String,
    workplace: Option<String>,
}

/// Reads `input` and plans it against `current`, the names held now.
pub fn plan_import(input: &str, format: ImportFormat, current: &BTreeMap<BlockId, BlockLabel>) -> Result<NamesPlan, ImportError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let lines = match format {
        ImportFormat::Table => read::table(input)?,
        ImportFormat::Json => read::json(input)?,
    };
    if lines.is_empty() {
        return Err(ImportError::Empty);
    }
    if lines.len() > MAX_IMPORT_LINES {
        return Err(ImportError::TooManyLines { lines: lines.len(), max: MAX_IMPORT_LINES });
    }
    Ok(plan(lines, current))
}

impl NamesPlan {
    pub fn counts(&self) -> PlanCounts {
        PlanCounts {
            added: self.added.len(),
            renamed: self.renamed.len(),
            moved: self.moved.len(),
            unchanged: self.unchanged.len(),
            refused: self.refused.len(),
        }
    }

    /// What saving the plan writes: the added, renamed and moved blocks' new labels.
    pub fn labels_to_save(&self) -> Vec<BlockLabel> {
        let changed = self.renamed.iter().chain(&self.moved).map(|c| c.after.clone());
        self.added.iter().cloned().chain(changed).collect()
    }
}

/// A line whose texts passed the checks.
struct Accepted {
    line: usize,
    text: String,
    label: BlockLabel,
}

fn plan(lines: Vec<ReadLine>, current: &BTreeMap<BlockId, BlockLabel>) -> NamesPlan {
    let mut refused = Vec::new();
    let mut accepted = Vec::new();
    for ReadLine { line, text, entry } in lines {
        match entry.and_then(|e| checked(&e)) {
            Ok(label) => accepted.push(Accepted { line, text, label }),
            Err(reason) => refused.push(RefusedLine { line, text: shown(&text), reason }),
        }
    }

    let mut by_block: BTreeMap<&BlockId, Vec<&Accepted>> = BTreeMap::new();
    for a in &accepted {
        by_block.entry(&a.label.block_id).or_default().push(a);
    }
    let mut conflicting = BTreeSet::new();
    for same_block in by_block.values().filter(|lines| lines.len() > 1) {
        for a in same_block {
            if let Some(reason) = same_block.iter().find_map(|other| conflict(a, other)) {
                conflicting.insert(a.line);
                refused.push(RefusedLine { line: a.line, text: shown(&a.text), reason });
            }
        }
    }
    refused.sort_by_key(|r| r.line);

    let mut plan = NamesPlan { refused, ..NamesPlan::default() };
    let mut taken = BTreeSet::new();
    for Accepted { line, label, .. } in accepted {
        // A line repeating an earlier one of the same block is taken once.
        if conflicting.contains(&line) || !taken.insert(label.block_id.clone()) {
            continue;
        }
        match current.get(&label.block_id) {
            None => plan.added.push(label),
            Some(before) if *before == label => plan.unchanged.push(label),
            Some(before) if before.name != label.name => plan.renamed.push(LabelChange { before: before.clone(), after: label }),
            Some(before) => plan.moved.push(LabelChange { before: before.clone(), after: label }),
        }
    }
    plan
}

/// Why `line` cannot stand beside `other`, a line of the same block, if it cannot.
fn conflict(line: &Accepted, other: &Accepted) -> Option<Refusal> {
    let (mine, theirs) = (&line.label, &other.label);
    if line.line == other.line {
        None
    } else if mine.name != theirs.name {
        let (block_id, other_name) = (mine.block_id.clone(), theirs.name.clone());
        Some(Refusal::ConflictingName { block_id, other_line: other.line, other_name })
    } else if mine.workplace != theirs.workplace {
        let (block_id, other_workplace) = (mine.block_id.clone(), theirs.workplace.clone());
        Some(Refusal::ConflictingWorkplace { block_id, other_line: other.line, other_workplace })
    } else {
        None
    }
}

/// The label a line gives, with the rules of a label saved one at a time.
fn checked(entry: &Entry) -> Result<BlockLabel, Refusal> {
    let id = entry.block_id.trim();
    if id.is_empty() {
        return Err(Refusal::MissingBlockId);
    }
    let block_id = BlockId::parse(id).map_err(|_| Refusal::NotABlockId { text: shown(id) })?;
    let label = BlockLabel { block_id, name: entry.name.clone(), workplace: entry.workplace.clone() };
    label.checked().map_err(|problem| Refusal::Label { problem })
}
