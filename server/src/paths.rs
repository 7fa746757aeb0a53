//! What each path of the server is: who may fetch it (the one list the sign-in guard and
//! the rate limits read) and whether it answers machines (JSON errors) or people.

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
