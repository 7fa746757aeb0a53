//! The legend: one entry per colour (the total, each block), then a key to the
//! line styles (PV solid, UV dashed, incomplete dotted), flowing into rows. Laid
//! out with the crate's text-width estimate, drawn by plotters.

use std::fmt::Write as _;

use plotters::element::{Circle, PathElement, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::Group;
use crate::model::{Metric, TimeSeriesChart};
use crate::plot::{self, Area, DrawResult, Inks, px, stroke, text_style};
use crate::svg::{self, text_width, truncate_to_width};
use crate::theme::{MUTED_OPACITY, series_colour};

const ROW_HEIGHT: f32 = 20.0;
const SWATCH: f32 = 22.0;
const GAP: f32 = 18.0;
/// Longer block names are shortened in the legend (tooltips keep them whole).
const MAX_LABEL_WIDTH: f32 = 180.0;

enum Swatch {
    /// A line in a series colour, or in the text colour (`None`).
    Line { colour: Option<&'static str>, width: f32, dash: Option<&'static str> },
    /// The dotted, faded line with a hollow point of today's numbers.
    Incomplete,
}

struct Item {
    swatch: Swatch,
    text: String,
    x: f32,
    row: usize,
}

/// Laid-out legend entries.
#[derive(Default)]
pub(super) struct Legend {
    items: Vec<Item>,
    /// Total height; 0 when there is nothing to show.
    pub height: f32,
}

/// Lays out the legend of `groups` within `max_width`.
pub(super) fn layout(chart: &TimeSeriesChart, groups: &[Group], max_width: f32) -> Legend {
    let mut entries: Vec<(Swatch, String)> = groups
        .iter()
        .map(|g| {
            let swatch =
                Swatch::Line { colour: Some(series_colour(g.colour)), width: if g.emphasis { 3.0 } else { 2.0 }, dash: None };
            (swatch, truncate_to_width(g.label, svg::FONT_SIZE, MAX_LABEL_WIDTH))
        })
        .collect();
    let has = |m: Metric| groups.iter().flat_map(|g| &g.members).any(|s| s.metric == m);
    if has(Metric::Pv) && has(Metric::Uv) {
        entries.push((Swatch::Line { colour: None, width: 2.0, dash: None }, chart.metric_labels.pv.clone()));
        entries.push((Swatch::Line { colour: None, width: 2.0, dash: Some("6 4") }, chart.metric_labels.uv.clone()));
    }
    let shows_incomplete =
        chart.incomplete_from.is_some_and(|from| chart.days.iter().any(|d| *d >= from) && !chart.incomplete_label.is_empty());
    if shows_incomplete {
        entries.push((Swatch::Incomplete, chart.incomplete_label.clone()));
    }

    let mut items = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (0.0, 0);
    for (swatch, text) in entries {
        let width = SWATCH + 6.0 + text_width(&text, svg::FONT_SIZE);
        if x > 0.0 && x + width > max_width {
            x = 0.0;
            row += 1;
        }
        items.push(Item { swatch, text, x, row });
        x += width + GAP;
    }
    let rows = items.last().map_or(0, |i| i.row + 1);
    Legend { items, height: rows as f32 * ROW_HEIGHT }
}

/// Draws the legend with its top-left corner at (`left`, `top`).
pub(super) fn draw(root: &Area, inks: &mut Inks, legend: &Legend, left: f32, top: f32) -> DrawResult<()> {
    if legend.items.is_empty() {
        return Ok(());
    }
    let group = inks.group("class=\"legend\"");
    let text = text_style(inks.ink(Some(group), ""), HPos::Left, VPos::Center);
    let muted = format!("stroke=\"currentColor\" stroke-opacity=\"{MUTED_OPACITY}\"");
    for item in &legend.items {
        let x = left + item.x;
        let mid = top + item.row as f32 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
        let swatch = vec![(px(x), px(mid)), (px(x + SWATCH), px(mid))];
        match item.swatch {
            Swatch::Line { colour, width, dash } => {
                let mut attrs = match colour {
                    Some(c) => format!("fill=\"none\" stroke=\"{c}\""),
                    None => format!("fill=\"none\" {muted}"),
                };
                let _ = write!(attrs, " stroke-width=\"{width}\"");
                if let Some(dash) = dash {
                    let _ = write!(attrs, " stroke-dasharray=\"{dash}\"");
                }
                let ink = inks.ink(Some(group), attrs);
                root.draw(&PathElement::new(swatch, stroke(ink, width)))?;
            }
            Swatch::Incomplete => {
                let line = inks.ink(
                    Some(group),
                    format!("fill=\"none\" {muted} stroke-width=\"2\" stroke-dasharray=\"1 4\" stroke-linecap=\"round\""),
                );
                root.draw(&PathElement::new(swatch, stroke(line, 2.0)))?;
                let point = inks
                    .ink(Some(group), format!("stroke=\"currentColor\" stroke-width=\"1.5\" style=\"fill:{}\"", svg::SURFACE));
                root.draw(&Circle::new((px(x + SWATCH - 3.5), px(mid)), px(3.5), stroke(point, 1.5)))?;
            }
        }
        root.draw(&Text::new(plot::clean(&item.text).into_owned(), (px(x + SWATCH + 6.0), px(mid)), text.clone()))?;
    }
    Ok(())
}
