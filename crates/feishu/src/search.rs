//! The workplace search endpoints, all of one shape: `POST <path>` with an empty body
//! and every parameter in the query string (`from_date`, `to_date`, `page_size`,
//! `page_token`, and an optional filter), answering `{items, has_more, page_token}`.
//! One [`SearchEndpoint`] type per endpoint says what differs (its path, its page-size
//! limit, its own error codes, its filter and its items); the paging, the rate budget,
//! the retries and the token handling are the client's, once for all of them.

use std::collections::HashSet;
use std::fmt::Debug;
use std::future::Future;
use std::marker::PhantomData;

use chrono::NaiveDate;
use futures::{Stream, TryStreamExt, stream};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::client::{Endpoint, FeishuClient};
use crate::codes::{Codes, SearchCodes};
use crate::error::FeishuError;

const DATE_FORMAT: &str = "%Y-%m-%d";

/// One search endpoint: what it is called, where it is, what it takes and answers.
pub trait SearchEndpoint: Send + Sync + 'static {
    /// The path on the Open Platform origin.
    const PATH: &'static str;
    /// A short name for logs, metrics and the rate budget (`block_access`, …).
    const NAME: &'static str;
    /// The largest page the client asks for (and the default).
    const MAX_PAGE_SIZE: u8;
    /// The endpoint's own error codes.
    const CODES: SearchCodes;
    /// What a search may be narrowed to (one block, one workplace), or `()`.
    type Filter: Clone + Debug + PartialEq + Eq + Send + Sync + 'static;
    /// One item of an answer, as the client hands it on.
    type Item: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// One item as Feishu sends it.
    type WireItem: DeserializeOwned + Send;

    /// The filter's query parameter, if it sets one.
    fn filter_param(filter: &Self::Filter) -> Option<(&'static str, String)>;

    /// Checks and converts a wire item; the error says what was wrong with it.
    fn item(wire: Self::WireItem) -> Result<Self::Item, String>;
}

/// What to search: a date range (both ends included), a filter, a page size.
#[derive(Debug)]
pub struct SearchQuery<E: SearchEndpoint> {
    from_date: NaiveDate,
    to_date: NaiveDate,
    filter: E::Filter,
    page_size: u8,
    endpoint: PhantomData<fn() -> E>,
}

impl<E: SearchEndpoint> Clone for SearchQuery<E> {
    fn clone(&self) -> Self {
        Self { filter: self.filter.clone(), ..*self }
    }
}

impl<E: SearchEndpoint> PartialEq for SearchQuery<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.from_date, self.to_date, &self.filter, self.page_size)
            == (other.from_date, other.to_date, &other.filter, other.page_size)
    }
}

impl<E: SearchEndpoint> Eq for SearchQuery<E> {}

/// Why a [`SearchQuery`] cannot be built; the message says what to fix.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum InvalidQuery {
    /// The start date is after the end date.
    #[error("the start date {from} is after the end date {to}: choose a start on or before the end")]
    FromAfterTo {
        /// The start date given.
        from: NaiveDate,
        /// The end date given.
        to: NaiveDate,
    },
    /// The page size is outside what the endpoint takes.
    #[error("the page size {size} is outside 1..={max}: choose a page size between 1 and {max}")]
    PageSize {
        /// The size given.
        size: u8,
        /// The endpoint's largest.
        max: u8,
    },
}

impl<E: SearchEndpoint> SearchQuery<E> {
    /// `filter`'s data from `from_date` to `to_date` inclusive, in the largest pages.
    pub fn filtered(from_date: NaiveDate, to_date: NaiveDate, filter: E::Filter) -> Result<Self, InvalidQuery> {
        if from_date > to_date {
            return Err(InvalidQuery::FromAfterTo { from: from_date, to: to_date });
        }
        Ok(Self { from_date, to_date, filter, page_size: E::MAX_PAGE_SIZE, endpoint: PhantomData })
    }

