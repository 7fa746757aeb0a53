//! Sign-in sessions: tower-sessions' store contract on a real file, expiry, id
//! collisions, restarts, and a round trip through an axum app with SessionManagerLayer.

use sha2::Digest;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, StatusCode, header};
use serde_json::json;
use store::{SessionRecords, Store};
use time::OffsetDateTime;
use tower::ServiceExt;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};
use tower_sessions::{Session, SessionManagerLayer};

fn record(user: &str, expires_in: time::Duration) -> Record {
    Record {
        id: Id::default(),
        data: [("user".to_owned(), json!(user)), ("roles".to_owned(), json!(["admin"]))].into(),
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

/// What a record reads back as: expiries are kept in whole seconds.
fn as_stored(record: &Record) -> Record {
    let seconds = record.expiry_date.unix_timestamp();
    Record { expiry_date: OffsetDateTime::from_unix_timestamp(seconds).unwrap(), ..record.clone() }
}

/// A second connection to the store's file, to look at and tamper with rows.
async fn raw(store: &Store) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(store.path().unwrap());
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

#[tokio::test]
async fn records_are_created_saved_loaded_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();

    let mut alice = record("ou_alice", time::Duration::hours(1));
    let original_id = alice.id;
    records.create(&mut alice).await.unwrap();
    assert_eq!(alice.id, original_id, "a free id is kept");
    assert_eq!(records.load(&alice.id).await.unwrap(), Some(as_stored(&alice)));

    alice.data.insert("theme".to_owned(), json!("dark"));
    alice.expiry_date += time::Duration::hours(1);
    records.save(&alice).await.unwrap();
    let loaded = records.load(&alice.id).await.unwrap().unwrap();
    assert_eq!(loaded, as_stored(&alice));
    assert_eq!(loaded.data["theme"], "dark");

    // Saving a session the store does not hold (it was cleaned up meanwhile) keeps it.
    let bob = record("ou_bob", time::Duration::hours(1));
    records.save(&bob).await.unwrap();
    assert_eq!(records.load(&bob.id).await.unwrap(), Some(as_stored(&bob)));

    records.delete(&alice.id).await.unwrap();
    assert_eq!(records.load(&alice.id).await.unwrap(), None);
    records.delete(&alice.id).await.unwrap(); // Deleting twice is fine.
    assert_eq!(records.load(&Id::default()).await.unwrap(), None, "an unknown id is no session");
    assert!(records.load(&bob.id).await.unwrap().is_some(), "other sessions stay");
}

#[tokio::test]
async fn expired_records_are_not_loaded_and_are_deleted_by_the_clean_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();

    let live = record("ou_live", time::Duration::minutes(5));
    let expired = record("ou_expired", -time::Duration::seconds(1));
    let long_gone = record("ou_gone", -time::Duration::days(30));
    for r in [&live, &expired, &long_gone] {
        records.save(r).await.unwrap();
    }
    // `create` stores an expired record as given, and it is not loaded either.
    let mut created_expired = record("ou_created", -time::Duration::seconds(5));
    records.create(&mut created_expired).await.unwrap();

    assert!(records.load(&live.id).await.unwrap().is_some());
    for gone in [&expired, &long_gone, &created_expired] {
        assert_eq!(records.load(&gone.id).await.unwrap(), None, "{} was loaded", gone.data["user"]);
    }

    let count = |pool: sqlx::SqlitePool| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions").fetch_one(&pool).await.unwrap()
    };
    assert_eq!(count(raw(&store).await).await, 4, "expired rows stay until the clean-up");
    assert_eq!(store.delete_expired_sessions().await.unwrap(), 3);
    assert_eq!(count(raw(&store).await).await, 1);
    assert_eq!(store.delete_expired_sessions().await.unwrap(), 0);

    // tower-sessions' own interface to the same clean-up.
    records.save(&record("ou_late", -time::Duration::minutes(1))).await.unwrap();
    records.delete_expired().await.unwrap();
    assert_eq!(count(raw(&store).await).await, 1);
    assert!(records.load(&live.id).await.unwrap().is_some());
}

#[tokio::test]
async fn create_gives_a_new_id_when_the_id_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();

    let mut first = record("ou_first", time::Duration::hours(1));
    records.create(&mut first).await.unwrap();
    // An expired session holds its id too, until the clean-up.
    let mut expired = record("ou_expired", -time::Duration::hours(1));
    records.create(&mut expired).await.unwrap();

    for taken in [first.id, expired.id] {
        let mut second = record("ou_second", time::Duration::hours(1));
        second.id = taken;
        records.create(&mut second).await.unwrap();
        assert_ne!(second.id, taken, "the colliding record got a fresh id");
        assert_eq!(records.load(&second.id).await.unwrap(), Some(as_stored(&second)));
    }
    assert_eq!(records.load(&first.id).await.unwrap(), Some(as_stored(&first)), "the first session is untouched");
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = record("ou_alice", time::Duration::days(14));
    {
        let store = Store::open(dir.path()).await.unwrap();
        store.session_records().create(&mut alice).await.unwrap();
        store.close().await;
    }
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.session_records().load(&alice.id).await.unwrap(), Some(as_stored(&alice)));
}

