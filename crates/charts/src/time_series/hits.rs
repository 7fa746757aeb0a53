//! Interactivity without JavaScript: one focusable, labelled column per day with
//! a `.tip` (guide line and value box) that the page's CSS (or, in a file of its
//! own, the document's style: [`crate::svg_document`]) hides, and reveals on
//! `:hover` and `:focus`.
//!
//! Written by hand after plotters' drawing: plotters has no focusable groups,
//! titles, ARIA attributes, `<use>` or CSS-revealed content. The columns follow
//! plotters' own day positions ([`Layout::x`]).

use std::fmt::Write as _;

use super::{Group, Layout, day_label};
use crate::model::TimeSeriesChart;
use crate::svg::{self, attr_num, push_escaped, text_width};

const LINE_HEIGHT: f32 = 16.0;
const PAD: f32 = 8.0;
/// Between the guide line and the value box.
const GAP: f32 = 8.0;
/// Between the header and the values on a single-line tip.
const SPACE: f32 = 4.0;

/// What one day's target says: a header (the day) and one line per group, or
/// for the total alone one line with both metrics.
struct DayText {
    day: usize,
    header: String,
    lines: Vec<String>,
}

impl DayText {
    /// "2024-03-05: PV 1,234; UV 567", the accessible name and native tooltip.
    fn label(&self) -> String {
        format!("{}: {}", self.header, self.lines.join("; "))
    }

    /// The header shares the first line when there is only one.
    fn single_line(&self) -> bool {
        self.lines.len() == 1
    }

    fn width(&self) -> f32 {
        let header = text_width(&self.header, svg::FONT_SIZE) * 1.08; // bold
        if self.single_line() {
            return header + text_width(&self.lines[0], svg::FONT_SIZE) + SPACE;
        }
        self.lines.iter().map(|l| text_width(l, svg::FONT_SIZE)).fold(header, f32::max)
    }
}

/// Writes the hit targets of every day that has at least one value.
///
/// Everything a day repeats is a shared shape placed with `<use>`, and a tip is
/// positioned by one `transform`: this keeps a year of days small.
pub(super) fn write(out: &mut String, layout: &Layout, chart: &TimeSeriesChart, groups: &[Group]) {
    let texts: Vec<DayText> = (0..chart.days.len()).filter_map(|day| day_text(chart, groups, layout, day)).collect();
    let box_width = texts.iter().map(DayText::width).fold(0.0, f32::max) + 2.0 * PAD;
    let lines = texts.iter().map(|t| if t.single_line() { 1 } else { t.lines.len() + 1 }).max().unwrap_or(1);
    let box_top = layout.plot_top + 6.0;
    let box_height = lines as f32 * LINE_HEIGHT + PAD;
    let id = &layout.id;

    // The shared shapes: a day's column, and a value box with the guide line to
    // its left (`-r`: the box is right of the day) or right (`-l`). A tip is
    // translated to where its text starts, so its lines need no x.
    // Only the columns take the pointer: a visible tip must not cover other days.
    out.push_str("<g class=\"hits\" pointer-events=\"none\"><defs>");
    let _ = write!(out, "<rect id=\"{id}-c\"");
    attr_num(out, "y", layout.plot_top);
    attr_num(out, "width", layout.column);
    attr_num(out, "height", layout.plot_bottom - layout.plot_top);
    out.push_str(" fill=\"currentColor\" fill-opacity=\"0\" pointer-events=\"visiblePainted\"/>");
    for (side, guide_x) in [("r", -GAP - PAD), ("l", box_width - PAD + GAP)] {
        let _ = write!(out, "<g id=\"{id}-{side}\"><line class=\"guide\"");
        attr_num(out, "x1", guide_x);
        attr_num(out, "x2", guide_x);
        attr_num(out, "y1", layout.plot_top);
        attr_num(out, "y2", layout.plot_bottom);
        out.push_str(" stroke=\"currentColor\" stroke-opacity=\"0.5\"/><rect class=\"tip-box\"");
        attr_num(out, "x", -PAD);
        attr_num(out, "y", box_top);
        attr_num(out, "width", box_width);
        attr_num(out, "height", box_height);
        let _ =
            write!(out, " rx=\"4\" stroke=\"currentColor\" stroke-opacity=\"0.3\" style=\"fill:{}\"/></g>", svg::TIP_BACKGROUND);
    }
    out.push_str("</defs>");

    for text in &texts {
        let label = text.label();
        let x = layout.x(text.day);
        // The label once, as the accessible name: the tip below shows it on hover and
        // focus (a `<title>` too would repeat it for every day of a year).
        out.push_str("<g class=\"hit\" tabindex=\"0\" role=\"img\" aria-label=\"");
        push_escaped(out, &label);
        let _ = write!(out, "\" data-day=\"{}\"><use href=\"#{id}-c\"", chart.days[text.day]);
        attr_num(out, "x", x - layout.column / 2.0);
        let right = x + GAP + box_width <= layout.width - 4.0;
        let (origin, side) = if right { (x + GAP + PAD, "r") } else { (x - GAP - box_width + PAD, "l") };
        out.push_str("/><g class=\"tip\" transform=\"translate(");
        svg::push_num(out, origin);
        let _ = write!(out, ")\"><use href=\"#{id}-{side}\"/>");
        let mut y = box_top + PAD + 10.0;
        out.push_str("<text");
        attr_num(out, "y", y);
        if text.single_line() {
            out.push_str("><tspan font-weight=\"600\">");
            push_escaped(out, &text.header);
            out.push_str("</tspan> ");
            push_escaped(out, &text.lines[0]);
            out.push_str("</text>");
        } else {
            out.push_str(" font-weight=\"600\">");
            push_escaped(out, &text.header);
            out.push_str("</text>");
            for line in &text.lines {
                y += LINE_HEIGHT;
                out.push_str("<text");
                attr_num(out, "y", y);
                out.push('>');
                push_escaped(out, line);
                out.push_str("</text>");
            }
        }
        out.push_str("</g></g>");
    }
    write_markers(out, layout, chart);
    out.push_str("</g>");
}

