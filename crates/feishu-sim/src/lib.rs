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
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use feishu_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("point the client at {}", sim.base_url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod auth;
mod config;
mod data;
mod faults;
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
pub use router::{BLOCK_ACCESS_SEARCH_PATH, TENANT_TOKEN_PATH};
pub use server::{SimHandle, Simulator};
pub use stats::{Outcome, RequestRecord, SearchParams, SimStats};
