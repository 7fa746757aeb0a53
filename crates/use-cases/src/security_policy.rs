//! The Content-Security-Policy of every answer, built in this one place: a
//! [`ContentSecurityPolicy`] is its directives as data, rendered to the header's text,
//! and the four policies the dashboard serves are named constructors side by side, so
//! what each page may load, and why, is read here rather than in four format strings.
//!
//! | directive       | dashboard              | sign-in  | sign-in inside Feishu | not a page |
//! |-----------------|------------------------|----------|-----------------------|------------|
//! | default-src     | 'self'                 | 'none'   | 'none'                | 'none'     |
//! | script-src      | 'self' nonce WASM      |          | nonce, JSSDK origin   |            |
//! | connect-src     | 'self'                 |          | 'self', JSSDK origin  |            |
//! | style-src       | 'self' 'unsafe-inline' | 'self'   | 'self'                |            |
//! | img-src         | 'self' data:           |          |                       |            |
//! | object-src      | 'none'                 |          |                       |            |
//! | base-uri        | 'none'                 | 'none'   | 'none'                |            |
//! | form-action     | 'self'                 | 'self'   | 'self'                |            |
//! | frame-ancestors | configured             | (added)  | configured            | configured |
//! | report-uri      |                        |          | /csp-report           |            |
//!
//! (An empty cell falls back to `default-src`; "(added)": the server's headers add the
//! configured `frame-ancestors` to a policy that names none.)
//!
//! Why here: the dashboard's page (`app`, which sets its policy with the response's nonce)
//! and the server (the sign-in pages, the answers that are not pages, and the middleware
//! that adds `frame-ancestors` to a policy naming none) both build policies, and
//! `use-cases` is the crate below both that already carries the setting every policy
//! names (`ViewSettings::frame_ancestors`). Behind `ssr`: no policy is built in the
//! browser. It is plain text building, no use-case: a crate of its own would be cleaner
//! still, but a workspace member for one small type costs more than it separates.
//!
//! [`page`]: ContentSecurityPolicy::page
//! [`sign_in_page`]: ContentSecurityPolicy::sign_in_page
//! [`client_sign_in_page`]: ContentSecurityPolicy::client_sign_in_page
//! [`not_a_page`]: ContentSecurityPolicy::not_a_page

use std::fmt;

use axum::http::HeaderValue;
use axum::http::header::InvalidHeaderValue;

/// A policy: directives in the order they are written, each a name and its sources.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentSecurityPolicy {
    directives: Vec<(String, Vec<String>)>,
}

impl ContentSecurityPolicy {
    /// The dashboard's pages: scripts only from here or with this response's `nonce`
    /// (Leptos puts it on its hydration scripts), WASM allowed to compile, `style`
    /// attributes (the charts' fills, the progress bars), images from here or `data:` (the
    /// shell's empty icon), and `frame_ancestors` (`DASHBOARD_FRAME_ANCESTORS`) so the
    /// intranet portal may embed the page.
    pub fn page(nonce: &str, frame_ancestors: &str) -> Self {
        Self::default()
            .directive("default-src", ["'self'"])
            .directive("script-src", ["'self'", &format!("'nonce-{nonce}'"), "'wasm-unsafe-eval'"])
            .directive("style-src", ["'self'", "'unsafe-inline'"])
            .directive("img-src", ["'self'", "data:"])
            .directive("connect-src", ["'self'"])
            .directive("object-src", ["'none'"])
            .directive("base-uri", ["'none'"])
            .directive("form-action", ["'self'"])
            .directive("frame-ancestors", [frame_ancestors])
    }

    /// The browser's sign-in pages (and the server's other pages outside the app's shell):
    /// the dashboard's stylesheet, forms and links back here, no script at all. No
    /// `frame-ancestors`: the server's headers add the configured one.
    pub fn sign_in_page() -> Self {
        Self::default()
            .directive("default-src", ["'none'"])
            .directive("style-src", ["'self'"])
            .directive("form-action", ["'self'"])
            .directive("base-uri", ["'none'"])
    }

