//! Spreadsheet formula injection: a CSV cell that starts with `=`, `+`, `-`, `@`, a tab
//! or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
//! (`=HYPERLINK("http://evil.example","x")`, `=cmd|' /C calc'!A0`). Block and workplace
//! names are typed by people, so every text cell the dashboard writes into a CSV goes
//! through [`neutralised`], which puts a leading `'` before such a cell (OWASP's
//! convention: the spreadsheet shows the text and runs nothing).
//!
//! The names import reads its own export back, so [`restored`] takes the `'` off
//! again; a name that itself starts with `'` gets one more on the way out, so that the
//! round trip gives every name back exactly.

use std::borrow::Cow;

/// Whether a spreadsheet would read a cell starting with `c` as a formula.
fn starts_a_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// `text` as a CSV cell that no spreadsheet runs: a `'` before a cell that starts a
/// formula (or that starts with `'` itself, so that [`restored`] is exact).
pub fn neutralised(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(c) if starts_a_formula(c) || c == '\'' => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A cell read back from a CSV the dashboard wrote: without the `'` that
/// [`neutralised`] put before it.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(|c| starts_a_formula(c) || c == '\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::{neutralised, restored};

    #[test]
    fn cells_that_start_a_formula_get_a_quote() {
        for (text, cell) in [
            ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'quoted", "''quoted"),
        ] {
            assert_eq!(neutralised(text), cell, "{text:?}");
        }
        for plain in ["请假", "Leave", "1234", "", "a=b", " =1"] {
            assert_eq!(neutralised(plain), plain, "{plain:?} is left alone");
        }
    }

    #[test]
    fn restored_gives_back_what_was_neutralised() {
        for text in ["=1", "+x", "-", "@a", "\tx", "'", "''", "'=1", "plain", "", "'plain", "请假"] {
            assert_eq!(restored(&neutralised(text)), text, "{text:?}");
        }
    }
}
