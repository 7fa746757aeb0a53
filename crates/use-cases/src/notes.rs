//! Notes on the timeline: listed by day, written, edited and removed. Who may write them
//! is decided here (a signed-in admin, or an API token allowed to change block names
//! and notes), for the API and the page alike.

use chrono::Utc;
use domain::{DateRange, NoteDraft};
use store::Note;

use crate::error::AppError;
use crate::identity::Viewer;
use crate::state::AppState;

/// The notes whose day is in `range` (all of them without one), by day.
pub async fn list(state: &AppState, range: Option<DateRange>) -> Result<Vec<Note>, AppError> {
    Ok(state.service.store().notes(range).await?)
}

/// Saves a new note by `viewer`.
pub async fn add(state: &AppState, viewer: &Viewer, draft: &NoteDraft) -> Result<Note, AppError> {
    may_write(viewer)?;
    let note = state.service.store().add_note(draft, &viewer.actor(), Utc::now()).await?;
    tracing::info!(note = %note.id, day = %note.draft.date, by = %note.created_by, "note written");
    Ok(note)
}

/// Replaces what note `id` says and concerns.
pub async fn edit(state: &AppState, viewer: &Viewer, id: &str, draft: &NoteDraft) -> Result<Note, AppError> {
    may_write(viewer)?;
    state.service.store().edit_note(id, draft, Utc::now()).await?.ok_or_else(|| no_such(id))
}

/// Removes note `id`.
pub async fn remove(state: &AppState, viewer: &Viewer, id: &str) -> Result<(), AppError> {
    may_write(viewer)?;
    if state.service.store().remove_note(id).await? { Ok(()) } else { Err(no_such(id)) }
}

/// The answer for a note id that names no note.
pub(crate) fn no_such(id: &str) -> AppError {
    let shown: String = id.chars().take(40).collect();
    AppError::NotFound { message: format!("there is no note {shown:?}: list the notes (GET /api/v1/annotations) for their ids") }
}

/// Whether `viewer` may write notes: every signed-in admin, and API tokens allowed to
/// change block names (the one write right a token has over the dashboard's records).
fn may_write(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        viewer if viewer.can_write_names() => Ok(()),
        Viewer::Script { name, .. } => Err(AppError::Forbidden {
            message: format!(
                "the API token {name:?} may read notes but not write them: an admin creates a token with \"may also \
                 change block names\" ticked (the dashboard's API tokens page, /tokens) for this script"
            ),
        }),
        Viewer::Person { .. } => Ok(()),
    }
}
