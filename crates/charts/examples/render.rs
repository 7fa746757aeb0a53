//! Writes example charts to a directory (default: the system temp dir) to look at:
//! `cargo run -p charts --example render -- /tmp`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let mut trend = common::chart(45, 3);
    trend.incomplete_from = trend.days.last().copied();
    let mut year = common::chart(365, 8);
    year.incomplete_from = year.days.last().copied();
    let outputs = [
        (
            "charts-example-time-series.svg",
            charts::time_series_svg(&trend),
        ),
        (
            "charts-example-total.svg",
            charts::time_series_svg(&common::chart(30, 0)),
        ),
        ("charts-example-year.svg", charts::time_series_svg(&year)),
        (
            "charts-example-3-years.svg",
            charts::time_series_svg(&common::chart(3 * 365 + 1, 0)),
        ),
        (
            "charts-example-bars.svg",
            charts::top_blocks_svg(&common::bars(15)),
        ),
        (
            "charts-example-download.svg",
            charts::svg_document(&charts::time_series_svg(&trend)),
        ),
    ];
    for (name, svg) in outputs {
        let path = dir.join(name);
        std::fs::write(&path, svg)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
