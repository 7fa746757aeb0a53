//! Why the service could not do what was asked ([`ServiceError`]), the words of its quota
//! message, and what a query was waiting for when its deadline passed ([`Waiting`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use feishu::FeishuError;
use store::{InvalidLabel, StoreError};

/// Why the service could not do what was asked. Cheap to clone: one upstream failure
/// is reported to every query that waited for it.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ServiceError {
    /// Feishu refused or failed; nothing partial is returned.
    #[error(transparent)]
    Feishu(Arc<FeishuError>),
    /// The store failed where it matters (names); the cause says what to check.
    #[error("the dashboard's database failed: {0}")]
    Store(Arc<StoreError>),
    /// A block name was refused; the message says what to fix.
    #[error(transparent)]
    InvalidLabel(#[from] InvalidLabel),
    /// The monthly call quota is used up (the configured limit, or Feishu said so with
    /// 99991403) and the query needs days the service does not hold. Nothing partial
    /// is returned; the message says when the count resets and how to raise it.
    #[error("{}", reached_message(*used, *limit, *refused_by_feishu, *resets_on))]
    QuotaReached {
        /// Calls counted this month.
        used: u64,
        /// The configured limit, if any.
        limit: Option<u64>,
        /// True when Feishu answered 99991403.
        refused_by_feishu: bool,
        /// The first day of next month in the tenant's time zone.
        resets_on: NaiveDate,
    },
    /// An upstream fetch ended without an answer (it panicked or was cancelled).
    #[error("fetching from Feishu stopped unexpectedly: {0}")]
    Interrupted(String),
    /// The query did not get its answer within its deadline; `waited_for` says what it
    /// was still waiting for. The fetches it waited for go on and serve the next query.
    #[error("no answer within {} s: still waiting for {waited_for}", deadline.as_secs())]
    DeadlineExceeded {
        /// What the query was waiting for when the deadline passed.
        waited_for: Waiting,
        /// The deadline ([`crate::ServiceConfig::query_deadline`], or the job's).
        deadline: Duration,
    },
}

/// What a query is waiting for at one moment; named when its deadline passes. The
/// pages and the API word the same value ([`domain::WaitedFor`]).
pub use domain::WaitedFor as Waiting;

impl ServiceError {
    /// The Feishu failure behind this error, if that is what it is.
    pub fn feishu(&self) -> Option<&FeishuError> {
        match self {
            ServiceError::Feishu(e) => Some(e),
            _ => None,
        }
    }
}

impl From<FeishuError> for ServiceError {
    fn from(e: FeishuError) -> Self {
        ServiceError::Feishu(Arc::new(e))
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidLabel(invalid) => ServiceError::InvalidLabel(invalid),
            other => ServiceError::Store(Arc::new(other)),
        }
    }
}

/// The message of [`ServiceError::QuotaReached`]: what happened, what is shown, when it
/// resets and how to raise the limit.
pub(crate) fn reached_message(used: u64, limit: Option<u64>, refused_by_feishu: bool, resets_on: NaiveDate) -> String {
    let shown = format!(
        "The dashboard does not call Feishu again until the count resets on {resets_on} (the first day of next month \
         in the tenant's time zone): it shows only days it had already fetched, and this view needs days it has not. \
         Choose days viewed before, or wait for the reset"
    );
    match (refused_by_feishu, limit) {
        (true, _) => format!(
            "Feishu answered that the tenant's monthly API call quota is used up (99991403), after {used} calls counted \
             this month. {shown}; or upgrade the Feishu plan and restart the dashboard."
        ),
        (false, Some(limit)) => format!(
            "The monthly Feishu API quota is used up: {used} of {limit} calls this month (FEISHU_MONTHLY_QUOTA). {shown}; \
             or raise FEISHU_MONTHLY_QUOTA if the Feishu plan allows more calls, and restart the dashboard."
        ),
        (false, None) => format!("The monthly Feishu API quota is used up ({used} calls this month). {shown}."),
    }
}
