//! The lines: one path per series (relative segments keep a year small), the
//! incomplete tail dotted and faded, point markers on short ranges, hollow
//! points on incomplete days.

use std::fmt::Write as _;

use super::{Group, Layout, MARKER_MAX_DAYS};
use crate::model::{Metric, Series};
use crate::svg::{self, attr_num, push_tenths, tenths};
use crate::theme::series_colour;

/// Writes `series` (a member of `group`) over the first `n` days.
pub(super) fn write_series(
    out: &mut String,
    layout: &Layout,
    group: &Group,
    series: &Series,
    n: usize,
) {
    let colour = series_colour(group.colour);
    let width = if group.emphasis { "2.5" } else { "1.5" };
    let metric = match series.metric {
        Metric::Pv => "pv",
        Metric::Uv => "uv",
    };
    let _ = write!(
        out,
        "<g class=\"series series-{} {metric}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"",
        group.colour
    );
    if series.metric == Metric::Uv {
        out.push_str(" stroke-dasharray=\"6 4\"");
    }
    out.push('>');
    let point = |i: usize| {
        series
            .values
            .get(i)
            .map(|&v| (tenths(layout.x(i)), tenths(layout.y(v))))
    };
    let split = layout.incomplete_from.min(n);
    if split > 0 {
        write_path(out, "", (0..split).map(point));
    }
    if split < n {
        let from = split.saturating_sub(1);
        write_path(
            out,
            " class=\"incomplete\" stroke-opacity=\"0.6\" stroke-dasharray=\"1 4\" stroke-linecap=\"round\"",
            (from..n).map(point),
        );
    }
    if n <= MARKER_MAX_DAYS && split > 0 {
        let r = if group.emphasis { "6" } else { "4.5" };
        let _ = write!(
            out,
            "<path class=\"points\" stroke-width=\"{r}\" stroke-dasharray=\"none\" stroke-linecap=\"round\" d=\""
        );
        for (x, y) in (0..split).filter_map(point) {
            out.push('M');
            push_tenths(out, x);
            out.push(' ');
            push_tenths(out, y);
            out.push_str("h0");
        }
        out.push_str("\"/>");
    }
    for i in split..n {
        if let Some(&v) = series.values.get(i) {
            out.push_str("<circle class=\"incomplete-point\"");
            attr_num(out, "cx", layout.x(i));
            attr_num(out, "cy", layout.y(v));
            let _ = write!(
                out,
                " r=\"3.5\" stroke-width=\"1.5\" stroke-dasharray=\"none\" style=\"fill:{}\"/>",
                svg::SURFACE
            );
        }
    }
    out.push_str("</g>");
}

/// Appends `<path d>` through `points` (tenths; `None` breaks the line), with
/// relative segments to keep long series small.
fn write_path(out: &mut String, attrs: &str, points: impl Iterator<Item = Option<(i64, i64)>>) {
    let mut d = String::new();
    let mut previous: Option<(i64, i64)> = None;
    let mut segment_open = false;
    for p in points {
        match (p, previous) {
            (Some((x, y)), None) => {
                d.push('M');
                push_tenths(&mut d, x);
                d.push(' ');
                push_tenths(&mut d, y);
                segment_open = false;
            }
            (Some((x, y)), Some((px, py))) => {
                if segment_open {
                    d.push(' ');
                } else {
                    d.push('l');
                    segment_open = true;
                }
                push_tenths(&mut d, x - px);
                if y - py >= 0 {
                    d.push(' ');
                }
                push_tenths(&mut d, y - py);
            }
            (None, _) => {}
        }
        previous = p;
    }
    if !d.is_empty() {
        let _ = write!(out, "<path{attrs} d=\"{d}\"/>");
    }
}
