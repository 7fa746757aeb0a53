//! A chart as a file of its own ("download as SVG"): a standalone SVG document
//! has no page stylesheet, so theme references become concrete light colours.

use crate::theme::{DOCUMENT_BACKGROUND, DOCUMENT_TEXT};

/// The rules of the page's stylesheet that a chart's tips need, for a file of its own.
const TIP_STYLE: &str = "<style>.hit .tip{visibility:hidden}.hit:hover .tip,.hit:focus .tip{visibility:visible}</style>";

/// Height of the visible title added above the chart.
const TITLE_BAND: f32 = 30.0;

/// Turns an inline chart from [`crate::time_series_svg`] or [`crate::top_blocks_svg`]
/// into a standalone SVG file: XML prolog, `xmlns`, pixel `width`/`height` from
/// the viewBox, a white background, the title written above the chart, and every
/// `currentColor` / `var(...)` replaced with a concrete light-theme colour.
///
/// Other SVG text passes through with the same replacements, best effort.
pub fn svg_document(svg: &str) -> String {
    let resolved = resolve_colours(svg);
    let Some(tag_end) = resolved.strip_prefix("<svg").and_then(|_| resolved.find('>')) else {
        return format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{resolved}\n");
    };
    let (open_tag, rest) = resolved.split_at(tag_end);
    let rest = &rest[1..]; // past '>'
    let title = between(rest, "<title", "</title>").and_then(|t| t.split_once('>')).map(|(_, text)| text);
    let band = if title.is_some_and(|t| !t.is_empty()) { TITLE_BAND } else { 0.0 };
    let view_box = between(open_tag, "viewBox=\"", "\"").and_then(parse_view_box);

    let mut out = String::with_capacity(svg.len() + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"");
    let mut attrs = open_tag["<svg".len()..].to_string();
    if let Some([x, y, w, h]) = view_box {
        let h = h + band;
        out.push_str(&format!(
            " width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\"",
            num(w),
            num(h),
            num(x),
            num(y - band),
            num(w),
            num(h)
        ));
        attrs = strip_attr(&attrs, "viewBox");
    }
    out.push_str(&attrs);
    out.push('>');
    // Title and description stay the first children, for assistive technology.
    let (head, body) = match rest.find("</desc>") {
        Some(i) => rest.split_at(i + "</desc>".len()),
        None => ("", rest),
    };
    out.push_str(head);
    // The page's stylesheet hides the tips until a day or bar is pointed at or focused;
    // a file of its own says so itself.
    out.push_str(TIP_STYLE);
    if let Some([x, y, w, h]) = view_box {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{DOCUMENT_BACKGROUND}\"/>",
            num(x),
            num(y - band),
            num(w),
            num(h + band)
        ));
        if let (Some(title), true) = (title, band > 0.0) {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"600\">{title}</text>",
                num(x + 12.0),
                num(y - band + 20.0)
            ));
        }
    }
    out.push_str(body);
    out.push('\n');
    out
}

/// `currentColor` → the light theme's text colour; `var(--name, fallback)` → its
/// fallback, where `Canvas` (the page background) is white, or the text colour.
fn resolve_colours(svg: &str) -> String {
    let mut text = svg.replace("currentColor", DOCUMENT_TEXT);
    let mut from = 0;
    while let Some(start) = text[from..].find("var(").map(|i| from + i) {
        let mut depth = 0;
        let mut end = None;
        for (i, c) in text[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(start + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let inner = &text[start + 4..end];
        let fallback = inner.split_once(',').map(|(_, f)| f.trim()).filter(|f| !f.is_empty());
        let replacement = match fallback {
            Some("Canvas") => DOCUMENT_BACKGROUND.to_string(),
            Some(f) => f.to_string(),
            None => DOCUMENT_TEXT.to_string(),
        };
        text.replace_range(start..=end, &replacement);
        from = start + replacement.len();
    }
    text
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

fn parse_view_box(text: &str) -> Option<[f32; 4]> {
    let mut parts = text.split([' ', ',']).filter(|p| !p.is_empty()).map(|p| p.parse::<f32>().ok());
    let view_box = [parts.next()??, parts.next()??, parts.next()??, parts.next()??];
    view_box.iter().all(|v| v.is_finite()).then_some(view_box)
}

/// `attrs` without ` name="…"`.
fn strip_attr(attrs: &str, name: &str) -> String {
    let lead = format!(" {name}=\"");
    let Some(start) = attrs.find(&lead) else {
        return attrs.to_string();
    };
    let value = start + lead.len();
    match attrs[value..].find('"') {
        Some(len) => format!("{}{}", &attrs[..start], &attrs[value + len + 1..]),
        None => attrs.to_string(),
    }
}

fn num(v: f32) -> String {
    let mut s = String::new();
    crate::svg::push_num(&mut s, v);
    s
}
