//! A Feishu (Lark) open platform simulator, written from the public docs, for
//! tests, benchmarks and the demo: it speaks the same HTTP as Feishu for
//!
//! - `POST /open-apis/auth/v3/tenant_access_token/internal` (tenant tokens), and
//! - `POST /open-apis/workplace/v1/workplace_block_access_data/search`
//!   (pv and uv per block per day, paged),
//!
//! serves a deterministic synthetic tenant ([`Dataset`]) and can misbehave on
//! demand ([`Faults`]): latency, spikes, 1629004, gateway 5xx, dropped
//! connections, forced error codes, expired tokens, and the 20/s rate limit.
//!
//! Outside Feishu's API, `GET /_sim/health` and `GET /_sim/ground_truth` let tests
//! that reach the simulator only over HTTP read its "today" and its ground truth.
//!
//! # Choices where Feishu's docs are silent
//!
//! - Token endpoint failures answer HTTP 400: 10003 "invalid param" for a body
//!   that is not JSON, a missing or empty field or an unknown app_id; 10014
//!   "app secret invalid" for a wrong secret.
//! - Token reuse: the same token comes back while at least
//!   `min(30 min, token_ttl / 4)` of it is left (30 min for the real 2 h),
//!   with `expire` = whole seconds left, rounded down; otherwise a new token,
//!   the old one staying valid until its own expiry.
//! - Search: 99991661 (no or malformed `Authorization: Bearer …`) and 99991663
//!   (unknown or expired token) both answer HTTP 400, as Feishu's gateway does.
//! - Search checks, in order: header, token, rate limit (decided on arrival),
//!   then, after the simulated delay, the fault knobs (see [`Faults`]), then
//!   from_date/to_date (1629001), from > to (1629002), page_size (1629006),
//!   page_token (1629005). An empty `page_size=` is invalid; an empty
//!   `page_token=` or `block_id=` counts as absent. Only the first value of a
//!   repeated parameter counts. An unknown block_id or a range without data
//!   answers success with no items. There is no limit on the range's length.
//! - Rate limit: per app, only requests with a valid token count (others cannot
//!   be attributed to an app), refused ones included; HTTP 429 code 99991400.
//! - Page tokens: URL-safe base64 of the item offset and a keyed SHA-256 tag
//!   of (from_date, to_date, block_id, offset); the key is random per
//!   simulator, so tokens die with it. The offset counts items, so the page
//!   size may change between pages.
//! - Success bodies are compact JSON with keys in alphabetical order.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use feishu_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("point the client at {}", sim.base_url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod api;
mod auth;
mod config;
mod data;
mod faults;
mod inspect;
mod oauth;
mod paging;
mod rate;
mod router;
mod search;
mod server;
mod state;
mod stats;
mod synth;
mod tokens;

pub use api::{RATE_LIMIT_HEADER, RATE_RESET_HEADER};
pub use config::{Faults, ForcedAnswer, SimConfig, WORKPLACE_DATA_SCOPE, shanghai_today};
pub use data::{AccessRow, BlockProfile, Dataset};
pub use oauth::{
    AUTHORIZE_PATH, DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID,
    DEMO_NO_EMAIL_OPEN_ID, IS_USER_ADMIN_PATH, OFFLINE_ACCESS_SCOPE, SimUser, USER_INFO_PATH,
    USER_TOKEN_PATH, demo_tenant_key, demo_users,
};
pub use router::{BLOCK_ACCESS_SEARCH_PATH, TENANT_TOKEN_PATH};
pub use server::{SimHandle, Simulator};
pub use stats::{LoginStats, Outcome, RequestRecord, SearchParams, SimStats};
