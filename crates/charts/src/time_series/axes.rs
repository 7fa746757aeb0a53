//! The axes, drawn by plotters: the horizontal grid with value ticks and the
//! caption, and the day axis with its calendar ticks. Labels are plotters `Text`
//! elements placed with an explicit anchor, never plotters' mesh labels (which
//! measure text).

use std::iter::once;

use plotters::element::{EmptyElement, PathElement, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::{Layout, MARGIN, day_label, ticks};
use crate::model::TimeSeriesChart;
use crate::plot::{self, Area, DrawResult, Inks, Plot, px, stroke, text_style};
use crate::svg::{self, text_width};
use crate::theme::{AXIS_OPACITY, GRID_OPACITY, MUTED_OPACITY};

/// The outer edges of the first and last day's columns, in data coordinates.
pub(super) fn x_extent(chart: &TimeSeriesChart) -> (f64, f64) {
    (-0.5, chart.days.len().max(1) as f64 - 0.5)
}

/// The caption, grid lines above 0 and the value labels. Nothing for an empty
/// chart: without values there is no scale.
pub(super) fn draw_y(
    root: &Area,
    plot: &Plot,
    inks: &mut Inks,
    layout: &Layout,
    chart: &TimeSeriesChart,
    ticks: &[u64],
    labels: &[String],
) -> DrawResult<()> {
    if ticks.is_empty() {
        return Ok(());
    }
    let muted = format!("fill-opacity=\"{MUTED_OPACITY}\"");
    if !chart.y_label.is_empty() {
        let ink = inks.ink(None, format!("class=\"axis-label\" {muted}"));
        root.draw(&Text::new(
            plot::clean(&chart.y_label).into_owned(),
            (px(MARGIN), px(layout.plot_top - 14.0)),
            text_style(ink, HPos::Left, VPos::Center),
        ))?;
    }
    let (left, right) = x_extent(chart);
    let grid = inks.group(format!("class=\"grid\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{GRID_OPACITY}\""));
    let line = stroke(inks.ink(Some(grid), ""), 1.0);
    plot::draw_each(
        plot,
        ticks.iter().filter(|&&t| t > 0).map(|&t| PathElement::new(vec![(left, t as f64), (right, t as f64)], line)),
    )?;
    let group = inks.group(format!("class=\"y-ticks\" {muted}"));
    let style = text_style(inks.ink(Some(group), ""), HPos::Right, VPos::Center);
    plot::draw_each(
        plot,
        ticks.iter().zip(labels).map(|(&t, label)| {
            EmptyElement::at((left, t as f64)) + Text::new(plot::clean(label).into_owned(), (-px(8.0), 0), style.clone())
        }),
    )?;
    Ok(())
}

/// The axis line at 0, a tick mark under each labelled day and the day labels.
pub(super) fn draw_x(
    root: &Area,
    plot: &Plot,
    inks: &mut Inks,
    layout: &Layout,
    chart: &TimeSeriesChart,
    xs: &[f32],
) -> DrawResult<()> {
    let (left, right) = x_extent(chart);
    let axis = inks.group(format!("class=\"axis\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"{AXIS_OPACITY}\""));
    let line = stroke(inks.ink(Some(axis), ""), 1.0);
    plot::draw_each(plot, once(PathElement::new(vec![(left, 0.0), (right, 0.0)], line)))?;

    let label = |i: usize| day_label(chart, i);
    let width = |i: usize| text_width(&label(i), svg::FONT_SIZE);
    let centre = |i: usize| xs[i];
    let space = ticks::TickSpace { centre: &centre, min_x: 2.0, max_x: layout.width - 2.0, width: &width };
    let days = ticks::tick_days(&chart.days, &space);
    plot::draw_each(
        plot,
        days.iter().map(|&i| EmptyElement::at((i as f64, 0.0)) + PathElement::new(vec![(0, 0), (0, px(5.0))], line)),
    )?;
    let group = inks.group(format!("class=\"x-ticks\" fill-opacity=\"{MUTED_OPACITY}\""));
    let style = text_style(inks.ink(Some(group), ""), HPos::Left, VPos::Top);
    for &i in &days {
        let (start, _) = space.span(i);
        root.draw(&Text::new(plot::clean(&label(i)).into_owned(), (px(start), px(layout.plot_bottom + 10.0)), style.clone()))?;
    }
    Ok(())
}
