//! API tokens for scripts: listed (never the tokens themselves), created (the token
//! answered once) and revoked. Only people, not scripts, manage them: an admin every
//! token, a viewer their own, which read their scope and nothing else (the sign-in guard
//! gives such a token the viewer's scope as it is at each use).

use crate::error::AppError;
use crate::identity::{TokenInfo, Viewer};
use crate::state::{AppState, SessionUser};

/// Whether `token` was made by `user` (its recorded creator).
fn made_by(token: &store::ApiTokenInfo, user: &SessionUser) -> bool {
    token.creator.as_deref().and_then(|c| serde_json::from_str::<SessionUser>(c).ok()).is_some_and(|c| c.open_id == user.open_id)
}

/// The tokens `viewer` manages (an admin: every one; a viewer: their own), newest first
/// as the store lists them.
pub async fn list_api_tokens(state: &AppState, viewer: &Viewer, user: &SessionUser) -> Result<Vec<TokenInfo>, AppError> {
    may_manage(viewer)?;
    let admin = viewer.is_admin_person();
    let tokens = state.service.store().list_api_tokens().await?;
    Ok(tokens
        .into_iter()
        .filter(|t| admin || made_by(t, user))
        .map(|t| TokenInfo {
            expired: t.expired(chrono::Utc::now()),
            id: t.id,
            name: t.name,
            created_by: t.created_by,
            created_at: t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            last_used_at: t.last_used_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
            revoked: t.revoked_at.is_some(),
            can_write_names: t.permissions.can_write_names,
            can_manage_digests: t.permissions.can_manage_digests,
            expires_at: t.expires_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
            legacy: t.creator.is_none(),
        })
        .collect())
}

/// Creates a token for `user`; answers the token itself, which cannot be shown again. A
/// viewer's token reads their scope only: it may not be given a right to change.
pub async fn create_api_token(
    state: &AppState,
    viewer: &Viewer,
    user: &SessionUser,
    name: String,
    can_write_names: bool,
    can_manage_digests: bool,
    expires: String,
) -> Result<String, AppError> {
    use secrecy::ExposeSecret;
    may_manage(viewer)?;
    if !viewer.is_admin_person() && (can_write_names || can_manage_digests) {
        return Err(AppError::Forbidden {
            message: "a viewer's token reads what they may see and changes nothing: leave the rights to change unticked".into(),
        });
    }
    let lifetime = crate::identity::token_lifetime(&expires).map_err(|message| AppError::BadInput { message })?;
    let creator = serde_json::to_string(user)
        .map_err(|e| AppError::Internal { message: format!("could not record the token's creator: {e}") })?;
    let terms = store::ApiTokenTerms {
        permissions: store::ApiTokenPermissions { can_write_names, can_manage_digests },
        expires_at: lifetime.map(|days| chrono::Utc::now() + chrono::Duration::days(i64::from(days))),
        creator: Some(creator),
    };
    let created = state.service.store().create_api_token(&name, &user.name, terms).await?;
    tracing::info!(token_id = %created.id, by = %user.open_id, can_write_names, can_manage_digests, ?lifetime, "API token created");
    Ok(created.token.expose_secret().to_owned())
}

/// Revokes the token `id` (a viewer: one of their own): scripts using it get 401 from
/// then on.
pub async fn revoke_api_token(state: &AppState, viewer: &Viewer, user: &SessionUser, id: String) -> Result<(), AppError> {
    may_manage(viewer)?;
    // Ids are the store's base64url text; anything else was not given by this page.
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        let shown: String = id.chars().take(40).collect();
        return Err(AppError::BadInput {
            message: format!("{shown:?} is not an API token id: pick the token to revoke from the list on the page"),
        });
    }
    if !viewer.is_admin_person() {
        let tokens = state.service.store().list_api_tokens().await?;
        if !tokens.iter().any(|t| t.id == id && made_by(t, user)) {
            return Err(AppError::NotFound {
                message: "there is no such token of yours: pick one from the list on the page".into(),
            });
        }
    }
    if state.service.store().revoke_api_token(&id).await? {
        tracing::info!(token_id = %id, by = %user.open_id, "API token revoked");
    }
    Ok(())
}

/// Tokens are managed by people who sign in: admins, and viewers (their own).
fn may_manage(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        Viewer::Person { .. } => Ok(()),
        _ => Err(AppError::Forbidden {
            message: "API tokens are managed by a signed-in admin or viewer on the tokens page".into(),
        }),
    }
}
