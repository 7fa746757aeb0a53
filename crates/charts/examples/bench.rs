//! Times the heaviest expected chart: 365 days, the total and 8 blocks, PV and UV
//! (18 lines). Prints timings and sizes; asserts nothing.
//! `cargo run -p charts --release --example bench`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

fn time(name: &str, runs: usize, render: impl Fn() -> String) {
    let size = render().len();
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(render());
            start.elapsed()
        })
        .collect();
    samples.sort();
    let median = samples[runs / 2];
    let worst = samples[runs - 1];
    println!("{name}: median {median:.2?}, slowest {worst:.2?} of {runs} runs; {size} bytes");
}

fn main() {
    let mut year = common::chart(365, 8);
    year.incomplete_from = year.days.last().copied();
    let total_only = common::chart(365, 0);
    let three_years = common::chart(3 * 365 + 1, 8);
    let bars = common::bars(15);
    time("365 days, total + 8 blocks, PV+UV", 200, || charts::time_series_svg(black_box(&year)));
    time("365 days, total only", 200, || charts::time_series_svg(black_box(&total_only)));
    time("1096 days, total + 8 blocks, PV+UV", 50, || charts::time_series_svg(black_box(&three_years)));
    time("15 bars", 200, || charts::top_blocks_svg(black_box(&bars)));
    let inline = charts::time_series_svg(&year);
    time("download document of the 365-day chart", 200, || charts::svg_document(black_box(&inline)));
}
