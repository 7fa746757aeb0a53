//! The card's body: each element by its `tag`, containers recursively.

use serde_json::Value;

use crate::escape::{escape, push_escaped, safe_url};
use crate::markdown::markdown_html;
use crate::table::table;

/// Containers nested deeper than this are not walked (the JSON parser already
/// bounds nesting; this keeps a hand-built `Value` from exhausting the stack).
const MAX_DEPTH: usize = 24;

/// Appends every element of `elements`.
pub(crate) fn elements(out: &mut String, elements: &Value, depth: usize) {
    for element in elements.as_array().into_iter().flatten() {
        self::element(out, element, depth);
    }
}

fn element(out: &mut String, element: &Value, depth: usize) {
    let tag = element["tag"].as_str().unwrap_or("");
    if depth > MAX_DEPTH {
        return unsupported(out, tag, "nested too deep");
    }
    match tag {
        "markdown" => {
            out.push_str(&format!(r#"<div class="fc-markdown{}">"#, align_class(element["text_align"].as_str())));
            out.push_str(&markdown_html(element["content"].as_str().unwrap_or("")));
            out.push_str("</div>");
        }
        "div" => div(out, element),
        "hr" => out.push_str(r#"<hr class="fc-hr">"#),
        "column_set" => {
            out.push_str(r#"<div class="fc-column-set">"#);
            for column in element["columns"].as_array().into_iter().flatten() {
                self::column(out, column, depth + 1);
            }
            out.push_str("</div>");
        }
        "column" => self::column(out, element, depth + 1),
        "table" => table(out, element),
        "button" => button(out, element),
        "img" => {
            let alt = text(&element["alt"]).or_else(|| text(&element["title"])).unwrap_or_default();
            out.push_str(r#"<div class="fc-img">"#);
            push_escaped(out, &if alt.is_empty() { "Image".to_owned() } else { format!("Image: {alt}") });
            out.push_str("</div>");
        }
        "chart" => {
            let title = element["chart_spec"]["title"]["text"].as_str().unwrap_or("");
            out.push_str(r#"<div class="fc-img">"#);
            push_escaped(out, &if title.is_empty() { "Chart".to_owned() } else { format!("Chart: {title}") });
            out.push_str("</div>");
        }
        "collapsible_panel" => {
            let title = text(&element["header"]["title"]).unwrap_or_default();
            let open = if element["expanded"].as_bool().unwrap_or(false) { " open" } else { "" };
            out.push_str(&format!(r#"<details class="fc-panel"{open}><summary>{}</summary>"#, escape(&title)));
            elements(out, &element["elements"], depth + 1);
            out.push_str("</details>");
        }
        "interactive_container" | "form" => {
            out.push_str(r#"<div class="fc-container">"#);
            elements(out, &element["elements"], depth + 1);
            out.push_str("</div>");
        }
        other => unsupported(out, other, ""),
    }
}

/// A visible note in place of an element the preview cannot show.
fn unsupported(out: &mut String, tag: &str, why: &str) {
    let tag = if tag.is_empty() { "(no tag)" } else { tag };
    out.push_str(r#"<p class="fc-unsupported">unsupported element: "#);
    push_escaped(out, tag);
    if !why.is_empty() {
        out.push_str(" (");
        push_escaped(out, why);
        out.push(')');
    }
    out.push_str("</p>");
}

fn column(out: &mut String, column: &Value, depth: usize) {
    // Feishu's weights are 1 to 5; a class per weight keeps style attributes out
    // of the HTML, so a page with a strict style-src CSP can show it.
    let width = match column["width"].as_str() {
        Some("auto") => "fc-w-auto".to_owned(),
        _ => format!("fc-w{}", column["weight"].as_u64().unwrap_or(1).clamp(1, 5)),
    };
    out.push_str(&format!(r#"<div class="fc-column {width}">"#));
    elements(out, &column["elements"], depth);
    out.push_str("</div>");
}

/// `div`: its `text` (plain or lark_md) and its `fields`.
fn div(out: &mut String, element: &Value) {
    out.push_str(r#"<div class="fc-div">"#);
    text_object(out, &element["text"]);
    if let Some(fields) = element["fields"].as_array() {
        out.push_str(r#"<div class="fc-fields">"#);
        for field in fields {
            let short = if field["is_short"].as_bool().unwrap_or(false) { " fc-field-short" } else { "" };
            out.push_str(&format!(r#"<div class="fc-field{short}">"#));
            text_object(out, &field["text"]);
            out.push_str("</div>");
        }
        out.push_str("</div>");
    }
    out.push_str("</div>");
}

/// A text object: `lark_md` as markdown, `plain_text` (or anything else) escaped
/// with its line breaks kept.
fn text_object(out: &mut String, object: &Value) {
    let Some(content) = object["content"].as_str() else { return };
    if object["tag"].as_str() == Some("lark_md") {
        out.push_str(&markdown_html(content));
    } else {
        out.push_str(r#"<p class="fc-plain">"#);
        for (i, line) in content.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            push_escaped(out, line);
        }
        out.push_str("</p>");
    }
}

/// A button: a link styled as a button when it opens a (safe) URL, else an inert label.
fn button(out: &mut String, element: &Value) {
    let kind = match element["type"].as_str() {
        Some("primary" | "primary_filled") => "primary",
        Some("danger" | "danger_filled") => "danger",
        _ => "default",
    };
    let fill = if element["width"].as_str() == Some("fill") { " fc-button-fill" } else { "" };
    let url = button_url(element);
    let label = text(&element["text"]).filter(|label| !label.trim().is_empty());
    match url {
        Some(url) => {
            let label = label.unwrap_or_else(|| url.to_owned());
            out.push_str(&format!(
                r#"<a class="fc-button fc-button-{kind}{fill}" href="{}" target="_blank" rel="noopener noreferrer">{}</a>"#,
                escape(url),
                escape(&label)
            ));
        }
        None => {
            let label = label.unwrap_or_else(|| "Button".to_owned());
            out.push_str(&format!(r#"<span class="fc-button fc-button-inert{fill}">{}</span>"#, escape(&label)));
        }
    }
}

/// The URL an `open_url` behaviour opens (`default_url`, else `pc_url`), else the
/// older `url` / `multi_url.url` fields; only a [`safe_url`].
fn button_url(element: &Value) -> Option<&str> {
    let from_behaviour = element["behaviors"].as_array().into_iter().flatten().find_map(|behaviour| {
        (behaviour["type"].as_str() == Some("open_url"))
            .then(|| behaviour["default_url"].as_str().or_else(|| behaviour["pc_url"].as_str()))
            .flatten()
    });
    from_behaviour.or_else(|| element["url"].as_str()).or_else(|| element["multi_url"]["url"].as_str()).and_then(safe_url)
}

/// The `content` of a text object, or a bare string.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(_) => value["content"].as_str().map(str::to_owned),
        _ => None,
    }
}

fn align_class(align: Option<&str>) -> &'static str {
    match align {
        Some("center") => " fc-align-center",
        Some("right") => " fc-align-right",
        _ => "",
    }
}
