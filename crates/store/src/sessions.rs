//! Sign-in sessions for tower-sessions, kept in the store so that a restart signs
//! nobody out.
//!
//! A session's data is stored as JSON text with its expiry in unix seconds. The data
//! may hold who the user is, so nothing here logs it, nor puts it in an error: a
//! record that cannot be read back is reported without its contents.
//!
//! The id is stored as its SHA-256 ([`stored_id`]), not as the cookie carries it: a
//! copy of the table (a backup, a replica's disk, a query log) gives no one a session
//! to replay. The id is 128 random bits, so a plain hash is enough (nothing to salt
//! against a dictionary). Sessions stored before this kept their ids as they were and
//! are no longer found: their users sign in once more.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::{Store, StoreError};

/// How many fresh ids [`SessionRecords::create`] tries before giving up. Ids are 128
/// random bits, so a second try happens about never and a ninth means the random
/// source is broken.
const CREATE_ATTEMPTS: usize = 8;

/// The store's sign-in sessions, as tower-sessions' [`SessionStore`]: give it to
/// `SessionManagerLayer::new`. Cheap to clone; clones share the store.
///
/// Records come back with their expiry in whole seconds (the fraction is dropped when
/// saved), and a record is gone from the second its expiry falls in.
#[derive(Clone, Debug)]
pub struct SessionRecords {
    store: Store,
    /// What this process last wrote for each session (its data's hash and expiry), so
    /// that a request that only moves the expiry on writes it at most once a
    /// [`EXPIRY_WRITE_EVERY`]: tower-sessions saves a session with an inactivity expiry
    /// on every request, which made every page load a write to the database.
    written: Arc<Mutex<HashMap<String, (u64, i64)>>>,
}

/// A session whose data is unchanged has its later expiry written at most this often
/// (seconds): its stored expiry lags at most this much behind the last request.
pub const EXPIRY_WRITE_EVERY: i64 = 60;

/// Sessions remembered in [`SessionRecords::written`] at most; past it the memory is
/// cleared (the next save of each writes again).
const WRITTEN_REMEMBERED: usize = 10_000;

impl Store {
    /// The sign-in sessions held in this store, for tower-sessions.
    pub fn session_records(&self) -> SessionRecords {
        SessionRecords { store: self.clone(), written: Arc::default() }
    }

