//! A note on the timeline: a day, a short text saying what changed ("Moved 请假 to the
//! top of the HR workplace"), and what it concerns: some blocks, a custom workplace, or
//! (both empty) the whole tenant. Read here once, so that the API, the page's form and
//! the CSV import refuse the same bad input with the same message.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{BlockId, WorkplaceId, parse_date};

/// The longest note, in characters: a sentence, not a report.
pub const MAX_NOTE_CHARS: usize = 200;

/// The most blocks one note may concern.
pub const MAX_NOTE_BLOCKS: usize = 50;

/// What a note says and concerns, as given (before it has an id).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NoteDraft {
    pub date: NaiveDate,
    pub text: String,
    /// Sorted, without repeats.
    pub block_ids: Vec<BlockId>,
    pub custom_workplace_id: Option<WorkplaceId>,
}

/// Why a note cannot be saved, saying what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvalidNote {
    #[error("date: {given:?} is not a day: write it as YYYY-MM-DD, such as 2026-11-30")]
    Date { given: String },
    #[error("text: a note says what changed: write a short sentence, such as \"Moved 请假 to the top of the HR workplace\"")]
    EmptyText,
    #[error("text: {chars} characters is more than the {MAX_NOTE_CHARS} a note may have: say it in one sentence")]
    LongText { chars: usize },
    #[error("block_ids: {reason}")]
    Block { reason: String },
    #[error("block_ids: {count} blocks is more than the {MAX_NOTE_BLOCKS} one note may concern: name a workplace instead")]
    TooManyBlocks { count: usize },
    #[error("custom_workplace_id: {reason}")]
    Workplace { reason: String },
}

impl NoteDraft {
    /// Reads a note from its parts as a request gives them: the day as text, the text,
    /// block ids as text, and a custom workplace id (empty for none).
    pub fn parse<'a>(
        date: &str,
        text: &str,
        block_ids: impl IntoIterator<Item = &'a str>,
        custom_workplace_id: Option<&str>,
    ) -> Result<Self, InvalidNote> {
        let date = parse_date(date).ok_or_else(|| InvalidNote::Date { given: date.chars().take(40).collect() })?;
        let text = text.trim();
        if text.is_empty() {
            return Err(InvalidNote::EmptyText);
        }
        let chars = text.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(InvalidNote::LongText { chars });
        }
        let mut blocks = block_ids
            .into_iter()
            .filter(|id| !id.trim().is_empty())
            .map(|id| BlockId::parse(id).map_err(|e| InvalidNote::Block { reason: e.to_string() }))
            .collect::<Result<Vec<_>, _>>()?;
        blocks.sort();
        blocks.dedup();
        if blocks.len() > MAX_NOTE_BLOCKS {
            return Err(InvalidNote::TooManyBlocks { count: blocks.len() });
        }
        let custom_workplace_id = custom_workplace_id
            .filter(|id| !id.trim().is_empty())
            .map(|id| WorkplaceId::parse(id).map_err(|e| InvalidNote::Workplace { reason: e.to_string() }))
            .transpose()?;
        Ok(NoteDraft { date, text: text.to_owned(), block_ids: blocks, custom_workplace_id })
    }

    /// True when the note concerns the whole tenant (neither blocks nor a workplace).
    pub fn is_tenant_wide(&self) -> bool {
        self.block_ids.is_empty() && self.custom_workplace_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_read_once_and_bad_parts_say_what_to_fix() {
        let note = NoteDraft::parse("2026-11-30", "  Moved 请假 up ", ["7", "3", "7", ""], Some("")).unwrap();
        assert_eq!(note.text, "Moved 请假 up");
        assert_eq!(note.block_ids.iter().map(BlockId::as_str).collect::<Vec<_>>(), ["3", "7"]);
        assert!(note.custom_workplace_id.is_none() && !note.is_tenant_wide());
        assert!(NoteDraft::parse("2026-11-30", "x", [], None).unwrap().is_tenant_wide());
        let refused = |date: &str, text: &str, blocks: &[&str], workplace: Option<&str>| {
            NoteDraft::parse(date, text, blocks.iter().copied(), workplace).unwrap_err().to_string()
        };
        assert!(refused("2026-11-31", "x", &[], None).contains("YYYY-MM-DD"));
        assert!(refused("2026-11-30", "  ", &[], None).contains("short sentence"));
        assert!(refused("2026-11-30", &"长".repeat(201), &[], None).contains("201 characters"));
        assert!(refused("2026-11-30", "x", &["12a"], None).starts_with("block_ids:"));
        let many: Vec<String> = (0..51).map(|n| n.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(refused("2026-11-30", "x", &many, None).contains("51 blocks"));
        assert!(refused("2026-11-30", "x", &[], Some("bad id!")).starts_with("custom_workplace_id:"));
    }
}
