//! The store on PostgreSQL (`DATABASE_URL`): the same operations as on SQLite give the
//! same answers, two handles on one database (two replicas) see each other's writes,
//! and counting calls from both loses none. Needs `TEST_DATABASE_URL` (scripts/test).

mod common;

use std::time::Duration;

use common::{block, busy_day, date, quiet_day, range};
use serde_json::json;
use store::testing::fresh_postgres_database;
use store::{ApiTokenPermissions, BlockLabel, DayFilter, Store};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

const TIMEOUT: Duration = Duration::from_secs(10);

const READ_ONLY: ApiTokenPermissions = ApiTokenPermissions { can_write_names: false, can_manage_digests: false };

/// Two stores on one fresh database, as two replicas would hold them.
async fn two_replicas() -> (Store, Store) {
    let url = fresh_postgres_database().await;
    let (a, b) = tokio::join!(Store::connect(&url, TIMEOUT), Store::connect(&url, TIMEOUT));
    let (a, b) = (a.expect("replica a connects and migrates"), b.expect("replica b connects and migrates"));
    assert!(a.is_shared() && b.is_shared());
    (a, b)
}

#[tokio::test]
async fn days_saved_by_one_replica_load_on_the_other_exactly() {
    let (a, b) = two_replicas().await;
    let days = vec![busy_day(date("2024-03-01"), 60), quiet_day(date("2024-03-02")), busy_day(date("2024-03-03"), 7)];
    a.save_days(&DayFilter::AllBlocks, &days).await.unwrap();
    let loaded = b.load_days(&DayFilter::AllBlocks, range("2024-02-28", "2024-03-05")).await.unwrap();
    assert_eq!(loaded, days, "every day, the quiet one included, with every row in block order");
    assert_eq!(
        b.held_days(&DayFilter::AllBlocks, range("2024-03-02", "2024-03-09")).await.unwrap(),
        vec![date("2024-03-02"), date("2024-03-03")]
    );
    // One block's days are kept apart from all blocks' days.
    let one = DayFilter::Block(block("700000000000000100"));
    assert!(b.load_days(&one, range("2024-03-01", "2024-03-03")).await.unwrap().is_empty());

    // Saving again replaces.
    let again = vec![busy_day(date("2024-03-03"), 2)];
    b.save_days(&DayFilter::AllBlocks, &again).await.unwrap();
    let loaded = a.load_days(&DayFilter::AllBlocks, range("2024-03-03", "2024-03-03")).await.unwrap();
    assert_eq!(loaded, again);
    let stats = a.stats().await.unwrap();
    assert_eq!((stats.held_days, stats.rows), (3, 62));
}

#[tokio::test]
async fn names_sessions_and_tokens_made_on_one_replica_work_on_the_other() {
    let (a, b) = two_replicas().await;

    let label =
        BlockLabel { block_id: block("700000000000000101"), name: " 周报入口 ".into(), workplace: Some("营销".into()) };
    a.set_block_label(&label).await.unwrap();
    let seen = b.block_labels().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].name.as_str(), seen[0].workplace.as_deref()), ("周报入口", Some("营销")));
    assert!(b.remove_block_label(&label.block_id).await.unwrap());
    assert!(a.block_labels().await.unwrap().is_empty());

    // A batch in several statements, naming one block twice, in one transaction.
    let mut batch: Vec<BlockLabel> = (0..1200)
        .map(|i| BlockLabel { block_id: block(&format!("7{:017}", i)), name: format!("区块 {i}"), workplace: None })
        .collect();
    batch.push(BlockLabel { block_id: block("700000000000000007"), name: "later".into(), workplace: Some("办公".into()) });
    a.apply_block_labels(&batch).await.unwrap();
    let seen = b.block_labels().await.unwrap();
    assert_eq!(seen.len(), 1200);
    assert_eq!((seen[7].name.as_str(), seen[7].workplace.as_deref()), ("later", Some("办公")), "the later label wins");

    let writer = a
        .create_api_token("names sync", "ou_1", ApiTokenPermissions { can_write_names: true, can_manage_digests: false })
        .await
        .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&writer.token).to_owned();
    assert!(b.verify_api_token(&secret).await.unwrap().unwrap().permissions.can_write_names);

    let mut record = Record {
        id: Id::default(),
        data: [("user".to_owned(), json!("ou_1"))].into(),
        expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    a.session_records().create(&mut record).await.unwrap();
    let loaded = b.session_records().load(&record.id).await.unwrap().expect("the session is found on the other replica");
    assert_eq!(loaded.data, record.data);
    b.session_records().delete(&record.id).await.unwrap();
    assert!(a.session_records().load(&record.id).await.unwrap().is_none(), "logout on one replica ends it on all");

    let token = a.create_api_token("nightly export", "ou_1", READ_ONLY).await.unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&token.token).to_owned();
    assert_eq!(b.verify_api_token(&secret).await.unwrap().map(|t| t.id), Some(token.id.clone()));
    assert!(b.revoke_api_token(&token.id).await.unwrap());
    assert!(a.verify_api_token(&secret).await.unwrap().is_none(), "revoked on one replica, refused on the other");
}

