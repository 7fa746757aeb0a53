//! Feishu's `lark_md` / card `markdown` subset as HTML, through pulldown-cmark.
//!
//! The parser's events are rewritten before pulldown-cmark writes them out:
//! - raw HTML (blocks and inline) becomes text, so it is escaped, never passed
//!   through; the one exception is Feishu's `<font color='…'>…</font>`, which
//!   becomes a `<span>` with a colour class from a fixed list (any other colour
//!   keeps only the text);
//! - a link keeps its `href` only if [`safe_url`] allows it, otherwise only its
//!   text stays; a link without text shows its target, so no link is nameless;
//! - a single newline is a line break, as Feishu shows it;
//! - headings become styled paragraphs: a card sits inside a page whose heading
//!   levels it cannot know;
//! - images (Feishu's `![alt](img_key)`) become their alt text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::escape::{escape, safe_url};

/// The colours Feishu's `<font color>` names that the stylesheet has a class for: the
/// same thirteen as the header templates ([`crate::HEADER_TEMPLATES`]), one set of classes.
pub(crate) const FONT_COLOURS: [&str; 13] = crate::HEADER_TEMPLATES;

/// `text` as HTML block content (paragraphs, lists …).
pub(crate) fn markdown_html(text: &str) -> String {
    let parser = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH);
    let events = rewrite(parser.collect());
    let mut out = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// The safe event stream (see the module doc).
