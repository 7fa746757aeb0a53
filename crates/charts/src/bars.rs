//! Horizontal bars: the top blocks by a value, the value written at each bar's end,
//! each row a focusable target with the full label and exact value. plotters
//! draws the bars, labels, values and axis; the focusable rows are written after.

use std::fmt::Write as _;
use std::iter::once;

use plotters::element::{EmptyElement, PathElement, Rectangle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use crate::model::BarChart;
use crate::plot::{self, Inks, fill, px, stroke, text_style};
use crate::svg::{self, Root, attr_num, push_escaped, text_width, truncate_to_width};
use crate::theme::{AXIS_OPACITY, MUTED_OPACITY, PALETTE};

use crate::time_series::{DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH};

const MARGIN: f32 = 12.0;
const ROW: f32 = 28.0;
const BAR: f32 = 18.0;
const EMPTY_HEIGHT: f32 = 120.0;
/// Between a tooltip box's edge and its text.
const TIP_PAD: f32 = 8.0;
/// Labels take at most this share of the width; longer ones are shortened.
const MAX_LABEL_SHARE: f32 = 0.38;

/// Renders `chart` as an inline SVG element (see the crate docs), as wide as the time
/// series by default, so that text is the same size in both charts.
pub fn top_blocks_svg(chart: &BarChart) -> String {
    top_blocks_svg_at(chart, DEFAULT_WIDTH)
}

/// Renders `chart` for the `width` (CSS px) it is shown at: text keeps its size, and
/// the labels get their share of that width, long names shortened with "…" (the full
/// name is in the row's focus tip and accessible name).
///
/// plotters draws the caption, the bars, their labels and values and the axis;
/// the focusable rows and their tips are written after its drawing.
pub fn top_blocks_svg_at(chart: &BarChart, width: f32) -> String {
    let width = if width.is_finite() { width.clamp(MIN_WIDTH, MAX_WIDTH) } else { DEFAULT_WIDTH };
    let id = svg::id_prefix(&chart.id, "bars", &chart.title, &chart.desc);
    let top = MARGIN + 20.0;
    let n = chart.bars.len();
    let empty = n == 0;
    let height = if empty { EMPTY_HEIGHT } else { top + n as f32 * ROW + MARGIN };
    let format = &chart.number_format;
    let values: Vec<String> = chart.bars.iter().map(|b| format.format(b.value)).collect();
    let value_width = values.iter().map(|v| text_width(v, svg::FONT_SIZE)).fold(0.0, f32::max);
    let label_width =
        chart.bars.iter().map(|b| text_width(&b.label, svg::FONT_SIZE)).fold(0.0, f32::max).clamp(40.0, width * MAX_LABEL_SHARE);
    let bars_left = MARGIN + label_width + 10.0;
    let bars_width = width - MARGIN - value_width - 8.0 - bars_left;
    let max = chart.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    // A value too small for a tenth of a unit still shows as a sliver.
    let shown = |value: u64| match value {
        0 => 0.0,
        v => (v as f64).max(max / f64::from(bars_width)),
    };
    let row_top = |i: usize| top + i as f32 * ROW;

    let mut inks = Inks::default();
    let (drawing, ends) = plot::draw(width, height, |root| {
        if empty {
            let ink = inks.ink(None, "class=\"empty\" font-size=\"14\"");
            root.draw(&Text::new(
                plot::clean(&chart.empty_message).into_owned(),
                (px(width / 2.0), px(height / 2.0)),
                text_style(ink, HPos::Center, VPos::Center),
            ))?;
            return Ok(Vec::new());
        }
        let caption = inks.ink(None, format!("class=\"axis-label\" fill-opacity=\"{MUTED_OPACITY}\""));
        root.draw(&Text::new(
            plot::clean(&chart.value_label).into_owned(),
            (px(bars_left), px(top - 12.0)),
            text_style(caption, HPos::Left, VPos::Center),
        ))?;
        // Values along x; rows down from the top: row i spans y = i..i + 1.
        let plot = plot::cartesian(root, [bars_left, top, bars_left + bars_width, row_top(n)], 0.0..max, n as f64..0.0);
        let inset = f64::from((ROW - BAR) / 2.0 / ROW);
        let bars = inks.group(format!("class=\"series series-0\" fill=\"{}\"", PALETTE[0]));
        let bar = fill(inks.ink(Some(bars), "class=\"bar\" rx=\"2\""));
        plot::draw_each(
            &plot,
            chart.bars.iter().enumerate().filter(|(_, b)| b.value > 0).map(|(i, b)| {
                let y = i as f64;
                Rectangle::new([(0.0, y + inset), (shown(b.value), y + 1.0 - inset)], bar)
            }),
        )?;
        let labels = inks.group("class=\"labels\"");
        let label = text_style(inks.ink(Some(labels), ""), HPos::Right, VPos::Center);
        let value = text_style(inks.ink(Some(labels), "class=\"value\" font-weight=\"600\""), HPos::Left, VPos::Center);
        for (i, bar) in chart.bars.iter().enumerate() {
            let mid = i as f64 + 0.5;
            let text = truncate_to_width(&bar.label, svg::FONT_SIZE, label_width);
            plot.draw(
                &(EmptyElement::at((0.0, mid)) + Text::new(plot::clean(&text).into_owned(), (-px(10.0), 0), label.clone())),
            )?;
            plot.draw(&(EmptyElement::at((shown(bar.value), mid)) + Text::new(values[i].clone(), (px(6.0), 0), value.clone())))?;
        }
        let axis = inks.group(format!("class=\"axis\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{AXIS_OPACITY}\""));
        let line = stroke(inks.ink(Some(axis), ""), 1.0);
        plot::draw_each(&plot, once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], line)))?;
        // Where each bar ends, as plotters placed it, for the tips.
        Ok(chart.bars.iter().map(|b| plot::unit(plot.map_coordinate(&(shown(b.value), 0.0)).0)).collect())
    });

    let mut out = String::with_capacity(2_048 + drawing.len() + n * 700);
    svg::open_root(
        &mut out,
        &Root { id: &id, class: "chart chart-bars", width, height, title: &chart.title, desc: &chart.desc, interactive: !empty },
    );
    if empty {
        plot::restyle(&mut out, &drawing, &inks);
    } else {
        out.push_str("<g aria-hidden=\"true\">");
        plot::restyle(&mut out, &drawing, &inks);
        out.push_str("</g>");
        let ends = ends.unwrap_or_default();
        let bar_end = |i: usize| ends.get(i).copied().unwrap_or(bars_left);
        write_hits(&mut out, chart, width, &values, row_top, bar_end);
    }
    out.push_str("</svg>");
    out
}

