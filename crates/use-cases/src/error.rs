//! The error a page, a script or a server function sees: what happened and what to do,
//! never a secret or a stack of internal causes (those go to the server log).
//!
//! It is the one error at the boundary: every API route, export, page feed, server
//! function and refusal of the server's layers answers with it, in one JSON shape,
//! `{"error":{"kind","message",…}}` (with `advice`, and the numbers of its cause, where
//! it has them), and one status per cause ([`AppError::status`]). The HTTP answer is
//! written once, by its `IntoResponse` (server only).

use chrono::NaiveDate;
pub use domain::WaitedFor;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A failure as shown to a person or a script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "Wire", try_from = "Wire")]
pub enum AppError {
    /// The request itself is wrong; the message says which part and how to fix it.
    #[error("{message}")]
    BadInput { message: String },
    /// No session and no valid API token.
    #[error("{message}")]
    Unauthorized { message: String },
    /// Signed in, but not allowed this (a token without the permission, a foreign origin).
    #[error("{message}")]
    Forbidden { message: String },
    /// What the request names does not exist.
    #[error("{message}")]
    NotFound { message: String },
    /// The request's body is larger than allowed.
    #[error("{message}")]
    TooLarge { message: String },
    /// The request's query string is longer than allowed.
    #[error("{message}")]
    UriTooLong { message: String },
    /// The request's body is of a type the route does not read.
    #[error("{message}")]
    UnsupportedMediaType { message: String },
    /// Asked too early: what is asked needs days that are not final yet (a note's impact
    /// before its weeks after it are over); `judgeable_on` says from when.
    #[error("{message}")]
    TooRecent { message: String, judgeable_on: NaiveDate },
    /// A names import refused whole (empty, too many lines, not a table or JSON list).
    #[error("{message}")]
    ImportRefused { message: String },
    /// A names import with lines refused: nothing saved, every line's reason listed.
    #[error("{message}")]
    RefusedLines { message: String },
    /// Too many requests from this address or person; try again after `retry_after_secs`.
    #[error("{message}")]
    RateLimited { message: String, retry_after_secs: u64 },
    /// The month's Feishu calls are used up (the configured quota, or Feishu answered
    /// 99991403) and the view needs days not fetched before. The page words it in its
    /// own language from the numbers; `message` is the service's English sentence.
    #[error("{message}")]
    QuotaReached { used: u64, limit: Option<u64>, refused_by_feishu: bool, resets_on: NaiveDate, message: String },
    /// Feishu refused or failed; `advice` says what the admin can do about it.
    #[error("Feishu: {message}")]
    Feishu { code: Option<i64>, message: String, advice: String },
    /// The answer did not come within the server's deadline; `waited_for` says what
    /// for. The fetch goes on on the server, so trying again soon usually answers.
    #[error("{message}")]
    Deadline { seconds: u64, waited_for: WaitedFor, message: String },
    /// The store failed while saving an all-or-nothing change (a names import): none of
    /// it was saved, and sending it again later may succeed.
    #[error("{message}")]
    NotSaved { message: String },
    /// Something failed on our side; the details are in the server log (under
    /// `request_id`, when the answer carries one).
    #[error("{message}")]
    Internal { message: String },
    /// The call to the server did not complete (network, decoding): the browser's side.
    #[error("the server could not be reached: {message}")]
    Transport { message: String },
}

