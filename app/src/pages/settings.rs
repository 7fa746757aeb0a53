//! The dashboard's settings pages: the chat digests (`/digests`), the API tokens
//! (`/tokens`) and who else may view which numbers (`/viewers`). Server-rendered HTML with plain forms and no WASM of their own: the
//! chat list is read from Feishu when the page is opened, not with every dashboard,
//! and each form's post comes back to its page with the outcome ([`crate::flash`]).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{TOKENS_PAGE, VIEWERS_PAGE, list_api_tokens, load_viewers};
use crate::components::{ApiTokens, DigestPanel, DigestPreview, Header, ViewerGrants};
use crate::digest_setup::{DIGESTS_PAGE, WORKPLACES_FIELD, load_digest_setup, preview_digest};
use crate::flash::page_flash as flash;
use crate::locale::use_locale;
use use_cases::digest_setup::{ScheduleForm, coverage_choice};
use use_cases::error::AppError;

/// A settings page's frame: the header (its language links keep this page) and `main`.
#[component]
fn SettingsPage(here: &'static str, children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Header here lang_href=move |l: i18n::Locale| format!("{here}?lang={}", l.code())/>
        <main class="settings">
            {children()}
            <p><a href="/">{move || locale.get().t().digest.back}</a></p>
        </main>
    }
}

/// The preview the URL asks for (`?preview=<chat id>` with the form's values, as the
/// chat form's Preview button sends them), or what to fix in it.
fn asked_preview(query: &leptos_router::params::ParamsMap) -> Option<(String, Result<ScheduleForm, AppError>)> {
    let chat_id = query.get("preview")?;
    let text = |name: &str| query.get(name).unwrap_or_default();
    let number = |name: &str| {
        text(name).parse::<u8>().map_err(|_| AppError::BadInput {
            message: format!("{name}={:?} is not a number: pick it from the chat's form", text(name)),
        })
    };
    let form = (|| {
        let ticked = query.get_all(WORKPLACES_FIELD).unwrap_or_default();
        let (custom_workplace_ids, block_ids) =
            coverage_choice(&text("covers"), ticked, &text("block_ids")).map_err(|message| AppError::BadInput { message })?;
        Ok(ScheduleForm {
            language: text("language"),
            every: text("every"),
            weekday: number("weekday")?,
            hour: number("hour")?,
            enabled: query.get("enabled").is_some(),
            custom_workplace_ids,
            block_ids,
        })
    })();
    Some((chat_id, form))
}

/// The chat digests: the bot's chats with their schedules, the preview asked for and the
/// recent deliveries. `?refresh=1` reads the chat list from Feishu again.
#[component]
pub fn DigestsPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let refresh = query.get("refresh").is_some();
    let asked = asked_preview(&query);
    let flash = flash();
    // Read once, on the server, as the page is rendered (a page without islands: nothing
    // is sent along for hydration).
    let load = move || {
        let (asked, flash) = (asked.clone(), flash.clone());
        Suspend::new(async move {
            let setup = load_digest_setup(refresh).await;
            let preview = match asked {
                None => None,
                Some((chat_id, form)) => {
                    let card = match form.clone() {
                        Ok(f) => preview_digest(f).await,
                        Err(e) => Err(e),
                    };
                    Some(DigestPreview { chat_id, form: form.unwrap_or_default(), card })
                }
            };
            view! { <DigestPanel setup preview flash/> }
        })
    };
    view! {
        <SettingsPage here=DIGESTS_PAGE>
            <Suspense fallback=|| ()>{load}</Suspense>
        </SettingsPage>
    }
}

/// The API tokens: create, list, revoke.
#[component]
pub fn TokensPage() -> impl IntoView {
    let flash = flash();
    let load = move || {
        let flash = flash.clone();
        Suspend::new(async move {
            view! { <ApiTokens tokens=list_api_tokens().await flash/> }
        })
    };
    view! {
        <SettingsPage here=TOKENS_PAGE>
            <Suspense fallback=|| ()>{load}</Suspense>
        </SettingsPage>
    }
}

/// Who else may view which numbers: grant, list, revoke.
#[component]
pub fn ViewersPage() -> impl IntoView {
    let flash = flash();
    let load = move || {
        let flash = flash.clone();
        Suspend::new(async move {
            view! { <ViewerGrants report=load_viewers().await flash/> }
        })
    };
    view! {
        <SettingsPage here=VIEWERS_PAGE>
            <Suspense fallback=|| ()>{load}</Suspense>
        </SettingsPage>
    }
}
