//! The names and groups admins give blocks; Feishu's API knows blocks only by id.

use domain::BlockId;

use crate::{BlockLabel, InvalidLabel, Store, StoreError};

/// Longest block name or group name, in characters: enough for "营销中心 · 周报入口"
/// and its English twin, short enough for a chart legend.
pub const MAX_LABEL_CHARS: usize = 80;

impl Store {
    /// Every labelled block, sorted by block id.
    pub async fn block_labels(&self) -> Result<Vec<BlockLabel>, StoreError> {
        let found: Vec<(String, String, Option<String>)> = with_pool!(&self.pool, |pool| {
            sqlx::query_as("SELECT block_id, name, group_name FROM block_labels ORDER BY block_id")
                .fetch_all(pool)
                .await
        })
        .map_err(|source| StoreError::Database { action: "load the block names", source })?;
        found
            .into_iter()
            .map(|(id, name, group)| {
                let block_id =
                    BlockId::parse(&id).map_err(|_| StoreError::Unreadable { what: format!("the block id {id:?}") })?;
                Ok(BlockLabel { block_id, name, group })
            })
            .collect()
    }

    /// Names a block (and puts it in a group, or in none), replacing any earlier
    /// label. Surrounding white space is trimmed; returns the label as stored.
    pub async fn set_block_label(&self, label: &BlockLabel) -> Result<BlockLabel, StoreError> {
        let name = checked_text(&label.name, "name")?;
        let group = label.group.as_deref().map(|g| checked_text(g, "group")).transpose()?;
        with_pool!(&self.pool, |pool| {
            sqlx::query(
                "INSERT INTO block_labels (block_id, name, group_name) VALUES ($1, $2, $3) \
                 ON CONFLICT (block_id) DO UPDATE SET name = excluded.name, group_name = excluded.group_name",
            )
            .bind(label.block_id.as_str())
            .bind(&name)
            .bind(&group)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(|source| StoreError::Database { action: "save the block name", source })?;
        Ok(BlockLabel { block_id: label.block_id.clone(), name, group })
    }

    /// Forgets a block's name and group. Returns whether there was a label to forget.
    pub async fn remove_block_label(&self, id: &BlockId) -> Result<bool, StoreError> {
        let removed = with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM block_labels WHERE block_id = $1").bind(id.as_str()).execute(pool).await.map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "remove the block name", source })?;
        Ok(removed > 0)
    }
}

/// Trims `text` and checks it is one line of 1 to [`MAX_LABEL_CHARS`] characters.
fn checked_text(text: &str, field: &'static str) -> Result<String, InvalidLabel> {
    let text = text.trim();
    if text.is_empty() {
        return Err(if field == "group" { InvalidLabel::EmptyGroup } else { InvalidLabel::EmptyName });
    }
    let len = text.chars().count();
    if len > MAX_LABEL_CHARS {
        return Err(InvalidLabel::TooLong { field, len });
    }
    if let Some(bad) = text.chars().find(|c| c.is_control()) {
        return Err(InvalidLabel::ControlCharacter { field, code: u32::from(bad) });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_refuses_with_messages_that_say_what_to_fix() {
        assert_eq!(checked_text("  周报 ", "name").unwrap(), "周报");
        assert_eq!(checked_text(&"名".repeat(MAX_LABEL_CHARS), "name").unwrap().chars().count(), MAX_LABEL_CHARS);
        assert_eq!(checked_text(" \t", "name"), Err(InvalidLabel::EmptyName));
        assert_eq!(checked_text("", "group"), Err(InvalidLabel::EmptyGroup));
        let err = checked_text(&"x".repeat(81), "group").unwrap_err();
        assert_eq!(err, InvalidLabel::TooLong { field: "group", len: 81 });
        assert!(err.to_string().contains("at most 80"), "{err}");
        let err = checked_text("Sales\nweekly", "name").unwrap_err();
        assert_eq!(err, InvalidLabel::ControlCharacter { field: "name", code: 0x0A });
        assert!(err.to_string().contains("U+000A"), "{err}");
    }
}
