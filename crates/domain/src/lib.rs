//! The words Block Insights speaks in, shared by the server, the browser bundle and the
//! HTTP API: [`DateRange`], [`BlockId`], [`AccessRow`], and [`AccessQuery`], the parsed
//! form of what a user asked to see. Parsing lives here, once, so that every entry point
//! (page, server function, `/api/v1/`) rejects the same bad input with the same message.

mod access;
mod block;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
mod query;
mod range;
mod workplace;

pub use access::AccessRow;
pub use block::{BlockId, InvalidBlockId};
pub use query::{AccessQuery, MAX_BLOCK_FILTERS, ParamNames, QueryError};
pub use range::{DATE_FORMAT, DateRange, InvalidRange, parse_date};
pub use workplace::{CustomWorkplaceDay, InvalidWorkplaceId, Visits, WorkplaceDay, WorkplaceId};
