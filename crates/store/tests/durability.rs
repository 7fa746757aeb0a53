//! Killing the server loses nothing it already reported as saved.
//!
//! A child process (this test binary again, running only the ignored helper below)
//! saves days in a loop and reports each save once `save_days` has returned. The parent
//! kills it with SIGKILL part way, then reopens the store: every reported day must be
//! there, and the save in flight at the kill must be there whole or not at all.

#![cfg(unix)]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use common::*;
use domain::DateRange;
use store::{DayFilter, OpenOutcome, Store, StoredDay};

/// Tells the helper where the store is; without it the helper does nothing.
const CHILD_DIR: &str = "STORE_TEST_KILL_DIR";
const HELPER: &str = "child_saves_days_until_killed";
/// What the helper writes before the days of each save that returned.
const SAVED: &str = "SAVED: ";
/// Days per save: a save in flight at the kill is several days, so that a half-saved
/// batch would show.
const DAYS_PER_SAVE: usize = 3;
/// Reported saves to wait for before the kill.
const SAVES_BEFORE_KILL: usize = 15;
const BLOCKS: usize = 60;
const FIRST_DAY: &str = "2020-01-01";

/// The days the helper saves in its `n`th save.
fn batch(n: usize) -> Vec<StoredDay> {
    date(FIRST_DAY)
        .iter_days()
        .skip(n * DAYS_PER_SAVE)
        .take(DAYS_PER_SAVE)
        // Every fifth day nobody visited; those must survive too.
        .map(|day| if day.ordinal() % 5 == 0 { quiet_day(day) } else { busy_day(day, BLOCKS) })
        .collect()
}

#[tokio::test]
#[ignore = "helper: run in a child process by killing_the_process_loses_no_day_reported_saved"]
async fn child_saves_days_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let store = Store::open(Path::new(&dir)).await.expect("the child opens the store");
    for n in 0..10_000 {
        let days = batch(n);
        store.save_days(&DayFilter::AllBlocks, &days).await.expect("the child saves");
        let mut out = std::io::stdout().lock();
        let listed: Vec<String> = days.iter().map(|d| d.day.to_string()).collect();
        writeln!(out, "{SAVED}{}", listed.join(" ")).and_then(|()| out.flush()).expect("the parent listens");
    }
}

#[test]
fn killing_the_process_loses_no_day_reported_saved() {
    // The kill lands a little later each time, so that it meets the child at different
    // points of a save (a save of three busy days takes a few milliseconds).
    for delay_us in [0, 1_500, 4_000] {
        kill_and_check(Duration::from_micros(delay_us));
    }
}

fn kill_and_check(delay: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([HELPER, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    let mut reported: Vec<NaiveDate> = Vec::new();
    let mut saves = 0;
    for line in lines.by_ref() {
        saves += read_report(&line.unwrap(), &mut reported);
        if saves == SAVES_BEFORE_KILL {
            break;
        }
    }
    std::thread::sleep(delay);
    child.kill().unwrap();
    // Whatever the child reported before the kill landed is still in the pipe.
    for line in lines {
        saves += read_report(&line.unwrap(), &mut reported);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "the child was killed mid-loop, not finished: {status}");
    assert!(saves >= SAVES_BEFORE_KILL, "the child reported only {saves} saves");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(*store.outcome(), OpenOutcome::Opened, "a kill does not damage the store");
        let everything = range(FIRST_DAY, "2099-12-31");
        let held: BTreeSet<NaiveDate> = store.held_days(&DayFilter::AllBlocks, everything).await.unwrap().into_iter().collect();

        let missing: Vec<&NaiveDate> = reported.iter().filter(|d| !held.contains(d)).collect();
        assert!(missing.is_empty(), "days reported saved but lost: {missing:?}");
        // Beyond the reported saves, at most the one in flight, and all of it or none.
        let in_flight: BTreeSet<NaiveDate> = batch(saves).iter().map(|d| d.day).collect();
        let extra: BTreeSet<NaiveDate> = held.iter().filter(|d| !reported.contains(d)).copied().collect();
        assert!(extra.is_empty() || extra == in_flight, "a save was kept in part: {extra:?} of {in_flight:?}");

        let expected: Vec<StoredDay> = (0..saves).flat_map(batch).collect();
        let last = expected.last().unwrap().day;
        let loaded = store.load_days(&DayFilter::AllBlocks, DateRange::new(date(FIRST_DAY), last).unwrap()).await.unwrap();
        assert_eq!(loaded[..expected.len()], expected[..], "every reported day comes back with its rows");
        eprintln!(
            "child killed {delay:?} after its {SAVES_BEFORE_KILL}th save, having reported {saves} saves ({} days); {} days held",
            reported.len(),
            held.len()
        );
    });
}

/// Adds the days of a report to `reported`; returns 1 for a report, 0 for the test
/// harness's own chatter. The first report shares its line with the harness's
/// "test child_saves_days_until_killed ... ".
fn read_report(line: &str, reported: &mut Vec<NaiveDate>) -> usize {
    match line.split_once(SAVED) {
        Some((_, days)) => {
            reported.extend(days.split(' ').map(date));
            1
        }
        None => 0,
    }
}
