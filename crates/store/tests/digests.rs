//! Digest schedules and the claim protocol that sends each (chat, period) digest once:
//! every test runs on SQLite (a file in a temporary directory) and on PostgreSQL (a
//! fresh database of the server `TEST_DATABASE_URL` names, as tests/postgres.rs). Time
//! is a clock the test moves by hand; nothing here sleeps.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc, Weekday};
use domain::scope::Scope;
use store::testing::fresh_postgres_database;
use store::{
    DeliveryFailure, DeliveryState, DigestCadence, DigestLanguage, DigestSchedule, InvalidDigestSchedule, Store, StoreError,
};
use tempfile::TempDir;
use tokio::sync::Barrier;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claim holds in these tests.
const TTL: Duration = Duration::from_secs(60);

const CHAT: &str = "oc_5ad11d72b830411d72b836c20";
const WEEK: &str = "2026-11-21..2026-11-27";

/// Where a test's store lives, so that it can be opened again (a restart, or another
/// replica).
enum Place {
    Sqlite(TempDir),
    Postgres(String),
}

impl Place {
    async fn open(&self) -> Store {
        match self {
            Place::Sqlite(dir) => Store::open(dir.path()).await.expect("the SQLite store opens"),
            Place::Postgres(url) => Store::connect(url, CONNECT_TIMEOUT).await.expect("the PostgreSQL store connects"),
        }
    }
}

/// Runs each named test body (`async fn(Place)`) twice: `<name>::sqlite` and
/// `<name>::postgres`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::Place::Sqlite(tempfile::tempdir().unwrap())).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(super::Place::Postgres(super::fresh_postgres_database().await)).await;
            }
        }
    )*};
}

on_both_databases!(
    schedules_round_trip_are_listed_by_name_and_removed_without_their_history,
    bad_schedules_are_refused_with_what_to_fix_and_nothing_is_saved,
    a_schedules_scope_round_trips_and_a_bad_one_is_refused,
    a_delivery_is_claimed_once_until_its_claim_expires,
    an_expired_claim_is_taken_over_with_the_first_uuid_and_counted,
    a_renewed_claim_holds_past_its_first_ttl,
    sent_is_final,
    a_transient_failure_is_retried_only_from_its_next_attempt,
    a_permanent_failure_is_never_claimed_again,
    a_holder_that_lost_its_claim_can_mark_nothing,
    claims_and_marks_survive_a_restart,
    recent_deliveries_are_newest_first_per_chat_or_all,
    eight_holders_racing_for_a_delivery_get_it_once,
    bad_delivery_keys_are_refused,
);

/// The test's clock: 2026-11-28 09:00 UTC plus `seconds`.
fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn schedule(chat_id: &str, chat_name: &str, cadence: DigestCadence) -> DigestSchedule {
    DigestSchedule {
        chat_id: chat_id.to_owned(),
        chat_name: chat_name.to_owned(),
        language: DigestLanguage::Zh,
        cadence,
        enabled: true,
        scope: None,
        updated_by: "王芳".to_owned(),
        // Milliseconds are kept exactly.
        updated_at: at(0) + chrono::Duration::milliseconds(123),
    }
}

fn transient(message: &str, next_attempt_at: DateTime<Utc>) -> DeliveryFailure {
    DeliveryFailure {
        code: Some(99991400),
        message: message.to_owned(),
        permanent: false,
        next_attempt_at: Some(next_attempt_at),
    }
}