fn rewrite(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    // Spans opened by <font> and not yet closed; closed at the end of their block.
    let mut open_fonts = 0usize;
    let mut i = 0;
    while i < events.len() {
        let event = events[i].clone();
        i += 1;
        match event {
            Event::Start(Tag::HtmlBlock) => out.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => {
                close_fonts(&mut out, &mut open_fonts);
                out.push(Event::End(TagEnd::Paragraph));
            }
            Event::Html(raw) => out.push(Event::Text(raw)),
            Event::InlineHtml(raw) => match font_tag(&raw) {
                Some(FontTag::Open(colour)) => {
                    open_fonts += 1;
                    let class = colour.map_or_else(|| "fc-font".to_owned(), |c| format!("fc-font fc-color-{c}"));
                    out.push(Event::Html(CowStr::from(format!(r#"<span class="{class}">"#))));
                }
                Some(FontTag::Close) if open_fonts > 0 => {
                    open_fonts -= 1;
                    out.push(Event::Html(CowStr::Borrowed("</span>")));
                }
                Some(FontTag::Close) => {}
                None => out.push(Event::Text(raw)),
            },
            Event::SoftBreak => out.push(Event::HardBreak),
            Event::Start(Tag::Heading { level, .. }) => {
                out.push(Event::Html(CowStr::from(format!(r#"<p class="fc-md-heading fc-md-{level}">"#))));
            }
            Event::End(TagEnd::Heading(_)) => {
                close_fonts(&mut out, &mut open_fonts);
                out.push(Event::Html(CowStr::Borrowed("</p>\n")));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Link)))
                    .map_or(events.len(), |offset| i + offset);
                let has_text = events[i..end].iter().any(|e| match e {
                    Event::Text(t) | Event::Code(t) => !t.trim().is_empty(),
                    Event::Start(Tag::Image { .. }) => true,
                    _ => false,
                });
                match safe_url(&dest_url) {
                    Some(url) => {
                        out.push(Event::Html(CowStr::from(format!(
                            r#"<a class="fc-link" href="{}" target="_blank" rel="noopener noreferrer">"#,
                            escape(url)
                        ))));
                        if !has_text {
                            out.push(Event::Text(CowStr::from(url.to_owned())));
                        }
                        out.extend(rewrite(events[i..end].to_vec()));
                        out.push(Event::Html(CowStr::Borrowed("</a>")));
                    }
                    None => {
                        if !has_text {
                            out.push(Event::Text(dest_url.clone()));
                        }
                        out.extend(rewrite(events[i..end].to_vec()));
                    }
                }
                i = end + 1;
            }
            Event::Start(Tag::Image { .. }) => {
                out.push(Event::Html(CowStr::Borrowed(r#"<span class="fc-img-alt">"#)));
                out.push(Event::Text(CowStr::Borrowed("Image: ")));
            }
            Event::End(TagEnd::Image) => out.push(Event::Html(CowStr::Borrowed("</span>"))),
            Event::End(end) if is_block(end) => {
                close_fonts(&mut out, &mut open_fonts);
                out.push(Event::End(end));
            }
            other => out.push(other),
        }
    }
    close_fonts(&mut out, &mut open_fonts);
    out
}

fn close_fonts(out: &mut Vec<Event<'_>>, open: &mut usize) {
    for _ in 0..*open {
        out.push(Event::Html(CowStr::Borrowed("</span>")));
    }
    *open = 0;
}

fn is_block(end: TagEnd) -> bool {
    !matches!(end, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image)
}

enum FontTag {
    /// `<font color=…>`, with the colour if the stylesheet knows it.
    Open(Option<&'static str>),
    /// `</font>`.
    Close,
}

/// Reads `<font color='x'>`, `<font color="x">`, `<font color=x>` and `</font>`.
fn font_tag(raw: &str) -> Option<FontTag> {
    let tag = raw.trim().to_ascii_lowercase();
    if tag == "</font>" {
        return Some(FontTag::Close);
    }
    let inner = tag.strip_prefix("<font")?.strip_suffix('>')?.trim();
    let value = inner.strip_prefix("color")?.trim_start().strip_prefix('=')?.trim();
    let value = value.trim_matches(|c| c == '\'' || c == '"');
    Some(FontTag::Open(FONT_COLOURS.iter().copied().find(|c| *c == value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_italic_strike_and_links() {
        let html = markdown_html("**Bold** *it* ~~gone~~ [Open](https://example.com/a?b=1&c=2)");
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(html.contains("<em>it</em>"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(
            html.contains(r#"<a class="fc-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">Open</a>"#),
            "{html}"
        );
    }

    #[test]
    fn unsafe_links_keep_only_their_text() {
        for bad in ["[click](javascript:alert(1))", "[click](JAVASCRIPT:alert(1))", "[click](data:text/html,x)"] {
            let html = markdown_html(bad);
            assert!(!html.contains("<a"), "{bad}: {html}");
            assert!(!html.to_ascii_lowercase().contains("href"), "{bad}: {html}");
            assert!(html.contains("click"), "{bad}: {html}");
        }
        let html = markdown_html("<javascript:alert(1)>");
        assert!(!html.contains("<a"), "{html}");
    }

    #[test]
    fn raw_html_is_text() {
        let html = markdown_html("hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick='x'>\nblock\n</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn font_colours_become_classes_and_stay_balanced() {
        let html =
            markdown_html("up <font color='green'>+12%</font> and <font color=\"hotpink\">odd</font> <font color='red'>open");
        assert!(html.contains(r#"<span class="fc-font fc-color-green">+12%</span>"#), "{html}");
        assert!(html.contains(r#"<span class="fc-font">odd</span>"#), "{html}");
        assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "{html}");
        assert!(!html.contains("hotpink\""), "{html}");
    }

    #[test]
    fn newlines_break_lines_and_lists_are_lists() {
        let html = markdown_html("one\ntwo\n\n- a\n- b\n\n1. x\n2. y");
        assert!(html.contains("one<br />\ntwo"), "{html}");
        assert!(html.contains("<ul>\n<li>a</li>\n<li>b</li>\n</ul>"), "{html}");
        assert!(html.contains("<ol>"), "{html}");
    }

    #[test]
    fn headings_are_paragraphs_and_empty_links_show_their_target() {
        let html = markdown_html("# Weekly\n\n[](https://example.com)");
        assert!(html.contains(r#"<p class="fc-md-heading fc-md-h1">Weekly</p>"#), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains(">https://example.com</a>"), "{html}");
    }
}
