//! The outcome of a plain form post, shown once by the page it leads to.
//!
//! The settings pages (chat digests, API tokens) are server-rendered HTML with plain
//! forms and no script, and the dashboard's name forms are plain forms too. A form posts
//! to its server function, which answers a browser's post with a redirect (303,
//! post/redirect/get: a reload does not post again) to its page (a name form: the very
//! view it was on, [`SAME_PAGE`], at the form) and the outcome in a short-lived,
//! HttpOnly cookie ([`FLASH_COOKIE`]) that the page reads and clears as it renders
//! ([`page_flash`]). A saved names import says what it saved the same way, and a new API
//! token travels so too: the person sees it once, and the server keeps it nowhere (a
//! session record would hold it in the database until read). Scripts and tests that
//! call the server functions asking for JSON get the answer itself, as before.
//!
//! Written by hand: leptos' own answer to a plain form post (a redirect to the Referer
//! with the error, if any, in the URL) says nothing on success and nothing about which
//! of the page's forms was sent.

/// The cookie that carries a form post's outcome to the page it redirects to.
pub const FLASH_COOKIE: &str = "bi_flash";

/// What a form post did, for the page it leads to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flash {
    /// What it was about: a chat's id, a token's id; empty for the page as a whole.
    pub about: String,
    /// What was done (`saved`, `removed`, `test_sent`, `created`, `revoked`); empty when
    /// it failed.
    pub done: String,
    /// The failure's message, or what the success carries (a chat's name, a new token).
    pub text: String,
    /// Feishu's code, for a failure Feishu reported.
    pub code: Option<i64>,
}

impl Flash {
    pub fn failed(&self) -> bool {
        self.done.is_empty()
    }

    /// Whether this is the outcome of `what` done to `about`.
    pub fn is(&self, about: &str, what: &str) -> bool {
        self.about == about && self.done == what
    }

    /// As a cookie value: form-encoded, which leaves no space, comma, semicolon or quote.
    pub fn encode(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("about", &self.about).append_pair("done", &self.done).append_pair("text", &self.text);
        if let Some(code) = self.code {
            out.append_pair("code", &code.to_string());
        }
        out.finish()
    }

    /// The `Set-Cookie` value that carries it to the next page: short-lived, HttpOnly.
    pub fn cookie(&self) -> String {
        format!("{FLASH_COOKIE}={}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax", self.encode())
    }

    pub fn decode(value: &str) -> Self {
        let mut flash = Self::default();
        for (key, value) in form_urlencoded::parse(value.as_bytes()) {
            match &*key {
                "about" => flash.about = value.into_owned(),
                "done" => flash.done = value.into_owned(),
                "text" => flash.text = value.into_owned(),
                "code" => flash.code = value.parse().ok(),
                _ => {}
            }
        }
        flash
    }
}

/// The `page` of [`conclude`] that means the page the form was on, as it was (its path
/// and query, from the Referer): the dashboard's forms, whose view lives in the URL.
pub const SAME_PAGE: &str = "";

/// Ends a server function that a page's plain form posts to: when a browser sent the
/// form (it accepts HTML), the outcome goes to `page` (keeping the `lang` of the page
/// the form was on; [`SAME_PAGE`]: that page itself, with its whole query; scrolled to
/// `#anchor` when given) in the flash cookie, with `done` naming a success and what it
/// carries. Answers `outcome` as it is, for callers that asked for JSON.
#[cfg(feature = "ssr")]
pub fn conclude<T>(
    page: &str,
    about: &str,
    anchor: Option<String>,
    outcome: Result<T, use_cases::error::AppError>,
    done: impl FnOnce(&T) -> (&'static str, String),
) -> Result<T, use_cases::error::AppError> {
    use leptos::prelude::use_context;
    let (Some(parts), Some(response)) = (use_context::<http::request::Parts>(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return outcome;
    };
    let accepts_html =
        parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"));
    if !accepts_html {
        return outcome;
    }
    let flash = match &outcome {
        Ok(value) => {
            let (done, text) = done(value);
            Flash { about: about.to_owned(), done: done.to_owned(), text, code: None }
        }
        Err(error) => {
            let code = match error {
                use_cases::error::AppError::Feishu { code, .. } => *code,
                _ => None,
            };
            Flash { about: about.to_owned(), done: String::new(), text: error.to_string(), code }
        }
    };
    if let Ok(value) = http::HeaderValue::from_str(&flash.cookie()) {
        response.append_header(http::header::SET_COOKIE, value);
    }
    let target = if page == SAME_PAGE {
        referer_on_this_site(&parts).unwrap_or_else(|| "/".to_owned())
    } else {
        let lang = referer_lang(&parts).map(|l| format!("?lang={}", l.code())).unwrap_or_default();
        format!("{page}{lang}")
    };
    let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    leptos_axum::redirect(&format!("{target}{anchor}"));
    // A redirect after a post is a 303: the browser follows it with a GET.
    response.set_status(http::StatusCode::SEE_OTHER);
    outcome
}

/// The path and query of the page that sent the form (its Referer), as a path on this
/// site: never a redirect elsewhere (a path that a browser would read as another host,
/// `//host/…` or `/\host/…`, is not taken). The Referer's own host is not compared with
/// the request's: behind a reverse proxy they differ, and the sign-in guard has already
/// checked that a browser's post comes from the dashboard's public origin.
#[cfg(feature = "ssr")]
fn referer_on_this_site(parts: &http::request::Parts) -> Option<String> {
    let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let path = &rest[rest.find('/')?..];
    let path = path.split('#').next().unwrap_or("/");
    let elsewhere = path.starts_with("//") || path.starts_with("/\\");
    (!elsewhere).then(|| path.to_owned())
}

/// The language in the URL of the page that sent the form.
#[cfg(feature = "ssr")]
fn referer_lang(parts: &http::request::Parts) -> Option<i18n::Locale> {
    let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
    let query = referer.split_once('?')?.1.split('#').next()?;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "lang").and_then(|(_, v)| i18n::Locale::parse(&v))
}

/// The outcome of the form post that led to this page, cleared in the answer so that a
/// reload shows it no more. `None` outside a page request, without one, and in the
/// browser.
pub fn page_flash() -> Option<Flash> {
    #[cfg(feature = "ssr")]
    {
        crate::cookies::take_cookie(FLASH_COOKIE).map(|value| Flash::decode(&value))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The outcome of the form post that led to the dashboard, for the forms on it
/// (provided by the page, read by each form it concerns).
#[derive(Clone, Default)]
pub struct PageFlash(pub Option<Flash>);

impl PageFlash {
    /// The outcome, when it is that of the form `about`.
    pub fn of(about: &str) -> Option<Flash> {
        leptos::prelude::use_context::<PageFlash>().and_then(|f| f.0).filter(|f| f.about == about)
    }
}

#[cfg(test)]
mod tests {
    use super::Flash;

    #[test]
    fn a_flash_survives_the_cookie_and_leaves_no_character_a_cookie_cannot_hold() {
        let flash = Flash {
            about: "oc_1".into(),
            done: String::new(),
            text: "Feishu refused; \"bot\" is off, turn it on: console → Features".into(),
            code: Some(230006),
        };
        let value = flash.encode();
        assert!(!value.contains([';', ',', ' ', '"', '\\']), "{value}");
        assert_eq!(Flash::decode(&value), flash);
        assert!(flash.failed());
        let token = Flash { about: "t1".into(), done: "created".into(), text: "bi_abc-_".into(), code: None };
        assert_eq!(Flash::decode(&token.encode()), token);
        assert!(token.is("t1", "created") && !token.is("t2", "created"));
    }
}