async fn schedules_round_trip_are_listed_by_name_and_removed_without_their_history(place: Place) {
    let store = place.open().await;
    assert!(store.digest_schedules().await.unwrap().is_empty());
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), None);

    let weekly = schedule(CHAT, "运营周会", DigestCadence::Weekly { weekday: Weekday::Fri, hour: 17 });
    let mut daily = schedule("oc_b2", "Alpha team", DigestCadence::Daily { hour: 0 });
    daily.language = DigestLanguage::En;
    daily.enabled = false;
    // Same name as `daily`: the chat id decides.
    let same_name = schedule("oc_a1", "Alpha team", DigestCadence::Weekly { weekday: Weekday::Sun, hour: 23 });
    for s in [&weekly, &daily, &same_name] {
        store.save_digest_schedule(s).await.unwrap();
    }
    assert_eq!(store.digest_schedule(CHAT).await.unwrap().as_ref(), Some(&weekly), "every field as saved");
    assert_eq!(store.digest_schedules().await.unwrap(), [same_name.clone(), daily.clone(), weekly.clone()]);

    // Saving again replaces the chat's schedule.
    let changed = DigestSchedule {
        chat_name: "运营周会 (new)".to_owned(),
        language: DigestLanguage::En,
        cadence: DigestCadence::Daily { hour: 8 },
        enabled: false,
        updated_by: "nightly sync".to_owned(),
        updated_at: at(3600),
        ..weekly.clone()
    };
    store.save_digest_schedule(&changed).await.unwrap();
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), Some(changed.clone()));
    assert_eq!(store.digest_schedules().await.unwrap().len(), 3);

    // Removing the schedule keeps what was sent.
    let claimed = store.claim_delivery(CHAT, WEEK, "a", "uuid-1", at(0), TTL).await.unwrap().unwrap();
    assert!(store.delivery_sent(CHAT, WEEK, "a", "om_1", at(1)).await.unwrap());
    assert!(store.remove_digest_schedule(CHAT).await.unwrap());
    assert!(!store.remove_digest_schedule(CHAT).await.unwrap(), "nothing left to remove");
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), None);
    assert_eq!(store.digest_schedules().await.unwrap(), [same_name, daily]);
    let kept = store.delivery(CHAT, WEEK).await.unwrap().expect("the delivery outlives its schedule");
    assert_eq!((kept.state, kept.uuid, kept.created_at), (DeliveryState::Sent, claimed.uuid, at(0)));

    // A schedule saved again later finds its chat's history where it was.
    store.save_digest_schedule(&changed).await.unwrap();
    assert!(store.claim_delivery(CHAT, WEEK, "b", "uuid-2", at(7200), TTL).await.unwrap().is_none());
}

async fn bad_schedules_are_refused_with_what_to_fix_and_nothing_is_saved(place: Place) {
    let store = place.open().await;
    let refused = |result: Result<(), StoreError>| match result {
        Err(StoreError::InvalidDigestSchedule(why)) => why,
        other => panic!("expected a refused schedule, got {other:?}"),
    };
    let daily = |hour| DigestCadence::Daily { hour };

    for bad_id in ["", "oc 5ad1", "oc_群", "oc_1;drop", &"x".repeat(65)] {
        let why = refused(store.save_digest_schedule(&schedule(bad_id, "群", daily(9))).await);
        assert!(matches!(why, InvalidDigestSchedule::ChatId { .. }), "{bad_id:?}: {why:?}");
        assert!(why.to_string().contains("is not a Feishu chat id: use the oc_… id from the chat list"), "{why}");
    }
    let why = refused(store.save_digest_schedule(&schedule("oc 5ad1", "群", daily(9))).await);
    assert!(why.to_string().starts_with("the chat id \"oc 5ad1\" is not a Feishu chat id"), "{why}");
    store.save_digest_schedule(&schedule(&"x".repeat(64), "64 characters are fine", daily(9))).await.unwrap();

    let why = refused(store.save_digest_schedule(&schedule(CHAT, "群", daily(24))).await);
    assert_eq!(why, InvalidDigestSchedule::Hour { hour: 24 });
    assert_eq!(why.to_string(), "hour 24 is not an hour: use 0 to 23");
    let weekly = DigestCadence::Weekly { weekday: Weekday::Mon, hour: 255 };
    assert_eq!(
        refused(store.save_digest_schedule(&schedule(CHAT, "群", weekly)).await),
        InvalidDigestSchedule::Hour { hour: 255 }
    );

    let why = refused(store.save_digest_schedule(&schedule(CHAT, &"群".repeat(201), daily(9))).await);
    assert_eq!(why, InvalidDigestSchedule::ChatNameTooLong { len: 201 });
    assert!(why.to_string().contains("shorten it to at most 200"), "{why}");

    let mut nobody = schedule(CHAT, "群", daily(9));
    nobody.updated_by = "  ".to_owned();
    let why = refused(store.save_digest_schedule(&nobody).await);
    assert_eq!(why, InvalidDigestSchedule::UpdatedBy);

    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), None, "no refused schedule was saved");
    store.save_digest_schedule(&schedule(CHAT, &"群".repeat(200), daily(23))).await.unwrap();
    assert_eq!(store.digest_schedules().await.unwrap().len(), 2);

    let why = "EN".parse::<DigestLanguage>().unwrap_err();
    assert_eq!(why.to_string(), "\"EN\" is not a digest language: use en or zh");
    assert_eq!(serde_json::to_string(&DigestLanguage::Zh).unwrap(), "\"zh\"");
}

