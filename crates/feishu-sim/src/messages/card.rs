//! What the simulator checks in a card (`msg_type: interactive`) before it
//! accepts it, and the 230099 sub-codes it answers, reported in `msg` as Feishu
//! does: `Failed to create card content, ext=ErrCode: N; ErrMsg: …; ErrorValue: …; `
//! (ErrorValue is where in the card, as a path such as `body.elements[3]`).
//!
//! The platform notes name 200621, 200550, 200861, 200914 and 200915; the
//! other sub-codes (113xx) are the simulator's own, for limits the notes state
//! without a code. Checks, in order:
//!
//! | sub-code | refused |
//! |---|---|
//! | 200621 | content not a JSON object; a template card (`type: template`, the simulator has no templates); `schema` other than `"2.0"` (Feishu also takes 1.0 cards; the dashboard only sends 2.0, so a 1.0 card is a regression to catch); `header`/`body` not objects, `body.elements` or a container's `elements`/`columns` not an array, an element without a string `tag` |
//! | 11310 | more than 200 elements, counted recursively (every object with a `tag` under `body.elements`, containers and their columns included; the header and table rows are not elements) |
//! | 11311 | more than 5 tables |
//! | 11312 | more than 5 charts |
//! | 200861 | a tag schema 2.0 dropped: `note`, `action` |
//! | 200550 | a `chart` without an object `chart_spec` |
//! | 11313 | a table's `page_size` outside 1..=10 (absent is fine) |
//! | 11314 | a table's `columns` not an array of 1..=50 objects with distinct non-empty `name`s |
//! | 200914 | a table's `rows` not an array of objects, or a row naming a column that `columns` does not declare |
//! | 200915 | a row value that does not fit its column's `data_type` (number: a number or numeric string; text, lark_md, markdown, date: a string or number; options, persons: a string or an array) |
//!
//! The counts come first (over a limit is over whatever else is wrong), then
//! the first element-level problem in document order.

use serde_json::Value;

/// Elements a card may hold.
pub(crate) const MAX_ELEMENTS: usize = 200;
/// Tables a card may hold.
pub(crate) const MAX_TABLES: usize = 5;
/// Charts a card may hold.
pub(crate) const MAX_CHARTS: usize = 5;
/// Columns a table may declare.
pub(crate) const MAX_TABLE_COLUMNS: usize = 50;
/// Tags of card JSON 1.0 that 2.0 refuses.
pub(crate) const TAGS_NOT_IN_SCHEMA_2: [&str; 2] = ["note", "action"];

/// Why a card cannot be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CardRefusal {
    /// The sub-code (`ErrCode`).
    pub code: i64,
    /// What is wrong (`ErrMsg`).
    pub msg: String,
    /// Where (`ErrorValue`).
    pub value: String,
}

impl CardRefusal {
    fn new(code: i64, msg: impl Into<String>, value: impl Into<String>) -> Self {
        Self { code, msg: msg.into(), value: value.into() }
    }

    /// The `msg` of the 230099 answer.
    pub fn to_msg(&self) -> String {
        format!("Failed to create card content, ext=ErrCode: {}; ErrMsg: {}; ErrorValue: {}; ", self.code, self.msg, self.value)
    }
}

/// Unreadable card content: 200621.
pub(crate) fn unreadable(msg: impl Into<String>, value: impl Into<String>) -> CardRefusal {
    CardRefusal::new(200621, msg, value)
}

#[derive(Default)]
struct Walk {
    elements: usize,
    tables: usize,
    charts: usize,
    first_problem: Option<CardRefusal>,
}

impl Walk {
    fn problem(&mut self, refusal: CardRefusal) {
        self.first_problem.get_or_insert(refusal);
    }
}

/// Checks a parsed card (see the module doc).
pub(crate) fn check(card: &Value) -> Result<(), CardRefusal> {
    let Some(object) = card.as_object() else {
        return Err(unreadable("card content must be a JSON object", "content"));
    };
    if object.get("type").and_then(Value::as_str) == Some("template") {
        return Err(unreadable("template cards are not supported by the simulator; send card JSON", "type"));
    }
    match object.get("schema") {
        Some(Value::String(schema)) if schema == "2.0" => {}
        Some(other) => {
            return Err(unreadable(format!("schema {other} is not supported; the simulator takes card JSON 2.0"), "schema"));
        }
        None => return Err(unreadable("schema is missing; the simulator takes card JSON 2.0 (\"schema\": \"2.0\")", "schema")),
    }
    for part in ["header", "body", "config"] {
        if object.get(part).is_some_and(|value| !value.is_object()) {
            return Err(unreadable(format!("{part} must be an object"), part));
        }
    }
    let mut walk = Walk::default();
    if let Some(elements) = object.get("body").and_then(|body| body.get("elements")) {
        walk_list(&mut walk, elements, "body.elements");
    }
    if walk.elements > MAX_ELEMENTS {
        return Err(CardRefusal::new(
            11310,
            format!("card has {} elements, at most {MAX_ELEMENTS} are allowed", walk.elements),
            "body.elements",
        ));
    }
    if walk.tables > MAX_TABLES {
        return Err(CardRefusal::new(
            11311,
            format!("card has {} tables, at most {MAX_TABLES} are allowed", walk.tables),
            "body.elements",
        ));
    }
    if walk.charts > MAX_CHARTS {
        return Err(CardRefusal::new(
            11312,
            format!("card has {} charts, at most {MAX_CHARTS} are allowed", walk.charts),
            "body.elements",
        ));
    }
    walk.first_problem.map_or(Ok(()), Err)
}

