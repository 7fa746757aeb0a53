//! Visits of the workplaces themselves:
//! - `POST /open-apis/workplace/v1/workplace_access_data/search`: per day, all
//!   workplaces together and the default workplace;
//! - `POST /open-apis/workplace/v1/custom_workplace_access_data/search`: per day and
//!   custom workplace, with the workplace's names in several languages.
//!
//! Both take the same parameters as the block endpoint (the custom one an optional
//! `custom_workplace_id`), answer `access_data: {pv, uv}`, and have their own codes
//! (1628001–1628004 and 1621001–1621004).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::block_access::WireAccessData;
use crate::codes::{CUSTOM_WORKPLACE_ACCESS_CODES, SearchCodes, WORKPLACE_ACCESS_CODES};
use crate::search::{SearchEndpoint, SearchQuery};
use domain::{Visits, WorkplaceId};

impl From<WireAccessData> for Visits {
    fn from(wire: WireAccessData) -> Self {
        Visits { pv: wire.pv, uv: wire.uv }
    }
}

/// The workplace totals endpoint.
#[derive(Debug)]
pub enum WorkplaceAccessSearch {}

/// All workplaces and the default workplace on one day. Feishu warns that the default
/// and the custom workplaces' figures need not add up to `all` ("for historical
/// reasons"): they are shown as Feishu gives them, never derived from each other.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct WorkplaceAccess {
    pub date: NaiveDate,
    /// Every workplace of the tenant together.
    pub all: Visits,
    /// The default workplace.
    pub default: Visits,
}

#[derive(Deserialize)]
pub struct WorkplaceWireItem {
    date: NaiveDate,
    all_workplace: WireAccessData,
    default_workplace: WireAccessData,
}

impl SearchEndpoint for WorkplaceAccessSearch {
    const PATH: &'static str = "/open-apis/workplace/v1/workplace_access_data/search";
    const NAME: &'static str = "workplace_access";
    /// Documented as 1 to 200.
    const MAX_PAGE_SIZE: u8 = 200;
    const CODES: SearchCodes = WORKPLACE_ACCESS_CODES;
    type Filter = ();
    type Item = WorkplaceAccess;
    type WireItem = WorkplaceWireItem;

    fn filter_param((): &()) -> Option<(&'static str, String)> {
        None
    }

    fn item(wire: WorkplaceWireItem) -> Result<WorkplaceAccess, String> {
        Ok(WorkplaceAccess { date: wire.date, all: wire.all_workplace.into(), default: wire.default_workplace.into() })
    }
}

/// What to search of the workplace totals: a date range.
pub type WorkplaceAccessQuery = SearchQuery<WorkplaceAccessSearch>;

impl WorkplaceAccessQuery {
    /// Every day from `from_date` to `to_date` inclusive.
    pub fn days(from_date: NaiveDate, to_date: NaiveDate) -> Result<Self, crate::InvalidQuery> {
        Self::filtered(from_date, to_date, ())
    }
}

/// The custom workplace endpoint.
#[derive(Debug)]
pub enum CustomWorkplaceAccessSearch {}

/// What to search of the custom workplaces: a date range, optionally one workplace.
pub type CustomWorkplaceAccessQuery = SearchQuery<CustomWorkplaceAccessSearch>;

/// A name of a custom workplace in one language.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct LocalizedName {
    /// The language, as Feishu names it: `zh`, `en`, `ja`, ….
    pub language: String,
    pub name: String,
}

/// One custom workplace's visits on one day.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CustomWorkplaceAccess {
    pub date: NaiveDate,
    pub workplace_id: WorkplaceId,
    /// The workplace's names, as Feishu gives them (possibly none).
    pub names: Vec<LocalizedName>,
    pub visits: Visits,
}

#[derive(Deserialize)]
pub struct CustomWorkplaceWireItem {
    custom_workplace_id: String,
    #[serde(default)]
    custom_workplace_name: Option<Vec<WireName>>,
    date: NaiveDate,
    access_data: WireAccessData,
}