/// A ring around each marked day's value (its note is in the day's tip).
fn write_markers(out: &mut String, layout: &Layout, chart: &TimeSeriesChart) {
    for marker in &chart.markers {
        let Some(day) = chart.days.iter().position(|d| *d == marker.day) else { continue };
        let share = marker.value.min(layout.y_top) as f32 / layout.y_top.max(1) as f32;
        let y = layout.plot_bottom - share * (layout.plot_bottom - layout.plot_top);
        out.push_str("<circle class=\"marker\"");
        attr_num(out, "cx", layout.x(day));
        attr_num(out, "cy", y);
        let _ = write!(out, " r=\"7\" fill=\"none\" stroke=\"{MARKER_COLOUR}\" stroke-width=\"2.5\"/>");
    }
}

/// The rings' colour: the theme's orange, apart from the series' blues.
const MARKER_COLOUR: &str = "#d9480f";

/// The notes' colour: a violet, apart from the series' blues and the rings' orange,
/// with a contrast of at least 3:1 on white and on the dark theme's background.
const NOTE_COLOUR: &str = "#8b5cf6";

/// A dashed line across the plot at each noted day, with a flag above the plot (the
/// note's text is in the day's tip). Written before the targets, so that a tip shown
/// covers the lines.
pub(super) fn write_notes(out: &mut String, layout: &Layout, chart: &TimeSeriesChart) {
    let mut days: Vec<usize> = chart.notes.iter().filter_map(|note| chart.days.iter().position(|d| *d == note.day)).collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<g class=\"notes\" aria-hidden=\"true\" pointer-events=\"none\" stroke=\"{NOTE_COLOUR}\" fill=\"{NOTE_COLOUR}\">"
    );
    for day in days {
        let x = layout.x(day);
        out.push_str("<line class=\"note\"");
        attr_num(out, "x1", x);
        attr_num(out, "x2", x);
        attr_num(out, "y1", layout.plot_top - 4.0);
        attr_num(out, "y2", layout.plot_bottom);
        out.push_str(" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/><path class=\"note-flag\" d=\"M");
        svg::push_num(out, x - 5.0);
        out.push(' ');
        svg::push_num(out, layout.plot_top - 12.0);
        out.push_str("h10l-5 8z\" stroke=\"none\"/>");
    }
    out.push_str("</g>");
}

/// The day's text, or `None` when no series has a value for it.
fn day_text(chart: &TimeSeriesChart, groups: &[Group], layout: &Layout, day: usize) -> Option<DayText> {
    // "PV 1,234<sep>UV 567" for the group's series that have a value that day.
    let values = |line: &mut String, group: &Group, separator: &str| -> bool {
        let mut any = false;
        for s in &group.members {
            let Some(&value) = s.values.get(day) else {
                continue;
            };
            if any {
                line.push_str(separator);
            }
            line.push_str(chart.metric_labels.of(s.metric));
            line.push(' ');
            chart.number_format.push_formatted(line, value);
            any = true;
        }
        any
    };
    let mut lines = Vec::with_capacity(groups.len());
    if let [only] = groups {
        let mut line = String::new();
        if values(&mut line, only, "; ") {
            lines.push(line);
        }
    } else {
        for group in groups {
            let mut line = String::with_capacity(group.label.len() + 32);
            line.push_str(group.label);
            line.push_str(": ");
            if values(&mut line, group, ", ") {
                lines.push(line);
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    let date = chart.days.get(day);
    lines.extend(chart.markers.iter().filter(|m| Some(&m.day) == date).map(|m| m.note.clone()));
    lines.extend(chart.notes.iter().filter(|n| Some(&n.day) == date).map(|n| n.text.clone()));
    let mut header = day_label(chart, day).into_owned();
    if day >= layout.incomplete_from && !chart.incomplete_label.is_empty() {
        let _ = write!(header, " ({})", chart.incomplete_label);
    }
    Some(DayText { day, header, lines })
}
