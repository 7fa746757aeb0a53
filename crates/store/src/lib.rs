//! Block Insights' embedded store, in SQLite: the days whose numbers are final (so that
//! a restart spends no Feishu quota on them), the names admins give blocks, the count
//! of Feishu calls per month, sign-in sessions (for tower-sessions, see
//! [`SessionRecords`]) and the hashes of API tokens.
//!
//! Opening never crashes on a damaged file: [`Store::open`] moves it aside, starts an
//! empty store and says so in [`Store::outcome`]; the lost days are fetched again from
//! Feishu, while sessions and API tokens are lost for good (users sign in again,
//! admins create new tokens). The SQL is kept to what PostgreSQL also accepts, for
//! deployments with several replicas later on.

mod api_tokens;
mod calls;
mod days;
mod error;
mod labels;
mod open;
mod sessions;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use domain::{AccessRow, BlockId};
use sqlx::SqlitePool;

pub use api_tokens::{API_TOKEN_PREFIX, ApiTokenInfo, InvalidApiTokenName, MAX_API_TOKEN_NAME_CHARS, NewApiToken};
pub use error::{InvalidLabel, StoreError};
pub use labels::MAX_LABEL_CHARS;
pub use sessions::SessionRecords;

/// The store: a handle to one SQLite database. Cheap to clone; clones share the
/// connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    outcome: OpenOutcome,
    path: Option<PathBuf>,
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

/// Which question a held day answers: the numbers of every block, or of one block.
/// Feishu answers the two separately, so they are kept apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DayFilter {
    AllBlocks,
    Block(BlockId),
}

impl DayFilter {
    /// The key under which the filter's days are stored. Block ids are digits only, so
    /// `*` cannot collide with one.
    fn key(&self) -> &str {
        match self {
            DayFilter::AllBlocks => "*",
            DayFilter::Block(id) => id.as_str(),
        }
    }
}

/// One final day and everything Feishu reported for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDay {
    pub day: NaiveDate,
    /// Sorted by block id when loaded. Empty when nobody visited that day. Every row's
    /// `date` is `day`.
    pub rows: Vec<AccessRow>,
}

/// A name an admin gave a block, and the group it is shown in, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockLabel {
    pub block_id: BlockId,
    /// 1 to [`MAX_LABEL_CHARS`] characters, one line, no surrounding white space.
    pub name: String,
    /// Like `name`; `None` shows the block outside any group.
    pub group: Option<String>,
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

    /// An empty store that lives in memory and vanishes when dropped, for tests.
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        open::open_memory().await
    }

    /// What opening found: an existing store, none, or a damaged one.
    pub fn outcome(&self) -> &OpenOutcome {
        &self.outcome
    }

    /// The database file, or `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Folds the write-ahead log into the database file and closes every connection,
    /// waiting for work under way. Saves that returned are durable without this; call
    /// it at shutdown so that the database file alone holds everything.
    pub async fn close(&self) {
        // SQLite folds the log in when its last connection closes, but the pool lets go
        // of its connections in the background; doing it here makes it happen now.
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
            tracing::warn!(%error, "could not fold the store's log into its file; the next open will");
        }
        self.pool.close().await;
    }
}

/// Unix seconds now; 0 should the clock sit before 1970.
fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
