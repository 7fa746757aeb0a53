//! Tokens that scripts present as `Authorization: Bearer <token>` on /api/v1/.
//!
//! An admin creates one on the page and is shown it once; the store keeps only its
//! SHA-256, so neither the file nor a copy of it gives a token away. Verifying hashes
//! what was presented and looks the hash up: comparing in constant time is moot, since
//! the lookup's timing can tell at most how a guess's hash sorts, which says nothing
//! about any token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::TryRngCore;
use rand::rngs::OsRng;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

use crate::{InvalidApiTokenName, MAX_API_TOKEN_NAME_CHARS, Store, StoreError, unix_seconds};

/// What every token starts with, so that one pasted into the wrong place is
/// recognisable (and secret scanners can be taught it).
pub const API_TOKEN_PREFIX: &str = "bi_";

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// A token's length: the prefix and 32 bytes in unpadded base64url.
const TOKEN_LEN: usize = API_TOKEN_PREFIX.len() + (TOKEN_BYTES * 4).div_ceil(3);

/// Random bytes in a token's id.
const ID_BYTES: usize = 12;

/// Longest `created_by`, in bytes; a Feishu open_id or a name is far shorter.
const MAX_CREATED_BY_BYTES: usize = 256;

/// `last_used_at` is written only when this many seconds have passed since the last
/// write, so that a script calling the API in a loop does not write on every request.
const LAST_USED_EVERY_SECONDS: i64 = 60;

/// A token just created: the only time the token itself is at hand. Show it to the
/// admin once; it cannot be read back later. Its `Debug` leaves the token out.
#[derive(Debug)]
pub struct NewApiToken {
    /// The token's id, as [`ApiTokenInfo::id`].
    pub id: String,
    /// The token itself, `bi_` and 43 base64url characters.
    pub token: SecretString,
    /// The name as stored (trimmed).
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub permissions: ApiTokenPermissions,
}

/// What a token may do beyond reading, which every token may: the numbers, the names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApiTokenPermissions {
    /// May change block names (`PUT /api/v1/block-names`).
    pub can_write_names: bool,
    /// May change chat digest schedules and send test digests.
    pub can_manage_digests: bool,
}

/// What a new token is created with besides its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiTokenTerms {
    pub permissions: ApiTokenPermissions,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Who created it, in the words the server checks again at every use (opaque to
    /// the store); `None` leaves the token without a creator to check.
    pub creator: Option<String>,
}

impl From<ApiTokenPermissions> for ApiTokenTerms {
    fn from(permissions: ApiTokenPermissions) -> Self {
        Self { permissions, ..Self::default() }
    }
}

/// What the store knows about a token, for the page and for requests it
/// authenticated; never the token or its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenInfo {
    /// Random, not derived from the token; what [`Store::revoke_api_token`] takes.
    pub id: String,
    pub name: String,
    /// Who created it, as given to [`Store::create_api_token`].
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When it was last used successfully, to within a minute; `None` if never.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; `None` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it may do beyond reading, as chosen when it was created.
    pub permissions: ApiTokenPermissions,
    /// When it stops working; `None`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Who created it, as [`ApiTokenTerms::creator`]; `None` for tokens made before
    /// the creator was recorded.
    pub creator: Option<String>,
}

