//! Client for the Feishu (Lark) Open Platform endpoints behind Block Insights: page
//! views and distinct users per workplace widget (block) per day, per custom workplace
//! per day, and of all workplaces and the default one per day ([`SearchEndpoint`]);
//! and the bot's chats and messages, for the digest ([`FeishuClient::send_card`]).
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
//! let rows = client.search(&BlockAccessQuery::new(from, to)?).await?;
//! # Ok(()) }
//! ```

mod adaptive;
mod answer;
mod block_access;
mod bot;
mod client;
pub mod codes;
mod config;
mod error;
mod im;
mod login;
mod metrics;
mod rate;
mod retry;
mod search;
mod token;
mod workplace_access;

pub use adaptive::AdaptiveRate;
pub use block_access::{BlockAccess, BlockAccessPage, BlockAccessQuery, BlockAccessSearch};
pub use client::{FeishuClient, SharedBudgets};
pub use codes::{BLOCK_ACCESS_CODES, BLOCK_ACCESS_SCOPE, CUSTOM_WORKPLACE_ACCESS_CODES, SearchCodes, WORKPLACE_ACCESS_CODES};
pub use config::{FEISHU_BASE_URL, FeishuConfig, LARK_BASE_URL, RateLimit, RetryPolicy};
/// The workspace's one block id type (ASCII digits, 1 to 32), shared with the `domain` crate.
pub use domain::{BlockId, InvalidBlockId, Visits};
pub use error::FeishuError;
pub use im::{
    Chat, ChatsPage, LIST_CHATS_SCOPE, MAX_CARD_BODY_BYTES, MAX_CHATS_PAGE, MAX_UUID_CHARS, MESSAGES_PER_SECOND, MessageRefusal,
    SEND_MESSAGE_SCOPE, SentMessage, card_body_bytes,
};
pub use login::{EMAIL_SCOPE, EMPLOYEE_SCOPE, FeishuUser, TENANT_SCOPE, UserToken};
pub use metrics::{ClientMetricsSnapshot, NO_CODE, TRANSPORT_ERROR};
pub use rate::{RateBudget, SlidingWindowBudget, UNANSWERED_GRACE};
pub use search::{InvalidQuery, SearchEndpoint, SearchPage, SearchQuery};
/// Re-exported so that callers can build a config without depending on `secrecy`.
pub use secrecy::{ExposeSecret, SecretString};
pub use token::TenantToken;
pub use workplace_access::{
    CustomWorkplaceAccess, CustomWorkplaceAccessQuery, CustomWorkplaceAccessSearch, LocalizedName, WorkplaceAccess,
    WorkplaceAccessQuery, WorkplaceAccessSearch,
};
