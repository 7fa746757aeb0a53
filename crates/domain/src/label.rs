//! The names admins give blocks, and the workplace each is shown in: Feishu's API knows
//! blocks only by id. The rules for a name live here, once, for the store that saves
//! one, the page that edits one and the import that brings many.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::BlockId;

/// Longest block name or workplace name, in characters: enough for "营销中心 · 周报入口"
/// and its English twin, short enough for a chart legend.
pub const MAX_LABEL_CHARS: usize = 80;

/// A name an admin gave a block, and the workplace it is shown in, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockLabel {
    pub block_id: BlockId,
    /// 1 to [`MAX_LABEL_CHARS`] characters, one line, no surrounding white space.
    pub name: String,
    /// The workplace the admin puts the block in: a custom workplace's name or free
    /// text, with the rules of `name`; `None` shows the block outside any workplace.
    pub workplace: Option<String>,
}

impl BlockLabel {
    /// The label with its name and workplace trimmed, or why it cannot be saved.
    pub fn checked(&self) -> Result<BlockLabel, InvalidLabel> {
        let name = checked_text(&self.name, LabelField::Name)?;
        let workplace = self.workplace.as_deref().map(|w| checked_text(w, LabelField::Workplace)).transpose()?;
        Ok(BlockLabel { block_id: self.block_id.clone(), name, workplace })
    }
}

/// The two texts of a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelField {
    Name,
    Workplace,
}

impl fmt::Display for LabelField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LabelField::Name => "name",
            LabelField::Workplace => "workplace",
        })
    }
}

/// Why a block's name or workplace was refused; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvalidLabel {
    #[error("the name is empty: give the block a name of 1 to {max} characters", max = MAX_LABEL_CHARS)]
    EmptyName,
    #[error(
        "the workplace is empty: give a workplace name of 1 to {max} characters, or no workplace to show the block outside any workplace",
        max = MAX_LABEL_CHARS
    )]
    EmptyWorkplace,
    #[error("the {field} is {len} characters long: shorten it to at most {max}", max = MAX_LABEL_CHARS)]
    TooLong { field: LabelField, len: usize },
    #[error(
        "the {field} contains the control character U+{code:04X}: write it on one line, without tabs or other invisible characters"
    )]
    ControlCharacter { field: LabelField, code: u32 },
}

/// Trims `text` and checks it is one line of 1 to [`MAX_LABEL_CHARS`] characters.
pub fn checked_text(text: &str, field: LabelField) -> Result<String, InvalidLabel> {
    let text = text.trim();
    if text.is_empty() {
        return Err(match field {
            LabelField::Name => InvalidLabel::EmptyName,
            LabelField::Workplace => InvalidLabel::EmptyWorkplace,
        });
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
        assert_eq!(checked_text("  周报 ", LabelField::Name).unwrap(), "周报");
        let longest = "名".repeat(MAX_LABEL_CHARS);
        assert_eq!(checked_text(&longest, LabelField::Name).unwrap().chars().count(), MAX_LABEL_CHARS);
        assert_eq!(checked_text(" \t", LabelField::Name), Err(InvalidLabel::EmptyName));
        assert_eq!(checked_text("", LabelField::Workplace), Err(InvalidLabel::EmptyWorkplace));
        let err = checked_text(&"x".repeat(81), LabelField::Workplace).unwrap_err();
        assert_eq!(err, InvalidLabel::TooLong { field: LabelField::Workplace, len: 81 });
        assert_eq!(err.to_string(), "the workplace is 81 characters long: shorten it to at most 80");
        let err = checked_text("Sales\nweekly", LabelField::Name).unwrap_err();
        assert_eq!(err, InvalidLabel::ControlCharacter { field: LabelField::Name, code: 0x0A });
        assert!(err.to_string().contains("U+000A"), "{err}");
    }

    #[test]
    fn a_checked_label_is_trimmed_whole() {
        let id = BlockId::parse("7").unwrap();
        let label = BlockLabel { block_id: id.clone(), name: " 审批 ".into(), workplace: Some(" 办公 ".into()) };
        assert_eq!(label.checked().unwrap(), BlockLabel { block_id: id, name: "审批".into(), workplace: Some("办公".into()) });
    }
}
