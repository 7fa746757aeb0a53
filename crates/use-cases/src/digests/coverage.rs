//! What a digest limited to a scope covers: its custom workplaces by name (in the card's
//! language) and the blocks it names, as the card's title and first line say it, and the
//! dashboard's filter its button opens.

use domain::scope::Scope;
use domain::{BlockId, WorkplaceId};
use i18n::Locale;

use crate::sight::Sight;
use access_data::AccessService;

/// Parts the card names before it says how many more there are.
const NAMED_PARTS: usize = 3;

/// What a scoped digest covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The scope's custom workplaces, each with its name in the card's language (its id
    /// when Feishu has not reported it), and whether the dashboard knows it.
    pub workplaces: Vec<(WorkplaceId, String, bool)>,
    /// The blocks the scope names itself (beside those named into its workplaces).
    pub blocks: Vec<BlockId>,
    /// Every block the digest covers: those named and those named into its workplaces.
    pub covered: Vec<BlockId>,
}

impl Coverage {
    /// The coverage of `scope`, which `sight` sees, with workplace names in `language`.
    pub fn of(service: &AccessService, scope: &Scope, sight: &Sight, language: Locale) -> Self {
        let names = service.workplace_names();
        let workplaces = scope
            .custom_workplace_ids
            .iter()
            .map(|id| match names.get(id) {
                Some(known) => (id.clone(), id.name_in(known, language.code()), true),
                None => (id.clone(), id.to_string(), false),
            })
            .collect();
        let covered = sight.blocks().map(|blocks| blocks.iter().cloned().collect()).unwrap_or_default();
        Coverage { workplaces, blocks: scope.block_ids.clone(), covered }
    }

    /// The dashboard's filter to the same blocks, to append to its URL: the workplace
    /// alone (`&workplace=<id>`, which the page resolves to its blocks as named then), or
    /// every covered block (`&block=<id>,<id>`). Ids are letters, digits, `_` and `-`:
    /// nothing to escape.
    pub fn filter(&self) -> String {
        match (self.workplaces.as_slice(), self.blocks.is_empty()) {
            ([(id, _, _)], true) => format!("&workplace={id}"),
            _ => {
                let ids: Vec<&str> = self.covered.iter().map(BlockId::as_str).collect();
                format!("&block={}", ids.join(","))
            }
        }
    }

    /// What it covers in words: its workplaces, then its blocks by `name`; past
    /// [`NAMED_PARTS`], how many more.
    pub fn words(&self, language: Locale, name: impl Fn(&BlockId) -> String) -> String {
        let t = language.t().digest;
        let mut parts: Vec<String> = self.workplaces.iter().map(|(_, shown, _)| (t.workplace_named)(shown)).collect();
        parts.extend(self.blocks.iter().map(name));
        if parts.len() > NAMED_PARTS + 1 {
            let more = parts.len() - NAMED_PARTS;
            parts.truncate(NAMED_PARTS);
            parts.push((t.and_more)(more));
        }
        parts.join(t.list_separator)
    }

    /// Why a digest of this coverage cannot be made while it holds no block, and what
    /// to do (the setup page and the API show it).
    pub fn empty_reason(&self) -> String {
        let unknown: Vec<&str> = self.workplaces.iter().filter(|(_, _, known)| !known).map(|(id, _, _)| id.as_str()).collect();
        let mut why = format!(
            "no block is in what this digest covers ({}) yet: name blocks into its workplace on the dashboard, or change what \
             the digest covers",
            self.words(Locale::En, |id| id.to_string())
        );
        if !unknown.is_empty() {
            why.push_str(&format!(
                "; Feishu has not reported the custom workplace {} to the dashboard: check the id in the workplaces tab",
                unknown.join(", ")
            ));
        }
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(workplaces: &[&str], blocks: &[&str], covered: &[&str]) -> Coverage {
        Coverage {
            workplaces: workplaces.iter().map(|w| (WorkplaceId::parse(w).unwrap(), format!("{w} name"), true)).collect(),
            blocks: blocks.iter().map(|b| BlockId::parse(b).unwrap()).collect(),
            covered: covered.iter().map(|b| BlockId::parse(b).unwrap()).collect(),
        }
    }

    #[test]
    fn one_workplace_filters_by_itself_and_anything_else_by_its_blocks() {
        assert_eq!(coverage(&["tpl_hr"], &[], &["1", "2"]).filter(), "&workplace=tpl_hr");
        assert_eq!(coverage(&["tpl_hr"], &["3"], &["1", "2", "3"]).filter(), "&block=1,2,3");
        assert_eq!(coverage(&["a", "b"], &[], &["1", "2"]).filter(), "&block=1,2");
        assert_eq!(coverage(&[], &["5"], &["5"]).filter(), "&block=5");
    }

    #[test]
    fn its_words_name_workplaces_then_blocks_and_count_the_rest() {
        let name = |id: &BlockId| format!("b{id}");
        assert_eq!(coverage(&["hr"], &["3"], &[]).words(Locale::En, name), "Workplace “hr name”, b3");
        assert_eq!(coverage(&["hr"], &["3"], &[]).words(Locale::Zh, name), "工作台「hr name」、b3");
        let many = coverage(&["a", "b"], &["1", "2", "3"], &[]);
        assert_eq!(many.words(Locale::En, name), "Workplace “a name”, Workplace “b name”, b1, 2 more");
        let four = coverage(&["a"], &["1", "2", "3"], &[]);
        assert_eq!(four.words(Locale::En, name), "Workplace “a name”, b1, b2, b3", "four are named, not three and one more");
    }
}
