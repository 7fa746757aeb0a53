//! The answers of the page's text routes (`server/src/page_feeds.rs`), rendered with the
//! page's own components: the names import's plan, and the progress of a page load.

use domain::ImportFormat;
use i18n::Locale;
use use_cases::builds::load_progress;
use use_cases::error::AppError;
use use_cases::report::NamesImport;
use use_cases::state::AppState;

/// The page's import route's answer: plans `text` (and saves it, with `save` and
/// nothing refused), the plan rendered as HTML in `locale`'s words, and the status
/// the route answers (the error's: 422 for the whole import refused, 500 ours to fix).
pub async fn names_import_answer(
    state: &AppState,
    text: &str,
    save: bool,
    locale: Locale,
) -> (u16, String, Result<NamesImport, AppError>) {
    let answer = use_cases::names::import_names(state, text, ImportFormat::Table, save).await;
    let status = answer.as_ref().err().map_or(200, AppError::status);
    if let (Err(error), 500..) = (&answer, status) {
        tracing::error!(%error, "the page's names import failed");
    }
    let html = crate::components::import_answer_html(&answer, locale);
    (status, html, answer)
}

/// What the dashboard says once `answer` is saved (the flash cookie of the import
/// route's answer); `None` for an import not saved.
pub fn import_saved_flash(answer: &NamesImport, locale: Locale) -> Option<crate::flash::Flash> {
    crate::components::import_saved_flash(answer, locale)
}

/// The progress feed's answer for the fetch named `ticket`, in `locale`'s words: what
/// the page's progress bar shows while the next page loads.
pub fn progress_answer(state: &AppState, ticket: u64, locale: Locale) -> String {
    crate::components::progress_answer(load_progress(&state.progress, ticket), locale)
}
