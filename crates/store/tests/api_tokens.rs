//! API tokens: created, verified, revoked; kept only as hashes; names validated.

use std::path::Path;

use chrono::Utc;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use store::{API_TOKEN_PREFIX, ApiTokenPermissions, InvalidApiTokenName, Store, StoreError};

const READ_ONLY: ApiTokenPermissions = ApiTokenPermissions { can_write_names: false, can_manage_digests: false };

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether any file in `dir` (the database, its log, its shared memory) holds `needle`.
/// SQLite removes its log and shared memory when the last connection closes, which may
/// happen between listing and reading: a file gone by then holds nothing.
fn files_contain(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|entry| match std::fs::read(entry.unwrap().path()) {
        Ok(bytes) => bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => panic!("cannot read a store file: {e}"),
    })
}

/// A second connection to the store's file, to look at and set `last_used_at`.
async fn raw(store: &Store) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(store.path().unwrap());
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

#[tokio::test]
async fn a_token_verifies_until_it_is_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let before = Utc::now().timestamp();
    let new = store.create_api_token("  nightly export ", "ou_admin", READ_ONLY).await.unwrap();
    let token = new.token.expose_secret().to_owned();
    assert_eq!(new.name, "nightly export", "the name is trimmed");
    assert!(token.starts_with(API_TOKEN_PREFIX) && token.len() == 46, "{token}");
    assert!((before..=Utc::now().timestamp()).contains(&new.created_at.timestamp()));

    let info = store.verify_api_token(&token).await.unwrap().expect("a fresh token works");
    assert_eq!((info.id.as_str(), info.name.as_str(), info.created_by.as_str()), (new.id.as_str(), "nightly export", "ou_admin"));
    assert_eq!(info.created_at, new.created_at);
    assert!(info.last_used_at.is_some_and(|t| t >= new.created_at), "{info:?}");
    assert_eq!(info.revoked_at, None);
    assert_eq!(store.list_api_tokens().await.unwrap(), std::slice::from_ref(&info), "the use is recorded");

    let other = store.create_api_token("dashboard sync", "ou_admin", READ_ONLY).await.unwrap();
    assert!(store.revoke_api_token(&new.id).await.unwrap());
    assert_eq!(store.verify_api_token(&token).await.unwrap(), None, "a revoked token no longer works");
    assert!(!store.revoke_api_token(&new.id).await.unwrap(), "already revoked");
    assert!(!store.revoke_api_token("no-such-id").await.unwrap());
    assert!(store.verify_api_token(other.token.expose_secret()).await.unwrap().is_some(), "other tokens still work");

    let listed = store.list_api_tokens().await.unwrap();
    let revoked = listed.iter().find(|t| t.id == new.id).expect("revoked tokens stay listed");
    assert!(revoked.revoked_at.is_some_and(|t| t >= new.created_at), "{revoked:?}");
    assert_eq!(listed.len(), 2);

    // Tokens survive a restart, revocations too.
    store.close().await;
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.verify_api_token(&token).await.unwrap(), None);
    assert_eq!(store.verify_api_token(other.token.expose_secret()).await.unwrap().map(|t| t.id), Some(other.id));
}

#[tokio::test]
async fn anything_but_a_working_token_is_refused() {
    let store = Store::open_in_memory().await.unwrap();
    let token = store.create_api_token("script", "ou_admin", READ_ONLY).await.unwrap().token.expose_secret().to_owned();
    let mut altered = token.clone().into_bytes();
    altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let unknown = format!("{API_TOKEN_PREFIX}{}", "A".repeat(43));
    for presented in [
        "",
        "bi_",
        &altered,
        &unknown,
        &format!("{token} "),
        &format!("Bearer {token}"),
        &token[..45],
        &token.replacen("bi_", "xx_", 1),
    ] {
        assert_eq!(store.verify_api_token(presented).await.unwrap(), None, "{presented:?} was accepted");
    }
    assert!(store.verify_api_token(&token).await.unwrap().is_some());
}

#[tokio::test]
async fn the_store_holds_only_the_hash_of_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let new = store.create_api_token("report exporter", "ou_admin", READ_ONLY).await.unwrap();
    let token = new.token.expose_secret().to_owned();
    let hash = sha256_hex(&token);

    // The scan looks where the writes went: the name and the hash are found.
    assert!(files_contain(dir.path(), "report exporter"));
    assert!(files_contain(dir.path(), &hash));
    assert!(!files_contain(dir.path(), &token), "the token is on disk in clear");
    assert!(!files_contain(dir.path(), &token[API_TOKEN_PREFIX.len()..]), "the token's random part is on disk");

    store.verify_api_token(&token).await.unwrap().unwrap();
    store.close().await;
    assert!(files_contain(dir.path(), &hash), "the checkpointed file holds the hash");
    assert!(!files_contain(dir.path(), &token), "the token is on disk in clear after close");
}

#[tokio::test]
async fn neither_listing_nor_printing_shows_a_token_or_its_hash() {
    let store = Store::open_in_memory().await.unwrap();
    let new = store.create_api_token("ci", "ou_admin", READ_ONLY).await.unwrap();
    let token = new.token.expose_secret().to_owned();
    let hash = sha256_hex(&token);
    let printed = format!("{new:?}");
    assert!(!printed.contains(&token) && printed.contains("ci"), "{printed}");

    let verified = store.verify_api_token(&token).await.unwrap().unwrap();
    let listed = store.list_api_tokens().await.unwrap();
    for shown in [format!("{listed:?}"), format!("{verified:?}")] {
        assert!(!shown.contains(&token), "{shown}");
        assert!(!shown.contains(&hash), "{shown}");
        assert!(!shown.contains(&hash[..16]), "{shown}");
    }
}

