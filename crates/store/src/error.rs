//! Why the store could not do what was asked ([`StoreError`]), and why it refused a value
//! it was given: a token's name ([`InvalidApiTokenName`]), a digest schedule
//! ([`InvalidDigestSchedule`]), with the limits their messages quote. The refusals are
//! here rather than beside the tokens and digests so that `StoreError`, which wraps
//! them, depends on no module that returns it.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::InvalidLabel;

/// Longest token name, in characters.
pub const MAX_API_TOKEN_NAME_CHARS: usize = 80;

/// Longest Feishu chat id the store takes, in characters.
pub const MAX_CHAT_ID_CHARS: usize = 64;

/// Longest chat name the store keeps, in characters.
pub const MAX_CHAT_NAME_CHARS: usize = 200;

/// Longest name of who saved a schedule, in characters.
pub const MAX_UPDATED_BY_CHARS: usize = 200;

/// Why the store could not do what was asked. Each message says what happened and
/// what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "could not create the data directory {path}: {source}; create it by hand or choose a directory the server may write to"
    )]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "could not open the store {path}: {source}; check that the disk has space, that the server may read and write the file, and that no other Block Insights server uses the same data directory"
    )]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "could not connect to the shared store in PostgreSQL (DATABASE_URL): {source}; check that the server runs and accepts connections from here, and the URL's host, port, database, user and password"
    )]
    Connect {
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "the store {path} was damaged ({reason}) and could not be moved aside to {to}: {source}; move or delete it by hand and restart (its days will be fetched again from Feishu, everyone signs in again and API tokens must be created anew)"
    )]
    MoveAside {
        path: PathBuf,
        to: PathBuf,
        reason: String,
        #[source]
        source: std::io::Error,
    },

    #[error("could not prepare the store {path}: {source}; this is a bug in Block Insights (its migrations), please report it")]
    Migrate {
        path: PathBuf,
        #[source]
        source: sqlx::migrate::MigrateError,
    },

    #[error(
        "a store just created at {path} cannot be prepared ({reason}); check the disk and the file system, then restart; if they are sound, this is a bug in Block Insights, please report it"
    )]
    FreshStoreDamaged { path: PathBuf, reason: String },

    #[error("could not {action}: {source}; if this repeats, check the disk (space, permissions) and restart the server")]
    Database {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "the store holds {what}, which it cannot read back; stop the server, move block-insights.db aside and restart (its days will be fetched again from Feishu, everyone signs in again and API tokens must be created anew)"
    )]
    Unreadable { what: String },

    #[error("cannot save {day}: {problem}; this is a bug in the caller, the day was not saved")]
    InvalidDay { day: NaiveDate, problem: String },

    #[error("{what} is {value}, more than the store can hold ({max}); this is a bug in the caller", max = i64::MAX)]
    TooLarge { what: &'static str, value: u64 },

    #[error("there is no note {id:?} (it was removed meanwhile); none of the notes were saved")]
    NoSuchNote { id: String },

    #[error("{month:?} is not a month: write it as YYYY-MM, e.g. 2024-03")]
    InvalidMonth { month: String },

    #[error(transparent)]
    InvalidLabel(#[from] InvalidLabel),

    #[error(transparent)]
    InvalidApiTokenName(#[from] InvalidApiTokenName),

    #[error(transparent)]
    InvalidDigestSchedule(#[from] InvalidDigestSchedule),

    #[error("cannot record a digest delivery: its {what} is wrong ({problem}); this is a bug in the caller, nothing was written")]
    InvalidDelivery { what: &'static str, problem: String },

    #[error(
        "cannot record who created the API token: the name given is {len} bytes long after trimming, and must be 1 to {max}; this is a bug in the caller, no token was created"
    )]
    InvalidTokenCreator { len: usize, max: usize },

    #[error(
        "the operating system's random number source failed: {source}; no token was created; check the server's host (its entropy source) and try again"
    )]
    Randomness {
        #[source]
        source: rand::rand_core::OsError,
    },
}

/// Why a token's name was refused; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApiTokenName {
    #[error(
        "the token's name is empty: name it after the script that will use it, in 1 to {max} characters",
        max = MAX_API_TOKEN_NAME_CHARS
    )]
    Empty,
    #[error("the token's name is {len} characters long: shorten it to at most {max}", max = MAX_API_TOKEN_NAME_CHARS)]
    TooLong { len: usize },
    #[error(
        "the token's name contains the control character U+{code:04X}: write it on one line, without tabs or other invisible characters"
    )]
    ControlCharacter { code: u32 },
}

/// Why a digest schedule was refused; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDigestSchedule {
    #[error(
        "the chat id {chat_id} is not a Feishu chat id: use the oc_… id from the chat list (1 to {max} letters, digits, _ or -)",
        max = MAX_CHAT_ID_CHARS
    )]
    ChatId {
        /// The id as given, quoted, and cut short if long.
        chat_id: String,
    },
    #[error("the chat's name is {len} characters long: shorten it to at most {max}", max = MAX_CHAT_NAME_CHARS)]
    ChatNameTooLong { len: usize },
    #[error("hour {hour} is not an hour: use 0 to 23")]
    Hour { hour: u8 },
    #[error("{language} is not a digest language: use en or zh")]
    Language {
        /// The language as given, quoted, and cut short if long.
        language: String,
    },
    #[error(
        "the schedule does not say who saved it: give the person's or the API token's name, 1 to {max} characters; this is a bug in the caller, nothing was saved",
        max = MAX_UPDATED_BY_CHARS
    )]
    UpdatedBy,
    /// The digest's scope, as [`domain::scope::Scope::parse`] refuses it.
    #[error("the digest's scope cannot be saved: {reason}")]
    Scope { reason: String },
}