    /// Pages of `page_size` items (1 to the endpoint's largest).
    pub fn with_page_size(mut self, page_size: u8) -> Result<Self, InvalidQuery> {
        if !(1..=E::MAX_PAGE_SIZE).contains(&page_size) {
            return Err(InvalidQuery::PageSize { size: page_size, max: E::MAX_PAGE_SIZE });
        }
        self.page_size = page_size;
        Ok(self)
    }

    /// The first day searched.
    pub fn from_date(&self) -> NaiveDate {
        self.from_date
    }

    /// The last day searched (included).
    pub fn to_date(&self) -> NaiveDate {
        self.to_date
    }

    /// What the search is narrowed to.
    pub fn filter(&self) -> &E::Filter {
        &self.filter
    }

    /// Items per page.
    pub fn page_size(&self) -> u8 {
        self.page_size
    }
}

impl<E: SearchEndpoint<Filter = Option<F>>, F> SearchQuery<E>
where
    Option<F>: Clone + Debug + PartialEq + Eq + Send + Sync + 'static,
{
    /// Every item (no filter) from `from_date` to `to_date` inclusive.
    pub fn new(from_date: NaiveDate, to_date: NaiveDate) -> Result<Self, InvalidQuery> {
        Self::filtered(from_date, to_date, None)
    }
}

/// One page of a search.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SearchPage<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Whether more pages follow.
    pub has_more: bool,
    /// The token for the next page, when there is one.
    pub page_token: Option<String>,
}

/// `data` of a search answer, as Feishu sends it.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct WirePage<T> {
    #[serde(default)]
    items: Option<Vec<T>>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    page_token: Option<String>,
}

impl FeishuClient {
    /// One page of `query`; `page_token` is `None` for the first page, else the token
    /// of the previous page.
    #[tracing::instrument(skip_all, fields(endpoint = E::NAME, from = %query.from_date, to = %query.to_date, filter = ?query.filter))]
    pub async fn search_page<E: SearchEndpoint>(
        &self,
        query: &SearchQuery<E>,
        page_token: Option<&str>,
    ) -> Result<SearchPage<E::Item>, FeishuError> {
        let from_date = query.from_date.format(DATE_FORMAT).to_string();
        let to_date = query.to_date.format(DATE_FORMAT).to_string();
        let page_size = query.page_size.to_string();
        let filter = E::filter_param(&query.filter);
        let mut params =
            vec![("from_date", from_date.as_str()), ("to_date", to_date.as_str()), ("page_size", page_size.as_str())];
        if let Some(page_token) = page_token.filter(|token| !token.is_empty()) {
            params.push(("page_token", page_token));
        }
        if let Some((name, value)) = &filter {
            params.push((name, value.as_str()));
        }
        let wire: WirePage<E::WireItem> = self.call_search::<E, _>(&params).await?;
        let items = wire
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                E::item(item).map_err(|detail| FeishuError::Decode { status: 200, detail: format!("{}: {detail}", E::NAME) })
            })
            .collect::<Result<_, _>>()?;
        Ok(SearchPage { items, has_more: wire.has_more, page_token: wire.page_token.filter(|token| !token.is_empty()) })
    }

    /// All items of `query`, following page tokens to the last page.
    ///
    /// Stops with [`FeishuError::RepeatedPageToken`] when a page token comes back twice
    /// or `has_more` comes without a token, instead of looping.
    pub async fn search<E: SearchEndpoint>(&self, query: &SearchQuery<E>) -> Result<Vec<E::Item>, FeishuError> {
        collect_items(self.search_pages(query)).await
    }

    /// The pages of `query` one by one, following page tokens to the last page: for
    /// callers that report progress or process pages as they come.
    ///
    /// Ends with [`FeishuError::RepeatedPageToken`] when paging does not advance; ends
    /// after the first error.
    pub fn search_pages<'a, E: SearchEndpoint>(
        &'a self,
        query: &'a SearchQuery<E>,
    ) -> impl Stream<Item = Result<SearchPage<E::Item>, FeishuError>> + Send + 'a {
        follow_pages(move |page_token| async move { self.search_page(query, page_token.as_deref()).await })
    }

    /// POSTs to `E`'s path with `query` as query parameters and decodes `data` of the
    /// answer; within `E`'s rate, with retries and token renewal.
    async fn call_search<E: SearchEndpoint, T: DeserializeOwned>(&self, query: &[(&str, &str)]) -> Result<T, FeishuError> {
        let endpoint = Endpoint {
            method: reqwest::Method::POST,
            path: E::PATH,
            name: E::NAME,
            codes: Codes::Search(&E::CODES),
            max_rate: None,
        };
        self.call(&endpoint, query, None).await
    }
}

