//! The `table` element: its declared columns and its rows, every row shown
//! (Feishu pages them by `page_size`; a preview shows all), in a region that
//! scrolls sideways when the table is wider than the screen.

use serde_json::Value;

use crate::escape::{escape, push_escaped};
use crate::markdown::markdown_html;

/// One declared column.
struct Column<'a> {
    name: &'a str,
    label: &'a str,
    data_type: &'a str,
    align: &'static str,
    format: Option<&'a Value>,
}

impl<'a> Column<'a> {
    fn read(column: &'a Value) -> Self {
        let name = column["name"].as_str().unwrap_or("");
        let data_type = column["data_type"].as_str().unwrap_or("text");
        let align = match column["horizontal_align"].as_str() {
            Some("left") => "left",
            Some("center") => "center",
            Some("right") => "right",
            _ if data_type == "number" => "right",
            _ => "left",
        };
        Self {
            name,
            label: column["display_name"].as_str().filter(|label| !label.is_empty()).unwrap_or(name),
            data_type,
            align,
            format: column.get("format"),
        }
    }
}

pub(crate) fn table(out: &mut String, table: &Value) {
    let columns: Vec<Column<'_>> =
        table["columns"].as_array().map(|columns| columns.iter().map(Column::read).collect()).unwrap_or_default();
    let labels: Vec<&str> = columns.iter().map(|c| c.label).collect();
    // Focusable so that keyboard users can scroll it; named so that the region says what it holds.
    out.push_str(r#"<div class="fc-table-wrap" role="region" tabindex="0" aria-label="Table: "#);
    push_escaped(out, &labels.join(", "));
    out.push_str(r#""><table class="fc-table"><thead><tr>"#);
    for column in &columns {
        out.push_str(&format!(r#"<th scope="col" class="fc-align-{}">"#, column.align));
        push_escaped(out, column.label);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in table["rows"].as_array().into_iter().flatten() {
        out.push_str("<tr>");
        for column in &columns {
            let numeric = if column.data_type == "number" { " fc-num" } else { "" };
            out.push_str(&format!(r#"<td class="fc-align-{}{numeric}">"#, column.align));
            if let Some(value) = row.get(column.name) {
                cell(out, column, value);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn cell(out: &mut String, column: &Column<'_>, value: &Value) {
    match column.data_type {
        "number" => push_escaped(out, &number(value, column.format)),
        "lark_md" | "markdown" => out.push_str(&markdown_html(&plain(value))),
        "options" => {
            let options: Vec<&Value> = match value {
                Value::Array(options) => options.iter().collect(),
                other => vec![other],
            };
            for option in options {
                let (text, colour) = match option {
                    Value::Object(_) => (plain(&option["text"]), option["color"].as_str().unwrap_or("neutral")),
                    other => (plain(other), "neutral"),
                };
                let colour = crate::markdown::FONT_COLOURS.iter().find(|c| **c == colour).copied().unwrap_or("neutral");
                out.push_str(&format!(r#"<span class="fc-tag fc-tag-{colour}">{}</span>"#, escape(&text)));
            }
        }
        "persons" => {
            let people: Vec<String> = match value {
                Value::Array(people) => people.iter().map(plain).collect(),
                other => vec![plain(other)],
            };
            push_escaped(out, &people.join(", "));
        }
        "date" => push_escaped(out, &date(value)),
        _ => push_escaped(out, &plain(value)),
    }
}

/// A string as it is, anything else as its JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A number with the column's `format` (`precision`, `symbol`, `separator`).
fn number(value: &Value, format: Option<&Value>) -> String {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let Some(n) = parsed.filter(|n| n.is_finite()) else {
        return plain(value);
    };
    let precision = format.and_then(|f| f["precision"].as_u64()).map(|p| p.min(10) as usize);
    let mut text = match precision {
        Some(p) => format!("{n:.p$}"),
        None => match value {
            Value::Number(raw) => raw.to_string(),
            _ => n.to_string(),
        },
    };
    if format.and_then(|f| f["separator"].as_bool()).unwrap_or(false) {
        text = thousands(&text);
    }
    match format.and_then(|f| f["symbol"].as_str()) {
        Some(symbol) => format!("{symbol}{text}"),
        None => text,
    }
}

/// `1234567.5` → `1,234,567.5`.
fn thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A millisecond timestamp as `yyyy-MM-dd HH:mm UTC`; anything else as it is.
fn date(value: &Value) -> String {
    let millis = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    millis
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(|| plain(value), |at| at.format("%Y-%m-%d %H:%M UTC").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_follow_the_column_format() {
        let format = json!({"precision": 2, "separator": true, "symbol": "¥"});
        assert_eq!(number(&json!(1234567.456), Some(&format)), "¥1,234,567.46");
        assert_eq!(number(&json!(-1234), Some(&json!({"separator": true}))), "-1,234");
        assert_eq!(number(&json!(42), None), "42");
        assert_eq!(number(&json!("n/a"), None), "n/a");
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(date(&json!(1_719_705_600_000_i64)), "2024-06-30 00:00 UTC");
        assert_eq!(date(&json!("soon")), "soon");
    }
}
