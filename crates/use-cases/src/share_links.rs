//! Read-only links: an admin, or a viewer within their scope, makes a link to one view
//! (a range or a rolling range, a workplace or some blocks); any person of the tenant
//! who signs in with Feishu may then see exactly that view, until the link expires (30
//! days unless chosen) or is revoked. A link shows who made it and when it expires;
//! each opening is counted, and its maker sees the count.
//!
//! What a visitor sees is decided with everything else in [`crate::sight`]: what the
//! link's maker could see when they made it, narrowed to the link's blocks and
//! workplace. That the visitor's requests ask for that view and no other is the sign-in
//! guard's (the server's `auth::links`).

use chrono::{Days, Utc};
use store::{NewShareLink, ShareLink};

use crate::error::AppError;
use crate::identity::Viewer;
use crate::sight::Sight;
use crate::state::{AppState, SessionUser};
use crate::view::ViewParams;

pub use crate::identity::DEFAULT_LINK_DAYS;

/// The longest a link may last, in days.
pub const MAX_LINK_DAYS: u32 = 365;

pub use crate::identity::LinkInfo;

/// The link as the API and the page show it.
pub fn info(state: &AppState, link: ShareLink) -> LinkInfo {
    let now = Utc::now();
    LinkInfo {
        url: format!("{}/s/{}", state.view.public_url.trim_end_matches('/'), link.id),
        path: format!("/{}", link.view),
        expired: now >= link.expires_at,
        revoked: link.revoked_at.is_some(),
        id: link.id,
        created_by: link.created_by,
        created_at: link.created_at,
        expires_at: link.expires_at,
        opens: link.opens,
    }
}

/// The view a link's `path` names (`/?range=30d&workplace=…`), as it is kept: its data
/// only (range, blocks, workplace, tab), in the canonical order.
pub fn view_of(path: &str) -> Result<ViewParams, AppError> {
    let path = path.trim();
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    if route != "/" {
        let shown: String = path.chars().take(80).collect();
        return Err(AppError::BadInput {
            message: format!(
                "path: {shown:?} is not a view of the dashboard: give its address from \"/\", such as \"/?range=30d\""
            ),
        });
    }
    Ok(ViewParams::from_query(query).data())
}

/// Makes a link to the view `path` names, lasting `days` (unless given,
/// [`DEFAULT_LINK_DAYS`]), by `viewer` (an admin, or a viewer within their scope).
pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    maker: &SessionUser,
    path: &str,
    days: Option<u32>,
) -> Result<LinkInfo, AppError> {
    may_make(viewer)?;
    let days = days.unwrap_or(DEFAULT_LINK_DAYS);
    if !(1..=MAX_LINK_DAYS).contains(&days) {
        return Err(AppError::BadInput {
            message: format!(
                "expires_in_days: {days} is not a lifetime: give 1 to {MAX_LINK_DAYS} days, or leave it out for {DEFAULT_LINK_DAYS}"
            ),
        });
    }
    let view = view_of(path)?;
    // The view must read for its maker: their range limits, and no block or workplace
    // outside what they see.
    crate::dashboard::resolve(&view, state, &Sight::of(&state.service, viewer))?;
    let now = Utc::now();
    let view = view.to_query();
    let link = state
        .service
        .store()
        .add_share_link(&NewShareLink {
            view: &view,
            created_by: &viewer.actor(),
            creator_open_id: &maker.open_id,
            scope: viewer.scope(),
            created_at: now,
            expires_at: now.checked_add_days(Days::new(u64::from(days))).unwrap_or(now),
        })
        .await?;
    tracing::info!(link = %link.id, by = %maker.open_id, view = %link.view, days, "read-only link made");
    Ok(info(state, link))
}

/// The links `viewer` sees: every link for an admin, their own for a viewer.
pub async fn list(state: &AppState, viewer: &Viewer, maker: &SessionUser) -> Result<Vec<LinkInfo>, AppError> {
    may_make(viewer)?;
    let mine = (!viewer.is_admin_person()).then_some(maker.open_id.as_str());
    Ok(state.service.store().share_links(mine).await?.into_iter().map(|l| info(state, l)).collect())
}

/// Revokes link `id`: an admin any, a viewer their own.
pub async fn revoke(state: &AppState, viewer: &Viewer, maker: &SessionUser, id: &str) -> Result<(), AppError> {
    may_make(viewer)?;
    let store = state.service.store();
    let link = store.share_link(id).await?.filter(|l| viewer.is_admin_person() || l.creator_open_id == maker.open_id);
    if link.is_none() || !store.revoke_share_link(id, Utc::now()).await? {
        return Err(no_such(id));
    }
    tracing::info!(link = %id, by = %maker.open_id, "read-only link revoked");
    Ok(())
}

/// The link `id` as it may be opened now: not revoked, not expired, and (a viewer's)
/// made by someone who still has their access. Anything else says why.
pub async fn usable(store: &store::Store, id: &str) -> Result<ShareLink, AppError> {
    let link = store.share_link(id).await?.ok_or_else(|| no_such(id))?;
    let now = Utc::now();
    if link.revoked_at.is_some() {
        return Err(AppError::Forbidden {
            message: format!("this link was revoked by {}: ask them for a new one", link.created_by),
        });
    }
    if now >= link.expires_at {
        let on = link.expires_at.format("%Y-%m-%d");
        return Err(AppError::Forbidden { message: format!("this link expired on {on}: ask {} for a new one", link.created_by) });
    }
    if link.scope.is_some() && store.viewer_scope(&[&link.creator_open_id]).await?.is_none() {
        return Err(AppError::Forbidden {
            message: format!(
                "{} who made this link no longer has access to the dashboard: ask an admin for a new one",
                link.created_by
            ),
        });
    }
    Ok(link)
}

/// Counts one opening of `link`.
pub async fn count_open(store: &store::Store, link: &ShareLink) -> Result<(), AppError> {
    Ok(store.count_share_link_open(&link.id).await?)
}

/// Links are made by people who see the dashboard: admins and viewers.
fn may_make(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        Viewer::Person { .. } => Ok(()),
        Viewer::Visitor { .. } => {
            Err(AppError::Forbidden { message: "a read-only link shows one view: ask whoever shared it for another".into() })
        }
        Viewer::Script { .. } => Err(AppError::Forbidden {
            message: "links are made by a signed-in person, on the dashboard or with their session".into(),
        }),
    }
}

fn no_such(id: &str) -> AppError {
    let shown: String = id.chars().take(40).collect();
    AppError::NotFound { message: format!("there is no link {shown:?}: check the address, or ask for a new link") }
}
