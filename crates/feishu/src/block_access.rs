//! Page views and distinct users per workplace widget (block) per day:
//! `POST /open-apis/workplace/v1/workplace_block_access_data/search`.

use std::collections::HashSet;
use std::future::Future;

use chrono::NaiveDate;
use futures::{Stream, TryStreamExt, stream};
use serde::{Deserialize, Serialize};

use crate::client::FeishuClient;
use crate::error::FeishuError;
use domain::BlockId;

const SEARCH_PATH: &str = "/open-apis/workplace/v1/workplace_block_access_data/search";
const DATE_FORMAT: &str = "%Y-%m-%d";

/// What to search: a date range (both ends included), optionally one block.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockAccessQuery {
    from_date: NaiveDate,
    to_date: NaiveDate,
    block_id: Option<BlockId>,
    page_size: u8,
}

/// Why a [`BlockAccessQuery`] cannot be built; the message says what to fix.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum InvalidQuery {
    /// The start date is after the end date.
    #[error(
        "the start date {from} is after the end date {to}: choose a start on or before the end"
    )]
    FromAfterTo {
        /// The start date given.
        from: NaiveDate,
        /// The end date given.
        to: NaiveDate,
    },
    /// The page size is outside 1..=200.
    #[error("the page size {0} is outside 1..=200: choose a page size between 1 and 200")]
    PageSize(u8),
}

impl BlockAccessQuery {
    /// The largest page Feishu serves, and the default: fewest requests per search.
    pub const MAX_PAGE_SIZE: u8 = 200;

    /// All blocks from `from_date` to `to_date` inclusive, pages of 200.
    pub fn new(from_date: NaiveDate, to_date: NaiveDate) -> Result<Self, InvalidQuery> {
        if from_date > to_date {
            return Err(InvalidQuery::FromAfterTo {
                from: from_date,
                to: to_date,
            });
        }
        Ok(Self {
            from_date,
            to_date,
            block_id: None,
            page_size: Self::MAX_PAGE_SIZE,
        })
    }

    /// Only `block_id`'s data.
    pub fn with_block(mut self, block_id: BlockId) -> Self {
        self.block_id = Some(block_id);
        self
    }

    /// Pages of `page_size` items (1..=200).
    pub fn with_page_size(mut self, page_size: u8) -> Result<Self, InvalidQuery> {
        if !(1..=Self::MAX_PAGE_SIZE).contains(&page_size) {
            return Err(InvalidQuery::PageSize(page_size));
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

    /// The block searched, or `None` for all blocks.
    pub fn block_id(&self) -> Option<&BlockId> {
        self.block_id.as_ref()
    }

    /// Items per page.
    pub fn page_size(&self) -> u8 {
        self.page_size
    }
}

/// One block's traffic on one day.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BlockAccess {
    /// The day (in Feishu's reporting time zone).
    pub date: NaiveDate,
    /// The widget.
    pub block_id: BlockId,
    /// Page views.
    pub pv: u64,
    /// Distinct users.
    pub uv: u64,
}

/// One page of a search.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockAccessPage {
    /// The page's items.
    pub items: Vec<BlockAccess>,
    /// Whether more pages follow.
    pub has_more: bool,
    /// The token for the next page, when there is one.
    pub page_token: Option<String>,
}

/// `data` of the answer, as Feishu sends it.
#[derive(Deserialize)]
struct WirePage {
    #[serde(default)]
    items: Option<Vec<WireItem>>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    page_token: Option<String>,
}

#[derive(Deserialize)]
struct WireItem {
    date: NaiveDate,
    block_id: String,
    access_data: WireAccessData,
}

#[derive(Deserialize)]
struct WireAccessData {
    pv: u64,
    uv: u64,
}

impl WirePage {
    fn into_page(self) -> Result<BlockAccessPage, FeishuError> {
        let items = self
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let block_id =
                    BlockId::parse(&item.block_id).map_err(|error| FeishuError::Decode {
                        status: 200,
                        detail: format!("an item's block_id is not a BlockID ({error})"),
                    })?;
                Ok(BlockAccess {
                    date: item.date,
                    block_id,
                    pv: item.access_data.pv,
                    uv: item.access_data.uv,
                })
            })
            .collect::<Result<_, FeishuError>>()?;
        Ok(BlockAccessPage {
            items,
            has_more: self.has_more,
            page_token: self.page_token.filter(|token| !token.is_empty()),
        })
    }
}