fn walk_list(walk: &mut Walk, list: &Value, path: &str) {
    let Some(elements) = list.as_array() else {
        return walk.problem(unreadable("elements must be an array", path));
    };
    for (i, element) in elements.iter().enumerate() {
        walk_element(walk, element, &format!("{path}[{i}]"));
    }
}

fn walk_element(walk: &mut Walk, element: &Value, path: &str) {
    let Some(tag) = element.get("tag").and_then(Value::as_str) else {
        return walk.problem(unreadable("element has no tag", path));
    };
    walk.elements += 1;
    if TAGS_NOT_IN_SCHEMA_2.contains(&tag) {
        walk.problem(CardRefusal::new(200861, format!("tag {tag} is not supported in schema 2.0"), path));
    }
    match tag {
        "table" => {
            walk.tables += 1;
            if let Err(refusal) = check_table(element, path) {
                walk.problem(refusal);
            }
        }
        "chart" => {
            walk.charts += 1;
            if !element.get("chart_spec").is_some_and(Value::is_object) {
                walk.problem(CardRefusal::new(
                    200550,
                    "chart_spec must be an object (a VChart spec)",
                    format!("{path}.chart_spec"),
                ));
            }
        }
        _ => {}
    }
    if let Some(columns) = element.get("columns").filter(|_| tag == "column_set") {
        walk_list(walk, columns, &format!("{path}.columns"));
    }
    if let Some(children) = element.get("elements") {
        walk_list(walk, children, &format!("{path}.elements"));
    }
}

fn check_table(table: &Value, path: &str) -> Result<(), CardRefusal> {
    if let Some(page_size) = table.get("page_size")
        && !page_size.as_u64().is_some_and(|size| (1..=10).contains(&size))
    {
        return Err(CardRefusal::new(
            11313,
            format!("table page_size {page_size} is out of range 1-10"),
            format!("{path}.page_size"),
        ));
    }
    let columns_path = format!("{path}.columns");
    let columns = table
        .get("columns")
        .and_then(Value::as_array)
        .ok_or_else(|| CardRefusal::new(11314, "table columns must be an array", &columns_path))?;
    if columns.is_empty() || columns.len() > MAX_TABLE_COLUMNS {
        return Err(CardRefusal::new(
            11314,
            format!("table has {} columns, 1 to {MAX_TABLE_COLUMNS} are allowed", columns.len()),
            &columns_path,
        ));
    }
    let mut declared: Vec<(&str, &str)> = Vec::with_capacity(columns.len());
    for (i, column) in columns.iter().enumerate() {
        let name = column.get("name").and_then(Value::as_str).filter(|name| !name.is_empty());
        let Some(name) = name else {
            return Err(CardRefusal::new(11314, "table column has no name", format!("{columns_path}[{i}]")));
        };
        if declared.iter().any(|(seen, _)| *seen == name) {
            return Err(CardRefusal::new(
                11314,
                format!("table column name {name} is declared twice"),
                format!("{columns_path}[{i}]"),
            ));
        }
        declared.push((name, column.get("data_type").and_then(Value::as_str).unwrap_or("text")));
    }
    let rows_path = format!("{path}.rows");
    let Some(rows) = table.get("rows").map(|rows| rows.as_array()) else {
        return Ok(());
    };
    let rows = rows.ok_or_else(|| CardRefusal::new(200914, "table rows must be an array", &rows_path))?;
    for (i, row) in rows.iter().enumerate() {
        let row_path = format!("{rows_path}[{i}]");
        let cells = row.as_object().ok_or_else(|| CardRefusal::new(200914, "table row must be an object", &row_path))?;
        for (key, value) in cells {
            let Some((_, data_type)) = declared.iter().find(|(name, _)| name == key) else {
                return Err(CardRefusal::new(
                    200914,
                    format!("table row names column {key} that columns do not declare"),
                    format!("{row_path}.{key}"),
                ));
            };
            if !fits(data_type, value) {
                return Err(CardRefusal::new(
                    200915,
                    format!("table row value does not fit data_type {data_type}"),
                    format!("{row_path}.{key}"),
                ));
            }
        }
    }
    Ok(())
}

