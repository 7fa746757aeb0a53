//! Block names and their workplaces, one at a time and in batches, and the monthly
//! count of Feishu calls.

mod common;

use common::*;
use domain::LabelField;
use store::{BlockLabel, InvalidLabel, Store, StoreError};

fn label(id: &str, name: &str, workplace: Option<&str>) -> BlockLabel {
    BlockLabel { block_id: block(id), name: name.to_owned(), workplace: workplace.map(str::to_owned) }
}

#[tokio::test]
async fn labels_are_trimmed_upserted_listed_by_id_and_removed() {
    let store = Store::open_in_memory().await.unwrap();
    assert!(store.block_labels().await.unwrap().is_empty());

    let saved = store.set_block_label(&label("300", "  审批入口 ", Some(" 办公 "))).await.unwrap();
    assert_eq!(saved, label("300", "审批入口", Some("办公")));
    store.set_block_label(&label("100", "Weekly report", None)).await.unwrap();
    store.set_block_label(&label("200", "Sales board", Some("Sales"))).await.unwrap();
    // Renaming and leaving the workplace.
    store.set_block_label(&label("200", "Sales dashboard", None)).await.unwrap();

    assert_eq!(
        store.block_labels().await.unwrap(),
        [label("100", "Weekly report", None), label("200", "Sales dashboard", None), label("300", "审批入口", Some("办公"))]
    );

    assert!(store.remove_block_label(&block("200")).await.unwrap());
    assert!(!store.remove_block_label(&block("200")).await.unwrap(), "nothing left to remove");
    let ids: Vec<String> = store.block_labels().await.unwrap().into_iter().map(|l| l.block_id.to_string()).collect();
    assert_eq!(ids, ["100", "300"]);
}

#[tokio::test]
async fn bad_labels_are_refused_with_what_to_fix_and_nothing_is_saved() {
    let store = Store::open_in_memory().await.unwrap();
    let refused = |err: StoreError| match err {
        StoreError::InvalidLabel(why) => why,
        other => panic!("expected a refused label, got {other}"),
    };

    let why = refused(store.set_block_label(&label("1", "   ", None)).await.unwrap_err());
    assert_eq!(why, InvalidLabel::EmptyName);
    assert!(why.to_string().contains("1 to 80 characters"), "{why}");

    let why = refused(store.set_block_label(&label("1", "Name", Some(""))).await.unwrap_err());
    assert_eq!(why, InvalidLabel::EmptyWorkplace);
    assert!(why.to_string().contains("or no workplace"), "{why}");

    let long = "长".repeat(81);
    let why = refused(store.set_block_label(&label("1", &long, None)).await.unwrap_err());
    assert_eq!(why, InvalidLabel::TooLong { field: LabelField::Name, len: 81 });
    assert!(store.set_block_label(&label("1", &"长".repeat(80), None)).await.is_ok(), "80 characters are fine");

    let why = refused(store.set_block_label(&label("2", "Sales", Some("East\tWest"))).await.unwrap_err());
    assert_eq!(why, InvalidLabel::ControlCharacter { field: LabelField::Workplace, code: 9 });
    assert!(why.to_string().contains("U+0009"), "{why}");

    assert_eq!(store.block_labels().await.unwrap().len(), 1, "only the 80-character name was saved");
}

#[tokio::test]
async fn a_batch_is_saved_whole_in_several_statements_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.set_block_label(&label("7", "kept", Some("Office"))).await.unwrap();
    let mut batch: Vec<BlockLabel> = (0..1200).map(|i| label(&format!("1{i:05}"), &format!(" 区块 {i} "), None)).collect();

    // One bad label anywhere refuses the batch, and the earlier names stay as they were.
    batch[1100].name = "a\tb".into();
    let err = store.apply_block_labels(&batch).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidLabel(InvalidLabel::ControlCharacter { .. })), "{err}");
    assert_eq!(store.block_labels().await.unwrap(), [label("7", "kept", Some("Office"))]);

    batch[1100].name = "fixed".into();
    batch.push(label("7", "renamed", None));
    batch.push(label("100003", "named twice: the later wins", Some("Sales")));
    let saved = store.apply_block_labels(&batch).await.unwrap();
    assert_eq!(saved[0], label("100000", "区块 0", None), "returned as stored, trimmed");
    store.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    let held = store.block_labels().await.unwrap();
    assert_eq!(held.len(), 1201);
    assert_eq!(held[3], label("100003", "named twice: the later wins", Some("Sales")));
    assert_eq!(held[1100], label("101100", "fixed", None));
    assert_eq!(held[1200], label("7", "renamed", None));
    assert!(store.apply_block_labels(&[]).await.unwrap().is_empty(), "an empty batch saves nothing");
}

#[tokio::test]
async fn groups_saved_before_the_upgrade_read_back_as_workplaces() {
    // A store as the release before workplaces left it: migrations 0001 to 0004 only.
    let dir = tempfile::tempdir().unwrap();
    let older = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_str().unwrap() < "0005" {
            std::fs::copy(&path, older.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let options =
        sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("block-insights.db")).create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(older.path()).await.unwrap().run(&pool).await.unwrap();
    sqlx::query("INSERT INTO block_labels (block_id, name, group_name) VALUES ('42', '周报', '营销'), ('43', 'Approvals', NULL)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.block_labels().await.unwrap(), [label("42", "周报", Some("营销")), label("43", "Approvals", None)]);
}

#[tokio::test]
async fn the_call_counter_adds_up_per_month_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).await.unwrap();
        assert_eq!(store.upstream_calls("2024-03").await.unwrap(), 0);
        assert_eq!(store.add_upstream_calls("2024-03", 5).await.unwrap(), 5);
        assert_eq!(store.add_upstream_calls("2024-03", 0).await.unwrap(), 5);
        assert_eq!(store.add_upstream_calls("2024-04", 2).await.unwrap(), 2);
        assert_eq!(store.add_upstream_calls("2024-03", 37).await.unwrap(), 42);
    }
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.upstream_calls("2024-03").await.unwrap(), 42);
    assert_eq!(store.upstream_calls("2024-04").await.unwrap(), 2);
    assert_eq!(store.upstream_calls("2024-05").await.unwrap(), 0);

    let err = store.add_upstream_calls("2024-3", 1).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidMonth { .. }), "{err}");
    assert!(err.to_string().contains("YYYY-MM"), "{err}");
    assert!(store.upstream_calls("March").await.is_err());
    assert!(matches!(store.add_upstream_calls("2024-03", u64::MAX).await, Err(StoreError::TooLarge { .. })));
    assert_eq!(store.upstream_calls("2024-03").await.unwrap(), 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_counting_loses_no_calls() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                for _ in 0..25 {
                    store.add_upstream_calls("2024-03", 1).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.upstream_calls("2024-03").await.unwrap(), 200);
}