#[tokio::test]
async fn an_unreadable_record_is_deleted_and_counts_as_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();
    let mut alice = record("ou_alice", time::Duration::hours(1));
    records.create(&mut alice).await.unwrap();

    let pool = raw(&store).await;
    // The table holds the id's SHA-256, never the id a cookie carries.
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions").fetch_all(&pool).await.unwrap();
    let hashed: String = sha2::Sha256::digest(alice.id.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stored, std::slice::from_ref(&hashed));
    sqlx::query("UPDATE sessions SET data = '{\"user\": \"ou_alice\"' WHERE id = $1").bind(&hashed).execute(&pool).await.unwrap();
    assert_eq!(records.load(&alice.id).await.unwrap(), None);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0, "the unreadable record was deleted");
}

#[tokio::test]
async fn the_periodic_clean_up_deletes_and_ends_when_the_store_closes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();
    let expired = record("ou_expired", -time::Duration::seconds(1));
    records.save(&expired).await.unwrap();

    let task = tokio::spawn(records.clone().delete_expired_every(Duration::from_millis(20)));
    let pool = raw(&store).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&pool).await.unwrap();
        if left == 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the clean-up never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    store.close().await;
    tokio::time::timeout(Duration::from_secs(10), task).await.expect("the clean-up ended after close").unwrap();
}

/// Counts the visits of one browser in its session, as a signed-in page would keep
/// the user's identity there.
async fn visit(session: Session) -> String {
    let visits: u64 = session.get("visits").await.unwrap().unwrap_or(0) + 1;
    session.insert("visits", visits).await.unwrap();
    visits.to_string()
}

async fn sign_out(session: Session) -> StatusCode {
    session.flush().await.unwrap();
    StatusCode::NO_CONTENT
}

fn app(records: SessionRecords) -> Router {
    Router::new()
        .route("/", get(visit))
        .route("/sign-out", get(sign_out))
        .layer(SessionManagerLayer::new(records).with_secure(false))
}

/// Sends a request with `cookie`, returning the body and the `id=…` pair of any
/// Set-Cookie.
async fn send(app: &Router, path: &str, cookie: Option<&str>) -> (String, Option<String>) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let set_cookie =
        response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (String::from_utf8(body.to_vec()).unwrap(), set_cookie)
}

#[tokio::test]
async fn an_axum_app_keeps_its_sessions_in_the_store_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cookie = {
        let store = Store::open(dir.path()).await.unwrap();
        let app = app(store.session_records());
        let (body, cookie) = send(&app, "/", None).await;
        assert_eq!(body, "1");
        let cookie = cookie.expect("a new session sets its cookie");
        assert!(cookie.starts_with("id="), "{cookie}");
        assert_eq!(send(&app, "/", Some(&cookie)).await.0, "2");
        store.close().await;
        cookie
    };

    let store = Store::open(dir.path()).await.unwrap();
    let app = app(store.session_records());
    assert_eq!(send(&app, "/", Some(&cookie)).await.0, "3", "the session survived the restart");

    send(&app, "/sign-out", Some(&cookie)).await;
    let (body, fresh) = send(&app, "/", Some(&cookie)).await;
    assert_eq!(body, "1", "after signing out the old cookie starts afresh");
    assert_ne!(fresh.as_deref(), Some(cookie.as_str()));
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&raw(&store).await).await.unwrap();
    assert_eq!(held, 1, "only the fresh session is held");
}

#[tokio::test]
async fn an_unchanged_session_moves_its_stored_expiry_on_at_most_once_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let records = store.session_records();
    let mut carol = record("ou_carol", time::Duration::hours(12));
    records.create(&mut carol).await.unwrap();
    records.save(&carol).await.unwrap();
    let first = records.load(&carol.id).await.unwrap().unwrap().expiry_date;

    // Requests a few seconds apart, as a person reads the dashboard: tower-sessions saves
    // the session on each to move its inactivity expiry on; the store writes none of them.
    let mut later = carol.clone();
    later.expiry_date += time::Duration::seconds(store::EXPIRY_WRITE_EVERY - 5);
    records.save(&later).await.unwrap();
    assert_eq!(records.load(&carol.id).await.unwrap().unwrap().expiry_date, first, "within a minute: not written");

    // A minute on, the expiry is written.
    later.expiry_date = carol.expiry_date + time::Duration::seconds(store::EXPIRY_WRITE_EVERY);
    records.save(&later).await.unwrap();
    assert_eq!(records.load(&carol.id).await.unwrap().unwrap(), as_stored(&later));

    // A change of the data is written at once, whatever the expiry.
    let mut changed = later.clone();
    changed.data.insert("lang".to_owned(), json!("en"));
    changed.expiry_date += time::Duration::seconds(1);
    records.save(&changed).await.unwrap();
    assert_eq!(records.load(&carol.id).await.unwrap().unwrap(), as_stored(&changed));

    // Deleted (signed out), a later save of the same data writes it again, as before.
    records.delete(&carol.id).await.unwrap();
    assert_eq!(records.load(&carol.id).await.unwrap(), None);
    records.save(&changed).await.unwrap();
    assert_eq!(records.load(&carol.id).await.unwrap(), Some(as_stored(&changed)));
}
