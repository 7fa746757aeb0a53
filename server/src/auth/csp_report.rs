//! `POST /csp-report`: where browsers report what a page's Content-Security-Policy
//! blocked (`report-uri`). The JSSDK sign-in page's policy was only ever tried with
//! the simulator's stand-in of Feishu's JSSDK; should the real SDK load something the
//! policy does not allow, the sign-in inside Feishu breaks, and the report in the log
//! says what and where.
//!
//! Anyone may post (a report comes from the browser of someone not yet signed in), so:
//! the body is at most [`MAX_REPORT_BYTES`]; what is logged is a few fields, each cut
//! short, with the page's query string and fragment dropped (the sign-in page's
//! address carries no secret, but a report may name any page); at most
//! [`LOGGED_PER_MINUTE`] reports a minute are logged, the rest counted and the count
//! logged with the next one. The answer is always 204, whatever came.
//!
//! Both shapes are read: `report-uri`'s `{"csp-report": {"document-uri", "violated-directive",
//! "effective-directive", "blocked-uri", "source-file", "line-number"}}` and the
//! Reporting API's `[{"type": "csp-violation", "body": {"documentURL",
//! "effectiveDirective", "blockedURL", "sourceFile", "lineNumber"}}]`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;

pub use crate::paths::CSP_REPORT_PATH;

/// The largest report taken; a browser's is well under 2 KB.
pub const MAX_REPORT_BYTES: usize = 8 * 1024;
/// Reports logged a minute at most; the others are counted.
pub const LOGGED_PER_MINUTE: u32 = 20;
/// The most characters of one field that reach the log.
const FIELD_CHARS: usize = 200;

/// The route, to be mounted where anyone may post (no sign-in, no Origin check).
pub fn routes() -> Router {
    Router::new().route(CSP_REPORT_PATH, post(report)).layer(DefaultBodyLimit::max(MAX_REPORT_BYTES))
}

/// What a report says, as it is logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The directive that blocked (`script-src`, `connect-src`, …).
    pub directive: String,
    /// What was blocked: a URL without query or fragment, or `inline`, `eval`, ….
    pub blocked: String,
    /// The page, without query or fragment.
    pub page: String,
    /// The script and line that tried, when the browser says.
    pub source: String,
}

/// The violation a report body describes, if it is a report at all.
pub fn violation(body: &[u8]) -> Option<Violation> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let (report, keys) = if let Some(report) = json.get("csp-report") {
        (report, ["violated-directive", "effective-directive", "blocked-uri", "document-uri", "source-file", "line-number"])
    } else {
        let first = json.as_array()?.first()?;
        (
            first.get("body")?,
            ["effectiveDirective", "effectiveDirective", "blockedURL", "documentURL", "sourceFile", "lineNumber"],
        )
    };
    let text = |key: &str| report.get(key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).unwrap_or_default();
    let directive = Some(text(keys[1])).filter(|d| !d.is_empty()).unwrap_or_else(|| text(keys[0]));
    let line = text(keys[5]);
    let source = match (without_query(&text(keys[4])), line.as_str()) {
        (file, "") => file,
        (file, line) => format!("{file}:{line}"),
    };
    Some(Violation {
        directive: cut(&directive),
        blocked: without_query(&text(keys[2])),
        page: without_query(&text(keys[3])),
        source: cut(&source),
    })
}

/// A URL without its query and fragment, cut short.
fn without_query(url: &str) -> String {
    cut(url.split(['?', '#']).next().unwrap_or_default())
}

fn cut(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(FIELD_CHARS).collect()
}

/// The minute's budget of logged reports.
struct LogBudget {
    window_start: Instant,
    logged: u32,
    suppressed: u64,
}

static BUDGET: Mutex<Option<LogBudget>> = Mutex::new(None);

/// Whether to log one more report now, and how many were left out before it.
fn may_log(now: Instant) -> Option<u64> {
    let mut guard = BUDGET.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let budget = guard.get_or_insert(LogBudget { window_start: now, logged: 0, suppressed: 0 });
    if now.duration_since(budget.window_start) >= Duration::from_secs(60) {
        budget.window_start = now;
        budget.logged = 0;
    }
    if budget.logged >= LOGGED_PER_MINUTE {
        budget.suppressed += 1;
        return None;
    }
    budget.logged += 1;
    Some(std::mem::take(&mut budget.suppressed))
}

async fn report(body: Bytes) -> StatusCode {
    if let Some(violation) = violation(&body)
        && let Some(suppressed) = may_log(Instant::now())
    {
        tracing::warn!(
            directive = %violation.directive,
            blocked = %violation.blocked,
            page = %violation.page,
            source = %violation.source,
            suppressed_before = suppressed,
            "a page's Content-Security-Policy blocked something (if it is the JSSDK sign-in page, \
             the real JSSDK needs more than the policy allows)"
        );
    }
    StatusCode::NO_CONTENT
}
