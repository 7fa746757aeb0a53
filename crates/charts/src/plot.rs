//! Drawing through plotters without letting plotters measure text.
//!
//! Each chart is drawn by plotters' SVG backend into a string, at [`SCALE`]
//! backend pixels per viewBox unit, so that plotters' integer coordinates are
//! tenths of a unit. Every element is drawn in a *sentinel* colour handed out by
//! [`Inks`]; [`restyle`] then rewrites plotters' output into this crate's SVG: the
//! sentinel becomes the element's theme attributes (`currentColor`, palette
//! colours, `var(...)`, classes), consecutive elements of one [`Group`] share a
//! `<g>`, and coordinates are written in viewBox units.
//!
//! # Why the output is the same on the server and in the browser
//! plotters measures text with a byte-count guess on native targets and with the
//! DOM on wasm32 (`style/font/web.rs`). Only these plotters calls are made here:
//! `SVGBackend::with_string`, a `Cartesian2d` coordinate mapping applied to the
//! drawing area (see [`cartesian`]), and `draw` of `PathElement`, `Circle`,
//! `Rectangle`, `EmptyElement` and `Text`. The SVG backend writes a `Text` with
//! its anchor as `text-anchor`/`dy` without measuring; nothing on this path calls
//! `estimate_text_size`, `layout_box`, mesh labels, `titled` or series labels,
//! which are the callers of the font's `estimate_layout`: on wasm32 the linker
//! leaves that code out, and the module imports nothing from the DOM. The rest is integer and
//! IEEE `f64` arithmetic (no `sin`, `hypot` or other libm functions, whose results
//! may differ between the server's libm and Rust's on wasm32), and Rust's float
//! formatting, which is the same on every target.
//!
//! Where text has to fit (legend, tick spacing, bar labels, tooltips), its width
//! comes from [`crate::svg::text_width`], an estimate that is the same everywhere.

use std::borrow::Cow;
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{CoordMapper, Drawable, PointCollection};
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea, IntoFont, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle, TextStyle};

use crate::svg::{push_escaped, push_tenths};

/// Backend pixels per viewBox unit: plotters' integer coordinates are tenths.
pub(crate) const SCALE: f32 = 10.0;

/// A length or position in viewBox units as backend pixels.
pub(crate) fn px(v: f32) -> i32 {
    (v * SCALE).round() as i32
}

/// A backend pixel coordinate in viewBox units.
pub(crate) fn unit(px: i32) -> f32 {
    px as f32 / SCALE
}

/// The whole drawing surface, in backend pixels.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// What a drawing call may fail with (only misuse: the backend writes to memory).
pub(crate) type DrawResult<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// The plotting area of a chart with `f64` data on both axes.
pub(crate) type Plot<'b> = DrawingArea<SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A plotting area whose data ranges `x` and `y` map onto exactly
/// `[left, top, right, bottom]` (viewBox units; `y.start` at the bottom).
///
/// Built from plotters' `Cartesian2d` directly rather than through
/// `ChartBuilder`: the builder's caption branch (`titled`) measures text, and
/// even unused it links plotters' DOM text measurement into the wasm32 build.
/// Without it the browser's module imports nothing from the DOM, so no code
/// that could measure text is there at all. The mapping is the builder's with
/// explicit margins and label area sizes.
pub(crate) fn cartesian<'b>(root: &Area<'b>, [left, top, right, bottom]: [f32; 4], x: Range<f64>, y: Range<f64>) -> Plot<'b> {
    root.apply_coord_spec(Cartesian2d::new(x, y, (px(left)..px(right), px(bottom)..px(top))))
}

/// Draws every element of `elements` on `plot`, in order.
pub(crate) fn draw_each<'b, E, B>(plot: &Plot<'b>, elements: impl IntoIterator<Item = E>) -> DrawResult<()>
where
    B: CoordMapper,
    for<'e> &'e E: PointCollection<'e, (f64, f64), B>,
    E: Drawable<SVGBackend<'b>, B>,
{
    for element in elements {
        plot.draw(&element)?;
    }
    Ok(())
}

/// A `<g>` that consecutive elements share.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Group(usize);

/// The sentinel colours of one chart and what each stands for.
#[derive(Default)]
pub(crate) struct Inks {
    /// Attributes of each group's `<g>`.
    groups: Vec<String>,
    /// Per sentinel: its group and the attributes of each element drawn in it.
    inks: Vec<(Option<Group>, String)>,
}

