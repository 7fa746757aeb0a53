//! The synthetic tenant looks like a real one, and is the same for the same seed.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{Datelike, Days, Weekday};
use feishu_sim::{AccessRow, Dataset};

use crate::helpers::{TODAY, day};

fn tenant(seed: u64) -> Dataset {
    Dataset::new(seed, 60, day(TODAY), 800)
}

fn last_year(data: &Dataset) -> Vec<AccessRow> {
    data.ground_truth(day("2024-07-01"), day(TODAY), None)
}

fn is_weekend(row: &AccessRow) -> bool {
    matches!(row.date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[test]
fn block_ids_are_distinct_18_digit_numbers() {
    let data = tenant(42);
    let ids: HashSet<&str> = data.blocks().iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids.len(), 60);
    for id in ids {
        assert!(id.len() == 18 && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'), "{id}");
    }
    let many = Dataset::new(7, 500, day(TODAY), 30);
    assert_eq!(many.blocks().iter().map(|b| &b.id).collect::<HashSet<_>>().len(), 500);
}

#[test]
fn every_row_has_visits_and_no_more_users_than_views() {
    let rows = last_year(&tenant(42));
    assert!(rows.iter().all(|r| r.pv > 0 && r.uv >= 1 && r.uv <= r.pv));
    assert!(rows.iter().any(|r| r.uv < r.pv), "people come back more than once");
}

#[test]
fn popularity_is_very_uneven() {
    let data = tenant(42);
    let weekday_mean = |block: &str| {
        let rows: Vec<_> =
            data.ground_truth(day("2025-03-01"), day(TODAY), Some(block)).into_iter().filter(|r| !is_weekend(r)).collect();
        rows.iter().map(|r| r.pv).sum::<u64>() as f64 / 86.0
    };
    let top = weekday_mean(&data.blocks()[0].id);
    let tail = weekday_mean(&data.blocks()[59].id);
    assert!((1000.0..10_000.0).contains(&top), "top block: {top} pv per weekday");
    assert!(tail < 15.0, "tail block: {tail} pv per weekday");
}

#[test]
fn weekends_are_much_quieter_than_weekdays() {
    let rows = last_year(&tenant(42));
    let total = |weekend: bool| rows.iter().filter(|r| is_weekend(r) == weekend).map(|r| r.pv).sum::<u64>() as f64;
    let per_weekday = total(false) / (365.0 * 5.0 / 7.0);
    let per_weekend_day = total(true) / (365.0 * 2.0 / 7.0);
    assert!(per_weekend_day < per_weekday * 0.4, "weekend {per_weekend_day:.0} vs weekday {per_weekday:.0}");
}

#[test]
fn some_blocks_start_partway_and_have_no_rows_before() {
    let data = tenant(42);
    let late: Vec<_> = data.blocks().iter().filter(|b| b.created > data.first_day()).collect();
    assert!(late.len() >= 5, "{} late blocks", late.len());
    for block in late {
        let before = block.created.checked_sub_days(Days::new(1)).expect("a day before");
        assert!(data.ground_truth(data.first_day(), before, Some(&block.id)).is_empty());
        assert!(!data.ground_truth(block.created, data.today(), Some(&block.id)).is_empty());
    }
}

#[test]
fn tail_blocks_have_days_without_visits_mostly_on_weekends() {
    let data = tenant(42);
    let tail = &data.blocks()[55];
    let from = tail.created.max(day("2024-07-01"));
    let present: HashSet<_> = data.ground_truth(from, day(TODAY), Some(&tail.id)).into_iter().map(|r| r.date).collect();
    let missing: Vec<_> = from.iter_days().take_while(|d| *d <= day(TODAY)).filter(|d| !present.contains(d)).collect();
    let weekend_missing = missing.iter().filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)).count();
    assert!(missing.len() > 20, "{} empty days", missing.len());
    assert!(weekend_missing * 2 > missing.len(), "{weekend_missing} of {} empty days on weekends", missing.len());
}

#[test]
fn history_spans_800_days_and_nothing_after_today() {
    let data = tenant(42);
    assert_eq!(data.first_day(), day("2023-04-22"));
    assert!(data.ground_truth(day("2025-07-01"), day("2030-01-01"), None).is_empty());
    assert!(data.ground_truth(day("2000-01-01"), day("2023-04-21"), None).is_empty());
    assert!(!data.ground_truth(day("2023-04-22"), day("2023-04-22"), None).is_empty());
    assert!(!data.ground_truth(day(TODAY), day(TODAY), None).is_empty());
    let first = data.blocks()[0].id.clone();
    assert!(data.access(&first, day("2024-06-03")).is_some(), "a year ago exists for comparisons");
}

#[test]
fn equal_seeds_give_equal_data_and_other_seeds_differ() {
    assert_eq!(last_year(&tenant(42)), last_year(&tenant(42)));
    let other = last_year(&tenant(43));
    assert_ne!(last_year(&tenant(42)), other);
    // A later "today" does not change what a past day holds for blocks that
    // existed all along (late blocks' creation days move with the window).
    let now = tenant(42);
    let later = Dataset::new(42, 60, day("2025-07-31"), 800);
    let always_there = |data: &Dataset| -> HashSet<String> {
        data.blocks().iter().filter(|b| b.created < data.first_day()).map(|b| b.id.clone()).collect()
    };
    let both: HashSet<String> = always_there(&now).intersection(&always_there(&later)).cloned().collect();
    assert!(both.len() > 30);
    let past = |data: &Dataset| -> Vec<AccessRow> {
        data.ground_truth(day("2024-07-01"), day(TODAY), None).into_iter().filter(|r| both.contains(&r.block_id)).collect()
    };
    assert_eq!(past(&later), past(&now));
}

#[test]
fn a_year_of_ground_truth_is_cheap() {
    let data = tenant(42);
    let started = Instant::now();
    let rows = last_year(&data).len();
    let first = started.elapsed();
    let started = Instant::now();
    for _ in 0..10 {
        last_year(&data);
    }
    let per_call = started.elapsed() / 10;
    eprintln!("365 days x 60 blocks: {rows} rows, first call {first:?}, then {per_call:?} per call");
    assert!(per_call.as_millis() < 500, "{per_call:?}");
}
