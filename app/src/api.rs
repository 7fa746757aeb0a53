//! What the pages load as the server renders them (plain functions: no HTTP endpoint),
//! and the server functions their plain forms post to (the islands in the browser call
//! none: they fetch the text routes of `server/src/page_feeds.rs`). Each one parses its input with the same rules
//! as the HTTP API and asks the access-data service; the Feishu token and client never
//! leave the server. The implementations sit in [`ssr`], compiled on the server only.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use ssr::{signed_in, state, viewer};
use use_cases::error::AppError;
use use_cases::identity::{TokenInfo, Viewer};
use use_cases::report::{Dashboard, RowsPage};
use use_cases::view::ViewParams;

/// The overview for the range, blocks and comparisons the URL asks for. `ticket`
/// names the fetch so that the progress feed ([`PROGRESS_PATH`]) can report on it; `refresh` fetches
/// today and yesterday again.
pub async fn load_dashboard(params: ViewParams, ticket: Option<u64>, refresh: bool) -> Result<Dashboard, AppError> {
    #[cfg(feature = "ssr")]
    {
        let state = state()?;
        return use_cases::dashboard::load_dashboard(&state, &ssr::sight(&state)?, params, ticket, refresh).await;
    }
    #[cfg(not(feature = "ssr"))]
    server_only((params, ticket, refresh))
}

/// One page of the rows tab.
pub async fn load_rows(params: ViewParams) -> Result<RowsPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        let state = state()?;
        return use_cases::dashboard::load_rows(&state, &ssr::sight(&state)?, params).await;
    }
    #[cfg(not(feature = "ssr"))]
    server_only(params)
}

/// The workplace view: totals, custom workplaces and their blocks.
pub async fn load_workplaces(
    params: ViewParams,
    ticket: Option<u64>,
    refresh: bool,
) -> Result<use_cases::workplace_report::WorkplaceReport, AppError> {
    #[cfg(feature = "ssr")]
    {
        let state = state()?;
        return use_cases::dashboard::build_workplace_report(&state, &ssr::sight(&state)?, params, ticket, refresh, true).await;
    }
    #[cfg(not(feature = "ssr"))]
    server_only((params, ticket, refresh))
}

/// Names a block (an empty name removes the name). The page's forms post it plainly:
/// the browser goes back to the page it came from, at the form (`form`, its id), which
/// says what came of it ([`crate::flash`]).
#[server(endpoint = "block_name")]
pub async fn save_block_name(
    block_id: String,
    name: String,
    workplace: String,
    #[server(default)] form: String,
) -> Result<(), AppError> {
    let saved = async { use_cases::names::save_block_name(&state()?, &block_id, name, workplace).await }.await;
    let anchor = (!form.is_empty()).then(|| form.clone());
    crate::flash::conclude(crate::flash::SAME_PAGE, &form, anchor, saved, |_| ("named", String::new()))
}

/// Adds a note on the timeline (`id` empty) or edits note `id`: its day, text, the
/// blocks it concerns (ids separated by commas or spaces) and a custom workplace (empty
/// for none). The page's note forms post it plainly and come back to the view at the
/// notes ([`crate::flash`]).
#[server(endpoint = "note_save")]
pub async fn save_note(
    #[server(default)] id: String,
    date: String,
    text: String,
    #[server(default)] block_ids: String,
    #[server(default)] custom_workplace_id: String,
    #[server(default)] form: String,
) -> Result<(), AppError> {
    let saved = async {
        let blocks = block_ids.split([',', '，', ' ', '\n', '\t', ';']).filter(|b| !b.trim().is_empty());
        let draft = domain::NoteDraft::parse(&date, &text, blocks, Some(&custom_workplace_id))
            .map_err(|invalid| AppError::BadInput { message: invalid.to_string() })?;
        let (state, viewer) = (state()?, signed_in()?);
        match id.trim() {
            "" => use_cases::notes::add(&state, &viewer, &draft).await.map(drop),
            id => use_cases::notes::edit(&state, &viewer, id, &draft).await.map(drop),
        }
    }
    .await;
    crate::flash::conclude(crate::flash::SAME_PAGE, &form, Some("notes".to_owned()), saved, |_| ("saved", String::new()))
}

