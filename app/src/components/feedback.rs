use leptos::prelude::*;

use super::controls::quota_text;
use super::href;
use crate::locale::use_locale;
#[cfg(feature = "ssr")]
use i18n::Locale;
use use_cases::error::AppError;
#[cfg(feature = "ssr")]
use use_cases::report::LoadProgress;
use use_cases::view::ViewParams;

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
/// Rendered hidden; [`super::page::Progress`] shows it and writes into it what the
/// server's progress feed ([`crate::api::PROGRESS_PATH`]) answers.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let locale = use_locale();
    let feed = format!("{}?lang={}", crate::api::PROGRESS_PATH, locale.get_untracked().code());
    view! {
        <div class="progress hidden" role="status" data-testid="progress" data-feed=feed>
            <div
                class="progress-track"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-label=move || locale.get().t().fetching
            >
                <div class="progress-fill indeterminate" style="width: 30%"></div>
            </div>
            <span class="progress-text">{move || locale.get().t().fetching}</span>
        </div>
    }
}

/// What the progress feed answers for `progress` (`None`: a fetch not known, or not
/// started): the percentage done on the first line (empty while there is no estimate),
/// the words on the second.
#[cfg(feature = "ssr")]
pub fn progress_answer(progress: Option<LoadProgress>, locale: Locale) -> String {
    let t = locale.t();
    match progress.filter(|p| p.pages_estimated > 0) {
        Some(p) => format!(
            "{}\n{}",
            (p.pages_done * 100 / p.pages_estimated).min(99),
            (t.fetching_pages)(p.pages_done, p.pages_estimated)
        ),
        None => format!("\n{}", t.fetching),
    }
}
