//! The API's answers written straight from the held days into the body: JSON and CSV
//! from one pass over the compact rows, without a tree of values, a row copied out, or
//! a string per number.
//!
//! A year of 2,000 blocks is 700,000 rows. Building a `serde_json::Value` for each (and
//! cloning every block name) made the JSON answer three times slower than the CSV; then
//! copying each row out with its id string, and looking its name up per row, took most
//! of the time left. Here each row costs a few copies: the text of its block (id and
//! escaped name, between the date and the numbers) is made once per block, the date's
//! once per day, and numbers go through `itoa`.

use std::collections::BTreeMap;

use access_data::BlockDays;
use chrono::{Datelike, NaiveDate};
#[cfg(test)]
use domain::AccessRow;
use domain::BlockId;
use store::BlockLabel;

/// The columns of every export of block access rows.
pub const COLUMNS: [&str; 5] = ["date", "block_id", "block_name", "pv", "uv"];

/// `{"items":[{"date","block_id","block_name","pv","uv"}…]}`.
pub fn json(days: &BlockDays, labels: &BTreeMap<BlockId, BlockLabel>) -> Vec<u8> {
    // What follows the date of a block's row, up to its pv, made once per block.
    let middles = per_block(days, labels, |out, id, name| {
        out.extend_from_slice(b"\",\"block_id\":\"");
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(b"\",\"block_name\":");
        match name {
            // Writing to a Vec cannot fail, and a &str always serializes.
            Some(name) => serde_json::to_writer(&mut *out, name).expect("a string serializes into memory"),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"pv\":");
    });
    let mut out = Vec::with_capacity(16);
    out.extend_from_slice(b"{\"items\":[");
    let mut first = true;
    write_rows(days, &middles, &mut out, |out, date, middle, pv, uv, numbers| {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(b"{\"date\":\"");
        out.extend_from_slice(date);
        out.extend_from_slice(middle);
        out.extend_from_slice(numbers.format(pv).as_bytes());
        out.extend_from_slice(b",\"uv\":");
        out.extend_from_slice(numbers.format(uv).as_bytes());
        out.push(b'}');
    });
    out.extend_from_slice(b"]}");
    out
}

/// CSV with a header row, UTF-8 with a BOM so that Excel reads Chinese names; a name
/// that a spreadsheet would run as a formula gets a leading `'` ([`domain::csv_cell`]).
pub fn csv(days: &BlockDays, labels: &BTreeMap<BlockId, BlockLabel>) -> Vec<u8> {
    let middles = per_block(days, labels, |out, id, name| {
        out.push(b',');
        out.extend_from_slice(id.as_bytes());
        out.push(b',');
        if let Some(name) = name {
            csv_field(out, &domain::csv_cell::neutralised(name));
        }
        out.push(b',');
    });
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice("\u{feff}".as_bytes());
    out.extend_from_slice(COLUMNS.join(",").as_bytes());
    out.push(b'\n');
    write_rows(days, &middles, &mut out, |out, date, middle, pv, uv, numbers| {
        out.extend_from_slice(date);
        out.extend_from_slice(middle);
        out.extend_from_slice(numbers.format(pv).as_bytes());
        out.push(b',');
        out.extend_from_slice(numbers.format(uv).as_bytes());
        // As the csv crate (and the dashboard's other CSV) ends records.
        out.push(b'\n');
    });
    out
}

/// The text `write` makes of each block (its id and its name, if named) once, by the
/// key [`BlockDays::visit`] names it with; `None` for keys that are not blocks.
fn per_block(
    days: &BlockDays,
    labels: &BTreeMap<BlockId, BlockLabel>,
    mut write: impl FnMut(&mut Vec<u8>, &str, Option<&str>),
) -> Vec<Option<Vec<u8>>> {
    days.key_ids()
        .into_iter()
        .map(|id| {
            let id = id?;
            let mut text = Vec::with_capacity(64);
            write(&mut text, id.as_str(), labels.get(&id).map(|l| l.name.as_str()));
            Some(text)
        })
        .collect()
}

/// Calls `write` for every row, in order, with its date's text (made once per day), its
/// block's text from `middles` and its numbers, into `out` (sized for the rows first).
fn write_rows(
    days: &BlockDays,
    middles: &[Option<Vec<u8>>],
    out: &mut Vec<u8>,
    mut write: impl FnMut(&mut Vec<u8>, &[u8], &[u8], u64, u64, &mut itoa::Buffer),
) {
    let mut numbers = itoa::Buffer::new();
    let mut day: Option<(NaiveDate, [u8; 10])> = None;
    out.reserve(days.len() * 64);
    days.visit(|date, key, pv, uv| {
        let Some(Some(middle)) = middles.get(key) else { return };
        let text = match day {
            Some((at, text)) if at == date => text,
            _ => {
                let text = date_text(date);
                day = Some((date, text));
                text
            }
        };
        write(out, &text, middle, pv, uv, &mut numbers);
    });
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
        let days = BlockDays::from_rows(&rows);
        let body: serde_json::Value = serde_json::from_slice(&json(&days, &labels)).expect("valid JSON");
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
        assert_eq!(json(&BlockDays::from_rows(&[]), &labels), b"{\"items\":[]}");
        let unnamed: serde_json::Value = serde_json::from_slice(&json(&days, &BTreeMap::new())).expect("valid JSON");
        assert!(unnamed["items"][0]["block_name"].is_null());
    }

    #[test]
    fn csv_equals_the_csv_crates_output() {
        let (rows, labels) = rows();
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(COLUMNS).expect("header");
        for r in &rows {
            let name = labels.get(&r.block_id).map_or("", |l| l.name.as_str());
            writer
                .write_record([
                    r.date.to_string(),
                    r.block_id.to_string(),
                    domain::csv_cell::neutralised(name).into_owned(),
                    r.pv.to_string(),
                    r.uv.to_string(),
                ])
                .expect("row");
        }
        let mut expected = "\u{feff}".as_bytes().to_vec();
        expected.extend(writer.into_inner().expect("flushed"));
        let days = BlockDays::from_rows(&rows);
        assert_eq!(String::from_utf8(csv(&days, &labels)).expect("utf-8"), String::from_utf8(expected).expect("utf-8"));
    }

    #[test]
    fn dates_are_written_in_full() {
        for (y, m, d) in [(2026, 12, 31), (1, 1, 1), (999, 10, 9)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            assert_eq!(std::str::from_utf8(&date_text(date)).expect("ascii"), date.format("%Y-%m-%d").to_string());
        }
    }
}
