//! Block names and groups, and the monthly count of Feishu calls.

mod common;

use common::*;
use store::{BlockLabel, InvalidLabel, Store, StoreError};

fn label(id: &str, name: &str, group: Option<&str>) -> BlockLabel {
    BlockLabel { block_id: block(id), name: name.to_owned(), group: group.map(str::to_owned) }
}

#[tokio::test]
async fn labels_are_trimmed_upserted_listed_by_id_and_removed() {
    let store = Store::open_in_memory().await.unwrap();
    assert!(store.block_labels().await.unwrap().is_empty());

    let saved = store.set_block_label(&label("300", "  审批入口 ", Some(" 办公 "))).await.unwrap();
    assert_eq!(saved, label("300", "审批入口", Some("办公")));
    store.set_block_label(&label("100", "Weekly report", None)).await.unwrap();
    store.set_block_label(&label("200", "Sales board", Some("Sales"))).await.unwrap();
    // Renaming and leaving the group.
    store.set_block_label(&label("200", "Sales dashboard", None)).await.unwrap();

    assert_eq!(
        store.block_labels().await.unwrap(),
        [
            label("100", "Weekly report", None),
            label("200", "Sales dashboard", None),
            label("300", "审批入口", Some("办公"))
        ]
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
    assert_eq!(why, InvalidLabel::EmptyGroup);
    assert!(why.to_string().contains("or no group"), "{why}");

    let long = "长".repeat(81);
    let why = refused(store.set_block_label(&label("1", &long, None)).await.unwrap_err());
    assert_eq!(why, InvalidLabel::TooLong { field: "name", len: 81 });
    assert!(store.set_block_label(&label("1", &"长".repeat(80), None)).await.is_ok(), "80 characters are fine");

    let why = refused(store.set_block_label(&label("2", "Sales", Some("East\tWest"))).await.unwrap_err());
    assert_eq!(why, InvalidLabel::ControlCharacter { field: "group", code: 9 });
    assert!(why.to_string().contains("U+0009"), "{why}");

    assert_eq!(store.block_labels().await.unwrap().len(), 1, "only the 80-character name was saved");
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
