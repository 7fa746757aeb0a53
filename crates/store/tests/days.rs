//! Final days: what is saved comes back, per filter, and survives a restart.

mod common;

use std::time::{Duration, Instant};

use common::*;
use store::StoredRow;
use store::{DayFilter, OpenOutcome, Store, StoreError, StoreStats};

#[tokio::test]
async fn held_days_come_back_as_saved_including_a_day_nobody_visited() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let days = vec![busy_day(date("2024-03-01"), 3), quiet_day(date("2024-03-02")), busy_day(date("2024-03-04"), 2)];
    store.save_days(&DayFilter::AllBlocks, &days).await.unwrap();

    let loaded = store.load_days(&DayFilter::AllBlocks, range("2024-03-01", "2024-03-31")).await.unwrap();
    assert_eq!(loaded, days, "2024-03-03 was never saved, so it is not held");
    assert!(loaded[1].rows.is_empty());
    let held = store.held_days(&DayFilter::AllBlocks, range("2024-02-01", "2024-03-03")).await.unwrap();
    assert_eq!(held, [date("2024-03-01"), date("2024-03-02")]);
    assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 3, rows: 5 });
}

#[tokio::test]
async fn rows_come_back_sorted_by_block_and_days_in_date_order() {
    let store = Store::open_in_memory().await.unwrap();
    let mut late = busy_day(date("2024-05-02"), 4);
    late.rows.reverse();
    let early = busy_day(date("2024-05-01"), 4);
    store.save_days(&DayFilter::AllBlocks, &[late.clone(), early.clone()]).await.unwrap();

    let loaded = store.load_days(&DayFilter::AllBlocks, range("2024-05-01", "2024-05-02")).await.unwrap();
    late.rows.reverse();
    assert_eq!(loaded, [early, late]);
}

#[tokio::test]
async fn all_block_days_and_one_block_days_are_kept_apart() {
    let store = Store::open_in_memory().await.unwrap();
    let all = busy_day(date("2024-03-01"), 3);
    let one_id = block(&all.rows[1].key);
    let one = DayFilter::Block(one_id.clone());
    let other = DayFilter::Block(block("42"));
    // Feishu may count one block a little differently when asked for it alone.
    let alone = store::StoredDay { day: date("2024-03-02"), rows: vec![StoredRow { key: one_id.to_string(), pv: 9, uv: 2 }] };
    store.save_days(&DayFilter::AllBlocks, std::slice::from_ref(&all)).await.unwrap();
    store.save_days(&one, std::slice::from_ref(&alone)).await.unwrap();
    store.save_days(&other, &[quiet_day(date("2024-03-01"))]).await.unwrap();

    let march = range("2024-03-01", "2024-03-31");
    assert_eq!(store.load_days(&DayFilter::AllBlocks, march).await.unwrap(), [all]);
    assert_eq!(store.load_days(&one, march).await.unwrap(), [alone]);
    assert_eq!(store.load_days(&other, march).await.unwrap(), [quiet_day(date("2024-03-01"))]);
    assert_eq!(store.held_days(&DayFilter::AllBlocks, march).await.unwrap(), [date("2024-03-01")]);
    assert_eq!(store.held_days(&one, march).await.unwrap(), [date("2024-03-02")]);
    assert!(store.held_days(&DayFilter::Block(block("43")), march).await.unwrap().is_empty());
}

#[tokio::test]
async fn saving_a_day_again_replaces_what_was_held_and_leaves_other_days_alone() {
    let store = Store::open_in_memory().await.unwrap();
    let filter = DayFilter::AllBlocks;
    store.save_days(&filter, &busy_days("2024-03-01", 3, 5)).await.unwrap();

    let fewer = busy_day(date("2024-03-02"), 2);
    store.save_days(&filter, std::slice::from_ref(&fewer)).await.unwrap();
    let loaded = store.load_days(&filter, range("2024-03-01", "2024-03-03")).await.unwrap();
    assert_eq!(loaded[1], fewer, "the three rows the new save left out are gone");
    assert_eq!(loaded[0], busy_day(date("2024-03-01"), 5));
    assert_eq!(loaded[2], busy_day(date("2024-03-03"), 5));

    store.save_days(&filter, &[quiet_day(date("2024-03-03"))]).await.unwrap();
    let loaded = store.load_days(&filter, range("2024-03-03", "2024-03-03")).await.unwrap();
    assert_eq!(loaded, [quiet_day(date("2024-03-03"))]);
    assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 3, rows: 7 });
}

