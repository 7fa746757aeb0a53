//! The search endpoints ([`SimEndpoint`]): one endpoint's data for a date range,
//! paged, behind token check, rate limit (per endpoint and app) and fault knobs.
//!
//! Order of checks: Authorization header (99991661), token (99991663), rate
//! limit (99991400), then after the simulated delay: drop, gateway 5xx, forced
//! answer, internal error (1629004, 1628003, 1621003), then the parameters:
//! from_date and to_date (1629001, …), from > to (1629002, …), page_size
//! (1629006, or 99992402 where the endpoint documents no code), page_token
//! (1629005, 1628004, 1621004).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::json;

use crate::api::{ApiError, bearer_token, gateway_error, json_answer};
use crate::endpoints::SimEndpoint;
use crate::faults::{ConnectionKill, FaultAction, FaultPlan};
use crate::paging::BoundQuery;
use crate::rate::Limited;
use crate::state::SimState;
use crate::stats::{Outcome, SearchParams};

/// Page size when the query names none.
const DEFAULT_PAGE_SIZE: usize = 20;

pub(crate) async fn search(
    endpoint: SimEndpoint,
    State(state): State<Arc<SimState>>,
    kill: Option<Extension<ConnectionKill>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let arrived = Instant::now();
    let params = query.map(|Query(pairs)| SearchParams::from_pairs(&pairs)).unwrap_or_default();
    let seq = state.recorder.arrive(arrived, endpoint, params.clone());
    let before = state.count_search();
    let mut faults = state.faults();
    while faults.stall_after.is_some_and(|served| before >= served) {
        tracing::debug!(seq, "search held without an answer (stall_after)");
        // Held (recorded as pending) until the knobs change, or the client gives up.
        let changed = state.faults_changed.notified();
        faults = state.faults();
        if faults.stall_after.is_none_or(|served| before < served) {
            break;
        }
        changed.await;
        faults = state.faults();
    }
    let admitted = admit(&state, endpoint, &headers, arrived);
    let plan = FaultPlan::roll(&faults, seq);
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let answer = match admitted {
        Err(refused) => Err(refused),
        Ok(()) => match plan.action {
            Some(FaultAction::Drop) => {
                state.recorder.finish(seq, Outcome::Dropped, 0);
                return drop_connection(kill).await;
            }
            Some(FaultAction::Gateway(status)) => {
                state.recorder.finish(seq, Outcome::GatewayError { http_status: status }, 0);
                return gateway_error(status);
            }
            Some(FaultAction::Forced(forced)) => {
                let mut error = ApiError::new(forced.http_status, forced.code, forced.msg);
                if error.code == 99991400 {
                    error.limited = Some(Limited { limit: state.config.rate_limit_per_second, reset_secs: 1 });
                }
                Err(error)
            }
            Some(FaultAction::InternalError) => Err(ApiError::internal_error(endpoint)),
            None => answer(&state, endpoint, &params),
        },
    };
    match answer {
        Ok(page) => {
            tracing::debug!(
                endpoint = endpoint.name(),
                from = ?params.from,
                to = ?params.to,
                filter = ?params.filter(endpoint),
                items = page.items.len(),
                has_more = page.next.is_some(),
                "search answered"
            );
            state.recorder.finish(seq, Outcome::Answered { http_status: 200, code: 0 }, page.items.len());
            page.into_response()
        }
        Err(mut error) => {
            if faults.hide_rate_limit_headers {
                error.limited = None;
            }
            tracing::debug!(code = error.code, msg = %error.msg, "search refused");
            state.recorder.finish(seq, Outcome::Answered { http_status: error.http_status, code: error.code }, 0);
            error.into_response()
        }
    }
}

/// Token check and rate limit (each endpoint's own), decided at arrival.
fn admit(state: &SimState, endpoint: SimEndpoint, headers: &HeaderMap, now: Instant) -> Result<(), ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
    let app_id = state.tokens.app_of(token, now).ok_or_else(ApiError::invalid_token)?;
    state.rate.arrive(&format!("{}/{app_id}", endpoint.name()), now).map_err(ApiError::rate_limited)
}

