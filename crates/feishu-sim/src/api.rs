//! Answers in Feishu's envelope: `{"code", "msg", ...}` JSON with an HTTP
//! status, plus the gateway's HTML error pages.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::endpoints::SimEndpoint;
use crate::rate::Limited;

/// Header naming the allowed requests per window on a 99991400 answer.
pub const RATE_LIMIT_HEADER: &str = "x-ogw-ratelimit-limit";
/// Header naming the whole seconds until the limit lets a request through.
pub const RATE_RESET_HEADER: &str = "x-ogw-ratelimit-reset";

/// A non-zero `code` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub http_status: u16,
    pub code: i64,
    pub msg: String,
    /// Set on 99991400: adds the `x-ogw-ratelimit-*` headers.
    pub limited: Option<Limited>,
}

impl ApiError {
    pub fn new(http_status: u16, code: i64, msg: impl Into<String>) -> Self {
        Self { http_status, code, msg: msg.into(), limited: None }
    }

    /// 99991661: no token, or an Authorization header that is not `Bearer <token>`.
    pub fn missing_token() -> Self {
        Self::new(400, 99991661, "Missing access token for authorization. Please make a request with token attached.")
    }

    /// 99991663: a token this simulator does not know, or one that expired.
    pub fn invalid_token() -> Self {
        Self::new(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.")
    }

    /// 99991668: a user access token this simulator never issued (or revoked),
    /// or a token of another kind. HTTP 401, as Feishu answers user-token
    /// endpoints.
    pub fn invalid_user_token() -> Self {
        Self::new(401, 99991668, "Invalid access token for authorization. Please make a request with token attached.")
    }

    /// 99991677: a user access token past its lifetime; the user must log in again
    /// (or the client refresh it).
    pub fn expired_user_token() -> Self {
        Self::new(401, 99991677, "Authentication token expired.")
    }

    /// 99992402: a required query parameter is missing or malformed.
    pub fn field_validation_failed() -> Self {
        Self::new(400, 99992402, "field validation failed")
    }

    /// 99991400 with the rate-limit headers.
    pub fn rate_limited(limited: Limited) -> Self {
        Self { limited: Some(limited), ..Self::new(429, 99991400, "request trigger frequency limit") }
    }

    pub fn invalid_time_format(endpoint: SimEndpoint) -> Self {
        // Two spaces, as in the documented error table.
        Self::new(400, endpoint.codes().invalid_time_format, "invalid  time format")
    }

    pub fn from_after_to(endpoint: SimEndpoint) -> Self {
        Self::new(400, endpoint.codes().from_after_to, "from_date can't be greater than to_date")
    }

    pub fn internal_error(endpoint: SimEndpoint) -> Self {
        Self::new(400, endpoint.codes().internal_error, "internal service error")
    }

    pub fn invalid_page_token(endpoint: SimEndpoint) -> Self {
        Self::new(400, endpoint.codes().invalid_page_token, "invalid page_token")
    }

    /// The endpoint's own code where it documents one, else 99992402.
    pub fn invalid_page_size(endpoint: SimEndpoint) -> Self {
        match endpoint.codes().invalid_page_size {
            Some(code) => Self::new(400, code, "invalid page_size"),
            None => Self::field_validation_failed(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_answer(self.http_status, json!({ "code": self.code, "msg": self.msg }));
        if let Some(limited) = self.limited {
            let headers = response.headers_mut();
            headers.insert(RATE_LIMIT_HEADER, HeaderValue::from(limited.limit));
            headers.insert(RATE_RESET_HEADER, HeaderValue::from(limited.reset_secs));
        }
        response
    }
}

/// The token of an `Authorization: Bearer <token>` header, trimmed; `None` when
/// the header is missing, not `Bearer`, or carries an empty token.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// A JSON body with this status (an unknown status becomes 500).
pub(crate) fn json_answer(http_status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
}

/// The HTML page a gateway answers with when the service behind it fails.
pub(crate) fn gateway_error(http_status: u16) -> Response {
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Gateway Error");
    let body = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        code = status.as_u16(),
    );
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}
