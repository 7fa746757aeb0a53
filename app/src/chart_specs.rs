//! The charts of a dashboard, as data for the `charts` crate. Built the same way on the
//! server (first paint, SVG export) and in the browser (after hydration), so both draw
//! the same bytes.

use charts::{Bar, BarChart, Metric, MetricLabels, Series, TimeSeriesChart};

use crate::i18n::Locale;
use crate::report::{display_name, Dashboard};

/// Bars in the top-blocks chart.
pub const TOP_BARS: usize = 10;

/// PV and UV per day: the totals, and one line per filtered block when few are filtered.
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
    }
}

/// The blocks with the most page views.
pub fn top_blocks(d: &Dashboard, locale: Locale) -> BarChart {
    let t = locale.t();
    let mut blocks: Vec<_> = d.blocks.iter().collect();
    blocks.sort_by(|a, b| b.pv.cmp(&a.pv).then_with(|| a.block_id.cmp(&b.block_id)));
    BarChart {
        id: "top".into(),
        title: t.top_title.into(),
        desc: t.top_desc.into(),
        bars: blocks
            .into_iter()
            .take(TOP_BARS)
            .map(|b| Bar { label: display_name(&d.names, &b.block_id), value: b.pv })
            .collect(),
        value_label: t.pv.into(),
        empty_message: t.no_data.into(),
        number_format: Default::default(),
    }
}
