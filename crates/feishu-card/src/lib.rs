//! Renders a Feishu message card (card JSON schema 2.0, as a [`serde_json::Value`])
//! as a self-contained, safe HTML fragment, so that the simulator's chat pages
//! and the dashboard's digest preview show a card the same way.
//!
//! Written by hand: no crate renders Feishu cards, and Feishu's own renderer
//! lives in its clients. The card's `markdown` (Feishu's lark_md subset) goes
//! through pulldown-cmark, with its raw HTML escaped, never passed through.
//!
//! What is shown:
//! - the header: `header.title.content`, `header.subtitle.content`, its
//!   `text_tag_list` and `header.template` as a colour class;
//! - `body.elements` (or a schema 1.0 card's top-level `elements`), recursively:
//!   `markdown`, `div` (`text`, `fields`), `hr`, `column_set` / `column` (a
//!   wrapping flex row, `weight` 1–5), `table` (every row, scrolling sideways on
//!   narrow screens, number cells right-aligned), `button` (an `open_url`
//!   behaviour's `default_url`, else `url`, as a link styled as a button),
//!   `img` and `chart` as text placeholders, `collapsible_panel` as
//!   `<details>`, `interactive_container` / `form` as plain containers; any
//!   other tag as a visible "unsupported element: tag" note.
//!
//! Safety: every text is HTML-escaped; links keep an `href` only for `http`,
//! `https` or relative targets; the HTML has no script, no event handler and
//! no `style` attribute (colours and widths are classes), so the host page may
//! use a strict Content-Security-Policy with [`CARD_CSS`] as its one stylesheet.
//! Classes are prefixed `fc-`. The card's title is a paragraph unless
//! [`RenderOptions::title_heading_level`] makes it a heading of the host page.
//!
//! ```
//! let card = serde_json::json!({
//!     "schema": "2.0",
//!     "header": {"title": {"tag": "plain_text", "content": "Weekly digest"}, "template": "blue"},
//!     "body": {"elements": [{"tag": "markdown", "content": "**3** blocks rose"}]}
//! });
//! let html = feishu_card::render_html(&card);
//! assert!(html.contains("Weekly digest") && html.contains("<strong>3</strong>"));
//! ```

#![warn(missing_docs)]

mod elements;
mod escape;
mod markdown;
mod table;

use serde_json::Value;

use crate::escape::push_escaped;

/// Escaping text for HTML, as the cards are escaped (also for the simulator's other pages).
pub use escape::escape;

/// The stylesheet for the classes [`render_html`] writes: light theme, text
/// contrast at least WCAG AA, readable from 390 px phones to desktops, buttons
/// at least 44 px high. Put it in a `<style>` element or serve it as a file.
pub const CARD_CSS: &str = include_str!("card.css");

/// The header colours (`header.template`) the stylesheet knows; others show as `default`.
pub const HEADER_TEMPLATES: [&str; 13] = [
    "blue",
    "wathet",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "carmine",
    "violet",
    "purple",
    "indigo",
    "grey",
    "default",
];

/// How [`render_html_with`] fits the card into its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Make the card's title an `<h1>` … `<h6>` of this level (clamped to
    /// 1..=6), for a page that lists cards under its own headings; `None`
    /// keeps it a paragraph.
    pub title_heading_level: Option<u8>,
}

/// The card as an HTML fragment (one `<div class="fc-card">`), with the title a paragraph.
pub fn render_html(card: &Value) -> String {
    render_html_with(card, RenderOptions::default())
}

