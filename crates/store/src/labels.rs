//! The names admins give blocks and the workplaces they put them in; Feishu's API
//! knows blocks only by id. What makes a good label is `domain`'s rule
//! ([`BlockLabel::checked`]), the same for one name and for an import of many.

use std::collections::BTreeMap;

use domain::BlockId;
use sqlx::QueryBuilder;

use crate::{BlockLabel, Store, StoreError};

/// Labels per statement of a batch: three parameters each, far below what SQLite and
/// PostgreSQL take in one statement.
const LABELS_PER_STATEMENT: usize = 500;

impl Store {
    /// Every labelled block, sorted by block id.
    pub async fn block_labels(&self) -> Result<Vec<BlockLabel>, StoreError> {
        let found: Vec<(String, String, Option<String>)> = with_pool!(&self.pool, |pool| {
            sqlx::query_as("SELECT block_id, name, workplace FROM block_labels ORDER BY block_id").fetch_all(pool).await
        })
        .map_err(|source| StoreError::Database { action: "load the block names", source })?;
        found
            .into_iter()
            .map(|(id, name, workplace)| {
                let block_id =
                    BlockId::parse(&id).map_err(|_| StoreError::Unreadable { what: format!("the block id {id:?}") })?;
                Ok(BlockLabel { block_id, name, workplace })
            })
            .collect()
    }

    /// Names a block (and puts it in a workplace, or in none), replacing any earlier
    /// label. Surrounding white space is trimmed; returns the label as stored.
    pub async fn set_block_label(&self, label: &BlockLabel) -> Result<BlockLabel, StoreError> {
        let mut saved = self.apply_block_labels(std::slice::from_ref(label)).await?;
        Ok(saved.remove(0))
    }

    /// Saves every label of `labels` in one transaction, replacing earlier labels of
    /// the same blocks: all of them are saved or none (a label that breaks the rules
    /// refuses the whole batch before anything is written). Where a block is labelled
    /// twice, the later label wins. Returns the labels as stored (trimmed), in order.
    pub async fn apply_block_labels(&self, labels: &[BlockLabel]) -> Result<Vec<BlockLabel>, StoreError> {
        let checked = labels.iter().map(BlockLabel::checked).collect::<Result<Vec<_>, _>>()?;
        let last: BTreeMap<&BlockId, &BlockLabel> = checked.iter().map(|l| (&l.block_id, l)).collect();
        // One row per block: PostgreSQL refuses a statement that updates a row twice.
        let rows: Vec<&BlockLabel> = last.into_values().collect();
        let failed = |source| StoreError::Database { action: "save the block names", source };
        with_pool!(&self.pool, |pool| {
            let mut tx = pool.begin().await.map_err(failed)?;
            for chunk in rows.chunks(LABELS_PER_STATEMENT) {
                let mut upsert = QueryBuilder::new("INSERT INTO block_labels (block_id, name, workplace) ");
                upsert.push_values(chunk, |mut row, label| {
                    row.push_bind(label.block_id.as_str()).push_bind(&label.name).push_bind(&label.workplace);
                });
                upsert.push(" ON CONFLICT (block_id) DO UPDATE SET name = excluded.name, workplace = excluded.workplace");
                upsert.build().execute(&mut *tx).await.map_err(failed)?;
            }
            tx.commit().await.map_err(failed)
        })?;
        Ok(checked)
    }

    /// Forgets a block's name and workplace. Returns whether there was a label to forget.
    pub async fn remove_block_label(&self, id: &BlockId) -> Result<bool, StoreError> {
        let removed = with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM block_labels WHERE block_id = $1")
                .bind(id.as_str())
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "remove the block name", source })?;
        Ok(removed > 0)
    }
}
