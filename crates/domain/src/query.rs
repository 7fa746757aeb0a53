use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{BlockId, DateRange, InvalidBlockId, parse_date};

/// Most blocks one query may name. A workplace has tens to hundreds of blocks; a filter
/// naming more than this is a mistake (or an attack on the query string).
pub const MAX_BLOCK_FILTERS: usize = 200;

/// What a user asked to see: a range of days and, optionally, some blocks
/// (none means every block).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccessQuery {
    pub range: DateRange,
    /// Sorted, without repeats; empty means all blocks.
    pub blocks: Vec<BlockId>,
}

/// Why a query was refused. Every message names the parameter and says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("{param} is missing: give a date as YYYY-MM-DD, e.g. {param}=2024-03-01")]
    MissingDate { param: &'static str },
    #[error("{param}={value:?} is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01")]
    BadDate { param: &'static str, value: String },
    #[error("{from_param} ({from}) is after {to_param} ({to}): swap the two dates")]
    Reversed { from_param: &'static str, to_param: &'static str, from: NaiveDate, to: NaiveDate },
    #[error("{from_param} to {to_param} spans {days} days, more than the {max} allowed: choose a shorter range")]
    TooLong { from_param: &'static str, to_param: &'static str, days: u32, max: u32 },
    #[error("{param} names more than {max} blocks: name at most {max}, or leave {param} out to see all blocks")]
    TooManyBlocks { param: &'static str, max: usize },
    #[error("{param}: {source}")]
    BadBlock {
        param: &'static str,
        #[source]
        source: InvalidBlockId,
    },
}

/// The parameter names a caller uses, so that messages speak the caller's language
/// (`from`/`to`/`block` in page URLs, `from_date`/`to_date`/`block_id` in the API).
#[derive(Clone, Copy, Debug)]
pub struct ParamNames {
    pub from: &'static str,
    pub to: &'static str,
    pub block: &'static str,
}

impl ParamNames {
    /// The names of the `/api/v1/` routes, which follow Feishu's.
    pub const API: ParamNames = ParamNames { from: "from_date", to: "to_date", block: "block_id" };
    /// The names of the dashboard's own URLs.
    pub const PAGE: ParamNames = ParamNames { from: "from", to: "to", block: "block" };
}

impl AccessQuery {
    /// Parses raw parameter values. `max_days` bounds the range length.
    pub fn parse<'a>(
        names: ParamNames,
        from: Option<&str>,
        to: Option<&str>,
        blocks: impl IntoIterator<Item = &'a str>,
        max_days: u32,
    ) -> Result<Self, QueryError> {
        let date = |param: &'static str, value: Option<&str>| -> Result<NaiveDate, QueryError> {
            let value = value.ok_or(QueryError::MissingDate { param })?;
            if value.trim().is_empty() {
                return Err(QueryError::MissingDate { param });
            }
            parse_date(value).ok_or_else(|| QueryError::BadDate { param, value: shorten(value) })
        };
        let from = date(names.from, from)?;
        let to = date(names.to, to)?;
        let range = DateRange::new(from, to).map_err(|_| QueryError::Reversed {
            from_param: names.from,
            to_param: names.to,
            from,
            to,
        })?;
        if range.len_days() > max_days {
            return Err(QueryError::TooLong {
                from_param: names.from,
                to_param: names.to,
                days: range.len_days(),
                max: max_days,
            });
        }
        let mut ids = Vec::new();
        for (count, text) in blocks.into_iter().filter(|t| !t.trim().is_empty()).enumerate() {
            if count >= MAX_BLOCK_FILTERS {
                return Err(QueryError::TooManyBlocks { param: names.block, max: MAX_BLOCK_FILTERS });
            }
            ids.push(BlockId::parse(text).map_err(|source| QueryError::BadBlock { param: names.block, source })?);
        }
        ids.sort();
        ids.dedup();
        Ok(Self { range, blocks: ids })
    }

    /// True when the query asks for every block.
    pub fn all_blocks(&self) -> bool {
        self.blocks.is_empty()
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(from: Option<&str>, to: Option<&str>, blocks: &[&str]) -> Result<AccessQuery, QueryError> {
        AccessQuery::parse(ParamNames::API, from, to, blocks.iter().copied(), 366)
    }

    #[test]
    fn accepts_and_normalises() {
        let q = parse(Some("2024-01-01"), Some("2024-01-31"), &["22", "11", "22", " "]).unwrap();
        assert_eq!(q.range.len_days(), 31);
        assert_eq!(q.blocks.iter().map(BlockId::as_str).collect::<Vec<_>>(), ["11", "22"]);
    }

    #[test]
    fn refuses_with_messages_that_name_the_parameter() {
        let err = parse(None, Some("2024-01-31"), &[]).unwrap_err();
        assert!(err.to_string().starts_with("from_date is missing"), "{err}");
        let err = parse(Some("2024-13-01"), Some("2024-01-31"), &[]).unwrap_err();
        assert!(matches!(err, QueryError::BadDate { param: "from_date", .. }), "{err}");
        let err = parse(Some("2024-02-01"), Some("2024-01-31"), &[]).unwrap_err();
        assert!(err.to_string().contains("swap"), "{err}");
        let err = parse(Some("2020-01-01"), Some("2024-01-31"), &[]).unwrap_err();
        assert!(matches!(err, QueryError::TooLong { max: 366, .. }), "{err}");
        let err = parse(Some("2024-01-01"), Some("2024-01-31"), &["12", "x"]).unwrap_err();
        assert!(err.to_string().starts_with("block_id: the block id \"x\""), "{err}");
        let many: Vec<String> = (0..=MAX_BLOCK_FILTERS).map(|i| i.to_string()).collect();
        let err =
            AccessQuery::parse(ParamNames::PAGE, Some("2024-01-01"), Some("2024-01-02"), many.iter().map(String::as_str), 366)
                .unwrap_err();
        assert!(matches!(err, QueryError::TooManyBlocks { .. }), "{err}");
    }
}