#[derive(Deserialize)]
struct WireName {
    #[serde(default)]
    language: String,
    #[serde(default)]
    name: String,
}

impl SearchEndpoint for CustomWorkplaceAccessSearch {
    const PATH: &'static str = "/open-apis/workplace/v1/custom_workplace_access_data/search";
    const NAME: &'static str = "custom_workplace_access";
    /// The documentation contradicts itself: its validation rule says 1 to 100, its
    /// description (and the Go SDK) 200. The safe reading is 100: a page of 200 could be
    /// refused, a page of 100 never is; it costs at most twice the pages.
    const MAX_PAGE_SIZE: u8 = 100;
    const CODES: SearchCodes = CUSTOM_WORKPLACE_ACCESS_CODES;
    type Filter = Option<WorkplaceId>;
    type Item = CustomWorkplaceAccess;
    type WireItem = CustomWorkplaceWireItem;

    fn filter_param(filter: &Option<WorkplaceId>) -> Option<(&'static str, String)> {
        filter.as_ref().map(|id| ("custom_workplace_id", id.as_str().to_owned()))
    }

    fn item(wire: CustomWorkplaceWireItem) -> Result<CustomWorkplaceAccess, String> {
        let workplace_id = WorkplaceId::parse(&wire.custom_workplace_id)
            .map_err(|error| format!("an item's custom_workplace_id is not an id ({error})"))?;
        let names = wire
            .custom_workplace_name
            .unwrap_or_default()
            .into_iter()
            .filter(|n| !n.name.trim().is_empty())
            .map(|n| LocalizedName { language: n.language.trim().to_owned(), name: n.name.trim().to_owned() })
            .collect();
        Ok(CustomWorkplaceAccess { date: wire.date, workplace_id, names, visits: wire.access_data.into() })
    }
}

impl CustomWorkplaceAccessQuery {
    /// Only `workplace`'s data.
    pub fn with_workplace(self, workplace: WorkplaceId) -> Self {
        let (from, to, size) = (self.from_date(), self.to_date(), self.page_size());
        Self::filtered(from, to, Some(workplace))
            .and_then(|q| q.with_page_size(size))
            .expect("the dates and the page size were valid already")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_items_read() {
        let wp = r#"{"date":"2023-03-12","all_workplace":{"pv":100,"uv":30},"default_workplace":{"pv":60,"uv":20}}"#;
        let item = WorkplaceAccessSearch::item(serde_json::from_str(wp).expect("shape")).expect("valid");
        assert_eq!((item.all, item.default), (Visits { pv: 100, uv: 30 }, Visits { pv: 60, uv: 20 }));

        let custom = r#"{"custom_workplace_id":"tpl_abc","custom_workplace_name":[{"language":"zh","name":"销售"},{"language":"en","name":"Sales"}],"date":"2023-03-12","access_data":{"pv":5,"uv":2}}"#;
        let item = CustomWorkplaceAccessSearch::item(serde_json::from_str(custom).expect("shape")).expect("valid");
        assert_eq!(item.workplace_id.as_str(), "tpl_abc");
        assert_eq!(item.names[1], LocalizedName { language: "en".into(), name: "Sales".into() });
        let nameless = r#"{"custom_workplace_id":"tpl_abc","date":"2023-03-12","access_data":{"pv":5,"uv":2}}"#;
        assert!(
            CustomWorkplaceAccessSearch::item(serde_json::from_str(nameless).expect("shape")).expect("valid").names.is_empty()
        );
        let bad = r#"{"custom_workplace_id":"tpl abc","date":"2023-03-12","access_data":{"pv":5,"uv":2}}"#;
        assert!(CustomWorkplaceAccessSearch::item(serde_json::from_str(bad).expect("shape")).is_err());
    }

    #[test]
    fn the_custom_endpoint_asks_for_pages_of_100_at_most() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date");
        let query = CustomWorkplaceAccessQuery::new(day, day).expect("valid");
        assert_eq!(query.page_size(), 100);
        assert!(query.with_page_size(101).is_err());
    }
}
