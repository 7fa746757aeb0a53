//! The dashboard's reports as the pages, the SVG exports and the API ask for them: what
//! the URL's view means ([`resolve`]), the overview (built once for identical loads at
//! the same time), the rows tab, the workplaces view, the insights and the progress of a
//! page load. Each asks the access-data service and returns plain data.

use std::collections::BTreeMap;
use std::sync::Arc;

use access_data::{BlockDays, BlockLabel, QueryOptions, QueryProgress, QuotaState, ServiceError};
use domain::{AccessQuery, BlockId, ParamNames};

use crate::builds::DashboardKey;
use crate::chart_specs::{self, ChartKind};
use crate::error::AppError;
use crate::reads::{insight_matrix, last_judged};
use crate::report::{
    BlockChoices, BlockTable, BlockTotal, Dashboard, FILTER_CHOICES, HistoryLine, PeriodTotals, QuotaReport, ROWS_PER_PAGE,
    RowsPage, TABLE_ROWS_PER_PAGE, TOP_BLOCKS,
};
use crate::sight::Sight;
use crate::state::AppState;
use crate::view::{SortColumn, ViewParams};
use i18n::Locale;

pub(crate) fn bad_input(error: impl std::fmt::Display) -> AppError {
    AppError::BadInput { message: error.to_string() }
}

/// The query the URL asks for: custom dates, else a preset (relative to today).
/// A workplace filter adds the blocks whose name puts them on that workplace (and
/// keeps only those of them when ids are given too).
pub fn resolve(params: &ViewParams, state: &AppState, sight: &Sight) -> Result<AccessQuery, AppError> {
    let blocks = params.blocks.iter().map(String::as_str);
    let max = state.view.max_range_days;
    let mut query = match params.custom_dates() {
        Some((from, to)) => AccessQuery::parse(ParamNames::PAGE, from, to, blocks, max),
        None => {
            let range = params.preset_or_default().range(state.service.today());
            let (from, to) = (range.from().to_string(), range.to().to_string());
            AccessQuery::parse(ParamNames::PAGE, Some(&from), Some(&to), blocks, max)
        }
    }
    .map_err(bad_input)?;
    if let Some(workplace) = &params.workplace {
        let mut on = crate::sight::blocks_on_workplace(&state.service, workplace);
        if !query.blocks.is_empty() {
            on.retain(|id| query.blocks.contains(id));
        }
        if on.is_empty() {
            return Err(bad_input(format!(
                "workplace: no named block is on the workplace \"{workplace}\"; give blocks this workplace with their names, \
                 or choose another workplace"
            )));
        }
        query.blocks = on;
    }
    sight.narrow(&mut query)?;
    Ok(query)
}

/// The names of the blocks `sight` sees.
fn names(state: &AppState, sight: &Sight) -> Vec<BlockLabel> {
    state.service.labels().values().filter(|l| sight.sees_block(&l.block_id)).cloned().collect()
}

/// The quota as the page shows it.
pub fn quota_report(quota: QuotaState) -> QuotaReport {
    QuotaReport {
        used: quota.used,
        limit: quota.limit,
        warn_at: quota.warn_at,
        refused_by_feishu: quota.refused_by_feishu,
        resets_on: quota.resets_on,
    }
}

/// Where the background history fetch stands, as the page's line says it; `None`
/// when it is off or holds every month.
pub fn history_line(state: &AppState) -> Option<HistoryLine> {
    use access_data::HistoryState;
    let status = state.service.history_status();
    let (done, total) = (status.months_done, status.months_total);
    match status.state {
        HistoryState::Off | HistoryState::Done { .. } => None,
        HistoryState::Starting | HistoryState::Running | HistoryState::Elsewhere => {
            (done < total).then_some(HistoryLine::Fetching { done, total })
        }
        HistoryState::ShareSpent { resumes_on, .. } | HistoryState::QuotaReached { resumes_on } => {
            Some(HistoryLine::Paused { done, total, resumes_on })
        }
        HistoryState::Failed { reason, .. } => Some(HistoryLine::Failed { done, total, reason }),
    }
}

