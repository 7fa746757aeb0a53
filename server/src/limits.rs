//! What one request may carry, and the last line against a panic: a query string of at
//! most [`MAX_QUERY_BYTES`] (else 414), a body of at most [`MAX_BODY_BYTES`] (else 413,
//! whether the size is declared or only found while reading; an import of block names
//! or of notes, and only those, up to [`MAX_IMPORT_BYTES`]), each refusal saying what
//! the limit is; an answer within the request deadline (else a logged 503 that says
//! so); and a panic anywhere below becomes a logged 500 with a generic message.
//!
//! The deadline is the last line against a request that would wait without bound: the
//! numbers have their own, shorter deadline in the access-data service (a 504 naming
//! what the query waited for), so this one answers only what no other bound caught.
//!
//! Server functions take a few hundred bytes of JSON or form data and the API takes a
//! query string of dates and block ids, so the limits are far above any real request and
//! far below what could hurt the server.

use std::any::Any;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::Route;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tower::{Layer, Service, ServiceBuilder};
use tower_http::catch_panic::CatchPanicLayer;
use use_cases::error::{AppError, WaitedFor};

/// Longest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Longest body of an import of block names or of notes, in bytes (also axum's own
/// limit on a body read whole): the 10,000 lines of names (`domain::MAX_IMPORT_LINES`)
/// of an 18-digit id, a Chinese name and a workplace take about 1 MiB as a table, and
/// more as JSON; the 5,000 notes (`domain::MAX_NOTES_IMPORT_LINES`) as their export
/// writes them about 1.4 MiB with 60 Chinese characters and one block each.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The longest body the route of `method` and `path` takes: the imports (the names'
/// in the API and on the page, the notes' in the API) take [`MAX_IMPORT_BYTES`], every
/// other route [`MAX_BODY_BYTES`].
fn body_limit(method: &Method, path: &str) -> usize {
    let import = (*method == Method::PUT && [crate::api::BLOCK_NAMES_PATH, crate::api::NOTES_PATH].contains(&path))
        || (*method == Method::POST && path == app::api::NAMES_IMPORT_PATH);
    if import { MAX_IMPORT_BYTES } else { MAX_BODY_BYTES }
}

/// Longest query string accepted, in bytes (as sent, percent-encoded). Room for the
/// 200 block ids a query may name, with their parameter names.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The limits, the deadline of `request_deadline` and the panic guard, as one layer for
/// [`axum::Router::layer`]. Put it inside the tracing layer, so that refusals and
/// panics show in the request's span.
pub fn layer(
    request_deadline: Duration,
) -> impl Layer<
    Route,
    Service: Service<Request, Response: IntoResponse + 'static, Error: Into<Infallible> + 'static, Future: Send + 'static>
                 + Clone
                 + Send
                 + Sync
                 + 'static,
> + Clone
+ Send
+ Sync
+ 'static {
    ServiceBuilder::new().layer(CatchPanicLayer::custom(answer_panic)).layer(from_fn_with_state(request_deadline, enforce))
}

/// Refuses an oversized query string or body before anything else reads the request;
/// passes the body on already read (it is small by then), and answers 504 if what is
/// below has not answered within `deadline`.
async fn enforce(State(deadline): State<Duration>, request: Request, next: Next) -> Response {
    let machine = crate::paths::answers_machines(request.uri().path());
    if let Some(query) = request.uri().query().filter(|q| q.len() > MAX_QUERY_BYTES) {
        return refuse(
            machine,
            AppError::UriTooLong {
                message: format!(
                    "the query string is {} bytes long, more than the {MAX_QUERY_BYTES} allowed: name fewer blocks \
                 (at most 200), or leave the block filter out to see all blocks",
                    query.len()
                ),
            },
        );
    }
    let limit = body_limit(request.method(), request.uri().path());
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(machine, limit);
    }
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => return too_large(machine, limit),
        Err(error) => {
            tracing::info!(%error, "could not read a request body");
            return refuse(
                machine,
                AppError::BadInput {
                    message: "the request body could not be read (the connection broke or the body was malformed): send it \
                              again"
                        .into(),
                },
            );
        }
    };
    let (method, path) = (parts.method.clone(), parts.uri.path().to_owned());
    match tokio::time::timeout(deadline, next.run(Request::from_parts(parts, Body::from(bytes)))).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%method, %path, deadline_s = deadline.as_secs_f64(), "a request had no answer within the request deadline");
            let message = format!(
                "the dashboard did not finish answering within {} s: try again in a minute; if it keeps happening, \
                 the server log names the request",
                deadline.as_secs()
            );
            answer(machine, AppError::Deadline { seconds: deadline.as_secs(), waited_for: WaitedFor::Answer, message })
        }
    }
}

fn too_large(machine: bool, limit: usize) -> Response {
    let message = format!("the request body is larger than the {limit} bytes allowed: send less");
    refuse(machine, AppError::TooLarge { message })
}

