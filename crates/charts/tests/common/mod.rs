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
    }
}

pub fn bars(n: usize) -> BarChart {
    BarChart {
        id: "top".into(),
        title: "Top blocks by PV".into(),
        desc: format!("The {n} blocks with the most PV."),
        bars: (0..n)
            .map(|i| Bar {
                label: format!("Block {}", i + 1),
                value: 50_000 / (i as u64 + 1) + 7,
            })
            .collect(),
        value_label: "PV".into(),
        empty_message: "No blocks".into(),
        number_format: NumberFormat::en(),
    }
}
