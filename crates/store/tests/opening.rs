//! Opening: a missing store is created, a damaged one is moved aside and replaced,
//! and the server starts either way.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use store::{DayFilter, OpenOutcome, Store, StoreError, StoreStats};

/// Bytes that look like nothing in particular (xorshift), the same on every run.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}

fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Asserts the outcome is `Rebuilt` and returns where the damaged file went.
fn rebuilt(store: &Store, dir: &Path) -> PathBuf {
    let OpenOutcome::Rebuilt { moved_to, reason } = store.outcome() else {
        panic!("expected the store to be rebuilt, got {:?}", store.outcome());
    };
    assert!(!reason.is_empty());
    assert_eq!(moved_to.parent(), Some(dir));
    let name = moved_to.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let seconds = name.strip_prefix("block-insights.db.corrupt-").unwrap_or_else(|| panic!("moved to {name}"));
    assert!(seconds.parse::<u64>().is_ok_and(|s| s > 1_600_000_000), "moved to {name}");
    eprintln!("rebuilt because: {reason}");
    moved_to.clone()
}

/// The fresh store works and reopens as itself.
async fn works_and_reopens(store: Store, dir: &Path) {
    let days = busy_days("2024-06-01", 2, 3);
    store.save_days(&DayFilter::AllBlocks, &days).await.unwrap();
    assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 2, rows: 6 });
    drop(store);
    let again = Store::open(dir).await.unwrap();
    assert_eq!(*again.outcome(), OpenOutcome::Opened);
    assert_eq!(again.load_days(&DayFilter::AllBlocks, range("2024-06-01", "2024-06-02")).await.unwrap(), days);
}

#[tokio::test]
async fn a_missing_directory_and_store_are_created() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("var").join("block-insights");
    let store = Store::open(&dir).await.unwrap();
    assert_eq!(*store.outcome(), OpenOutcome::Created);
    assert!(dir.join(FILE_NAME).is_file());
    works_and_reopens(store, &dir).await;
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_moved_aside_with_its_companions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let junk = noise(64 * 1024, 0x5eed);
    std::fs::write(&path, &junk).unwrap();
    std::fs::write(companion(&path, "-wal"), noise(4096, 7)).unwrap();
    std::fs::write(companion(&path, "-shm"), noise(4096, 8)).unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let moved_to = rebuilt(&store, dir.path());
    assert_eq!(std::fs::read(&moved_to).unwrap(), junk, "the damaged file is kept as it was");
    // SQLite itself may discard a log whose header is junk; whatever is left goes
    // with the database, and none of it stays to be mistaken for the new store's.
    for (suffix, junk) in [("-wal", noise(4096, 7)), ("-shm", noise(4096, 8))] {
        if let Ok(kept) = std::fs::read(companion(&moved_to, suffix)) {
            assert_eq!(kept[..junk.len()], junk[..], "{suffix} moved as it was");
        }
        let current = std::fs::read(companion(&path, suffix)).unwrap_or_default();
        assert!(current.len() < junk.len() || current[..junk.len()] != junk[..], "{suffix} left behind");
    }
    assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 0, rows: 0 });
    works_and_reopens(store, dir.path()).await;
}

#[tokio::test]
async fn a_store_cut_short_is_detected_and_replaced() {
    for keep in [0.5, 0.9] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            let store = Store::open(dir.path()).await.unwrap();
            store.save_days(&DayFilter::AllBlocks, &busy_days("2023-01-01", 365, 30)).await.unwrap();
            // Closing folds the write-ahead log into the file, so that cutting the file
            // cuts the data.
            store.close().await;
        }
        let wal = std::fs::metadata(companion(&path, "-wal")).map(|m| m.len()).unwrap_or(0);
        assert_eq!(wal, 0, "the log was folded into the file at close");
        let full = std::fs::metadata(&path).unwrap().len();
        let cut = (full as f64 * keep) as u64;
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(cut).unwrap();

        let store = Store::open(dir.path()).await.unwrap();
        let moved_to = rebuilt(&store, dir.path());
        assert_eq!(std::fs::metadata(&moved_to).unwrap().len(), cut);
        assert_eq!(store.stats().await.unwrap(), StoreStats { held_days: 0, rows: 0 });
        works_and_reopens(store, dir.path()).await;
    }
}

#[tokio::test]
async fn a_store_scribbled_over_in_the_middle_fails_its_check_and_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    {
        let store = Store::open(dir.path()).await.unwrap();
        store.save_days(&DayFilter::AllBlocks, &busy_days("2023-01-01", 365, 30)).await.unwrap();
        store.close().await;
    }
    // Same length, pages in the middle overwritten: the header still reads well.
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 3 * 4096].copy_from_slice(&noise(3 * 4096, 99));
    std::fs::write(&path, &bytes).unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let moved_to = rebuilt(&store, dir.path());
    assert_eq!(std::fs::read(&moved_to).unwrap(), bytes);
    works_and_reopens(store, dir.path()).await;
}

#[tokio::test]
async fn a_database_the_migrations_cannot_apply_to_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    {
        // Some other program's database, with a table of the same name.
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE held_days (something TEXT)").execute(&pool).await.unwrap();
        pool.close().await;
    }
    let store = Store::open(dir.path()).await.unwrap();
    let OpenOutcome::Rebuilt { reason, .. } = store.outcome().clone() else {
        panic!("expected a rebuild, got {:?}", store.outcome());
    };
    assert!(reason.contains("migration"), "{reason}");
    rebuilt(&store, dir.path());
    works_and_reopens(store, dir.path()).await;
}

#[tokio::test]
async fn a_log_left_without_its_database_is_set_aside_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let wal = companion(&dir.path().join(FILE_NAME), "-wal");
    std::fs::write(&wal, noise(8192, 3)).unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(*store.outcome(), OpenOutcome::Created);
    let set_aside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".corrupt-"))
        .collect();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert!(set_aside[0].ends_with("-wal"), "{set_aside:?}");
    works_and_reopens(store, dir.path()).await;
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_made_is_an_error_not_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let occupied = dir.path().join("data");
    std::fs::write(&occupied, b"a file where the directory should be").unwrap();

    let err = Store::open(&occupied).await.unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err}");
    assert!(err.to_string().contains("could not create the data directory"), "{err}");
    assert_eq!(std::fs::read(&occupied).unwrap(), b"a file where the directory should be");
}
