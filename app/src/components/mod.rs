//! The parts of the dashboard page.

mod cards;
mod charts;
mod controls;
mod digests;
mod export;
mod feedback;
mod header;
mod insights;
mod names;
mod names_import;
mod notes;
mod page;
mod rows;
mod share;
mod shortcuts;
mod table;
mod tokens;
mod viewers;
mod workplaces;

pub use cards::Cards;
pub use charts::{TopBlocks, Trend};
pub use controls::Controls;
pub use digests::{DigestPanel, DigestPreview};
pub use export::ExportLinks;
pub use feedback::ErrorNotice;
#[cfg(feature = "ssr")]
pub(crate) use feedback::progress_answer;
pub use header::Header;
pub use insights::InsightsPanel;
pub use names::BlockNames;
#[cfg(feature = "ssr")]
pub(crate) use names_import::{import_answer_html, import_saved_flash};
pub use notes::NotesPanel;
pub use page::{Hydrated, PageProgress, PageShortcuts};
#[cfg(feature = "ssr")]
pub(crate) use page::{REFRESH_COOKIE, TICKET_COOKIE};
pub use rows::RowsTable;
pub use share::{SharePanel, VisitorNotice};
pub use table::BlocksTable;
pub use tokens::ApiTokens;
pub use viewers::ViewerGrants;
pub use workplaces::WorkplacesView;

/// `?a=b` as a link to the dashboard (`/` when there is no query).
pub(crate) fn href(query: String) -> String {
    if query.is_empty() { "/".to_owned() } else { format!("/{query}") }
}

/// A plain table's head: its columns' labels in the page's language, the last one for
/// screen readers only (a column of buttons or details needs no title on screen).
pub(crate) fn column_heads(labels: fn(&'static i18n::Messages) -> Vec<&'static str>) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let locale = crate::locale::use_locale();
    let count = labels(locale.get_untracked().t()).len();
    let heads = (0..count)
        .map(|i| {
            let label = move || labels(locale.get().t())[i];
            if i + 1 == count {
                view! { <th scope="col"><span class="sr-only">{label}</span></th> }.into_any()
            } else {
                view! { <th scope="col">{label}</th> }.into_any()
            }
        })
        .collect_view();
    view! { <thead><tr>{heads}</tr></thead> }
}
