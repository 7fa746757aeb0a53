//! Read-only links at the door. A person of this tenant who is neither an admin nor a
//! viewer may sign in to open a link (`/s/{id}`); their session then holds that link,
//! and each of their requests is let through only when it asks for the link's view:
//! the page with the link's numbers (its order, page, searches and language are theirs
//! to change; a different range, blocks, workplace or tab is sent back to the link's
//! view), the chart drawings of that view, and the page-load progress. Anything else
//! is refused. A person of another tenant never gets this far (the sign-in refuses
//! them). What the view then shows is [`use_cases::sight`]'s to decide.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use use_cases::error::AppError;
use use_cases::view::ViewParams;

/// The session's key for the link a visitor opened.
pub const LINK_KEY: &str = "share_link";

/// The link id of a link's address, `/s/{id}`.
pub fn link_path(path: &str) -> Option<&str> {
    path.strip_prefix("/s/").filter(|id| !id.is_empty() && id.len() <= 64 && !id.contains('/'))
}

/// What becomes of a visitor's request.
pub enum Visit {
    /// It asks for the link's view: let it through.
    Pass,
    /// It asks for the page of another view: here is the link's.
    Back(String),
    /// Anything else.
    Refused(Response),
}

/// Judges a visitor's request (`method`, `path`, `query`) against the link's `view`.
pub fn visit(method: &Method, path: &str, query: Option<&str>, view: &str) -> Visit {
    let read = *method == Method::GET || *method == Method::HEAD;
    if !read {
        return refused("a read-only link changes nothing");
    }
    if link_path(path).is_some() || path == app::api::PROGRESS_PATH {
        return Visit::Pass;
    }
    let asked = ViewParams::from_query(query.unwrap_or_default());
    let fixed = ViewParams::from_query(view);
    let same = asked.data() == fixed.data();
    match path {
        "/" if same => Visit::Pass,
        "/" => Visit::Back(format!("/{}", asked.within(&fixed).to_query())),
        _ if path.starts_with("/export/") && same => Visit::Pass,
        _ => refused("this link shows one view of the dashboard: open the link again to see it"),
    }
}

fn refused(message: &str) -> Visit {
    Visit::Refused(AppError::Forbidden { message: message.to_owned() }.into_response())
}

/// The answer to a link that cannot be opened (revoked, expired, unknown): a page that
/// says why, for the person who followed it.
pub fn unusable(headers: &axum::http::HeaderMap, error: &AppError) -> Response {
    let locale = super::pages::locale(headers);
    let title = locale.t().sign_in.link_unusable;
    let body = format!("<p>{}</p>", super::pages::escape(&error.to_string()));
    let status = if matches!(error, AppError::NotFound { .. }) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
    super::pages::document(locale, status, title, &body)
}

/// `/s/{id}` once the guard let the request through: the opening is counted and the
/// browser goes to the link's view (in the language asked for, if any).
pub async fn open(
    axum::extract::State(auth): axum::extract::State<super::AuthState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let link = match use_cases::share_links::usable(&auth.store, &id).await {
        Ok(link) => link,
        Err(error) => return unusable(&headers, &error),
    };
    if let Err(error) = use_cases::share_links::count_open(&auth.store, &link).await {
        tracing::warn!(%error, "could not count a link's opening");
    }
    let lang = ViewParams::from_query(raw.as_deref().unwrap_or_default()).lang;
    let view = ViewParams { lang, ..ViewParams::from_query(&link.view) };
    Redirect::to(&format!("/{}", view.to_query())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(method: Method, path: &str, query: &str) -> String {
        match visit(&method, path, Some(query), "?range=7d&workplace=tpl_1") {
            Visit::Pass => "pass".into(),
            Visit::Back(to) => format!("back {to}"),
            Visit::Refused(r) => format!("refused {}", r.status().as_u16()),
        }
    }

    #[test]
    fn a_visitor_gets_the_links_view_and_nothing_wider() {
        assert_eq!(judged(Method::GET, "/", "range=7d&workplace=tpl_1&lang=en&sort=pv"), "pass");
        assert_eq!(judged(Method::GET, "/", "range=90d&workplace=tpl_1&lang=en"), "back /?range=7d&workplace=tpl_1&lang=en");
        assert_eq!(judged(Method::GET, "/", "range=7d"), "back /?range=7d&workplace=tpl_1");
        assert_eq!(judged(Method::GET, "/", "range=7d&workplace=tpl_1&block=7"), "back /?range=7d&workplace=tpl_1");
        assert_eq!(judged(Method::GET, "/", "range=7d&workplace=tpl_1&tab=workplaces"), "back /?range=7d&workplace=tpl_1");
        assert_eq!(judged(Method::GET, "/export/trend.svg", "range=7d&workplace=tpl_1&embed=1&width=390"), "pass");
        assert_eq!(judged(Method::GET, "/export/trend.svg", "range=90d&workplace=tpl_1"), "refused 403");
        assert_eq!(judged(Method::GET, "/api/v1/block-access", "from_date=2026-01-01&to_date=2026-01-31"), "refused 403");
        assert_eq!(judged(Method::GET, "/tokens", ""), "refused 403");
        assert_eq!(judged(Method::POST, "/api/block_name", ""), "refused 403");
        assert_eq!(judged(Method::GET, "/s/abc", ""), "pass");
        assert_eq!(judged(Method::GET, "/api/progress", "ticket=1"), "pass");
    }
}