    /// Deletes every session whose expiry has passed and returns how many went.
    /// Expired sessions are never loaded, so this only frees space; run it now and
    /// then, e.g. through [`SessionRecords::delete_expired_every`].
    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(OffsetDateTime::now_utc().unix_timestamp())
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "delete expired sign-in sessions", source })
    }

    /// How many sessions are stored, expired or not (for `/metrics` and the tests that
    /// check that nobody stores a session without signing in).
    pub async fn count_sessions(&self) -> Result<u64, StoreError> {
        let n: i64 = with_pool!(&self.pool, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(pool).await)
            .map_err(|source| StoreError::Database { action: "count the sign-in sessions", source })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl SessionRecords {
    /// Deletes expired sessions every `period`, for as long as the store is open:
    /// spawn it at start-up (`tokio::spawn(records.delete_expired_every(period))`).
    /// A failed round is logged and the next one tried; the task ends once
    /// [`Store::close`] has run.
    pub async fn delete_expired_every(self, period: Duration) {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if self.store.pool.is_closed() {
                tracing::debug!("the store is closed: no more clean-ups of expired sessions");
                return;
            }
            match self.store.delete_expired_sessions().await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "deleted expired sign-in sessions"),
                Err(error) if self.store.pool.is_closed() => {
                    tracing::debug!(%error, "the store closed during a clean-up of expired sessions");
                    return;
                }
                Err(error) => tracing::warn!(%error, "could not delete expired sign-in sessions; will try again"),
            }
        }
    }

    /// Writes the session's data and expiry under `id`, whether it is there or not.
    async fn upsert(&self, id: &str, data: &str, expires_at: i64) -> session_store::Result<()> {
        with_pool!(&self.store.pool, |pool| {
            sqlx::query(
                "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
            )
            .bind(id)
            .bind(data)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(|source| backend(StoreError::Database { action: "save a sign-in session", source }))
    }

    async fn insert_new(&self, id: &str, data: &str, expires_at: i64) -> Result<bool, StoreError> {
        let inserted = with_pool!(&self.store.pool, |pool| {
            sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(data)
                .bind(expires_at)
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "create a sign-in session", source })?;
        Ok(inserted == 1)
    }
}

/// The key a session is stored under: the SHA-256 of its id, in lower-case hex.
fn stored_id(id: &Id) -> String {
    Sha256::digest(id.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl SessionStore for SessionRecords {
    /// Inserts a new session. Should its id be taken (by any session, expired or
    /// not), the record is given a fresh random id and inserted under that, as
    /// tower-sessions asks of stores.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let expires_at = record.expiry_date.unix_timestamp();
        for _ in 0..CREATE_ATTEMPTS {
            if self.insert_new(&stored_id(&record.id), &data, expires_at).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(format!(
            "{CREATE_ATTEMPTS} random session ids in a row were taken; the server's random number source is broken, \
             check the host and restart"
        )))
    }

    /// Writes the record, inserting it if its session is not held (any more).
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let id = stored_id(&record.id);
        let expires_at = record.expiry_date.unix_timestamp();
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            data.hash(&mut hasher);
            hasher.finish()
        };
        let unchanged = |written: &HashMap<String, (u64, i64)>| {
            written.get(&id).is_some_and(|(h, at)| *h == hash && (*at..*at + EXPIRY_WRITE_EVERY).contains(&expires_at))
        };
        if unchanged(&self.written.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(());
        }
        let saved = self.upsert(&id, &data, expires_at).await;
        if saved.is_ok() {
            let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
            if written.len() >= WRITTEN_REMEMBERED {
                written.clear();
            }
            written.insert(id, (hash, expires_at));
        }
        saved
    }

    /// The session, unless it is unknown or expired. A record that cannot be read
    /// back is deleted and treated as unknown: its user signs in again rather than
    /// meeting an error on every request until it expires.
    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let id = stored_id(session_id);
        let found: Option<(String, i64)> = with_pool!(&self.store.pool, |pool| {
            sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(&id)
                .bind(OffsetDateTime::now_utc().unix_timestamp())
                .fetch_optional(pool)
                .await
        })
        .map_err(|source| backend(StoreError::Database { action: "load a sign-in session", source }))?;
        let Some((data, expires_at)) = found else { return Ok(None) };
        match decode(*session_id, &data, expires_at) {
            Ok(record) => Ok(Some(record)),
            Err(problem) => {
                // Neither the data nor the id (which is as good as a password) is logged.
                tracing::warn!(%problem, "a stored sign-in session could not be read; deleted it, its user signs in again");
                self.delete(session_id).await?;
                Ok(None)
            }
        }
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        self.written.lock().unwrap_or_else(PoisonError::into_inner).remove(&stored_id(session_id));
        with_pool!(&self.store.pool, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id = $1").bind(stored_id(session_id)).execute(pool).await.map(|_| ())
        })
        .map_err(|source| backend(StoreError::Database { action: "delete a sign-in session", source }))?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for SessionRecords {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.store.delete_expired_sessions().await.map(drop).map_err(backend)
    }
}

fn backend(error: StoreError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    // A map with string keys always encodes; should it not, serde_json's message names
    // no value.
    serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(format!("could not write a sign-in session's data as JSON: {e}")))
}

/// Reads a stored record back. The problem never quotes the data: serde_json's
/// messages can ("invalid type: string \"…\""), so only where it went wrong is said.
fn decode(id: Id, data: &str, expires_at: i64) -> Result<Record, String> {
    let data = serde_json::from_str(data).map_err(|e| {
        format!("its data is not the JSON the server writes ({:?} at line {} column {})", e.classify(), e.line(), e.column())
    })?;
    let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at)
        .map_err(|_| format!("its expiry, {expires_at} unix seconds, is not a date"))?;
    Ok(Record { id, data, expiry_date })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_data_is_described_without_quoting_it() {
        let secret = "ou_0123456789abcdef";
        for stored in [format!("{{\"user\": \"{secret}\""), format!("[\"{secret}\"]"), format!("\"{secret}\"")] {
            let problem = decode(Id::default(), &stored, 0).unwrap_err();
            assert!(!problem.contains(secret), "{problem}");
            assert!(problem.contains("line 1"), "{problem}");
        }
        assert!(decode(Id::default(), "{}", i64::MAX).unwrap_err().contains("not a date"));
        let record = decode(Id(7), "{\"n\":1}", 1_700_000_000).unwrap();
        assert_eq!((record.id, record.data["n"].as_i64(), record.expiry_date.unix_timestamp()), (Id(7), Some(1), 1_700_000_000));
    }
}
