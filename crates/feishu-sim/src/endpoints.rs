//! The three workplace search endpoints the simulator serves, and what differs
//! between them: path, error codes, page-size limit, filter and items. The handler
//! ([`crate::search`]) is one for all three.
//!
//! Where the documentation is silent or contradicts itself, the simulator chooses:
//! - `custom_workplace_access_data/search` takes page sizes 1 to 100 (its validation
//!   rule; its description says 200) and answers 99992402 "field validation failed"
//!   above, so a client that trusts the description is caught;
//! - `workplace_access_data/search` documents no page-size code either: 99992402 there
//!   too, outside 1 to 200;
//! - the sibling endpoints' internal errors answer HTTP 400 like the block endpoint's.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use crate::data::Dataset;

/// Path of the workplace block access data search endpoint.
pub const BLOCK_ACCESS_SEARCH_PATH: &str = "/open-apis/workplace/v1/workplace_block_access_data/search";
/// Path of the workplace totals search endpoint.
pub const WORKPLACE_ACCESS_SEARCH_PATH: &str = "/open-apis/workplace/v1/workplace_access_data/search";
/// Path of the custom workplace search endpoint.
pub const CUSTOM_WORKPLACE_ACCESS_SEARCH_PATH: &str = "/open-apis/workplace/v1/custom_workplace_access_data/search";

/// A search endpoint of the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SimEndpoint {
    /// `workplace_block_access_data/search`: per block and day.
    BlockAccess,
    /// `workplace_access_data/search`: all workplaces and the default one, per day.
    WorkplaceAccess,
    /// `custom_workplace_access_data/search`: per custom workplace and day.
    CustomWorkplaceAccess,
}

/// An endpoint's own error codes.
pub(crate) struct EndpointCodes {
    pub invalid_time_format: i64,
    pub from_after_to: i64,
    pub internal_error: i64,
    pub invalid_page_token: i64,
    /// `None`: a bad page size answers the generic 99992402.
    pub invalid_page_size: Option<i64>,
}

impl SimEndpoint {
    /// Every endpoint.
    pub const ALL: [SimEndpoint; 3] = [Self::BlockAccess, Self::WorkplaceAccess, Self::CustomWorkplaceAccess];

    /// Its path.
    pub fn path(self) -> &'static str {
        match self {
            Self::BlockAccess => BLOCK_ACCESS_SEARCH_PATH,
            Self::WorkplaceAccess => WORKPLACE_ACCESS_SEARCH_PATH,
            Self::CustomWorkplaceAccess => CUSTOM_WORKPLACE_ACCESS_SEARCH_PATH,
        }
    }

    /// The name the client and the metrics use.
    pub fn name(self) -> &'static str {
        match self {
            Self::BlockAccess => "block_access",
            Self::WorkplaceAccess => "workplace_access",
            Self::CustomWorkplaceAccess => "custom_workplace_access",
        }
    }

    /// The largest page it answers.
    pub fn max_page_size(self) -> usize {
        match self {
            Self::BlockAccess | Self::WorkplaceAccess => 200,
            Self::CustomWorkplaceAccess => 100,
        }
    }

    /// The query parameter that narrows it, if any.
    pub fn filter_param(self) -> Option<&'static str> {
        match self {
            Self::BlockAccess => Some("block_id"),
            Self::WorkplaceAccess => None,
            Self::CustomWorkplaceAccess => Some("custom_workplace_id"),
        }
    }

    pub(crate) fn codes(self) -> EndpointCodes {
        match self {
            Self::BlockAccess => EndpointCodes {
                invalid_time_format: 1_629_001,
                from_after_to: 1_629_002,
                internal_error: 1_629_004,
                invalid_page_token: 1_629_005,
                invalid_page_size: Some(1_629_006),
            },
            Self::WorkplaceAccess => EndpointCodes {
                invalid_time_format: 1_628_001,
                from_after_to: 1_628_002,
                internal_error: 1_628_003,
                invalid_page_token: 1_628_004,
                invalid_page_size: None,
            },
            Self::CustomWorkplaceAccess => EndpointCodes {
                invalid_time_format: 1_621_001,
                from_after_to: 1_621_002,
                internal_error: 1_621_003,
                invalid_page_token: 1_621_004,
                invalid_page_size: None,
            },
        }
    }

    /// Items `offset .. offset + limit` of the query as Feishu sends them, and
    /// whether more follow.
    pub(crate) fn page(
        self,
        dataset: &Dataset,
        (from, to): (NaiveDate, NaiveDate),
        filter: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> (Vec<Value>, bool) {
        match self {
            Self::BlockAccess => {
                let (rows, more) = dataset.page(from, to, filter, offset, limit);
                let items = rows
                    .iter()
                    .map(|row| {
                        json!({ "date": row.date.to_string(), "block_id": row.block_id, "access_data": { "pv": row.pv, "uv": row.uv } })
                    })
                    .collect();
                (items, more)
            }
            Self::WorkplaceAccess => {
                let (rows, more) = dataset.workplace_page(from, to, offset, limit);
                let items = rows
                    .iter()
                    .map(|row| {
                        json!({ "date": row.date.to_string(), "all_workplace": row.all_workplace, "default_workplace": row.default_workplace })
                    })
                    .collect();
                (items, more)
            }
            Self::CustomWorkplaceAccess => {
                let (rows, more) = dataset.custom_workplace_page(from, to, filter, offset, limit);
                let items = rows
                    .iter()
                    .map(|row| {
                        let names: Vec<Value> =
                            row.names.iter().map(|(language, name)| json!({ "language": language, "name": name })).collect();
                        json!({
                            "custom_workplace_id": row.custom_workplace_id,
                            "custom_workplace_name": names,
                            "date": row.date.to_string(),
                            "access_data": row.access_data,
                        })
                    })
                    .collect();
                (items, more)
            }
        }
    }
}
