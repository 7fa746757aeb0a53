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
//! With a monthly call quota configured, every search page is reserved against the
//! month's count before it is sent, and past the quota the service answers from what
//! it holds or fails with [`ServiceError::QuotaReached`] (see the `quota` module).
//!
//! Nothing waits without bound: a query that has no answer within
//! [`ServiceConfig::query_deadline`] fails with [`ServiceError::DeadlineExceeded`],
//! naming what it waited for, and an upstream job that runs past
//! [`ServiceConfig::job_deadline`] fails and leaves its days to the next query.

mod block_days;
mod cache;
mod config;
mod dataset;
mod day;
mod error;
mod fetch;
mod history;
pub mod plan;
mod pace;
mod progress;
mod quota;
mod service;

pub use block_days::BlockDays;
pub use cache::CacheStats;
pub use config::ServiceConfig;
pub use error::{ServiceError, Waiting};
pub use history::{HistoryFetch, HistorySettings, HistoryState, HistoryStatus};
pub use pace::Pace;
pub use progress::{ProgressSnapshot, QueryProgress};
pub use quota::{first_of_next_month, month_key, QuotaState};
pub use service::{is_final, AccessService, DaySources, QueryAnswer, QueryOptions};
pub use store::{BlockLabel, Store};
