//! Chart inputs shared by the tests, the examples and the bench.
#![allow(dead_code)]

use charts::{Bar, BarChart, Metric, MetricLabels, NumberFormat, Series, TimeSeriesChart};
use chrono::NaiveDate;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Deterministic, wavy sample counts (weekday peaks, a slow trend).
pub fn wave(day: usize, base: u64, seed: u64) -> u64 {
    let week = [1.0, 1.1, 1.15, 1.1, 0.95, 0.35, 0.3][day % 7];
    let trend = 1.0 + (day as f64 / 60.0).sin() * 0.25 + seed as f64 * 0.01;
    (base as f64 * week * trend).round() as u64
}

/// A chart of `n` days from 2024-01-01 with the total and `blocks` blocks, PV and UV.
pub fn chart(n: usize, blocks: usize) -> TimeSeriesChart {
    let days: Vec<NaiveDate> = date(2024, 1, 1).iter_days().take(n).collect();
    let day_labels = days.iter().map(|d| d.format("%m-%d").to_string()).collect();
    let mut series = Vec::new();
    for (label, emphasis, base) in std::iter::once(("Total".to_string(), true, 12_000))
        .chain((0..blocks).map(|b| (format!("Block {}", b + 1), false, 1_500 - 120 * b as u64)))
    {
        let seed = base % 7;
        series.push(Series {
            label: label.clone(),
            metric: Metric::Pv,
            values: (0..n).map(|d| wave(d, base, seed)).collect(),
            emphasis,
        });
        series.push(Series {
            label,
            metric: Metric::Uv,
            values: (0..n).map(|d| wave(d, base / 4, seed + 3)).collect(),
            emphasis,
        });
    }
    TimeSeriesChart {
        id: "trend".into(),
        title: "Daily PV and UV".into(),
        desc: format!("PV and UV per day over {n} days."),
        days,
        day_labels,
        series,
        incomplete_from: None,
        incomplete_label: "today, still counting".into(),
        y_label: "Count".into(),
        empty_message: "No access in this range".into(),
        number_format: NumberFormat::en(),
        metric_labels: MetricLabels::default(),
        markers: Vec::new(),
        notes: Vec::new(),
    }
}

pub fn bars(n: usize) -> BarChart {
    BarChart {
        id: "top".into(),
        title: "Top blocks by PV".into(),
        desc: format!("The {n} blocks with the most PV."),
        bars: (0..n).map(|i| Bar { label: format!("Block {}", i + 1), value: 50_000 / (i as u64 + 1) + 7 }).collect(),
        value_label: "PV".into(),
        empty_message: "No blocks".into(),
        number_format: NumberFormat::en(),
    }
}

/// FNV-1a (64 bits): a hash that is the same on every target, with no dependency.
pub fn fnv64(text: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A fixed set of charts covering every drawing path (a year with 18 lines and
/// today, three years, one day, gaps, the largest counts, Chinese labels, empty
/// charts, bars, downloads). The determinism test pins their hashes; the same set
/// is rendered on wasm32 to check that the browser produces the same bytes.
pub fn fixed_set() -> Vec<(&'static str, String)> {
    use charts::{svg_document, time_series_svg, top_blocks_svg};
    use chrono::Datelike;

    let mut year = chart(365, 8);
    year.incomplete_from = year.days.last().copied();
    let mut zh = chart(20, 2);
    zh.number_format = NumberFormat::zh();
    zh.day_labels = zh.days.iter().map(|d| format!("{}月{}日", d.month(), d.day())).collect();
    for s in &mut zh.series {
        s.values.iter_mut().for_each(|v| *v *= 97);
    }
    zh.series[2].label = "审批中心（全员使用的超长名称示例）& <b>".into();
    zh.series[3].label = zh.series[2].label.clone();
    zh.incomplete_from = zh.days.last().copied();
    zh.incomplete_label = "今日数据仍在统计".into();
    let mut huge = chart(10, 1);
    for s in &mut huge.series {
        s.values = vec![u64::MAX, 0, u64::MAX / 2, 1, u64::MAX, 7, 8, 9, 10, 11];
    }
    let mut gaps = chart(40, 2);
    gaps.series[0].values.truncate(25);
    gaps.series[1].values[10] = 0;
    gaps.series[3].values.clear();
    let mut no_days = chart(0, 0);
    no_days.series.clear();
    let mut no_series = chart(30, 0);
    no_series.series.clear();
    let mut long_labels = bars(12);
    long_labels.bars[2].label = "Approvals & <Leave> requests for the whole company, every branch office".into();
    long_labels.bars[11].value = 0;
    long_labels.bars[10].value = 1;
    let mut largest = bars(3);
    largest.bars[0].value = u64::MAX;
    let trend = chart(45, 3);
    vec![
        ("year-8-blocks", time_series_svg(&year)),
        ("3-years-total", time_series_svg(&chart(3 * 365 + 1, 0))),
        ("3-years-8-blocks", time_series_svg(&chart(3 * 365 + 1, 8))),
        ("one-day", time_series_svg(&chart(1, 1))),
        ("week-total", time_series_svg(&chart(7, 0))),
        ("zh-20-days", time_series_svg(&zh)),
        ("huge-values", time_series_svg(&huge)),
        ("gaps", time_series_svg(&gaps)),
        ("empty-no-days", time_series_svg(&no_days)),
        ("empty-no-series", time_series_svg(&no_series)),
        ("bars-15", top_blocks_svg(&bars(15))),
        ("bars-long-labels", top_blocks_svg(&long_labels)),
        ("bars-u64-max", top_blocks_svg(&largest)),
        ("bars-empty", top_blocks_svg(&bars(0))),
        ("download-trend", svg_document(&time_series_svg(&trend))),
        ("download-bars", svg_document(&top_blocks_svg(&bars(5)))),
    ]
}
