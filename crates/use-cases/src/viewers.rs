//! Granting view access: an admin gives a person (named by open_id, union_id or e-mail
//! address, as the admins' allowlist names people) the view of a [`Scope`] of custom
//! workplaces and blocks, lists the grants and revokes them. Who may do so is decided
//! here, in [`may_grant`], for the API and the viewers page alike.

use chrono::Utc;
use domain::WorkplaceId;
use domain::scope::{Scope, grantee};
use store::ViewerGrant;

use crate::error::AppError;
use crate::identity::Viewer;
use crate::state::AppState;
use crate::viewers_report::{GrantShown, ViewersReport};

/// Whether `viewer` may see, make and revoke grants: a signed-in admin only. A viewer
/// or a visitor of a read-only link may not (they would widen their own scope), nor may
/// an API token, whatever its rights: a grant hands numbers to a person, and that is
/// decided by a person.
pub fn may_grant(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        Viewer::Person { scope: None, .. } => Ok(()),
        Viewer::Person { scope: Some(_), .. } | Viewer::Visitor { .. } => Err(AppError::Forbidden {
            message: "only an admin sees and changes who has view access: ask one of the dashboard's admins".into(),
        }),
        Viewer::Script { name, .. } => Err(AppError::Forbidden {
            message: format!(
                "the API token {name:?} may not see or change who has view access: grants are made by a signed-in admin \
                 on the dashboard's viewers page (/viewers)"
            ),
        }),
    }
}

/// Every grant, by whom it is for.
pub async fn list(state: &AppState, viewer: &Viewer) -> Result<Vec<ViewerGrant>, AppError> {
    may_grant(viewer)?;
    Ok(state.service.store().viewer_grants().await?)
}

/// The grant of `who` (an open_id, a union_id or an e-mail address).
pub async fn find(state: &AppState, viewer: &Viewer, who: &str) -> Result<ViewerGrant, AppError> {
    may_grant(viewer)?;
    let who = person(who)?;
    let grants = state.service.store().viewer_grants().await?;
    grants.into_iter().find(|grant| grant.who == who).ok_or_else(|| no_such(&who))
}

/// Gives `who` the view of `scope`, replacing what they had.
pub async fn grant(state: &AppState, viewer: &Viewer, who: &str, scope: &Scope) -> Result<ViewerGrant, AppError> {
    may_grant(viewer)?;
    let who = person(who)?;
    let grant = state.service.store().grant_viewer(&who, scope, &viewer.actor(), Utc::now()).await?;
    tracing::info!(
        who = %grant.who,
        by = %grant.granted_by,
        custom_workplaces = grant.scope.custom_workplace_ids.len(),
        blocks = grant.scope.block_ids.len(),
        "view access granted"
    );
    Ok(grant)
}

/// Ends the grant of `who`: their next request sees nothing of it.
pub async fn revoke(state: &AppState, viewer: &Viewer, who: &str) -> Result<(), AppError> {
    may_grant(viewer)?;
    let who = person(who)?;
    if !state.service.store().revoke_viewer(&who).await? {
        return Err(no_such(&who));
    }
    tracing::info!(who = %who, by = %viewer.actor(), "view access revoked");
    Ok(())
}

/// The viewers page: the grants, their workplaces by name, and the custom workplaces
/// Feishu reports, to choose from.
pub async fn report(state: &AppState, viewer: &Viewer) -> Result<ViewersReport, AppError> {
    let grants = list(state, viewer).await?;
    learn_workplace_names(state).await;
    let workplaces = state.service.workplace_names().iter().map(|(id, names)| (id.clone(), names.clone())).collect();
    let grants = grants
        .into_iter()
        .map(|grant| GrantShown {
            who: grant.who,
            scope: grant.scope,
            granted_by: grant.granted_by,
            granted_at: grant.granted_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    Ok(ViewersReport { grants, workplaces })
}

/// Feishu names the custom workplaces only in their numbers: before any has been read (a
/// fresh install, the workplaces tab never opened), the last final week's are read, so
/// that the grant form offers them by name. The week is then held like any other; a
/// failure (the quota, Feishu down) leaves the form to say that none is known yet.
async fn learn_workplace_names(state: &AppState) {
    if !state.service.workplace_names().is_empty() {
        return;
    }
    let yesterday = state.service.today().pred_opt().unwrap_or(state.service.today());
    let week = domain::DateRange::new(yesterday - chrono::Days::new(6), yesterday).expect("a week ends after it starts");
    if let Err(error) = state.service.custom_workplace_access(week, None, Default::default()).await {
        tracing::warn!(%error, "could not read the custom workplaces' names for the viewers page");
    }
}

/// The custom workplaces of `scope` that Feishu has not reported (yet): a grant may
/// name them (a workplace made today is reported with its first numbers), but a typo
/// would grant nothing, so the answer says which.
pub fn unknown_workplaces(state: &AppState, scope: &Scope) -> Vec<WorkplaceId> {
    let known = state.service.workplace_names();
    scope.custom_workplace_ids.iter().filter(|id| !known.contains_key(*id)).cloned().collect()
}

/// A grantee as the store keeps them, or what to fix.
fn person(who: &str) -> Result<String, AppError> {
    grantee(who).map_err(|invalid| AppError::BadInput { message: invalid.to_string() })
}

/// The answer for a person without a grant.
fn no_such(who: &str) -> AppError {
    AppError::NotFound {
        message: format!(
            "no grant of view access names {who:?}: list the grants (GET /api/v1/viewers, or the viewers page, \
             /viewers) to see whom they name"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_signed_in_admin_may_grant() {
        assert_eq!(may_grant(&Viewer::admin("Admin")), Ok(()));
        let scope = domain::scope::Scope::parse(["tpl_hr"], []).unwrap();
        let viewer = Viewer::Person { name: "HR".into(), scope: Some(scope.clone()) };
        let visitor = Viewer::Visitor { name: "Li".into(), link: "l1".into(), view: "?range=7d".into(), scope: None };
        for refused in [viewer, visitor] {
            let answer = may_grant(&refused).unwrap_err();
            assert_eq!(answer.status(), 403, "{refused:?}");
            assert!(answer.message().contains("only an admin"), "{answer}");
        }
        let token = Viewer::Script { name: "sync".into(), can_write_names: true, can_manage_digests: true, scope: None };
        let refused = may_grant(&token).unwrap_err();
        assert_eq!(refused.status(), 403);
        assert!(refused.message().contains("signed-in admin") && refused.message().contains("/viewers"), "{refused}");
    }
}
