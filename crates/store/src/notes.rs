//! Notes on the timeline ([`domain::NoteDraft`] with an id and who wrote it): listed by
//! day, saved, edited and removed, one at a time or (an import) many in one
//! transaction. Shared by every replica through the store.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{BlockId, DateRange, NoteDraft, WorkplaceId};
use serde::Serialize;
use sqlx::QueryBuilder;

use crate::api_tokens::random_text;
use crate::digests::{micros, read_micros};
use crate::{Store, StoreError};

/// A saved note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: String,
    #[serde(flatten)]
    pub draft: NoteDraft,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The bytes of randomness in a note's id.
const ID_BYTES: usize = 12;

/// Notes per insert statement of a batch: eight parameters each, far below what SQLite
/// and PostgreSQL take in one statement.
const NOTES_PER_STATEMENT: usize = 500;

type NoteRow = (String, String, String, String, Option<String>, String, i64, i64);

const COLUMNS: &str = "id, day, text, block_ids, custom_workplace_id, created_by, created_at, updated_at";

impl Store {
    /// The notes whose day is in `range` (every note without one), by day, then by when
    /// they were written.
    pub async fn notes(&self, range: Option<DateRange>) -> Result<Vec<Note>, StoreError> {
        let (from, to) = range.map_or((String::new(), "9999-12-31".to_owned()), |r| (r.from().to_string(), r.to().to_string()));
        let sql = format!("SELECT {COLUMNS} FROM notes WHERE day >= $1 AND day <= $2 ORDER BY day, created_at, id");
        let rows: Vec<NoteRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(&from).bind(&to).fetch_all(pool).await)
            .map_err(|source| StoreError::Database { action: "load the notes", source })?;
        rows.into_iter().map(note).collect()
    }

    /// One note, if there is one with this id.
    pub async fn note(&self, id: &str) -> Result<Option<Note>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notes WHERE id = $1");
        let row: Option<NoteRow> = with_pool!(&self.pool, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
            .map_err(|source| StoreError::Database { action: "load a note", source })?;
        row.map(note).transpose()
    }

    /// Saves a new note written by `by` at `now`; answers it with its id.
    pub async fn add_note(&self, draft: &NoteDraft, by: &str, now: DateTime<Utc>) -> Result<Note, StoreError> {
        let mut saved = self.write_notes(std::slice::from_ref(draft), &[], by, now).await?;
        Ok(saved.remove(0))
    }

    /// Replaces what note `id` says and concerns (its author and creation stay);
    /// answers the note as saved, or `None` when there is no such note.
    pub async fn edit_note(&self, id: &str, draft: &NoteDraft, now: DateTime<Utc>) -> Result<Option<Note>, StoreError> {
        match self.write_notes(&[], &[(id, draft)], "", now).await {
            Err(StoreError::NoSuchNote { .. }) => Ok(None),
            Err(other) => Err(other),
            Ok(_) => self.note(id).await,
        }
    }

    /// Saves the notes of `added` (written by `by` at `now`) and the edits of `edited`
    /// (note id, what it says now) in one transaction: all of them or none. An edited
    /// note that is not there (removed meanwhile) is [`StoreError::NoSuchNote`], and
    /// nothing is saved. Answers the added notes with their ids, in order.
    pub async fn write_notes(
        &self,
        added: &[NoteDraft],
        edited: &[(&str, &NoteDraft)],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Note>, StoreError> {
        // The time as it is stored (microseconds), so that this answer equals a later read.
        let now = read_micros(micros(now))?;
        let saved = added
            .iter()
            .map(|draft| {
                let id = random_text::<ID_BYTES>()?;
                Ok(Note { id, draft: draft.clone(), created_by: by.to_owned(), created_at: now, updated_at: now })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let rows: Vec<(&Note, String, Option<&str>)> = saved
            .iter()
            .map(|note| {
                let (blocks, workplace) = stored_scope(&note.draft);
                (note, blocks, workplace)
            })
            .collect();
        let failed = |source| StoreError::Database { action: "save the notes", source };
        let stamp = micros(now);
        with_pool!(&self.pool, |pool| {
            let mut tx = pool.begin().await.map_err(failed)?;
            for chunk in rows.chunks(NOTES_PER_STATEMENT) {
                let mut insert = QueryBuilder::new(format!("INSERT INTO notes ({COLUMNS}) "));
                insert.push_values(chunk, |mut row, (note, blocks, workplace)| {
                    row.push_bind(&note.id)
                        .push_bind(note.draft.date.to_string())
                        .push_bind(&note.draft.text)
                        .push_bind(blocks)
                        .push_bind(*workplace)
                        .push_bind(by)
                        .push_bind(stamp)
                        .push_bind(stamp);
                });
                insert.build().execute(&mut *tx).await.map_err(failed)?;
            }
            for (id, draft) in edited {
                let (blocks, workplace) = stored_scope(draft);
                let done = sqlx::query(
                    "UPDATE notes SET day = $2, text = $3, block_ids = $4, custom_workplace_id = $5, updated_at = $6 WHERE id = $1",
                )
                .bind(*id)
                .bind(draft.date.to_string())
                .bind(&draft.text)
                .bind(&blocks)
                .bind(workplace)
                .bind(stamp)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                if done.rows_affected() == 0 {
                    // Dropping the transaction rolls back what it wrote.
                    return Err(StoreError::NoSuchNote { id: (*id).to_owned() });
                }
            }
            tx.commit().await.map_err(failed)
        })?;
        Ok(saved)
    }

    /// Removes note `id`; true when there was one.
    pub async fn remove_note(&self, id: &str) -> Result<bool, StoreError> {
        let removed = with_pool!(&self.pool, |pool| {
            sqlx::query("DELETE FROM notes WHERE id = $1").bind(id).execute(pool).await.map(|done| done.rows_affected())
        })
        .map_err(|source| StoreError::Database { action: "remove a note", source })?;
        Ok(removed > 0)
    }
}

/// The scope as stored: block ids joined by commas, the workplace id or NULL.
fn stored_scope(draft: &NoteDraft) -> (String, Option<&str>) {
    let blocks: Vec<&str> = draft.block_ids.iter().map(BlockId::as_str).collect();
    (blocks.join(","), draft.custom_workplace_id.as_ref().map(WorkplaceId::as_str))
}

fn note((id, day, text, block_ids, workplace, created_by, created_at, updated_at): NoteRow) -> Result<Note, StoreError> {
    let unreadable = |what: String| StoreError::Unreadable { what: format!("{what} in the note {id:?}") };
    let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| unreadable(format!("the day {day:?}")))?;
    let block_ids = block_ids
        .split(',')
        .filter(|b| !b.is_empty())
        .map(|b| BlockId::parse(b).map_err(|_| unreadable(format!("the block id {b:?}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let custom_workplace_id =
        workplace.map(|w| WorkplaceId::parse(&w).map_err(|_| unreadable(format!("the workplace id {w:?}")))).transpose()?;
    let draft = NoteDraft { date, text, block_ids, custom_workplace_id };
    Ok(Note { id, draft, created_by, created_at: read_micros(created_at)?, updated_at: read_micros(updated_at)? })
}
