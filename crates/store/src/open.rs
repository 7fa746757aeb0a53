//! Opening the store, and recovering from a damaged one by moving it aside.
//!
//! The store only caches what Feishu can tell again, so a damaged file is never worth
//! a crash: it is kept for inspection under another name and an empty store takes its
//! place. Trouble with the surroundings (permissions, a full disk, another server
//! holding the lock) is different: moving the file would not help, so it is an error.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use crate::{OpenOutcome, Pool, Store, StoreError, unix_seconds};

/// The database file's name inside the data directory.
const FILE_NAME: &str = "block-insights.db";

/// Files SQLite keeps next to the database in WAL mode; they belong to it and move
/// with it.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// Readers run side by side in WAL mode; writes take turns whatever the pool size.
const MAX_CONNECTIONS: u32 = 4;

/// How long a statement waits for another connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

static MIGRATOR: Migrator = sqlx::migrate!();

/// Why an attempt to open failed: the file is damaged (move it aside and start
/// afresh) or something around it is wrong (report it).
enum Failure {
    Damaged(String),
    Surroundings(sqlx::Error),
}

pub(crate) async fn open_dir(data_dir: &Path) -> Result<Store, StoreError> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir { path: data_dir.to_owned(), source })?;
    let path = data_dir.join(FILE_NAME);
    let existed = path.try_exists().map_err(|source| StoreError::Open { path: path.clone(), source: sqlx::Error::Io(source) })?;
    if !existed {
        set_aside_orphans(&path)?;
    }

    let outcome = match probe(&path).await {
        Ok(()) if existed => OpenOutcome::Opened,
        Ok(()) => OpenOutcome::Created,
        Err(Failure::Surroundings(source)) => return Err(StoreError::Open { path, source }),
        // A file this very call created cannot be at fault: the disk or SQLite is.
        Err(Failure::Damaged(reason)) if !existed => return Err(StoreError::FreshStoreDamaged { path, reason }),
        Err(Failure::Damaged(reason)) => {
            let moved_to = move_aside(&path, &reason)?;
            tracing::warn!(
                path = %path.display(),
                moved_to = %moved_to.display(),
                %reason,
                "the store was damaged: moved it aside and started an empty one; \
                 every final day will be fetched again from Feishu, which spends API calls; \
                 users must sign in again and API tokens be created anew"
            );
            match probe(&path).await {
                Ok(()) => OpenOutcome::Rebuilt { moved_to, reason },
                Err(Failure::Surroundings(source)) => return Err(StoreError::Open { path, source }),
                Err(Failure::Damaged(reason)) => return Err(StoreError::FreshStoreDamaged { path, reason }),
            }
        }
    };

    let options = SqliteConnectOptions::new()
        .filename(&path)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL syncs the log on every commit: a save that returned survives a killed
        // process and a lost machine alike.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Open { path: path.clone(), source })?;
    match &outcome {
        OpenOutcome::Opened => tracing::info!(path = %path.display(), "opened the store"),
        OpenOutcome::Created => tracing::info!(path = %path.display(), "created an empty store"),
        OpenOutcome::Rebuilt { .. } => {}
    }
    Ok(Store { pool: Pool::Sqlite(pool), outcome, path: Some(path) })
}

pub(crate) async fn open_memory() -> Result<Store, StoreError> {
    let path = PathBuf::from(":memory:");
    let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true);
    // Every connection to ":memory:" is a database of its own: keep exactly one, forever.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Open { path: path.clone(), source })?;
    MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migrate { path, source })?;
    Ok(Store { pool: Pool::Sqlite(pool), outcome: OpenOutcome::Created, path: None })
}

/// Connections per replica to a shared PostgreSQL: enough for the sessions, names and
/// saves of a busy replica, few enough that a handful of replicas stay far under
/// PostgreSQL's default of 100.
const PG_MAX_CONNECTIONS: u32 = 10;

/// The longest any statement may run on the shared PostgreSQL; every statement of the
/// store takes milliseconds, and migrations (which replicas starting together take in
/// turns) a few seconds.
const PG_STATEMENT_TIMEOUT: &str = "30s";

pub(crate) async fn connect_postgres(url: &str, connect_timeout: Duration) -> Result<Store, StoreError> {
    let options: PgConnectOptions = url.parse().map_err(|source| StoreError::Connect { source })?;
    // No statement waits without bound (a lock held by a stuck replica, a busy server):
    // past this PostgreSQL cancels it and the caller gets the error.
    let options = options.options([("statement_timeout", PG_STATEMENT_TIMEOUT)]);
    let pool = PgPoolOptions::new()
        .max_connections(PG_MAX_CONNECTIONS)
        .acquire_timeout(connect_timeout)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Connect { source })?;
    MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migrate { path: PathBuf::from("(PostgreSQL)"), source })?;
    tracing::info!("connected to the shared store (PostgreSQL)");
    Ok(Store { pool: Pool::Postgres(pool), outcome: OpenOutcome::Opened, path: None })
}

