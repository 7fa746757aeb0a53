//! Every request gets an id, and nothing internal leaves the server.
//!
//! The id is in the `x-request-id` header of every answer and on every log line written
//! while the request is served (a span around it). A 500 answer, whoever wrote it (an
//! API route, a server function, a page, a caught panic), leaves with the words
//! "internal error" and that id, and nothing else: its original text, which may name a
//! database, a file or a query, goes to the log under the same id, where an operator
//! finds it. One place, after every route, so that no route can forget it.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use rand::RngCore;
use serde_json::json;
use tracing::Instrument;
use use_cases::error::AppError;

/// The header that carries the id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How much of a replaced answer goes to the log.
const LOGGED_BYTES: usize = 4096;

/// A new id: 16 hex digits, random (not a count, which would tell how busy the server is).
fn new_id() -> String {
    format!("{:016x}", rand::rng().next_u64())
}

/// Names the request, serves it inside a span carrying the id, and replaces a 500's
/// body with the generic one.
pub async fn request_ids(request: Request, next: Next) -> Response {
    let id = new_id();
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        response = generic_internal_error(response, &id).instrument(span).await;
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The 500 a client sees: the same status, JSON for JSON answers (the API's error shape)
/// and plain text otherwise; the original body in the log.
async fn generic_internal_error(response: Response, id: &str) -> Response {
    let (parts, body) = response.into_parts();
    let original = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::error!(%error, "could not read a 500 answer");
            Default::default()
        }
    };
    let shown = String::from_utf8_lossy(&original[..original.len().min(LOGGED_BYTES)]).into_owned();
    tracing::error!(request_id = %id, answer = %shown, "answered 500: internal error");
    let json =
        parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/json"));
    let message = format!("internal error: the server's log has the details under request id {id}");
    let mut answer = if json {
        // The one error shape, with the id to quote (not AppError's own answer, which
        // would log this 500 a second time).
        let mut body = serde_json::to_value(AppError::Internal { message }).unwrap_or_default();
        body["error"]["request_id"] = json!(id);
        Json(body).into_response()
    } else {
        message.into_response()
    };
    *answer.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    // Caching and security headers are set again by the layers outside this one; keep
    // what the route said about caching (a 500 is never stored).
    answer.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::{REQUEST_ID_HEADER, request_ids};

    async fn answer(router: Router, path: &str) -> (StatusCode, String, String) {
        let router = router.layer(axum::middleware::from_fn(request_ids));
        let response = router.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let id = response.headers()[REQUEST_ID_HEADER].to_str().unwrap().to_owned();
        let status = response.status();
        let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (status, id, body)
    }

    #[tokio::test]
    async fn a_500_says_internal_error_and_its_request_id_only() {
        let router = Router::new()
            .route(
                "/json",
                get(|| async {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        axum::Json(serde_json::json!({"error": "database is locked at /var/lib/x.db"})),
                    )
                }),
            )
            .route("/text", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "sqlx: relation \"api_tokens\" does not exist") }))
            .route("/ok", get(|| async { "fine" }));
        let (status, id, body) = answer(router.clone(), "/json").await;
        assert_eq!(status, 500);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["kind"], "internal");
        assert_eq!(body["error"]["request_id"], id);
        assert!(!body.to_string().contains("database"), "{body}");
        let (_, id, body) = answer(router.clone(), "/text").await;
        assert!(body.starts_with("internal error") && body.contains(&id) && !body.contains("sqlx"), "{body}");
        let (status, other, body) = answer(router, "/ok").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "fine"));
        assert_ne!(other, id, "every request has its own id");
    }
}
