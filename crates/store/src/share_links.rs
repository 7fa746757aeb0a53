//! Read-only links to a view: made by an admin or a viewer, opened by any person of the
//! tenant until they expire or are revoked, each opening counted. Shared by every
//! replica through the store.

use chrono::{DateTime, Utc};
use domain::scope::Scope;
use serde::Serialize;

use crate::api_tokens::random_text;
use crate::digests::{micros, read_micros};
use crate::{Store, StoreError};

/// The bytes of randomness in a link's id (its address).
const ID_BYTES: usize = 16;

/// A read-only link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShareLink {
    pub id: String,
    /// The view's query, such as `?range=30d&workplace=tpl_…` (empty: the default view).
    pub view: String,
    pub created_by: String,
    #[serde(skip)]
    pub creator_open_id: String,
    /// What its maker, a viewer, could see when they made it; `None`: an admin's link.
    #[serde(skip)]
    pub scope: Option<Scope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub opens: u64,
}

impl ShareLink {
    /// Whether it may be opened at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A new link's terms.
pub struct NewShareLink<'a> {
    pub view: &'a str,
    pub created_by: &'a str,
    pub creator_open_id: &'a str,
    pub scope: Option<&'a Scope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

type LinkRow = (String, String, String, String, Option<String>, Option<String>, i64, i64, Option<i64>, i64);

const COLUMNS: &str = "id, view, created_by, creator_open_id, scope_workplace_ids, scope_block_ids, created_at, expires_at, \
                       revoked_at, opens";

impl Store {
    /// Saves a new link; answers it with its id.
    pub async fn add_share_link(&self, new: &NewShareLink<'_>) -> Result<ShareLink, StoreError> {
        let id = random_text::<ID_BYTES>()?;
        let (created_at, expires_at) = (read_micros(micros(new.created_at))?, read_micros(micros(new.expires_at))?);
        let (workplaces, blocks) = crate::scope_columns::stored_optional(new.scope);
        with_pool!(&self.pool, |pool| {
            sqlx::query(
                "INSERT INTO share_links (id, view, created_by, creator_open_id, scope_workplace_ids, scope_block_ids, \
                 created_at, expires_at, revoked_at, opens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, 0)",
            )
            .bind(&id)
            .bind(new.view)
            .bind(new.created_by)
            .bind(new.creator_open_id)
            .bind(&workplaces)
            .bind(&blocks)
            .bind(micros(created_at))
            .bind(micros(expires_at))
            .execute(pool)
            .await
            .map(drop)
        })
        .map_err(|source| StoreError::Database { action: "save a link", source })?;
        Ok(ShareLink {
            id,
            view: new.view.to_owned(),
            created_by: new.created_by.to_owned(),
            creator_open_id: new.creator_open_id.to_owned(),
            scope: new.scope.cloned(),
            created_at,
            expires_at,
            revoked_at: None,
            opens: 0,
        })
    }

    /// The link `id`, if there is one (revoked and expired ones too).
    pub async fn share_link(&self, id: &str) -> Result<Option<ShareLink>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM share_links WHERE id = $1");
        let row: Option<LinkRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
            .map_err(|source| StoreError::Database { action: "load a link", source })?;
        row.map(link).transpose()
    }

    /// Every link (of `creator_open_id` when given), newest first.
    pub async fn share_links(&self, creator_open_id: Option<&str>) -> Result<Vec<ShareLink>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM share_links WHERE ($1 = '' OR creator_open_id = $1) ORDER BY created_at DESC, id LIMIT 500"
        );
        let creator = creator_open_id.unwrap_or_default();
        let rows: Vec<LinkRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(creator).fetch_all(pool).await)
            .map_err(|source| StoreError::Database { action: "load the links", source })?;
        rows.into_iter().map(link).collect()
    }

    /// Revokes link `id` at `now`; true when it was open before.
    pub async fn revoke_share_link(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = with_pool!(&self.pool, |pool| {
            sqlx::query("UPDATE share_links SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(micros(now))
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "revoke a link", source })?;
        Ok(changed > 0)
    }

    /// Counts one opening of link `id`.
    pub async fn count_share_link_open(&self, id: &str) -> Result<(), StoreError> {
        with_pool!(&self.pool, |pool| {
            sqlx::query("UPDATE share_links SET opens = opens + 1 WHERE id = $1").bind(id).execute(pool).await.map(drop)
        })
        .map_err(|source| StoreError::Database { action: "count a link's opening", source })
    }
}

fn link(
    (id, view, created_by, creator_open_id, workplaces, blocks, created_at, expires_at, revoked_at, opens): LinkRow,
) -> Result<ShareLink, StoreError> {
    let scope = crate::scope_columns::read_optional(workplaces.as_deref(), blocks.as_deref())
        .map_err(|()| StoreError::Unreadable { what: format!("the scope of the link {id:?}") })?;
    Ok(ShareLink {
        view,
        created_by,
        creator_open_id,
        scope,
        created_at: read_micros(created_at)?,
        expires_at: read_micros(expires_at)?,
        revoked_at: revoked_at.map(read_micros).transpose()?,
        opens: u64::try_from(opens).unwrap_or(0),
        id,
    })
}
