use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{CreateShareLink, RevokeShareLink, SHARE_FORM, list_share_links, visiting};
use crate::flash::PageFlash;
use crate::locale::use_locale;
use use_cases::identity::{DEFAULT_LINK_DAYS, LINK_LIFETIMES, LinkInfo};
use use_cases::view::ViewParams;

/// Sharing the view on screen as a read-only link (for admins and viewers): its
/// lifetime, a button, the new link's address once made, and the links made so far
/// with how often each was opened, each with its revoke button. Plain forms that come
/// back to this view, at the panel ([`crate::flash`]). Open when it has news.
#[component]
pub fn SharePanel(params: Memo<ViewParams>) -> impl IntoView {
    let words = use_locale().get_untracked();
    let s = words.t().links;
    let path = format!("/{}", params.get_untracked().data().to_query());
    let flash = PageFlash::of(SHARE_FORM);
    let open = flash.is_some();
    let outcome = flash.map(|f| {
        if f.failed() {
            view! { <p class="error" role="alert">{f.text}</p> }.into_any()
        } else if f.done == "link_created" {
            view! {
                <div class="new-token" role="status" data-testid="new-link">
                    <p>{s.made}</p>
                    <code>{f.text}</code>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    });
    let lifetimes = LINK_LIFETIMES
        .into_iter()
        .map(|days| view! { <option value=days.to_string() selected=days == DEFAULT_LINK_DAYS>{(s.days)(days)}</option> })
        .collect_view();
    let links = Resource::new(|| (), |_| list_share_links());
    let list = move || {
        Suspend::new(async move {
            match links.await {
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(links) if links.is_empty() => view! { <p class="hint">{s.none}</p> }.into_any(),
                Ok(links) => {
                    let items = links.into_iter().map(|link| view! { <LinkItem link/> }).collect_view();
                    view! {
                        <h3>{s.list_title}</h3>
                        <ul class="link-list" role="list" data-testid="link-list">{items}</ul>
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <details class="panel share" id="share" data-testid="share" open=open>
            <summary>
                <h2>{s.title}</h2>
            </summary>
            <p class="hint">{s.hint}</p>
            <form method="post" action=CreateShareLink::PATH class="token-form">
                <input type="hidden" name="path" value=path/>
                <label for="share-days">{s.expires_after}</label>
                <select id="share-days" name="days">{lifetimes}</select>
                <button type="submit">{s.make}</button>
            </form>
            {outcome}
            <Suspense fallback=|| ()>{list}</Suspense>
        </details>
    }
}

/// One link of the list: what it shows, its address, who made it, when it expires, how
/// often it was opened, and its revoke button (or that it is revoked or expired).
#[component]
fn LinkItem(link: LinkInfo) -> impl IntoView {
    let words = use_locale().get_untracked();
    let s = words.t().links;
    let expires = words.long_date(link.expires_at.date_naive());
    let state = match (link.revoked, link.expired) {
        (true, _) => Some(s.revoked),
        (_, true) => Some(s.expired),
        _ => None,
    };
    let action = match state {
        Some(state) => view! { <p class="hint">{state}</p> }.into_any(),
        None => view! {
            <form method="post" action=RevokeShareLink::PATH>
                <input type="hidden" name="id" value=link.id.clone()/>
                <button type="submit" class="secondary">{s.revoke}</button>
            </form>
        }
        .into_any(),
    };
    let described = describe(&link.path, words);
    view! {
        <li class="link-item" data-link=link.id.clone() class:revoked=state.is_some()>
            <p class="link-view"><a href=link.path.clone()>{described}</a></p>
            <code class="link-url">{link.url.clone()}</code>
            <dl>
                <dt>{s.made_by}</dt>
                <dd>{link.created_by.clone()}</dd>
                <dt>{s.expires}</dt>
                <dd>{expires}</dd>
                <dt>{s.opens}</dt>
                <dd class="link-opens">{i18n::grouped(link.opens)}</dd>
            </dl>
            {action}
        </li>
    }
}

/// A link's view in words: its range (a preset's name, or its days), and the workplace
/// or how many blocks it shows.
fn describe(path: &str, words: i18n::Locale) -> String {
    let t = words.t();
    let view = ViewParams::from_query(path.split_once('?').map_or("", |(_, q)| q));
    let mut parts = vec![match view.custom_dates() {
        Some((from, to)) => format!("{} – {}", from.unwrap_or_default(), to.unwrap_or_default()),
        None => view.preset_or_default().label(t).to_owned(),
    }];
    parts.extend(view.workplace.clone());
    if !view.blocks.is_empty() {
        parts.push(format!("{} × {}", view.blocks.len(), t.workplaces.block));
    }
    parts.join(" · ")
}

/// Above a read-only link's view, for its visitor: who shared it and until when.
#[component]
pub fn VisitorNotice() -> impl IntoView {
    let link = Resource::new(|| (), |_| visiting());
    let words = use_locale().get_untracked();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                link.await.map(|link| {
                    let day = words.long_date(link.expires_at.date_naive());
                    view! { <p class="notice" role="note" data-testid="visiting">{(words.t().links.visiting)(&link.created_by, &day)}</p> }
                })
            })}
        </Suspense>
    }
}
