//! The Block Insights server as a library, so that tests start the very same
//! application on a free port.

pub mod api;
pub mod auth;
pub mod caching;
pub mod config;
pub mod export;
pub mod fn_errors;
pub mod limits;
pub mod ops;
pub mod page_feeds;
pub mod paths;
pub mod rate_limits;
pub mod request_id;
pub mod security;
pub mod shared_rate;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