impl FeishuClient {
    /// One page of block access data; `page_token` is `None` for the first page, else
    /// the token of the previous page.
    #[tracing::instrument(
        skip_all,
        fields(from = %query.from_date, to = %query.to_date, block_id = query.block_id.as_ref().map(BlockId::as_str))
    )]
    pub async fn search_block_access_page(
        &self,
        query: &BlockAccessQuery,
        page_token: Option<&str>,
    ) -> Result<BlockAccessPage, FeishuError> {
        let from_date = query.from_date.format(DATE_FORMAT).to_string();
        let to_date = query.to_date.format(DATE_FORMAT).to_string();
        let page_size = query.page_size.to_string();
        let mut params = vec![
            ("from_date", from_date.as_str()),
            ("to_date", to_date.as_str()),
            ("page_size", page_size.as_str()),
        ];
        if let Some(page_token) = page_token.filter(|token| !token.is_empty()) {
            params.push(("page_token", page_token));
        }
        if let Some(block_id) = &query.block_id {
            params.push(("block_id", block_id.as_str()));
        }
        self.call_api::<WirePage>(SEARCH_PATH, &params)
            .await?
            .into_page()
    }

    /// All block access data of the query, following page tokens to the last page.
    ///
    /// Stops with [`FeishuError::RepeatedPageToken`] when a page token comes back twice
    /// or `has_more` comes without a token, instead of looping.
    #[tracing::instrument(
        skip_all,
        fields(from = %query.from_date, to = %query.to_date, block_id = query.block_id.as_ref().map(BlockId::as_str))
    )]
    pub async fn search_block_access(
        &self,
        query: &BlockAccessQuery,
    ) -> Result<Vec<BlockAccess>, FeishuError> {
        collect_items(self.search_block_access_pages(query)).await
    }

    /// The pages of the query one by one, following page tokens to the last page: for
    /// callers that report progress or process pages as they come.
    ///
    /// Ends with [`FeishuError::RepeatedPageToken`] when paging does not advance; ends
    /// after the first error.
    pub fn search_block_access_pages<'a>(
        &'a self,
        query: &'a BlockAccessQuery,
    ) -> impl Stream<Item = Result<BlockAccessPage, FeishuError>> + Send + 'a {
        follow_pages(move |page_token| async move {
            self.search_block_access_page(query, page_token.as_deref())
                .await
        })
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
fn follow_pages<F, Fut>(fetch_page: F) -> impl Stream<Item = Result<BlockAccessPage, FeishuError>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<BlockAccessPage, FeishuError>>,
{
    let start = Cursor {
        fetch_page,
        next: Some(None),
        seen_tokens: HashSet::new(),
    };
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
                    return Err(FeishuError::RepeatedPageToken {
                        page_token: repeated.clone(),
                    });
                }
            }
        }
        Ok(Some((page, cursor)))
    })
}

/// All items of all pages, or the first error.
async fn collect_items(
    pages: impl Stream<Item = Result<BlockAccessPage, FeishuError>>,
) -> Result<Vec<BlockAccess>, FeishuError> {
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

    #[test]
    fn queries_are_validated() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).expect("valid date");
        assert!(BlockAccessQuery::new(day(2), day(1)).is_err());
        let query = BlockAccessQuery::new(day(1), day(1)).expect("one day is fine");
        assert_eq!(query.page_size(), 200);
        assert_eq!(
            query.clone().with_page_size(0),
            Err(InvalidQuery::PageSize(0))
        );
        assert_eq!(
            query.clone().with_page_size(201),
            Err(InvalidQuery::PageSize(201))
        );
        assert_eq!(query.with_page_size(1).map(|q| q.page_size()), Ok(1));
    }

    #[test]
    fn wire_items_become_block_access() {
        let data = r#"{"items":[{"date":"2023-03-12","block_id":"283438293839422334",
            "access_data":{"pv":100,"uv":30}}],"has_more":true,"page_token":"ddowkdkl9w2d"}"#;
        let page = serde_json::from_str::<WirePage>(data)
            .expect("documented shape")
            .into_page();
        let page = page.expect("valid items");
        assert_eq!(page.items[0].pv, 100);
        assert_eq!(page.items[0].uv, 30);
        assert_eq!(page.page_token.as_deref(), Some("ddowkdkl9w2d"));
        let empty = serde_json::from_str::<WirePage>(r#"{"has_more":false,"page_token":""}"#);
        let empty = empty.expect("empty page").into_page().expect("valid");
        assert!(empty.items.is_empty() && empty.page_token.is_none());
    }

    fn page(items: usize, next: Option<&str>) -> BlockAccessPage {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("valid date");
        let item = BlockAccess {
            date: day,
            block_id: BlockId::parse("1").expect("valid"),
            pv: 2,
            uv: 1,
        };
        BlockAccessPage {
            items: vec![item; items],
            has_more: next.is_some(),
            page_token: next.map(String::from),
        }
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
        assert!(
            matches!(repeated, Err(FeishuError::RepeatedPageToken { page_token: Some(t) }) if t == "a")
        );

        let tokenless = collect_items(follow_pages(|_| async {
            Ok(BlockAccessPage {
                items: Vec::new(),
                has_more: true,
                page_token: None,
            })
        }))
        .await;
        assert!(matches!(
            tokenless,
            Err(FeishuError::RepeatedPageToken { page_token: None })
        ));
    }
}
