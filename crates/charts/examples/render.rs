//! Writes example charts to a directory (default: the system temp dir) to look at:
//! `cargo run -p charts --example render -- /tmp`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let mut trend = common::chart(45, 3);
    trend.incomplete_from = trend.days.last().copied();
    let mut year = common::chart(365, 8);
    year.incomplete_from = year.days.last().copied();
    let mut zh = common::chart(14, 2);
    zh.day_labels = zh.days.iter().map(|d| d.format("%-m月%-d日").to_string()).collect();
    zh.series.iter_mut().for_each(|s| {
        s.values.iter_mut().for_each(|v| *v *= 97);
        s.label = match s.label.as_str() {
            "Total" => "全部".into(),
            "Block 1" => "审批中心（全员使用的超长名称示例）".into(),
            _ => "日程".into(),
        }
    });
    zh.metric_labels = charts::MetricLabels { pv: "访问次数".into(), uv: "访问人数".into() };
    zh.number_format = charts::NumberFormat::zh();
    zh.incomplete_from = zh.days.last().copied();
    zh.incomplete_label = "今日数据仍在统计".into();
    zh.y_label = "次数 / 人数".into();
    let mut empty = common::chart(30, 0);
    empty.series.clear();
    let outputs = [
        ("charts-example-zh.svg", charts::time_series_svg(&zh)),
        ("charts-example-single-day.svg", charts::time_series_svg(&common::chart(1, 1))),
        ("charts-example-empty.svg", charts::time_series_svg(&empty)),
        ("charts-example-time-series.svg", charts::time_series_svg(&trend)),
        ("charts-example-total.svg", charts::time_series_svg(&common::chart(30, 0))),
        ("charts-example-year.svg", charts::time_series_svg(&year)),
        ("charts-example-3-years.svg", charts::time_series_svg(&common::chart(3 * 365 + 1, 0))),
        ("charts-example-bars.svg", charts::top_blocks_svg(&common::bars(15))),
        ("charts-example-download.svg", charts::svg_document(&charts::time_series_svg(&trend))),
    ];
    for (name, svg) in outputs {
        let path = dir.join(name);
        std::fs::write(&path, svg)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