/// Where paging stands.
struct Cursor<F> {
    fetch_page: F,
    /// The token to ask with next (`Some(None)` for the first page); `None` when done.
    next: Option<Option<String>>,
    seen_tokens: HashSet<String>,
}

/// Pages from `fetch_page`, asking with each page's token for the next one; fails with
/// [`FeishuError::RepeatedPageToken`] when a token repeats or `has_more` comes without one.
fn follow_pages<T, F, Fut>(fetch_page: F) -> impl Stream<Item = Result<SearchPage<T>, FeishuError>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<SearchPage<T>, FeishuError>>,
{
    let start = Cursor { fetch_page, next: Some(None), seen_tokens: HashSet::new() };
    stream::try_unfold(start, |mut cursor| async move {
        let Some(page_token) = cursor.next.take() else {
            return Ok(None);
        };
        let page = (cursor.fetch_page)(page_token).await?;
        if page.has_more {
            match &page.page_token {
                Some(next) if cursor.seen_tokens.insert(next.clone()) => {
                    cursor.next = Some(Some(next.clone()));
                }
                repeated => {
                    return Err(FeishuError::RepeatedPageToken { page_token: repeated.clone() });
                }
            }
        }
        Ok(Some((page, cursor)))
    })
}

/// All items of all pages, or the first error.
async fn collect_items<T>(pages: impl Stream<Item = Result<SearchPage<T>, FeishuError>>) -> Result<Vec<T>, FeishuError> {
    let mut pages = std::pin::pin!(pages);
    let (mut items, mut count) = (Vec::new(), 0_usize);
    while let Some(page) = pages.try_next().await? {
        items.extend(page.items);
        count += 1;
    }
    tracing::debug!(pages = count, items = items.len(), "search complete");
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, next: Option<&str>) -> SearchPage<u32> {
        SearchPage { items: vec![7; items], has_more: next.is_some(), page_token: next.map(String::from) }
    }

    #[tokio::test]
    async fn paging_follows_tokens_to_the_end() {
        let mut asked = Vec::new();
        let items = collect_items(follow_pages(|token| {
            asked.push(token.clone());
            let answer = match token.as_deref() {
                None => page(2, Some("a")),
                Some("a") => page(2, Some("b")),
                _ => page(1, None),
            };
            async move { Ok(answer) }
        }))
        .await
        .expect("three pages");
        assert_eq!(items.len(), 5);
        assert_eq!(asked, [None, Some("a".to_owned()), Some("b".to_owned())]);
    }

    #[tokio::test]
    async fn paging_stops_when_it_does_not_advance() {
        let repeated = collect_items(follow_pages(|_| async { Ok(page(1, Some("a"))) })).await;
        assert!(matches!(repeated, Err(FeishuError::RepeatedPageToken { page_token: Some(t) }) if t == "a"));
        let tokenless = collect_items(follow_pages(|_| async {
            Ok(SearchPage::<u32> { items: Vec::new(), has_more: true, page_token: None })
        }))
        .await;
        assert!(matches!(tokenless, Err(FeishuError::RepeatedPageToken { page_token: None })));
    }

    #[test]
    fn an_empty_page_reads_without_items() {
        let empty = serde_json::from_str::<WirePage<u32>>(r#"{"has_more":false,"page_token":""}"#).expect("empty page");
        assert!(empty.items.is_none() && !empty.has_more);
    }
}
