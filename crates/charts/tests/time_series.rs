//! The time-series chart, read back as XML the way a browser or screen reader would.

mod common;

use charts::{DayNote, Metric, NumberFormat, Series, time_series_svg};
use common::{chart, date};
use roxmltree::{Document, Node};

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"))
}

fn hits<'a>(doc: &'a Document) -> Vec<Node<'a, 'a>> {
    doc.descendants().filter(|n| n.attribute("class") == Some("hit")).collect()
}

fn texts<'a>(doc: &'a Document, class: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .flat_map(|g| g.descendants().filter(|t| t.has_tag_name("text")).filter_map(|t| t.text()))
        .collect()
}

#[test]
fn root_is_a_responsive_labelled_chart() {
    let c = chart(31, 2);
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("viewBox").map(|v| v.starts_with("0 0 900 ")), Some(true));
    assert_eq!(root.attribute("width"), None, "a fixed width would break responsive sizing");
    assert_eq!(root.attribute("role"), Some("group"), "interactive children need a non-img root");
    let title = root.children().find(|n| n.has_tag_name("title")).expect("title");
    let desc = root.children().find(|n| n.has_tag_name("desc")).expect("desc");
    assert_eq!(title.text(), Some("Daily PV and UV"));
    assert_eq!(desc.text(), Some("PV and UV per day over 31 days."));
    assert_eq!(root.attribute("aria-labelledby"), title.attribute("id"));
    assert_eq!(root.attribute("aria-describedby"), desc.attribute("id"));
}

#[test]
fn one_hit_target_per_day_with_exact_values() {
    let mut c = chart(7, 0);
    c.series[0].values[4] = 1_234;
    c.series[1].values[4] = 567;
    c.day_labels[4] = "2024-03-05".into();
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    let hits = hits(&doc);
    assert_eq!(hits.len(), 7);
    let day = hits[4];
    assert_eq!(day.attribute("aria-label"), Some("2024-03-05: PV 1,234; UV 567"));
    assert_eq!(day.attribute("tabindex"), Some("0"));
    assert_eq!(day.attribute("role"), Some("img"));
    let tip = day.children().find(|n| n.attribute("class") == Some("tip")).expect("tip");
    assert_eq!(tip.attribute("visibility"), None, "hidden by the page's style, not per day");
    let file = charts::svg_document(&svg);
    assert!(file.contains("<style>.hit .tip{visibility:hidden}"), "a file of its own hides its tips itself");
    let tip_text: String = tip.descendants().filter(|n| n.is_text()).filter_map(|t| t.text()).collect();
    assert_eq!(tip_text, "2024-03-05 PV 1,234; UV 567");
}

#[test]
fn blocks_are_named_in_each_days_label() {
    let mut c = chart(3, 2);
    c.series[0].values[1] = 1_000_000;
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    let label = hits(&doc)[1].attribute("aria-label").unwrap().to_string();
    let expected = format!(
        "01-02: Total: PV 1,000,000, UV {}; Block 1: PV {}, UV {}; Block 2: PV {}, UV {}",
        c.number_format.format(c.series[1].values[1]),
        c.number_format.format(c.series[2].values[1]),
        c.number_format.format(c.series[3].values[1]),
        c.number_format.format(c.series[4].values[1]),
        c.number_format.format(c.series[5].values[1]),
    );
    assert_eq!(label, expected);
    assert_eq!(texts(&doc, "legend"), ["Total", "Block 1", "Block 2", "PV", "UV"]);
}

#[test]
fn colours_follow_the_page_theme() {
    let svg = time_series_svg(&chart(60, 8));
    assert!(svg.contains("fill=\"currentColor\"") && svg.contains("stroke=\"currentColor\""));
    for fixed in ["#000", "#fff", "black", "white", "rgb("] {
        assert!(!svg.to_lowercase().contains(fixed), "hard-coded {fixed}");
    }
    for colour in charts::PALETTE {
        assert!(svg.contains(colour), "palette colour {colour} unused with 9 groups");
    }
}

#[test]
fn output_is_deterministic() {
    let c = chart(120, 3);
    let first = time_series_svg(&c);
    let round_trip = c.clone();
    assert_eq!(first, time_series_svg(&round_trip));
    assert_eq!(first, time_series_svg(&chart(120, 3)));
}

#[test]
fn no_data_shows_the_message() {
    let mut no_days = chart(0, 0);
    no_days.series.clear();
    let mut no_series = chart(30, 0);
    no_series.series.clear();
    let mut no_values = chart(30, 1);
    for s in &mut no_values.series {
        s.values.clear();
    }
    for c in [no_days, no_series, no_values] {
        let svg = time_series_svg(&c);
        let doc = parse(&svg);
        assert!(hits(&doc).is_empty());
        let empty = doc.descendants().find(|n| n.attribute("class") == Some("empty")).expect("message");
        assert_eq!(empty.text(), Some("No access in this range"));
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
    }
}

