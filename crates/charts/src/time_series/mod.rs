//! The PV/UV-over-time chart: layout and the plotters drawing. The axes, the
//! lines, the legend and the hit targets live in their own modules.

mod axes;
mod hits;
mod legend;
mod lines;
mod ticks;

use plotters::element::Text;
use plotters::style::text_anchor::{HPos, VPos};

use crate::model::{Metric, Series, TimeSeriesChart};
use crate::number::nice_ticks;
use crate::plot::{self, Inks};
use crate::svg::{self, Root, text_width};

/// The viewBox width a chart is drawn at unless the caller knows its width.
/// Height grows with the legend.
pub const DEFAULT_WIDTH: f32 = 900.0;
/// The narrowest a chart is drawn: below, labels would not fit at all.
pub const MIN_WIDTH: f32 = 280.0;
/// The widest a chart is drawn: wider, the lines would only spread thinner.
pub const MAX_WIDTH: f32 = 1600.0;
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
    /// The viewBox width, which is the width the chart is shown at (1 unit = 1 px).
    pub width: f32,
    pub height: f32,
    pub plot_left: f32,
    pub plot_top: f32,
    pub plot_bottom: f32,
    /// Width of one day's column.
    pub column: f32,
    /// The y value of the top grid line.
    pub y_top: u64,
    /// Index of the first incomplete day (`days.len()` when none is).
    pub incomplete_from: usize,
    /// Each day's centre as plotters placed it (filled in while drawing).
    pub xs: Vec<f32>,
}

impl Layout {
    /// The centre of day `day`'s column.
    pub(crate) fn x(&self, day: usize) -> f32 {
        self.xs.get(day).copied().unwrap_or(self.plot_left + (day as f32 + 0.5) * self.column)
    }
}

/// Renders `chart` as an inline SVG element (see the crate docs), [`DEFAULT_WIDTH`] wide.
pub fn time_series_svg(chart: &TimeSeriesChart) -> String {
    time_series_svg_at(chart, DEFAULT_WIDTH)
}

/// Renders `chart` for the `width` (CSS px) it is shown at, so that text keeps its size
/// (12 px) and the day ticks thin out to what fits: a phone's 360 px gets a few ticks,
/// not a desktop drawing scaled down to specks.
///
/// plotters draws the legend, the axes, the grid, the lines and the points; the
/// focusable hit targets and their tips are written after its drawing.
pub fn time_series_svg_at(chart: &TimeSeriesChart, width: f32) -> String {
    let width = if width.is_finite() { width.clamp(MIN_WIDTH, MAX_WIDTH) } else { DEFAULT_WIDTH };
    let n = chart.days.len();
    let groups = group_series(&chart.series);
    let has_values = groups.iter().flat_map(|g| &g.members).any(|s| !s.values.is_empty());
    let empty = n == 0 || !has_values;

    let max = chart.series.iter().flat_map(|s| s.values.iter().take(n)).copied().max().unwrap_or(0);
    let y_ticks = if empty { Vec::new() } else { nice_ticks(max, 5) };
    let y_labels = chart.number_format.tick_labels(&y_ticks);
    let y_label_width = y_labels.iter().map(|l| text_width(l, svg::FONT_SIZE)).fold(0.0, f32::max);

    let legend = if empty { legend::Legend::default() } else { legend::layout(chart, &groups, width - 2.0 * MARGIN) };
    let plot_top = MARGIN + legend.height + 30.0;
    let plot_left = (MARGIN + y_label_width + 8.0).max(40.0);
    let plot_right = width - MARGIN - 4.0;
    let plot_bottom = plot_top + PLOT_HEIGHT;
    let incomplete_from = chart.incomplete_from.map_or(n, |from| chart.days.iter().position(|d| *d >= from).unwrap_or(n));
    let mut layout = Layout {
        id: svg::id_prefix(&chart.id, "ts", &chart.title, &chart.desc),
        width,
        height: plot_bottom + 30.0,
        plot_left,
        plot_top,
        plot_bottom,
        column: (plot_right - plot_left) / n.max(1) as f32,
        y_top: y_ticks.last().copied().unwrap_or(1),
        incomplete_from,
        xs: Vec::new(),
    };

    let mut inks = Inks::default();
    let (drawing, xs) = plot::draw(width, layout.height, |root| {
        legend::draw(root, &mut inks, &legend, MARGIN, MARGIN)?;
        // Day i is centred at x = i; the y axis starts at 0.
        let plot = plot::cartesian(
            root,
            [plot_left, plot_top, plot_right, plot_bottom],
            axes::x_extent(chart).0..axes::x_extent(chart).1,
            0.0..layout.y_top as f64,
        );
        let xs: Vec<f32> = (0..n).map(|i| plot::unit(plot.map_coordinate(&(i as f64, 0.0)).0)).collect();
        axes::draw_y(root, &plot, &mut inks, &layout, chart, &y_ticks, &y_labels)?;
        axes::draw_x(root, &plot, &mut inks, &layout, chart, &xs)?;
        if empty {
            let ink = inks.ink(None, "class=\"empty\" font-size=\"14\"");
            root.draw(&Text::new(
                plot::clean(&chart.empty_message).into_owned(),
                (plot::px((plot_left + plot_right) / 2.0), plot::px((plot_top + plot_bottom) / 2.0)),
                plot::text_style(ink, HPos::Center, VPos::Center),
            ))?;
        } else {
            let (background, foreground): (Vec<_>, Vec<_>) = groups.iter().partition(|g| !g.emphasis);
            for group in background.into_iter().chain(foreground) {
                for series in &group.members {
                    lines::draw(&plot, &mut inks, &layout, group, series, n)?;
                }
            }
        }
        Ok(xs)
    });
    layout.xs = xs.unwrap_or_default();

    let mut out = String::with_capacity(4_096 + drawing.len() + n * (400 + 80 * chart.series.len()));
    svg::open_root(
        &mut out,
        &Root {
            id: &layout.id,
            class: "chart chart-time-series",
            width,
            height: layout.height,
            title: &chart.title,
            desc: &chart.desc,
            interactive: !empty,
        },
    );
    if empty {
        // The root is then an img: its content is presentational anyway.
        plot::restyle(&mut out, &drawing, &inks);
    } else {
        out.push_str("<g aria-hidden=\"true\">");
        plot::restyle(&mut out, &drawing, &inks);
        out.push_str("</g>");
        hits::write_notes(&mut out, &layout, chart);
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
        let existing = groups
            .iter_mut()
            .find(|g| g.label == s.label && g.emphasis == s.emphasis && g.members.iter().all(|m| m.metric != s.metric));
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
                groups.push(Group { label: &s.label, colour, emphasis: s.emphasis, members: vec![s] });
            }
        }
    }
    groups
}

/// The caller's label for day `i`, or the ISO date.
pub(crate) fn day_label(chart: &TimeSeriesChart, i: usize) -> std::borrow::Cow<'_, str> {
    match chart.day_labels.get(i) {
        Some(label) => label.into(),
        None => chart.days[i].to_string().into(),
    }
}
