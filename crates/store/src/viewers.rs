//! Viewers: people who are not admins, each given view access to a [`Scope`] by an
//! admin. Read at every request of a viewer (so that a revoked grant ends their access
//! at once), shared by every replica through the store.

use chrono::{DateTime, Utc};
use domain::scope::Scope;
use serde::Serialize;

use crate::digests::{micros, read_micros};
use crate::scope_columns::stored;
use crate::{Store, StoreError};

/// A person's grant of view access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViewerGrant {
    /// An open_id, a union_id or an e-mail address in lower case.
    pub who: String,
    #[serde(flatten)]
    pub scope: Scope,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

type GrantRow = (String, String, String, String, i64);

const COLUMNS: &str = "who, custom_workplace_ids, block_ids, granted_by, granted_at";

impl Store {
    /// Every grant, by whom it is for.
    pub async fn viewer_grants(&self) -> Result<Vec<ViewerGrant>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM viewers ORDER BY who");
        let rows: Vec<GrantRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
            .map_err(|source| StoreError::Database { action: "load the viewers", source })?;
        rows.into_iter().map(grant).collect()
    }

    /// The scope granted to a person known by any of `ids` (their open_id, union_id and
    /// e-mail addresses): every grant naming one of them, together; `None` without one.
    pub async fn viewer_scope(&self, ids: &[&str]) -> Result<Option<Scope>, StoreError> {
        let ids: Vec<String> = ids.iter().filter(|id| !id.is_empty()).map(|id| id.to_lowercase()).collect();
        if ids.is_empty() {
            return Ok(None);
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {COLUMNS} FROM viewers WHERE lower(who) IN ({})", marks.join(", "));
        let rows: Vec<GrantRow> = with_pool!(&self.pool, |pool| {
            let mut query = sqlx::query_as(&sql);
            for id in &ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await
        })
        .map_err(|source| StoreError::Database { action: "load a viewer's scope", source })?;
        let mut scope: Option<Scope> = None;
        for row in rows {
            let granted = grant(row)?.scope;
            scope = Some(match scope {
                Some(scope) => scope.union(&granted),
                None => granted,
            });
        }
        Ok(scope)
    }

    /// Grants `who` the view of `scope` (replacing what they had), by `by` at `now`.
    pub async fn grant_viewer(&self, who: &str, scope: &Scope, by: &str, now: DateTime<Utc>) -> Result<ViewerGrant, StoreError> {
        let now = read_micros(micros(now))?;
        let (workplaces, blocks) = stored(scope);
        with_pool!(&self.pool, |pool| {
            sqlx::query(
                "INSERT INTO viewers (who, custom_workplace_ids, block_ids, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (who) DO UPDATE SET custom_workplace_ids = excluded.custom_workplace_ids, \
                 block_ids = excluded.block_ids, granted_by = excluded.granted_by, granted_at = excluded.granted_at",
            )
            .bind(who)
            .bind(&workplaces)
            .bind(&blocks)
            .bind(by)
            .bind(micros(now))
            .execute(pool)
            .await
            .map(drop)
        })
        .map_err(|source| StoreError::Database { action: "save a viewer", source })?;
        Ok(ViewerGrant { who: who.to_owned(), scope: scope.clone(), granted_by: by.to_owned(), granted_at: now })
    }

    /// Ends the grant of `who`; true when there was one.
    pub async fn revoke_viewer(&self, who: &str) -> Result<bool, StoreError> {
        let removed = with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM viewers WHERE who = $1").bind(who).execute(pool).await.map(|done| done.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "remove a viewer", source })?;
        Ok(removed > 0)
    }
}

fn grant((who, workplaces, blocks, granted_by, granted_at): GrantRow) -> Result<ViewerGrant, StoreError> {
    let unreadable = || StoreError::Unreadable { what: format!("the scope of the viewer {who:?}") };
    let scope = crate::scope_columns::read(&workplaces, &blocks).ok_or_else(unreadable)?;
    Ok(ViewerGrant { scope, granted_by, granted_at: read_micros(granted_at)?, who })
}
