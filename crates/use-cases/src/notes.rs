//! Notes on the timeline: listed by day, written, edited and removed, and many at once
//! as a file: exported as CSV and imported (a table or JSON), all of it or nothing. Who
//! may write them is decided here (a signed-in admin, or an API token allowed to change
//! block names and notes), for the API and the page alike.

use chrono::Utc;
use domain::{DateRange, ExportedNote, ImportFormat, NoteDraft, NotesImportError};
use store::{Note, StoreError};

use crate::error::AppError;
use crate::identity::Viewer;
use crate::impact::no_such;
use crate::notes_report::Notes;
pub use crate::report::NotesImport;
use crate::sight::Sight;
use crate::state::AppState;

/// The notes `sight` sees whose day is in `range` (all of them without one), by day.
pub async fn list(state: &AppState, sight: &Sight, range: Option<DateRange>) -> Result<Vec<Note>, AppError> {
    let mut notes = state.service.store().notes(range).await?;
    notes.retain(|note| sight.sees_note(&note.draft));
    Ok(notes)
}

/// The notes of `range` as a page shows them ([`crate::impact::cards`]), seen through
/// `sight`: every one (the chart marks them all), the newest
/// [`crate::notes_report::MAX_NOTE_CARDS`] with their impact when `with_impact`.
pub async fn of_range(state: &AppState, sight: &Sight, range: DateRange, with_impact: bool) -> Result<Notes, AppError> {
    Ok(crate::impact::cards(&state.service, sight, list(state, sight, Some(range)).await?, with_impact).await)
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

/// The notes whose day is in `range` (all of them without one) as the CSV file of
/// [`domain::notes_csv`]: UTF-8 with a byte order mark, formula-like cells neutralised,
/// block ids joined by a space. [`import`] reads it back.
pub async fn export_csv(state: &AppState, sight: &Sight, range: Option<DateRange>) -> Result<Vec<u8>, AppError> {
    let notes = list(state, sight, range).await?;
    let rows =
        notes.iter().map(|n| ExportedNote { id: &n.id, draft: &n.draft, created_by: &n.created_by, created_at: n.created_at });
    domain::notes_csv(rows).map_err(|error| {
        tracing::error!(%error, "could not write the notes as CSV");
        AppError::Internal { message: "could not write the notes as CSV".into() }
    })
}

/// Plans an import of notes (`input` in `format`: a table, such as [`export_csv`]'s
/// file, or the JSON the list answers) against the notes held now and, when `save` is
/// asked and no line is refused, writes the notes it adds and the edits in one
/// transaction, as `viewer`'s. The page's import and `PUT /api/v1/annotations` both
/// come here. An input refused whole is `ImportRefused` (empty, not a table or a JSON
/// list, a header it cannot read) or `TooLarge` (more than
/// [`domain::MAX_NOTES_IMPORT_LINES`] notes).
pub async fn import(
    state: &AppState,
    viewer: &Viewer,
    input: &str,
    format: ImportFormat,
    save: bool,
) -> Result<NotesImport, AppError> {
    may_write(viewer)?;
    let current = list(state, &Sight::Everything, None).await?.into_iter().map(|n| (n.id, n.draft)).collect();
    let plan = domain::plan_notes_import(input, format, &current).map_err(|error| match error {
        NotesImportError::TooManyLines { .. } => AppError::TooLarge { message: error.to_string() },
        other => AppError::ImportRefused { message: other.to_string() },
    })?;
    let saved = save && plan.refused.is_empty();
    if saved && !(plan.added.is_empty() && plan.edited.is_empty()) {
        let added: Vec<NoteDraft> = plan.added.iter().map(|n| n.draft.clone()).collect();
        let edited: Vec<(&str, &NoteDraft)> = plan.edited.iter().map(|e| (e.id.as_str(), &e.after)).collect();
        let written = state.service.store().write_notes(&added, &edited, &viewer.actor(), Utc::now()).await;
        // It is all or nothing, so the caller learns that none of it was saved, and may
        // send it again.
        written.map_err(|error| match error {
            StoreError::NoSuchNote { id } => AppError::NotSaved {
                message: format!(
                    "note {id:?} was removed while the import was being saved, so none of it was saved: send the import \
                     again (that line then adds the note anew)"
                ),
            },
            other => AppError::from(other).into_not_saved("the notes"),
        })?;
        tracing::info!(counts = ?plan.counts(), by = %viewer.actor(), "notes imported");
    }
    Ok(NotesImport { plan, saved })
}

/// Whether `viewer` may write notes: every signed-in admin, and API tokens allowed to
/// change block names (the one write right a token has over the dashboard's records).
pub fn may_write(viewer: &Viewer) -> Result<(), AppError> {
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
