//! Client for the Feishu (Lark) Open Platform endpoint behind Block Insights:
//! page views and distinct users per workplace widget (block) per day.
//!
//! [`FeishuClient`] owns one HTTP connection pool, caches the tenant access token,
//! keeps every request inside Feishu's rate limit ([`RateBudget`]), retries transient
//! failures, and maps each documented error code to a [`FeishuError`] variant that says
//! what to do.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use feishu::{BlockAccessQuery, FeishuClient, FeishuConfig, FEISHU_BASE_URL};
//! let config = FeishuConfig::new(FEISHU_BASE_URL, "cli_...", "secret".to_owned());
//! let client = FeishuClient::new(config)?;
//! let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")?;
//! let to = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).ok_or("date")?;
//! let rows = client.search_block_access(&BlockAccessQuery::new(from, to)?).await?;
//! # Ok(()) }
//! ```

mod adaptive;
mod answer;
mod block_access;
mod client;
pub mod codes;
mod config;
mod error;
mod login;
mod metrics;
mod rate;
mod retry;
mod token;

pub use adaptive::AdaptiveRate;
pub use block_access::{BlockAccess, BlockAccessPage, BlockAccessQuery, InvalidQuery};
pub use client::FeishuClient;
pub use config::{FEISHU_BASE_URL, FeishuConfig, LARK_BASE_URL, RateLimit, RetryPolicy};
/// The workspace's one block id type (ASCII digits, 1 to 32), shared with the `domain` crate.
pub use domain::{BlockId, InvalidBlockId};
pub use error::{BLOCK_ACCESS_SCOPE, FeishuError};
pub use login::{FeishuUser, UserToken};
pub use metrics::{ClientMetricsSnapshot, NO_CODE, TRANSPORT_ERROR};
pub use rate::{RateBudget, SlidingWindowBudget, UNANSWERED_GRACE};
/// Re-exported so that callers can build a config without depending on `secrecy`.
pub use secrecy::{ExposeSecret, SecretString};
pub use token::TenantToken;
