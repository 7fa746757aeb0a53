//! The charts of a dashboard, as data for the `charts` crate, drawn on the server: for
//! the page, for the SVG export and, at the width a chart has on the screen, for the
//! page's chart boxes (the export with `embed=1`, [`ChartKind::export_url`]).

use charts::{Bar, BarChart, DayMarker, Metric, MetricLabels, Series, TimeSeriesChart};

use serde::{Deserialize, Serialize};

use crate::report::{Dashboard, display_name};
use i18n::Locale;

/// Bars in the top-blocks chart.
pub const TOP_BARS: usize = 10;

/// PV and UV per day: the totals, and one line per filtered block when few are filtered.
/// One of the page's charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// PV and UV of the view by day ([`trend`]).
    Trend,
    /// The blocks with the most page views ([`top_blocks`]).
    TopBlocks,
    /// PV and UV of all workplaces and the default one ([`workplace_trend`]).
    WorkplaceTrend,
}

impl ChartKind {
    /// The address of the chart as an SVG file (`/export/…`) for the view `params`
    /// asks for: the download links' target, and what a chart box (the page's chart
    /// island) draws again from.
    pub fn export_url(self, params: &crate::view::ViewParams) -> String {
        let file = match self {
            ChartKind::Trend => "trend.svg",
            ChartKind::TopBlocks => "top-blocks.svg",
            ChartKind::WorkplaceTrend => "workplace-trend.svg",
        };
        format!("/export/{file}{}", params.to_query())
    }
}

pub fn trend(d: &Dashboard, locale: Locale) -> TimeSeriesChart {
    let t = locale.t();
    let range = locale.range(d.range.from(), d.range.to());
    let mut series = vec![
        Series { label: t.total.into(), metric: Metric::Pv, values: d.days.iter().map(|x| x.pv).collect(), emphasis: true },
        Series { label: t.total.into(), metric: Metric::Uv, values: d.days.iter().map(|x| x.uv).collect(), emphasis: true },
    ];
    // One block: its line is the total; draw blocks only when there are several.
    if d.lines.len() > 1 {
        for line in &d.lines {
            let label = display_name(&d.names, &line.block_id);
            series.push(Series { label: label.clone(), metric: Metric::Pv, values: line.pv.clone(), emphasis: false });
            series.push(Series { label, metric: Metric::Uv, values: line.uv.clone(), emphasis: false });
        }
    }
    TimeSeriesChart {
        id: "trend".into(),
        title: t.trend_title.into(),
        desc: (t.trend_desc)(&range),
        days: d.days.iter().map(|x| x.date).collect(),
        day_labels: d.days.iter().map(|x| locale.short_date(x.date)).collect(),
        series,
        incomplete_from: d.days.iter().any(|x| x.date == d.today).then_some(d.today),
        incomplete_label: t.today_incomplete.into(),
        y_label: String::new(),
        empty_message: t.no_data.into(),
        number_format: Default::default(),
        metric_labels: MetricLabels { pv: t.pv.into(), uv: t.uv.into() },
        markers: unusual_markers(d, locale),
        notes: d.notes.day_notes(locale),
    }
}

/// The view's unusual days (of all its blocks together) as rings on the total's PV.
fn unusual_markers(d: &Dashboard, locale: Locale) -> Vec<DayMarker> {
    d.insights
        .unusual
        .iter()
        .filter(|u| u.block_id.is_none())
        .map(|u| DayMarker { day: u.day.date, value: u.day.value, note: unusual_note(&u.day, locale) })
        .collect()
}

/// "Unusual: usually 1,200 (950–1,450), score 5.1": an unusual day as the chart's tip
/// and the trend's table say it.
pub fn unusual_note(u: &domain::unusual::UnusualDay, locale: Locale) -> String {
    let (low, high) = u.usual_range();
    let n = |x: f64| i18n::grouped(x.round() as u64);
    (locale.t().insights.marker_note)(&n(u.baseline.median), &n(low), &n(high), u.score)
}

/// The blocks with the most page views.
pub fn top_blocks(d: &Dashboard, locale: Locale) -> BarChart {
    let t = locale.t();
    let blocks = &d.top_blocks;
    BarChart {
        id: "top".into(),
        title: t.top_title.into(),
        desc: t.top_desc.into(),
        bars: blocks.iter().take(TOP_BARS).map(|b| Bar { label: display_name(&d.names, &b.block_id), value: b.pv }).collect(),
        value_label: t.pv.into(),
        empty_message: t.no_data.into(),
        number_format: Default::default(),
    }
}

/// PV and UV per day of all workplaces and of the default workplace.
pub fn workplace_trend(r: &crate::workplace_report::WorkplaceReport, locale: Locale) -> TimeSeriesChart {
    let (t, w) = (locale.t(), locale.t().workplaces);
    let range = locale.range(r.range.from(), r.range.to());
    let line = |label: &str, metric, values: Vec<u64>, emphasis| Series { label: label.into(), metric, values, emphasis };
    TimeSeriesChart {
        id: "workplace-trend".into(),
        title: w.trend_title.into(),
        desc: (w.trend_desc)(&range),
        days: r.days.iter().map(|x| x.date).collect(),
        day_labels: r.days.iter().map(|x| locale.short_date(x.date)).collect(),
        series: vec![
            line(w.all, Metric::Pv, r.days.iter().map(|x| x.all.pv).collect(), true),
            line(w.all, Metric::Uv, r.days.iter().map(|x| x.all.uv).collect(), true),
            line(w.default, Metric::Pv, r.days.iter().map(|x| x.default.pv).collect(), false),
            line(w.default, Metric::Uv, r.days.iter().map(|x| x.default.uv).collect(), false),
        ],
        incomplete_from: r.days.iter().any(|x| x.date == r.today).then_some(r.today),
        incomplete_label: t.today_incomplete.into(),
        y_label: String::new(),
        empty_message: t.no_data.into(),
        number_format: Default::default(),
        metric_labels: MetricLabels { pv: t.pv.into(), uv: t.uv.into() },
        markers: Vec::new(),
        notes: r.notes.day_notes(locale),
    }
}
