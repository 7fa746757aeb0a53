use leptos::prelude::*;

use crate::locale::use_locale;
use i18n::{Messages, decimal, grouped, percent_change};
use use_cases::report::{Dashboard, PeriodTotals};

/// One summary figure of a period, as a number for comparisons.
#[derive(Clone, Copy)]
enum Figure {
    Pv,
    UvDaySum,
    AvgDailyUv,
    PvPerUv,
    ActiveBlocks,
}

impl Figure {
    const ALL: [Figure; 5] = [Figure::Pv, Figure::UvDaySum, Figure::AvgDailyUv, Figure::PvPerUv, Figure::ActiveBlocks];

    fn value(self, p: &PeriodTotals) -> f64 {
        match self {
            Figure::Pv => p.pv as f64,
            Figure::UvDaySum => p.uv_day_sum as f64,
            Figure::AvgDailyUv => p.avg_daily_uv(),
            Figure::PvPerUv => p.pv_per_uv(),
            Figure::ActiveBlocks => f64::from(p.active_blocks),
        }
    }

    fn text(self, p: &PeriodTotals) -> String {
        match self {
            Figure::Pv => grouped(p.pv),
            Figure::UvDaySum => grouped(p.uv_day_sum),
            Figure::AvgDailyUv => decimal(p.avg_daily_uv()),
            Figure::PvPerUv => decimal(p.pv_per_uv()),
            Figure::ActiveBlocks => p.active_blocks.to_string(),
        }
    }

    fn label(self, t: &Messages) -> &'static str {
        match self {
            Figure::Pv => t.card_pv,
            Figure::UvDaySum => t.card_uv_sum,
            Figure::AvgDailyUv => t.card_avg_uv,
            Figure::PvPerUv => t.card_pv_per_uv,
            Figure::ActiveBlocks => t.card_active_blocks,
        }
    }

    fn testid(self) -> &'static str {
        match self {
            Figure::Pv => "card-pv",
            Figure::UvDaySum => "card-uv-sum",
            Figure::AvgDailyUv => "card-avg-uv",
            Figure::PvPerUv => "card-pv-per-uv",
            Figure::ActiveBlocks => "card-active-blocks",
        }
    }
}

/// The summary cards, each with its change against the previous period and, when
/// Feishu has the data, the same days a year earlier.
#[component]
pub fn Cards(dashboard: StoredValue<Dashboard>) -> impl IntoView {
    let locale = use_locale();
    let d = dashboard.get_value();
    let cards = Figure::ALL
        .into_iter()
        .map(|figure| {
            let now = figure.value(&d.current);
            let delta = move |other: Option<PeriodTotals>, label: fn(&Messages) -> &'static str| {
                let change = other.and_then(|o| percent_change(now, figure.value(&o)));
                let class = match &change {
                    Some(c) if c.starts_with('+') => "delta up",
                    Some(c) if c.starts_with('\u{2212}') => "delta down",
                    _ => "delta",
                };
                view! {
                    <span class=class>
                        {move || {
                            let t = locale.get().t();
                            format!("{} {}", change.clone().unwrap_or_else(|| t.no_comparison.to_owned()), label(t))
                        }}
                    </span>
                }
            };
            let hint = matches!(figure, Figure::UvDaySum);
            view! {
                <div class="card" data-testid=figure.testid()>
                    <span class="card-label">{move || figure.label(locale.get().t())}</span>
                    <span class="card-value" data-testid=format!("{}-value", figure.testid())>{figure.text(&d.current)}</span>
                    {delta(d.previous, |t| t.vs_previous)}
                    {d.year_ago.map(|y| delta(Some(y), |t| t.vs_year_ago))}
                    {hint.then(|| view! { <span class="card-hint">{move || locale.get().t().card_uv_sum_hint}</span> })}
                </div>
            }
        })
        .collect_view();
    view! { <section class="cards" aria-label="summary">{cards}</section> }
}
