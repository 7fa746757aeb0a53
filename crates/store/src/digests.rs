//! Digest cards that the dashboard posts into Feishu chats on a schedule: which chats
//! get one, when and in which language ([`DigestSchedule`]), and each (chat, period)
//! delivery with the claim that lets replicas sharing one database send it exactly once
//! (see [`Store::claim_delivery`]).
//!
//! Every time is passed in by the caller and kept to the microsecond; nothing here
//! reads a clock, so that tests can drive one and replicas agree on what they wrote.

mod deliveries;

use std::str::FromStr;

use chrono::{DateTime, Utc, Weekday};
use domain::scope::Scope;
use serde::{Deserialize, Serialize};

use crate::{
    InvalidDigestSchedule, MAX_CHAT_ID_CHARS, MAX_CHAT_NAME_CHARS, MAX_UPDATED_BY_CHARS, Store, StoreError, scope_columns,
};

pub use deliveries::{Delivery, DeliveryFailure, DeliveryState, MAX_DELIVERY_ERROR_CHARS};

/// The language a digest is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestLanguage {
    /// English, stored as `en`.
    En,
    /// Chinese, stored as `zh`.
    Zh,
}

impl DigestLanguage {
    /// How the language is stored and written in URLs: `en` or `zh`.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestLanguage::En => "en",
            DigestLanguage::Zh => "zh",
        }
    }
}

impl FromStr for DigestLanguage {
    type Err = InvalidDigestSchedule;

    /// `en` or `zh`, exactly as [`DigestLanguage::as_str`] writes them.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "en" => Ok(DigestLanguage::En),
            "zh" => Ok(DigestLanguage::Zh),
            other => Err(InvalidDigestSchedule::Language { language: shown(other) }),
        }
    }
}

/// When a chat gets its digest, in the tenant's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "lowercase")]
pub enum DigestCadence {
    /// Once a week, on `weekday` at `hour` (0 to 23).
    Weekly { weekday: Weekday, hour: u8 },
    /// Every day at `hour` (0 to 23).
    Daily { hour: u8 },
}

impl DigestCadence {
    /// The hour of the day the digest is sent at.
    pub fn hour(self) -> u8 {
        match self {
            DigestCadence::Weekly { hour, .. } | DigestCadence::Daily { hour } => hour,
        }
    }
}

/// Which chat gets a digest, when and in which language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSchedule {
    /// The Feishu chat id, e.g. `oc_…`: 1 to 64 ASCII letters, digits, `_` or `-`.
    pub chat_id: String,
    /// The chat's name when it was chosen, for display; at most 200 characters.
    pub chat_name: String,
    pub language: DigestLanguage,
    pub cadence: DigestCadence,
    /// Whether digests are sent; a schedule switched off keeps its settings.
    pub enabled: bool,
    /// What the digest covers: `None`, the whole tenant; a scope, only the blocks it
    /// names and those named into its custom workplaces (see `use_cases::sight`).
    #[serde(default)]
    pub scope: Option<Scope>,
    /// Who saved it: a person's name or an API token's name (1 to 200 characters).
    pub updated_by: String,
    /// When it was saved; kept to the microsecond.
    pub updated_at: DateTime<Utc>,
}

