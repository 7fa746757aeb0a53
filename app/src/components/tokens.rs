use leptos::prelude::*;

use crate::api::{CreateApiToken, RevokeApiToken};
use crate::error::AppError;
use crate::report::TokenInfo;
use crate::locale::use_locale;

/// The token list and the two actions that change it. Created with the page, not inside
/// a suspended view, so that hydration finds the list the server rendered.
#[derive(Clone, Copy)]
pub struct TokenState {
    pub create: ServerAction<CreateApiToken>,
    pub revoke: ServerAction<RevokeApiToken>,
    pub list: Resource<Result<Vec<TokenInfo>, AppError>>,
}

impl TokenState {
    pub fn new() -> Self {
        let create = ServerAction::<CreateApiToken>::new();
        let revoke = ServerAction::<RevokeApiToken>::new();
        let list = Resource::new(
            move || (create.version().get(), revoke.version().get()),
            |_| crate::api::list_api_tokens(),
        );
        Self { create, revoke, list }
    }
}

/// API tokens for scripts: create (the token is shown once), list, revoke.
#[component]
pub fn ApiTokens(state: TokenState) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let TokenState { create, revoke, list: tokens } = state;
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
    view! {
        <details class="panel tokens" data-testid="api-tokens">
            <summary>
                <h2>{move || t().tokens_title}</h2>
            </summary>
            <p class="hint">{move || t().tokens_hint}</p>
            <ActionForm action=create attr:class="token-form">
                <label for="token-name">{move || t().token_name}</label>
                <input id="token-name" type="text" name="name" maxlength="80" required/>
                <button type="submit">{move || t().create_token}</button>
            </ActionForm>
            {created}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = tokens.await.unwrap_or_default();
                    let rows = list
                        .into_iter()
                        .map(|token| {
                            let id = token.id.clone();
                            let revoked = token.revoked;
                            view! {
                                <tr data-token=token.id.clone() class:revoked=revoked>
                                    <th scope="row">{token.name}</th>
                                    <td>{token.created_by}</td>
                                    <td>{token.created_at}</td>
                                    <td>{token.last_used_at.unwrap_or_else(|| t().never.to_owned())}</td>
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
                                    <th scope="col"><span class="sr-only">{move || t().revoke}</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                })}
            </Suspense>
        </details>
    }
}
