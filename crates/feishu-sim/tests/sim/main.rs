//! The simulator over real HTTP on loopback, as a Feishu client sees it.

mod data;
mod faults;
mod helpers;
mod paging;
mod rate_limit;
mod tokens;
mod validation;
