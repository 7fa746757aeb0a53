//! Reading what an import is sent as, before any of it is understood: a table's records
//! (a spreadsheet's tab-separated copy or a CSV file) and a JSON list's entries. The
//! imports of block names ([`crate::label_import`]) and of notes
//! ([`crate::note_import`]) read their input here, so that both take the same tables
//! (separator, quotes, byte order mark, blank lines, line numbers) and the same JSON
//! wrappers, and show a refused line cut the same way.

use csv::{ReaderBuilder, StringRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How much of a refused line is shown back.
pub(crate) const MAX_SHOWN_CHARS: usize = 200;

/// A line that cannot be imported, and why (`R`: the import's reasons, whose message
/// says what to fix).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedLine<R> {
    /// From 1, as an editor counts lines (a JSON body: the entry's place in the list).
    pub line: usize,
    /// The line as given, cut to 200 characters.
    pub text: String,
    pub reason: R,
}

/// One line of a table that is not blank, its cells as written.
pub(crate) struct Record {
    /// From 1, as an editor counts lines (a quoted cell may span several: its first).
    pub line: usize,
    /// The line as written, without its line break.
    pub text: String,
    /// The cells up to the last one that is not blank (spreadsheets copy empty columns
    /// as trailing separators); at least one.
    pub cells: Vec<String>,
}

/// Where and why a table could not be read at all.
pub(crate) struct UnreadableTable {
    pub line: usize,
    pub detail: String,
}

/// The records of a tab- or comma-separated table (the byte order mark already gone),
/// blank lines left out. A tab in the first line that is not blank makes it a
/// tab-separated table; fields may be quoted.
pub(crate) fn records(text: &str) -> Result<Vec<Record>, UnreadableTable> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let separator = if first_line.contains('\t') { b'\t' } else { b',' };
    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).delimiter(separator).from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    let mut out = Vec::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| UnreadableTable { line: e.position().map_or(0, |p| p.line() as usize), detail: e.to_string() })?;
        if !more {
            break;
        }
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        while cells.len() > 1 && cells.last().is_some_and(|c| c.trim().is_empty()) {
            cells.pop();
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let line = record.position().map_or(0, |p| p.line() as usize);
        let end = reader.position().byte() as usize;
        let text = text.get(start..end).unwrap_or_default().trim_end_matches(['\r', '\n']).to_owned();
        out.push(Record { line, text, cells });
    }
    Ok(out)
}

/// The entries of a JSON list, or of the `{"<key>": […]}` that the route's `GET`
/// answers (so that an export goes back in unchanged); on error, what is wrong with it.
pub(crate) fn json_list(text: &str, key: &str) -> Result<Vec<Value>, String> {
    match serde_json::from_str(text).map_err(|e| e.to_string())? {
        Value::Array(entries) => Ok(entries),
        Value::Object(mut fields) if fields.len() == 1 && fields.get(key).is_some_and(Value::is_array) => {
            match fields.remove(key) {
                Some(Value::Array(entries)) => Ok(entries),
                _ => Ok(Vec::new()),
            }
        }
        _ => Err(format!("it is neither a list nor {{\"{key}\": […]}}")),
    }
}

/// `text` cut to what a refusal shows of it.
pub(crate) fn shown(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX_SHOWN_CHARS).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_line_numbers_and_text_and_drop_blank_lines_and_trailing_cells() {
        let read = records("a\tb\t\t\n\n\t\t\n\"x\ny\"\tz\nlast\n").unwrap_or_else(|e| panic!("{}", e.detail));
        let seen: Vec<(usize, &str, Vec<&str>)> =
            read.iter().map(|r| (r.line, r.text.as_str(), r.cells.iter().map(String::as_str).collect())).collect();
        assert_eq!(seen, [(1, "a\tb\t\t", vec!["a", "b"]), (4, "\"x\ny\"\tz", vec!["x\ny", "z"]), (6, "last", vec!["last"])]);
    }

    #[test]
    fn a_json_list_comes_bare_or_in_its_export_wrapper() {
        assert_eq!(json_list("[1, 2]", "notes").unwrap().len(), 2);
        assert_eq!(json_list(r#"{"notes": [1]}"#, "notes").unwrap().len(), 1);
        assert!(json_list(r#"{"names": [1]}"#, "notes").unwrap_err().contains(r#"{"notes": […]}"#));
        assert!(json_list("[1,", "notes").is_err());
    }
}