/// Whether a row value fits its column's data type.
fn fits(data_type: &str, value: &Value) -> bool {
    match data_type {
        "number" => value.is_number() || value.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok()),
        "options" | "persons" => value.is_string() || value.is_array() || value.is_object(),
        _ => value.is_string() || value.is_number() || value.is_null(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn card(elements: Value) -> Value {
        json!({"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "t"}}, "body": {"elements": elements}})
    }

    fn table(extra: Value) -> Value {
        let mut table = json!({"tag": "table", "columns": [{"name": "block", "data_type": "text"}, {"name": "pv", "data_type": "number"}], "rows": [{"block": "a", "pv": 1}]});
        for (key, value) in extra.as_object().into_iter().flatten() {
            table[key] = value.clone();
        }
        table
    }

    fn code(card: &Value) -> Option<i64> {
        check(card).err().map(|refusal| refusal.code)
    }

    #[test]
    fn a_sound_card_passes() {
        let ok = card(json!([
            {"tag": "markdown", "content": "**hi**"},
            {"tag": "column_set", "columns": [{"tag": "column", "elements": [{"tag": "markdown", "content": "x"}]}]},
            table(json!({"page_size": 10})),
            {"tag": "chart", "chart_spec": {"type": "line"}},
            {"tag": "button", "text": {"tag": "plain_text", "content": "Open"}, "behaviors": [{"type": "open_url", "default_url": "https://x.test"}]}
        ]));
        assert_eq!(check(&ok), Ok(()));
    }

    #[test]
    fn schema_and_shape() {
        assert_eq!(code(&json!([1])), Some(200621));
        assert_eq!(code(&json!({"elements": []})), Some(200621), "a 1.0 card");
        assert_eq!(code(&json!({"schema": "1.0", "body": {"elements": []}})), Some(200621));
        assert_eq!(code(&json!({"schema": 2.0, "body": {"elements": []}})), Some(200621));
        assert_eq!(code(&json!({"type": "template", "data": {"template_id": "x"}})), Some(200621));
        assert_eq!(code(&json!({"schema": "2.0", "body": {"elements": {}}})), Some(200621));
        assert_eq!(code(&card(json!([{"content": "no tag"}]))), Some(200621));
        assert_eq!(check(&json!({"schema": "2.0"})), Ok(()), "a header-only card");
    }

    #[test]
    fn counts_are_recursive() {
        let nested = |n: usize| {
            let inner: Vec<Value> = (0..n).map(|_| json!({"tag": "markdown", "content": "x"})).collect();
            card(json!([{"tag": "column_set", "columns": [{"tag": "column", "elements": inner}]}]))
        };
        assert_eq!(check(&nested(198)), Ok(()), "198 + column + column_set = 200");
        let refusal = check(&nested(199)).expect_err("201 elements");
        assert_eq!((refusal.code, refusal.value.as_str()), (11310, "body.elements"));
        assert!(refusal.msg.contains("201 elements"), "{}", refusal.msg);
        let tables: Vec<Value> = (0..6).map(|_| table(json!({}))).collect();
        assert_eq!(code(&card(json!(tables))), Some(11311));
        let charts: Vec<Value> = (0..6).map(|_| json!({"tag": "chart", "chart_spec": {}})).collect();
        assert_eq!(code(&card(json!(charts))), Some(11312));
    }

    #[test]
    fn tags_dropped_by_schema_2() {
        for tag in TAGS_NOT_IN_SCHEMA_2 {
            let refusal =
                check(&card(json!([{"tag": "markdown", "content": "x"}, {"tag": tag, "elements": []}]))).expect_err(tag);
            assert_eq!(refusal.code, 200861);
            assert_eq!(
                refusal.to_msg(),
                format!(
                    "Failed to create card content, ext=ErrCode: 200861; ErrMsg: tag {tag} is not supported in schema 2.0; ErrorValue: body.elements[1]; "
                )
            );
        }
    }

    #[test]
    fn tables_and_charts() {
        assert_eq!(code(&card(json!([table(json!({"page_size": 11}))]))), Some(11313));
        assert_eq!(code(&card(json!([table(json!({"page_size": 0}))]))), Some(11313));
        let many: Vec<Value> = (0..51).map(|i| json!({"name": format!("c{i}")})).collect();
        assert_eq!(code(&card(json!([table(json!({"columns": many}))]))), Some(11314));
        assert_eq!(code(&card(json!([table(json!({"columns": [{"name": "a"}, {"name": "a"}]}))]))), Some(11314));
        assert_eq!(code(&card(json!([table(json!({"rows": [{"block": "a", "uv": 3}]}))]))), Some(200914));
        assert_eq!(code(&card(json!([table(json!({"rows": ["a"]}))]))), Some(200914));
        assert_eq!(code(&card(json!([table(json!({"rows": [{"pv": "many"}]}))]))), Some(200915));
        assert_eq!(check(&card(json!([table(json!({"rows": [{"pv": "12.5"}, {"block": "only"}]}))]))), Ok(()));
        assert_eq!(code(&card(json!([{"tag": "chart"}]))), Some(200550));
    }
}
