//! The widget identifier, validated once at the edge.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A widget's BlockID: 1 to 32 ASCII digits, as shown in Feishu's workplace editor.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BlockId(String);

/// Why a string is not a [`BlockId`]; the message says what to fix.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error(
    "{problem}: a BlockID is 1 to {max} digits (0-9); copy it from the panel under the \
     widget's name in Feishu admin console > Workplace > Custom workplace > editor",
    max = BlockId::MAX_LEN
)]
pub struct InvalidBlockId {
    problem: String,
}

impl BlockId {
    /// The longest BlockID accepted.
    pub const MAX_LEN: usize = 32;

    /// Checks that `text` is 1 to 32 ASCII digits.
    pub fn parse(text: &str) -> Result<Self, InvalidBlockId> {
        let problem = if text.is_empty() {
            "the BlockID is empty".to_owned()
        } else if text.len() > Self::MAX_LEN {
            format!("the BlockID is {} characters long", text.chars().count())
        } else if let Some(bad) = text.chars().find(|c| !c.is_ascii_digit()) {
            format!("the BlockID {text:?} contains {bad:?}")
        } else {
            return Ok(Self(text.to_owned()));
        };
        Err(InvalidBlockId { problem })
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BlockId {
    type Err = InvalidBlockId;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for BlockId {
    type Error = InvalidBlockId;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<BlockId> for String {
    fn from(id: BlockId) -> Self {
        id.0
    }
}

impl AsRef<str> for BlockId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ids_are_digits_only() {
        assert_eq!(
            BlockId::parse("283438293839422334").map(String::from),
            Ok("283438293839422334".into())
        );
        for bad in ["", "12a4", " 123", "1".repeat(33).as_str(), "１２"] {
            let error = BlockId::parse(bad).expect_err(bad);
            assert!(error.to_string().contains("1 to 32 digits"), "{error}");
        }
        let from_json: Result<BlockId, _> = serde_json::from_str("\"12x\"");
        assert!(from_json.is_err());
        assert_eq!(
            serde_json::to_string(&BlockId::parse("42").expect("valid")).ok(),
            Some("\"42\"".into())
        );
    }
}