impl Inks {
    /// A group whose `<g>` carries `attrs` (e.g. `class="grid" stroke="currentColor"`).
    pub(crate) fn group(&mut self, attrs: impl Into<String>) -> Group {
        self.groups.push(attrs.into());
        Group(self.groups.len() - 1)
    }

    /// The sentinel colour for elements in `group` (top level: `None`) that carry
    /// `attrs` themselves. The same pair gives the same colour.
    pub(crate) fn ink(&mut self, group: Option<Group>, attrs: impl Into<String>) -> RGBColor {
        let attrs = attrs.into();
        let index = match self.inks.iter().position(|(g, a)| *g == group && *a == attrs) {
            Some(i) => i,
            None => {
                self.inks.push((group, attrs));
                self.inks.len() - 1
            }
        };
        // Index + 1 in 24 bits; the sentinel is never seen by a reader.
        let code = index as u32 + 1;
        RGBColor((code >> 16) as u8, (code >> 8) as u8, code as u8)
    }

    fn lookup(&self, colour: &str) -> Option<&(Option<Group>, String)> {
        let code = u32::from_str_radix(colour.strip_prefix('#')?, 16).ok()?;
        self.inks.get((code as usize).checked_sub(1)?)
    }
}

/// A stroke of `ink`, `width` viewBox units wide.
pub(crate) fn stroke(ink: RGBColor, width: f32) -> ShapeStyle {
    ShapeStyle { color: ink.to_rgba(), filled: false, stroke_width: px(width).max(1) as u32 }
}

/// A fill of `ink`.
pub(crate) fn fill(ink: RGBColor) -> ShapeStyle {
    ink.filled()
}

/// Text in `ink` anchored at its position by `h` and `v`. Family and size are
/// the root element's (the restyling drops plotters' own), so the values given
/// to plotters here only matter to plotters' text measurement, which is never used.
pub(crate) fn text_style(ink: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    ("sans-serif", f64::from(crate::svg::FONT_SIZE * SCALE)).into_font().color(&ink).pos(Pos::new(h, v))
}

/// `text` without control characters, which XML 1.0 does not allow and
/// plotters would copy through.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars().filter(|c| !c.is_control()).collect::<String>().into()
    } else {
        text.into()
    }
}

/// Lets `paint` draw on a `width` × `height` (viewBox units) plotters SVG backend
/// and returns plotters' SVG with what `paint` returned. A drawing error (only
/// possible through misuse) keeps what was drawn until then.
pub(crate) fn draw<T>(width: f32, height: f32, paint: impl FnOnce(&Area) -> DrawResult<T>) -> (String, Option<T>) {
    let mut raw = String::new();
    let result = {
        let size = (px(width).max(1) as u32, px(height).max(1) as u32);
        let root = SVGBackend::with_string(&mut raw, size).into_drawing_area();
        let result = paint(&root);
        let presented = root.present();
        result.and_then(|value| presented.map(|()| value))
    };
    debug_assert!(result.is_ok(), "plotters failed: {:?}", result.as_ref().err());
    (raw, result.ok())
}