#[tokio::test]
async fn last_used_is_written_at_most_once_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let new = store.create_api_token("poller", "ou_admin", READ_ONLY).await.unwrap();
    let token = new.token.expose_secret();
    let pool = raw(&store).await;
    let set_last_used = |seconds_ago: i64| {
        let pool = pool.clone();
        let id = new.id.clone();
        async move {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(Utc::now().timestamp() - seconds_ago)
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let last_used = || async { store.list_api_tokens().await.unwrap()[0].last_used_at.unwrap().timestamp() };

    set_last_used(30).await;
    let written = last_used().await;
    let seen = store.verify_api_token(token).await.unwrap().unwrap();
    assert_eq!(last_used().await, written, "used 30 s ago: not written again");
    assert_eq!(seen.last_used_at.unwrap().timestamp(), written, "and reported as stored");

    set_last_used(61).await;
    let before = Utc::now().timestamp();
    let seen = store.verify_api_token(token).await.unwrap().unwrap();
    let now = last_used().await;
    assert!(now >= before, "used 61 s ago: written again ({now} < {before})");
    assert_eq!(seen.last_used_at.unwrap().timestamp(), now);
}

#[tokio::test]
async fn names_are_validated_and_nothing_is_saved_when_refused() {
    let store = Store::open_in_memory().await.unwrap();
    let refused = |err: StoreError| match err {
        StoreError::InvalidApiTokenName(why) => why,
        other => panic!("expected a refused name, got {other}"),
    };

    let why = refused(store.create_api_token(" \t ", "ou_admin", READ_ONLY).await.unwrap_err());
    assert_eq!(why, InvalidApiTokenName::Empty);
    assert!(why.to_string().contains("1 to 80 characters"), "{why}");

    let why = refused(store.create_api_token(&"长".repeat(81), "ou_admin", READ_ONLY).await.unwrap_err());
    assert_eq!(why, InvalidApiTokenName::TooLong { len: 81 });
    assert!(why.to_string().contains("at most 80"), "{why}");

    let why = refused(store.create_api_token("export\nnightly", "ou_admin", READ_ONLY).await.unwrap_err());
    assert_eq!(why, InvalidApiTokenName::ControlCharacter { code: 0x0A });
    assert!(why.to_string().contains("U+000A"), "{why}");

    let err = store.create_api_token("export", "  ", READ_ONLY).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidTokenCreator { .. }), "{err}");
    assert!(err.to_string().contains("no token was created"), "{err}");

    assert!(store.list_api_tokens().await.unwrap().is_empty(), "no refused token was saved");
    let kept = store.create_api_token(&"长".repeat(80), "ou_admin", READ_ONLY).await.unwrap();
    assert_eq!(kept.name.chars().count(), 80, "80 characters are fine");
}

#[tokio::test]
async fn a_token_may_change_names_only_when_created_so_and_older_tokens_only_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let writer = store
        .create_api_token("names sync", "ou_admin", ApiTokenPermissions { can_write_names: true, can_manage_digests: false })
        .await
        .unwrap();
    assert!(writer.permissions.can_write_names);
    let reader = store.create_api_token("report", "ou_admin", READ_ONLY).await.unwrap();
    let verified = |token: &secrecy::SecretString| {
        let token = token.expose_secret().to_owned();
        let store = store.clone();
        async move { store.verify_api_token(&token).await.unwrap().unwrap().permissions }
    };
    assert_eq!(verified(&writer.token).await, ApiTokenPermissions { can_write_names: true, can_manage_digests: false });
    assert_eq!(verified(&reader.token).await, READ_ONLY);

    // A token saved as before the permission existed (no value given) may only read.
    let pool = raw(&store).await;
    sqlx::query("INSERT INTO api_tokens (id, name, token_hash, created_by, created_at) VALUES ('old', 'old', 'x', 'ou', 0)")
        .execute(&pool)
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(dir.path()).await.unwrap();
    let listed = store.list_api_tokens().await.unwrap();
    let by_name = |name: &str| listed.iter().find(|t| t.name == name).unwrap().permissions.can_write_names;
    assert_eq!((by_name("names sync"), by_name("report"), by_name("old")), (true, false, false), "kept across a restart");
}

#[tokio::test]
async fn tokens_keep_their_terms_and_expired_ones_are_not_marked_used() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let terms = store::ApiTokenTerms {
        permissions: ApiTokenPermissions { can_write_names: false, can_manage_digests: true },
        expires_at: Some(chrono::Utc::now() - chrono::Duration::seconds(5)),
        creator: Some("{\"open_id\":\"ou_admin\"}".into()),
    };
    let expired = store.create_api_token("digest bot", "Admin", terms.clone()).await.unwrap();
    let seen = store.verify_api_token(expired.token.expose_secret()).await.unwrap().expect("answered, to be told expired");
    assert!(seen.expired(chrono::Utc::now()));
    assert_eq!(seen.permissions, terms.permissions);
    assert_eq!(seen.creator, terms.creator);
    assert_eq!(seen.last_used_at, None, "an expired token's use is not recorded");
    let later = store::ApiTokenTerms { expires_at: Some(chrono::Utc::now() + chrono::Duration::days(90)), ..terms };
    let working = store.create_api_token("digest bot 2", "Admin", later).await.unwrap();
    let seen = store.verify_api_token(working.token.expose_secret()).await.unwrap().unwrap();
    assert!(!seen.expired(chrono::Utc::now()));
    assert!(seen.last_used_at.is_some());
}
