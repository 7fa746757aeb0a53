//! Response headers every answer carries: no MIME sniffing, no full referrers leaving
//! the site, and a Content-Security-Policy (pages set their own, with a nonce; anything
//! else may load nothing and may only be framed where the configuration allows).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy for answers that are not pages: JSON, CSV, SVG, static files.
pub fn default_policy(frame_ancestors: &str) -> String {
    format!("default-src 'none'; frame-ancestors {frame_ancestors}")
}

/// Adds the security headers a handler did not set itself.
pub async fn headers(State(default_csp): State<Arc<HeaderValue>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert_with(|| (*default_csp).clone());
    response
}
