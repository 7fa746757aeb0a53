use leptos::prelude::*;

use crate::api::{list_api_tokens, CreateApiToken, RevokeApiToken};
use crate::i18n::Locale;
use crate::locale::{provide_locale, use_locale};

/// API tokens for scripts: create (the token is shown once, and may be allowed to
/// change block names besides reading), list, revoke. The list is
/// fetched in the browser when the section is opened: it is not part of the page's
/// first paint, so nothing about it has to survive hydration.
#[island]
pub fn ApiTokens(lang: Locale) -> impl IntoView {
    provide_locale(lang);
    let locale = use_locale();
    let t = move || locale.get().t();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let open = RwSignal::new(false);
    let created = move || match create.value().get() {
        Some(Ok(token)) => Some(
            view! {
                <div class="new-token" role="status" data-testid="new-token">
                    <p>{move || t().new_token}</p>
                    <code>{token}</code>
                </div>
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
        None => None,
    };
    let list = move || {
        let tokens = LocalResource::new(move || {
            create.version().get();
            revoke.version().get();
            list_api_tokens()
        });
        view! {
            <Suspense fallback=move || view! { <p class="loading">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let rows = tokens
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|token| {
                            let id = token.id.clone();
                            let revoked = token.revoked;
                            let writes_names = token.can_write_names;
                            let permission = move || {
                                let i = t().import;
                                if writes_names { i.token_writes_names } else { i.token_reads }
                            };
                            view! {
                                <tr data-token=token.id.clone() class:revoked=revoked>
                                    <th scope="row">{token.name}</th>
                                    <td>{token.created_by}</td>
                                    <td>{token.created_at}</td>
                                    <td>{token.last_used_at.unwrap_or_else(|| t().never.to_owned())}</td>
                                    <td>{permission}</td>
                                    <td>
                                        {if revoked {
                                            view! { <span>{move || t().revoked}</span> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=revoke>
                                                    <input type="hidden" name="id" value=id/>
                                                    <button type="submit" class="secondary">{move || t().revoke}</button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <table class="token-list">
                            <thead>
                                <tr>
                                    <th scope="col">{move || t().name}</th>
                                    <th scope="col">{move || t().created_by}</th>
                                    <th scope="col">{move || t().created}</th>
                                    <th scope="col">{move || t().last_used}</th>
                                    <th scope="col">{move || t().import.token_permission}</th>
                                    <th scope="col"><span class="sr-only">{move || t().revoke}</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <details
            class="panel tokens"
            data-testid="api-tokens"
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary>
                <h2>{move || t().tokens_title}</h2>
            </summary>
            <p class="hint">{move || t().tokens_hint}</p>
            <ActionForm action=create attr:class="token-form">
                <label for="token-name">{move || t().token_name}</label>
                <input id="token-name" type="text" name="name" maxlength="80" required/>
                <label class="token-permission">
                    <input type="checkbox" name="can_write_names" value="true"/>
                    {move || t().import.token_can_write_names}
                </label>
                <button type="submit">{move || t().create_token}</button>
            </ActionForm>
            {created}
            <Show when=move || open.get()>{list}</Show>
        </details>
    }
}
