//! The digests page's server functions: the plain forms that save, remove and test a
//! chat's digest post here; each calls its use-case ([`use_cases::digest_setup::ssr`]) and
//! goes back to the page with the outcome ([`crate::flash`]).

use leptos::prelude::*;
use use_cases::digest_setup::DigestSetup;
#[cfg(feature = "ssr")]
use use_cases::digest_setup::ScheduleForm;
#[cfg(feature = "ssr")]
use use_cases::digest_setup::ssr;
use use_cases::error::AppError;

/// The setup; `refresh` reads the chat list from Feishu again.
pub async fn load_digest_setup(refresh: bool) -> Result<DigestSetup, AppError> {
    #[cfg(feature = "ssr")]
    return Ok(ssr::setup(&crate::api::state()?, refresh).await);
    #[cfg(not(feature = "ssr"))]
    crate::api::server_only(refresh)
}

/// The page the digests' forms are on.
pub const DIGESTS_PAGE: &str = "/digests";

/// The id of a chat's section on the digests page (where a form post's answer scrolls).
pub fn chat_anchor(chat_id: &str) -> String {
    format!("chat-{chat_id}")
}

/// Ends a digest form's post: back to the digests page at the chat's section, with the
/// outcome ([`crate::flash`]).
#[cfg(feature = "ssr")]
fn conclude<T>(
    chat_id: &str,
    outcome: Result<T, AppError>,
    done: impl FnOnce(&T) -> (&'static str, String),
) -> Result<T, AppError> {
    crate::flash::conclude(DIGESTS_PAGE, chat_id, Some(chat_anchor(chat_id)), outcome, done)
}

/// The form's field of the custom workplaces ticked (repeated; the brackets let the
/// server functions' form decoding read it as a list).
pub const WORKPLACES_FIELD: &str = "custom_workplace_ids[]";

/// What the form's digest covers ([`use_cases::digest_setup::coverage_choice`]) in a
/// form of `language` etc.: the workplace and block ids, or what to fix.
#[cfg(feature = "ssr")]
fn covering(covers: &str, workplaces: Vec<String>, blocks: &str, form: ScheduleForm) -> Result<ScheduleForm, AppError> {
    let (custom_workplace_ids, block_ids) =
        use_cases::digest_setup::coverage_choice(covers, workplaces, blocks).map_err(|message| AppError::BadInput { message })?;
    Ok(ScheduleForm { custom_workplace_ids, block_ids, ..form })
}

/// Saves a chat's schedule (from the digests page's form; extra fields of that form,
/// sent along by its other buttons, are ignored).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "digest_save")]
pub async fn save_digest(
    chat_id: String,
    chat_name: String,
    language: String,
    every: String,
    weekday: u8,
    hour: u8,
    #[server(default)] enabled: bool,
    #[server(default)] covers: String,
    #[server(default)] custom_workplace_ids: Vec<String>,
    #[server(default)] block_ids: String,
) -> Result<(), AppError> {
    let state = crate::api::state()?;
    let form = ScheduleForm { language, every, weekday, hour, enabled, ..ScheduleForm::default() };
    let saved = match covering(&covers, custom_workplace_ids, &block_ids, form) {
        Ok(form) => ssr::save(&state, &chat_id, &chat_name, &form, &who()).await.map(|_| ()),
        Err(error) => Err(error),
    };
    conclude(&chat_id, saved, |_| ("saved", String::new()))
}

/// Removes a chat's schedule (its deliveries stay listed).
#[server(endpoint = "digest_remove")]
pub async fn remove_digest(chat_id: String) -> Result<(), AppError> {
    let state = crate::api::state()?;
    let removed = ssr::remove(&state, &chat_id).await.map(|_| ());
    conclude(&chat_id, removed, |_| ("removed", String::new()))
}

/// The card a schedule of `form` would send now, as HTML (with its stylesheet): loaded
/// while the digests page is rendered (`?preview=…`), with no endpoint of its own.
pub async fn preview_digest(form: use_cases::digest_setup::ScheduleForm) -> Result<String, AppError> {
    #[cfg(feature = "ssr")]
    {
        let state = crate::api::state()?;
        let card = ssr::preview(&state, &form).await?;
        Ok(ssr::card_html(&card.json))
    }
    #[cfg(not(feature = "ssr"))]
    crate::api::server_only(form)
}

/// Sends the last seven final days' digest, covering what the form chose, to the chat
/// now; answers the chat's name.
#[server(endpoint = "digest_test")]
pub async fn send_test_digest(
    chat_id: String,
    chat_name: String,
    language: String,
    #[server(default)] covers: String,
    #[server(default)] custom_workplace_ids: Vec<String>,
    #[server(default)] block_ids: String,
) -> Result<String, AppError> {
    let state = crate::api::state()?;
    let sent = match covering(&covers, custom_workplace_ids, &block_ids, ScheduleForm::default()).and_then(|f| ssr::scope(&f)) {
        Ok(scope) => ssr::send_test(&state, &chat_id, &language, scope.as_ref()).await.map(|_| chat_name),
        Err(error) => Err(error),
    };
    conclude(&chat_id, sent, |chat| ("test_sent", chat.clone()))
}

/// Who is changing the digests: the signed-in person or the API token's name.
#[cfg(feature = "ssr")]
fn who() -> String {
    crate::api::viewer().map_or_else(|| "unknown".into(), |viewer| viewer.actor())
}
