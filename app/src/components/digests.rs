use leptos::prelude::*;

use crate::digest_setup::{
    load_digest_setup, ChatChoice, DeliveryRow, PreviewDigest, RemoveDigest, SaveDigest, SendTestDigest,
};
use crate::i18n::Locale;
use crate::locale::{provide_locale, use_locale};

/// The chat digests: for each chat the bot is in, its schedule (on or off, language,
/// weekly on a weekday or daily, the hour), a preview of the card and a test sent now;
/// below, the recent deliveries with what went wrong and what to do. Read in the browser
/// when the panel is opened, as the API tokens are.
#[island]
pub fn DigestPanel(lang: Locale) -> impl IntoView {
    provide_locale(lang);
    let locale = use_locale();
    let t = move || locale.get().t().digest;
    let save = ServerAction::<SaveDigest>::new();
    let remove = ServerAction::<RemoveDigest>::new();
    let test = ServerAction::<SendTestDigest>::new();
    let preview = ServerAction::<PreviewDigest>::new();
    let open = RwSignal::new(false);
    let refresh = RwSignal::new(0u32);
    // The chat whose button was pressed last: its section shows the outcome and the preview.
    // Kept above the chat list, which is drawn anew when an action completes.
    let active = RwSignal::new(String::new());
    let last = RwSignal::new("");
    let actions = Actions { save, remove, test, preview, active, last };
    let body = move || {
        let setup = LocalResource::new(move || {
            save.version().get();
            remove.version().get();
            test.version().get();
            let refresh = refresh.get() > 0;
            load_digest_setup(refresh)
        });
        view! {
            <Suspense fallback=move || view! { <p class="loading">{move || locale.get().t().loading}</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(setup) => {
                            let chats_error = setup.chats_error.clone();
                            let no_chats = setup.chats.is_empty() && chats_error.is_none();
                            let chats = setup
                                .chats
                                .into_iter()
                                .map(|chat| view! { <ChatDigest chat actions/> })
                                .collect_view();
                            let timezone = setup.timezone.clone();
                            view! {
                                <p class="hint">{move || (t().timezone_note)(&timezone)}</p>
                                {chats_error.map(|e| view! { <p class="error" role="alert">{move || t().chats_failed}{e.clone()}</p> })}
                                {no_chats.then(|| view! { <p class="hint">{move || t().no_chats}</p> })}
                                <div class="digest-chats">{chats}</div>
                                <Deliveries rows=setup.deliveries/>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <details
            class="panel digests"
            data-testid="digests"
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary>
                <h2>{move || t().page_title}</h2>
            </summary>
            <p class="hint">{move || t().page_hint}</p>
            <p class="hint">{move || t().chats_hint}</p>
            <button type="button" class="secondary" on:click=move |_| refresh.update(|n| *n += 1)>
                {move || t().refresh_chats}
            </button>
            <Show when=move || open.get()>{body}</Show>
        </details>
    }
}

/// The panel's actions, shared by every chat's forms.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveDigest>,
    remove: ServerAction<RemoveDigest>,
    test: ServerAction<SendTestDigest>,
    preview: ServerAction<PreviewDigest>,
    /// The chat whose button was pressed last.
    active: RwSignal<String>,
    /// Which button: save, preview, test or remove.
    last: RwSignal<&'static str>,
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

fn app_error_view(locale: Locale, error: crate::error::AppError) -> AnyView {
    let code = match &error {
        crate::error::AppError::Feishu { code, .. } => *code,
        _ => None,
    };
    error_view(locale, error.to_string(), code)
}

/// One chat: its schedule form, preview, test and removal, and the outcome of the last
/// of them when it was this chat's.
#[component]
fn ChatDigest(chat: ChatChoice, actions: Actions) -> impl IntoView {
    let Actions { save, remove, test, preview, active, last } = actions;
    let locale = use_locale();
    let t = move || locale.get().t().digest;
    let me = StoredValue::new(chat.chat_id.clone());
    let mine = move || active.with(|a| *a == me.get_value());
    let status = move || {
        if !mine() {
            return None;
        }
        match (last.get(), save.value().get(), test.value().get()) {
            ("test", _, Some(Ok(chat))) => Some(view! { <p class="saved" role="status">{move || (t().test_sent)(&chat)}</p> }.into_any()),
            ("test", _, Some(Err(e))) => Some(app_error_view(locale.get(), e)),
            ("save", Some(Ok(())), _) => Some(view! { <p class="saved" role="status">{move || t().saved}</p> }.into_any()),
            ("save", Some(Err(e)), _) => Some(app_error_view(locale.get(), e)),
            _ => None,
        }
    };
    let shown_preview = move || {
        if !mine() || last.get() != "preview" {
            return None;
        }
        Some(match preview.value().get()? {
            Ok((chat_id, html)) => view! {
                <section class="digest-preview" data-testid="digest-preview" data-chat=chat_id aria-label=move || t().preview>
                    <div class="digest-card" inner_html=html></div>
                </section>
            }
            .into_any(),
            Err(e) => app_error_view(locale.get(), e),
        })
    };
    let pressed = move |what: &'static str| {
        move |_| {
            active.set(me.get_value());
            last.set(what);
        }
    };
    let scheduled = chat.schedule.is_some();
    // A chat without a schedule starts in the page's language.
    let form = chat.schedule.clone().unwrap_or_else(|| crate::digest_setup::ScheduleForm {
        language: locale.get_untracked().code().to_owned(),
        ..Default::default()
    });
    let id = chat.chat_id.clone();
    let field = move |name: &str| format!("digest-{name}-{id}");
    let f = StoredValue::new(field.clone());
    let language = RwSignal::new(form.language.clone());
    let every = RwSignal::new(form.every.clone());
    let weekday = RwSignal::new(form.weekday);
    let hour = RwSignal::new(form.hour);
    let ids = StoredValue::new((chat.chat_id.clone(), chat.name.clone()));
    let chat_id = move || ids.get_value().0;
    let chat_name = move || ids.get_value().1;
    let next = chat.next_at.clone();
    view! {
        <section class="digest-chat" data-chat=chat.chat_id.clone() aria-labelledby=field("title")>
            <h3 id=field("title")>
                {chat.name.clone()}
                {(!chat.bot_is_in).then(|| view! { <span class="hint">{move || t().not_in_list}</span> })}
            </h3>
            {(!chat.description.is_empty()).then(|| view! { <p class="hint">{chat.description.clone()}</p> })}
            <p class="hint" data-testid="next-digest">
                {move || t().next_digest}": "{next.clone().unwrap_or_else(|| t().off.to_owned())}
            </p>
            <ActionForm action=save attr:class="digest-form">
                <input type="hidden" name="chat_id" value=chat_id()/>
                <input type="hidden" name="chat_name" value=chat_name()/>
                <label class="check">
                    <input type="checkbox" name="enabled" value="true" checked=form.enabled/>
                    {move || t().enabled}
                </label>
                <span class="field">
                <label for=f.get_value()("language")>{move || t().language}</label>
                <select id=f.get_value()("language") name="language" on:change=move |ev| language.set(event_target_value(&ev))>
                    {Locale::ALL
                        .into_iter()
                        .map(|l| view! { <option value=l.code() selected=form.language == l.code()>{l.native_name()}</option> })
                        .collect_view()}
                </select>
                </span>
                <span class="field">
                <label for=f.get_value()("every")>{move || t().schedule}</label>
                <select id=f.get_value()("every") name="every" on:change=move |ev| every.set(event_target_value(&ev))>
                    <option value="weekly" selected=form.every == "weekly">{move || t().weekly}</option>
                    <option value="daily" selected=form.every == "daily">{move || t().daily}</option>
                </select>
                </span>
                <span class="field">
                <label for=f.get_value()("weekday")>{move || t().weekday}</label>
                <select
                    id=f.get_value()("weekday")
                    name="weekday"
                    on:change=move |ev| weekday.set(event_target_value(&ev).parse().unwrap_or(1))
                >
                    {(1u8..=7)
                        .map(|n| {
                            let day = crate::digest_setup::weekday(n);
                            view! { <option value=n.to_string() selected=form.weekday == n>{move || locale.get().weekday_name(day)}</option> }
                        })
                        .collect_view()}
                </select>
                </span>
                <span class="field">
                <label for=f.get_value()("hour")>{move || t().hour}</label>
                <select id=f.get_value()("hour") name="hour" on:change=move |ev| hour.set(event_target_value(&ev).parse().unwrap_or(9))>
                    {(0u8..24)
                        .map(|h| view! { <option value=h.to_string() selected=form.hour == h>{format!("{h:02}:00")}</option> })
                        .collect_view()}
                </select>
                </span>
                <button type="submit" on:click=pressed("save")>{move || t().save}</button>
            </ActionForm>
            <div class="digest-actions">
                <ActionForm action=preview>
                    <input type="hidden" name="chat_id" value=chat_id()/>
                    <input type="hidden" name="language" prop:value=move || language.get()/>
                    <input type="hidden" name="every" prop:value=move || every.get()/>
                    <input type="hidden" name="weekday" prop:value=move || weekday.get().to_string()/>
                    <input type="hidden" name="hour" prop:value=move || hour.get().to_string()/>
                    <button type="submit" class="secondary" on:click=pressed("preview")>{move || t().preview}</button>
                </ActionForm>
                <ActionForm action=test>
                    <input type="hidden" name="chat_id" value=chat_id()/>
                    <input type="hidden" name="chat_name" value=chat_name()/>
                    <input type="hidden" name="language" prop:value=move || language.get()/>
                    <button type="submit" class="secondary" on:click=pressed("test")>{move || t().send_test}</button>
                </ActionForm>
                {scheduled.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="chat_id" value=chat_id()/>
                        <button type="submit" class="secondary" on:click=pressed("remove")>{move || t().remove}</button>
                    </ActionForm>
                })}
            </div>
            {status}
            {shown_preview}
        </section>
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
                <thead>
                    <tr>
                        <th scope="col">{move || t().chat}</th>
                        <th scope="col">{move || t().period}</th>
                        <th scope="col">{move || t().state}</th>
                        <th scope="col">{move || t().changed_at}</th>
                        <th scope="col"><span class="sr-only">{move || t().failed}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