/// Makes the connection task close the socket without a response. Outside
/// the simulator's own accept loop there is no connection to kill, so the
/// request gets a gateway error instead.
async fn drop_connection(kill: Option<Extension<ConnectionKill>>) -> Response {
    match kill {
        Some(Extension(kill)) => {
            kill.0.cancel();
            // The connection task drops this future together with the socket.
            std::future::pending().await
        }
        None => gateway_error(502),
    }
}

/// One page of a successful search.
struct Page {
    items: Vec<serde_json::Value>,
    next: Option<String>,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut data = json!({ "items": self.items, "has_more": self.next.is_some() });
        if let Some(next) = self.next {
            data["page_token"] = json!(next);
        }
        json_answer(200, json!({ "code": 0, "msg": "success", "data": data }))
    }
}

/// Validates the parameters and cuts the page.
fn answer(state: &SimState, endpoint: SimEndpoint, params: &SearchParams) -> Result<Page, ApiError> {
    let (Some(from), Some(to)) = (params.from, params.to) else {
        return Err(ApiError::invalid_time_format(endpoint));
    };
    if from > to {
        return Err(ApiError::from_after_to(endpoint));
    }
    let page_size = match params.page_size.as_deref() {
        None => DEFAULT_PAGE_SIZE,
        Some(raw) => parse_page_size(raw, endpoint.max_page_size()).ok_or_else(|| ApiError::invalid_page_size(endpoint))?,
    };
    let filter = params.filter(endpoint);
    let bound = BoundQuery { endpoint, from, to, filter };
    let offset = match params.page_token.as_deref().filter(|token| !token.is_empty()) {
        None => 0,
        Some(token) => state.pages.check(bound, token).ok_or_else(|| ApiError::invalid_page_token(endpoint))?,
    };
    let (items, has_more) = endpoint.page(&state.dataset, (from, to), filter, offset, page_size);
    let next = has_more.then(|| state.pages.issue(bound, offset + items.len()));
    Ok(Page { items, next })
}

/// Digits only (no sign, no spaces), within `1..=max`.
fn parse_page_size(raw: &str, max: usize) -> Option<usize> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|size| (1..=max).contains(size))
}

/// Exactly `yyyy-MM-dd` naming a real calendar day.
pub(crate) fn parse_strict_date(raw: &str) -> Option<NaiveDate> {
    let bytes = raw.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

impl SearchParams {
    /// The first value of each known parameter; unknown ones are ignored.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let first = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        let from_date = first("from_date");
        let to_date = first("to_date");
        Self {
            from: from_date.as_deref().and_then(parse_strict_date),
            to: to_date.as_deref().and_then(parse_strict_date),
            from_date,
            to_date,
            page_size: first("page_size"),
            page_token: first("page_token"),
            block_id: first("block_id"),
            custom_workplace_id: first("custom_workplace_id"),
        }
    }

    /// The value of the endpoint's filter parameter, if set and not empty.
    fn filter(&self, endpoint: SimEndpoint) -> Option<&str> {
        let value = match endpoint {
            SimEndpoint::BlockAccess => &self.block_id,
            SimEndpoint::WorkplaceAccess => &None,
            SimEndpoint::CustomWorkplaceAccess => &self.custom_workplace_id,
        };
        value.as_deref().filter(|value| !value.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_strict_and_real() {
        assert_eq!(parse_strict_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2023-2-01", "2023/02/01", "20230201", "2023-02-01T00", " 2023-02-01", "2023-13-01", ""] {
            assert_eq!(parse_strict_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn page_size_is_a_plain_integer_in_range() {
        assert_eq!(parse_page_size("1", 200), Some(1));
        assert_eq!(parse_page_size("200", 200), Some(200));
        assert_eq!(parse_page_size("101", 100), None);
        for bad in ["0", "201", "-1", "+5", "abc", "", " 20", "2.5", "99999999999999999999999"] {
            assert_eq!(parse_page_size(bad, 200), None, "{bad:?}");
        }
    }
}
