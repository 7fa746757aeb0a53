//! The method's validation on synthetic data shaped like the simulator's
//! (crates/feishu-sim/src/blocks.rs): Zipf popularity, its weekday rhythm with quiet
//! weekends (0.08–0.30 of a weekday) and public holidays, a slow trend, multiplicative day
//! noise (here 15–25% with AR(1) autocorrelation 0.3 and a small shock common to all
//! blocks, where the simulator draws 15% independently), Poisson counts, UV a share of PV.

use std::time::Instant;

use chrono::Weekday;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;

/// Seeds per validation check (the done-when asks for at least 50).
const SEEDS: u64 = 200;
/// Blocks of the synthetic workplace.
const BLOCKS: usize = 12;

fn d(s: &str) -> NaiveDate {
    crate::parse_date(s).unwrap()
}

/// The simulator's public holidays: New Year's Day, 1–5 May, 1–7 October.
fn holiday(day: NaiveDate) -> bool {
    matches!((day.month(), day.day()), (1, 1) | (5, 1..=5) | (10, 1..=7))
}

fn normal(rng: &mut StdRng) -> f64 {
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Poisson by inversion for small means, the normal approximation for large ones (as the simulator).
fn poisson(rng: &mut StdRng, lambda: f64) -> f64 {
    if lambda >= 40.0 {
        return (lambda + lambda.sqrt() * normal(rng)).round().max(0.0);
    }
    let u: f64 = rng.random();
    let (mut p, mut k) = ((-lambda).exp(), 0.0);
    let mut cumulative = p;
    while u > cumulative && k < 400.0 {
        k += 1.0;
        p *= lambda / k;
        cumulative += p;
    }
    k
}

struct Block {
    /// Expected PV on an ordinary Monday.
    weight: f64,
    weekend: f64,
    growth_per_year: f64,
    uv_share: f64,
    /// Standard deviation of the log day noise.
    sigma: f64,
}

fn workplace(rng: &mut StdRng) -> Vec<Block> {
    (0..BLOCKS)
        .map(|i| Block {
            weight: 2400.0 * ((i + 1) as f64).powf(-1.45) * (0.2 * normal(rng)).exp(),
            weekend: 0.08 + 0.22 * rng.random::<f64>(),
            growth_per_year: -0.15 + 0.5 * rng.random::<f64>(),
            uv_share: 0.25 + 0.5 * rng.random::<f64>(),
            sigma: 0.15 + 0.10 * rng.random::<f64>(),
        })
        .collect()
}

/// The expected PV of `block` on `day`, before noise (the simulator's day factor and trend).
fn expected(block: &Block, day: NaiveDate, first: NaiveDate) -> f64 {
    let factor = if holiday(day) {
        block.weekend * 0.8
    } else {
        match day.weekday() {
            Weekday::Mon => 1.0,
            Weekday::Tue => 1.06,
            Weekday::Wed => 1.04,
            Weekday::Thu => 1.0,
            Weekday::Fri => 0.88,
            Weekday::Sat => block.weekend,
            Weekday::Sun => block.weekend * 0.85,
        }
    };
    let years = (day - first).num_days() as f64 / 365.25;
    block.weight * factor * (block.growth_per_year * years).exp()
}

/// PV and UV of every block over the window, the expected PV of block `b` on the window's
/// day `i` times `multiplier(b, i)`.
fn generate(rng: &mut StdRng, blocks: &[Block], window: &Window, multiplier: impl Fn(usize, usize) -> f64) -> Vec<[Vec<f64>; 2]> {
    const RHO: f64 = 0.3;
    let days: Vec<NaiveDate> = window.range().days().collect();
    let common: Vec<f64> = days.iter().map(|_| 0.05 * normal(rng)).collect();
    blocks
        .iter()
        .enumerate()
        .map(|(b, block)| {
            let (mut pv, mut uv) = (Vec::with_capacity(days.len()), Vec::with_capacity(days.len()));
            let mut noise = block.sigma * normal(rng);
            for (i, day) in days.iter().enumerate() {
                noise = RHO * noise + (1.0 - RHO * RHO).sqrt() * block.sigma * normal(rng);
                let lambda = expected(block, *day, days[0]) * (noise + common[i]).exp() * multiplier(b, i);
                let views = poisson(rng, lambda);
                let share = (block.uv_share * (0.08 * normal(rng)).exp()).min(1.0);
                pv.push(views);
                uv.push((views * share).round().clamp(views.min(1.0), views));
            }
            [pv, uv]
        })
        .collect()
}

/// What a check plants at the note's day.
#[derive(Clone, Copy)]
enum Plant {
    Nothing,
    /// The concerned block times (1 + x).
    Step(f64),
    /// The concerned block times (1 + x), its gain taken from the most viewed block.
    Swap(f64),
    /// Every block times (1 + x).
    Everything(f64),
}

/// The impact on PV and UV of a note on one block (ranked 2nd to 4th) of a synthetic
/// workplace, the control being the sum of the other blocks; the note falls anywhere in a
/// year, holidays left out.
fn scenario(seed: u64, plant: Plant) -> [Impact; 2] {
    let mut rng = StdRng::seed_from_u64(seed);
    let blocks = workplace(&mut rng);
    let note = d("2025-01-13").checked_add_days(Days::new(seed * 37 % 330)).unwrap();
    let window = window(note, DEFAULT_WEEKS).unwrap();
    let half = window.before.len_days() as usize;
    let concerned = 1 + (seed % 3) as usize;
    let first = window.before.from();
    let multiplier = |b: usize, i: usize| match plant {
        _ if i < half => 1.0,
        Plant::Nothing => 1.0,
        Plant::Step(x) => {
            if b == concerned {
                1.0 + x
            } else {
                1.0
            }
        }
        Plant::Everything(x) => 1.0 + x,
        Plant::Swap(x) => {
            let day = first.checked_add_days(Days::new(i as u64)).unwrap();
            let gain = x * expected(&blocks[concerned], day, first);
            match b {
                _ if b == concerned => 1.0 + x,
                0 => 1.0 - gain / expected(&blocks[0], day, first),
                _ => 1.0,
            }
        }
    };
    let data = generate(&mut rng, &blocks, &window, multiplier);
    [0, 1].map(|measure| {
        let control: Vec<f64> =
            (0..window.len_days()).map(|i| (0..BLOCKS).filter(|b| *b != concerned).map(|b| data[b][measure][i]).sum()).collect();
        impact(&data[concerned][measure], &control, &window, &holiday).unwrap()
    })
}

/// How many of the seeds' impacts (PV, then UV) pass `test`.
fn count(plant: Plant, test: impl Fn(&Impact) -> bool) -> [u64; 2] {
    let mut passed = [0, 0];
    for seed in 0..SEEDS {
        let impacts = scenario(seed, plant);
        for m in 0..2 {
            passed[m] += u64::from(test(&impacts[m]));
        }
    }
    passed
}

fn share(passed: u64) -> f64 {
    passed as f64 / SEEDS as f64
}

#[test]
fn a_step_of_50_percent_is_found_and_its_interval_holds_it() {
    let sign = count(Plant::Step(0.5), |i| i.concerned.relative_change > 0.0);
    let holds = count(Plant::Step(0.5), |i| i.concerned.interval.0 <= 0.5 && 0.5 <= i.concerned.interval.1);
    let told = count(Plant::Step(0.5), |i| i.concerned.distinguishable);
    println!(
        "+50% step, PV: right sign {}/{SEEDS}, interval holds {}/{SEEDS}, distinguishable {}/{SEEDS}",
        sign[0], holds[0], told[0]
    );
    println!(
        "+50% step, UV: right sign {}/{SEEDS}, interval holds {}/{SEEDS}, distinguishable {}/{SEEDS}",
        sign[1], holds[1], told[1]
    );
    for m in 0..2 {
        assert_eq!(sign[m], SEEDS);
        assert!(share(holds[m]) >= 0.85);
    }
}

#[test]
fn a_step_of_20_percent_is_told_from_noise() {
    let told = count(Plant::Step(0.2), |i| i.concerned.distinguishable && i.concerned.relative_change > 0.0);
    let holds = count(Plant::Step(0.2), |i| i.concerned.interval.0 <= 0.2 && 0.2 <= i.concerned.interval.1);
    println!(
        "+20% step: told from noise PV {}/{SEEDS}, UV {}/{SEEDS}; interval holds PV {}/{SEEDS}, UV {}/{SEEDS}",
        told[0], told[1], holds[0], holds[1]
    );
    assert!(share(told[0]) >= 0.70 && share(told[1]) >= 0.70);
}

#[test]
fn a_note_on_a_day_with_no_change_is_rarely_called_distinguishable() {
    let told = count(Plant::Nothing, |i| i.concerned.distinguishable);
    let against = count(Plant::Nothing, |i| i.against_control.distinguishable);
    let verdict = count(Plant::Nothing, |i| i.verdict != Verdict::NotDistinguishable);
    println!(
        "no change: concerned distinguishable PV {}/{SEEDS}, UV {}/{SEEDS}; against control PV {}/{SEEDS}, UV {}/{SEEDS}; a verdict other than not_distinguishable PV {}/{SEEDS}, UV {}/{SEEDS}",
        told[0], told[1], against[0], against[1], verdict[0], verdict[1]
    );
    assert!(share(told[0]) <= 0.10 && share(told[1]) <= 0.10);
}

#[test]
fn a_swap_reads_as_moved() {
    let moved = count(Plant::Swap(0.5), |i| i.verdict == Verdict::Moved);
    let control_flat = count(Plant::Swap(0.5), |i| !i.control.distinguishable);
    let everything = count(Plant::Swap(0.5), |i| i.verdict == Verdict::Everything);
    println!(
        "swap +50% / −: moved PV {}/{SEEDS}, UV {}/{SEEDS}; control not distinguishable PV {}/{SEEDS}, UV {}/{SEEDS}; everything PV {}, UV {}",
        moved[0], moved[1], control_flat[0], control_flat[1], everything[0], everything[1]
    );
    assert!(share(moved[0]) >= 0.85 && share(moved[1]) >= 0.85);
    assert!(everything[0] + everything[1] <= SEEDS / 10);
}

#[test]
fn everything_rising_reads_as_everything() {
    let everything = count(Plant::Everything(0.3), |i| i.verdict == Verdict::Everything);
    let moved = count(Plant::Everything(0.3), |i| i.verdict == Verdict::Moved);
    println!(
        "all +30%: everything PV {}/{SEEDS}, UV {}/{SEEDS}; moved PV {}, UV {}",
        everything[0], everything[1], moved[0], moved[1]
    );
    assert!(share(everything[0]) >= 0.75 && share(everything[1]) >= 0.75);
    assert!(share(moved[0]) <= 0.10 && share(moved[1]) <= 0.10);
}

#[test]
fn two_hundred_blocks_are_estimated_well_under_20_ms() {
    let mut rng = StdRng::seed_from_u64(7);
    let blocks: Vec<Block> = (0..200).map(|_| workplace(&mut rng).swap_remove(3)).collect();
    // No holiday from 19 May to 7 September.
    let window = window(d("2025-07-14"), MAX_WEEKS).unwrap();
    let data = generate(&mut rng, &blocks, &window, |_, _| 1.0);
    let started = Instant::now();
    let days = window.len_days();
    let (mut concerned, mut control) = ([vec![0.0; days], vec![0.0; days]], [vec![0.0; days], vec![0.0; days]]);
    for (b, block) in data.iter().enumerate() {
        let into = if b < 20 { &mut concerned } else { &mut control };
        for m in 0..2 {
            into[m].iter_mut().zip(&block[m]).for_each(|(sum, v)| *sum += v);
        }
    }
    let pv = impact(&concerned[0], &control[0], &window, &holiday).unwrap();
    let uv = impact(&concerned[1], &control[1], &window, &holiday).unwrap();
    let elapsed = started.elapsed();
    println!("200 blocks × {days} days summed and estimated (PV and UV): {} µs", elapsed.as_micros());
    assert_eq!(pv.concerned.days_before + uv.concerned.days_after, days);
}

#[test]
fn weeks_out_of_range_are_refused_with_the_fix() {
    for weeks in [0, 9] {
        let error = window(d("2026-03-02"), weeks).unwrap_err();
        assert_eq!(error, ImpactError::WeeksOutOfRange { weeks });
        assert!(error.to_string().starts_with("weeks: give 1 to 8"), "{error}");
    }
    let w = window(d("2026-03-02"), 4).unwrap();
    assert_eq!((w.before.from(), w.before.to()), (d("2026-02-02"), d("2026-03-01")));
    assert_eq!((w.after.from(), w.after.to()), (d("2026-03-02"), d("2026-03-29")));
    assert_eq!(w.len_days(), 56);
    assert!(window(d("2026-03-02"), 1).is_ok() && window(d("2026-03-02"), 8).is_ok());
}

#[test]
fn a_note_is_judgeable_two_days_after_its_last_after_day() {
    // 4 weeks from Monday 2 March: the last after-day is Sunday 29 March, final on 31 March.
    assert_eq!(judgeable_on(d("2026-03-02"), 4), d("2026-03-31"));
    assert_eq!(judgeable_on(d("2026-03-02"), 1), d("2026-03-10"));
    let early = judgeable_window(d("2026-03-02"), 4, d("2026-03-30")).unwrap_err();
    assert_eq!(early, ImpactError::TooRecent { judgeable_on: d("2026-03-31") });
    assert!(early.to_string().contains("2026-03-31"), "{early}");
    assert!(judgeable_window(d("2026-03-02"), 4, d("2026-03-31")).is_ok());
}

/// A series following the model without noise: weekday levels, times `1 + step` from the note.
fn clean(window: &Window, step: f64) -> Vec<f64> {
    let half = window.before.len_days() as usize;
    let level = [100.0, 106.0, 104.0, 100.0, 88.0, 20.0, 17.0];
    window
        .range()
        .days()
        .enumerate()
        .map(|(i, day)| {
            let v = level[day.weekday().num_days_from_monday() as usize] + 1.0;
            if i >= half { v * (1.0 + step) - 1.0 } else { v - 1.0 }
        })
        .collect()
}

#[test]
fn a_clean_step_is_read_exactly() {
    let w = window(d("2026-03-04"), 4).unwrap();
    let e = estimate(&clean(&w, 0.5), &w, &|_| false).unwrap();
    assert!((e.relative_change - 0.5).abs() < 1e-9, "{e:?}");
    assert!(e.distinguishable && (e.interval.0 - 0.5).abs() < 1e-6 && (e.interval.1 - 0.5).abs() < 1e-6);
    assert_eq!((e.days_before, e.days_after), (28, 28));
    let flat = estimate(&clean(&w, 0.0), &w, &|_| false).unwrap();
    assert!(flat.relative_change.abs() < 1e-9 && !flat.distinguishable, "{flat:?}");
    assert!((flat.before_mean - flat.after_mean).abs() < 1e-9);
}

#[test]
fn holidays_left_out_do_not_move_the_estimate() {
    // 1–7 October 2025 fall in the after-weeks of a note on 22 September, at a fifth of
    // the usual level; nothing else changes.
    let w = window(d("2025-09-22"), 4).unwrap();
    let days: Vec<NaiveDate> = w.range().days().collect();
    let mut series = clean(&w, 0.0);
    days.iter().zip(&mut series).filter(|(day, _)| holiday(**day)).for_each(|(_, v)| *v *= 0.2);
    let kept = estimate(&series, &w, &|_| false).unwrap();
    let left_out = estimate(&series, &w, &holiday).unwrap();
    println!("a quiet holiday week: {:+.3} kept, {:+.3} left out", kept.relative_change, left_out.relative_change);
    assert!(kept.relative_change < -0.15, "the holiday weighs when kept: {kept:?}");
    assert!(left_out.relative_change.abs() < 1e-9 && !left_out.distinguishable, "{left_out:?}");
    assert_eq!((left_out.days_before, left_out.days_after), (28, 21));
    // Whatever the left-out days hold, the estimate is the same.
    let mut wild = series.clone();
    days.iter().zip(&mut wild).filter(|(day, _)| holiday(**day)).for_each(|(_, v)| *v = 1e6);
    assert_eq!(estimate(&wild, &w, &holiday).unwrap(), left_out);
    // Unknown days (NaN) are left out too.
    days.iter().zip(&mut wild).filter(|(day, _)| holiday(**day)).for_each(|(_, v)| *v = f64::NAN);
    assert_eq!(estimate(&wild, &w, &|_| false).unwrap(), left_out);
}

#[test]
fn what_cannot_be_estimated_is_refused_saying_what() {
    let w = window(d("2026-03-04"), 4).unwrap();
    let series = clean(&w, 0.0);
    let short = estimate(&series[1..], &w, &|_| false).unwrap_err();
    assert!(matches!(short, ImpactError::WrongLength { expected: 56, got: 55, .. }), "{short}");
    assert!(short.to_string().contains("from 2026-02-04 to 2026-03-31"), "{short}");
    let mut negative = series.clone();
    negative[3] = -1.0;
    assert!(matches!(estimate(&negative, &w, &|_| false), Err(ImpactError::Negative { .. })));
    // Leaving out 19 of the 28 after-days keeps 9: too few.
    let note = w.after.from();
    let few = estimate(&series, &w, &|day| day >= note && (day - note).num_days() < 19).unwrap_err();
    assert_eq!(few, ImpactError::TooFewDays { side: Side::After, kept: 9, needed: 10 });
    assert!(few.to_string().contains("only 9 days kept after the note, 10 needed"), "{few}");
    // One week a side needs 5 of its 7 days.
    let one = window(d("2026-03-04"), 1).unwrap();
    assert!(estimate(&clean(&one, 0.2), &one, &|_| false).is_ok());
    let two_out = |day: NaiveDate| day == d("2026-02-25") || day == d("2026-02-26") || day == d("2026-02-27");
    assert!(matches!(estimate(&clean(&one, 0.2), &one, &two_out), Err(ImpactError::TooFewDays { kept: 4, needed: 5, .. })));
    // Before only weekends, after only weekdays: no weekday to compare on.
    let eight = window(d("2026-03-04"), 8).unwrap();
    let weekend = |day: NaiveDate| day.weekday().num_days_from_monday() >= 5;
    let apart = |day: NaiveDate| if day < eight.after.from() { !weekend(day) } else { weekend(day) };
    assert_eq!(estimate(&clean(&eight, 0.2), &eight, &apart), Err(ImpactError::NotComparable));
}

#[test]
fn the_critical_value_is_kiefer_and_vogelsangs() {
    // b = 8 / 56 at four weeks a side; b → 0 gives the normal's 1.645.
    assert!((critical_value(56) - 1.9625).abs() < 1e-3, "{}", critical_value(56));
    assert!((critical_value(1_000_000) - 1.6449).abs() < 1e-4);
    assert!(critical_value(14) > critical_value(112));
}

#[test]
fn the_verdict_follows_its_rule() {
    let e = |change: f64, distinguishable: bool| Estimate {
        before_mean: 1.0,
        after_mean: 1.0 + change,
        relative_change: change,
        interval: (change - 0.1, change + 0.1),
        distinguishable,
        days_before: 28,
        days_after: 28,
    };
    let (up, down, flat) = (e(0.4, true), e(-0.3, true), e(0.02, false));
    assert_eq!(verdict(&flat, &up, &down), Verdict::NotDistinguishable);
    assert_eq!(verdict(&up, &up, &flat), Verdict::Everything);
    assert_eq!(verdict(&up, &flat, &up), Verdict::Moved);
    assert_eq!(verdict(&up, &down, &up), Verdict::Moved, "the rest lost what the block gained");
    assert_eq!(verdict(&down, &flat, &down), Verdict::Moved, "views moved away");
    assert_eq!(verdict(&up, &up, &up), Verdict::Rose, "both rose, the block more");
    assert_eq!(verdict(&up, &flat, &flat), Verdict::Rose, "the control cannot tell");
    assert_eq!(verdict(&down, &down, &up), Verdict::Fell, "the rest fell more");
}
