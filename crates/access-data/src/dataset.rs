//! The data sets the service holds by day, one per Feishu search endpoint: how a day
//! filter asks its endpoint, how the endpoint's items become the rows of held days,
//! and what a day of it weighs in pages. Everything else (memory, store, leases,
//! quota, jobs, deadlines) is the same for all of them; a fourth endpoint needs an
//! impl here, a [`DayFilter`] and a [`crate::day::ItemKey`] for its rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{DateRange, WorkplaceId};
use feishu::{
    BlockAccessQuery, BlockAccessSearch, CustomWorkplaceAccessQuery, CustomWorkplaceAccessSearch, SearchEndpoint, SearchQuery,
    WorkplaceAccessQuery, WorkplaceAccessSearch,
};
use store::WorkplaceNames;

use crate::day::{DayFilter, ItemKey};

/// Names of custom workplaces seen in answers, by id.
pub(crate) type SeenNames = BTreeMap<WorkplaceId, WorkplaceNames>;

/// A data set held by day: its endpoint, and how its items become rows.
pub(crate) trait DaySet: SearchEndpoint + Sized {
    /// The search for `filter`'s days of `part`.
    fn query(filter: &DayFilter, part: DateRange) -> SearchQuery<Self>;

    /// Hands the rows of one item to `row` as (date, key, pv, uv), and the names it
    /// carries to `names`.
    fn rows(item: Self::Item, names: &mut SeenNames, row: impl FnMut(NaiveDate, ItemKey, u64, u64));
}

impl DaySet for BlockAccessSearch {
    fn query(filter: &DayFilter, part: DateRange) -> BlockAccessQuery {
        let query = BlockAccessQuery::new(part.from(), part.to()).expect("a DateRange is ordered");
        match filter {
            DayFilter::Block(id) => query.with_block(id.clone()),
            _ => query,
        }
    }

    fn rows(item: Self::Item, _: &mut SeenNames, mut row: impl FnMut(NaiveDate, ItemKey, u64, u64)) {
        row(item.date, ItemKey::Block(item.block_id), item.pv, item.uv);
    }
}

impl DaySet for WorkplaceAccessSearch {
    fn query(_: &DayFilter, part: DateRange) -> WorkplaceAccessQuery {
        WorkplaceAccessQuery::days(part.from(), part.to()).expect("a DateRange is ordered")
    }

    fn rows(item: Self::Item, _: &mut SeenNames, mut row: impl FnMut(NaiveDate, ItemKey, u64, u64)) {
        row(item.date, ItemKey::AllWorkplaces, item.all.pv, item.all.uv);
        row(item.date, ItemKey::DefaultWorkplace, item.default.pv, item.default.uv);
    }
}

impl DaySet for CustomWorkplaceAccessSearch {
    /// Every custom workplace at once: a tenant has a handful, and one held day then
    /// answers for each of them (a query for one is filtered from it).
    fn query(_: &DayFilter, part: DateRange) -> CustomWorkplaceAccessQuery {
        CustomWorkplaceAccessQuery::new(part.from(), part.to()).expect("a DateRange is ordered")
    }

    fn rows(item: Self::Item, names: &mut SeenNames, mut row: impl FnMut(NaiveDate, ItemKey, u64, u64)) {
        if !item.names.is_empty() {
            names.insert(item.workplace_id.clone(), item.names.into_iter().map(|n| (n.language, n.name)).collect());
        }
        row(item.date, ItemKey::Workplace(item.workplace_id), item.visits.pv, item.visits.uv);
    }
}

/// Items per page of `filter`'s endpoint, as the client asks for them.
pub(crate) fn page_size(filter: &DayFilter) -> u32 {
    u32::from(match filter {
        DayFilter::AllBlocks | DayFilter::Block(_) => BlockAccessSearch::MAX_PAGE_SIZE,
        DayFilter::Workplaces => WorkplaceAccessSearch::MAX_PAGE_SIZE,
        DayFilter::CustomWorkplaces => CustomWorkplaceAccessSearch::MAX_PAGE_SIZE,
    })
}

/// Items a day of `filter` holds when that is known beforehand: one for a block or
/// the workplace totals; `None` where it depends on the tenant and is learnt.
pub(crate) fn items_per_day(filter: &DayFilter) -> Option<f64> {
    match filter {
        DayFilter::Block(_) | DayFilter::Workplaces => Some(1.0),
        DayFilter::AllBlocks | DayFilter::CustomWorkplaces => None,
    }
}
