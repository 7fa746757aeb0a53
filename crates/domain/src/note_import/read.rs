//! Reading an import of notes into lines: a table's records and a JSON list's entries
//! as [`crate::import_input`] reads them, by the notes' columns and fields.

use serde_json::Value;

use super::{Entry, NoteRefusal, NotesImportError, ReadLine};
use crate::csv_cell::restored;
use crate::import_input::{Record, json_list, records, shown};
use crate::parse_date;

/// A column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Id,
    Date,
    Text,
    BlockIds,
    Workplace,
    /// `created_by`, `created_at`, `updated_at`: the dashboard's own record, ignored.
    Ignored(&'static str),
}

/// The columns of a table without a header: what a person types.
const COLUMNS_WITHOUT_HEADER: [Column; 4] = [Column::Date, Column::Text, Column::BlockIds, Column::Workplace];

impl Column {
    /// The column a header cell names, in English or Chinese, whatever the case, the
    /// spaces and the underscores: `custom_workplace_id`, `Block IDs`, `日期`.
    fn named(cell: &str) -> Option<Column> {
        let key: String = cell.trim().chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect();
        match key.as_str() {
            "id" | "noteid" | "编号" => Some(Column::Id),
            "date" | "day" | "日期" => Some(Column::Date),
            "text" | "note" | "内容" | "备注" => Some(Column::Text),
            "blockids" | "blockid" | "blocks" | "区块id" | "区块" => Some(Column::BlockIds),
            "customworkplaceid" | "workplaceid" | "workplace" | "工作台id" | "工作台" => Some(Column::Workplace),
            "createdby" | "创建人" => Some(Column::Ignored("created_by")),
            "createdat" | "创建时间" => Some(Column::Ignored("created_at")),
            "updatedat" | "更新时间" => Some(Column::Ignored("updated_at")),
            _ => None,
        }
    }

    /// The column's name in the export, for the header's refusals.
    fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Date => "date",
            Column::Text => "text",
            Column::BlockIds => "block_ids",
            Column::Workplace => "custom_workplace_id",
            Column::Ignored(name) => name,
        }
    }
}

/// The lines of a tab- or comma-separated table (the byte order mark already gone),
/// blank lines left out, a header line read and left out.
pub(super) fn table(text: &str) -> Result<Vec<ReadLine>, NotesImportError> {
    let records = records(text).map_err(|e| NotesImportError::Unreadable { line: e.line, detail: e.detail })?;
    let mut columns: Option<Vec<Column>> = None;
    let mut lines = Vec::new();
    for Record { line, text, cells } in records {
        let columns = match &columns {
            Some(columns) => columns,
            None => match header(&cells)? {
                Some(named) => {
                    columns = Some(named);
                    continue;
                }
                None => columns.insert(COLUMNS_WITHOUT_HEADER.to_vec()),
            },
        };
        lines.push(ReadLine { line, text, entry: entry(&cells, columns) });
    }
    Ok(lines)
}

/// The columns the first line names, if it is a header; `None` for a note's line (its
/// first cell a day, or no cell naming a column). A header naming a column the import
/// does not know, or without `date` and `text`, refuses the whole import: its lines
/// cannot be read by it.
fn header(cells: &[String]) -> Result<Option<Vec<Column>>, NotesImportError> {
    let named: Vec<Option<Column>> = cells.iter().map(|c| Column::named(restored(c))).collect();
    if parse_date(restored(&cells[0]).trim()).is_some() || named.iter().all(Option::is_none) {
        return Ok(None);
    }
    if let Some(unknown) = named.iter().zip(cells).find_map(|(n, cell)| n.is_none().then_some(cell)) {
        return Err(NotesImportError::UnknownColumn { name: shown(unknown.trim()) });
    }
    let named: Vec<Column> = named.into_iter().flatten().collect();
    for (i, column) in named.iter().enumerate() {
        if named[..i].contains(column) {
            return Err(NotesImportError::RepeatedColumn { column: column.name() });
        }
    }
    if let Some(missing) = [Column::Date, Column::Text].into_iter().find(|c| !named.contains(c)) {
        return Err(NotesImportError::MissingColumn { column: missing.name() });
    }
    Ok(Some(named))
}

/// A line's fields by the table's columns; a `'` the export put before a cell is
/// taken off.
fn entry(cells: &[String], columns: &[Column]) -> Result<Entry, NoteRefusal> {
    if cells.len() > columns.len() {
        return Err(NoteRefusal::TooManyColumns { columns: cells.len(), expected: columns.len() });
    }
    let mut entry = Entry::default();
    for (column, cell) in columns.iter().zip(cells) {
        let cell = restored(cell);
        match column {
            Column::Id => entry.id = Some(cell.trim()).filter(|id| !id.is_empty()).map(str::to_owned),
            Column::Date => entry.date = cell.trim().to_owned(),
            Column::Text => entry.text = cell.to_owned(),
            Column::BlockIds => entry.block_ids = block_ids(cell),
            Column::Workplace => entry.custom_workplace_id = Some(cell.trim().to_owned()),
            Column::Ignored(_) => {}
        }
    }
    Ok(entry)
}

/// The block ids of one cell, however they are separated.
fn block_ids(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '、'))
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The entries of a JSON list of notes, or of the `{"annotations": […]}` that the list
/// answers; each entry's "line" is its place in the list.
pub(super) fn json(text: &str) -> Result<Vec<ReadLine>, NotesImportError> {
    let entries = json_list(text, "annotations").map_err(|detail| NotesImportError::NotJsonList { detail })?;
    let read = |(i, value): (usize, &Value)| ReadLine { line: i + 1, text: value.to_string(), entry: json_entry(value) };
    Ok(entries.iter().enumerate().map(read).collect())
}

/// The fields of an entry the list answers that the import ignores: the dashboard's
/// own record of who wrote a note and when.
const IGNORED_FIELDS: [&str; 3] = ["created_by", "created_at", "updated_at"];

fn json_entry(value: &Value) -> Result<Entry, NoteRefusal> {
    let Value::Object(fields) = value else { return Err(NoteRefusal::NotAnObject) };
    let known = ["id", "date", "text", "block_ids", "custom_workplace_id"];
    if let Some(unknown) = fields.keys().find(|k| !known.contains(&k.as_str()) && !IGNORED_FIELDS.contains(&k.as_str())) {
        return Err(NoteRefusal::UnknownField { field: shown(unknown) });
    }
    let text = |field: &str| match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(NoteRefusal::NotText { field: field.to_owned() }),
    };
    let block_ids = match fields.get("block_ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => {
            ids.iter().map(|id| id.as_str().map(str::to_owned).ok_or(NoteRefusal::NotBlockIds)).collect::<Result<_, _>>()?
        }
        Some(_) => return Err(NoteRefusal::NotBlockIds),
    };
    Ok(Entry {
        id: text("id")?.map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()),
        date: text("date")?.unwrap_or_default(),
        text: text("text")?.unwrap_or_default(),
        block_ids,
        custom_workplace_id: text("custom_workplace_id")?,
    })
}