#[tokio::test]
async fn a_save_with_a_wrong_day_saves_nothing_and_says_why() {
    let store = Store::open_in_memory().await.unwrap();
    let good = busy_day(date("2024-03-01"), 2);
    let mut unreadable = busy_day(date("2024-03-02"), 2);
    unreadable.rows[1].key = "tpl 1".to_owned();
    let err = store.save_days(&DayFilter::AllBlocks, &[good.clone(), unreadable]).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidDay { .. }), "{err}");
    assert!(err.to_string().contains("holds a space or a comma"), "{err}");

    let stranger = DayFilter::Block(block("42"));
    let err = store.save_days(&stranger, std::slice::from_ref(&good)).await.unwrap_err();
    assert!(err.to_string().contains("among the days of block 42"), "{err}");

    let err = store.save_days(&DayFilter::AllBlocks, &[good.clone(), good.clone()]).await.unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");

    let mut repeated = good.clone();
    repeated.rows.push(repeated.rows[0].clone());
    let err = store.save_days(&DayFilter::AllBlocks, &[repeated]).await.unwrap_err();
    assert!(err.to_string().contains("has two rows"), "{err}");

    let mut huge = good;
    huge.rows[0].pv = u64::MAX;
    let err = store.save_days(&DayFilter::AllBlocks, &[huge]).await.unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { what: "pv", .. }), "{err}");

    assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 0, rows: 0 });
}

#[tokio::test]
async fn reopening_the_store_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let year = busy_days("2023-01-01", 365, 20);
    let block_days = vec![quiet_day(date("2023-02-01")), busy_day(date("2023-02-02"), 1)];
    let one = DayFilter::Block(block(&block_days[1].rows[0].key));
    let label =
        store::BlockLabel { block_id: block("283438293839422334"), name: "周报".into(), workplace: Some("销售".into()) };
    {
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(*store.outcome(), OpenOutcome::Created);
        store.save_days(&DayFilter::AllBlocks, &year).await.unwrap();
        store.save_days(&one, &block_days).await.unwrap();
        store.set_block_label(&label).await.unwrap();
        store.add_upstream_calls("2023-12", 17).await.unwrap();
        // No close: a store dropped without ceremony must keep what it saved.
    }
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(*store.outcome(), OpenOutcome::Opened);
    assert_eq!(store.load_days(&DayFilter::AllBlocks, range("2023-01-01", "2023-12-31")).await.unwrap(), year);
    assert_eq!(store.load_days(&one, range("2023-01-01", "2023-12-31")).await.unwrap(), block_days);
    assert_eq!(store.block_labels().await.unwrap(), [label]);
    assert_eq!(store.upstream_calls("2023-12").await.unwrap(), 17);
    assert_eq!(store.path(), Some(dir.path().join(FILE_NAME).as_path()));
}

/// A year of a busy workplace: 365 days of 60 blocks.
#[tokio::test]
async fn a_year_of_sixty_blocks_saves_and_loads_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let year = busy_days("2024-01-01", 365, 60);

    let started = Instant::now();
    store.save_days(&DayFilter::AllBlocks, &year).await.unwrap();
    let saved_in = started.elapsed();
    let started = Instant::now();
    let loaded = store.load_days(&DayFilter::AllBlocks, range("2024-01-01", "2024-12-31")).await.unwrap();
    let loaded_in = started.elapsed();
    let started = Instant::now();
    let held = store.held_days(&DayFilter::AllBlocks, range("2024-01-01", "2024-12-31")).await.unwrap();
    let listed_in = started.elapsed();
    // Saving it all again replaces every day: the path a refetch takes.
    let started = Instant::now();
    store.save_days(&DayFilter::AllBlocks, &year).await.unwrap();
    let resaved_in = started.elapsed();

    assert_eq!(loaded, year);
    assert_eq!(held.len(), 365);
    eprintln!("365 days x 60 rows: save {saved_in:?}, save again {resaved_in:?}, load {loaded_in:?}, held days {listed_in:?}");
    // Unoptimised test builds run SQLite several times slower than the server's release
    // build. A debug build on an idle machine loads the year in some 40 ms and saves it in
    // some 150 ms: the bounds are some fifty times that, which a machine whose two cores
    // are shared with other builds still meets; they catch only what makes it tens of
    // times slower (a scan per day, a commit per row of the 21,900), not a small loss.
    let (load_bound, save_bound) = if cfg!(debug_assertions) {
        (Duration::from_secs(2), Duration::from_secs(8))
    } else {
        (Duration::from_millis(500), Duration::from_secs(2))
    };
    assert!(loaded_in < load_bound, "loading took {loaded_in:?}");
    assert!(saved_in < save_bound && resaved_in < save_bound, "saving took {saved_in:?}, then {resaved_in:?}");
}

