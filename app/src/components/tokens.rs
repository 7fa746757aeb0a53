use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::column_heads;
use crate::api::{CreateApiToken, RevokeApiToken};
use crate::flash::Flash;
use crate::locale::use_locale;
use use_cases::error::AppError;
use use_cases::identity::{DEFAULT_TOKEN_DAYS, TOKEN_LIFETIMES, TokenInfo};

/// API tokens for scripts: create (the token is shown once, expires after the lifetime
/// chosen, and may be allowed to change block names or manage chat digests besides
/// reading), list, revoke. Server-rendered with plain forms
/// (the tokens page): each post comes back here with its outcome ([`crate::flash`]).
#[component]
pub fn ApiTokens(tokens: Result<Vec<TokenInfo>, AppError>, flash: Option<Flash>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let flash = flash.filter(|f| f.failed() || f.done == "created" || f.done == "revoked");
    // A failed revocation is shown at its row, anything else under the form.
    let row_flash = flash.clone().filter(|f| !f.about.is_empty());
    let created = flash.filter(|f| f.about.is_empty()).map(|f| {
        if f.failed() {
            view! { <p class="error" role="alert">{f.text}</p> }.into_any()
        } else {
            view! {
                <div class="new-token" role="status" data-testid="new-token">
                    <p>{move || t().new_token}</p>
                    <code>{f.text}</code>
                </div>
            }
            .into_any()
        }
    });
    let list = match tokens {
        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        Ok(tokens) if tokens.is_empty() => view! { <p class="hint">{move || t().no_tokens}</p> }.into_any(),
        Ok(tokens) => {
            let rows = tokens.into_iter().map(|token| view! { <TokenRow token flash=row_flash.clone()/> }).collect_view();
            view! {
                <div class="table-scroll">
                    <table class="token-list">
                        {column_heads(|t| vec![t.name, t.created_by, t.created, t.last_used, t.import.token_expires, t.import.token_permission, t.revoke])}
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel tokens" data-testid="api-tokens" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{move || t().tokens_title}</h2>
            <p class="hint">{move || t().tokens_hint}</p>
            <form method="post" action=CreateApiToken::PATH class="token-form">
                <label for="token-name">{move || t().token_name}</label>
                <input id="token-name" type="text" name="name" maxlength="80" required/>
                // A viewer's token reads their scope and changes nothing.
                {crate::api::may_change().then(|| view! {
                    <label class="check token-permission">
                        <input type="checkbox" name="can_write_names" value="true"/>
                        {move || t().import.token_can_write_names}
                    </label>
                    <label class="check token-permission">
                        <input type="checkbox" name="can_manage_digests" value="true"/>
                        {move || t().import.token_can_manage_digests}
                    </label>
                })}
                <label for="token-expires">{move || t().import.token_expires}</label>
                <select id="token-expires" name="expires">
                    {TOKEN_LIFETIMES
                        .into_iter()
                        .map(|days| {
                            view! {
                                <option value=days.to_string() selected=days == DEFAULT_TOKEN_DAYS>
                                    {move || (t().import.token_expiry_days)(days)}
                                </option>
                            }
                        })
                        .collect_view()}
                    <option value="never">{move || t().import.token_never_expires}</option>
                </select>
                <button type="submit">{move || t().create_token}</button>
            </form>
            {created}
            {list}
        </section>
    }
}

/// One token of the list, with its revoke button (or the mark that it is revoked) and
/// the outcome of revoking it when that was the last post.
#[component]
fn TokenRow(token: TokenInfo, flash: Option<Flash>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let (writes_names, manages_digests) = (token.can_write_names, token.can_manage_digests);
    let permission = move || {
        let i = t().import;
        let base = if writes_names { i.token_writes_names } else { i.token_reads };
        if manages_digests { format!("{base}, {}", i.token_manages_digests) } else { base.to_owned() }
    };
    let (expired, legacy, expires_at) = (token.expired, token.legacy, token.expires_at.clone());
    let expiry = move || {
        let i = t().import;
        match (legacy, expired, &expires_at) {
            (true, _, _) => i.token_legacy.to_owned(),
            (_, true, Some(at)) => format!("{} ({at})", i.token_expired),
            (_, _, Some(at)) => at.clone(),
            (_, _, None) => t().never.to_owned(),
        }
    };
    let refusal =
        flash.filter(|f| f.failed() && f.about == token.id).map(|f| view! { <p class="error" role="alert">{f.text}</p> });
    let action = if token.revoked {
        view! { <span>{move || t().revoked}</span> }.into_any()
    } else {
        view! {
            <form method="post" action=RevokeApiToken::PATH>
                <input type="hidden" name="id" value=token.id.clone()/>
                <button type="submit" class="secondary">{move || t().revoke}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <tr data-token=token.id.clone() class:revoked=token.revoked>
            <th scope="row">{token.name}</th>
            <td>{token.created_by}</td>
            <td>{token.created_at}</td>
            <td>{token.last_used_at.unwrap_or_else(|| t().never.to_owned())}</td>
            <td class:expired=expired || legacy>{expiry}</td>
            <td>{permission}</td>
            <td>{action}{refusal}</td>
        </tr>
    }
}