/// Opens the file on one connection of its own, checks it, brings its schema up to
/// date, and closes that connection before returning. The close is awaited because
/// the file may be renamed next: a connection closing later would tidy up `-wal` and
/// `-shm` files by their old names, which by then belong to the new store.
async fn probe(path: &Path) -> Result<(), Failure> {
    // No pragma here touches the file, so connecting succeeds even for junk and the
    // connection is ours to close whatever the checks find.
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true).busy_timeout(BUSY_TIMEOUT);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(|e| classify(e, "opening it failed"))?;
    let checked = check_and_migrate(&mut conn).await;
    if let Err(error) = conn.close().await {
        tracing::warn!(path = %path.display(), %error, "could not close the connection that checked the store");
    }
    checked
}

async fn check_and_migrate(conn: &mut SqliteConnection) -> Result<(), Failure> {
    // The first statement to read the file: a file that is not a database fails here.
    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await.map_err(|e| classify(e, "reading it failed"))?;
    let findings: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| classify(e, "the integrity check could not run"))?;
    if findings.as_slice() != ["ok"] {
        let shown: Vec<&str> = findings.iter().take(3).map(String::as_str).collect();
        return Err(Failure::Damaged(format!("the integrity check found: {}", shown.join("; "))));
    }
    MIGRATOR.run(&mut *conn).await.map_err(|e| match e {
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => classify(e, "a migration failed"),
        other => Failure::Damaged(format!("a migration failed: {other}")),
    })
}

/// Sorts an error into damage or surroundings. Anything not clearly about the
/// surroundings counts as damage: moving a file aside loses nothing, while refusing
/// to start leaves the dashboard down.
fn classify(error: sqlx::Error, doing: &str) -> Failure {
    // SQLite's primary result codes (https://sqlite.org/rescode.html).
    const PERM: i64 = 3;
    const BUSY: i64 = 5;
    const LOCKED: i64 = 6;
    const NOMEM: i64 = 7;
    const READONLY: i64 = 8;
    const IOERR: i64 = 10;
    const FULL: i64 = 13;
    const CANTOPEN: i64 = 14;
    let surroundings = match &error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let primary = db.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff);
            matches!(primary, Some(PERM | BUSY | LOCKED | NOMEM | READONLY | IOERR | FULL | CANTOPEN))
        }
        _ => false,
    };
    if surroundings { Failure::Surroundings(error) } else { Failure::Damaged(format!("{doing}: {error}")) }
}

/// Renames the database and its companions to `<name>.corrupt-<unix seconds>`
/// (plus `-wal`/`-shm`), returning the database's new path.
fn move_aside(path: &Path, reason: &str) -> Result<PathBuf, StoreError> {
    let target = free_aside_name(path);
    rename_with_companions(path, &target).map_err(|(to, source)| StoreError::MoveAside {
        path: path.to_owned(),
        to,
        reason: reason.to_owned(),
        source,
    })?;
    Ok(target)
}

/// A `-wal` left without its database would be replayed into the new, empty one and
/// leave it half-written; set such leftovers aside before creating the database.
fn set_aside_orphans(path: &Path) -> Result<(), StoreError> {
    let orphans: Vec<&str> = COMPANIONS.into_iter().filter(|suffix| with_suffix(path, suffix).exists()).collect();
    if orphans.is_empty() {
        return Ok(());
    }
    let target = free_aside_name(path);
    for suffix in orphans {
        let (from, to) = (with_suffix(path, suffix), with_suffix(&target, suffix));
        std::fs::rename(&from, &to).map_err(|source| StoreError::MoveAside {
            path: from.clone(),
            to: to.clone(),
            reason: "it was left behind without its database".to_owned(),
            source,
        })?;
        tracing::warn!(from = %from.display(), to = %to.display(), "set aside a store's log file left without its database");
    }
    Ok(())
}

fn rename_with_companions(path: &Path, target: &Path) -> Result<(), (PathBuf, std::io::Error)> {
    std::fs::rename(path, target).map_err(|e| (target.to_owned(), e))?;
    for suffix in COMPANIONS {
        let (from, to) = (with_suffix(path, suffix), with_suffix(target, suffix));
        if from.exists() {
            std::fs::rename(&from, &to).map_err(|e| (to, e))?;
        }
    }
    Ok(())
}

/// `<name>.corrupt-<unix seconds>`, with a counter should that name be taken (two
/// rebuilds within a second).
fn free_aside_name(path: &Path) -> PathBuf {
    let stem = with_suffix(path, &format!(".corrupt-{}", unix_seconds()));
    let taken = |p: &Path| p.exists() || COMPANIONS.iter().any(|s| with_suffix(p, s).exists());
    let mut candidate = stem.clone();
    let mut n = 1;
    while taken(&candidate) {
        n += 1;
        candidate = with_suffix(&stem, &format!(".{n}"));
    }
    candidate
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}
