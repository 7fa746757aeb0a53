//! Deliveries of digests, one per (chat, period), and the claim protocol that sends
//! each exactly once over replicas sharing one database, restarts and replicas killed
//! mid-send.
//!
//! A replica claims a delivery before sending it ([`Store::claim_delivery`]), sends,
//! and marks it sent or failed while it still holds the claim. A claim names its holder
//! and expires: should its replica die mid-send, another takes over once it has
//! expired, with the same Feishu dedup uuid, so that a message the dead replica did get
//! to Feishu is not posted twice. Only the holder's marks count: one that lost its
//! claim learns so and stops.
//!
//! Expiry compares the times the replicas pass in, so their clocks should agree to well
//! within the claim's time to live.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_chat_id, micros, read_micros};
use crate::{Store, StoreError};

/// Longest failure message kept, in characters; longer ones are cut, ending in `…`.
pub const MAX_DELIVERY_ERROR_CHARS: usize = 2000;

/// Longest period key, in characters: `2026-11-21..2026-11-27` is 22.
const MAX_PERIOD_CHARS: usize = 100;

/// Longest dedup uuid Feishu takes, in characters.
const MAX_UUID_CHARS: usize = 50;

/// Longest holder name, in characters ([`crate::replica_name`] is far shorter).
const MAX_HOLDER_CHARS: usize = 200;

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// A replica is sending it (or died doing so, until its claim expires).
    Claimed,
    /// Feishu accepted the message. Final.
    Sent,
    /// The last attempt failed: retried at `next_attempt_at`, unless permanent.
    Failed,
}

