use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::Form;

use super::href;
use crate::locale::use_locale;
use i18n::{Locale, grouped};
use use_cases::report::{HistoryLine, ViewInfo, display_name};
use use_cases::view::{Preset, Sort, Tab, ViewParams};

/// Range presets, previous/next period, custom dates, the block filter, refresh and
/// the tabs. Links and GET forms: all of it works without the WASM, but for Refresh
/// (the page's [`super::Progress`] island handles it) and the block search.
#[component]
pub fn Controls(params: Memo<ViewParams>, info: StoredValue<ViewInfo>) -> impl IntoView {
    let locale = use_locale();
    let d = info.get_value();
    let p = params.get_untracked();
    let t = move || locale.get().t();
    let active = d.preset;
    let presets = Preset::ALL
        .into_iter()
        .map(|preset| {
            let link = href(p.with_preset(preset).to_query());
            view! {
                <a
                    href=link
                    class="preset"
                    aria-current=(active == Some(preset)).then_some("page")
                    aria-keyshortcuts=preset.shortcut().to_string()
                >
                    {move || preset.label(t())}
                </a>
            }
        })
        .collect_view();
    let prev = href(p.with_range(d.range.previous_period()).to_query());
    let next = href(p.with_range(d.range.next_period()).to_query());
    let range_text = move || locale.get().range(d.range.from(), d.range.to());
    let includes_today = d.range.contains(d.today);
    let simulated = d.simulated;
    let quota = d.quota;
    let quota_banner = quota.warning().then(|| {
        let reached = quota.reached();
        let text = move || {
            quota_text(locale.get(), quota.used, quota.limit, quota.refused_by_feishu, quota.resets_on).unwrap_or_default()
        };
        view! {
            <p class="quota-banner" class:quota-reached=reached role=if reached { "alert" } else { "note" } data-testid="quota-banner">
                {text}
            </p>
        }
    });

    let history = d.history.clone().map(|line| {
        let text = move || {
            let locale = locale.get();
            let l = locale.t().lists;
            match &line {
                HistoryLine::Fetching { done, total } => (l.history_fetching)(*done, *total),
                HistoryLine::Paused { done, total, resumes_on } => {
                    (l.history_paused)(*done, *total, &locale.range(*resumes_on, *resumes_on))
                }
                HistoryLine::Failed { done, total, reason } => (l.history_failed)(*done, *total, reason),
            }
        };
        view! { <p class="history-line" role="status" data-testid="history-line">{text}</p> }
    });
    view! {
        {simulated.then(|| view! { <p class="demo-banner" role="note" data-testid="demo-banner">{move || t().demo_banner}</p> })}
        {quota_banner}
        {history}
        <section class="controls" aria-label=move || t().presets_label>
            <div class="range-row">
                <h2 class="range-title" data-testid="range-title">{range_text}</h2>
                {includes_today.then(|| view! { <span class="badge incomplete-badge">{move || t().today_incomplete}</span> })}
                <span class="period-step">
                    <a href=prev rel="prev" aria-keyshortcuts="ArrowLeft" data-testid="previous-period">
                        "← " {move || t().previous_period}
                    </a>
                    <a href=next rel="next" aria-keyshortcuts="ArrowRight" data-testid="next-period">
                        {move || t().next_period} " →"
                    </a>
                </span>
                <button type="button" class="secondary js-only" title=move || t().refresh_hint data-refresh="true">
                    {move || t().refresh}
                </button>
            </div>
            <nav class="presets" aria-label=move || t().presets_label>{presets}</nav>
            <div class="filters">
                <CustomRange params info/>
                <BlockFilter params info/>
            </div>
            <nav class="tabs" aria-label="tabs">
                <a href=href(p.with_tab(Tab::Overview).to_query()) aria-current=(p.tab == Tab::Overview).then_some("page")>
                    {move || t().view_overview}
                </a>
                <a href=href(p.with_tab(Tab::Rows).to_query()) aria-current=(p.tab == Tab::Rows).then_some("page")>
                    {move || t().view_rows}
                </a>
                <a
                    href=href(p.with_tab(Tab::Workplaces).to_query())
                    aria-current=(p.tab == Tab::Workplaces).then_some("page")
                    data-testid="tab-workplaces"
                >
                    {move || t().workplaces.tab}
                </a>
            </nav>
        </section>
    }
}