async fn a_schedules_scope_round_trips_and_a_bad_one_is_refused(place: Place) {
    let store = place.open().await;
    let daily = DigestCadence::Daily { hour: 9 };
    let mut hr = schedule(CHAT, "HR 周会", daily);
    hr.scope = Some(Scope::parse(["hr_workplace", "it"], ["7000000000000000102", "7000000000000000101"]).unwrap());
    let mut one_block = schedule("oc_b2", "Leave team", daily);
    one_block.scope = Some(Scope::parse([], ["7000000000000000103"]).unwrap());
    let tenant = schedule("oc_a1", "Admins", daily);
    for s in [&hr, &one_block, &tenant] {
        store.save_digest_schedule(s).await.unwrap();
    }
    assert_eq!(store.digest_schedule(CHAT).await.unwrap().as_ref(), Some(&hr), "the scope as saved");
    assert_eq!(store.digest_schedules().await.unwrap(), [tenant.clone(), hr.clone(), one_block.clone()]);
    // Reopened (a restart, or another replica), the scopes are read back alike.
    drop(store);
    let store = place.open().await;
    assert_eq!(store.digest_schedule("oc_b2").await.unwrap(), Some(one_block.clone()));
    assert_eq!(store.digest_schedule("oc_a1").await.unwrap().unwrap().scope, None, "no scope: the whole tenant");

    // Saving without a scope widens it back to the whole tenant; with one, narrows it.
    let widened = DigestSchedule { scope: None, ..hr.clone() };
    store.save_digest_schedule(&widened).await.unwrap();
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), Some(widened));
    store.save_digest_schedule(&hr).await.unwrap();
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), Some(hr.clone()));

    // A scope that Scope::parse would not make is refused, saying why; nothing changes.
    let refused = |result: Result<(), StoreError>| match result {
        Err(StoreError::InvalidDigestSchedule(InvalidDigestSchedule::Scope { reason })) => reason,
        other => panic!("expected a refused scope, got {other:?}"),
    };
    let empty = DigestSchedule { scope: Some(Scope::default()), ..hr.clone() };
    assert!(refused(store.save_digest_schedule(&empty).await).starts_with("the scope is empty"));
    let bad_id = Scope { block_ids: Vec::new(), custom_workplace_ids: vec![domain::WorkplaceId::parse("hr").unwrap(); 2] };
    let twice = DigestSchedule { scope: Some(bad_id), ..hr.clone() };
    assert!(refused(store.save_digest_schedule(&twice).await).contains("repeat"));
    assert_eq!(store.digest_schedule(CHAT).await.unwrap(), Some(hr), "no refused scope was saved");
}