impl DeliveryState {
    /// How the state is stored: `claimed`, `sent` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Claimed => "claimed",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<DeliveryState> {
        match text {
            "claimed" => Some(DeliveryState::Claimed),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// One (chat, period) delivery as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The Feishu chat id (`oc_…`).
    pub chat_id: String,
    /// Which digest: e.g. `2026-11-21..2026-11-27`, or `test:…` for a test sent by hand.
    pub period: String,
    pub state: DeliveryState,
    /// The replica that holds the claim, or last held it ([`crate::replica_name`]).
    pub holder: Option<String>,
    /// Until when the claim holds; `None` once sent or failed.
    pub claimed_until: Option<DateTime<Utc>>,
    /// Claims taken so far, the first one included.
    pub attempts: u32,
    /// Feishu's dedup uuid, fixed at the first claim and reused by every later attempt.
    pub uuid: String,
    /// The message Feishu posted, once sent.
    pub message_id: Option<String>,
    /// Feishu's code of the last failure, if it gave one. Kept through a retry's
    /// claim, cleared when sent.
    pub error_code: Option<i64>,
    /// The last failure in plain words for the setup page (at most 2000 characters).
    /// Kept through a retry's claim, cleared when sent.
    pub error_message: Option<String>,
    /// Whether the failure is not worth retrying: the delivery is never claimed again.
    pub permanent: bool,
    /// When a failure that is not permanent may be claimed again; `None` otherwise.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was first claimed.
    pub created_at: DateTime<Utc>,
    /// When it was last claimed, renewed or marked.
    pub updated_at: DateTime<Utc>,
}

/// Why an attempt to send failed, for [`Store::delivery_failed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryFailure {
    /// Feishu's error code, if it answered with one.
    pub code: Option<i64>,
    /// What went wrong, in plain words for the setup page; cut to 2000 characters.
    pub message: String,
    /// Not worth retrying (the bot was removed from the chat, the chat is gone): the
    /// delivery is never claimed again, and `next_attempt_at` is ignored.
    pub permanent: bool,
    /// When to try again, for a failure that is not permanent; `None` means at once.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

type DeliveryRow = (
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    bool,
    Option<i64>,
    i64,
    i64,
);

const DELIVERY_COLUMNS: &str = "chat_id, period, state, holder, claimed_until, attempts, uuid, message_id, \
     error_code, error_message, permanent, next_attempt_at, created_at, updated_at";

/// Holder `$3` still holds the claim on (`$1`, `$2`). A claim past its time that
/// nobody took over yet still counts: the send it covered may well have happened, and
/// whoever takes it over changes the holder.
const HELD_BY: &str = "chat_id = $1 AND period = $2 AND state = 'claimed' AND holder = $3";

impl Store {
    /// Takes the delivery of (`chat_id`, `period`) for `holder` until `now + ttl`, and
    /// returns it as now held (its `attempts` counted), when:
    /// - there is none yet: it is created with `uuid`;
    /// - it is claimed and the claim expired (its `claimed_until` is before `now`: the
    ///   holder died): taken over, keeping the uuid of the first claim;
    /// - it failed, not permanently, and its `next_attempt_at` has come: retried,
    ///   keeping that uuid too.
    ///
    /// Returns `None`, taking nothing, for a delivery that was sent, failed for good,
    /// waits for its retry, or is claimed and not expired — even when `holder` itself
    /// holds that claim: a claim covers one send, and whoever holds it extends it with
    /// [`Store::renew_delivery`], so a scheduler that runs twice cannot send twice.
    ///
    /// One atomic statement: replicas racing for the same delivery get it once.
    pub async fn claim_delivery(
        &self,
        chat_id: &str,
        period: &str,
        holder: &str,
        uuid: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<Delivery>, StoreError> {
        check_chat_id(chat_id)?;
        check_text("period", period, MAX_PERIOD_CHARS)?;
        check_text("holder", holder, MAX_HOLDER_CHARS)?;
        check_text("uuid", uuid, MAX_UUID_CHARS)?;
        let sql = format!(
            "INSERT INTO digest_deliveries \
             (chat_id, period, state, holder, claimed_until, attempts, uuid, permanent, created_at, updated_at) \
             VALUES ($1, $2, 'claimed', $3, $5, 1, $4, FALSE, $6, $6) \
             ON CONFLICT (chat_id, period) DO UPDATE SET state = 'claimed', holder = excluded.holder, \
             claimed_until = excluded.claimed_until, attempts = digest_deliveries.attempts + 1, \
             next_attempt_at = NULL, updated_at = excluded.updated_at \
             WHERE (digest_deliveries.state = 'claimed' AND digest_deliveries.claimed_until < excluded.updated_at) \
             OR (digest_deliveries.state = 'failed' AND NOT digest_deliveries.permanent \
             AND digest_deliveries.next_attempt_at <= excluded.updated_at) \
             RETURNING {DELIVERY_COLUMNS}"
        );
        let row: Option<DeliveryRow> = with_pool!(&self.pool, |pool| {
            sqlx::query_as(&sql)
                .bind(chat_id)
                .bind(period)
                .bind(holder)
                .bind(uuid)
                .bind(micros(later(now, ttl)))
                .bind(micros(now))
                .fetch_optional(pool)
                .await
        })
        .map_err(|source| StoreError::Database { action: "claim a digest delivery", source })?;
        row.map(delivery).transpose()
    }

    /// Marks the delivery sent as `message_id`, clearing any earlier failure, if
    /// `holder` still holds its claim; returns whether it did. Sent is final.
    pub async fn delivery_sent(
        &self,
        chat_id: &str,
        period: &str,
        holder: &str,
        message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE digest_deliveries SET state = 'sent', claimed_until = NULL, message_id = $4, \
             error_code = NULL, error_message = NULL, permanent = FALSE, next_attempt_at = NULL, updated_at = $5 \
             WHERE {HELD_BY}"
        );
        let marked = with_pool!(&self.pool, |pool| {
            sqlx::query(&sql)
                .bind(chat_id)
                .bind(period)
                .bind(holder)
                .bind(message_id)
                .bind(micros(now))
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "mark a digest delivery sent", source })?;
        Ok(marked > 0)
    }

    /// Marks the delivery failed with `failure`'s code and message, for good or to be
    /// claimed again from its `next_attempt_at` (from `now` if it gives none), if
    /// `holder` still holds its claim; returns whether it did.
    pub async fn delivery_failed(
        &self,
        chat_id: &str,
        period: &str,
        holder: &str,
        failure: &DeliveryFailure,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let next_attempt_at = (!failure.permanent).then(|| micros(failure.next_attempt_at.unwrap_or(now)));
        let sql = format!(
            "UPDATE digest_deliveries SET state = 'failed', claimed_until = NULL, error_code = $4, \
             error_message = $5, permanent = $6, next_attempt_at = $7, updated_at = $8 \
             WHERE {HELD_BY}"
        );
        let marked = with_pool!(&self.pool, |pool| {
            sqlx::query(&sql)
                .bind(chat_id)
                .bind(period)
                .bind(holder)
                .bind(failure.code)
                .bind(cut_message(&failure.message))
                .bind(failure.permanent)
                .bind(next_attempt_at)
                .bind(micros(now))
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "mark a digest delivery failed", source })?;
        Ok(marked > 0)
    }

    /// Extends `holder`'s claim to `now + ttl`, for a send that takes long; returns
    /// false if `holder` no longer holds it (taken over, or marked).
    pub async fn renew_delivery(
        &self,
        chat_id: &str,
        period: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let sql = format!("UPDATE digest_deliveries SET claimed_until = $4, updated_at = $5 WHERE {HELD_BY}");
        let renewed = with_pool!(&self.pool, |pool| {
            sqlx::query(&sql)
                .bind(chat_id)
                .bind(period)
                .bind(holder)
                .bind(micros(later(now, ttl)))
                .bind(micros(now))
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "renew the claim on a digest delivery", source })?;
        Ok(renewed > 0)
    }

