//! The lines, drawn by plotters: one path per run of days with a value, the
//! incomplete tail dotted and faded, point markers on short ranges, hollow
//! points on incomplete days.
//!
//! UV's dashes are an SVG `stroke-dasharray` on the series' group, not plotters'
//! `DashedLineSeries`: that one writes every dash as an element of its own (a
//! year's dashed lines would be hundreds of kilobytes) and places the dashes
//! with `f32::hypot`, a libm function whose last bit may differ between the
//! server and wasm32.

use plotters::element::{Circle, PathElement};

use super::{Group, Layout, MARKER_MAX_DAYS};
use crate::model::{Metric, Series};
use crate::plot::{self, DrawResult, Inks, Plot, fill, px, stroke};
use crate::svg;
use crate::theme::series_colour;

/// Draws `series` (a member of `group`) over the first `n` days.
pub(super) fn draw(plot: &Plot, inks: &mut Inks, layout: &Layout, group: &Group, series: &Series, n: usize) -> DrawResult<()> {
    let colour = series_colour(group.colour);
    let width = if group.emphasis { 2.5 } else { 1.5 };
    let (metric, dash) = match series.metric {
        Metric::Pv => ("pv", ""),
        Metric::Uv => ("uv", " stroke-dasharray=\"6 4\""),
    };
    let g = inks.group(format!(
        "class=\"series series-{} {metric}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"{dash}",
        group.colour
    ));
    let solid = stroke(inks.ink(Some(g), ""), width);
    let faded = stroke(
        inks.ink(Some(g), "class=\"incomplete\" stroke-opacity=\"0.6\" stroke-dasharray=\"1 4\" stroke-linecap=\"round\""),
        width,
    );
    let hollow = stroke(
        inks.ink(
            Some(g),
            format!("class=\"incomplete-point\" stroke-width=\"1.5\" stroke-dasharray=\"none\" style=\"fill:{}\"", svg::SURFACE),
        ),
        1.5,
    );
    let point = |i: usize| series.values.get(i).map(|&v| (i as f64, v as f64));
    let split = layout.incomplete_from.min(n);

    plot::draw_each(plot, runs((0..split).map(point)).map(|run| PathElement::new(run, solid)))?;
    if split < n {
        let from = split.saturating_sub(1);
        plot::draw_each(plot, runs((from..n).map(point)).map(|run| PathElement::new(run, faded)))?;
        plot::draw_each(plot, (split..n).filter_map(point).map(|p| Circle::new(p, px(3.5), hollow)))?;
    }
    if n <= MARKER_MAX_DAYS && split > 0 {
        let markers = inks.group(format!("class=\"points\" fill=\"{colour}\""));
        let ink = fill(inks.ink(Some(markers), ""));
        let radius = px(if group.emphasis { 3.0 } else { 2.3 });
        plot::draw_each(plot, (0..split).filter_map(point).map(|p| Circle::new(p, radius, ink)))?;
    }
    Ok(())
}

/// The runs of consecutive points (`None` breaks a line) that make a line: at
/// least two points each.
fn runs(points: impl Iterator<Item = Option<(f64, f64)>>) -> impl Iterator<Item = Vec<(f64, f64)>> {
    let mut points = points.peekable();
    std::iter::from_fn(move || {
        loop {
            let run: Vec<_> = points.by_ref().skip_while(Option::is_none).map_while(|p| p).collect();
            match run.len() {
                0 if points.peek().is_none() => return None,
                0 | 1 => continue,
                _ => return Some(run),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn gaps_split_lines_and_lone_points_are_left_to_the_markers() {
        let p = |v: Option<u8>| v.map(|v| (f64::from(v), 0.0));
        let input = [Some(0), Some(1), None, Some(3), None, None, Some(6), Some(7), Some(8)];
        let got: Vec<Vec<f64>> = runs(input.into_iter().map(p)).map(|r| r.into_iter().map(|(x, _)| x).collect()).collect();
        assert_eq!(got, vec![vec![0.0, 1.0], vec![6.0, 7.0, 8.0]]);
        assert_eq!(runs(std::iter::empty()).count(), 0);
    }
}
