//! What a person who is not an admin may see: a scope of custom workplaces (every block
//! named into them, and the workplace's own numbers) and named blocks, granted to a
//! person named as the admins' allowlist names people (an open_id, a union_id or an
//! e-mail address). Read here once, so that the API, the settings page and the store
//! refuse the same bad input with the same message.

use serde::{Deserialize, Serialize};

use crate::{BlockId, WorkplaceId};

/// The most custom workplaces one grant may name.
pub const MAX_SCOPE_WORKPLACES: usize = 50;

/// The most blocks one grant may name (past that, a workplace says it better).
pub const MAX_SCOPE_BLOCKS: usize = 500;

/// Custom workplaces and blocks: what a viewer sees.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scope {
    /// Sorted, without repeats.
    pub custom_workplace_ids: Vec<WorkplaceId>,
    /// Sorted, without repeats.
    pub block_ids: Vec<BlockId>,
}

/// Why a scope or a grantee cannot be used, saying what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidScope {
    #[error("the scope is empty: name at least one custom workplace (custom_workplace_ids) or block (block_ids)")]
    Empty,
    #[error("custom_workplace_ids: {reason}")]
    Workplace { reason: String },
    #[error("block_ids: {reason}")]
    Block { reason: String },
    #[error(
        "custom_workplace_ids: {count} workplaces is more than the {MAX_SCOPE_WORKPLACES} one grant may name: grant the rest \
         to the person separately"
    )]
    TooManyWorkplaces { count: usize },
    #[error("block_ids: {count} blocks is more than the {MAX_SCOPE_BLOCKS} one grant may name: name their workplace instead")]
    TooManyBlocks { count: usize },
    #[error(
        "who: {given:?} names nobody: give the person's open_id (ou_…), union_id (on_…) or e-mail address, as \
         DASHBOARD_ADMINS does"
    )]
    Grantee { given: String },
}

impl Scope {
    /// Reads a scope from ids as a request gives them (blank ones skipped).
    pub fn parse<'a>(
        custom_workplace_ids: impl IntoIterator<Item = &'a str>,
        block_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, InvalidScope> {
        let mut workplaces = custom_workplace_ids
            .into_iter()
            .filter(|id| !id.trim().is_empty())
            .map(|id| WorkplaceId::parse(id.trim()).map_err(|e| InvalidScope::Workplace { reason: e.to_string() }))
            .collect::<Result<Vec<_>, _>>()?;
        workplaces.sort();
        workplaces.dedup();
        let mut blocks = block_ids
            .into_iter()
            .filter(|id| !id.trim().is_empty())
            .map(|id| BlockId::parse(id.trim()).map_err(|e| InvalidScope::Block { reason: e.to_string() }))
            .collect::<Result<Vec<_>, _>>()?;
        blocks.sort();
        blocks.dedup();
        if workplaces.len() > MAX_SCOPE_WORKPLACES {
            return Err(InvalidScope::TooManyWorkplaces { count: workplaces.len() });
        }
        if blocks.len() > MAX_SCOPE_BLOCKS {
            return Err(InvalidScope::TooManyBlocks { count: blocks.len() });
        }
        if workplaces.is_empty() && blocks.is_empty() {
            return Err(InvalidScope::Empty);
        }
        Ok(Scope { custom_workplace_ids: workplaces, block_ids: blocks })
    }

    /// Both scopes together (a person named by two grants, by id and by address).
    pub fn union(mut self, other: &Scope) -> Scope {
        self.custom_workplace_ids.extend(other.custom_workplace_ids.iter().cloned());
        self.custom_workplace_ids.sort();
        self.custom_workplace_ids.dedup();
        self.block_ids.extend(other.block_ids.iter().cloned());
        self.block_ids.sort();
        self.block_ids.dedup();
        self
    }
}

/// Who a grant is for, as the admins' allowlist names people: an open_id (`ou_…`), a
/// union_id (`on_…`) or an e-mail address (kept in lower case).
pub fn grantee(given: &str) -> Result<String, InvalidScope> {
    let who = given.trim();
    let refused = || InvalidScope::Grantee { given: who.chars().take(80).collect() };
    let plain = |s: &str| s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if (who.starts_with("ou_") || who.starts_with("on_")) && who.len() > 3 && plain(who) {
        return Ok(who.to_owned());
    }
    match who.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && who.len() <= 254
                && !who.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>' | '"')) =>
        {
            Ok(who.to_lowercase())
        }
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_is_read_once_and_bad_parts_say_what_to_fix() {
        let scope = Scope::parse(["hr", " hr ", ""], ["7", "3", "7"]).unwrap();
        assert_eq!(scope.custom_workplace_ids.iter().map(WorkplaceId::as_str).collect::<Vec<_>>(), ["hr"]);
        assert_eq!(scope.block_ids.iter().map(BlockId::as_str).collect::<Vec<_>>(), ["3", "7"]);
        assert_eq!(Scope::parse([], []).unwrap_err(), InvalidScope::Empty);
        assert!(Scope::parse(["bad id!"], []).unwrap_err().to_string().starts_with("custom_workplace_ids:"));
        assert!(Scope::parse([], ["12a"]).unwrap_err().to_string().starts_with("block_ids:"));
        let many: Vec<String> = (0..=MAX_SCOPE_BLOCKS).map(|n| n.to_string()).collect();
        assert!(Scope::parse([], many.iter().map(String::as_str)).unwrap_err().to_string().contains("501 blocks"));
        let both = Scope::parse(["hr"], ["3"]).unwrap().union(&Scope::parse(["it", "hr"], ["1"]).unwrap());
        assert_eq!((both.custom_workplace_ids.len(), both.block_ids.len()), (2, 2));
    }

    #[test]
    fn a_grantee_is_an_id_or_an_address() {
        assert_eq!(grantee(" ou_abc123 ").unwrap(), "ou_abc123");
        assert_eq!(grantee("on_9").unwrap(), "on_9");
        assert_eq!(grantee("Li.Lei@Example.COM").unwrap(), "li.lei@example.com");
        for bad in ["", "ou_", "li lei", "abc", "a@b", "ou_x;drop", "x@y.z, w@v.u"] {
            assert!(grantee(bad).unwrap_err().to_string().contains("open_id"), "{bad}");
        }
    }
}
