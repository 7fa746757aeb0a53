use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::column_heads;
use crate::digest_setup::{DIGESTS_PAGE, RemoveDigest, SaveDigest, SendTestDigest, WORKPLACES_FIELD, chat_anchor};
use crate::flash::Flash;
use crate::locale::use_locale;
use i18n::Locale;
use use_cases::digest_setup::{ChatChoice, DeliveryRow, DigestSetup, ScheduleForm, WorkplaceChoice};
use use_cases::error::AppError;

/// A card previewed on the page: for which chat, with the form's values as they were
/// when Preview was pressed, and the card as HTML or why it could not be made.
#[derive(Clone, Debug)]
pub struct DigestPreview {
    pub chat_id: String,
    pub form: ScheduleForm,
    pub card: Result<String, AppError>,
}

/// The chat digests: for each chat the bot is in, its schedule (on or off, language,
/// weekly on a weekday or daily, the hour), a preview of the card and a test sent now;
/// below, the recent deliveries with what went wrong and what to do. Server-rendered
/// with plain forms (the digests page): one form per chat, whose buttons save, preview
/// (a GET of this page with the form's values), send a test or remove; a post comes back
/// here at the chat's section with its outcome ([`crate::flash`]).
#[component]
pub fn DigestPanel(setup: Result<DigestSetup, AppError>, preview: Option<DigestPreview>, flash: Option<Flash>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t().digest;
    let body = match setup {
        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        Ok(setup) => {
            let chats_error = setup.chats_error.clone();
            let no_chats = setup.chats.is_empty() && chats_error.is_none();
            // The outcome for a chat no longer listed (the bot left it meanwhile) is shown here.
            let unlisted = flash
                .clone()
                .filter(|f| !setup.chats.iter().any(|c| c.chat_id == f.about))
                .map(|f| if f.failed() { error_view(locale.get_untracked(), f.text, f.code) } else { ().into_any() });
            let workplaces = setup.workplaces.clone();
            let chats = setup
                .chats
                .into_iter()
                .map(|chat| {
                    let preview = preview.clone().filter(|p| p.chat_id == chat.chat_id);
                    let flash = flash.clone().filter(|f| f.about == chat.chat_id);
                    let workplaces = workplaces.clone();
                    view! { <ChatDigest chat workplaces preview flash/> }
                })
                .collect_view();
            let timezone = setup.timezone.clone();
            view! {
                <p class="hint">{move || (t().timezone_note)(&timezone)}</p>
                {unlisted}
                {chats_error.map(|e| view! { <p class="error" role="alert">{move || t().chats_failed}{e.clone()}</p> })}
                {no_chats.then(|| view! { <p class="hint">{move || t().no_chats}</p> })}
                <div class="digest-chats">{chats}</div>
                <Deliveries rows=setup.deliveries/>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel digests" data-testid="digests" aria-labelledby="digests-title">
            <h2 id="digests-title">{move || t().page_title}</h2>
            <p class="hint">{move || t().page_hint}</p>
            <p class="hint">{move || t().chats_hint}</p>
            <a class="button secondary" href=move || format!("{DIGESTS_PAGE}?refresh=1&lang={}", locale.get().code())>
                {move || t().refresh_chats}
            </a>
            {body}
        </section>
    }
}

/// In Chinese, what a Feishu code the digest knows means and what to do (the English
/// message Feishu's error carries says both already).
fn meaning(locale: Locale, code: Option<i64>) -> Option<&'static str> {
    code.and_then(locale.t().digest.refusal).filter(|_| locale == Locale::Zh)
}

/// An error as the panel shows it: in Chinese, for a Feishu code the digest knows, what
/// it means and what to do, then Feishu's own words (the English message says both).
fn error_view(locale: Locale, message: String, code: Option<i64>) -> AnyView {
    match meaning(locale, code) {
        Some(meaning) => view! { <p class="error" role="alert">{meaning}" "<span class="hint">{message}</span></p> }.into_any(),
        None => view! { <p class="error" role="alert">{message}</p> }.into_any(),
    }
}

fn app_error_view(locale: Locale, error: AppError) -> AnyView {
    let code = match &error {
        AppError::Feishu { code, .. } => *code,
        _ => None,
    };
    error_view(locale, error.to_string(), code)
}

/// One chat: its schedule form (whose buttons save, preview, send a test and remove),
/// the outcome of the last post when it was this chat's, and the preview asked for.
#[component]
fn ChatDigest(
    chat: ChatChoice,
    workplaces: Vec<WorkplaceChoice>,
    preview: Option<DigestPreview>,
    flash: Option<Flash>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.get_untracked();
    let t = move || locale.get().t().digest;
    let status = flash.map(|f| match f.done.as_str() {
        "" => error_view(lang, f.text, f.code),
        "test_sent" => view! { <p class="saved" role="status">{move || (t().test_sent)(&f.text)}</p> }.into_any(),
        "removed" => view! { <p class="saved" role="status">{move || t().removed}</p> }.into_any(),
        _ => view! { <p class="saved" role="status">{move || t().saved}</p> }.into_any(),
    });
    let scheduled = chat.schedule.is_some();
    // The form shows what was previewed, else what is saved; a chat without a schedule
    // starts in the page's language.
    let (form, shown_preview) = match preview {
        Some(DigestPreview { form, card, chat_id }) => {
            let card = match card {
                Ok(html) => view! {
                    <section class="digest-preview" data-testid="digest-preview" data-chat=chat_id aria-label=move || t().preview>
                        <div class="digest-card" inner_html=html></div>
                    </section>
                }
                .into_any(),
                Err(e) => app_error_view(lang, e),
            };
            (form, Some(card))
        }
        None => (
            chat.schedule.clone().unwrap_or_else(|| ScheduleForm { language: lang.code().to_owned(), ..Default::default() }),
            None,
        ),
    };
    let id = chat.chat_id.clone();
    let field = move |name: &str| format!("digest-{name}-{id}");
    let next = chat.next_at.clone();
    view! {
        <section class="digest-chat" id=chat_anchor(&chat.chat_id) data-chat=chat.chat_id.clone() aria-labelledby=field("title")>
            <h3 id=field("title")>
                {chat.name.clone()}
                {(!chat.bot_is_in).then(|| view! { <span class="hint">{move || t().not_in_list}</span> })}
            </h3>
            {(!chat.description.is_empty()).then(|| view! { <p class="hint">{chat.description.clone()}</p> })}
            <p class="hint" data-testid="next-digest">
                {move || t().next_digest}": "{next.clone().unwrap_or_else(|| t().off.to_owned())}
            </p>
            <form method="post" action=SaveDigest::PATH class="digest-form">
                <input type="hidden" name="chat_id" value=chat.chat_id.clone()/>
                <input type="hidden" name="chat_name" value=chat.name.clone()/>
                // Kept by the preview, whose GET replaces the page's query with the form's.
                <input type="hidden" name="lang" value=lang.code()/>
                <label class="check">
                    <input type="checkbox" name="enabled" value="true" checked=form.enabled/>
                    {move || t().enabled}
                </label>
                <span class="field">
                    <label for=field("language")>{move || t().language}</label>
                    <select id=field("language") name="language">
                        {Locale::ALL
                            .into_iter()
                            .map(|l| view! { <option value=l.code() selected=form.language == l.code()>{l.native_name()}</option> })
                            .collect_view()}
                    </select>
                </span>
                <span class="field">
                    <label for=field("every")>{move || t().schedule}</label>
                    <select id=field("every") name="every">
                        <option value="weekly" selected=form.every == "weekly">{move || t().weekly}</option>
                        <option value="daily" selected=form.every == "daily">{move || t().daily}</option>
                    </select>
                </span>
                <span class="field">
                    <label for=field("weekday")>{move || t().weekday}</label>
                    <select id=field("weekday") name="weekday">
                        {(1u8..=7)
                            .map(|n| {
                                let day = use_cases::digest_setup::weekday(n);
                                view! { <option value=n.to_string() selected=form.weekday == n>{move || locale.get().weekday_name(day)}</option> }
                            })
                            .collect_view()}
                    </select>
                </span>
                <span class="field">
                    <label for=field("hour")>{move || t().hour}</label>
                    <select id=field("hour") name="hour">
                        {(0u8..24)
                            .map(|h| view! { <option value=h.to_string() selected=form.hour == h>{format!("{h:02}:00")}</option> })
                            .collect_view()}
                    </select>
                </span>
                <CoverageChoice form=form.clone() workplaces id=chat.chat_id.clone()/>
                <div class="digest-actions">
                    <button type="submit">{move || t().save}</button>
                    // The preview is this page again, with the form's values in its URL.
                    <button type="submit" class="secondary" formmethod="get" formaction=DIGESTS_PAGE name="preview" value=chat.chat_id.clone()>
                        {move || t().preview}
                    </button>
                    <button type="submit" class="secondary" formaction=SendTestDigest::PATH>{move || t().send_test}</button>
                    {scheduled.then(|| view! {
                        <button type="submit" class="secondary" formaction=RemoveDigest::PATH>{move || t().remove}</button>
                    })}
                </div>
            </form>
            {status}
            {shown_preview}
        </section>
    }
}

/// What a chat's digest covers: the whole tenant, or only the custom workplaces ticked
/// (Feishu's, by name in the page's language) and the block ids typed. Without
/// JavaScript, so both are shown; a contradicting choice is refused on saving
/// ([`use_cases::digest_setup::coverage_choice`]).
#[component]
fn CoverageChoice(form: ScheduleForm, workplaces: Vec<WorkplaceChoice>, id: String) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t().digest;
    let whole = form.whole_tenant();
    let blocks_id = format!("digest-blocks-{id}");
    let hint_id = format!("digest-blocks-hint-{id}");
    let boxes = if workplaces.is_empty() {
        view! { <p class="hint">{move || t().no_workplaces_known}</p> }.into_any()
    } else {
        workplaces
            .into_iter()
            .map(|w| {
                let ticked = form.custom_workplace_ids.iter().any(|id| id == w.id.as_str());
                view! {
                    <label class="check">
                        <input type="checkbox" name=WORKPLACES_FIELD value=w.id.to_string() checked=ticked/>
                        {move || w.name(locale.get().code())}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <fieldset class="digest-coverage">
            <legend>{move || t().coverage}</legend>
            <label class="check">
                <input type="radio" name="covers" value="tenant" checked=whole/>
                {move || t().coverage_tenant}
            </label>
            <label class="check">
                <input type="radio" name="covers" value="scope" checked=!whole/>
                {move || t().coverage_scope}
            </label>
            <fieldset class="digest-workplaces">
                <legend>{move || t().coverage_workplaces}</legend>
                {boxes}
            </fieldset>
            <span class="field">
                <label for=blocks_id.clone()>{move || t().coverage_blocks}</label>
                <input type="text" id=blocks_id name="block_ids" value=form.block_ids.join(", ") aria-describedby=hint_id.clone()/>
            </span>
            <p class="hint" id=hint_id>{move || t().coverage_blocks_hint}</p>
        </fieldset>
    }
}

/// The recent deliveries, newest first, with each failure's message.
#[component]
fn Deliveries(rows: Vec<DeliveryRow>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t().digest;
    if rows.is_empty() {
        return view! {
            <h3>{move || t().deliveries_title}</h3>
            <p class="hint">{move || t().no_deliveries}</p>
        }
        .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|d| {
            let state = d.state.clone();
            let label = move || match state.as_str() {
                "sent" => t().sent,
                "failed" => t().failed,
                _ => t().sending,
            };
            let failed = d.state == "failed";
            let code = d.error_code;
            let detail = d.error.clone().map(|e| {
                let retry = d.retry_at.clone();
                // In Chinese, what the code means and what to do, before Feishu's words.
                let text = move || match meaning(locale.get(), code) {
                    Some(meaning) => format!("{meaning} ({e})"),
                    None => e.clone(),
                };
                view! {
                    <span class="delivery-error">{text}</span>
                    {retry.map(|at| view! { <span class="hint">" "{move || t().retry_at}" "{at.clone()}</span> })}
                }
            });
            view! {
                <tr class:failed=failed data-state=d.state.clone()>
                    <th scope="row">{d.chat_name.clone()}</th>
                    <td>{d.period.clone()}{d.test.then(|| view! { <span class="hint">" ("{move || t().test}")"</span> })}</td>
                    <td>{label}</td>
                    <td>{d.at.clone()}</td>
                    <td>{detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{move || t().deliveries_title}</h3>
        <div class="table-scroll">
            <table class="deliveries" data-testid="deliveries">
                {column_heads(|t| vec![t.digest.chat, t.digest.period, t.digest.state, t.digest.changed_at, t.digest.failed])}
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