/// One focusable row per bar; its hidden `.tip` highlights the row and shows the
/// full label with the exact value next to it.
fn write_hits(
    out: &mut String,
    chart: &BarChart,
    width: f32,
    values: &[String],
    row_top: impl Fn(usize) -> f32,
    bar_end: impl Fn(usize) -> f32,
) {
    // Only the rows take the pointer: a visible tip must not cover other rows.
    out.push_str("<g class=\"hits\" pointer-events=\"none\">");
    for (i, bar) in chart.bars.iter().enumerate() {
        let label = format!("{}: {} {}", bar.label, chart.value_label, values[i]);
        out.push_str("<g class=\"hit\" tabindex=\"0\" role=\"img\" aria-label=\"");
        push_escaped(out, &label);
        out.push_str("\"><title>");
        push_escaped(out, &label);
        out.push_str("</title>");
        let row = |out: &mut String, extra: &str| {
            out.push_str("<rect");
            attr_num(out, "x", MARGIN / 2.0);
            attr_num(out, "y", row_top(i));
            attr_num(out, "width", width - MARGIN);
            attr_num(out, "height", ROW);
            out.push_str(" rx=\"3\" fill=\"currentColor\" ");
            out.push_str(extra);
            out.push_str("/>");
        };
        row(out, "fill-opacity=\"0\" pointer-events=\"visiblePainted\"");
        out.push_str("<g class=\"tip\">");
        row(out, "fill-opacity=\"0.08\"");
        // One line inside the row, so the target's box is the row's: over the value
        // at the bar's end, moved left when it would leave the chart.
        let value_line = format!("{} {}", chart.value_label, values[i]);
        let value_width = text_width(&value_line, svg::FONT_SIZE) * 1.1; // bold
        let max_width = width - 2.0 * MARGIN;
        let label_text = truncate_to_width(&bar.label, svg::FONT_SIZE, max_width - value_width - 2.0 * TIP_PAD - 6.0);
        let box_width = text_width(&label_text, svg::FONT_SIZE) + 6.0 + value_width + 2.0 * TIP_PAD;
        let box_x = (bar_end(i) + 6.0 - TIP_PAD).min(width - MARGIN - box_width).max(MARGIN);
        out.push_str("<rect");
        attr_num(out, "x", box_x);
        attr_num(out, "y", row_top(i) + 3.0);
        attr_num(out, "width", box_width);
        attr_num(out, "height", ROW - 6.0);
        let _ =
            write!(out, " rx=\"4\" stroke=\"currentColor\" stroke-opacity=\"0.3\" style=\"fill:{}\"/><text", svg::TIP_BACKGROUND);
        attr_num(out, "x", box_x + TIP_PAD);
        attr_num(out, "y", row_top(i) + ROW / 2.0 + 4.0);
        out.push('>');
        push_escaped(out, &label_text);
        out.push_str(" <tspan font-weight=\"600\">");
        push_escaped(out, &value_line);
        out.push_str("</tspan></text>");
        out.push_str("</g></g>");
    }
    out.push_str("</g>");
}
