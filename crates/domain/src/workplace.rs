use std::fmt;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

/// Longest custom workplace id accepted (Feishu's look like `tpl_5f1a3b…`, a few dozen
/// characters).
const MAX_LEN: usize = 64;

/// A Feishu custom workplace id as the workplace access endpoints report it, e.g.
/// `tpl_6393d1e4f5c2a0007b8e3c1d`: ASCII letters, digits, `_` and `-`.
///
/// Feishu documents the ids only by example (`tpl_…`), so the prefix is not required:
/// an id Feishu reports is taken as it comes, and only text that could not be an id
/// (empty, too long, spaces or punctuation) is refused.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkplaceId(String);

/// Why a text is not a custom workplace id; the message says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWorkplaceId {
    #[error("the custom workplace id is empty: use an id the dashboard lists, e.g. tpl_6393d1e4f5c2a0007b8e3c1d")]
    Empty,
    #[error("the custom workplace id is {len} characters long; ids have at most {MAX_LEN}")]
    TooLong { len: usize },
    #[error(
        "the custom workplace id {shown:?} contains {bad:?}; ids are letters, digits, _ and -, e.g. tpl_6393d1e4f5c2a0007b8e3c1d"
    )]
    BadCharacter { shown: String, bad: char },
}

impl WorkplaceId {
    /// Parses an id, trimming surrounding white space.
    pub fn parse(text: &str) -> Result<Self, InvalidWorkplaceId> {
        let id = text.trim();
        if id.is_empty() {
            return Err(InvalidWorkplaceId::Empty);
        }
        let len = id.chars().count();
        if len > MAX_LEN {
            return Err(InvalidWorkplaceId::TooLong { len });
        }
        if let Some(bad) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))) {
            let shown: String = id.chars().take(40).collect();
            return Err(InvalidWorkplaceId::BadCharacter { shown, bad });
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as Feishu writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The workplace's name in `language` out of its `names` by language (as Feishu
    /// gives them), else in another language, else its id.
    pub fn name_in(&self, names: &[(String, String)], language: &str) -> String {
        names
            .iter()
            .find(|(lang, _)| lang == language)
            .or_else(|| names.first())
            .map_or_else(|| self.to_string(), |(_, name)| name.clone())
    }
}

impl fmt::Display for WorkplaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WorkplaceId {
    type Error = InvalidWorkplaceId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WorkplaceId> for String {
    fn from(id: WorkplaceId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_feishu_ids_and_refuses_what_cannot_be_one() {
        assert_eq!(WorkplaceId::parse(" tpl_6393d1e4f5c2a0007b8e3c1d ").unwrap().as_str(), "tpl_6393d1e4f5c2a0007b8e3c1d");
        assert_eq!(WorkplaceId::parse(""), Err(InvalidWorkplaceId::Empty));
        assert!(matches!(WorkplaceId::parse("tpl x"), Err(InvalidWorkplaceId::BadCharacter { bad: ' ', .. })));
        assert!(matches!(WorkplaceId::parse(&"a".repeat(65)), Err(InvalidWorkplaceId::TooLong { len: 65 })));
        assert!(serde_json::from_str::<WorkplaceId>("\"tpl;drop\"").is_err());
    }
}

/// Page views and distinct users.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Visits {
    /// Page views (访问次数).
    pub pv: u64,
    /// Distinct users that day (访问用户数, 去重).
    pub uv: u64,
}

/// One day of the workplace totals, as Feishu counts them: all workplaces together
/// and the default workplace. Feishu warns that the default and the custom
/// workplaces need not add up to `all` ("for historical reasons"): each is shown as
/// Feishu gives it, never derived from the others.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkplaceDay {
    pub date: NaiveDate,
    /// Every workplace of the tenant together.
    pub all: Visits,
    /// The default workplace.
    pub default: Visits,
}

/// One custom workplace's visits on one day. Days nobody visited are absent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomWorkplaceDay {
    pub date: NaiveDate,
    pub workplace_id: WorkplaceId,
    pub pv: u64,
    pub uv: u64,
}
