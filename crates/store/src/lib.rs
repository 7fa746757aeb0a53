//! Block Insights' embedded store, in SQLite: the days whose numbers are final (so that
//! a restart spends no Feishu quota on them), the names admins give blocks and the
//! workplaces they put them in, the count of Feishu calls per month, sign-in sessions
//! (for tower-sessions, see [`SessionRecords`]), the hashes of API tokens, and the
//! digests posted into Feishu chats: their schedules and every delivery, claimed so that
//! replicas send each once (see [`Store::claim_delivery`]).
//!
//! Opening never crashes on a damaged file: [`Store::open`] moves it aside, starts an
//! empty store and says so in [`Store::outcome`]; the lost days are fetched again from
//! Feishu, while sessions and API tokens are lost for good (users sign in again,
//! admins create new tokens).
//!
//! With several replicas the same code and migrations run on PostgreSQL
//! ([`Store::connect`]): every statement is written so that both accept it, and each
//! runs on whichever pool the store holds (see `with_pool!`).

/// Runs `$body` with `$pool` bound to the store's pool, SQLite's or PostgreSQL's: the
/// same statement text, bound and fetched the same way, compiled once per database.
macro_rules! with_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}

mod api_tokens;
mod calls;
mod days;
mod digests;
mod error;
mod labels;
mod leases;
mod notes;
mod open;
mod rate;
mod refresh_gates;
mod scope_columns;
mod sessions;
mod share_links;
mod task_leases;
mod viewers;
mod workplaces;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use domain::{AccessRow, BlockId};
use sqlx::{PgPool, SqlitePool};

pub use api_tokens::{API_TOKEN_PREFIX, ApiTokenInfo, ApiTokenPermissions, ApiTokenTerms, NewApiToken};
pub use refresh_gates::RefreshClaims;
// A label's rules are the domain's, shared with the page and the import.
pub use digests::{
    Delivery, DeliveryFailure, DeliveryState, DigestCadence, DigestLanguage, DigestSchedule, MAX_DELIVERY_ERROR_CHARS,
};
pub use domain::{BlockLabel, InvalidLabel, MAX_LABEL_CHARS};
pub use error::{
    InvalidApiTokenName, InvalidDigestSchedule, MAX_API_TOKEN_NAME_CHARS, MAX_CHAT_ID_CHARS, MAX_CHAT_NAME_CHARS,
    MAX_UPDATED_BY_CHARS, StoreError,
};
pub use leases::replica_name;
pub use notes::Note;
pub use rate::RateAttempt;
pub use sessions::{EXPIRY_WRITE_EVERY, SessionRecords};
pub use share_links::{NewShareLink, ShareLink};
pub use viewers::ViewerGrant;
pub use workplaces::WorkplaceNames;

/// The store: a handle to one SQLite database. Cheap to clone; clones share the
/// connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    outcome: OpenOutcome,
    path: Option<PathBuf>,
}

/// The database behind a store.
#[derive(Clone, Debug)]
enum Pool {
    /// The embedded database of one server.
    Sqlite(SqlitePool),
    /// A database that several replicas share.
    Postgres(PgPool),
}

impl Pool {
    fn is_closed(&self) -> bool {
        with_pool!(self, |pool| pool.is_closed())
    }
}

/// What [`Store::open`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenOutcome {
    /// An existing store was opened as it was.
    Opened,
    /// There was no store; an empty one was created.
    Created,
    /// The store was damaged: it was moved to `moved_to` (kept for inspection) and an
    /// empty one was created. Every final day will be fetched again from Feishu; every
    /// user must sign in again and every API token be created anew.
    Rebuilt {
        /// Where the damaged database file now is; its `-wal` and `-shm` files, if any,
        /// sit next to it with those suffixes.
        moved_to: PathBuf,
        /// What was wrong, in SQLite's or the check's words.
        reason: String,
    },
}

/// Which question a held day answers: the numbers of every block, of one block, of
/// the workplace totals or of the custom workplaces. Feishu answers each separately,
/// so they are kept apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DayFilter {
    /// Every block's numbers (`workplace_block_access_data`).
    AllBlocks,
    /// One block's numbers.
    Block(BlockId),
    /// All workplaces and the default workplace (`workplace_access_data`).
    Workplaces,
    /// Every custom workplace (`custom_workplace_access_data`).
    CustomWorkplaces,
}

