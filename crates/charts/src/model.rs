//! What a caller hands over: data and already-localised text, nothing else.
//!
//! Every type is plain data (serde, `Clone`, `PartialEq`) so the app can build a
//! chart on the server, send it to the browser and render the same bytes there.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::number::NumberFormat;

/// Which count a series shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Page views: every open of a block. Drawn as a solid line.
    Pv,
    /// Distinct users of a block that day. Drawn as a dashed line.
    Uv,
}

/// The localised names of the two metrics, used in the legend, the tooltips and
/// the accessible labels ("PV 1,234; UV 567").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricLabels {
    /// The name of [`Metric::Pv`], e.g. "PV" or "访问次数".
    pub pv: String,
    /// The name of [`Metric::Uv`], e.g. "UV" or "访问人数".
    pub uv: String,
}

impl MetricLabels {
    /// The label of `metric`.
    pub fn of(&self, metric: Metric) -> &str {
        match metric {
            Metric::Pv => &self.pv,
            Metric::Uv => &self.uv,
        }
    }
}

impl Default for MetricLabels {
    fn default() -> Self {
        Self { pv: "PV".into(), uv: "UV".into() }
    }
}

/// One line of a time-series chart: one metric of one thing (the total or a block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// What the line counts, without the metric: "Total", a block's name or its id.
    /// A PV and a UV series with the same label share a colour and a legend entry.
    pub label: String,
    /// PV (solid) or UV (dashed).
    pub metric: Metric,
    /// One value per entry of [`TimeSeriesChart::days`]. A shorter list leaves the
    /// missing days out of the line and the tooltips; extra values are ignored.
    pub values: Vec<u64>,
    /// The total: drawn thicker, on top, in the first palette colour.
    pub emphasis: bool,
}

/// PV and UV per day: the total and optionally a few selected blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimeSeriesChart {
    /// Prefix for the element ids inside the SVG; must be unique on the page
    /// (e.g. "trend"). Empty: derived from the title and description.
    pub id: String,
    /// The chart's accessible name (`<title>`), e.g. "Daily PV and UV".
    pub title: String,
    /// A one-sentence summary for assistive technology (`<desc>`).
    pub desc: String,
    /// The days on the x axis, oldest first, one column each. Callers pass every
    /// day of the range, including days with no access.
    pub days: Vec<NaiveDate>,
    /// Localised text for each day, same length as `days`, used for axis ticks and
    /// tooltips (e.g. "3月5日" or "Mar 5"). A missing entry falls back to ISO format.
    pub day_labels: Vec<String>,
    /// The lines. Callers keep this short (the total plus up to ~8 blocks, PV and UV).
    pub series: Vec<Series>,
    /// The first day whose numbers may still grow (today). From this day on the
    /// line is dotted and faded and the points are hollow.
    pub incomplete_from: Option<NaiveDate>,
    /// Legend and tooltip text for incomplete days, e.g. "today, still counting".
    pub incomplete_label: String,
    /// The y axis caption, e.g. "Count".
    pub y_label: String,
    /// Shown in place of the lines when there are no days or no series.
    pub empty_message: String,
    /// How numbers are written (grouping, compact axis units).
    pub number_format: NumberFormat,
    /// The localised metric names.
    pub metric_labels: MetricLabels,
    /// Days to point out (unusual days): a ring around the value, and a line of its
    /// own in the day's tooltip.
    pub markers: Vec<DayMarker>,
    /// Notes on the timeline (what an admin changed that day): a dashed line across the
    /// plot with a flag above it, and the note's text as a line of the day's tooltip.
    #[serde(default)]
    pub notes: Vec<DayNote>,
}

/// A note on a day of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayNote {
    /// The day, one of the chart's `days` (a note on another day is not drawn).
    pub day: NaiveDate,
    /// The tooltip's line, already localised, e.g. "Note: Moved 请假 to the top".
    pub text: String,
}

/// A day the chart points out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayMarker {
    /// The day, one of the chart's `days`.
    pub day: NaiveDate,
    /// Where the ring goes on the y axis (the marked series' value that day).
    pub value: u64,
    /// Why, for the tooltip and the accessible name, e.g.
    /// "Unusual: usually 1,200 (950–1,450), score 5.1".
    pub note: String,
}

/// One bar: a block and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// The block's name or id. Long labels are shortened on the axis (with "…"),
    /// never in the tooltip.
    pub label: String,
    /// The value the bar's length shows.
    pub value: u64,
}

/// Horizontal bars, drawn top to bottom in the given order (callers sort them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BarChart {
    /// Prefix for element ids, unique on the page. Empty: derived from the title.
    pub id: String,
    /// The chart's accessible name (`<title>`), e.g. "Top blocks by PV".
    pub title: String,
    /// A one-sentence summary for assistive technology (`<desc>`).
    pub desc: String,
    /// The bars; callers keep this to ~15.
    pub bars: Vec<Bar>,
    /// What the values are, e.g. "PV"; shown as the axis caption and in tooltips.
    pub value_label: String,
    /// Shown in place of the bars when there are none.
    pub empty_message: String,
    /// How numbers are written.
    pub number_format: NumberFormat,
}