/// Appends plotters' SVG `raw` (from [`draw`], drawn in `inks`) as this crate's
/// markup: without plotters' root, colours and font attributes replaced by what
/// each sentinel stands for, coordinates in viewBox units.
pub(crate) fn restyle(out: &mut String, raw: &str, inks: &Inks) {
    let mut open: Option<Group> = None;
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = rest[start + 1..start + len].trim_end_matches('/');
        rest = &rest[start + len + 1..];
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        let content = if name == "text" {
            // plotters writes "<text …>\n{escaped}\n</text>\n".
            let end = rest.find("</text>").unwrap_or(rest.len());
            let content = rest[..end].trim_matches('\n');
            rest = &rest[end..];
            Some(content)
        } else {
            None
        };
        if !matches!(name, "polyline" | "polygon" | "rect" | "circle" | "line" | "text") {
            continue; // The root <svg> and closing tags.
        }
        let attr = |key: &str| attributes(attrs).find(|(k, _)| *k == key).map(|(_, v)| v);
        let colour = match (attr("stroke"), attr("fill")) {
            (Some(s), _) if s != "none" => s,
            (_, Some(f)) => f,
            _ => "",
        };
        let Some((group, ink_attrs)) = inks.lookup(colour) else {
            debug_assert!(false, "{colour} is not one of this chart's inks");
            continue;
        };
        if open != *group {
            if open.is_some() {
                out.push_str("</g>");
            }
            if let Some(g) = group {
                out.push_str("<g ");
                out.push_str(&inks.groups[g.0]);
                out.push('>');
            }
            open = *group;
        }
        out.push('<');
        out.push_str(name);
        for (key, value) in attributes(attrs) {
            match key {
                "x" | "y" | "x1" | "y1" | "x2" | "y2" | "cx" | "cy" | "r" | "width" | "height" => {
                    out.push(' ');
                    out.push_str(key);
                    out.push_str("=\"");
                    push_pixels(out, value);
                    out.push('"');
                }
                "points" => {
                    out.push_str(" points=\"");
                    for (i, point) in value.split_whitespace().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        let (x, y) = point.split_once(',').unwrap_or((point, "0"));
                        push_pixels(out, x);
                        out.push(',');
                        push_pixels(out, y);
                    }
                    out.push('"');
                }
                "dy" => {
                    out.push_str(" dy=\"");
                    out.push_str(value);
                    out.push('"');
                }
                "text-anchor" if value != "start" => {
                    out.push_str(" text-anchor=\"");
                    out.push_str(value);
                    out.push('"');
                }
                // Colours, opacity, stroke width and font: the ink's.
                _ => {}
            }
        }
        if !ink_attrs.is_empty() {
            out.push(' ');
            out.push_str(ink_attrs);
        }
        match content {
            Some(text) => {
                out.push('>');
                // Already escaped by plotters; its "&apos;" is as good as ours.
                out.push_str(text);
                out.push_str("</text>");
            }
            None => out.push_str("/>"),
        }
    }
    if open.is_some() {
        out.push_str("</g>");
    }
}

/// ` key="value"` pairs of a start tag written by plotters (values escaped, so
/// they hold no `"`).
fn attributes(attrs: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = attrs;
    std::iter::from_fn(move || {
        let eq = rest.find("=\"")?;
        let key = rest[..eq].trim();
        let value_start = eq + 2;
        let len = rest[value_start..].find('"')?;
        let value = &rest[value_start..value_start + len];
        rest = &rest[value_start + len + 1..];
        Some((key, value))
    })
}

/// Appends backend pixels (an integer) in viewBox units.
fn push_pixels(out: &mut String, value: &str) {
    match value.trim().parse::<i64>() {
        Ok(v) => push_tenths(out, v),
        Err(_) => push_escaped(out, value),
    }
}

#[cfg(test)]
mod tests {
    use plotters::element::{Circle, PathElement, Rectangle, Text};

    use super::*;

    fn restyled(inks: &Inks, raw: &str) -> String {
        let mut out = String::new();
        restyle(&mut out, raw, inks);
        out
    }

    #[test]
    fn sentinels_become_theme_attributes_and_coordinates_tenths() {
        let mut inks = Inks::default();
        let grid = inks.group("class=\"grid\" stroke=\"currentColor\"");
        let line = inks.ink(Some(grid), "");
        let dot = inks.ink(None, "class=\"dot\" style=\"fill:var(--x,Canvas)\"");
        let label = inks.ink(None, "class=\"t\"");
        assert_eq!(inks.ink(Some(grid), ""), line, "the same ink twice");
        let (raw, _) = draw(100.0, 50.0, |root| {
            root.draw(&PathElement::new(vec![(0, 5), (1000, 5)], stroke(line, 1.0)))?;
            root.draw(&PathElement::new(vec![(0, 15), (1000, 15)], stroke(line, 1.0)))?;
            root.draw(&Circle::new((123, 45), 35, stroke(dot, 1.5)))?;
            root.draw(&Rectangle::new([(10, 10), (30, 20)], fill(dot)))?;
            root.draw(&Text::new(clean("a<b 'c'\u{1}").into_owned(), (500, 250), text_style(label, HPos::Right, VPos::Center)))
        });
        assert_eq!(
            restyled(&inks, &raw),
            "<g class=\"grid\" stroke=\"currentColor\"><polyline points=\"0,0.5 100,0.5\"/><polyline points=\"0,1.5 100,1.5\"/></g>\
             <circle cx=\"12.3\" cy=\"4.5\" r=\"3.5\" class=\"dot\" style=\"fill:var(--x,Canvas)\"/>\
             <rect x=\"1\" y=\"1\" width=\"2\" height=\"1\" class=\"dot\" style=\"fill:var(--x,Canvas)\"/>\
             <text x=\"50\" y=\"25\" dy=\"0.5ex\" text-anchor=\"end\" class=\"t\">a&lt;b &apos;c&apos;</text>"
        );
    }
}
