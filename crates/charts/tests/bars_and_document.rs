//! The top-blocks chart and the downloadable document.

mod common;

use charts::{Bar, svg_document, time_series_svg, top_blocks_svg};
use common::{bars, chart};
use roxmltree::{Document, Node};

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"))
}

fn hits<'a>(doc: &'a Document) -> Vec<Node<'a, 'a>> {
    doc.descendants().filter(|n| n.attribute("class") == Some("hit")).collect()
}

#[test]
fn one_hit_target_per_bar_with_the_exact_value() {
    let mut c = bars(15);
    c.bars[2] = Bar {
        label: "Approvals & <Leave> requests for the whole company, every branch office and all subsidiaries".into(),
        value: 1_234_567,
    };
    let svg = top_blocks_svg(&c);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert!(root.attribute("viewBox").is_some_and(|v| v.starts_with("0 0 900 ")));
    assert_eq!(root.attribute("role"), Some("group"));
    let hits = hits(&doc);
    assert_eq!(hits.len(), 15);
    let expected = "Approvals & <Leave> requests for the whole company, every branch office and all subsidiaries: PV 1,234,567";
    assert_eq!(hits[2].attribute("aria-label"), Some(expected));
    let title = hits[2].children().find(|n| n.has_tag_name("title")).and_then(|t| t.text());
    assert_eq!(title, Some(expected));
    assert_eq!(hits[0].attribute("aria-label"), Some("Block 1: PV 50,007"));
    // The axis shortens the long name; the value at the bar's end is exact.
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("labels"))
        .flat_map(|g| g.children().filter_map(|t| t.text()))
        .collect();
    assert!(labels[4].ends_with('…') && labels[4].starts_with("Approvals"), "{labels:?}");
    assert_eq!(labels[5], "1,234,567");
}

#[test]
fn no_bars_show_the_message() {
    let svg = top_blocks_svg(&bars(0));
    let doc = parse(&svg);
    assert!(hits(&doc).is_empty());
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
    let empty = doc.descendants().find(|n| n.attribute("class") == Some("empty")).and_then(|n| n.text());
    assert_eq!(empty, Some("No blocks"));
}

#[test]
fn a_single_zero_bar_is_fine() {
    let mut c = bars(1);
    c.bars[0].value = 0;
    let svg = top_blocks_svg(&c);
    let doc = parse(&svg);
    assert_eq!(hits(&doc)[0].attribute("aria-label"), Some("Block 1: PV 0"));
    assert_eq!(svg, top_blocks_svg(&c.clone()), "deterministic");
}

#[test]
fn bars_follow_the_page_theme() {
    let svg = top_blocks_svg(&bars(10));
    assert!(svg.contains("currentColor"));
    for fixed in ["#000", "#fff", "black", "white"] {
        assert!(!svg.to_lowercase().contains(fixed), "hard-coded {fixed}");
    }
}

#[test]
fn the_download_is_a_standalone_light_document() {
    let mut c = chart(30, 2);
    c.incomplete_from = c.days.last().copied();
    for inline in [time_series_svg(&c), top_blocks_svg(&bars(5)), top_blocks_svg(&bars(0))] {
        let file = svg_document(&inline);
        assert!(file.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!file.contains("currentColor") && !file.contains("var("), "theme references left");
        let doc = parse(&file);
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
        let (w, h) = (root.attribute("width").unwrap(), root.attribute("height").unwrap());
        let view_box: Vec<&str> = root.attribute("viewBox").unwrap().split(' ').collect();
        assert_eq!((view_box[2], view_box[3]), (w, h));
        // Title first (accessibility), then a visible copy of it for the file.
        assert_eq!(root.first_element_child().unwrap().tag_name().name(), "title");
        let title = root.first_element_child().unwrap().text().unwrap();
        assert!(root.descendants().any(|n| n.has_tag_name("text") && n.text() == Some(title)));
        assert_eq!(hits(&doc).len(), hits(&parse(&inline)).len());
    }
}

#[test]
fn the_download_keeps_escaped_titles_escaped() {
    let mut c = bars(2);
    c.title = "A & B <top>".into();
    let file = svg_document(&top_blocks_svg(&c));
    let doc = parse(&file);
    let visible = doc.descendants().filter(|n| n.has_tag_name("text")).find_map(|n| n.text());
    assert_eq!(visible, Some("A & B <top>"));
}

#[test]
fn on_a_phone_names_are_shortened_further_and_stay_whole_on_focus() {
    let mut c = bars(10);
    c.bars[0] = Bar { label: "审批中心 Approvals and leave requests for every office".into(), value: 90_000 };
    let labels_of = |svg: &str| -> Vec<String> {
        parse(svg)
            .descendants()
            .filter(|n| n.attribute("class") == Some("labels"))
            .flat_map(|g| g.children().filter_map(|t| t.text().map(str::to_owned)).collect::<Vec<_>>())
            .collect()
    };
    let desktop = top_blocks_svg(&c);
    let phone = charts::top_blocks_svg_at(&c, 360.0);
    assert!(parse(&phone).root_element().attribute("viewBox").is_some_and(|v| v.starts_with("0 0 360 ")));
    let (wide, narrow) = (labels_of(&desktop), labels_of(&phone));
    assert!(narrow[0].ends_with('…') && narrow[0].chars().count() < wide[0].chars().count(), "{narrow:?} / {wide:?}");
    let doc = parse(&phone);
    let first = hits(&doc)[0].attribute("aria-label").unwrap_or_default().to_owned();
    assert_eq!(first, "审批中心 Approvals and leave requests for every office: PV 90,000", "the full name on focus");
}
