//! The legend: one entry per colour (the total, each block), then a key to the
//! line styles (PV solid, UV dashed, incomplete dotted), flowing into rows.

use std::fmt::Write as _;

use super::Group;
use crate::model::{Metric, TimeSeriesChart};
use crate::svg::{self, Anchor, attr_num, push_text, text_width, truncate_to_width};
use crate::theme::{MUTED_OPACITY, series_colour};

const ROW_HEIGHT: f32 = 20.0;
const SWATCH: f32 = 22.0;
const GAP: f32 = 18.0;
/// Longer block names are shortened in the legend (tooltips keep them whole).
const MAX_LABEL_WIDTH: f32 = 180.0;

enum Swatch {
    /// A line in a series colour, or in the text colour (`None`).
    Line {
        colour: Option<&'static str>,
        width: &'static str,
        dash: Option<&'static str>,
    },
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
            let swatch = Swatch::Line {
                colour: Some(series_colour(g.colour)),
                width: if g.emphasis { "3" } else { "2" },
                dash: None,
            };
            (
                swatch,
                truncate_to_width(g.label, svg::FONT_SIZE, MAX_LABEL_WIDTH),
            )
        })
        .collect();
    let has = |m: Metric| {
        groups
            .iter()
            .flat_map(|g| &g.members)
            .any(|s| s.metric == m)
    };
    if has(Metric::Pv) && has(Metric::Uv) {
        entries.push((
            Swatch::Line {
                colour: None,
                width: "2",
                dash: None,
            },
            chart.metric_labels.pv.clone(),
        ));
        entries.push((
            Swatch::Line {
                colour: None,
                width: "2",
                dash: Some("6 4"),
            },
            chart.metric_labels.uv.clone(),
        ));
    }
    let shows_incomplete = chart.incomplete_from.is_some_and(|from| {
        chart.days.iter().any(|d| *d >= from) && !chart.incomplete_label.is_empty()
    });
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
        items.push(Item {
            swatch,
            text,
            x,
            row,
        });
        x += width + GAP;
    }
    let rows = items.last().map_or(0, |i| i.row + 1);
    Legend {
        items,
        height: rows as f32 * ROW_HEIGHT,
    }
}

/// Writes the legend with its top-left corner at (`left`, `top`).
pub(super) fn write(out: &mut String, legend: &Legend, left: f32, top: f32) {
    if legend.items.is_empty() {
        return;
    }
    out.push_str("<g class=\"legend\">");
    for item in &legend.items {
        let x = left + item.x;
        let mid = top + item.row as f32 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
        let line = |out: &mut String, attrs: &str| {
            out.push_str("<path fill=\"none\" ");
            out.push_str(attrs);
            out.push_str(" d=\"M");
            svg::push_num(out, x);
            out.push(' ');
            svg::push_num(out, mid);
            out.push('h');
            svg::push_num(out, SWATCH);
            out.push_str("\"/>");
        };
        match item.swatch {
            Swatch::Line {
                colour,
                width,
                dash,
            } => {
                let mut attrs = match colour {
                    Some(c) => format!("stroke=\"{c}\""),
                    None => format!("stroke=\"currentColor\" stroke-opacity=\"{MUTED_OPACITY}\""),
                };
                let _ = write!(attrs, " stroke-width=\"{width}\"");
                if let Some(dash) = dash {
                    let _ = write!(attrs, " stroke-dasharray=\"{dash}\"");
                }
                line(out, &attrs);
            }
            Swatch::Incomplete => {
                line(
                    out,
                    &format!(
                        "stroke=\"currentColor\" stroke-opacity=\"{MUTED_OPACITY}\" stroke-width=\"2\" stroke-dasharray=\"1 4\" stroke-linecap=\"round\""
                    ),
                );
                out.push_str("<circle");
                attr_num(out, "cx", x + SWATCH - 3.5);
                attr_num(out, "cy", mid);
                let _ = write!(
                    out,
                    " r=\"3.5\" stroke=\"currentColor\" stroke-width=\"1.5\" style=\"fill:{}\"/>",
                    svg::SURFACE
                );
            }
        }
        push_text(
            out,
            x + SWATCH + 6.0,
            mid + 4.0,
            Anchor::Start,
            "",
            &item.text,
        );
    }
    out.push_str("</g>");
}
