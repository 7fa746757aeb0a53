//! Grants of view access on SQLite: kept, replaced, unioned by a person's ids, revoked,
//! and still there after a restart.

mod common;

use store::Store;

#[tokio::test]
async fn grants_are_kept_replaced_unioned_revoked_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    common::grants_are_kept_replaced_unioned_and_revoked(&store, &store).await;
    let kept = store.viewer_grants().await.unwrap();
    store.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.viewer_grants().await.unwrap(), kept, "the same grants, whole");
    assert_eq!(kept.len(), 1);
    let scope = store.viewer_scope(&["li.lei@example.com"]).await.unwrap().expect("the grant is read after the restart");
    assert_eq!(scope.block_ids.iter().map(|b| b.as_str()).collect::<Vec<_>>(), ["3", "7"]);
}