impl DigestSchedule {
    /// Whether the store would save the schedule, and if not what to fix; what
    /// [`Store::save_digest_schedule`] checks, for a form to check before saving.
    pub fn check(&self) -> Result<(), InvalidDigestSchedule> {
        check_chat_id(&self.chat_id)?;
        let len = self.chat_name.chars().count();
        if len > MAX_CHAT_NAME_CHARS {
            return Err(InvalidDigestSchedule::ChatNameTooLong { len });
        }
        let hour = self.cadence.hour();
        if hour > 23 {
            return Err(InvalidDigestSchedule::Hour { hour });
        }
        let by = self.updated_by.trim().chars().count();
        if by == 0 || self.updated_by.chars().count() > MAX_UPDATED_BY_CHARS {
            return Err(InvalidDigestSchedule::UpdatedBy);
        }
        if let Some(scope) = &self.scope {
            // What would be read back: a scope as `Scope::parse` makes them (not empty,
            // sorted, within its limits).
            let (workplaces, blocks) = scope_columns::stored(scope);
            let reason = match Scope::parse(workplaces.split(','), blocks.split(',')) {
                Ok(read) if read == *scope => None,
                Ok(_) => Some("its ids are not sorted or repeat; read it with Scope::parse".to_owned()),
                Err(why) => Some(why.to_string()),
            };
            if let Some(reason) = reason {
                return Err(InvalidDigestSchedule::Scope { reason });
            }
        }
        Ok(())
    }
}

/// `text` quoted for a message, at most 80 characters of it.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(80).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Checks that `chat_id` looks like a Feishu chat id.
pub(crate) fn check_chat_id(chat_id: &str) -> Result<(), InvalidDigestSchedule> {
    let fine = (1..=MAX_CHAT_ID_CHARS).contains(&chat_id.len())
        && chat_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if fine { Ok(()) } else { Err(InvalidDigestSchedule::ChatId { chat_id: shown(chat_id) }) }
}

/// A time as stored: unix microseconds.
pub(crate) fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

/// A stored time read back.
pub(crate) fn read_micros(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Unreadable { what: format!("the time {micros} (unix microseconds)") })
}

type ScheduleRow = (String, String, String, String, Option<i64>, i64, bool, String, i64, Option<String>, Option<String>);

const SCHEDULE_COLUMNS: &str =
    "chat_id, chat_name, language, cadence, weekday, hour, enabled, updated_by, updated_at, scope_workplace_ids, scope_block_ids";

impl Store {
    /// Every digest schedule, by chat name then chat id (compared as Unicode code
    /// points, so that both databases list them alike).
    pub async fn digest_schedules(&self) -> Result<Vec<DigestSchedule>, StoreError> {
        let sql = format!("SELECT {SCHEDULE_COLUMNS} FROM digest_schedules");
        let rows: Vec<ScheduleRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
            .map_err(|source| StoreError::Database { action: "load the digest schedules", source })?;
        let mut schedules = rows.into_iter().map(schedule).collect::<Result<Vec<_>, _>>()?;
        schedules.sort_by(|a, b| a.chat_name.cmp(&b.chat_name).then_with(|| a.chat_id.cmp(&b.chat_id)));
        Ok(schedules)
    }

