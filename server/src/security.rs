//! Response headers every answer carries, written in this one place for every route
//! (pages, sign-in pages, API, exports, static files): no MIME sniffing, no full
//! referrers leaving the site, a Content-Security-Policy (pages set their own, with a
//! nonce; anything else may load nothing: all of them built by
//! [`use_cases::security_policy`]), `frame-ancestors` from
//! `DASHBOARD_FRAME_ANCESTORS` on every policy whatever set it, and
//! `Strict-Transport-Security` when the dashboard is served over https.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use use_cases::security_policy::ContentSecurityPolicy;

/// What [`headers`] adds, built once at start-up.
pub struct SecurityHeaders {
    /// The policy of answers that set none ([`ContentSecurityPolicy::not_a_page`]).
    default_csp: HeaderValue,
    /// `DASHBOARD_FRAME_ANCESTORS`, added to a policy that names no `frame-ancestors`.
    frame_ancestors: String,
    /// `Strict-Transport-Security`, when the public URL is https.
    hsts: Option<HeaderValue>,
    /// Every cookie the server sets is marked Secure (`DASHBOARD_SECURE_COOKIES`).
    secure_cookies: bool,
}

/// A year, as browsers' preload lists ask; a deployment that leaves https behind must
/// serve the header with `max-age=0` first.
const HSTS: &str = "max-age=31536000";

impl SecurityHeaders {
    pub fn new(frame_ancestors: &str, https: bool, secure_cookies: bool) -> Arc<Self> {
        let default_csp = ContentSecurityPolicy::not_a_page(frame_ancestors)
            .header_value()
            .unwrap_or(HeaderValue::from_static("default-src 'none'"));
        let hsts = https.then(|| HeaderValue::from_static(HSTS));
        Arc::new(Self { default_csp, frame_ancestors: frame_ancestors.to_owned(), hsts, secure_cookies })
    }

    /// `policy` with `frame-ancestors` added when it names none.
    fn with_frame_ancestors(&self, policy: &HeaderValue) -> Option<HeaderValue> {
        let policy = ContentSecurityPolicy::parse(policy.to_str().ok()?);
        if policy.names("frame-ancestors") {
            return None;
        }
        policy.directive("frame-ancestors", [self.frame_ancestors.as_str()]).header_value().ok()
    }
}

/// Adds the security headers a handler did not set itself.
pub async fn headers(State(security): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    match h.get(header::CONTENT_SECURITY_POLICY).map(|policy| security.with_frame_ancestors(policy)) {
        None => {
            h.insert(header::CONTENT_SECURITY_POLICY, security.default_csp.clone());
        }
        Some(Some(framed)) => {
            h.insert(header::CONTENT_SECURITY_POLICY, framed);
        }
        Some(None) => {}
    }
    if let Some(hsts) = &security.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    if security.secure_cookies {
        secure_every_cookie(h);
    }
    response
}

/// Marks Secure every cookie an answer sets without saying so: the session's and the
/// pending sign-in's are set Secure where they are made, but the flash cookie (which
/// carries a new API token to the page once), the language and the others are written
/// by the app, which does not know how the dashboard is served.
fn secure_every_cookie(h: &mut axum::http::HeaderMap) {
    let cookies: Vec<HeaderValue> = h.get_all(header::SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    h.remove(header::SET_COOKIE);
    for cookie in cookies {
        let secured = match cookie.to_str() {
            Ok(text) if !text.split(';').any(|a| a.trim().eq_ignore_ascii_case("secure")) => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        h.append(header::SET_COOKIE, secured);
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::SecurityHeaders;

    #[test]
    fn every_policy_names_frame_ancestors_once() {
        let security = SecurityHeaders::new("'self' https://portal.example.com", false, false);
        let signed_out = HeaderValue::from_static("default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'");
        assert_eq!(
            security.with_frame_ancestors(&signed_out).unwrap(),
            "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self' https://portal.example.com"
        );
        let framed = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");
        assert_eq!(security.with_frame_ancestors(&framed), None, "a page's own frame-ancestors is kept");
    }
}

#[cfg(test)]
mod cookie_tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::secure_every_cookie;

    #[test]
    fn cookies_set_by_the_app_are_marked_secure_once() {
        let mut h = HeaderMap::new();
        h.append(header::SET_COOKIE, HeaderValue::from_static("bi_flash=x; Path=/; Max-Age=120; HttpOnly; SameSite=Lax"));
        h.append(header::SET_COOKIE, HeaderValue::from_static("__Host-bi_session=y; Path=/; Secure; HttpOnly"));
        secure_every_cookie(&mut h);
        let cookies: Vec<&str> = h.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(
            cookies,
            ["bi_flash=x; Path=/; Max-Age=120; HttpOnly; SameSite=Lax; Secure", "__Host-bi_session=y; Path=/; Secure; HttpOnly"]
        );
    }
}
