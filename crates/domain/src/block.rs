use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest block id accepted. Feishu's ids are 18 digits; the slack allows longer ids
/// should Feishu ever widen them, while still refusing pasted garbage.
const MAX_LEN: usize = 32;

/// A Feishu workplace block (widget) id, as shown under the block's name in the
/// workplace editor: ASCII digits only, e.g. `283438293839422334`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BlockId(String);

/// Why a text is not a block id; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidBlockId {
    #[error("the block id is empty: copy the BlockID shown under the block's name in the workplace editor")]
    Empty,
    #[error("the block id {shown:?} is {len} characters long; block ids have at most {MAX_LEN} digits (Feishu's have 18)")]
    TooLong { shown: String, len: usize },
    #[error("the block id {shown:?} contains {bad:?}; block ids are digits only, e.g. 283438293839422334")]
    NotDigits { shown: String, bad: char },
}

impl BlockId {
    /// Parses a block id, trimming surrounding white space (pasted ids often carry some).
    pub fn parse(text: &str) -> Result<Self, InvalidBlockId> {
        let id = text.trim();
        if id.is_empty() {
            return Err(InvalidBlockId::Empty);
        }
        let len = id.chars().count();
        if len > MAX_LEN {
            return Err(InvalidBlockId::TooLong { shown: shorten(id), len });
        }
        if let Some(bad) = id.chars().find(|c| !c.is_ascii_digit()) {
            return Err(InvalidBlockId::NotDigits { shown: shorten(id), bad });
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as Feishu writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps error messages short when someone pastes a paragraph into the block field.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        text.to_owned()
    } else {
        let head: String = text.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for BlockId {
    type Error = InvalidBlockId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<BlockId> for String {
    fn from(id: BlockId) -> Self {
        id.0
    }
}

impl std::str::FromStr for BlockId {
    type Err = InvalidBlockId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_feishu_ids_and_trims() {
        assert_eq!(BlockId::parse(" 283438293839422334 ").unwrap().as_str(), "283438293839422334");
    }

    #[test]
    fn rejects_what_is_not_an_id() {
        assert_eq!(BlockId::parse("  "), Err(InvalidBlockId::Empty));
        assert!(matches!(BlockId::parse("12a4"), Err(InvalidBlockId::NotDigits { bad: 'a', .. })));
        assert!(matches!(BlockId::parse("1'; DROP TABLE x"), Err(InvalidBlockId::NotDigits { bad: '\'', .. })));
        let long = "9".repeat(MAX_LEN + 1);
        assert!(matches!(BlockId::parse(&long), Err(InvalidBlockId::TooLong { len: 33, .. })));
        let err = BlockId::parse(&"x".repeat(500)).unwrap_err().to_string();
        assert!(err.len() < 200, "message stays short: {err}");
    }

    #[test]
    fn serde_validates() {
        assert!(serde_json::from_str::<BlockId>("\"12x\"").is_err());
        assert_eq!(serde_json::from_str::<BlockId>("\"123\"").unwrap().as_str(), "123");
    }
}