impl DayFilter {
    /// The key under which the filter's days are stored. Block ids are digits only, so
    /// neither `*` nor a word can collide with one.
    fn key(&self) -> &str {
        match self {
            DayFilter::AllBlocks => "*",
            DayFilter::Block(id) => id.as_str(),
            DayFilter::Workplaces => "workplaces",
            DayFilter::CustomWorkplaces => "custom_workplaces",
        }
    }
}

/// One item of a final day: what it is about and its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRow {
    /// What the numbers are of: a block id for block days, a custom workplace id for
    /// custom workplace days, `all` or `default` for the workplace totals. One word:
    /// no space, no comma.
    pub key: String,
    /// Page views.
    pub pv: u64,
    /// Distinct users.
    pub uv: u64,
}

impl From<&AccessRow> for StoredRow {
    fn from(row: &AccessRow) -> Self {
        StoredRow { key: row.block_id.as_str().to_owned(), pv: row.pv, uv: row.uv }
    }
}

/// One final day and everything Feishu reported for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDay {
    pub day: NaiveDate,
    /// Sorted by key when loaded. Empty when nobody visited that day.
    pub rows: Vec<StoredRow>,
}

/// How much the store holds, for logs and the health page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreStats {
    /// Held days, over all filters.
    pub held_days: u64,
    /// Rows of those days.
    pub rows: u64,
}

impl Store {
    /// Opens the store in `data_dir` (the file `block-insights.db`), creating the
    /// directory and the store when missing. A damaged store is moved aside and
    /// replaced by an empty one; see [`Store::outcome`]. Fails only when the directory
    /// or the file cannot be used at all (permissions, full disk, another server
    /// holding the file locked).
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        open::open_dir(data_dir).await
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://…`), which several
    /// replicas may share, and brings its schema up to date (replicas starting at once
    /// take turns: sqlx holds an advisory lock while it migrates). Waits up to
    /// `connect_timeout` for the database to answer.
    pub async fn connect(url: &str, connect_timeout: std::time::Duration) -> Result<Store, StoreError> {
        open::connect_postgres(url, connect_timeout).await
    }

    /// Whether the store is shared with other replicas (PostgreSQL), so that what one
    /// replica does (fetching a day, counting calls) must be agreed with the others.
    pub fn is_shared(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// An empty store that lives in memory and vanishes when dropped, for tests.
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        open::open_memory().await
    }

    /// What opening found: an existing store, none, or a damaged one.
    pub fn outcome(&self) -> &OpenOutcome {
        &self.outcome
    }

    /// The database file, or `None` for a store in memory or in PostgreSQL.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Folds the write-ahead log into the database file and closes every connection,
    /// waiting for work under way. Saves that returned are durable without this; call
    /// it at shutdown so that the database file alone holds everything.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => {
                // SQLite folds the log in when its last connection closes, but the pool lets
                // go of its connections in the background; doing it here makes it happen now.
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await {
                    tracing::warn!(%error, "could not fold the store's log into its file; the next open will");
                }
                pool.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Unix seconds now; 0 should the clock sit before 1970.
fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// For tests of the store on PostgreSQL, here and in other crates.
#[cfg(feature = "testing")]
pub mod testing {
    use sqlx::Connection;

    /// The URL of a new, empty database on the PostgreSQL server that
    /// `TEST_DATABASE_URL` names (`scripts/test` starts one and sets it), so that each
    /// test has a database of its own. Panics with what to do when the variable is not
    /// set or the server does not answer: a test of the shared store must not pass
    /// without one.
    pub async fn fresh_postgres_database() -> String {
        let admin_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
            panic!(
                "TEST_DATABASE_URL is not set: run the tests through ./scripts/test, which starts PostgreSQL, \
                 or point it at a PostgreSQL server whose user may create databases"
            )
        });
        let name = format!("bi_test_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL of TEST_DATABASE_URL: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
        admin.close().await.ok();
        let (base, _) = admin_url.rsplit_once('/').expect("TEST_DATABASE_URL ends in /<database>");
        format!("{base}/{name}")
    }
}
