//! The impact estimate validated on the simulator's own data before it is trusted: over
//! 50 tenants (seeds), changes planted with known effects (`feishu_sim::Anomaly::Step`
//! and `Swap`) are estimated from the series the dashboard reads, summed as
//! `use_cases::impact` sums them (the concerned block against every other block). Each
//! check prints its figures. The tenants' "today" is fixed, so the figures are the same
//! on every run and any day.

use chrono::{Days, NaiveDate};
use domain::impact::{self, Verdict, Window};
use feishu_sim::{Anomaly, Dataset};

const SEEDS: u64 = 50;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// The note's day: 40 days back, so that four weeks after it are final.
fn note_day() -> NaiveDate {
    today() - Days::new(40)
}

/// The block's daily PV and every other block's summed, over the window.
fn series(data: &Dataset, block: usize, window: &Window) -> (Vec<f64>, Vec<f64>) {
    let range = window.range();
    let rows = data.ground_truth(range.from(), range.to(), None);
    let id = &data.blocks()[block].id;
    let days: Vec<NaiveDate> = range.days().collect();
    let mut concerned = vec![0.0; days.len()];
    let mut control = vec![0.0; days.len()];
    for row in rows {
        let at = (row.date - range.from()).num_days() as usize;
        if &row.block_id == id { concerned[at] += row.pv as f64 } else { control[at] += row.pv as f64 }
    }
    (concerned, control)
}

/// Established blocks of a 60-block tenant (added long before the window, busy enough to
/// show a change), most popular first.
fn established(data: &Dataset) -> Vec<usize> {
    let start = note_day() - Days::new(120);
    (0..data.blocks().len()).filter(|&b| data.blocks()[b].created < start && data.blocks()[b].weight >= 20.0).collect()
}

fn tenant(seed: u64, anomalies: Vec<Anomaly>) -> Dataset {
    Dataset::new(seed, 60, today(), 400).with_anomalies(anomalies)
}

#[test]
fn planted_changes_are_found_and_unchanged_days_rarely_called_a_change() {
    let window = impact::window(note_day(), impact::DEFAULT_WEEKS).unwrap();
    let keep_all = |_: NaiveDate| false;
    let (mut sign50, mut holds50, mut found20, mut false_alarms, mut moved, mut swaps) = (0, 0, 0, 0, 0, 0);
    for seed in 1..=SEEDS {
        let plain = tenant(seed, Vec::new());
        let blocks = established(&plain);
        let (step50, step20, unchanged) = (blocks[1], blocks[3], blocks[5]);
        // A swap inside one workplace: a share of a busy block's visits to a smaller one.
        let workplace = &plain.blocks()[blocks[2]].workplace_id;
        let pair: Vec<usize> = blocks.iter().copied().filter(|&b| &plain.blocks()[b].workplace_id == workplace).take(2).collect();
        let mut anomalies = vec![
            Anomaly::Step { block: step50, from: note_day(), factor: 1.5 },
            Anomaly::Step { block: step20, from: note_day(), factor: 1.2 },
        ];
        if let [away, gains] = pair[..] {
            anomalies.push(Anomaly::Swap { block: gains, away, from: note_day(), share: 0.3 });
        }
        let data = tenant(seed, anomalies);

        let (c, r) = series(&data, step50, &window);
        let big = impact::impact(&c, &r, &window, &keep_all).expect("an estimate");
        sign50 += usize::from(big.concerned.relative_change > 0.0);
        holds50 += usize::from(big.concerned.interval.0 <= 0.5 && 0.5 <= big.concerned.interval.1);

        let (c, r) = series(&data, step20, &window);
        let small = impact::impact(&c, &r, &window, &keep_all).expect("an estimate");
        found20 += usize::from(small.concerned.distinguishable && small.concerned.relative_change > 0.0);

        let (c, r) = series(&data, unchanged, &window);
        let none = impact::impact(&c, &r, &window, &keep_all).expect("an estimate");
        false_alarms += usize::from(none.concerned.distinguishable);

        if let [_, gains] = pair[..] {
            swaps += 1;
            // The control of a swap: the workplace's other blocks, as for named blocks.
            let (c, _) = series(&data, gains, &window);
            let peers: Vec<usize> =
                (0..data.blocks().len()).filter(|&b| b != gains && &data.blocks()[b].workplace_id == workplace).collect();
            let mut r = vec![0.0; c.len()];
            for b in peers {
                let (p, _) = series(&data, b, &window);
                r.iter_mut().zip(p).for_each(|(x, y)| *x += y);
            }
            let swap = impact::impact(&c, &r, &window, &keep_all).expect("an estimate");
            moved += usize::from(swap.verdict == Verdict::Moved);
        }
    }
    println!("+50% step: right sign {sign50}/{SEEDS}, 90% interval holds +50% {holds50}/{SEEDS}");
    println!("+20% step: told apart from noise {found20}/{SEEDS}");
    println!("no change: called distinguishable {false_alarms}/{SEEDS}");
    println!("swap within a workplace: read as views moving {moved}/{swaps}");
    let share = |n: usize, of: u64| n as f64 / of as f64;
    assert_eq!(sign50, SEEDS as usize, "a +50% step is found with the right sign");
    assert!(share(holds50, SEEDS) >= 0.85, "the interval holds a +50% step in at least 85%: {holds50}/{SEEDS}");
    assert!(share(found20, SEEDS) >= 0.70, "a +20% step is told apart in at least 70%: {found20}/{SEEDS}");
    assert!(share(false_alarms, SEEDS) <= 0.10, "no change is called a change in at most 10%: {false_alarms}/{SEEDS}");
    assert!(swaps >= 40 && share(moved, swaps as u64) >= 0.85, "a swap reads as views moving: {moved}/{swaps}");
}