async fn a_delivery_is_claimed_once_until_its_claim_expires(place: Place) {
    let store = place.open().await;
    let first = store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().expect("nobody held it");
    assert_eq!((first.chat_id.as_str(), first.period.as_str()), (CHAT, WEEK));
    assert_eq!(first.state, DeliveryState::Claimed);
    assert_eq!(first.holder.as_deref(), Some("a"));
    assert_eq!(first.claimed_until, Some(at(60)));
    assert_eq!((first.attempts, first.uuid.as_str()), (1, "uuid-a"));
    assert_eq!((first.created_at, first.updated_at), (at(0), at(0)));
    assert_eq!((first.message_id.as_deref(), first.error_code, first.error_message.as_deref()), (None, None, None));
    assert_eq!((first.permanent, first.next_attempt_at), (false, None));
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap().as_ref(), Some(&first));

    // Nobody takes a live claim: not another replica, not the holder itself (a claim
    // covers one send), not even at the very moment it ends.
    assert_eq!(store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(1), TTL).await.unwrap(), None);
    assert_eq!(store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(30), TTL).await.unwrap(), None);
    assert_eq!(store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(60), TTL).await.unwrap(), None);
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap(), Some(first), "refused claims change nothing");

    // Other periods and other chats are claimed apart.
    assert!(store.claim_delivery(CHAT, "test:2026-11-28T09:00:05Z", "b", "uuid-t", at(5), TTL).await.unwrap().is_some());
    assert!(store.claim_delivery("oc_other", WEEK, "b", "uuid-o", at(5), TTL).await.unwrap().is_some());
    assert_eq!(store.delivery("oc_nothing", WEEK).await.unwrap(), None);
}

async fn an_expired_claim_is_taken_over_with_the_first_uuid_and_counted(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    // a died mid-send: one microsecond past its claim, b takes over.
    let now = at(60) + chrono::Duration::microseconds(1);
    let taken = store.claim_delivery(CHAT, WEEK, "b", "uuid-b", now, TTL).await.unwrap().expect("a's claim expired");
    assert_eq!(taken.holder.as_deref(), Some("b"));
    assert_eq!(taken.uuid, "uuid-a", "Feishu dedups the resend by the first uuid");
    assert_eq!(taken.attempts, 2);
    assert_eq!(taken.claimed_until, Some(now + chrono::Duration::seconds(60)));
    assert_eq!((taken.created_at, taken.updated_at), (at(0), now));
    assert_eq!(store.claim_delivery(CHAT, WEEK, "a", "uuid-a", now, TTL).await.unwrap(), None, "b holds it now");

    // b dies too; c takes over.
    let third = store.claim_delivery(CHAT, WEEK, "c", "uuid-c", at(500), TTL).await.unwrap().unwrap();
    assert_eq!((third.attempts, third.uuid.as_str(), third.holder.as_deref()), (3, "uuid-a", Some("c")));
    assert!(store.delivery_sent(CHAT, WEEK, "c", "om_3", at(501)).await.unwrap());
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap().unwrap().attempts, 3);
}

async fn a_renewed_claim_holds_past_its_first_ttl(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    assert!(store.renew_delivery(CHAT, WEEK, "a", at(50), TTL).await.unwrap());
    let renewed = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!((renewed.claimed_until, renewed.updated_at, renewed.attempts), (Some(at(110)), at(50), 1));
    assert!(!store.renew_delivery(CHAT, WEEK, "b", at(50), TTL).await.unwrap(), "b holds nothing to renew");
    assert_eq!(store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(100), TTL).await.unwrap(), None);
    assert!(store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(111), TTL).await.unwrap().is_some());
    assert!(!store.renew_delivery(CHAT, WEEK, "a", at(112), TTL).await.unwrap(), "a lost it");
    assert!(!store.renew_delivery(CHAT, "never-claimed", "a", at(112), TTL).await.unwrap());
}

