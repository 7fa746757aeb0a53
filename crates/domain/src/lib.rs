//! The words Block Insights speaks in, shared by the server, the browser bundle and the
//! HTTP API: [`DateRange`], [`BlockId`], [`AccessRow`], [`AccessQuery`], the parsed
//! form of what a user asked to see, [`BlockLabel`], the name an admin gives a block,
//! with [`plan_import`] for many names at once, and [`NoteDraft`], a note on the
//! timeline, with [`notes_csv`] and [`plan_notes_import`] for many notes as a file.
//! Parsing lives here, once, so that every entry point (page, server function,
//! `/api/v1/`) rejects the same bad input with the same message.

mod access;
mod block;
pub mod csv_cell;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod impact;
mod import_input;
pub mod insights;
mod label;
mod label_import;
mod matrix;
mod note;
mod note_import;
mod query;
mod range;
pub mod scope;
pub mod unusual;
mod waiting;
mod workplace;

pub use access::AccessRow;
pub use block::{BlockId, InvalidBlockId};
pub use import_input::RefusedLine;
pub use label::{BlockLabel, InvalidLabel, LabelField, MAX_LABEL_CHARS, checked_text};
pub use label_import::{ImportError, ImportFormat, LabelChange, MAX_IMPORT_LINES, NamesPlan, PlanCounts, Refusal, plan_import};
pub use matrix::BlockMatrix;
pub use note::{InvalidNote, MAX_NOTE_BLOCKS, MAX_NOTE_CHARS, NoteDraft};
pub use note_import::{
    BLOCK_ID_SEPARATOR, ExportedNote, MAX_NOTES_IMPORT_LINES, NOTE_COLUMNS, NoteEdit, NoteRefusal, NotesImportError, NotesPlan,
    NotesPlanCounts, PlannedNote, notes_csv, plan_notes_import,
};
pub use query::{AccessQuery, MAX_BLOCK_FILTERS, ParamNames, QueryError};
pub use range::{DATE_FORMAT, DateRange, InvalidRange, parse_date};
pub use waiting::WaitedFor;
pub use workplace::{CustomWorkplaceDay, InvalidWorkplaceId, Visits, WorkplaceDay, WorkplaceId};
