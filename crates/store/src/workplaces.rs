//! The names of custom workplaces, as Feishu last gave them, by language.

use std::collections::BTreeMap;

use domain::WorkplaceId;

use crate::{Store, StoreError, unix_seconds};

/// A custom workplace's names: (language, name) pairs in Feishu's order.
pub type WorkplaceNames = Vec<(String, String)>;

impl Store {
    /// Every custom workplace's names, by workplace id; languages in name order.
    pub async fn workplace_names(&self) -> Result<BTreeMap<WorkplaceId, WorkplaceNames>, StoreError> {
        let found: Vec<(String, String, String)> = with_pool!(&self.pool, |pool| {
            sqlx::query_as("SELECT workplace_id, language, name FROM custom_workplace_names ORDER BY workplace_id, language")
                .fetch_all(pool)
                .await
        })
        .map_err(|source| StoreError::Database { action: "load the custom workplace names", source })?;
        let mut names: BTreeMap<WorkplaceId, WorkplaceNames> = BTreeMap::new();
        for (id, language, name) in found {
            let id = WorkplaceId::parse(&id).map_err(|_| StoreError::Unreadable { what: format!("the workplace id {id:?}") })?;
            names.entry(id).or_default().push((language, name));
        }
        Ok(names)
    }

    /// Replaces the names of the workplaces given, in one transaction.
    pub async fn save_workplace_names(&self, names: &BTreeMap<WorkplaceId, WorkplaceNames>) -> Result<(), StoreError> {
        if names.is_empty() {
            return Ok(());
        }
        let seen_at = unix_seconds();
        let failed = |source| StoreError::Database { action: "save the custom workplace names", source };
        with_pool!(&self.pool, |pool| {
            let mut tx = pool.begin().await.map_err(failed)?;
            for (id, pairs) in names {
                sqlx::query("DELETE FROM custom_workplace_names WHERE workplace_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?;
                for (language, name) in pairs {
                    sqlx::query(
                        "INSERT INTO custom_workplace_names (workplace_id, language, name, seen_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (workplace_id, language) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
                    )
                    .bind(id.as_str())
                    .bind(language)
                    .bind(name)
                    .bind(seen_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?;
                }
            }
            tx.commit().await.map_err(failed)
        })
    }
}
