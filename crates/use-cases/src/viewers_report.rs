//! The viewers page as it shows the grants of view access: each with its custom
//! workplaces (by name in the page's language), its blocks, who granted it and when;
//! and the custom workplaces Feishu reports, to tick in the grant form. Plain data for
//! the page's views, built on the server ([`crate::viewers`]).

use domain::WorkplaceId;
use domain::scope::Scope;
use serde::{Deserialize, Serialize};

/// One person's grant as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantShown {
    /// An open_id, a union_id or an e-mail address in lower case.
    pub who: String,
    pub scope: Scope,
    pub granted_by: String,
    /// `YYYY-MM-DD HH:MM UTC`, as the tokens page writes times.
    pub granted_at: String,
}

/// The grants and the custom workplaces to choose from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewersReport {
    /// By whom they are for.
    pub grants: Vec<GrantShown>,
    /// The custom workplaces Feishu reports, with their names by language.
    pub workplaces: Vec<(WorkplaceId, Vec<(String, String)>)>,
}

impl ViewersReport {
    /// The name of workplace `id` in `language` (its id when Feishu reports no name).
    pub fn workplace_name(&self, id: &WorkplaceId, language: &str) -> String {
        let names = self.workplaces.iter().find(|(w, _)| w == id).map(|(_, names)| names.as_slice()).unwrap_or_default();
        id.name_in(names, language)
    }

    /// The workplaces to tick, by their names in `language`: `(id, name)`.
    pub fn choices(&self, language: &str) -> Vec<(WorkplaceId, String)> {
        let mut choices: Vec<(WorkplaceId, String)> =
            self.workplaces.iter().map(|(id, _)| (id.clone(), self.workplace_name(id, language))).collect();
        choices.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        choices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workplaces_are_named_in_the_page_language_and_listed_by_name() {
        let id = |s: &str| WorkplaceId::parse(s).unwrap();
        let named = |pairs: &[(&str, &str)]| pairs.iter().map(|(l, n)| ((*l).to_owned(), (*n).to_owned())).collect();
        let report = ViewersReport {
            grants: Vec::new(),
            workplaces: vec![
                (id("tpl_b"), named(&[("zh", "销售工作台"), ("en", "Sales")])),
                (id("tpl_a"), named(&[("zh", "人事")])),
            ],
        };
        assert_eq!(report.workplace_name(&id("tpl_b"), "en"), "Sales");
        assert_eq!(report.workplace_name(&id("tpl_a"), "en"), "人事", "the name it has, in another language");
        assert_eq!(report.workplace_name(&id("tpl_gone"), "en"), "tpl_gone", "one Feishu does not report: its id");
        let en: Vec<String> = report.choices("en").into_iter().map(|(_, name)| name).collect();
        assert_eq!(en, ["Sales", "人事"]);
    }
}