async fn sent_is_final(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    assert!(store.delivery_sent(CHAT, WEEK, "a", "om_dc13264520392913993dd051dba21dcf", at(2)).await.unwrap());
    let sent = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!(sent.state, DeliveryState::Sent);
    assert_eq!(sent.message_id.as_deref(), Some("om_dc13264520392913993dd051dba21dcf"));
    assert_eq!((sent.holder.as_deref(), sent.claimed_until, sent.updated_at), (Some("a"), None, at(2)));

    for (holder, seconds) in [("b", 3), ("a", 3), ("b", 86_400 * 365)] {
        assert_eq!(store.claim_delivery(CHAT, WEEK, holder, "uuid-x", at(seconds), TTL).await.unwrap(), None);
    }
    assert!(!store.delivery_sent(CHAT, WEEK, "a", "om_again", at(4)).await.unwrap(), "sent once only");
    assert!(!store.delivery_failed(CHAT, WEEK, "a", &transient("late", at(5)), at(4)).await.unwrap());
    assert!(!store.renew_delivery(CHAT, WEEK, "a", at(4), TTL).await.unwrap());
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap(), Some(sent), "nothing changed the sent delivery");
}

async fn a_transient_failure_is_retried_only_from_its_next_attempt(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    let failure = transient("Feishu is busy; trying again in 10 minutes", at(600));
    assert!(store.delivery_failed(CHAT, WEEK, "a", &failure, at(3)).await.unwrap());
    let failed = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!(failed.state, DeliveryState::Failed);
    assert_eq!((failed.error_code, failed.error_message.as_deref()), (Some(99991400), Some(failure.message.as_str())));
    assert_eq!((failed.permanent, failed.next_attempt_at, failed.claimed_until), (false, Some(at(600)), None));

    // Not before its time, by anyone.
    for (holder, seconds) in [("a", 4), ("b", 300), ("b", 599)] {
        assert_eq!(store.claim_delivery(CHAT, WEEK, holder, "uuid-b", at(seconds), TTL).await.unwrap(), None);
    }
    let retry = store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(600), TTL).await.unwrap().expect("its time came");
    assert_eq!((retry.state, retry.attempts, retry.uuid.as_str()), (DeliveryState::Claimed, 2, "uuid-a"));
    assert_eq!((retry.holder.as_deref(), retry.claimed_until, retry.next_attempt_at), (Some("b"), Some(at(660)), None));
    assert_eq!(retry.error_code, Some(99991400), "the last failure shows until the retry is done");
    assert_eq!(store.claim_delivery(CHAT, WEEK, "c", "uuid-c", at(601), TTL).await.unwrap(), None, "b retries it");

    // A failure without a time to retry may be retried at once; a long message is cut.
    let at_once = DeliveryFailure { code: None, message: "e".repeat(5000), permanent: false, next_attempt_at: None };
    assert!(store.delivery_failed(CHAT, WEEK, "b", &at_once, at(620)).await.unwrap());
    let failed = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!((failed.error_code, failed.next_attempt_at), (None, Some(at(620))));
    assert_eq!(failed.error_message.as_ref().map(|m| m.chars().count()), Some(2000));
    assert!(store.claim_delivery(CHAT, WEEK, "c", "uuid-c", at(620), TTL).await.unwrap().is_some());

    // Sent at last: the errors are gone.
    assert!(store.delivery_sent(CHAT, WEEK, "c", "om_4", at(621)).await.unwrap());
    let sent = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!((sent.state, sent.attempts), (DeliveryState::Sent, 3));
    assert_eq!((sent.error_code, sent.error_message, sent.next_attempt_at), (None, None, None));
}

