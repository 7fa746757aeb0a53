//! The access-data service: the one layer between what the pages and the API ask for
//! and the Feishu client.
//!
//! Numbers are held per day and filter (all blocks, or one block): in memory within a
//! byte budget, and — for final days, those before yesterday in the tenant's time
//! zone — in the store, so a restart spends no Feishu quota on them. A query takes the
//! days that are held and fetches only the missing ones, merging contiguous days into
//! as few searches as possible, choosing between one all-block search and per-block
//! searches by their cost, and cutting long searches into sub-ranges fetched side by
//! side so the rate budget is used in full. Concurrent queries that need the same day
//! wait for one fetch of it.
//!
//! The query path reads top to bottom, each module calling only the ones below it:
//!
//! - `history`: the background history fetch, above the front door: it asks the service
//!   to hold every final day of its window, at its own [`Pace`].
//! - `query`: the front door, [`AccessService`]: its public methods, and the deadline
//!   every query is answered within; a block query's answer is read through
//!   [`BlockDays`] (`block_days`), assembled from what the plan gathered.
//! - `plan`: what is missing (memory, then the store, then the jobs in flight) and how
//!   to fetch it for the fewest calls.
//! - `lease`: who fetches a day: one job per day in flight, which every query needing
//!   the day waits for; with a shared store, one replica per final day.
//! - `fetch`: a job's upstream work, page by page, each page metered.
//! - `held`: the days held, in memory (`cache`) and in the store.
//!
//! Beside the path: `names` (the names registry), `messenger` (the bot's chats and cards,
//! outside the access data), `quota` (the one meter every Feishu call goes through),
//! `history_status` (the board the history fetch writes and the service shows), and the
//! vocabulary below everything: `answer`, `day`, `dataset`, `pages`, `pace`,
//! `progress`, `config`, `error`.
//!
//! With a monthly call quota configured, every call is reserved against the month's
//! count before it is sent, and past the quota the service answers from what it holds
//! or fails with [`ServiceError::QuotaReached`] (see the `quota` module).
//!
//! Nothing waits without bound: a query that has no answer within
//! [`ServiceConfig::query_deadline`] fails with [`ServiceError::DeadlineExceeded`],
//! naming what it waited for, and an upstream job that runs past
//! [`ServiceConfig::job_deadline`] fails and leaves its days to the next query.

// The query path, top to bottom.
mod block_days;
mod cache;
mod fetch;
mod held;
mod history;
mod lease;
pub mod plan;
mod query;

// Beside the path.
mod history_status;
mod messenger;
mod names;
mod quota;

// The vocabulary below everything.
mod answer;
mod config;
mod dataset;
mod day;
mod error;
mod pace;
mod pages;
mod progress;

pub use answer::{DaySources, QueryAnswer, QueryOptions};
pub use block_days::BlockDays;
pub use cache::CacheStats;
pub use config::ServiceConfig;
pub use day::is_final;
pub use error::{ServiceError, Waiting};
pub use history::{HistoryFetch, HistorySettings};
pub use history_status::{HistoryState, HistoryStatus};
pub use messenger::Messenger;
pub use pace::Pace;
pub use progress::{ProgressSnapshot, QueryProgress};
pub use query::AccessService;
pub use quota::{QuotaState, first_of_next_month, month_key};
pub use store::{BlockLabel, Store};