/// The monthly quota in `locale`'s words: used up (by the limit, or Feishu said so), or
/// nearing the limit. `None` without a limit and without Feishu's refusal.
pub(crate) fn quota_text(
    locale: Locale,
    used: u64,
    limit: Option<u64>,
    refused_by_feishu: bool,
    resets_on: NaiveDate,
) -> Option<String> {
    let t = locale.t();
    let date = locale.range(resets_on, resets_on);
    let used_text = grouped(used);
    match limit {
        _ if refused_by_feishu => Some((t.quota_refused)(&used_text, &date)),
        Some(limit) if used >= limit => Some((t.quota_reached)(&used_text, &grouped(limit), &date)),
        Some(limit) => Some((t.quota_warning)(&used_text, &grouped(limit), used.saturating_mul(100) / limit.max(1), &date)),
        None => None,
    }
}

/// Hidden fields that carry the rest of the view through a GET form.
pub(crate) fn kept_fields(p: &ViewParams, keep_range: bool, keep_blocks: bool) -> impl IntoView + use<> {
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    if keep_range {
        match (&p.from, &p.to) {
            (None, None) => fields.extend(p.preset.map(|x| ("range", x.code().to_owned()))),
            (from, to) => {
                fields.push(("from", from.clone().unwrap_or_default()));
                fields.push(("to", to.clone().unwrap_or_default()));
            }
        }
    }
    if keep_blocks {
        fields.extend(p.blocks.iter().map(|b| ("block", b.clone())));
        fields.extend(p.workplace.iter().map(|w| ("workplace", w.clone())));
    }
    if let Some(days) = p.dormant_days {
        fields.push(("dormant", days.to_string()));
    }
    if p.sort != Sort::default() {
        fields.push(("sort", p.sort.code()));
    }
    if p.tab == Tab::Workplaces {
        fields.push(("tab", "workplaces".into()));
    }
    if p.tab == Tab::Rows {
        fields.push(("tab", "rows".to_owned()));
    }
    if let Some(lang) = p.lang {
        fields.push(("lang", lang.code().to_owned()));
    }
    fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()
}

#[component]
fn CustomRange(params: Memo<ViewParams>, info: StoredValue<ViewInfo>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let d = info.get_value();
    let p = params.get_untracked();
    view! {
        <Form method="GET" action="" attr:class="custom-range" attr:data-testid="custom-range">
            {kept_fields(&p, false, true)}
            <label>
                {move || t().from}
                <input type="date" name="from" id="range-from" aria-keyshortcuts="c" value=d.range.from().to_string() required/>
            </label>
            <label>
                {move || t().to}
                <input type="date" name="to" value=d.range.to().to_string() required/>
            </label>
            <button type="submit">{move || t().apply}</button>
        </Form>
    }
}

