//! Server functions answer every error with 500 (server_fn's default), whether the
//! request was wrong or the server failed. This gives the answer the status its
//! [`AppError`] means ([`AppError::status`], the same table every route answers by: 400
//! for bad input, which includes arguments that cannot be read, 502 for Feishu, 429 for
//! a used-up monthly quota, 504 for a deadline, 500 for our own failures), so that the
//! browser, scripts and logs can tell a bad request from a broken server. The body is
//! the error in the one JSON shape, `{"error":{"kind","message",…}}`, left as it is.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use use_cases::error::AppError;

/// Sets the status of a failed server function's answer from its error.
pub async fn status_from_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::error!(%error, "could not read a server function's error answer");
            return Response::from_parts(parts, Body::empty());
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_of(&error);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The HTTP status an error means ([`AppError::status`], the one table).
pub fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