#[test]
fn a_single_day_is_a_point() {
    let svg = time_series_svg(&chart(1, 1));
    let doc = parse(&svg);
    assert_eq!(hits(&doc).len(), 1);
    assert!(doc.descendants().any(|n| n.attribute("class") == Some("points")));
    assert_eq!(texts(&doc, "x-ticks"), ["01-01"]);
}

#[test]
fn three_years_thin_the_date_ticks() {
    let c = chart(3 * 365 + 1, 0);
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert_eq!(hits(&doc).len(), c.days.len());
    let ticks = texts(&doc, "x-ticks");
    assert!((6..=14).contains(&ticks.len()), "{ticks:?}");
    assert!(ticks.iter().all(|t| t.ends_with("-01")), "month starts: {ticks:?}");
    assert!(!doc.descendants().any(|n| n.attribute("class") == Some("points")), "no markers on long ranges");
}

#[test]
fn huge_values_get_compact_ticks_and_exact_tooltips() {
    let mut c = chart(10, 0);
    c.series[0].values = vec![1_234_567_890; 10];
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert_eq!(texts(&doc, "y-ticks"), ["0", "0.25B", "0.5B", "0.75B", "1B", "1.25B"]);
    assert!(hits(&doc)[0].attribute("aria-label").unwrap().contains("PV 1,234,567,890"));

    c.number_format = NumberFormat::zh();
    c.series[0].values = vec![123_456; 10];
    let svg = time_series_svg(&c);
    assert_eq!(texts(&parse(&svg), "y-ticks"), ["0", "2.5万", "5万", "7.5万", "10万", "12.5万"]);
}

#[test]
fn all_zeros_still_draw_an_axis() {
    let mut c = chart(14, 1);
    for s in &mut c.series {
        s.values = vec![0; 14];
    }
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert_eq!(texts(&doc, "y-ticks"), ["0", "1"]);
    assert_eq!(hits(&doc).len(), 14);
    assert!(hits(&doc)[0].attribute("aria-label").unwrap().ends_with("Block 1: PV 0, UV 0"));
}

#[test]
fn today_is_drawn_as_incomplete() {
    let mut c = chart(10, 0);
    c.incomplete_from = Some(date(2024, 1, 10));
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    let hollow = doc.descendants().filter(|n| n.attribute("class") == Some("incomplete-point")).count();
    assert_eq!(hollow, 2, "one hollow point per series on the last day");
    let dotted = doc.descendants().filter(|n| n.attribute("class") == Some("incomplete")).count();
    assert_eq!(dotted, 2, "one dotted last segment per series");
    let last = hits(&doc)[9].attribute("aria-label").unwrap();
    assert!(last.starts_with("01-10 (today, still counting): PV "), "{last}");
    assert!(texts(&doc, "legend").contains(&"today, still counting"));
}

#[test]
fn text_is_escaped() {
    let mut c = chart(2, 0);
    c.title = "PV & UV <\"quoted\">".into();
    c.series[0].label = "A & <B>".into();
    c.day_labels[0] = "3月5日 'Tue'".into();
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert_eq!(doc.root_element().first_element_child().and_then(|t| t.text()), Some("PV & UV <\"quoted\">"));
    assert!(hits(&doc)[0].attribute("aria-label").unwrap().starts_with("3月5日 'Tue': "));
}

#[test]
fn short_series_leave_gaps_instead_of_panicking() {
    let mut c = chart(10, 0);
    c.series[0].values.truncate(5);
    c.series[1].values.clear();
    c.day_labels.truncate(3);
    c.series.push(Series { label: "Extra".into(), metric: Metric::Pv, values: vec![1; 20], emphasis: false });
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert_eq!(hits(&doc).len(), 10);
    assert_eq!(hits(&doc)[9].attribute("aria-label"), Some("2024-01-10: Extra: PV 1"));
}

#[test]
fn coordinates_have_at_most_one_decimal() {
    let svg = time_series_svg(&chart(97, 3));
    let doc = parse(&svg);
    let coordinate = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height", "d"];
    for node in doc.descendants() {
        for attr in node.attributes().filter(|a| coordinate.contains(&a.name())) {
            let v = attr.value();
            let too_precise = v
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .any(|n| n.split_once('.').is_some_and(|(_, frac)| frac.len() > 1 || frac.contains('.')));
            assert!(!too_precise, "{}={v}", attr.name());
        }
    }
}