impl AppError {
    /// Every cause with its HTTP status and its `kind` in the JSON: the one table.
    pub const CAUSES: [(&'static str, u16); 17] = [
        ("bad_request", 400),
        ("unauthorized", 401),
        ("forbidden", 403),
        ("not_found", 404),
        ("too_large", 413),
        ("uri_too_long", 414),
        ("unsupported_media_type", 415),
        ("too_recent", 409),
        ("bad_import", 422),
        ("refused_lines", 422),
        ("rate_limited", 429),
        ("quota_reached", 429),
        ("feishu", 502),
        ("deadline", 504),
        ("not_saved", 503),
        ("internal", 500),
        ("transport", 500),
    ];

    /// The `kind` of the JSON shape: what the cause is, for scripts to branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::BadInput { .. } => "bad_request",
            AppError::Unauthorized { .. } => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::TooLarge { .. } => "too_large",
            AppError::UriTooLong { .. } => "uri_too_long",
            AppError::UnsupportedMediaType { .. } => "unsupported_media_type",
            AppError::TooRecent { .. } => "too_recent",
            AppError::ImportRefused { .. } => "bad_import",
            AppError::RefusedLines { .. } => "refused_lines",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::QuotaReached { .. } => "quota_reached",
            AppError::Feishu { .. } => "feishu",
            AppError::Deadline { .. } => "deadline",
            AppError::NotSaved { .. } => "not_saved",
            AppError::Internal { .. } => "internal",
            AppError::Transport { .. } => "transport",
        }
    }

    /// The HTTP status the cause means, from [`AppError::CAUSES`]: 400 for bad input,
    /// 502 for Feishu, 429 for a used-up quota or too many requests, 504 for a
    /// deadline, 500 for our own failures, and so on.
    pub fn status(&self) -> u16 {
        let kind = self.kind();
        Self::CAUSES.iter().find(|(k, _)| *k == kind).map_or(500, |(_, status)| *status)
    }

    /// The message without the cause's decoration.
    pub fn message(&self) -> &str {
        match self {
            AppError::BadInput { message }
            | AppError::Unauthorized { message }
            | AppError::Forbidden { message }
            | AppError::NotFound { message }
            | AppError::TooLarge { message }
            | AppError::UriTooLong { message }
            | AppError::UnsupportedMediaType { message }
            | AppError::TooRecent { message, .. }
            | AppError::ImportRefused { message }
            | AppError::RefusedLines { message }
            | AppError::RateLimited { message, .. }
            | AppError::QuotaReached { message, .. }
            | AppError::Feishu { message, .. }
            | AppError::Deadline { message, .. }
            | AppError::NotSaved { message }
            | AppError::Internal { message }
            | AppError::Transport { message } => message,
        }
    }

    /// The error of an all-or-nothing import whose save failed: a failure on our side
    /// becomes [`AppError::NotSaved`], saying that none of `what` ("the names") was
    /// saved and to send it again; a refusal of the request stays as it is.
    pub fn into_not_saved(self, what: &str) -> AppError {
        match self {
            AppError::Internal { .. } => AppError::NotSaved {
                message: format!(
                    "{what} could not be saved: the dashboard's database failed, and the import is all or nothing, so none \
                     of it was saved; send it again later (the server log has the cause)"
                ),
            },
            refused => refused,
        }
    }

    /// The sentence that tells the reader what to do next, when there is one.
    pub fn advice(&self) -> Option<&str> {
        match self {
            AppError::Feishu { advice, .. } if !advice.is_empty() => Some(advice),
            AppError::Deadline { .. } => Some(
                "The fetch goes on in the background: try again in a minute. If it keeps happening, check the connection to Feishu.",
            ),
            AppError::Internal { .. } => Some("Try again; if it keeps failing, the server log has the cause."),
            AppError::Transport { .. } => Some("Check the connection to the dashboard and try again."),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let unreadable = |detail: &str| AppError::BadInput {
            message: format!("the request could not be read ({detail}): reload the page and try again"),
        };
        match value {
            // The call's arguments cannot be read: the request is at fault, not the
            // connection. The server reports a body that does not decode as
            // `Deserialization` (the variant the browser uses for answers it cannot read).
            ServerFnErrorErr::Args(detail) => unreadable(&detail),
            ServerFnErrorErr::MissingArg(name) => unreadable(&format!("missing argument {name}")),
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => unreadable(&detail),
            other => AppError::Transport { message: other.to_string() },
        }
    }
}

/// The JSON shape of every error: `{"error":{"kind","message",…}}`, the fields of the
/// cause beside them (absent when the cause has none).
#[derive(Serialize, Deserialize)]
struct Wire {
    error: WireError,
}

#[derive(Default, Serialize, Deserialize)]
struct WireError {
    kind: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    advice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feishu_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calls_this_month: Option<u64>,
    /// Present (possibly `null`) for a used-up quota: the configured quota, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    monthly_quota: Option<Option<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refused_by_feishu: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resets_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deadline_secs: Option<u64>,
    /// What a deadline waited for, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waited_for: Option<String>,
    /// The same, as data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waiting: Option<WaitedFor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    judgeable_on: Option<NaiveDate>,
}

