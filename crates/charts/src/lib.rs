//! Block Insights' charts as SVG strings: PV/UV per day ([`time_series_svg`]) and
//! the top blocks ([`top_blocks_svg`]), plus a standalone file for download
//! ([`svg_document`]).
//!
//! Pure Rust with no I/O, clock or randomness: the server (first paint) and the
//! browser (after hydration) produce the same bytes for the same input.
//!
//! # How a chart is made
//! plotters' SVG backend draws the legend, axes, grid, lines, points, bars and
//! their labels, in sentinel colours, at ten backend pixels per viewBox unit; the
//! crate then restyles that markup (theme colours, classes, coordinates in tenths
//! of a unit) and appends the interactive parts plotters has no notion of: the
//! root with its accessible name, and the focusable hit targets with their
//! tooltips. plotters never measures text here (its measurement differs between
//! the server and the browser); see the `plot` module for how that is ensured,
//! and `tests/determinism.rs` for the bytes checked on both targets.
//!
//! # What the SVG offers the page
//! - A `viewBox` and no fixed size: the page's CSS sets the width (e.g.
//!   `.chart { width: 100%; height: auto }`).
//! - Text, axes and grid in `currentColor`, series in a palette readable on light
//!   and dark backgrounds; hollow points fill with `var(--chart-surface, Canvas)`
//!   and tooltip boxes with `var(--chart-tip-bg, Canvas)`. Classes (`series-N`, `pv`, `uv`, `grid`,
//!   `axis`, `legend`, `incomplete`, `empty`, …) allow restyling.
//! - An accessible name and description (`<title>`, `<desc>`, `aria-labelledby`,
//!   `aria-describedby`); decorative parts are `aria-hidden`.
//! - One focusable `<g class="hit" tabindex="0" role="img" aria-label="…">` per
//!   day or bar (a bar's with a `<title>` too, a native tooltip) and a
//!   `<g class="tip">` that the page hides with `.hit .tip { visibility: hidden }`
//!   and reveals with `.hit:hover .tip, .hit:focus .tip { visibility: visible }`
//!   (a file of its own carries these rules: [`svg_document`]). Not an attribute on
//!   every tip: a year is 365 of them. Each day's target carries its date
//!   (`data-day="2026-11-30"`), for a page that acts on the day chosen.
//! - Notes on the timeline ([`DayNote`]): a dashed line and a flag (`class="note"`)
//!   behind the targets, the note's text in the day's tip and accessible name.

#![warn(missing_docs)]

mod bars;
mod document;
mod model;
mod number;
mod plot;
mod svg;
mod theme;
mod time_series;

pub use bars::{top_blocks_svg, top_blocks_svg_at};
pub use document::svg_document;
pub use model::{Bar, BarChart, DayMarker, DayNote, Metric, MetricLabels, Series, TimeSeriesChart};
pub use number::{CompactUnit, NumberFormat};
pub use theme::PALETTE;
pub use time_series::{DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, time_series_svg, time_series_svg_at};