/// The card as an HTML fragment, fitted to the page by `options`.
pub fn render_html_with(card: &Value, options: RenderOptions) -> String {
    let mut out = String::from(r#"<div class="fc-card">"#);
    header(&mut out, &card["header"], options);
    out.push_str(r#"<div class="fc-body">"#);
    let body = if card["body"]["elements"].is_array() { &card["body"]["elements"] } else { &card["elements"] };
    elements::elements(&mut out, body, 0);
    out.push_str("</div></div>");
    out
}

fn header(out: &mut String, header: &Value, options: RenderOptions) {
    let title = elements::text(&header["title"]).unwrap_or_default();
    let subtitle = elements::text(&header["subtitle"]).unwrap_or_default();
    let tags = header["text_tag_list"].as_array().map(Vec::as_slice).unwrap_or_default();
    if title.is_empty() && subtitle.is_empty() && tags.is_empty() {
        return;
    }
    let template = header["template"]
        .as_str()
        .and_then(|t| HEADER_TEMPLATES.iter().find(|known| **known == t))
        .copied()
        .unwrap_or("default");
    out.push_str(&format!(r#"<div class="fc-header fc-template-{template}">"#));
    if !title.is_empty() {
        let (open, close) = match options.title_heading_level {
            Some(level) => {
                let level = level.clamp(1, 6);
                (format!(r#"<h{level} class="fc-title">"#), format!("</h{level}>"))
            }
            None => (r#"<p class="fc-title">"#.to_owned(), "</p>".to_owned()),
        };
        out.push_str(&open);
        push_escaped(out, &title);
        out.push_str(&close);
    }
    if !subtitle.is_empty() {
        out.push_str(r#"<p class="fc-subtitle">"#);
        push_escaped(out, &subtitle);
        out.push_str("</p>");
    }
    for tag in tags {
        let text = elements::text(&tag["text"]).unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        let colour = tag["color"]
            .as_str()
            .and_then(|c| markdown::FONT_COLOURS.iter().find(|known| **known == c))
            .copied()
            .unwrap_or("neutral");
        out.push_str(&format!(r#"<span class="fc-tag fc-tag-{colour}">"#));
        push_escaped(out, &text);
        out.push_str("</span>");
    }
    out.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const SCRIPT: &str = "<script>alert('x')</script>";

    fn card(elements: Value) -> Value {
        json!({
            "schema": "2.0",
            "header": {"title": {"tag": "plain_text", "content": "Weekly digest"}, "subtitle": {"tag": "plain_text", "content": "Jun 23 – 29"}, "template": "green"},
            "body": {"elements": elements}
        })
    }

    #[test]
    fn a_script_in_any_text_stays_text() {
        let hostile = json!({
            "schema": "2.0",
            "header": {"title": {"tag": "plain_text", "content": SCRIPT}, "subtitle": {"content": SCRIPT}, "template": SCRIPT,
                       "text_tag_list": [{"tag": "text_tag", "text": {"content": SCRIPT}, "color": SCRIPT}]},
            "body": {"elements": [
                {"tag": "markdown", "content": SCRIPT},
                {"tag": "div", "text": {"tag": "plain_text", "content": SCRIPT}, "fields": [{"text": {"tag": "lark_md", "content": SCRIPT}}]},
                {"tag": "table", "columns": [{"name": "a", "display_name": SCRIPT, "data_type": "text"},
                                             {"name": "b", "display_name": "B", "data_type": "options"},
                                             {"name": "c", "display_name": "C", "data_type": "lark_md"}],
                 "rows": [{"a": SCRIPT, "b": [{"text": SCRIPT, "color": SCRIPT}], "c": SCRIPT}]},
                {"tag": "button", "text": {"tag": "plain_text", "content": SCRIPT}, "behaviors": [{"type": "open_url", "default_url": "https://x.test/\"><script>"}]},
                {"tag": "img", "alt": {"content": SCRIPT}},
                {"tag": "collapsible_panel", "header": {"title": {"content": SCRIPT}}, "elements": []},
                {"tag": SCRIPT}
            ]}
        });
        let html = render_html(&hostile);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains(r#"href="https://x.test/&quot;&gt;&lt;script&gt;""#), "an attribute cannot be closed: {html}");
    }

    #[test]
    fn header_title_subtitle_and_template() {
        let html = render_html(&card(json!([])));
        assert!(html.contains(r#"<div class="fc-header fc-template-green"><p class="fc-title">Weekly digest</p><p class="fc-subtitle">Jun 23 – 29</p>"#), "{html}");
        let html = render_html_with(&card(json!([])), RenderOptions { title_heading_level: Some(3) });
        assert!(html.contains(r#"<h3 class="fc-title">Weekly digest</h3>"#), "{html}");
        let unknown = json!({"header": {"title": {"content": "T"}, "template": "rainbow"}});
        assert!(render_html(&unknown).contains("fc-template-default"));
    }

    #[test]
    fn a_table_shows_every_row_with_numbers_right_aligned() {
        let rows: Vec<Value> = (1..=12).map(|i| json!({"block": format!("Block {i}"), "pv": i * 1000, "note": "ok"})).collect();
        let html = render_html(&card(json!([{
            "tag": "table", "page_size": 5,
            "columns": [
                {"name": "block", "display_name": "Block", "data_type": "text"},
                {"name": "pv", "display_name": "Visits", "data_type": "number", "format": {"separator": true}},
                {"name": "note", "display_name": "Note", "data_type": "text", "horizontal_align": "center"}
            ],
            "rows": rows
        }])));
        assert!(
            html.contains(r#"<div class="fc-table-wrap" role="region" tabindex="0" aria-label="Table: Block, Visits, Note">"#),
            "{html}"
        );
        assert!(html.contains(r#"<th scope="col" class="fc-align-right">Visits</th>"#), "{html}");
        assert_eq!(html.matches("<tr>").count(), 13, "a header row and all 12 rows, page_size notwithstanding");
        assert!(html.contains(r#"<td class="fc-align-left">Block 12</td><td class="fc-align-right fc-num">12,000</td><td class="fc-align-center">ok</td>"#), "{html}");
    }

    #[test]
    fn a_button_is_a_link_styled_as_a_button() {
        let html = render_html(&card(json!([
            {"tag": "button", "text": {"tag": "plain_text", "content": "Open the dashboard"}, "type": "primary",
             "behaviors": [{"type": "open_url", "default_url": "https://insights.example.com/?from=2025-06-23"}]},
            {"tag": "button", "text": {"tag": "plain_text", "content": "Old style"}, "url": "/insights"},
            {"tag": "button", "text": {"tag": "plain_text", "content": "Evil"}, "url": "javascript:alert(1)"}
        ])));
        assert!(
            html.contains(r#"<a class="fc-button fc-button-primary" href="https://insights.example.com/?from=2025-06-23" target="_blank" rel="noopener noreferrer">Open the dashboard</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<a class="fc-button fc-button-default" href="/insights""#), "{html}");
        assert!(html.contains(r#"<span class="fc-button fc-button-inert">Evil</span>"#), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn markdown_bold_and_link_and_no_javascript_links() {
        let html = render_html(&card(json!([
            {"tag": "markdown", "content": "**Visits** rose, see [the chart](https://insights.example.com/chart)"},
            {"tag": "markdown", "content": "[do not](javascript:alert(document.cookie)) click"}
        ])));
        assert!(html.contains("<strong>Visits</strong>"), "{html}");
        assert!(html.contains(r#"href="https://insights.example.com/chart""#), "{html}");
        assert!(html.contains(">the chart</a>"), "{html}");
        assert!(!html.to_ascii_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("do not click"), "{html}");
    }

    #[test]
    fn columns_hr_images_and_unknown_tags() {
        let html = render_html(&card(json!([
            {"tag": "column_set", "columns": [
                {"tag": "column", "width": "weighted", "weight": 2, "elements": [{"tag": "markdown", "content": "left"}]},
                {"tag": "column", "width": "weighted", "weight": 9, "elements": [{"tag": "markdown", "content": "right"}]}
            ]},
            {"tag": "hr"},
            {"tag": "img", "img_key": "img_v2_x", "alt": {"tag": "plain_text", "content": "trend"}},
            {"tag": "note", "elements": []}
        ])));
        assert!(
            html.contains(r#"<div class="fc-column-set"><div class="fc-column fc-w2"><div class="fc-markdown"><p>left</p>"#),
            "{html}"
        );
        assert!(html.contains(r#"<div class="fc-column fc-w5">"#), "weights are clamped to Feishu's 1–5: {html}");
        assert!(html.contains(r#"<hr class="fc-hr">"#));
        assert!(html.contains(r#"<div class="fc-img">Image: trend</div>"#), "{html}");
        assert!(html.contains(r#"<p class="fc-unsupported">unsupported element: note</p>"#), "{html}");
    }

    #[test]
    fn the_stylesheet_covers_the_classes() {
        for class in [
            "fc-card",
            "fc-header",
            "fc-title",
            "fc-table-wrap",
            "fc-num",
            "fc-button",
            "fc-button-primary",
            "fc-unsupported",
            "fc-w5",
            "fc-column-set",
        ] {
            assert!(CARD_CSS.contains(&format!(".{class}")), "{class}");
        }
        for template in HEADER_TEMPLATES {
            assert!(CARD_CSS.contains(&format!(".fc-template-{template}")), "{template}");
        }
        for colour in markdown::FONT_COLOURS {
            assert!(CARD_CSS.contains(&format!(".fc-color-{colour}")), "{colour}");
            assert!(CARD_CSS.contains(&format!(".fc-tag-{colour}")), "{colour}");
        }
        assert!(CARD_CSS.contains("min-height:44px"), "tap targets");
    }
}