/// A comparison period's days; `None` when the monthly quota keeps its missing days
/// from being fetched. The range asked for must be complete, but a comparison
/// left out (the quota banner says why) beats no page at all.
fn comparison<T>(answer: Result<T, ServiceError>) -> Result<Option<T>, ServiceError> {
    match answer {
        Ok(answer) => Ok(Some(answer)),
        Err(ServiceError::QuotaReached { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The page of the blocks table `params` asks for: every block of the range sorted
/// by the URL's column (ties by id), those the search matches, one page of them.
pub fn block_table(blocks: Vec<BlockTotal>, labels: &BTreeMap<BlockId, BlockLabel>, params: &ViewParams) -> BlockTable {
    let total = blocks.len();
    let search = params.search.clone();
    let wanted = search.as_deref().map(str::to_lowercase);
    let mut rows: Vec<(Option<String>, BlockTotal)> = blocks
        .into_iter()
        .filter(|b| wanted.as_deref().is_none_or(|q| crate::report::block_matches(q, &b.block_id, labels.get(&b.block_id))))
        .map(|b| (labels.get(&b.block_id).map(|l| l.name.to_lowercase()), b))
        .collect();
    let sort = params.sort;
    rows.sort_by(|(an, a), (bn, b)| {
        let by = match sort.column {
            SortColumn::Name => {
                let key = |n: &Option<String>, x: &BlockTotal| n.clone().unwrap_or_else(|| x.block_id.to_string());
                key(an, a).cmp(&key(bn, b))
            }
            SortColumn::Pv => a.pv.cmp(&b.pv),
            SortColumn::Uv | SortColumn::AvgUv => a.uv_day_sum.cmp(&b.uv_day_sum),
            SortColumn::ActiveDays => a.active_days.cmp(&b.active_days),
        };
        let by = if sort.descending { by.reverse() } else { by };
        by.then_with(|| a.block_id.cmp(&b.block_id))
    });
    let matching = rows.len();
    let pages = matching.div_ceil(TABLE_ROWS_PER_PAGE).max(1);
    let page = params.page.clamp(1, pages);
    let rows = rows.into_iter().skip((page - 1) * TABLE_ROWS_PER_PAGE).take(TABLE_ROWS_PER_PAGE).map(|(_, b)| b).collect();
    BlockTable { rows, blocks: total, matching, page, pages, search }
}

/// What the block filter offers for `params`: the ticked blocks, then the known
/// blocks (seen in data or named) that the filter's search matches, named ones first
/// by workplace and name, then the others by id, at most [`FILTER_CHOICES`].
pub fn block_choices(state: &AppState, params: &ViewParams, filter: &[BlockId], sight: &Sight) -> BlockChoices {
    // The blocks ticked by name in the URL (at most MAX_BLOCK_FILTERS), not all the
    // blocks a workplace filter stands for, which may be hundreds: the filter says
    // which workplace, and lists the blocks the search finds.
    let ticked: Vec<BlockId> = match params.workplace {
        Some(_) => filter.iter().filter(|id| params.blocks.iter().any(|b| b == id.as_str())).cloned().collect(),
        None => filter.to_vec(),
    };
    let filter = ticked.as_slice();
    let labels = state.service.labels();
    let wanted = params.find.as_deref().map(str::to_lowercase);
    let mut options: Vec<(bool, Option<&str>, &str, BlockId)> = state
        .service
        .known_blocks()
        .into_iter()
        .filter(|id| !filter.contains(id) && sight.sees_block(id))
        .filter(|id| wanted.as_deref().is_none_or(|q| crate::report::block_matches(q, id, labels.get(id))))
        .map(|id| {
            let label = labels.get(&id);
            (label.is_none(), label.and_then(|l| l.workplace.as_deref()), label.map_or("", |l| l.name.as_str()), id)
        })
        .collect();
    options.sort();
    let more = options.len().saturating_sub(FILTER_CHOICES);
    let shown = filter.iter().cloned().chain(options.into_iter().take(FILTER_CHOICES).map(|(_, _, _, id)| id)).collect();
    BlockChoices { shown, more, find: params.find.clone() }
}

fn options(state: &AppState, ticket: Option<u64>, refresh: bool) -> QueryOptions {
    let progress = ticket.map(|t| {
        let p = QueryProgress::new();
        state.progress.get_with(t, Default::default).lock().expect("progress lock").push(p.clone());
        p
    });
    QueryOptions { refresh, progress }
}

/// A chart of the SVG export (a file, or a chart box's redraw at its width): from the
/// cache the page was drawn from, without a progress ticket.
pub async fn draw_chart(
    state: &AppState,
    sight: &Sight,
    chart: ChartKind,
    params: ViewParams,
    locale: Locale,
    width: f32,
) -> Result<String, AppError> {
    if !width.is_finite() {
        return Err(bad_input(format!("width: {width} is not a number of pixels; give the chart's width, such as 390")));
    }
    Ok(match chart {
        ChartKind::Trend => {
            let d = build_dashboard(state, sight, params, None, false, false).await?;
            charts::time_series_svg_at(&chart_specs::trend(&d, locale), width)
        }
        ChartKind::TopBlocks => {
            let d = build_dashboard(state, sight, params, None, false, false).await?;
            charts::top_blocks_svg_at(&chart_specs::top_blocks(&d, locale), width)
        }
        ChartKind::WorkplaceTrend => {
            sight.tenant_wide("the workplace trend (all workplaces and the default one)")?;
            let r = build_workplace_report(state, sight, params, None, false, false).await?;
            charts::time_series_svg_at(&chart_specs::workplace_trend(&r, locale), width)
        }
    })
}

/// The overview a page load asks for: built for itself when the browser follows its
/// progress (`ticket`) or it fetches anew (`refresh`), else shared ([`shared_dashboard`]).
pub async fn load_dashboard(
    state: &AppState,
    sight: &Sight,
    params: ViewParams,
    ticket: Option<u64>,
    refresh: bool,
) -> Result<Dashboard, AppError> {
    if ticket.is_some() || refresh || !sight.is_everything() {
        // A page load the browser follows with its progress bar, one that fetches anew,
        // and a viewer's (whose sight is not in the shared build's key) are built for
        // themselves.
        return build_dashboard(state, sight, params, ticket, refresh, true).await;
    }
    // The build is shared; the quota, the history fetch and the notes (a note just
    // written shows at once) are as of this load.
    let mut dashboard = shared_dashboard(state, params).await?.as_ref().clone();
    dashboard.quota = quota_report(state.service.quota().await);
    dashboard.history = history_line(state);
    dashboard.notes = crate::notes::of_range(state, sight, dashboard.range, true).await?;
    Ok(dashboard)
}

/// The overview for `params`: built once for all the identical page loads that ask for
/// it at the same time (the others wait for that build and share it), and served
/// for [`SHARED_BUILD_FOR`] after. Errors are not kept: the next load tries again. An
/// admin's overview (everything seen) only.
pub async fn shared_dashboard(state: &AppState, params: ViewParams) -> Result<Arc<Dashboard>, AppError> {
    let key = DashboardKey::new(&params, state.service.today(), state.service.labels_version());
    state.dashboards.get_or_build(key, build_dashboard(state, &Sight::Everything, params, None, false, false)).await
}

/// The overview for `params`, with comparisons, and its notes (with the impact of the
/// newest when `impacts`: the page's, not a chart's). Also used by the SVG exports.
pub async fn build_dashboard(
    state: &AppState,
    sight: &Sight,
    params: ViewParams,
    ticket: Option<u64>,
    refresh: bool,
    impacts: bool,
) -> Result<Dashboard, AppError> {
    let query = resolve(&params, state, sight)?;
    let today = state.service.today();
    let service = &state.service;
    let previous = AccessQuery { range: query.range.previous_period(), blocks: query.blocks.clone() };
    let year_ago = AccessQuery { range: query.range.year_earlier(), blocks: query.blocks.clone() };
    let dormant_days = params.dormant_days.unwrap_or(domain::insights::DEFAULT_DORMANT_DAYS);
    let started = std::time::Instant::now();
    // One read serves the range, the previous period and the insights: the days the
    // insights read hold the other two (past the quota, the range alone).
    let (history, year_days) = tokio::join!(
        insight_matrix(&state.service, &query, dormant_days, options(state, ticket, refresh)),
        service.block_days(&year_ago, options(state, ticket, false)),
    );
    let m = history?;
    let previous_totals = if m.range().contains(previous.range.from()) {
        Some(PeriodTotals::of(previous.range, today, &m))
    } else {
        comparison(service.block_days(&previous, options(state, ticket, false)).await)?
            .map(|days| totals_of(previous.range, today, &days))
    };
    let read = started.elapsed();
    let mut insights = crate::insights_report::Insights::build(query.range, &m, last_judged(state.service.today()), dormant_days);
    insights.cut_for_page(params.whole);
    let judged = started.elapsed();
    // Without a single row a year earlier, Feishu has no data that far back.
    let year_days = comparison(year_days)?.filter(|days| !days.is_empty());
    let aggregates = Dashboard::aggregate(query.range, today, &query.blocks, &m);
    let current = PeriodTotals::of_blocks(query.range, today, &aggregates.blocks);
    let future_days = query.range.len_days() - current.days;
    let labels = service.labels();
    let mut top_blocks = aggregates.blocks.clone();
    top_blocks.sort_by(|a, b| b.pv.cmp(&a.pv).then_with(|| a.block_id.cmp(&b.block_id)));
    top_blocks.truncate(TOP_BLOCKS);
    let table = block_table(aggregates.blocks, &labels, &params);
    let choices = block_choices(state, &params, &query.blocks, sight);
    // Where an overview's time goes: the days and their columns, the insights, the rest.
    tracing::debug!(
        blocks = m.blocks().len(),
        days = m.days(),
        read_ms = read.as_secs_f64() * 1e3,
        insights_ms = (judged - read).as_secs_f64() * 1e3,
        rest_ms = (started.elapsed() - judged).as_secs_f64() * 1e3,
        "overview built"
    );
    Ok(Dashboard {
        range: query.range,
        preset: params.custom_dates().is_none().then(|| params.preset_or_default()),
        today,
        filter: query.blocks.clone(),
        days: aggregates.days,
        future_days,
        table,
        top_blocks,
        lines: aggregates.lines,
        current,
        previous: previous_totals,
        year_ago: year_days.map(|days| totals_of(year_ago.range, today, &days)),
        names: names(state, sight),
        choices,
        reported_workplaces: service
            .workplace_names()
            .iter()
            .filter(|(id, _)| sight.sees_workplace(id))
            .flat_map(|(_, names)| names.iter().map(|(_, name)| name.clone()))
            .collect(),
        simulated: state.view.simulated,
        quota: quota_report(service.quota().await),
        history: history_line(state),
        insights,
        notes: crate::notes::of_range(state, sight, query.range, impacts).await?,
    })
}

/// The totals of `range` from its held days.
fn totals_of(range: domain::DateRange, today: chrono::NaiveDate, days: &BlockDays) -> PeriodTotals {
    let (sum, viewed) = days.totals();
    PeriodTotals::new(range, today, sum, viewed)
}

/// The workplace view for `params`, and its notes (with the impact of the newest when
/// `impacts`: the page's, not the chart export's). Also used by its SVG export.
pub async fn build_workplace_report(
    state: &AppState,
    sight: &Sight,
    params: ViewParams,
    ticket: Option<u64>,
    refresh: bool,
    impacts: bool,
) -> Result<crate::workplace_report::WorkplaceReport, AppError> {
    use crate::workplace_report::{Inputs, WorkplaceReport, WorkplaceReportBase};
    // The view's range; a block filter does not narrow the workplaces.
    let range = resolve(&ViewParams { workplace: None, blocks: Vec::new(), ..params.clone() }, state, &Sight::Everything)?.range;
    let service = &state.service;
    let previous = range.previous_period();
    let every_block = AccessQuery { range, blocks: Vec::new() };
    let whole = params.whole == Some(crate::view::WholeList::WorkplaceBlocks);
    let (totals, previous_totals, custom, blocks) = tokio::join!(
        service.workplace_access(range, options(state, ticket, refresh)),
        service.workplace_access(previous, options(state, ticket, false)),
        service.custom_workplace_access(range, None, options(state, ticket, refresh)),
        service.block_days(&every_block, options(state, ticket, refresh)),
    );
    let (totals, custom) = (totals?.rows, custom?.rows);
    let block_sums = blocks?.matrix(range).per_block(range);
    // A comparison left out (the quota banner says why) beats no page at all.
    let previous_totals = match previous_totals {
        Ok(answer) => Some(answer.rows),
        Err(ServiceError::QuotaReached { .. }) => None,
        Err(error) => return Err(error.into()),
    };
    let labels = names(state, sight);
    let workplace_names = service.workplace_names();
    let inputs = Inputs {
        range,
        today: service.today(),
        totals: &totals,
        previous: previous_totals.as_deref(),
        custom: &custom,
        workplace_names: &workplace_names,
        labels: &labels,
        block_sums: &block_sums,
    };
    let base = WorkplaceReportBase {
        preset: params.custom_dates().is_none().then(|| params.preset_or_default()),
        choices: block_choices(state, &params, &[], sight),
        group_blocks_shown: (!whole).then_some(crate::workplace_report::GROUP_BLOCKS_SHOWN),
        simulated: state.view.simulated,
        quota: quota_report(service.quota().await),
        history: history_line(state),
        notes: crate::notes::of_range(state, sight, range, impacts).await?,
    };
    let mut report = WorkplaceReport::build(inputs, base);
    if !sight.is_everything() {
        report.keep_only(|id| sight.sees_workplace(id));
    }
    Ok(report)
}

/// The insights of `query`, for `GET /api/v1/insights`; `refresh` fetches today and
/// yesterday again.
pub async fn build_insights(
    state: &AppState,
    sight: &Sight,
    query: &AccessQuery,
    dormant_days: u32,
    refresh: bool,
) -> Result<crate::insights_report::Insights, AppError> {
    let options = QueryOptions { refresh, ..QueryOptions::default() };
    let mut query = query.clone();
    sight.narrow(&mut query)?;
    let query = &query;
    let m = insight_matrix(&state.service, query, dormant_days, options).await?;
    Ok(crate::insights_report::Insights::build(query.range, &m, last_judged(state.service.today()), dormant_days))
}

/// One page of the rows tab.
pub async fn load_rows(state: &AppState, sight: &Sight, params: ViewParams) -> Result<RowsPage, AppError> {
    let query = resolve(&params, state, sight)?;
    let days = state.service.block_days(&query, QueryOptions::default()).await?;
    let total_rows = days.len();
    let pages = total_rows.div_ceil(ROWS_PER_PAGE).max(1);
    let page = params.page.clamp(1, pages);
    let rows = days.rows_page((page - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE);
    Ok(RowsPage {
        range: query.range,
        preset: params.custom_dates().is_none().then(|| params.preset_or_default()),
        today: state.service.today(),
        filter: query.blocks.clone(),
        choices: block_choices(state, &params, &query.blocks, sight),
        rows,
        page,
        pages,
        total_rows,
        names: names(state, sight),
        simulated: state.view.simulated,
        quota: quota_report(state.service.quota().await),
        history: history_line(state),
    })
}
