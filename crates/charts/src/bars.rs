//! Horizontal bars: the top blocks by a value, the value written at each bar's end,
//! each row a focusable target with the full label and exact value.

use std::fmt::Write as _;

use crate::model::BarChart;
use crate::svg::{
    self, Anchor, Root, attr_num, push_escaped, push_text, text_width, truncate_to_width,
};
use crate::theme::{AXIS_OPACITY, MUTED_OPACITY, PALETTE};

/// The time series' width too, so that text is the same size in both charts.
const WIDTH: f32 = 900.0;
const MARGIN: f32 = 12.0;
const ROW: f32 = 28.0;
const BAR: f32 = 18.0;
const EMPTY_HEIGHT: f32 = 120.0;
/// Between a tooltip box's edge and its text.
const TIP_PAD: f32 = 8.0;
/// Labels take at most this share of the width; longer ones are shortened.
const MAX_LABEL_SHARE: f32 = 0.38;

/// Renders `chart` as an inline SVG element (see the crate docs).
pub fn top_blocks_svg(chart: &BarChart) -> String {
    let id = svg::id_prefix(&chart.id, "bars", &chart.title, &chart.desc);
    let top = MARGIN + 20.0;
    let empty = chart.bars.is_empty();
    let height = if empty {
        EMPTY_HEIGHT
    } else {
        top + chart.bars.len() as f32 * ROW + MARGIN
    };
    let mut out = String::with_capacity(2_048 + chart.bars.len() * 700);
    svg::open_root(
        &mut out,
        &Root {
            id: &id,
            class: "chart chart-bars",
            width: WIDTH,
            height,
            title: &chart.title,
            desc: &chart.desc,
            interactive: !empty,
        },
    );
    if empty {
        push_text(
            &mut out,
            WIDTH / 2.0,
            height / 2.0 + 5.0,
            Anchor::Middle,
            "class=\"empty\" font-size=\"14\"",
            &chart.empty_message,
        );
        out.push_str("</svg>");
        return out;
    }

    let format = &chart.number_format;
    let values: Vec<String> = chart.bars.iter().map(|b| format.format(b.value)).collect();
    let value_width = values
        .iter()
        .map(|v| text_width(v, svg::FONT_SIZE))
        .fold(0.0, f32::max);
    let label_width = chart
        .bars
        .iter()
        .map(|b| text_width(&b.label, svg::FONT_SIZE))
        .fold(0.0, f32::max)
        .clamp(40.0, WIDTH * MAX_LABEL_SHARE);
    let bars_left = MARGIN + label_width + 10.0;
    let bars_width = WIDTH - MARGIN - value_width - 8.0 - bars_left;
    let max = chart.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let bar_end =
        |value: u64| bars_left + (value as f64 / max as f64 * f64::from(bars_width)) as f32;
    let row_top = |i: usize| top + i as f32 * ROW;

    let _ = write!(out, "<g aria-hidden=\"true\">");
    push_text(
        &mut out,
        bars_left,
        top - 8.0,
        Anchor::Start,
        &format!("class=\"axis-label\" fill-opacity=\"{MUTED_OPACITY}\""),
        &chart.value_label,
    );
    let _ = write!(out, "<g class=\"series series-0\" fill=\"{}\">", PALETTE[0]);
    for (i, bar) in chart.bars.iter().enumerate() {
        let width = bar_end(bar.value) - bars_left;
        if width > 0.0 {
            out.push_str("<rect class=\"bar\"");
            attr_num(&mut out, "x", bars_left);
            attr_num(&mut out, "y", row_top(i) + (ROW - BAR) / 2.0);
            attr_num(&mut out, "width", width.max(1.0));
            attr_num(&mut out, "height", BAR);
            out.push_str(" rx=\"2\"/>");
        }
    }
    out.push_str("</g><g class=\"labels\">");
    for (i, bar) in chart.bars.iter().enumerate() {
        let baseline = row_top(i) + ROW / 2.0 + 4.0;
        let label = truncate_to_width(&bar.label, svg::FONT_SIZE, label_width);
        push_text(
            &mut out,
            bars_left - 10.0,
            baseline,
            Anchor::End,
            "",
            &label,
        );
        push_text(
            &mut out,
            bar_end(bar.value) + 6.0,
            baseline,
            Anchor::Start,
            "class=\"value\" font-weight=\"600\"",
            &values[i],
        );
    }
    let _ = write!(
        out,
        "</g><path class=\"axis\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{AXIS_OPACITY}\" d=\"M"
    );
    svg::push_num(&mut out, bars_left);
    out.push(' ');
    svg::push_num(&mut out, top);
    out.push('V');
    svg::push_num(&mut out, row_top(chart.bars.len()));
    out.push_str("\"/></g>");

    write_hits(&mut out, chart, &values, row_top, bar_end);
    out.push_str("</svg>");
    out
}

/// One focusable row per bar; its hidden `.tip` highlights the row and shows the
/// full label with the exact value next to it.
fn write_hits(
    out: &mut String,
    chart: &BarChart,
    values: &[String],
    row_top: impl Fn(usize) -> f32,
    bar_end: impl Fn(u64) -> f32,
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
            attr_num(out, "width", WIDTH - MARGIN);
            attr_num(out, "height", ROW);
            out.push_str(" rx=\"3\" fill=\"currentColor\" ");
            out.push_str(extra);
            out.push_str("/>");
        };
        row(out, "fill-opacity=\"0\" pointer-events=\"visiblePainted\"");
        out.push_str("<g class=\"tip\" visibility=\"hidden\">");
        row(out, "fill-opacity=\"0.08\"");
        // One line inside the row, so the target's box is the row's: over the value
        // at the bar's end, moved left when it would leave the chart.
        let value_line = format!("{} {}", chart.value_label, values[i]);
        let value_width = text_width(&value_line, svg::FONT_SIZE) * 1.1; // bold
        let max_width = WIDTH - 2.0 * MARGIN;
        let label_text = truncate_to_width(
            &bar.label,
            svg::FONT_SIZE,
            max_width - value_width - 2.0 * TIP_PAD - 6.0,
        );
        let box_width = text_width(&label_text, svg::FONT_SIZE) + 6.0 + value_width + 2.0 * TIP_PAD;
        let box_x = (bar_end(bar.value) + 6.0 - TIP_PAD)
            .min(WIDTH - MARGIN - box_width)
            .max(MARGIN);
        out.push_str("<rect");
        attr_num(out, "x", box_x);
        attr_num(out, "y", row_top(i) + 3.0);
        attr_num(out, "width", box_width);
        attr_num(out, "height", ROW - 6.0);
        let _ = write!(
            out,
            " rx=\"4\" stroke=\"currentColor\" stroke-opacity=\"0.3\" style=\"fill:{}\"/><text",
            svg::TIP_BACKGROUND
        );
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