#[tokio::test]
async fn calls_counted_by_both_replicas_at_once_add_up() {
    let (a, b) = two_replicas().await;
    let mut adds = Vec::new();
    for i in 0..100u64 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        adds.push(tokio::spawn(async move { store.add_upstream_calls("2024-03", 3).await.unwrap() }));
    }
    let mut totals = Vec::new();
    for add in adds {
        totals.push(add.await.unwrap());
    }
    totals.sort_unstable();
    assert_eq!(totals, (1..=100).map(|n| n * 3).collect::<Vec<u64>>(), "each add sees its own new total");
    assert_eq!(b.upstream_calls("2024-03").await.unwrap(), 300);
    assert_eq!(a.upstream_calls("2024-04").await.unwrap(), 0);
}

#[tokio::test]
async fn a_wrong_url_is_an_error_that_names_the_setting() {
    let error = Store::connect("postgres://nobody@127.0.0.1:1/none", Duration::from_secs(2)).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("DATABASE_URL"), "{message}");
}

#[tokio::test]
async fn a_missing_day_is_leased_to_one_replica_until_saved_released_or_expired() {
    let (a, b) = two_replicas().await;
    let all = DayFilter::AllBlocks;
    let days = |list: &[&str]| list.iter().map(|d| date(d)).collect::<Vec<_>>();
    let ttl = Duration::from_secs(60);

    assert_eq!(a.lease_days(&all, &days(&["2024-05-01", "2024-05-02", "2024-05-03"]), "a", ttl).await.unwrap().len(), 3);
    // b gets only the days nobody fetches; a asking again keeps its own.
    assert_eq!(
        b.lease_days(&all, &days(&["2024-05-02", "2024-05-03", "2024-05-04"]), "b", ttl).await.unwrap(),
        days(&["2024-05-04"])
    );
    assert_eq!(a.lease_days(&all, &days(&["2024-05-03"]), "a", ttl).await.unwrap(), days(&["2024-05-03"]));
    // Another filter's days are leased apart.
    let one = DayFilter::Block(block("700000000000000100"));
    assert_eq!(b.lease_days(&one, &days(&["2024-05-02"]), "b", ttl).await.unwrap().len(), 1);

    // a saves one day and releases its leases: the saved day is nobody's to fetch, the
    // released one is b's.
    a.save_days(&all, &[busy_day(date("2024-05-02"), 5)]).await.unwrap();
    a.release_day_leases(&all, &days(&["2024-05-01", "2024-05-02", "2024-05-03"]), "a").await.unwrap();
    assert_eq!(
        b.lease_days(&all, &days(&["2024-05-01", "2024-05-02", "2024-05-03"]), "b", ttl).await.unwrap(),
        days(&["2024-05-01", "2024-05-03"])
    );

    // A replica that dies leaves its leases to expire; renewing keeps them. Both days are
    // leased together for a second; a renews one of them for a minute, then b asks for
    // the other until it passes to b (it expired). The renewed one, leased in the same
    // statement, was due then too: it must still be a's. No sleep has to be long or short
    // enough: the order of the calls decides, with a minute's margin to the renewal.
    let short = Duration::from_secs(1);
    assert_eq!(a.lease_days(&all, &days(&["2024-06-01", "2024-06-02"]), "a", short).await.unwrap().len(), 2);
    a.renew_day_leases(&all, &days(&["2024-06-01"]), "a", ttl).await.unwrap();
    let expired =
        until_expired(|| async { b.lease_days(&all, &days(&["2024-06-02"]), "b", ttl).await.unwrap() == days(&["2024-06-02"]) })
            .await;
    assert!(expired, "the expired lease passes to b");
    assert_eq!(
        b.lease_days(&all, &days(&["2024-06-01", "2024-06-02"]), "b", ttl).await.unwrap(),
        days(&["2024-06-02"]),
        "the renewed lease holds, the expired one is b's"
    );
}

/// Asks `taken` every 50 ms until it answers true (a lease expired and passed to the
/// asker), for at most 30 s: far past the test's one-second leases, far short of the
/// minute-long ones that must hold meanwhile.
async fn until_expired<F: std::future::Future<Output = bool>>(mut taken: impl FnMut() -> F) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if taken().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_refresh_claimed_on_one_replica_holds_the_other_back() {
    let (a, b) = two_replicas().await;
    let (day, minute) = (date("2026-12-07"), Duration::from_secs(60));
    let wanted = [(DayFilter::AllBlocks, day), (DayFilter::Block(block("42")), day)];
    let t0 = chrono::Utc::now();
    let first = a.claim_refreshes(&wanted, t0, minute).await.unwrap();
    assert_eq!(first, store::RefreshClaims { granted: wanted.to_vec(), held_since: None });
    let second = b.claim_refreshes(&wanted, t0 + chrono::Duration::seconds(5), minute).await.unwrap();
    let t0_ms = chrono::DateTime::from_timestamp_millis(t0.timestamp_millis()).unwrap();
    assert_eq!(second, store::RefreshClaims { granted: vec![], held_since: Some(t0_ms) }, "the other replica waits its minute");
}