async fn a_permanent_failure_is_never_claimed_again(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    let failure = DeliveryFailure {
        code: Some(230002),
        message: "The bot is not in this chat: add it to the chat, then send a test".to_owned(),
        permanent: true,
        // Ignored for a permanent failure.
        next_attempt_at: Some(at(60)),
    };
    assert!(store.delivery_failed(CHAT, WEEK, "a", &failure, at(1)).await.unwrap());
    let failed = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!((failed.state, failed.permanent, failed.next_attempt_at), (DeliveryState::Failed, true, None));
    assert_eq!((failed.error_code, failed.error_message.as_deref()), (Some(230002), Some(failure.message.as_str())));
    for (holder, seconds) in [("a", 2), ("b", 61), ("b", 86_400 * 30)] {
        assert_eq!(store.claim_delivery(CHAT, WEEK, holder, "uuid-b", at(seconds), TTL).await.unwrap(), None);
    }
    assert!(!store.delivery_sent(CHAT, WEEK, "a", "om_1", at(3)).await.unwrap(), "the claim ended with the failure");
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap(), Some(failed));
}

async fn a_holder_that_lost_its_claim_can_mark_nothing(place: Place) {
    let store = place.open().await;
    store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    // a's claim ran out while it was stuck; nobody took over yet, so a's send counts.
    assert!(store.renew_delivery(CHAT, WEEK, "a", at(90), TTL).await.unwrap(), "a still holds an unclaimed expiry");

    store.claim_delivery(CHAT, WEEK, "b", "uuid-b", at(200), TTL).await.unwrap().expect("a's renewed claim expired");
    assert!(!store.delivery_sent(CHAT, WEEK, "a", "om_a", at(201)).await.unwrap(), "b holds it now");
    assert!(!store.delivery_failed(CHAT, WEEK, "a", &transient("timeout", at(900)), at(201)).await.unwrap());
    assert!(!store.renew_delivery(CHAT, WEEK, "a", at(201), TTL).await.unwrap());
    assert!(!store.delivery_sent(CHAT, "2026-11-14..2026-11-20", "a", "om_a", at(201)).await.unwrap(), "no such claim");
    let held = store.delivery(CHAT, WEEK).await.unwrap().unwrap();
    assert_eq!((held.state, held.holder.as_deref(), held.message_id), (DeliveryState::Claimed, Some("b"), None));

    assert!(store.delivery_sent(CHAT, WEEK, "b", "om_b", at(202)).await.unwrap());
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap().unwrap().message_id.as_deref(), Some("om_b"));
}

async fn claims_and_marks_survive_a_restart(place: Place) {
    let store = place.open().await;
    let claimed = store.claim_delivery(CHAT, WEEK, "a", "uuid-a", at(0), TTL).await.unwrap().unwrap();
    store.claim_delivery(CHAT, "test:1", "a", "uuid-t", at(0), TTL).await.unwrap().unwrap();
    assert!(store.delivery_sent(CHAT, "test:1", "a", "om_t", at(1)).await.unwrap());
    store.save_digest_schedule(&schedule(CHAT, "群", DigestCadence::Daily { hour: 7 })).await.unwrap();
    // The replica is killed mid-send of WEEK; the server comes back.
    store.close().await;
    drop(store);

    let store = place.open().await;
    assert_eq!(store.delivery(CHAT, WEEK).await.unwrap(), Some(claimed), "the claim is as it was");
    assert_eq!(store.claim_delivery(CHAT, WEEK, "a2", "uuid-a2", at(30), TTL).await.unwrap(), None, "still live");
    let taken = store.claim_delivery(CHAT, WEEK, "a2", "uuid-a2", at(61), TTL).await.unwrap().unwrap();
    assert_eq!((taken.uuid.as_str(), taken.attempts), ("uuid-a", 2));
    assert_eq!(store.claim_delivery(CHAT, "test:1", "a2", "uuid-x", at(62), TTL).await.unwrap(), None, "sent stays sent");
    assert_eq!(store.digest_schedule(CHAT).await.unwrap().map(|s| s.cadence), Some(DigestCadence::Daily { hour: 7 }));
}

