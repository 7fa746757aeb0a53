//! Reading an import into lines: a table's records and a JSON list's entries as
//! [`crate::import_input`] reads them, by the names' columns and fields. Whether a line's texts make a good label is for the planner to say.

use serde_json::Value;

use super::{Entry, ImportError, ReadLine, Refusal};
use crate::BlockId;
use crate::import_input::{Record, json_list, records, shown};
use crate::label::LabelField;

/// A column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    BlockId,
    Name,
    Workplace,
}

/// The columns of a table without a header.
const COLUMNS_WITHOUT_HEADER: [Column; 3] = [Column::BlockId, Column::Name, Column::Workplace];

impl Column {
    /// The column a header cell names, in English or Chinese, whatever the case, the
    /// spaces and the underscores: `block_id`, `Block ID`, `区块ID`.
    fn named(cell: &str) -> Option<Column> {
        let key: String = cell.trim().chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect();
        match key.as_str() {
            "blockid" | "id" | "区块id" | "小组件id" => Some(Column::BlockId),
            "name" | "blockname" | "名称" => Some(Column::Name),
            "workplace" | "工作台" => Some(Column::Workplace),
            _ => None,
        }
    }
}

/// What the first line of a table is.
enum FirstLine {
    /// A header naming these columns.
    Header(Vec<Column>),
    /// Words that are not a header the import knows, and not a block's name either.
    UnknownHeader,
    /// A block's name, like any other line.
    Names,
}

/// The lines of a tab- or comma-separated table (the byte order mark already gone),
/// blank lines left out, a header line read and left out.
pub(super) fn table(text: &str) -> Result<Vec<ReadLine>, ImportError> {
    let records = records(text).map_err(|e| ImportError::Unreadable { line: e.line, detail: e.detail })?;
    let mut columns: Option<Vec<Column>> = None;
    let mut lines = Vec::new();
    for Record { line, text, cells } in records {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let entry = match &columns {
            Some(columns) => entry(&cells, columns),
            None => match first_line_kind(&cells) {
                FirstLine::Header(named) => {
                    columns = Some(named);
                    continue;
                }
                FirstLine::UnknownHeader => {
                    columns = Some(COLUMNS_WITHOUT_HEADER.to_vec());
                    Err(Refusal::UnknownHeader)
                }
                FirstLine::Names => entry(&cells, columns.insert(COLUMNS_WITHOUT_HEADER.to_vec())),
            },
        };
        lines.push(ReadLine { line, text, entry });
    }
    Ok(lines)
}

fn first_line_kind(cells: &[&str]) -> FirstLine {
    if BlockId::parse(cells[0]).is_ok() {
        return FirstLine::Names;
    }
    let named: Vec<Option<Column>> = cells.iter().map(|c| Column::named(c)).collect();
    let count = |column| named.iter().filter(|n| **n == Some(column)).count();
    let complete = named.iter().all(Option::is_some)
        && count(Column::BlockId) == 1
        && count(Column::Name) == 1
        && count(Column::Workplace) <= 1;
    let words = !cells[0].chars().any(|c| c.is_ascii_digit()) && cells[0].chars().any(char::is_alphabetic);
    if complete {
        FirstLine::Header(named.into_iter().flatten().collect())
    } else if words || named.iter().any(Option::is_some) {
        FirstLine::UnknownHeader
    } else {
        FirstLine::Names
    }
}

/// A line's fields by the table's columns.
fn entry(cells: &[&str], columns: &[Column]) -> Result<Entry, Refusal> {
    if cells.len() > columns.len() {
        return Err(Refusal::TooManyColumns { columns: cells.len() });
    }
    let mut entry = Entry { block_id: String::new(), name: String::new(), workplace: None };
    for (column, cell) in columns.iter().zip(cells) {
        // The dashboard's own export puts a `'` before a name a spreadsheet would run.
        let cell = &crate::csv_cell::restored(cell);
        let breaks = cell.contains(['\n', '\r']);
        match column {
            Column::BlockId => entry.block_id = (*cell).to_owned(),
            Column::Name if breaks => return Err(Refusal::LineBreak { field: LabelField::Name }),
            Column::Name => entry.name = (*cell).to_owned(),
            Column::Workplace if breaks => return Err(Refusal::LineBreak { field: LabelField::Workplace }),
            Column::Workplace => entry.workplace = Some(cell.trim()).filter(|w| !w.is_empty()).map(str::to_owned),
        }
    }
    Ok(entry)
}

/// The entries of a JSON list of names, or of the `{"names": […]}` that the export
/// answers; each entry's "line" is its place in the list.
pub(super) fn json(text: &str) -> Result<Vec<ReadLine>, ImportError> {
    let entries = json_list(text, "names").map_err(|detail| ImportError::NotJsonList { detail })?;
    let read = |(i, value): (usize, &Value)| ReadLine { line: i + 1, text: value.to_string(), entry: json_entry(value) };
    Ok(entries.iter().enumerate().map(read).collect())
}

fn json_entry(value: &Value) -> Result<Entry, Refusal> {
    let Value::Object(fields) = value else { return Err(Refusal::NotAnObject) };
    if let Some(unknown) = fields.keys().find(|k| !matches!(k.as_str(), "block_id" | "name" | "workplace")) {
        return Err(Refusal::UnknownField { field: shown(unknown) });
    }
    let text = |field: &str| match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(Refusal::NotText { field: field.to_owned() }),
    };
    Ok(Entry {
        block_id: text("block_id")?.unwrap_or_default(),
        name: text("name")?.unwrap_or_default(),
        workplace: text("workplace")?.filter(|w| !w.trim().is_empty()),
    })
}
