//! The integration tests, one binary with a module per area (linking the whole server
//! once instead of once per file): the real server on a free port against the Feishu
//! simulator over real HTTP; the helpers are the crate's library (`tests/lib.rs`).
//! nextest runs each test in a process of its own; `cargo nextest run -p
//! block-insights-tests history::` runs one area.

mod annotations;
mod api;
mod auth;
mod bad_input;
mod block_names;
mod concurrent_sessions;
mod dashboard;
mod deadlines;
mod digests;
mod excel;
mod faults;
mod history;
mod impact_validation;
mod insights;
mod jssdk;
mod notes_page;
mod ops;
mod scale;
mod secrets;
mod security;
mod share_links;
mod shared_rate;
mod viewer_scope;
mod viewers;
mod workplace_api;
mod workplace_view;
