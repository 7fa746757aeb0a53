//! The PV/UV-over-time chart: layout, axes and lines. The legend and the hit
//! targets live in their own modules.

mod hits;
mod legend;
mod lines;
mod ticks;

use std::fmt::Write as _;

use crate::model::{Metric, Series, TimeSeriesChart};
use crate::number::nice_ticks;
use crate::svg::{self, Anchor, Root, push_num, push_text, text_width};
use crate::theme::{AXIS_OPACITY, GRID_OPACITY, MUTED_OPACITY};

/// viewBox width. Height grows with the legend.
const WIDTH: f32 = 900.0;
const MARGIN: f32 = 12.0;
const PLOT_HEIGHT: f32 = 250.0;
/// Above this many days the lines have no point markers (they would merge).
const MARKER_MAX_DAYS: usize = 31;

/// Series that share a label: one colour, one legend entry, one tooltip line.
pub(crate) struct Group<'a> {
    pub label: &'a str,
    pub colour: usize,
    pub emphasis: bool,
    /// PV before UV.
    pub members: Vec<&'a Series>,
}

/// Where everything goes, in viewBox units.
pub(crate) struct Layout {
    pub id: String,
    pub height: f32,
    pub plot_left: f32,
    pub plot_right: f32,
    pub plot_top: f32,
    pub plot_bottom: f32,
    /// Width of one day's column.
    pub column: f32,
    /// The y value of the top grid line.
    pub y_top: u64,
    /// Index of the first incomplete day (`days.len()` when none is).
    pub incomplete_from: usize,
}

impl Layout {
    pub(crate) fn x(&self, day: usize) -> f32 {
        self.plot_left + (day as f32 + 0.5) * self.column
    }

    pub(crate) fn y(&self, value: u64) -> f32 {
        let share = value as f64 / self.y_top.max(1) as f64;
        self.plot_bottom - (share * f64::from(PLOT_HEIGHT)) as f32
    }
}

/// Renders `chart` as an inline SVG element (see the crate docs).
pub fn time_series_svg(chart: &TimeSeriesChart) -> String {
    let n = chart.days.len();
    let groups = group_series(&chart.series);
    let has_values = groups
        .iter()
        .flat_map(|g| &g.members)
        .any(|s| !s.values.is_empty());
    let empty = n == 0 || !has_values;

    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().take(n))
        .copied()
        .max()
        .unwrap_or(0);
    let y_ticks = if empty {
        Vec::new()
    } else {
        nice_ticks(max, 5)
    };
    let y_labels = chart.number_format.tick_labels(&y_ticks);
    let y_label_width = y_labels
        .iter()
        .map(|l| text_width(l, svg::FONT_SIZE))
        .fold(0.0, f32::max);

    let legend = if empty {
        legend::Legend::default()
    } else {
        legend::layout(chart, &groups, WIDTH - 2.0 * MARGIN)
    };
    let plot_top = MARGIN + legend.height + 30.0;
    let plot_left = (MARGIN + y_label_width + 8.0).max(40.0);
    let plot_right = WIDTH - MARGIN - 4.0;
    let plot_bottom = plot_top + PLOT_HEIGHT;
    let incomplete_from = chart.incomplete_from.map_or(n, |from| {
        chart.days.iter().position(|d| *d >= from).unwrap_or(n)
    });
    let layout = Layout {
        id: svg::id_prefix(&chart.id, "ts", &chart.title, &chart.desc),
        height: plot_bottom + 30.0,
        plot_left,
        plot_right,
        plot_top,
        plot_bottom,
        column: (plot_right - plot_left) / n.max(1) as f32,
        y_top: y_ticks.last().copied().unwrap_or(1),
        incomplete_from,
    };

    let mut out = String::with_capacity(4_096 + n * (400 + 80 * chart.series.len()));
    svg::open_root(
        &mut out,
        &Root {
            id: &layout.id,
            class: "chart chart-time-series",
            width: WIDTH,
            height: layout.height,
            title: &chart.title,
            desc: &chart.desc,
            interactive: !empty,
        },
    );
    out.push_str("<g aria-hidden=\"true\">");
    legend::write(&mut out, &legend, MARGIN, MARGIN);
    write_y_axis(&mut out, &layout, chart, &y_ticks, &y_labels);
    write_x_axis(&mut out, &layout, chart);
    if empty {
        out.push_str("</g>");
        let mid_y = (layout.plot_top + layout.plot_bottom) / 2.0;
        let mid_x = (layout.plot_left + layout.plot_right) / 2.0;
        push_text(
            &mut out,
            mid_x,
            mid_y,
            Anchor::Middle,
            "class=\"empty\" font-size=\"14\"",
            &chart.empty_message,
        );
    } else {
        let (background, foreground): (Vec<_>, Vec<_>) = groups.iter().partition(|g| !g.emphasis);
        for group in background.into_iter().chain(foreground) {
            for series in &group.members {
                lines::write_series(&mut out, &layout, group, series, n);
            }
        }
        out.push_str("</g>");
        hits::write(&mut out, &layout, chart, &groups);
    }
    out.push_str("</svg>");
    out
}