async fn recent_deliveries_are_newest_first_per_chat_or_all(place: Place) {
    let store = place.open().await;
    let ms = chrono::Duration::milliseconds;
    // Writes a millisecond apart still sort.
    store.claim_delivery(CHAT, "w1", "a", "u1", at(0), TTL).await.unwrap().unwrap();
    store.claim_delivery("oc_other", "w1", "a", "u2", at(0) + ms(1), TTL).await.unwrap().unwrap();
    store.claim_delivery(CHAT, "w2", "a", "u3", at(0) + ms(2), TTL).await.unwrap().unwrap();
    // Marking w1 sent makes it the newest.
    assert!(store.delivery_sent(CHAT, "w1", "a", "om_1", at(0) + ms(3)).await.unwrap());

    let keys = |list: Vec<store::Delivery>| list.into_iter().map(|d| format!("{} {}", d.chat_id, d.period)).collect::<Vec<_>>();
    let all = format!("{CHAT} w1|{CHAT} w2|oc_other w1");
    assert_eq!(keys(store.recent_deliveries(None, 10).await.unwrap()).join("|"), all);
    assert_eq!(keys(store.recent_deliveries(None, 2).await.unwrap()), [format!("{CHAT} w1"), format!("{CHAT} w2")]);
    assert_eq!(keys(store.recent_deliveries(Some(CHAT), 10).await.unwrap()), [format!("{CHAT} w1"), format!("{CHAT} w2")]);
    assert_eq!(keys(store.recent_deliveries(Some("oc_other"), 1).await.unwrap()), ["oc_other w1"]);
    assert!(store.recent_deliveries(Some("oc_none"), 10).await.unwrap().is_empty());
    assert!(store.recent_deliveries(None, 0).await.unwrap().is_empty());
}

async fn eight_holders_racing_for_a_delivery_get_it_once(place: Place) {
    // Two handles on the database, as two replicas; each holder races over one of them.
    let (first, second) = (place.open().await, place.open().await);
    const HOLDERS: usize = 8;
    for round in 0..10 {
        let period = format!("2026-W{round:02}");
        // The first race makes the delivery; the second takes it over once expired.
        for (now, want_attempts) in [(at(0), 1), (at(61), 2)] {
            let start = Arc::new(Barrier::new(HOLDERS));
            let racers: Vec<_> = (0..HOLDERS)
                .map(|i| {
                    let store = if i % 2 == 0 { first.clone() } else { second.clone() };
                    let (start, period) = (start.clone(), period.clone());
                    tokio::spawn(async move {
                        start.wait().await;
                        let holder = format!("replica-{i}");
                        store.claim_delivery(CHAT, &period, &holder, &format!("uuid-{i}"), now, TTL).await.unwrap()
                    })
                })
                .collect();
            let mut winners = Vec::new();
            for racer in racers {
                winners.extend(racer.await.unwrap());
            }
            assert_eq!(winners.len(), 1, "round {round} at {now}: {winners:?}");
            let held = first.delivery(CHAT, &period).await.unwrap().unwrap();
            assert_eq!(held, winners[0], "the winner's view is the store's");
            assert_eq!(held.attempts, want_attempts);
        }
    }
}

async fn bad_delivery_keys_are_refused(place: Place) {
    let store = place.open().await;
    let error = store.claim_delivery("oc bad", WEEK, "a", "u", at(0), TTL).await.unwrap_err();
    assert!(matches!(error, StoreError::InvalidDigestSchedule(InvalidDigestSchedule::ChatId { .. })), "{error:?}");
    for (period, holder, uuid, what) in
        [("", "a", "u", "period"), (WEEK, "", "u", "holder"), (WEEK, "a", &"u".repeat(51), "uuid")]
    {
        match store.claim_delivery(CHAT, period, holder, uuid, at(0), TTL).await {
            Err(StoreError::InvalidDelivery { what: said, .. }) => assert_eq!(said, what),
            other => panic!("expected a refused {what}, got {other:?}"),
        }
    }
    assert!(store.recent_deliveries(None, 10).await.unwrap().is_empty(), "nothing was written");
}
