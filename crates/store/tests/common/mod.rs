//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};
use domain::{BlockId, DateRange};
use store::{StoredDay, StoredRow};

pub fn date(text: &str) -> NaiveDate {
    domain::parse_date(text).expect("test dates are valid")
}

pub fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(date(from), date(to)).expect("test ranges are in order")
}

pub fn block(id: &str) -> BlockId {
    BlockId::parse(id).expect("test block ids are valid")
}

/// A day with `blocks` rows whose counts depend on the day and the block, so that a
/// mix-up between days or blocks shows in the numbers.
pub fn busy_day(day: NaiveDate, blocks: usize) -> StoredDay {
    let seed = u64::try_from(day.num_days_from_ce()).unwrap_or(0);
    let mut rows: Vec<StoredRow> = (0..blocks)
        .map(|i| {
            let i = i as u64;
            StoredRow { key: format!("7{:017}", 100 + i), pv: seed * 1000 + i * 7 + 3, uv: seed + i }
        })
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    StoredDay { day, rows }
}

/// A day nobody visited.
pub fn quiet_day(day: NaiveDate) -> StoredDay {
    StoredDay { day, rows: Vec::new() }
}

/// `count` consecutive days from `first`, each with `blocks` rows.
pub fn busy_days(first: &str, count: usize, blocks: usize) -> Vec<StoredDay> {
    date(first).iter_days().take(count).map(|d| busy_day(d, blocks)).collect()
}

pub const FILE_NAME: &str = "block-insights.db";