/// Groups series by label (a PV and a UV series of one block share a colour),
/// in order of first appearance; the emphasised group takes colour 0.
fn group_series(series: &[Series]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut next_colour = 1;
    for s in series {
        let existing = groups.iter_mut().find(|g| {
            g.label == s.label
                && g.emphasis == s.emphasis
                && g.members.iter().all(|m| m.metric != s.metric)
        });
        match existing {
            Some(group) => {
                group.members.push(s);
                group.members.sort_by_key(|m| m.metric == Metric::Uv);
            }
            None => {
                let colour = if s.emphasis {
                    0
                } else {
                    next_colour += 1;
                    next_colour - 1
                };
                groups.push(Group {
                    label: &s.label,
                    colour,
                    emphasis: s.emphasis,
                    members: vec![s],
                });
            }
        }
    }
    groups
}

fn write_y_axis(
    out: &mut String,
    layout: &Layout,
    chart: &TimeSeriesChart,
    ticks: &[u64],
    labels: &[String],
) {
    // No values, no scale: an empty chart has neither ticks nor a caption.
    if ticks.is_empty() {
        return;
    }
    let muted = format!("fill-opacity=\"{MUTED_OPACITY}\"");
    if !chart.y_label.is_empty() {
        let class = format!("class=\"axis-label\" {muted}");
        push_text(
            out,
            MARGIN,
            layout.plot_top - 10.0,
            Anchor::Start,
            &class,
            &chart.y_label,
        );
    }
    let _ = write!(
        out,
        "<path class=\"grid\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{GRID_OPACITY}\" d=\""
    );
    for &tick in ticks.iter().filter(|&&t| t > 0) {
        out.push('M');
        push_num(out, layout.plot_left);
        out.push(' ');
        push_num(out, layout.y(tick));
        out.push('H');
        push_num(out, layout.plot_right);
    }
    let _ = write!(out, "\"/><g class=\"y-ticks\" {muted}>");
    for (tick, label) in ticks.iter().zip(labels) {
        push_text(
            out,
            layout.plot_left - 8.0,
            layout.y(*tick) + 4.0,
            Anchor::End,
            "",
            label,
        );
    }
    out.push_str("</g>");
}

fn write_x_axis(out: &mut String, layout: &Layout, chart: &TimeSeriesChart) {
    let _ = write!(
        out,
        "<path class=\"axis\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{AXIS_OPACITY}\" d=\"M"
    );
    push_num(out, layout.plot_left);
    out.push(' ');
    push_num(out, layout.plot_bottom);
    out.push('H');
    push_num(out, layout.plot_right);
    let label = |i: usize| day_label(chart, i);
    let width = |i: usize| text_width(&label(i), svg::FONT_SIZE);
    let space = ticks::TickSpace {
        first_x: layout.x(0),
        column: layout.column,
        min_x: 2.0,
        max_x: WIDTH - 2.0,
        width: &width,
    };
    let ticks = ticks::tick_days(&chart.days, &space);
    for &i in &ticks {
        out.push('M');
        push_num(out, layout.x(i));
        out.push(' ');
        push_num(out, layout.plot_bottom);
        out.push_str("v5");
    }
    let _ = write!(
        out,
        "\"/><g class=\"x-ticks\" fill-opacity=\"{MUTED_OPACITY}\">"
    );
    for &i in &ticks {
        let (start, _) = space.span(i);
        push_text(
            out,
            start,
            layout.plot_bottom + 19.0,
            Anchor::Start,
            "",
            &label(i),
        );
    }
    out.push_str("</g>");
}

/// The caller's label for day `i`, or the ISO date.
pub(crate) fn day_label(chart: &TimeSeriesChart, i: usize) -> std::borrow::Cow<'_, str> {
    match chart.day_labels.get(i) {
        Some(label) => label.into(),
        None => chart.days[i].to_string().into(),
    }
}
