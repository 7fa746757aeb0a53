//! The access-data service: the one layer between what the pages and the API ask for and
//! the Feishu client.

use domain::{AccessQuery, AccessRow, BlockId};
use feishu::{BlockAccessQuery, FeishuClient, FeishuError};

/// Why a query could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Feishu(#[from] FeishuError),
}

impl ServiceError {
    /// The Feishu failure behind this error, if that is what it is.
    pub fn feishu(&self) -> Option<&FeishuError> {
        match self {
            ServiceError::Feishu(e) => Some(e),
        }
    }
}

/// Answers access-data queries.
pub struct AccessService {
    client: FeishuClient,
}

impl AccessService {
    pub fn new(client: FeishuClient) -> Self {
        Self { client }
    }

    /// Rows for the query, sorted by date then block id.
    pub async fn query(&self, query: &AccessQuery) -> Result<Vec<AccessRow>, ServiceError> {
        let filters: Vec<Option<&BlockId>> =
            if query.all_blocks() { vec![None] } else { query.blocks.iter().map(Some).collect() };
        let mut rows = Vec::new();
        for block in filters {
            let upstream = BlockAccessQuery::new(
                query.range.from(),
                query.range.to(),
                block.map(|b| feishu::BlockId::parse(b.as_str())).transpose().expect("domain and feishu agree on block ids"),
            )?;
            rows.extend(self.client.search_block_access(&upstream).await?.into_iter().map(|a| AccessRow {
                date: a.date,
                block_id: BlockId::parse(a.block_id.as_str()).expect("Feishu block ids are digits"),
                pv: a.pv,
                uv: a.uv,
            }));
        }
        rows.sort_by(|a, b| (a.date, &a.block_id).cmp(&(b.date, &b.block_id)));
        Ok(rows)
    }
}
