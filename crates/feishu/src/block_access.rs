//! Page views and distinct users per workplace widget (block) per day:
//! `POST /open-apis/workplace/v1/workplace_block_access_data/search`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{BLOCK_ACCESS_CODES, SearchCodes};
use crate::search::{SearchEndpoint, SearchPage, SearchQuery};
use domain::BlockId;

/// The block access endpoint.
#[derive(Debug)]
pub enum BlockAccessSearch {}

/// What to search: a date range, optionally one block.
pub type BlockAccessQuery = SearchQuery<BlockAccessSearch>;

/// One page of a block access search.
pub type BlockAccessPage = SearchPage<BlockAccess>;

impl SearchEndpoint for BlockAccessSearch {
    const PATH: &'static str = "/open-apis/workplace/v1/workplace_block_access_data/search";
    const NAME: &'static str = "block_access";
    /// The documented largest page, and the default: fewest requests per search.
    const MAX_PAGE_SIZE: u8 = 200;
    const CODES: SearchCodes = BLOCK_ACCESS_CODES;
    type Filter = Option<BlockId>;
    type Item = BlockAccess;
    type WireItem = WireItem;

    fn filter_param(filter: &Option<BlockId>) -> Option<(&'static str, String)> {
        filter.as_ref().map(|id| ("block_id", id.as_str().to_owned()))
    }

    fn item(wire: WireItem) -> Result<BlockAccess, String> {
        let block_id =
            BlockId::parse(&wire.block_id).map_err(|error| format!("an item's block_id is not a BlockID ({error})"))?;
        Ok(BlockAccess { date: wire.date, block_id, pv: wire.access_data.pv, uv: wire.access_data.uv })
    }
}

impl BlockAccessQuery {
    /// Only `block_id`'s data.
    pub fn with_block(self, block_id: BlockId) -> Self {
        let (from, to, size) = (self.from_date(), self.to_date(), self.page_size());
        Self::filtered(from, to, Some(block_id))
            .and_then(|q| q.with_page_size(size))
            .expect("the dates and the page size were valid already")
    }

    /// The block searched, or `None` for all blocks.
    pub fn block_id(&self) -> Option<&BlockId> {
        self.filter().as_ref()
    }
}

/// One block's traffic on one day.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BlockAccess {
    /// The day (in Feishu's reporting time zone).
    pub date: NaiveDate,
    /// The widget.
    pub block_id: BlockId,
    /// Page views.
    pub pv: u64,
    /// Distinct users.
    pub uv: u64,
}

/// An item as Feishu sends it.
#[derive(Deserialize)]
pub struct WireItem {
    date: NaiveDate,
    block_id: String,
    access_data: WireAccessData,
}

/// `access_data` of every workplace endpoint's items.
#[derive(Deserialize)]
pub(crate) struct WireAccessData {
    pub pv: u64,
    pub uv: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_validated() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).expect("valid date");
        assert!(BlockAccessQuery::new(day(2), day(1)).is_err());
        let query = BlockAccessQuery::new(day(1), day(1)).expect("one day is fine");
        assert_eq!(query.page_size(), 200);
        assert!(query.clone().with_page_size(0).is_err());
        assert!(query.clone().with_page_size(201).is_err());
        let one = query.with_page_size(1).expect("1 is fine").with_block(BlockId::parse("7").expect("an id"));
        assert_eq!((one.page_size(), one.block_id().map(BlockId::as_str)), (1, Some("7")));
    }

    #[test]
    fn wire_items_become_block_access() {
        let data = r#"{"date":"2023-03-12","block_id":"283438293839422334","access_data":{"pv":100,"uv":30}}"#;
        let item = BlockAccessSearch::item(serde_json::from_str(data).expect("documented shape")).expect("valid");
        assert_eq!((item.pv, item.uv, item.block_id.as_str()), (100, 30, "283438293839422334"));
        let bad = r#"{"date":"2023-03-12","block_id":"28x","access_data":{"pv":1,"uv":1}}"#;
        assert!(BlockAccessSearch::item(serde_json::from_str(bad).expect("shape")).is_err());
    }
}