impl From<AppError> for Wire {
    fn from(error: AppError) -> Self {
        let mut wire = WireError {
            kind: error.kind().to_owned(),
            message: error.message().to_owned(),
            advice: error.advice().map(str::to_owned),
            ..WireError::default()
        };
        match error {
            AppError::Feishu { code, .. } => wire.feishu_code = code,
            AppError::QuotaReached { used, limit, refused_by_feishu, resets_on, .. } => {
                wire.calls_this_month = Some(used);
                wire.monthly_quota = Some(limit);
                wire.refused_by_feishu = Some(refused_by_feishu);
                wire.resets_on = Some(resets_on);
            }
            AppError::Deadline { seconds, waited_for, .. } => {
                wire.deadline_secs = Some(seconds);
                wire.waited_for = Some(waited_for.to_string());
                wire.waiting = Some(waited_for);
            }
            AppError::RateLimited { retry_after_secs, .. } => wire.retry_after_secs = Some(retry_after_secs),
            AppError::TooRecent { judgeable_on, .. } => wire.judgeable_on = Some(judgeable_on),
            _ => {}
        }
        Wire { error: wire }
    }
}

impl TryFrom<Wire> for AppError {
    type Error = String;

    fn try_from(Wire { error: w }: Wire) -> Result<Self, String> {
        let message = w.message;
        Ok(match w.kind.as_str() {
            "bad_request" => AppError::BadInput { message },
            "unauthorized" => AppError::Unauthorized { message },
            "forbidden" => AppError::Forbidden { message },
            "not_found" => AppError::NotFound { message },
            "too_large" => AppError::TooLarge { message },
            "uri_too_long" => AppError::UriTooLong { message },
            "unsupported_media_type" => AppError::UnsupportedMediaType { message },
            "too_recent" => {
                AppError::TooRecent { message, judgeable_on: w.judgeable_on.ok_or("a too_recent error without judgeable_on")? }
            }
            "bad_import" => AppError::ImportRefused { message },
            "refused_lines" => AppError::RefusedLines { message },
            "rate_limited" => AppError::RateLimited { message, retry_after_secs: w.retry_after_secs.unwrap_or(0) },
            "quota_reached" => AppError::QuotaReached {
                used: w.calls_this_month.unwrap_or(0),
                limit: w.monthly_quota.flatten(),
                refused_by_feishu: w.refused_by_feishu.unwrap_or(false),
                resets_on: w.resets_on.ok_or("a quota error without resets_on")?,
                message,
            },
            "feishu" => AppError::Feishu { code: w.feishu_code, message, advice: w.advice.unwrap_or_default() },
            "deadline" => {
                AppError::Deadline { seconds: w.deadline_secs.unwrap_or(0), waited_for: w.waiting.unwrap_or_default(), message }
            }
            "not_saved" => AppError::NotSaved { message },
            "internal" => AppError::Internal { message },
            "transport" => AppError::Transport { message },
            other => return Err(format!("unknown error kind {other:?}")),
        })
    }
}

/// The HTTP answer of an error, written here once: its status and its JSON.
#[cfg(feature = "ssr")]
mod response {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    use super::AppError;

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            match &self {
                AppError::Internal { message } => tracing::error!(%message, "answered 500"),
                AppError::Feishu { code, message, .. } => tracing::warn!(?code, %message, "answered 502: Feishu failed"),
                _ => tracing::info!(status = status.as_u16(), kind = self.kind(), message = self.message(), "request refused"),
            }
            let mut response = (status, Json(self.clone())).into_response();
            if let AppError::RateLimited { retry_after_secs, .. } = self
                && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(feature = "ssr")]
mod from_service {
    use access_data::ServiceError;
    use store::StoreError;

    use super::AppError;

    impl From<StoreError> for AppError {
        /// A name, schedule or token name refused by the store is the request's fault;
        /// anything else is ours, with the cause in the log.
        fn from(error: StoreError) -> Self {
            match error {
                StoreError::InvalidApiTokenName(e) => AppError::BadInput { message: e.to_string() },
                StoreError::InvalidLabel(e) => AppError::BadInput { message: e.to_string() },
                StoreError::InvalidDigestSchedule(e) => AppError::BadInput { message: e.to_string() },
                other => {
                    tracing::error!(error = %other, "the store failed");
                    AppError::Internal { message: "the dashboard's database failed; the server log has the cause".into() }
                }
            }
        }
    }