/// Multi-select of blocks, searchable by name or id; "all blocks" when none is ticked.
#[component]
fn BlockFilter(params: Memo<ViewParams>, info: StoredValue<ViewInfo>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().t();
    let d = info.get_value();
    let p = params.get_untracked();
    let selected: Vec<String> = d.filter.iter().map(ToString::to_string).collect();
    let summary = {
        let n = selected.len();
        let workplace = p.workplace.clone();
        move || match (&workplace, n) {
            (Some(w), n) => (t().workplaces.on_workplace)(w, n),
            (None, 0) => t().all_blocks.to_owned(),
            (None, n) => (t().n_blocks)(n),
        }
    };
    // The workplaces given on block names, once each (case and space aside).
    let mut workplaces: Vec<String> = Vec::new();
    for label in &d.names {
        if let Some(w) = label.workplace.as_deref().map(str::trim).filter(|w| !w.is_empty())
            && !workplaces.iter().any(|seen| seen.to_lowercase() == w.to_lowercase())
        {
            workplaces.push(w.to_owned());
        }
    }
    workplaces.sort();
    let chosen = p.workplace.as_deref().map(str::to_lowercase);
    let workplace_links = (!workplaces.is_empty()).then(|| {
        let links = workplaces
            .into_iter()
            .map(|w| {
                let current = chosen.as_deref() == Some(w.to_lowercase().as_str());
                let link = href(p.with_workplace(&w).to_query());
                view! {
                    <a href=link class="chip" aria-current=current.then_some("true") data-testid="workplace-choice">
                        {w}
                    </a>
                }
            })
            .collect_view();
        view! {
            <p class="workplace-choices">
                <span>{move || t().workplaces.filter_by} ": "</span>
                {links}
            </p>
        }
    });
    // The choices come from the server's search (`find`): the ticked blocks, then the
    // first blocks that match, whatever the tenant's size.
    let choices = d.choices.clone();
    let total = choices.shown.len();
    let items = choices
        .shown
        .iter()
        .map(|id| {
            let label = d.name_of(id);
            let (name, workplace) = (display_name(&d.names, id), label.and_then(|n| n.workplace.clone()));
            let id = id.to_string();
            let checked = selected.contains(&id);
            let shows_id = name != id;
            view! {
                <li>
                    <label>
                        <input type="checkbox" name="block" value=id.clone() checked=checked/>
                        <span class="block-name">{name}</span>
                        {shows_id.then(|| view! { <span class="block-id">{id.clone()}</span> })}
                        {workplace.map(|w| view! { <span class="badge">{w}</span> })}
                    </label>
                </li>
            }
        })
        .collect_view();
    let l = move || t().lists;
    let found = choices.find.clone();
    // Besides the ticked blocks, did the search find any?
    let found_any = choices.shown.iter().any(|id| !selected.contains(&id.to_string()));
    let more = match (choices.more, &found) {
        (0, Some(q)) if !found_any => {
            let q = q.clone();
            Some(view! { <p class="hint" data-testid="choices-more">{move || (l().no_choice)(&q)}</p> }.into_any())
        }
        (0, _) => None,
        (n, _) => {
            let n = grouped(n as u64);
            Some(view! { <p class="hint" data-testid="choices-more">{move || (l().choices_more)(&n)}</p> }.into_any())
        }
    };
    let clear = href(p.with_blocks(Vec::new()).to_query());
    view! {
        <details class="block-filter" data-testid="block-filter" open=found.is_some()>
            <summary>{move || t().blocks_label} ": " {summary}</summary>
            {workplace_links}
            // The search is the server's: a plain GET form that keeps the view and the
            // ticked blocks, and lists the blocks that match.
            <div class="filter-panel">
            <form method="get" action="" class="block-find" role="search" data-testid="block-find">
                {kept_fields(&p, true, true)}
                <label for="block-search" class="sr-only">{move || l().find_blocks}</label>
                <input
                    type="search"
                    id="block-search"
                    name="find"
                    value=found.clone().unwrap_or_default()
                    maxlength="64"
                    placeholder=move || t().search_blocks
                    aria-keyshortcuts="/"
                />
                <button type="submit" class="secondary">{move || l().search}</button>
            </form>
            <Form method="GET" action="">
                {kept_fields(&p, true, false)}
                <ul class="block-options" role="list" data-total=total>{items}</ul>
                {more}
                <div class="filter-actions">
                    <button type="submit">{move || t().apply}</button>
                    <a href=clear>{move || t().clear_filter}</a>
                </div>
            </Form>
            </div>
        </details>
    }
}