#[test]
fn a_year_stays_small() {
    let total_only = time_series_svg(&chart(365, 0)).len();
    let eight_blocks = time_series_svg(&chart(365, 8)).len();
    println!("365 days: total only {total_only} bytes; total + 8 blocks {eight_blocks} bytes");
    assert!(total_only < 150_000, "{total_only} bytes");
}

#[test]
fn every_reference_resolves_to_one_element() {
    for svg in [time_series_svg(&chart(40, 2)), charts::top_blocks_svg(&common::bars(3))] {
        let doc = parse(&svg);
        let ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
        for node in doc.descendants() {
            if let Some(target) = node.attribute("href") {
                assert!(ids.contains(&target.trim_start_matches('#')), "dangling {target}");
            }
            for refs in ["aria-labelledby", "aria-describedby"].iter().filter_map(|a| node.attribute(*a)) {
                assert!(refs.split(' ').all(|r| ids.contains(&r)), "dangling {refs}");
            }
        }
    }
}

#[test]
fn the_largest_counts_do_not_overflow() {
    let mut c = chart(5, 1);
    for s in &mut c.series {
        s.values = vec![u64::MAX, 0, u64::MAX / 2, 1, u64::MAX];
    }
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    assert!(hits(&doc)[0].attribute("aria-label").unwrap().contains("PV 18,446,744,073,709,551,615"));
    let mut bars = common::bars(2);
    bars.bars[0].value = u64::MAX;
    parse(&charts::top_blocks_svg(&bars));
}

#[test]
fn a_phone_width_gets_its_own_drawing_with_fewer_ticks_at_full_text_size() {
    let c = chart(90, 2);
    let desktop = time_series_svg(&c);
    let phone = charts::time_series_svg_at(&c, 360.0);
    let (desktop, phone) = (parse(&desktop), parse(&phone));
    let view_box = |d: &Document| d.root_element().attribute("viewBox").unwrap_or_default().to_owned();
    assert!(view_box(&phone).starts_with("0 0 360 "), "{}", view_box(&phone));
    assert_eq!(phone.root_element().attribute("font-size"), Some("12"), "12 px text at 1:1");
    let (wide, narrow) = (texts(&desktop, "x-ticks"), texts(&phone, "x-ticks"));
    assert!(narrow.len() >= 2 && narrow.len() < wide.len(), "phone {narrow:?}, desktop {wide:?}");
    assert_eq!(hits(&phone).len(), 90, "every day stays a target");
    // Below the narrowest drawing, the chart is drawn at the narrowest.
    let tiny = charts::time_series_svg_at(&c, 100.0);
    assert!(view_box(&parse(&tiny)).starts_with(&format!("0 0 {} ", charts::MIN_WIDTH)));
}

#[test]
fn a_note_is_a_flagged_line_with_its_text_in_the_days_tip() {
    let mut c = chart(14, 0);
    c.notes = vec![
        DayNote { day: date(2024, 1, 5), text: "Note: Moved <请假> up".into() },
        DayNote { day: date(2024, 1, 5), text: "Note: and renamed it".into() },
        DayNote { day: date(2023, 12, 1), text: "Note: before the chart".into() },
    ];
    let svg = time_series_svg(&c);
    let doc = parse(&svg);
    let notes: Vec<Node> = doc.descendants().filter(|n| n.attribute("class") == Some("note")).collect();
    assert_eq!(notes.len(), 1, "one line for the day's two notes, none for a day off the chart");
    let hits = hits(&doc);
    let day = hits.iter().find(|h| h.attribute("data-day") == Some("2024-01-05")).expect("every day carries its date");
    let x = |n: &Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f32>().ok()).unwrap();
    let column = day.children().find(|n| n.has_tag_name("use")).unwrap();
    let width = 900.0 - 2.0 * 12.0;
    assert!((x(&notes[0], "x1") - x(&column, "x")).abs() < width / 14.0, "the line is on the noted day's column");
    let label = day.attribute("aria-label").unwrap();
    assert!(label.ends_with("; Note: Moved <请假> up; Note: and renamed it"), "{label}");
    let tip: Vec<&str> = day.descendants().filter(|n| n.is_text()).filter_map(|t| t.text()).collect();
    assert!(tip.contains(&"Note: Moved <请假> up"), "{tip:?}");
    assert!(svg.contains("Moved &lt;请假&gt; up"), "escaped");
    let other = hits.iter().find(|h| h.attribute("data-day") == Some("2024-01-06")).unwrap();
    assert!(!other.attribute("aria-label").unwrap().contains("Note"), "a note is on its own day only");
    assert!(!time_series_svg(&chart(14, 0)).contains("class=\"notes\""), "no notes, no group");
}