impl ApiTokenInfo {
    /// Whether it has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

type TokenRow = (String, String, String, i64, Option<i64>, Option<i64>, bool, bool, Option<i64>, Option<String>);

const TOKEN_COLUMNS: &str =
    "id, name, created_by, created_at, last_used_at, revoked_at, can_write_names, can_manage_digests, expires_at, creator";

/// Longest recorded creator identity, in bytes.
const MAX_CREATOR_BYTES: usize = 4096;

impl Store {
    /// Creates a token named `name` (trimmed; 1 to [`MAX_API_TOKEN_NAME_CHARS`]
    /// characters on one line) on behalf of the admin `created_by` (a name to show),
    /// with the `terms` of [`ApiTokenTerms`] (or just its permissions beyond reading).
    /// Only its hash is stored: the returned token is the one chance to show it.
    pub async fn create_api_token(
        &self,
        name: &str,
        created_by: &str,
        terms: impl Into<ApiTokenTerms>,
    ) -> Result<NewApiToken, StoreError> {
        let ApiTokenTerms { permissions, expires_at, creator } = terms.into();
        if creator.as_ref().is_some_and(|c| c.len() > MAX_CREATOR_BYTES) {
            return Err(StoreError::InvalidTokenCreator { len: creator.map_or(0, |c| c.len()), max: MAX_CREATOR_BYTES });
        }
        let name = checked_name(name)?;
        let created_by = created_by.trim();
        if created_by.is_empty() || created_by.len() > MAX_CREATED_BY_BYTES {
            return Err(StoreError::InvalidTokenCreator { len: created_by.len(), max: MAX_CREATED_BY_BYTES });
        }
        let id = random_text::<ID_BYTES>()?;
        let token = format!("{API_TOKEN_PREFIX}{}", random_text::<TOKEN_BYTES>()?);
        let created_at = unix_seconds();
        with_pool!(&self.pool, |pool| {
            sqlx::query(
                "INSERT INTO api_tokens \
                 (id, name, token_hash, created_by, created_at, can_write_names, can_manage_digests, expires_at, creator) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(&name)
            .bind(token_hash(&token))
            .bind(created_by)
            .bind(created_at)
            .bind(permissions.can_write_names)
            .bind(permissions.can_manage_digests)
            .bind(expires_at.map(|t| t.timestamp()))
            .bind(creator.as_deref())
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(|source| StoreError::Database { action: "save the new API token", source })?;
        tracing::info!(
            token_id = %id,
            token_name = %name,
            created_by,
            can_write_names = permissions.can_write_names,
            can_manage_digests = permissions.can_manage_digests,
            expires_at = ?expires_at,
            "created an API token"
        );
        Ok(NewApiToken { id, token: SecretString::from(token), name, created_at: read_time(created_at)?, permissions })
    }

    /// Every token, working or revoked, newest first (ties by name), without the
    /// tokens or their hashes.
    pub async fn list_api_tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, name, id");
        let rows: Vec<TokenRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
            .map_err(|source| StoreError::Database { action: "list the API tokens", source })?;
        rows.into_iter().map(info).collect()
    }

    /// Revokes the token with id `id`: it stops working at once and stays listed as
    /// revoked. Returns whether it was working until now (false for an unknown id or
    /// one revoked before).
    pub async fn revoke_api_token(&self, id: &str) -> Result<bool, StoreError> {
        let revoked = with_pool!(&self.pool, |pool| {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(unix_seconds())
                .bind(id)
                .execute(pool)
                .await
                .map(|d| d.rows_affected() > 0)
        })
        .map_err(|source| StoreError::Database { action: "revoke the API token", source })?;
        if revoked {
            tracing::info!(token_id = %id, "revoked an API token");
        }
        Ok(revoked)
    }

    /// The unrevoked token that `presented` is, or `None` for anything else (unknown,
    /// revoked, malformed). An expired one is answered too, for the caller to say so
    /// ([`ApiTokenInfo::expired`]); the caller also checks its creator. Records the use
    /// of an unexpired one in `last_used_at`, writing at most once a minute per token; a
    /// failure to record it is logged, not returned, since the token is good all the
    /// same.
    pub async fn verify_api_token(&self, presented: &str) -> Result<Option<ApiTokenInfo>, StoreError> {
        // Not a token of ours: no need to ask the database.
        if presented.len() != TOKEN_LEN || !presented.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
        let hash = token_hash(presented);
        let row: Option<TokenRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(&hash).fetch_optional(pool).await)
            .map_err(|source| StoreError::Database { action: "check an API token", source })?;
        let Some(mut row) = row else { return Ok(None) };

        let now = unix_seconds();
        let stale = now - LAST_USED_EVERY_SECONDS;
        let expired = row.8.is_some_and(|at| at <= now);
        if !expired && row.4.is_none_or(|last| last <= stale) {
            // The condition is repeated in SQL so that concurrent requests, or
            // replicas, write once between them.
            let written = with_pool!(&self.pool, |pool| {
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $1 \
                     WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
                )
                .bind(now)
                .bind(&row.0)
                .bind(stale)
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
            });
            match written {
                Ok(n) if n > 0 => row.4 = Some(now),
                Ok(_) => {}
                Err(error) => tracing::warn!(token_id = %row.0, %error, "could not record when an API token was used"),
            }
        }
        info(row).map(Some)
    }
}

fn info(
    (id, name, created_by, created_at, last_used_at, revoked_at, can_write_names, can_manage_digests, expires_at, creator): TokenRow,
) -> Result<ApiTokenInfo, StoreError> {
    Ok(ApiTokenInfo {
        id,
        name,
        created_by,
        created_at: read_time(created_at)?,
        last_used_at: last_used_at.map(read_time).transpose()?,
        revoked_at: revoked_at.map(read_time).transpose()?,
        permissions: ApiTokenPermissions { can_write_names, can_manage_digests },
        expires_at: expires_at.map(read_time).transpose()?,
        creator,
    })
}

fn read_time(seconds: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(seconds, 0).ok_or_else(|| StoreError::Unreadable { what: format!("the time {seconds}") })
}

/// SHA-256 of the whole token, prefix included, in lower-case hex.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `N` bytes from the operating system's random source, in unpadded base64url.
pub(crate) fn random_text<const N: usize>() -> Result<String, StoreError> {
    let mut bytes = [0u8; N];
    OsRng.try_fill_bytes(&mut bytes).map_err(|source| StoreError::Randomness { source })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Trims `name` and checks it is one line of 1 to [`MAX_API_TOKEN_NAME_CHARS`]
/// characters.
fn checked_name(name: &str) -> Result<String, InvalidApiTokenName> {
    let name = name.trim();
    if name.is_empty() {
        return Err(InvalidApiTokenName::Empty);
    }
    let len = name.chars().count();
    if len > MAX_API_TOKEN_NAME_CHARS {
        return Err(InvalidApiTokenName::TooLong { len });
    }
    if let Some(bad) = name.chars().find(|c| c.is_control()) {
        return Err(InvalidApiTokenName::ControlCharacter { code: u32::from(bad) });
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_advertised_shape_and_hash_to_hex() {
        let token = format!("{API_TOKEN_PREFIX}{}", random_text::<TOKEN_BYTES>().unwrap());
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(TOKEN_LEN, 46);
        assert!(token[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        // The SHA-256 test vector for "abc".
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn names_are_trimmed_and_refused_with_what_to_fix() {
        assert_eq!(checked_name("  nightly export ").unwrap(), "nightly export");
        assert_eq!(checked_name(&"名".repeat(80)).unwrap().chars().count(), 80);
        assert_eq!(checked_name(" \t "), Err(InvalidApiTokenName::Empty));
        assert_eq!(checked_name(&"名".repeat(81)), Err(InvalidApiTokenName::TooLong { len: 81 }));
        assert_eq!(checked_name("a\u{7f}b"), Err(InvalidApiTokenName::ControlCharacter { code: 0x7f }));
    }
}