    /// The sign-in page inside the Feishu client: the sign-in pages' policy plus its one
    /// script (this answer's `nonce`) and the JSSDK from `jssdk_origin`, which may also
    /// talk to its host, as the simulator's stand-in does. It was tried only with the
    /// stand-in, so what the real JSSDK needs beyond it is reported to `report_uri`.
    pub fn client_sign_in_page(nonce: &str, jssdk_origin: &str, frame_ancestors: &str, report_uri: &str) -> Self {
        Self::default()
            .directive("default-src", ["'none'"])
            .directive("script-src", [&format!("'nonce-{nonce}'"), jssdk_origin])
            .directive("connect-src", ["'self'", jssdk_origin])
            .directive("style-src", ["'self'"])
            .directive("form-action", ["'self'"])
            .directive("base-uri", ["'none'"])
            .directive("frame-ancestors", [frame_ancestors])
            .directive("report-uri", [report_uri])
    }

    /// Answers that are not pages (JSON, CSV, SVG, static files): they may load nothing.
    pub fn not_a_page(frame_ancestors: &str) -> Self {
        Self::default().directive("default-src", ["'none'"]).directive("frame-ancestors", [frame_ancestors])
    }

    /// A policy as a header carries it: directives split at `;`, sources at whitespace.
    pub fn parse(text: &str) -> Self {
        let directives = text
            .split(';')
            .filter_map(|directive| {
                let mut words = directive.split_whitespace();
                let name = words.next()?;
                Some((name.to_owned(), words.map(str::to_owned).collect()))
            })
            .collect();
        Self { directives }
    }

    /// The policy with the directive `name` added after the others. A source may be a
    /// configured list such as `'self' https://portal.example.com`, written as it is.
    pub fn directive<'a>(mut self, name: &str, sources: impl IntoIterator<Item = &'a str>) -> Self {
        self.directives.push((name.to_owned(), sources.into_iter().map(str::to_owned).collect()));
        self
    }

    /// Whether the policy has the directive `name`.
    pub fn names(&self, name: &str) -> bool {
        self.directives.iter().any(|(n, _)| n == name)
    }

    /// The policy as a header value; an error only if a configured source holds what a
    /// header may not (settings are checked at start-up, so not reached).
    pub fn header_value(&self) -> Result<HeaderValue, InvalidHeaderValue> {
        HeaderValue::from_str(&self.to_string())
    }
}

/// `name source source; name source`, as the header is written.
impl fmt::Display for ContentSecurityPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, sources)) in self.directives.iter().enumerate() {
            f.write_str(if i == 0 { "" } else { "; " })?;
            f.write_str(name)?;
            for source in sources {
                write!(f, " {source}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ContentSecurityPolicy as Csp;

    /// Each policy as the header carried it when each was written out by hand.
    #[test]
    fn policies_render_as_written() {
        let portal = "'self' https://portal.example.com";
        assert_eq!(
            Csp::page("n0", portal).to_string(),
            "default-src 'self'; script-src 'self' 'nonce-n0' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'self' https://portal.example.com"
        );
        assert_eq!(Csp::sign_in_page().to_string(), "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'");
        assert_eq!(
            Csp::client_sign_in_page("n1", "https://sdk.example.com", "'self'", "/csp-report").to_string(),
            "default-src 'none'; script-src 'nonce-n1' https://sdk.example.com; connect-src 'self' https://sdk.example.com; \
             style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'; report-uri /csp-report"
        );
        assert_eq!(Csp::not_a_page(portal).to_string(), "default-src 'none'; frame-ancestors 'self' https://portal.example.com");
    }

    #[test]
    fn a_written_policy_reads_back() {
        let page = Csp::page("n0", "'self'");
        assert_eq!(Csp::parse(&page.to_string()), Csp::parse(&format!("  {page} ;; ")));
        assert_eq!(Csp::parse(&page.to_string()).to_string(), page.to_string());
        assert!(page.names("frame-ancestors") && !Csp::sign_in_page().names("frame-ancestors"));
    }
}
