//! Notes on the timeline: listed by day, written, edited and removed. Who may write them
//! is decided here (a signed-in admin, or an API token allowed to change block names
//! and notes), for the API and the page alike.

use chrono::Utc;
use domain::{DateRange, NoteDraft};
use store::Note;

use crate::error::AppError;
use crate::identity::Viewer;
use crate::notes_report::{ImpactState, MAX_NOTE_CARDS, NoteCard, Notes};
use crate::sight::Sight;
use crate::state::AppState;

/// The notes `sight` sees whose day is in `range` (all of them without one), by day.
pub async fn list(state: &AppState, sight: &Sight, range: Option<DateRange>) -> Result<Vec<Note>, AppError> {
    let mut notes = state.service.store().notes(range).await?;
    notes.retain(|note| sight.sees_note(&note.draft));
    Ok(notes)
}

/// The notes of `range` as a page shows them: every one (the chart marks them all), the
/// newest [`MAX_NOTE_CARDS`] with their impact over the default weeks when
/// `with_impact` (computed side by side; one that cannot be estimated says why, and
/// the page is shown all the same).
pub async fn of_range(state: &AppState, sight: &Sight, range: DateRange, with_impact: bool) -> Result<Notes, AppError> {
    let notes = list(state, sight, Some(range)).await?;
    let judged_from = if with_impact { notes.len().saturating_sub(MAX_NOTE_CARDS) } else { notes.len() };
    let mut impacts = tokio::task::JoinSet::new();
    for (i, note) in notes.iter().enumerate().skip(judged_from) {
        let (state, note, sight) = (state.clone(), note.clone(), sight.clone());
        impacts.spawn(async move { (i, crate::impact::of(&state, &sight, &note, domain::impact::DEFAULT_WEEKS).await) });
    }
    let mut cards: Vec<NoteCard> = notes
        .into_iter()
        .map(|note| NoteCard { id: note.id, draft: note.draft, created_by: note.created_by, impact: ImpactState::NotAsked })
        .collect();
    while let Some(joined) = impacts.join_next().await {
        let (i, estimated) =
            joined.map_err(|error| AppError::Internal { message: format!("a note's impact failed: {error}") })?;
        cards[i].impact = match estimated {
            Ok(estimated) => ImpactState::Estimated(Box::new(estimated)),
            Err(AppError::TooRecent { judgeable_on, .. }) => ImpactState::TooRecent { judgeable_on },
            Err(error) => ImpactState::Unavailable { reason: error.to_string() },
        };
    }
    let workplaces = state
        .service
        .workplace_names()
        .iter()
        .filter(|(id, _)| sight.sees_workplace(id))
        .map(|(id, names)| (id.clone(), names.clone()))
        .collect();
    let labels = state.service.labels();
    let mut names: Vec<domain::BlockLabel> =
        cards.iter().flat_map(|c| &c.draft.block_ids).filter_map(|id| labels.get(id).cloned()).collect();
    names.sort_by(|a, b| a.block_id.cmp(&b.block_id));
    names.dedup_by(|a, b| a.block_id == b.block_id);
    Ok(Notes { cards, workplaces, names })
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
        Viewer::Person { .. } | Viewer::Visitor { .. } => Err(AppError::Forbidden {
            message: "viewers read the notes of what they may see but do not write them: ask an admin to write this note".into(),
        }),
    }
}
