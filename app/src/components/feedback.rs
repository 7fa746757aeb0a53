use std::time::Duration;

use leptos::prelude::*;

use super::controls::quota_text;
use super::href;
use crate::api::fetch_progress;
use crate::error::AppError;
use crate::locale::use_locale;
use crate::report::LoadProgress;
use crate::view::ViewParams;

/// A failure in plain words, with what to do and a way to try again. The monthly
/// quota's is worded in the page's language from its numbers.
#[component]
pub fn ErrorNotice(error: AppError, params: ViewParams) -> impl IntoView {
    let locale = use_locale();
    let retry = href(params.to_query());
    if let AppError::QuotaReached { used, limit, refused_by_feishu, resets_on, .. } = error {
        let text = move || quota_text(locale.get(), used, limit, refused_by_feishu, resets_on).unwrap_or_default();
        return view! {
            <div class="error" role="alert" data-testid="error" data-kind="quota-reached">
                <h2>{move || locale.get().t().quota_error_title}</h2>
                <p class="error-message">{text}</p>
                <p class="error-advice">{move || locale.get().t().quota_missing_days}</p>
            </div>
        }
        .into_any();
    }
    if let AppError::Deadline { seconds, waited_for, .. } = error {
        // The page answers 504, as the API does: the numbers are not there.
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::GATEWAY_TIMEOUT);
        }
        return view! {
            <div class="error" role="alert" data-testid="error" data-kind="deadline">
                <h2>{move || locale.get().t().deadline_title}</h2>
                <p class="error-message">{move || (locale.get().t().deadline_text)(seconds, waited_for)}</p>
                <p class="error-advice">{move || locale.get().t().deadline_advice}</p>
                <p>
                    <a href=retry>{move || locale.get().t().retry}</a>
                </p>
            </div>
        }
        .into_any();
    }
    let advice = error.advice().map(str::to_owned);
    view! {
        <div class="error" role="alert" data-testid="error">
            <h2>{move || locale.get().t().error_title}</h2>
            <p class="error-message">{error.to_string()}</p>
            {advice.map(|a| view! { <p class="error-advice">{a}</p> })}
            <p>
                <a href=retry>{move || locale.get().t().retry}</a>
            </p>
        </div>
    }
    .into_any()
}

/// While a fetch runs, a progress bar: pages fetched from Feishu out of an estimate.
/// The numbers on screen meanwhile are marked stale, never passed off as the new ones.
#[component]
pub fn ProgressBar(pending: RwSignal<bool>, ticket: RwSignal<Option<u64>>) -> impl IntoView {
    let locale = use_locale();
    let progress = RwSignal::new(None::<LoadProgress>);
    Effect::new(move |previous: Option<Option<IntervalHandle>>| {
        if let Some(Some(handle)) = previous {
            handle.clear();
        }
        if !pending.get() {
            progress.set(None);
            return None;
        }
        let poll = move || {
            if let Some(t) = ticket.get_untracked() {
                leptos::task::spawn_local(async move {
                    if let Ok(p) = fetch_progress(t).await {
                        progress.set(p);
                    }
                });
            }
        };
        set_interval_with_handle(poll, Duration::from_millis(400)).ok()
    });
    let percent = move || {
        progress.get().filter(|p| p.pages_estimated > 0).map(|p| (p.pages_done * 100 / p.pages_estimated).min(99))
    };
    view! {
        <Show when=move || pending.get()>
            <div class="progress" role="status" data-testid="progress">
                <div
                    class="progress-track"
                    role="progressbar"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || percent().map(|p| p.to_string())
                    aria-label=move || locale.get().t().fetching
                >
                    <div
                        class="progress-fill"
                        class:indeterminate=move || percent().is_none()
                        style:width=move || percent().map_or("30%".to_owned(), |p| format!("{p}%"))
                    ></div>
                </div>
                <span class="progress-text">
                    {move || {
                        let t = locale.get().t();
                        match progress.get().filter(|p| p.pages_estimated > 0) {
                            Some(p) => (t.fetching_pages)(p.pages_done, p.pages_estimated),
                            None => t.fetching.to_owned(),
                        }
                    }}
                </span>
            </div>
        </Show>
    }
}
