//! The simulator over real HTTP on loopback, as a Feishu client sees it.

mod data;
mod faults;
mod helpers;
mod jssdk;
mod large_tenant;
mod login_flow;
mod login_helpers;
mod login_refusals;
mod login_users;
mod message_cards;
mod messages;
mod paging;
mod rate_limit;
mod tokens;
mod validation;