    impl From<ServiceError> for AppError {
        fn from(error: ServiceError) -> Self {
            if let ServiceError::InvalidLabel(invalid) = &error {
                return AppError::BadInput { message: invalid.to_string() };
            }
            if let ServiceError::DeadlineExceeded { waited_for, deadline } = &error {
                let waited_for = *waited_for;
                return AppError::Deadline { seconds: deadline.as_secs(), waited_for, message: error.to_string() };
            }
            if let ServiceError::QuotaReached { used, limit, refused_by_feishu, resets_on } = error {
                return AppError::QuotaReached { used, limit, refused_by_feishu, resets_on, message: error.to_string() };
            }
            match error.feishu() {
                Some(feishu) => {
                    AppError::Feishu { code: feishu.code(), message: feishu.to_string(), advice: feishu.advice().to_owned() }
                }
                None => {
                    tracing::error!(error = ?error, "access-data service failed");
                    AppError::Internal { message: error.to_string() }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every cause, with the status and kind every route answers it with.
    fn every_cause() -> Vec<(AppError, u16, &'static str)> {
        let text = |s: &str| s.to_owned();
        let resets_on = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        vec![
            (AppError::BadInput { message: text("from_date is missing") }, 400, "bad_request"),
            (AppError::Unauthorized { message: text("sign in") }, 401, "unauthorized"),
            (AppError::Forbidden { message: text("not this token") }, 403, "forbidden"),
            (AppError::NotFound { message: text("no such chat") }, 404, "not_found"),
            (AppError::TooLarge { message: text("send less") }, 413, "too_large"),
            (AppError::UriTooLong { message: text("name fewer blocks") }, 414, "uri_too_long"),
            (AppError::UnsupportedMediaType { message: text("send CSV") }, 415, "unsupported_media_type"),
            (AppError::TooRecent { message: text("judge it later"), judgeable_on: resets_on }, 409, "too_recent"),
            (AppError::ImportRefused { message: text("nothing to import") }, 422, "bad_import"),
            (AppError::RefusedLines { message: text("2 line(s) cannot be imported") }, 422, "refused_lines"),
            (AppError::RateLimited { message: text("too many requests"), retry_after_secs: 7 }, 429, "rate_limited"),
            (
                AppError::QuotaReached { used: 10, limit: Some(10), refused_by_feishu: false, resets_on, message: text("quota") },
                429,
                "quota_reached",
            ),
            (AppError::Feishu { code: Some(99991672), message: text("no scope"), advice: text("add it") }, 502, "feishu"),
            (
                AppError::Deadline { seconds: 60, waited_for: WaitedFor::Feishu { days: 3 }, message: text("late") },
                504,
                "deadline",
            ),
            (AppError::NotSaved { message: text("none of it was saved") }, 503, "not_saved"),
            (AppError::Internal { message: text("the store failed") }, 500, "internal"),
            (AppError::Transport { message: text("offline") }, 500, "transport"),
        ]
    }

    #[test]
    fn every_cause_has_one_status_and_one_json_shape() {
        let causes = every_cause();
        assert_eq!(causes.len(), AppError::CAUSES.len(), "every cause of the table has an example here");
        for (error, status, kind) in causes {
            assert_eq!((error.kind(), error.status()), (kind, status), "{error:?}");
            assert!(AppError::CAUSES.contains(&(kind, status)));
            let json = serde_json::to_value(&error).unwrap();
            let body = json["error"].as_object().unwrap_or_else(|| panic!("{kind}: not in the one shape: {json}"));
            assert_eq!((body["kind"].as_str(), body["message"].as_str()), (Some(kind), Some(error.message())), "{json}");
            assert_eq!(serde_json::from_value::<AppError>(json.clone()).unwrap(), error, "{kind} reads back: {json}");
        }
    }

    #[test]
    fn the_numbers_of_a_cause_are_beside_its_message() {
        let resets_on = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let quota = AppError::QuotaReached { used: 10, limit: None, refused_by_feishu: true, resets_on, message: "q".into() };
        let json = serde_json::to_value(&quota).unwrap();
        assert_eq!(json["error"]["calls_this_month"], 10);
        assert!(json["error"]["monthly_quota"].is_null() && json["error"].get("monthly_quota").is_some(), "{json}");
        assert_eq!(json["error"]["resets_on"], "2027-01-01");
        let late = AppError::Deadline { seconds: 60, waited_for: WaitedFor::Replica { days: 2 }, message: "late".into() };
        let json = serde_json::to_value(&late).unwrap();
        assert_eq!(
            (json["error"]["deadline_secs"].as_u64(), json["error"]["waited_for"].as_str()),
            (Some(60), Some("another replica fetching 2 day(s)"))
        );
        assert!(json["error"]["advice"].as_str().is_some_and(|a| a.contains("try again")), "{json}");
        let feishu = AppError::Feishu { code: Some(1629001), message: "m".into(), advice: "a".into() };
        assert_eq!(serde_json::to_value(&feishu).unwrap()["error"]["feishu_code"], 1629001);
    }
}