    /// The digest schedule of one chat, if it has one.
    pub async fn digest_schedule(&self, chat_id: &str) -> Result<Option<DigestSchedule>, StoreError> {
        let sql = format!("SELECT {SCHEDULE_COLUMNS} FROM digest_schedules WHERE chat_id = $1");
        let row: Option<ScheduleRow> =
            with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(chat_id).fetch_optional(pool).await)
                .map_err(|source| StoreError::Database { action: "load a digest schedule", source })?;
        row.map(schedule).transpose()
    }

    /// Saves the schedule as given, replacing the chat's earlier one. A schedule that
    /// [`DigestSchedule::check`] refuses is not saved.
    pub async fn save_digest_schedule(&self, schedule: &DigestSchedule) -> Result<(), StoreError> {
        schedule.check()?;
        let (cadence, weekday) = match schedule.cadence {
            DigestCadence::Weekly { weekday, .. } => ("weekly", Some(i64::from(weekday.number_from_monday()))),
            DigestCadence::Daily { .. } => ("daily", None),
        };
        let (scope_workplaces, scope_blocks) = scope_columns::stored_optional(schedule.scope.as_ref());
        with_pool!(&self.pool, |pool| {
            sqlx::query(
                "INSERT INTO digest_schedules \
                 (chat_id, chat_name, language, cadence, weekday, hour, enabled, updated_by, updated_at, \
                 scope_workplace_ids, scope_block_ids) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (chat_id) DO UPDATE SET chat_name = excluded.chat_name, language = excluded.language, \
                 cadence = excluded.cadence, weekday = excluded.weekday, hour = excluded.hour, \
                 enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at, \
                 scope_workplace_ids = excluded.scope_workplace_ids, scope_block_ids = excluded.scope_block_ids",
            )
            .bind(&schedule.chat_id)
            .bind(&schedule.chat_name)
            .bind(schedule.language.as_str())
            .bind(cadence)
            .bind(weekday)
            .bind(i64::from(schedule.cadence.hour()))
            .bind(schedule.enabled)
            .bind(&schedule.updated_by)
            .bind(micros(schedule.updated_at))
            .bind(&scope_workplaces)
            .bind(&scope_blocks)
            .execute(pool)
            .await
            .map(drop)
        })
        .map_err(|source| StoreError::Database { action: "save the digest schedule", source })
    }

    /// Removes a chat's schedule; its deliveries stay, as history. Returns whether
    /// there was a schedule to remove.
    pub async fn remove_digest_schedule(&self, chat_id: &str) -> Result<bool, StoreError> {
        let removed = with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM digest_schedules WHERE chat_id = $1")
                .bind(chat_id)
                .execute(pool)
                .await
                .map(|d| d.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "remove the digest schedule", source })?;
        Ok(removed > 0)
    }
}

fn schedule(
    (chat_id, chat_name, language, cadence, weekday, hour, enabled, updated_by, updated_at, workplaces, blocks): ScheduleRow,
) -> Result<DigestSchedule, StoreError> {
    let unreadable = |what: String| StoreError::Unreadable { what: format!("{what} in the digest schedule of {chat_id:?}") };
    let language = language.parse().map_err(|_| unreadable(format!("the language {language:?}")))?;
    let hour = u8::try_from(hour).ok().filter(|h| *h <= 23).ok_or_else(|| unreadable(format!("the hour {hour}")))?;
    let cadence = match (cadence.as_str(), weekday) {
        ("daily", None) => DigestCadence::Daily { hour },
        ("weekly", Some(n)) => {
            let weekday = u8::try_from(n - 1)
                .ok()
                .and_then(|n| Weekday::try_from(n).ok())
                .ok_or_else(|| unreadable(format!("the weekday {n}")))?;
            DigestCadence::Weekly { weekday, hour }
        }
        (other, _) => return Err(unreadable(format!("the cadence {other:?} with weekday {weekday:?}"))),
    };
    let updated_at = read_micros(updated_at)?;
    let scope = scope_columns::read_optional(workplaces.as_deref(), blocks.as_deref())
        .map_err(|()| unreadable(format!("the scope {workplaces:?} {blocks:?}")))?;
    Ok(DigestSchedule { chat_id, chat_name, language, cadence, enabled, scope, updated_by, updated_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_ids_are_feishu_ids_and_the_message_quotes_them_briefly() {
        for fine in ["oc_a0b1c2", "oc-x", "a", &"x".repeat(64)] {
            assert_eq!(check_chat_id(fine), Ok(()), "{fine}");
        }
        for bad in ["", "oc 1", "oc_\u{4e00}", "oc_1\n", &"x".repeat(65)] {
            assert!(check_chat_id(bad).is_err(), "{bad:?}");
        }
        let long = check_chat_id(&"y".repeat(500)).unwrap_err().to_string();
        assert!(long.len() < 300 && long.contains("…"), "{long}");
    }

    #[test]
    fn languages_round_trip_through_text() {
        for language in [DigestLanguage::En, DigestLanguage::Zh] {
            assert_eq!(language.as_str().parse::<DigestLanguage>(), Ok(language));
        }
        let why = "fr".parse::<DigestLanguage>().unwrap_err().to_string();
        assert_eq!(why, "\"fr\" is not a digest language: use en or zh");
    }
}