    /// The delivery of (`chat_id`, `period`), if it was ever claimed.
    pub async fn delivery(&self, chat_id: &str, period: &str) -> Result<Option<Delivery>, StoreError> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM digest_deliveries WHERE chat_id = $1 AND period = $2");
        let row: Option<DeliveryRow> =
            with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(chat_id).bind(period).fetch_optional(pool).await)
                .map_err(|source| StoreError::Database { action: "load a digest delivery", source })?;
        row.map(delivery).transpose()
    }

    /// At most `limit` deliveries of one chat (or of all chats), newest first by
    /// `updated_at`, those written at the same moment newest created first.
    pub async fn recent_deliveries(&self, chat_id: Option<&str>, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        const ORDER: &str = "ORDER BY updated_at DESC, created_at DESC, chat_id, period LIMIT";
        let sql = match chat_id {
            Some(_) => format!("SELECT {DELIVERY_COLUMNS} FROM digest_deliveries WHERE chat_id = $1 {ORDER} $2"),
            None => format!("SELECT {DELIVERY_COLUMNS} FROM digest_deliveries {ORDER} $1"),
        };
        let limit = i64::from(limit);
        let rows: Vec<DeliveryRow> = with_pool!(&self.pool, |pool| {
            let query = sqlx::query_as(&sql);
            let query = match chat_id {
                Some(chat_id) => query.bind(chat_id),
                None => query,
            };
            query.bind(limit).fetch_all(pool).await
        })
        .map_err(|source| StoreError::Database { action: "load the recent digest deliveries", source })?;
        rows.into_iter().map(delivery).collect()
    }
}

/// `now + ttl`, or the far future should that not be a time.
fn later(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(ttl).ok().and_then(|ttl| now.checked_add_signed(ttl)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Refuses an empty or overlong key of a delivery: a bug in the caller.
fn check_text(what: &'static str, text: &str, max: usize) -> Result<(), StoreError> {
    let len = text.chars().count();
    if len == 0 || len > max {
        return Err(StoreError::InvalidDelivery { what, problem: format!("it is {len} characters long, not 1 to {max}") });
    }
    Ok(())
}

/// `message`, cut to [`MAX_DELIVERY_ERROR_CHARS`] characters, the last of them `…`.
fn cut_message(message: &str) -> String {
    if message.chars().count() <= MAX_DELIVERY_ERROR_CHARS {
        return message.to_owned();
    }
    let mut cut: String = message.chars().take(MAX_DELIVERY_ERROR_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn delivery(
    (
        chat_id,
        period,
        state,
        holder,
        claimed_until,
        attempts,
        uuid,
        message_id,
        error_code,
        error_message,
        permanent,
        next_attempt_at,
        created_at,
        updated_at,
    ): DeliveryRow,
) -> Result<Delivery, StoreError> {
    let unreadable =
        |what: String| StoreError::Unreadable { what: format!("{what} in the digest delivery {chat_id:?} {period:?}") };
    let state = DeliveryState::parse(&state).ok_or_else(|| unreadable(format!("the state {state:?}")))?;
    let attempts = u32::try_from(attempts).map_err(|_| unreadable(format!("{attempts} attempts")))?;
    Ok(Delivery {
        state,
        holder,
        claimed_until: claimed_until.map(read_micros).transpose()?,
        attempts,
        uuid,
        message_id,
        error_code,
        error_message,
        permanent,
        next_attempt_at: next_attempt_at.map(read_micros).transpose()?,
        created_at: read_micros(created_at)?,
        updated_at: read_micros(updated_at)?,
        chat_id,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_failure_messages_are_cut_to_2000_characters() {
        assert_eq!(cut_message("bot not in chat"), "bot not in chat");
        let exact = "错".repeat(MAX_DELIVERY_ERROR_CHARS);
        assert_eq!(cut_message(&exact), exact);
        let cut = cut_message(&"错".repeat(3000));
        assert_eq!(cut.chars().count(), MAX_DELIVERY_ERROR_CHARS);
        assert!(cut.ends_with("错…"), "{}", &cut[cut.len() - 10..]);
    }

    #[test]
    fn claims_past_the_end_of_time_end_there() {
        assert_eq!(later(DateTime::<Utc>::MAX_UTC, Duration::from_secs(1)), DateTime::<Utc>::MAX_UTC);
    }
}
