//! A [`Scope`] as its records keep it (a viewer's grant, a link's maker, a digest): two
//! text columns, the custom workplace ids and the block ids each joined by commas, sorted
//! (`''` for none), read back through [`Scope::parse`] so that a stored scope is checked
//! as a new one is.

use domain::scope::Scope;
use domain::{BlockId, WorkplaceId};

/// The scope's two columns: custom workplace ids, block ids.
pub(crate) fn stored(scope: &Scope) -> (String, String) {
    let workplaces: Vec<&str> = scope.custom_workplace_ids.iter().map(WorkplaceId::as_str).collect();
    let blocks: Vec<&str> = scope.block_ids.iter().map(BlockId::as_str).collect();
    (workplaces.join(","), blocks.join(","))
}

/// An optional scope's two columns: both NULL without a scope.
pub(crate) fn stored_optional(scope: Option<&Scope>) -> (Option<String>, Option<String>) {
    scope.map(stored).unzip()
}

/// The scope two columns hold, if they are readable.
pub(crate) fn read(workplaces: &str, blocks: &str) -> Option<Scope> {
    Scope::parse(workplaces.split(','), blocks.split(',')).ok()
}

/// The optional scope two nullable columns hold: `Ok(None)` when both are NULL, `Err`
/// when they cannot be read.
pub(crate) fn read_optional(workplaces: Option<&str>, blocks: Option<&str>) -> Result<Option<Scope>, ()> {
    match (workplaces, blocks) {
        (None, None) => Ok(None),
        (workplaces, blocks) => read(workplaces.unwrap_or_default(), blocks.unwrap_or_default()).map(Some).ok_or(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_reads_back_as_stored_and_unreadable_columns_are_refused() {
        let scope = Scope::parse(["it", "hr"], ["7", "3"]).unwrap();
        let (workplaces, blocks) = stored(&scope);
        assert_eq!((workplaces.as_str(), blocks.as_str()), ("hr,it", "3,7"));
        assert_eq!(read(&workplaces, &blocks), Some(scope.clone()));
        let only_blocks = Scope::parse([], ["12"]).unwrap();
        let (w, b) = stored_optional(Some(&only_blocks));
        assert_eq!(read_optional(w.as_deref(), b.as_deref()), Ok(Some(only_blocks)));
        assert_eq!(stored_optional(None), (None, None));
        assert_eq!(read_optional(None, None), Ok(None));
        assert_eq!(read_optional(Some(""), Some("")), Err(()), "an empty scope is no scope");
        assert_eq!(read_optional(Some("bad id!"), None), Err(()));
    }
}