#[tokio::test]
async fn a_background_task_is_leased_to_one_replica_until_released_or_expired() {
    let (a, b) = two_replicas().await;
    let (ttl, short) = (Duration::from_secs(60), Duration::from_secs(1));
    assert!(a.lease_task("history", "a", ttl).await.unwrap(), "nobody held it");
    assert!(!b.lease_task("history", "b", ttl).await.unwrap(), "a holds it");
    assert!(a.lease_task("history", "a", ttl).await.unwrap(), "the holder renews it");
    assert!(b.lease_task("digests", "b", ttl).await.unwrap(), "another task is leased apart");
    b.release_task("history", "b").await.unwrap();
    assert!(!b.lease_task("history", "b", ttl).await.unwrap(), "releasing another's lease changes nothing");
    a.release_task("history", "a").await.unwrap();
    assert!(b.lease_task("history", "b", short).await.unwrap(), "released, it is b's");

    // A holder that dies leaves the lease to expire; renewing keeps it. b holds "history"
    // for a second (just above) and then, for a second too, "clock", which expires after
    // it; b renews "history" for a minute. Once "clock" has passed to a, the second of
    // "history" is over too: the renewal alone keeps it b's.
    assert!(b.lease_task("clock", "b", short).await.unwrap(), "nobody held it");
    assert!(b.lease_task("history", "b", ttl).await.unwrap(), "the holder renews it");
    assert!(until_expired(|| async { a.lease_task("clock", "a", ttl).await.unwrap() }).await, "the expired lease passes to a");
    assert!(!a.lease_task("history", "a", ttl).await.unwrap(), "the renewed lease holds");
}

#[tokio::test]
async fn a_digests_scope_saved_by_one_replica_is_read_by_the_other() {
    let (a, b) = two_replicas().await;
    let scope = domain::scope::Scope::parse(["tpl_hr"], ["700000000000000102", "700000000000000101"]).unwrap();
    let scoped = store::DigestSchedule {
        chat_id: "oc_hr".into(),
        chat_name: "HR 周会".into(),
        language: store::DigestLanguage::Zh,
        cadence: store::DigestCadence::Weekly { weekday: chrono::Weekday::Mon, hour: 9 },
        enabled: true,
        scope: Some(scope),
        updated_by: "王芳".into(),
        updated_at: chrono::Utc::now(),
    };
    let tenant = store::DigestSchedule { chat_id: "oc_admins".into(), chat_name: "Admins".into(), scope: None, ..scoped.clone() };
    a.save_digest_schedule(&scoped).await.unwrap();
    a.save_digest_schedule(&tenant).await.unwrap();
    let read = b.digest_schedule("oc_hr").await.unwrap().expect("b reads a's schedule");
    assert_eq!(read.scope, scoped.scope, "the workplace and both blocks, sorted");
    assert_eq!(b.digest_schedule("oc_admins").await.unwrap().unwrap().scope, None, "no scope: the whole tenant");
    // b widens it to the whole tenant; a reads that.
    b.save_digest_schedule(&store::DigestSchedule { scope: None, ..read }).await.unwrap();
    assert_eq!(a.digest_schedule("oc_hr").await.unwrap().unwrap().scope, None);
}

#[tokio::test]
async fn a_batch_of_notes_is_saved_whole_or_not_at_all_and_the_other_replica_reads_it() {
    let (a, b) = two_replicas().await;
    let now = chrono::Utc::now();
    let draft = |day: &str, text: &str| domain::NoteDraft::parse(day, text, ["7", "8"], None).unwrap();
    let kept = a.add_note(&draft("2026-11-01", "kept"), "Ada", now).await.unwrap();
    let added: Vec<domain::NoteDraft> = (0..1200).map(|i| draft("2026-11-02", &format!("笔记 {i}"))).collect();
    let edited = draft("2026-11-03", "edited");

    let err = a.write_notes(&added, &[(kept.id.as_str(), &edited), ("gone", &edited)], "import", now).await.unwrap_err();
    assert!(matches!(&err, store::StoreError::NoSuchNote { id } if id == "gone"), "{err}");
    assert_eq!(b.notes(None).await.unwrap(), std::slice::from_ref(&kept), "the adds before the refused edit were rolled back");

    a.write_notes(&added, &[(kept.id.as_str(), &edited)], "import", now).await.unwrap();
    let held = b.notes(None).await.unwrap();
    assert_eq!(held.len(), 1201);
    assert_eq!((held[1200].id.as_str(), &held[1200].draft, held[1200].created_by.as_str()), (kept.id.as_str(), &edited, "Ada"));
}

#[tokio::test]
async fn grants_made_on_one_replica_are_read_on_the_other_at_once() {
    let (a, b) = two_replicas().await;
    common::grants_are_kept_replaced_unioned_and_revoked(&a, &b).await;
    // And the other way round: a revocation on one replica ends the grant on both.
    assert!(b.revoke_viewer("li.lei@example.com").await.unwrap());
    assert!(a.viewer_grants().await.unwrap().is_empty());
    assert_eq!(a.viewer_scope(&["li.lei@example.com"]).await.unwrap(), None);
}
