//! What each path of the server is: who may fetch it (the one list the sign-in guard and
//! the rate limits read) and whether it answers machines (JSON errors) or people.

/// The API of read-only links.
pub const SHARE_LINKS_PATH: &str = "/api/v1/share-links";

/// Where browsers report what a page's Content-Security-Policy blocked.
pub const CSP_REPORT_PATH: &str = "/csp-report";

/// What a path is, as far as who may fetch it: the one list the guard and the rate
/// limits read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Signing in and out, and the policy reports of its pages: anyone, counted per
    /// client address.
    SignIn,
    /// Health, readiness, metrics (no usage data) and the static bundle (code and
    /// styles, no data): anyone, never counted.
    Open,
    /// Everything else: a signed-in person or, on `/api/v1/`, an API token.
    Protected,
}

/// The access of `path`.
pub fn access(path: &str) -> Access {
    if matches!(path, "/login" | "/auth/callback" | "/auth/jssdk" | "/signed-out" | "/logout") || path == CSP_REPORT_PATH {
        Access::SignIn
    } else if matches!(path, "/healthz" | "/readyz" | "/metrics" | "/favicon.ico") || path.starts_with("/pkg/") {
        Access::Open
    } else {
        Access::Protected
    }
}

/// Paths that answer scripts and the browser's code, which read JSON errors.
pub fn answers_machines(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/export/")
}

/// The reads a viewer (a person granted a scope, not an admin) may fetch: the views
/// that narrow themselves to what the request may see (`use_cases::sight`). Everything
/// else (the settings pages, every change, the tenant-wide totals) is an admin's, and
/// the sign-in guard answers a viewer 403 there.
const VIEWER_READS: [&str; 14] = [
    "/",
    "/api/progress",
    "/api/v1/block-access",
    "/api/v1/block-access.csv",
    "/api/v1/block-access.xlsx",
    "/api/v1/custom-workplace-access",
    "/api/v1/custom-workplace-access.csv",
    "/api/v1/custom-workplace-access.xlsx",
    "/api/v1/insights",
    "/api/v1/block-names",
    "/api/v1/block-names.csv",
    "/api/v1/block-names.xlsx",
    "/api/v1/annotations",
    "/api/v1/annotations.csv",
];

/// Whether a viewer may fetch `path` with `method`: a read of [`VIEWER_READS`], an SVG
/// export, or the impact of a note.
pub fn open_to_viewers(method: &axum::http::Method, path: &str) -> bool {
    // Their read-only links: made, listed, revoked (within their scope, decided there).
    if path == SHARE_LINKS_PATH || path.strip_prefix(SHARE_LINKS_PATH).is_some_and(|id| id.starts_with('/')) {
        return true;
    }
    if path.starts_with("/s/") {
        return true;
    }
    // Their own API tokens, which read their scope only (decided there).
    if matches!(path, "/tokens" | "/api/token_create" | "/api/token_revoke") {
        return true;
    }
    let read = method == axum::http::Method::GET || method == axum::http::Method::HEAD;
    let impact =
        path.strip_prefix("/api/v1/annotations/").is_some_and(|rest| rest.ends_with("/impact") && rest.matches('/').count() == 1);
    read && (VIEWER_READS.contains(&path) || path.starts_with("/export/") || impact)
}