/// A refusal of the input limits, logged and answered ([`answer`]).
fn refuse(machine: bool, error: AppError) -> Response {
    tracing::info!(status = error.status(), message = error.message(), "request refused by the input limits");
    answer(machine, error)
}

/// An error answer: the one JSON shape for machines ([`AppError`]'s own answer), the
/// message as text, with the same status, for people.
pub(crate) fn answer(machine: bool, error: AppError) -> Response {
    if machine {
        error.into_response()
    } else {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], error.message().to_owned()).into_response()
    }
}

/// A panic below became this answer: logged with its message, answered generically
/// (the message may name internals).
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    tracing::error!(panic = %what, "a request handler panicked; answered 500");
    AppError::Internal {
        message: "the server failed while answering: try again; if it keeps failing, the server log has the cause".into(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::{get, post, put};
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        Router::new()
            .route("/api/echo", post(|body: String| async move { body }))
            .route(crate::api::BLOCK_NAMES_PATH, put(|body: String| async move { body }).post(|body: String| async move { body }))
            .route(crate::api::NOTES_PATH, put(|body: String| async move { body }))
            .route("/api/v1/annotations/{id}", put(|body: String| async move { body }))
            .route("/page", get(|| async { "page" }))
            .route("/api/boom", get(boom))
            .route("/api/slow", get(|| async { tokio::time::sleep(Duration::from_secs(3600)).await }))
            .layer(layer(Duration::from_secs(30)))
    }

    async fn boom() -> &'static str {
        panic!("internal detail")
    }

    async fn send(request: Request) -> (StatusCode, String) {
        let response = app().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = response.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn small_requests_pass_with_their_body() {
        let request = Request::post("/api/echo").body(Body::from("x".repeat(MAX_BODY_BYTES))).unwrap();
        let (status, body) = send(request).await;
        assert_eq!((status, body.len()), (StatusCode::OK, MAX_BODY_BYTES));
        let query = "a".repeat(MAX_QUERY_BYTES);
        assert_eq!(send(Request::get(format!("/page?{query}")).body(Body::empty()).unwrap()).await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused_declared_or_not() {
        let declared = Request::post("/api/echo")
            .header(header::CONTENT_LENGTH, MAX_BODY_BYTES + 1)
            .body(Body::from("x".repeat(MAX_BODY_BYTES + 1)))
            .unwrap();
        let (status, body) = send(declared).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("larger than the 65536 bytes allowed"), "{body}");
        // A streamed body declares no length: it is refused once it passes the limit.
        let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 4096]));
        let streamed = Request::post("/api/echo").body(Body::from_stream(futures::stream::iter(chunks))).unwrap();
        assert!(streamed.headers().get(header::CONTENT_LENGTH).is_none());
        assert_eq!(send(streamed).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn the_imports_of_names_and_notes_and_only_those_may_carry_more() {
        let import = "x".repeat(MAX_IMPORT_BYTES);
        let request = Request::put(crate::api::BLOCK_NAMES_PATH).body(Body::from(import.clone())).unwrap();
        assert_eq!(send(request).await.0, StatusCode::OK);
        let request = Request::put(crate::api::BLOCK_NAMES_PATH).body(Body::from(format!("{import}x"))).unwrap();
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("larger than the 2097152 bytes allowed"), "{body}");
        assert_eq!(send(Request::put(crate::api::NOTES_PATH).body(Body::from(import.clone())).unwrap()).await.0, StatusCode::OK);
        let request = Request::put(crate::api::NOTES_PATH).body(Body::from(format!("{import}x"))).unwrap();
        assert_eq!(send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        // The same path by another method, and other routes, keep the usual limit; so
        // does the edit of one note.
        let over = "x".repeat(MAX_BODY_BYTES + 1);
        let request = Request::post(crate::api::BLOCK_NAMES_PATH).body(Body::from(over.clone())).unwrap();
        assert_eq!(send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            send(Request::post("/api/echo").body(Body::from(over.clone())).unwrap()).await.0,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let edit = Request::put("/api/v1/annotations/abc").body(Body::from(over)).unwrap();
        assert_eq!(send(edit).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn oversized_query_strings_are_refused_with_the_limit() {
        let query = "block=1&".repeat(MAX_QUERY_BYTES / 8 + 1);
        let (status, body) = send(Request::get(format!("/page?{query}")).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG);
        assert!(body.starts_with("the query string is 8200 bytes long, more than the 8192 allowed"), "{body}");
        let (status, body) = send(Request::get(format!("/api/echo?{query}")).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(json["error"]["message"].as_str().unwrap().contains("8192 allowed"), "{json}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_past_the_deadline_answers_504_saying_so() {
        let (status, body) = send(Request::get("/api/slow").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"]["kind"], "deadline");
        assert!(json["error"]["message"].as_str().unwrap().contains("within 30 s"), "{json}");
    }

    #[tokio::test]
    async fn a_panic_answers_a_generic_500() {
        let (status, body) = send(Request::get("/api/boom").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("the server log has the cause") && !body.contains("internal detail"), "{body}");
    }
}