#[tokio::test]
async fn workplace_days_and_names_are_kept_beside_the_block_days() {
    let store = Store::open_in_memory().await.unwrap();
    let day = date("2024-03-01");
    let row = |key: &str, pv, uv| StoredRow { key: key.to_owned(), pv, uv };
    let totals = store::StoredDay { day, rows: vec![row("all", 900, 300), row("default", 100, 40)] };
    let custom = store::StoredDay { day, rows: vec![row("tpl_0a1b", 500, 200), row("tpl_ff00", 300, 90)] };
    store.save_days(&DayFilter::AllBlocks, &[busy_day(day, 3)]).await.unwrap();
    store.save_days(&DayFilter::Workplaces, std::slice::from_ref(&totals)).await.unwrap();
    store.save_days(&DayFilter::CustomWorkplaces, std::slice::from_ref(&custom)).await.unwrap();
    let march = range("2024-03-01", "2024-03-31");
    assert_eq!(store.load_days(&DayFilter::Workplaces, march).await.unwrap(), [totals]);
    assert_eq!(store.load_days(&DayFilter::CustomWorkplaces, march).await.unwrap(), [custom]);
    assert_eq!(store.load_days(&DayFilter::AllBlocks, march).await.unwrap(), [busy_day(day, 3)]);

    let id = domain::WorkplaceId::parse("tpl_0a1b").unwrap();
    let named = |pairs: &[(&str, &str)]| pairs.iter().map(|(l, n)| (l.to_string(), n.to_string())).collect::<Vec<_>>();
    let mut names = std::collections::BTreeMap::new();
    names.insert(id.clone(), named(&[("en", "Sales"), ("zh", "销售")]));
    store.save_workplace_names(&names).await.unwrap();
    // Renamed in Feishu, and its English name dropped: the newest answer wins whole.
    names.insert(id.clone(), named(&[("zh", "销售中心")]));
    store.save_workplace_names(&names).await.unwrap();
    assert_eq!(store.workplace_names().await.unwrap()[&id], named(&[("zh", "销售中心")]));
}

#[tokio::test]
async fn a_refresh_is_granted_once_per_interval_per_filter_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (day, other_day) = (date("2026-12-07"), date("2026-12-06"));
    let minute = Duration::from_secs(60);
    let t0 = chrono::Utc::now();
    let claim = |filter: DayFilter, day, at| {
        let store = store.clone();
        async move { store.claim_refreshes(&[(filter, day)], at, minute).await.unwrap() }
    };
    let granted = |filter: DayFilter, day| store::RefreshClaims { granted: vec![(filter, day)], held_since: None };
    assert_eq!(claim(DayFilter::AllBlocks, day, t0).await, granted(DayFilter::AllBlocks, day));
    let again = claim(DayFilter::AllBlocks, day, t0 + chrono::Duration::seconds(59)).await;
    let t0_ms = chrono::DateTime::from_timestamp_millis(t0.timestamp_millis()).unwrap();
    assert_eq!(again, store::RefreshClaims { granted: vec![], held_since: Some(t0_ms) });
    assert_eq!(claim(DayFilter::AllBlocks, other_day, t0).await, granted(DayFilter::AllBlocks, other_day), "another day");
    assert_eq!(claim(DayFilter::Workplaces, day, t0).await, granted(DayFilter::Workplaces, day), "another data set");
    let later = t0 + chrono::Duration::seconds(60);
    assert_eq!(claim(DayFilter::AllBlocks, day, later).await, granted(DayFilter::AllBlocks, day), "a minute on");

    // Several at once, in one statement: those held back say when they were fetched.
    let block = DayFilter::Block(block("123"));
    let many = [(DayFilter::AllBlocks, day), (block.clone(), day), (block.clone(), other_day)];
    let claims = store.claim_refreshes(&many, later + chrono::Duration::seconds(1), minute).await.unwrap();
    let later_ms = chrono::DateTime::from_timestamp_millis(later.timestamp_millis()).unwrap();
    assert_eq!(
        claims,
        store::RefreshClaims { granted: vec![(block.clone(), day), (block, other_day)], held_since: Some(later_ms) }
    );
}
