//! The API's answers written straight from the rows into the body: JSON and CSV from
//! one pass over the rows, without a tree of values or a string per number.
//!
//! A year of all blocks is some 20,000 rows; building a `serde_json::Value` for each
//! (and cloning every block name) made the JSON answer three times slower than the CSV
//! of the same rows. Here each row costs a few copies: the date's text is made once
//! per day, numbers go through `itoa`, block ids are ASCII digits (nothing to escape),
//! and only names go through an escaper (serde_json's for JSON, the csv crate's rules
//! for CSV).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use domain::{AccessRow, BlockId};
use store::BlockLabel;

/// The columns of every export of block access rows.
pub const COLUMNS: [&str; 5] = ["date", "block_id", "block_name", "pv", "uv"];

/// `{"items":[{"date","block_id","block_name","pv","uv"}…]}`.
pub fn json(rows: &[AccessRow], labels: &BTreeMap<BlockId, BlockLabel>) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 96 + 16);
    out.extend_from_slice(b"{\"items\":[");
    for_each_row(rows, labels, |row, first| {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"date\":\"");
        out.extend_from_slice(row.date);
        out.extend_from_slice(b"\",\"block_id\":\"");
        out.extend_from_slice(row.block_id.as_bytes());
        out.extend_from_slice(b"\",\"block_name\":");
        match row.block_name {
            // Writing to a Vec cannot fail, and a &str always serializes.
            Some(name) => serde_json::to_writer(&mut out, name).expect("a string serializes into memory"),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"pv\":");
        out.extend_from_slice(row.numbers.format(row.pv).as_bytes());
        out.extend_from_slice(b",\"uv\":");
        out.extend_from_slice(row.numbers.format(row.uv).as_bytes());
        out.push(b'}');
    });
    out.extend_from_slice(b"]}");
    out
}

/// CSV with a header row, UTF-8 with a BOM so that Excel reads Chinese names; a name
/// that a spreadsheet would run as a formula gets a leading `'` ([`domain::csv_cell`]).
pub fn csv(rows: &[AccessRow], labels: &BTreeMap<BlockId, BlockLabel>) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 48 + 64);
    out.extend_from_slice("\u{feff}".as_bytes());
    out.extend_from_slice(COLUMNS.join(",").as_bytes());
    out.push(b'\n');
    for_each_row(rows, labels, |row, _| {
        out.extend_from_slice(row.date);
        out.push(b',');
        out.extend_from_slice(row.block_id.as_bytes());
        out.push(b',');
        if let Some(name) = row.block_name {
            csv_field(&mut out, &domain::csv_cell::neutralised(name));
        }
        out.push(b',');
        out.extend_from_slice(row.numbers.format(row.pv).as_bytes());
        out.push(b',');
        out.extend_from_slice(row.numbers.format(row.uv).as_bytes());
        // As the csv crate (and the dashboard's other CSV) ends records.
        out.push(b'\n');
    });
    out
}

/// One row as the writers see it.
struct RowText<'a, 'n> {
    date: &'a [u8],
    block_id: &'a str,
    block_name: Option<&'a str>,
    pv: u64,
    uv: u64,
    numbers: &'n mut itoa::Buffer,
}

/// Calls `write` for every row with its date's text (made once per day) and its
/// block's name; `first` is true for the first row.
fn for_each_row(rows: &[AccessRow], labels: &BTreeMap<BlockId, BlockLabel>, mut write: impl FnMut(RowText<'_, '_>, bool)) {
    let mut numbers = itoa::Buffer::new();
    let mut day: Option<(NaiveDate, [u8; 10])> = None;
    for (i, row) in rows.iter().enumerate() {
        let text = match day {
            Some((date, text)) if date == row.date => text,
            _ => {
                let text = date_text(row.date);
                day = Some((row.date, text));
                text
            }
        };
        write(
            RowText {
                date: &text,
                block_id: row.block_id.as_str(),
                block_name: labels.get(&row.block_id).map(|l| l.name.as_str()),
                pv: row.pv,
                uv: row.uv,
                numbers: &mut numbers,
            },
            i == 0,
        );
    }
}

/// `YYYY-MM-DD` (the dashboard's dates are within years 1 to 9999).
fn date_text(date: NaiveDate) -> [u8; 10] {
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (y, m, d) = (date.year().clamp(0, 9999) as u32, date.month(), date.day());
    [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(m / 10), digit(m), b'-', digit(d / 10), digit(d)]
}

/// A CSV field, quoted (with quotes doubled) when it holds a comma, a quote or a line
/// break, as RFC 4180 and the csv crate's writer do.
fn csv_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        for part in field.split_inclusive('"') {
            out.extend_from_slice(part.as_bytes());
            if part.ends_with('"') {
                out.push(b'"');
            }
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> (Vec<AccessRow>, BTreeMap<BlockId, BlockLabel>) {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).expect("a date");
        let id = |s| BlockId::parse(s).expect("an id");
        let rows = vec![
            AccessRow { date: day(1), block_id: id("11"), pv: 10, uv: 3 },
            AccessRow { date: day(1), block_id: id("22"), pv: 0, uv: 0 },
            AccessRow { date: day(2), block_id: id("11"), pv: u64::MAX, uv: 1 },
        ];
        let names = [("11", "审批, \"新\"\n版"), ("22", "Plain")];
        let labels = names
            .into_iter()
            .map(|(i, n)| (id(i), BlockLabel { block_id: id(i), name: n.to_owned(), workplace: None }))
            .collect();
        (rows, labels)
    }

    /// What the writers produce equals what the general-purpose writers would.
    #[test]
    fn json_equals_serde_json_of_the_same_rows() {
        let (rows, labels) = rows();
        let body: serde_json::Value = serde_json::from_slice(&json(&rows, &labels)).expect("valid JSON");
        let expected: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "date": r.date.to_string(),
                    "block_id": r.block_id.as_str(),
                    "block_name": labels.get(&r.block_id).map(|l| l.name.clone()),
                    "pv": r.pv,
                    "uv": r.uv,
                })
            })
            .collect();
        assert_eq!(body, serde_json::json!({ "items": expected }));
        assert_eq!(json(&[], &labels), b"{\"items\":[]}");
        let unnamed: serde_json::Value = serde_json::from_slice(&json(&rows, &BTreeMap::new())).expect("valid JSON");
        assert!(unnamed["items"][0]["block_name"].is_null());
    }

    #[test]
    fn csv_equals_the_csv_crates_output() {
        let (rows, labels) = rows();
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(COLUMNS).expect("header");
        for r in &rows {
            let name = labels.get(&r.block_id).map_or("", |l| l.name.as_str());
            writer.write_record([r.date.to_string(), r.block_id.to_string(), domain::csv_cell::neutralised(name).into_owned(), r.pv.to_string(), r.uv.to_string()]).expect("row");
        }
        let mut expected = "\u{feff}".as_bytes().to_vec();
        expected.extend(writer.into_inner().expect("flushed"));
        assert_eq!(String::from_utf8(csv(&rows, &labels)).expect("utf-8"), String::from_utf8(expected).expect("utf-8"));
    }

    #[test]
    fn dates_are_written_in_full() {
        for (y, m, d) in [(2026, 12, 31), (1, 1, 1), (999, 10, 9)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            assert_eq!(std::str::from_utf8(&date_text(date)).expect("ascii"), date.format("%Y-%m-%d").to_string());
        }
    }
}
