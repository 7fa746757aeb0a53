//! Reading Feishu's answers: decide on the body's `code`, whatever the HTTP status.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::codes::{self, Codes};
use crate::error::FeishuError;
use crate::metrics::NO_CODE;

/// Seconds until Feishu's rate-limit window resets.
const RATE_LIMIT_RESET: &str = "x-ogw-ratelimit-reset";
/// Requests per second Feishu allows, sent with a rate-limit answer.
const RATE_LIMIT_LIMIT: &str = "x-ogw-ratelimit-limit";
/// Longest wait taken from the reset header; a larger value is treated as this.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// How much of a body that is not Feishu JSON goes into an error message.
const EXCERPT_CHARS: usize = 160;

/// One HTTP answer, read to the end.
pub(crate) struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
    /// The limit Feishu names in `x-ogw-ratelimit-limit`, when it does.
    named_limit: Option<u32>,
    /// The body when it is a JSON object.
    json: Option<Map<String, Value>>,
    /// The start of the body, for messages when it is not JSON.
    excerpt: String,
}

impl Answer {
    /// Reads the whole answer; a connection dropped mid-body is a transport error.
    pub(crate) async fn read(response: reqwest::Response) -> Result<Self, FeishuError> {
        let status = response.status();
        let retry_after = rate_limit_reset(response.headers());
        let named_limit = response
            .headers()
            .get(RATE_LIMIT_LIMIT)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok());
        let bytes = response.bytes().await.map_err(FeishuError::transport)?;
        let json = serde_json::from_slice::<Map<String, Value>>(&bytes).ok();
        let excerpt = if json.is_some() { String::new() } else { excerpt(&bytes) };
        Ok(Self { status, retry_after, named_limit, json, excerpt })
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The code to count in the metrics.
    pub(crate) fn metrics_code(&self) -> i64 {
        self.code().unwrap_or(NO_CODE)
    }

    /// Whether Feishu refused the request for the rate (99991400, or HTTP 429 without a code).
    pub(crate) fn is_rate_limited(&self) -> bool {
        match self.code() {
            Some(code) => code == codes::RATE_LIMITED,
            None => self.status == StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The requests per second Feishu says it allows (`x-ogw-ratelimit-limit`).
    pub(crate) fn named_limit(&self) -> Option<u32> {
        self.named_limit
    }

    fn code(&self) -> Option<i64> {
        self.json.as_ref()?.get("code")?.as_i64()
    }

    /// The body when `code` is 0, else the error the code (or the status) stands for.
    pub(crate) fn into_success(self) -> Result<Map<String, Value>, FeishuError> {
        self.into_success_for(Codes::Generic)
    }

    /// Like [`Answer::into_success`], reading an endpoint's own codes too.
    pub(crate) fn into_success_for(self, endpoint: Codes<'_>) -> Result<Map<String, Value>, FeishuError> {
        let Some(code) = self.code() else {
            return Err(self.error_without_code());
        };
        let mut body = self.json.unwrap_or_default();
        if code == 0 {
            return Ok(body);
        }
        let msg = match body.remove("msg") {
            Some(Value::String(msg)) => msg,
            _ => String::new(),
        };
        let error = match endpoint {
            Codes::Search(codes) => FeishuError::from_search_code(codes, code, msg, self.retry_after),
            Codes::Messages => FeishuError::from_message_code(code, msg, self.retry_after),
            Codes::ChatList => FeishuError::from_chat_list_code(code, msg, self.retry_after),
            Codes::Generic => FeishuError::from_code(code, msg, self.retry_after),
        };
        Err(match error {
            // An unknown code with a 5xx status is the gateway failing, worth a retry.
            FeishuError::Upstream { code, msg } if self.status.is_server_error() => {
                FeishuError::UpstreamUnavailable { status: self.status.as_u16(), detail: format!("code {code}: {msg}") }
            }
            error => error,
        })
    }

    fn error_without_code(&self) -> FeishuError {
        let status = self.status.as_u16();
        if self.status.is_server_error() {
            FeishuError::UpstreamUnavailable { status, detail: self.excerpt.clone() }
        } else if self.status == StatusCode::TOO_MANY_REQUESTS {
            FeishuError::RateLimited {
                retry_after: self.retry_after.unwrap_or(Duration::from_secs(1)),
                msg: self.excerpt.clone(),
            }
        } else {
            FeishuError::Decode { status, detail: format!("the body is not a Feishu answer: {:?}", self.excerpt) }
        }
    }
}

/// Decodes the `data` of a successful answer.
pub(crate) fn decode_data<T: DeserializeOwned>(status: StatusCode, mut body: Map<String, Value>) -> Result<T, FeishuError> {
    let data = body.remove("data").unwrap_or(Value::Null);
    serde_json::from_value(data)
        .map_err(|error| FeishuError::Decode { status: status.as_u16(), detail: format!("unexpected `data`: {error}") })
}

fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers.get(RATE_LIMIT_RESET)?.to_str().ok()?.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds).min(MAX_RATE_LIMIT_WAIT))
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(EXCERPT_CHARS) {
        words.truncate(cut);
        words.push('…');
    }
    words
}