/// Imports a table of notes pasted on the page (as the export writes it, or the API's
/// JSON list): all of it or, when a line is refused, nothing, saying which lines and
/// why. The page comes back to the view at the notes.
#[server(endpoint = "notes_import")]
pub async fn import_notes(table: String) -> Result<String, AppError> {
    let imported = async {
        let format =
            if table.trim_start().starts_with(['{', '[']) { domain::ImportFormat::Json } else { domain::ImportFormat::Table };
        let import = use_cases::notes::import(&state()?, &signed_in()?, &table, format, true).await?;
        let counts = import.plan.counts();
        if import.saved || counts.refused == 0 {
            return Ok((counts.added, counts.edited, counts.unchanged));
        }
        let lines: Vec<String> = import.plan.refused.iter().take(10).map(|r| format!("line {}: {}", r.line, r.reason)).collect();
        let more = counts.refused.saturating_sub(lines.len());
        let more = if more > 0 { format!("; and {more} more") } else { String::new() };
        Err(AppError::BadInput { message: format!("nothing was imported: {}{more}", lines.join("; ")) })
    }
    .await;
    // The counts travel; the page says them in its language.
    let said = imported.map(|(added, edited, unchanged)| format!("{added},{edited},{unchanged}"));
    crate::flash::conclude(crate::flash::SAME_PAGE, "note-form", Some("notes".to_owned()), said, |text| {
        ("imported", text.clone())
    })
}

/// The route the page's notes import posts to.
pub const NOTES_IMPORT_PATH: &str = "/api/notes_import";

/// Deletes note `id`; the page comes back to the view at the notes.
#[server(endpoint = "note_remove")]
pub async fn remove_note(id: String, #[server(default)] form: String) -> Result<(), AppError> {
    let removed = async { use_cases::notes::remove(&state()?, &signed_in()?, id.trim()).await }.await;
    crate::flash::conclude(crate::flash::SAME_PAGE, &form, Some("notes".to_owned()), removed, |_| ("deleted", String::new()))
}

