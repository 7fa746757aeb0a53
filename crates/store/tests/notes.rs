//! Notes in batches (an import): added and edited in one transaction, all of them or
//! none, across several insert statements.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use domain::NoteDraft;
use store::{Store, StoreError};

fn draft(day: &str, text: &str) -> NoteDraft {
    NoteDraft::parse(day, text, ["7"], None).unwrap()
}

#[tokio::test]
async fn a_batch_of_notes_is_saved_whole_in_several_statements_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let kept = store.add_note(&draft("2026-11-01", "kept"), "Ada", now).await.unwrap();
    let added: Vec<NoteDraft> = (0..1200).map(|i| draft("2026-11-02", &format!("note {i}"))).collect();

    // An edit of a note that is gone refuses the batch, and the adds before it too.
    let edited = draft("2026-11-03", "edited");
    let err = store.write_notes(&added, &[(kept.id.as_str(), &edited), ("gone", &edited)], "import", now).await.unwrap_err();
    assert!(matches!(&err, StoreError::NoSuchNote { id } if id == "gone"), "{err}");
    assert_eq!(store.notes(None).await.unwrap(), std::slice::from_ref(&kept), "nothing of the batch was saved");

    let mut saved = store.write_notes(&added, &[(kept.id.as_str(), &edited)], "import", now).await.unwrap();
    assert_eq!(saved.len(), 1200);
    store.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    let held = store.notes(Some(range("2026-11-01", "2026-11-30"))).await.unwrap();
    assert_eq!(held.len(), 1201);
    saved.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(held[..1200], saved[..], "the added notes as they were answered (one day: by id)");
    let edited_note = &held[1200];
    assert_eq!(
        (edited_note.id.as_str(), &edited_note.draft, edited_note.created_by.as_str()),
        (kept.id.as_str(), &edited, "Ada")
    );
    assert!(store.write_notes(&[], &[], "import", now).await.unwrap().is_empty(), "an empty batch saves nothing");
    assert_eq!(store.edit_note("gone", &edited, now).await.unwrap(), None, "one edit of no note is None");
}