/// Whether the person looking may change what the page offers to change (block names,
/// notes) and reach the settings: an admin, not a viewer. Rendered on the server only.
pub fn may_change() -> bool {
    #[cfg(feature = "ssr")]
    {
        ssr::viewer().is_some_and(|v| v.can_write_names())
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The read-only links the person looking sees (an admin: all; a viewer: their own).
pub async fn list_share_links() -> Result<Vec<use_cases::identity::LinkInfo>, AppError> {
    #[cfg(feature = "ssr")]
    {
        let (state, viewer) = (state()?, signed_in()?);
        return use_cases::share_links::list(&state, &viewer, &ssr::session_user()?).await;
    }
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// The link a visitor opened, for the line above its view; `None` for everyone else.
pub async fn visiting() -> Option<use_cases::identity::LinkInfo> {
    #[cfg(feature = "ssr")]
    {
        let (state, viewer) = (state().ok()?, viewer()?);
        let use_cases::identity::Viewer::Visitor { link, .. } = viewer else { return None };
        let link = use_cases::share_links::usable(state.service.store(), &link).await.ok()?;
        Some(use_cases::share_links::info(&state, link))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Makes a read-only link to the view `path` (`/?range=30d…`) lasting `days`; the page
/// comes back to the view at the share panel with the link's address.
#[server(endpoint = "share_link_create")]
pub async fn create_share_link(path: String, #[server(default)] days: String) -> Result<String, AppError> {
    let made = async {
        let days = match days.trim() {
            "" => None,
            days => Some(days.parse::<u32>().map_err(|_| AppError::BadInput {
                message: format!(
                    "days: {:?} is not a number of days: choose one of the lifetimes offered",
                    days.chars().take(20).collect::<String>()
                ),
            })?),
        };
        let (state, viewer) = (state()?, signed_in()?);
        use_cases::share_links::create(&state, &viewer, &ssr::session_user()?, &path, days).await.map(|link| link.url)
    }
    .await;
    crate::flash::conclude(crate::flash::SAME_PAGE, SHARE_FORM, Some(SHARE_FORM.to_owned()), made, |url| {
        ("link_created", url.clone())
    })
}

/// Revokes the read-only link `id`.
#[server(endpoint = "share_link_revoke")]
pub async fn revoke_share_link(id: String) -> Result<(), AppError> {
    let revoked = async {
        let (state, viewer) = (state()?, signed_in()?);
        use_cases::share_links::revoke(&state, &viewer, &ssr::session_user()?, id.trim()).await
    }
    .await;
    crate::flash::conclude(crate::flash::SAME_PAGE, SHARE_FORM, Some(SHARE_FORM.to_owned()), revoked, |_| {
        ("link_revoked", String::new())
    })
}

/// The share panel's id: its posts come back to it.
pub const SHARE_FORM: &str = "share";

/// Whether the person looking may share views: a signed-in person (an admin or a
/// viewer), not a visitor of a link. Rendered on the server only.
pub fn may_share() -> bool {
    #[cfg(feature = "ssr")]
    {
        matches!(ssr::viewer(), Some(use_cases::identity::Viewer::Person { .. }))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Who is signed in (for the header).
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    #[cfg(feature = "ssr")]
    return Ok(ssr::viewer());
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// The API tokens for scripts (never the tokens themselves).
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    #[cfg(feature = "ssr")]
    {
        return use_cases::tokens::list_api_tokens(&state()?, &signed_in()?, &ssr::person()?).await;
    }
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// Creates an API token and answers it once: it cannot be shown again. Every token
/// reads; `can_write_names` (a checkbox, absent when not ticked) lets it change block
/// names too.
#[server(endpoint = "token_create")]
pub async fn create_api_token(
    name: String,
    #[server(default)] can_write_names: bool,
    #[server(default)] can_manage_digests: bool,
    #[server(default)] expires: String,
) -> Result<String, AppError> {
    // From the tokens page's form, the new token reaches the page once, in the flash
    // cookie (never in a URL, never kept on the server).
    let created = async {
        let (state, viewer, user) = (state()?, signed_in()?, ssr::person()?);
        use_cases::tokens::create_api_token(&state, &viewer, &user, name, can_write_names, can_manage_digests, expires).await
    }
    .await;
    crate::flash::conclude(TOKENS_PAGE, "", None, created, |token| ("created", token.clone()))
}

/// Revokes an API token: scripts using it get 401 from then on.
#[server(endpoint = "token_revoke")]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    let revoked =
        async { use_cases::tokens::revoke_api_token(&state()?, &signed_in()?, &ssr::person()?, id.clone()).await }.await;
    crate::flash::conclude(TOKENS_PAGE, &id, None, revoked, |_| ("revoked", String::new()))
}

/// The grants of view access and the custom workplaces to choose from (the viewers page).
pub async fn load_viewers() -> Result<use_cases::viewers_report::ViewersReport, AppError> {
    #[cfg(feature = "ssr")]
    return use_cases::viewers::report(&state()?, &signed_in()?).await;
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// Gives `who` (an open_id, a union_id or an e-mail address) view access to the custom
/// workplaces ticked (`custom_workplace_ids[]`, repeated) and the blocks typed (ids
/// separated by commas or spaces), replacing what they had; answers whom, as kept. The
/// viewers page's form posts it plainly and comes back to the page ([`crate::flash`]).
#[server(endpoint = "viewer_grant")]
pub async fn viewer_grant(
    who: String,
    #[server(default)] custom_workplace_ids: Vec<String>,
    #[server(default)] block_ids: String,
) -> Result<String, AppError> {
    let granted = async {
        let blocks = block_ids.split([',', '，', ' ', '\n', '\t', ';']);
        let scope = domain::scope::Scope::parse(custom_workplace_ids.iter().map(String::as_str), blocks)
            .map_err(|invalid| AppError::BadInput { message: invalid.to_string() })?;
        use_cases::viewers::grant(&state()?, &signed_in()?, &who, &scope).await.map(|grant| grant.who)
    }
    .await;
    crate::flash::conclude(VIEWERS_PAGE, "", None, granted, |who| ("granted", who.clone()))
}

/// Ends the view access of `who`: their next request sees nothing of it.
#[server(endpoint = "viewer_revoke")]
pub async fn viewer_revoke(who: String) -> Result<(), AppError> {
    let revoked = async { use_cases::viewers::revoke(&state()?, &signed_in()?, &who).await }.await;
    crate::flash::conclude(VIEWERS_PAGE, &who, None, revoked, |_| ("revoked", who.clone()))
}

/// What a server-only loader answers in the browser bundle, where nothing calls it: the
/// pages are rendered on the server, and only islands (which fetch the text routes of
/// `server/src/page_feeds.rs`) run in the browser. The loaders above are plain
/// functions, not server functions, so that no HTTP endpoint takes their input as JSON
/// past the URL's reader ([`ViewParams::from_pairs`]).
#[cfg(not(feature = "ssr"))]
pub(crate) fn server_only<T>(_unused: impl Sized) -> Result<T, AppError> {
    Err(AppError::Internal { message: "this is loaded while the server renders the page".into() })
}

/// The route the page's names import posts its table to (`?lang=…&save=0|1`, the table
/// as the body), answered with the plan as HTML.
pub const NAMES_IMPORT_PATH: &str = "/api/names-import";

/// The route the page's progress bar asks how far a page load has come
/// (`?ticket=…&lang=…`), answered in words.
pub const PROGRESS_PATH: &str = "/api/progress";

/// The page the API tokens' forms are on.
pub const TOKENS_PAGE: &str = "/tokens";

/// The page the grants of view access are made and revoked on.
pub const VIEWERS_PAGE: &str = "/viewers";

/// The request's context on the server: its state and who is asking.
#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::prelude::use_context;
    use use_cases::error::AppError;
    use use_cases::state::AppState;

    /// The server's state, from the request's context.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>()
            .ok_or_else(|| AppError::Internal { message: "the server's state is missing from the request context".into() })
    }

    /// The person or script making this request, as the sign-in guard recorded it.
    pub fn viewer() -> Option<use_cases::identity::Viewer> {
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<use_cases::identity::Viewer>().cloned())
    }

    /// What this request may see ([`use_cases::sight`]).
    pub fn sight(state: &AppState) -> Result<use_cases::sight::Sight, AppError> {
        Ok(use_cases::sight::Sight::of(&state.service, &signed_in()?))
    }

    /// The person or script making this request, or what to do without one.
    pub fn signed_in() -> Result<use_cases::identity::Viewer, AppError> {
        viewer().ok_or_else(|| AppError::Unauthorized { message: "sign in to the dashboard again".into() })
    }

    /// The signed-in person, whoever they are (an admin, a viewer, a visitor).
    pub(crate) fn session_user() -> Result<use_cases::state::SessionUser, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<use_cases::state::SessionUser>().cloned())
            .ok_or_else(|| AppError::Forbidden { message: "links are made by a signed-in person".into() })
    }

    /// The signed-in person; only people (not scripts) manage tokens.
    pub(crate) fn person() -> Result<use_cases::state::SessionUser, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<use_cases::state::SessionUser>().cloned())
            .ok_or_else(|| AppError::BadInput { message: "sign in to manage API tokens".into() })
    }
}
