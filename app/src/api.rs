//! What the pages load as the server renders them (plain functions: no HTTP endpoint),
//! and the server functions their plain forms post to (the islands in the browser call
//! none: they fetch the text routes of `server/src/page_feeds.rs`). Each one parses its input with the same rules
//! as the HTTP API and asks the access-data service; the Feishu token and client never
//! leave the server. The implementations sit in [`ssr`], compiled on the server only.

use leptos::prelude::*;

use crate::error::AppError;
use crate::report::{Dashboard, RowsPage, TokenInfo, Viewer};
use crate::view::ViewParams;

/// The overview for the range, blocks and comparisons the URL asks for. `ticket`
/// names the fetch so that the progress feed ([`PROGRESS_PATH`]) can report on it; `refresh` fetches
/// today and yesterday again.
pub async fn load_dashboard(params: ViewParams, ticket: Option<u64>, refresh: bool) -> Result<Dashboard, AppError> {
    #[cfg(feature = "ssr")]
    return ssr::load_dashboard(params, ticket, refresh).await;
    #[cfg(not(feature = "ssr"))]
    server_only((params, ticket, refresh))
}

/// One page of the rows tab.
pub async fn load_rows(params: ViewParams) -> Result<RowsPage, AppError> {
    #[cfg(feature = "ssr")]
    return ssr::load_rows(params).await;
    #[cfg(not(feature = "ssr"))]
    server_only(params)
}

/// The workplace view: totals, custom workplaces and their blocks.
pub async fn load_workplaces(
    params: ViewParams,
    ticket: Option<u64>,
    refresh: bool,
) -> Result<crate::workplace_report::WorkplaceReport, AppError> {
    #[cfg(feature = "ssr")]
    return ssr::load_workplaces(params, ticket, refresh).await;
    #[cfg(not(feature = "ssr"))]
    server_only((params, ticket, refresh))
}

/// Names a block (an empty name removes the name). The page's forms post it plainly:
/// the browser goes back to the page it came from, at the form (`form`, its id), which
/// says what came of it ([`crate::flash`]).
#[server(endpoint = "block_name")]
pub async fn save_block_name(
    block_id: String,
    name: String,
    workplace: String,
    #[server(default)] form: String,
) -> Result<(), AppError> {
    let saved = ssr::save_block_name(block_id, name, workplace).await;
    let anchor = (!form.is_empty()).then(|| form.clone());
    crate::flash::conclude(crate::flash::SAME_PAGE, &form, anchor, saved, |_| ("named", String::new()))
}

/// Who is signed in (for the header).
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    #[cfg(feature = "ssr")]
    return Ok(ssr::viewer());
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// The API tokens for scripts (never the tokens themselves).
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    #[cfg(feature = "ssr")]
    return ssr::list_api_tokens().await;
    #[cfg(not(feature = "ssr"))]
    server_only(())
}

/// Creates an API token and answers it once: it cannot be shown again. Every token
/// reads; `can_write_names` (a checkbox, absent when not ticked) lets it change block
/// names too.
#[server(endpoint = "token_create")]
pub async fn create_api_token(
    name: String,
    #[server(default)] can_write_names: bool,
    #[server(default)] can_manage_digests: bool,
    #[server(default)] expires: String,
) -> Result<String, AppError> {
    // From the tokens page's form, the new token reaches the page once, in the flash
    // cookie (never in a URL, never kept on the server).
    let created = ssr::create_api_token(name, can_write_names, can_manage_digests, expires).await;
    crate::flash::conclude(TOKENS_PAGE, "", None, created, |token| ("created", token.clone()))
}

/// Revokes an API token: scripts using it get 401 from then on.
#[server(endpoint = "token_revoke")]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    let revoked = ssr::revoke_api_token(id.clone()).await;
    crate::flash::conclude(TOKENS_PAGE, &id, None, revoked, |_| ("revoked", String::new()))
}

/// What a server-only loader answers in the browser bundle, where nothing calls it: the
/// pages are rendered on the server, and only islands (which fetch the text routes of
/// `server/src/page_feeds.rs`) run in the browser. The loaders above are plain
/// functions, not server functions, so that no HTTP endpoint takes their input as JSON
/// past the URL's reader ([`ViewParams::from_pairs`]).
#[cfg(not(feature = "ssr"))]
pub(crate) fn server_only<T>(_unused: impl Sized) -> Result<T, AppError> {
    Err(AppError::Internal { message: "this is loaded while the server renders the page".into() })
}

/// The route the page's names import posts its table to (`?lang=…&save=0|1`, the table
/// as the body), answered with the plan as HTML.
pub const NAMES_IMPORT_PATH: &str = "/api/names-import";

/// The route the page's progress bar asks how far a page load has come
/// (`?ticket=…&lang=…`), answered in words.
pub const PROGRESS_PATH: &str = "/api/progress";

/// The page the API tokens' forms are on.
pub const TOKENS_PAGE: &str = "/tokens";

#[cfg(feature = "ssr")]
pub mod ssr {
    use std::sync::Arc;

    use std::collections::BTreeMap;

    use access_data::{BlockDays, BlockLabel, QueryOptions, QueryProgress, QuotaState, ServiceError};
    use domain::{AccessQuery, BlockId, BlockMatrix, ImportFormat, ParamNames};
    use leptos::prelude::use_context;

    use crate::chart_specs::{self, ChartKind};
    use crate::error::AppError;
    use crate::i18n::Locale;
    use crate::report::{
        BlockChoices, BlockTable, BlockTotal, Dashboard, HistoryLine, LoadProgress, NamesImport, PeriodTotals, QuotaReport, RowsPage, FILTER_CHOICES,
        ROWS_PER_PAGE, TABLE_ROWS_PER_PAGE, TOP_BLOCKS,
    };
    use crate::state::AppState;
    use crate::view::{previous_period, year_earlier, SortColumn, ViewParams};

    pub(crate) fn state() -> Result<AppState, AppError> {
        use_context::<AppState>()
            .ok_or_else(|| AppError::Internal { message: "the server's state is missing from the request context".into() })
    }

    fn bad_input(error: impl std::fmt::Display) -> AppError {
        AppError::BadInput { message: error.to_string() }
    }

    /// The query the URL asks for: custom dates, else a preset (relative to today).
    /// A workplace filter adds the blocks whose name puts them on that workplace (and
    /// keeps only those of them when ids are given too).
    pub(crate) fn resolve(params: &ViewParams, state: &AppState) -> Result<AccessQuery, AppError> {
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
            let names = state.service.workplace_names();
            let matcher = crate::workplace_report::WorkplaceMatcher::new(names.iter().map(|(id, n)| (id, n.as_slice())));
            let mut on = matcher.blocks_on(workplace, state.service.labels().values());
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
        Ok(query)
    }

    fn names(state: &AppState) -> Vec<BlockLabel> {
        state.service.labels().values().cloned().collect()
    }

    /// The quota as the page shows it.
    pub(crate) fn quota_report(quota: QuotaState) -> QuotaReport {
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
    pub(crate) fn history_line(state: &AppState) -> Option<HistoryLine> {
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
    pub(crate) fn block_table(blocks: Vec<BlockTotal>, labels: &BTreeMap<BlockId, BlockLabel>, params: &ViewParams) -> BlockTable {
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
    pub(crate) fn block_choices(state: &AppState, params: &ViewParams, filter: &[BlockId]) -> BlockChoices {
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
            .filter(|id| !filter.contains(id))
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
                let d = build_dashboard(state, params, None, false).await?;
                charts::time_series_svg_at(&chart_specs::trend(&d, locale), width)
            }
            ChartKind::TopBlocks => {
                let d = build_dashboard(state, params, None, false).await?;
                charts::top_blocks_svg_at(&chart_specs::top_blocks(&d, locale), width)
            }
            ChartKind::WorkplaceTrend => {
                let r = build_workplace_report(state, params, None, false).await?;
                charts::time_series_svg_at(&chart_specs::workplace_trend(&r, locale), width)
            }
        })
    }

    pub(super) async fn load_dashboard(params: ViewParams, ticket: Option<u64>, refresh: bool) -> Result<Dashboard, AppError> {
        let state = state()?;
        if ticket.is_some() || refresh {
            // A page load the browser follows with its progress bar, or one that fetches
            // anew, is built for itself.
            return build_dashboard(&state, params, ticket, refresh).await;
        }
        // The build is shared; the quota and the history fetch are as of this load.
        let mut dashboard = shared_dashboard(&state, params).await?.as_ref().clone();
        dashboard.quota = quota_report(state.service.quota().await);
        dashboard.history = history_line(&state);
        Ok(dashboard)
    }

    /// How long an overview once built serves identical page loads: long enough that a
    /// burst of them builds it once, short enough that nobody sees older numbers than a
    /// moment ago (a change of names builds anew at once).
    pub const SHARED_BUILD_FOR: std::time::Duration = std::time::Duration::from_millis(500);

    /// What identifies an overview: the view (in any language: the words are the page's,
    /// the numbers the same), today, and the version of the names.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct DashboardKey {
        params: ViewParams,
        today: chrono::NaiveDate,
        labels: u64,
    }

    /// Overviews by what they show, each built once for every load asking at once.
    pub struct DashboardBuilds {
        cache: moka::future::Cache<DashboardKey, Arc<Dashboard>>,
        built: std::sync::atomic::AtomicU64,
    }

    impl Default for DashboardBuilds {
        fn default() -> Self {
            DashboardBuilds {
                cache: moka::future::Cache::builder().max_capacity(64).time_to_live(SHARED_BUILD_FOR).build(),
                built: Default::default(),
            }
        }
    }

    impl DashboardBuilds {
        /// Overviews built for shared page loads since start.
        pub fn built(&self) -> u64 {
            self.built.load(std::sync::atomic::Ordering::Relaxed)
        }
    }

    /// The overview for `params`: built once for all the identical page loads that ask for
    /// it at the same time (the others wait for that build and share it), and served
    /// for [`SHARED_BUILD_FOR`] after. Errors are not kept: the next load tries again.
    pub async fn shared_dashboard(state: &AppState, params: ViewParams) -> Result<Arc<Dashboard>, AppError> {
        let key = DashboardKey {
            params: ViewParams { lang: None, ..params.clone() },
            today: state.service.today(),
            labels: state.service.labels_version(),
        };
        let builds = &state.dashboards;
        builds
            .cache
            .try_get_with(key, async {
                builds.built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                build_dashboard(state, params, None, false).await.map(Arc::new)
            })
            .await
            .map_err(|error: Arc<AppError>| AppError::clone(&error))
    }

    /// The overview for `params`, with comparisons. Also used by the SVG exports.
    pub async fn build_dashboard(
        state: &AppState,
        params: ViewParams,
        ticket: Option<u64>,
        refresh: bool,
    ) -> Result<Dashboard, AppError> {
        let query = resolve(&params, state)?;
        let today = state.service.today();
        let service = &state.service;
        let previous = AccessQuery { range: previous_period(query.range), blocks: query.blocks.clone() };
        let year_ago = AccessQuery { range: year_earlier(query.range), blocks: query.blocks.clone() };
        let dormant_days = params.dormant_days.unwrap_or(domain::insights::DEFAULT_DORMANT_DAYS);
        let started = std::time::Instant::now();
        // One read serves the range, the previous period and the insights: the days the
        // insights read hold the other two (past the quota, the range alone).
        let (history, year_days) = tokio::join!(
            insight_matrix(state, &query, dormant_days, options(state, ticket, refresh)),
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
        let mut insights = crate::insights_report::Insights::build(query.range, &m, last_judged(state), dormant_days);
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
        let choices = block_choices(state, &params, &query.blocks);
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
            names: names(state),
            choices,
            reported_workplaces: service.workplace_names().values().flatten().map(|(_, name)| name.clone()).collect(),
            simulated: state.view.simulated,
            quota: quota_report(service.quota().await),
            history: history_line(state),
            insights,
        })
    }

    /// The totals of `range` from its held days.
    fn totals_of(range: domain::DateRange, today: chrono::NaiveDate, days: &BlockDays) -> PeriodTotals {
        let (sum, viewed) = days.totals();
        PeriodTotals::new(range, today, sum, viewed)
    }

    pub(super) async fn load_workplaces(
        params: ViewParams,
        ticket: Option<u64>,
        refresh: bool,
    ) -> Result<crate::workplace_report::WorkplaceReport, AppError> {
        build_workplace_report(&state()?, params, ticket, refresh).await
    }

    /// The workplace view for `params`. Also used by its SVG export.
    pub async fn build_workplace_report(
        state: &AppState,
        params: ViewParams,
        ticket: Option<u64>,
        refresh: bool,
    ) -> Result<crate::workplace_report::WorkplaceReport, AppError> {
        use crate::workplace_report::{Inputs, WorkplaceReport, WorkplaceReportBase};
        // The view's range; a block filter does not narrow the workplaces.
        let range = resolve(&ViewParams { workplace: None, ..params.clone() }, state)?.range;
        let service = &state.service;
        let previous = previous_period(range);
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
        let labels = names(state);
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
            choices: block_choices(state, &params, &[]),
            group_blocks_shown: (!whole).then_some(crate::workplace_report::GROUP_BLOCKS_SHOWN),
            simulated: state.view.simulated,
            quota: quota_report(service.quota().await),
            history: history_line(state),
        };
        Ok(WorkplaceReport::build(inputs, base))
    }

    /// The columns the insights of `query` (its range and blocks) read with a dormant
    /// window of `dormant_days`, over the days they hold: the range and the days before
    /// it the rules need, fetched as any other days; when the monthly quota does not
    /// allow the days before, the range alone (the insights then say so).
    pub async fn insight_matrix(
        state: &AppState,
        query: &AccessQuery,
        dormant_days: u32,
        options: QueryOptions,
    ) -> Result<BlockMatrix, ServiceError> {
        let service = &state.service;
        let range = crate::insights_report::history_range(query.range, dormant_days);
        let history = AccessQuery { range, blocks: query.blocks.clone() };
        match service.block_days(&history, options.clone()).await {
            Ok(days) => Ok(days.matrix(history.range)),
            Err(ServiceError::QuotaReached { .. }) => Ok(service.block_days(query, options).await?.matrix(query.range)),
            Err(error) => Err(error),
        }
    }

    /// The last day the insights judge: the day before yesterday, the last final day.
    fn last_judged(state: &AppState) -> chrono::NaiveDate {
        state.service.today().checked_sub_days(chrono::Days::new(2)).unwrap_or(chrono::NaiveDate::MIN)
    }

    /// The insights of `query` (see [`insight_rows`]), for `GET /api/v1/insights`.
    pub async fn build_insights(
        state: &AppState,
        query: &AccessQuery,
        dormant_days: u32,
        options: QueryOptions,
    ) -> Result<crate::insights_report::Insights, ServiceError> {
        let m = insight_matrix(state, query, dormant_days, options).await?;
        Ok(crate::insights_report::Insights::build(query.range, &m, last_judged(state), dormant_days))
    }

    pub(super) async fn load_rows(params: ViewParams) -> Result<RowsPage, AppError> {
        let state = state()?;
        let query = resolve(&params, &state)?;
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
            choices: block_choices(&state, &params, &query.blocks),
            rows,
            page,
            pages,
            total_rows,
            names: names(&state),
            simulated: state.view.simulated,
            quota: quota_report(state.service.quota().await),
            history: history_line(&state),
        })
    }

    /// How far the fetch named `ticket` has come; `None` once it is forgotten.
    pub fn load_progress(state: &AppState, ticket: u64) -> Option<LoadProgress> {
        let list = state.progress.get(&ticket)?;
        let list = list.lock().expect("progress lock");
        let mut total = LoadProgress { finished: true, ..LoadProgress::default() };
        for p in list.iter() {
            let s = p.snapshot();
            total.pages_done += s.pages_done;
            total.pages_estimated += s.pages_estimated;
            total.finished &= s.finished;
        }
        Some(total)
    }

    /// The page's import route's answer: plans `text` (and saves it, with `save` and
    /// nothing refused), the plan rendered as HTML in `locale`'s words, and the status
    /// the route answers (422: the whole import refused; 500: ours to fix, in the log).
    pub async fn names_import_answer(
        state: &AppState,
        text: &str,
        save: bool,
        locale: Locale,
    ) -> (u16, String, Result<NamesImport, AppError>) {
        let answer = import_names(state, text, ImportFormat::Table, save).await;
        let status = match &answer {
            Ok(_) => 200,
            Err(AppError::BadInput { .. }) => 422,
            Err(error) => {
                tracing::error!(%error, "the page's names import failed");
                500
            }
        };
        let html = crate::components::import_answer_html(&answer, locale);
        (status, html, answer)
    }

    /// What the dashboard says once `answer` is saved (the flash cookie of the import
    /// route's answer); `None` for an import not saved.
    pub fn import_saved_flash(answer: &NamesImport, locale: Locale) -> Option<crate::flash::Flash> {
        crate::components::import_saved_flash(answer, locale)
    }

    /// The progress feed's answer for the fetch named `ticket`, in `locale`'s words: what
    /// the page's progress bar shows while the next page loads.
    pub fn progress_answer(state: &AppState, ticket: u64, locale: Locale) -> String {
        crate::components::progress_answer(load_progress(state, ticket), locale)
    }

    pub(super) async fn save_block_name(block_id: String, name: String, workplace: String) -> Result<(), AppError> {
        let state = state()?;
        let block_id = BlockId::parse(&block_id).map_err(bad_input)?;
        if name.trim().is_empty() {
            state.service.remove_label(&block_id).await?;
            return Ok(());
        }
        let workplace = Some(workplace).filter(|w| !w.trim().is_empty());
        state.service.set_label(&BlockLabel { block_id, name, workplace }).await?;
        Ok(())
    }

    /// Every block name as saved, sorted by block id: read from the store rather than
    /// the service's copy, so that with several replicas an export or an import plan
    /// sees names given on any of them.
    pub async fn saved_names(state: &AppState) -> Result<Vec<BlockLabel>, AppError> {
        state.service.store().block_labels().await.map_err(store_failed)
    }

    /// Plans an import (`input` in `format`) against the names saved now and, when
    /// `save` is asked and no line is refused, saves every change in one transaction.
    /// The page's import and `PUT /api/v1/block-names` both come here. A whole input
    /// refused (empty, too many lines, not JSON) is `BadInput`.
    pub async fn import_names(state: &AppState, input: &str, format: ImportFormat, save: bool) -> Result<NamesImport, AppError> {
        let current = saved_names(state).await?.into_iter().map(|l| (l.block_id.clone(), l)).collect();
        let plan = domain::plan_import(input, format, &current).map_err(bad_input)?;
        let saved = save && plan.refused.is_empty();
        if saved {
            let labels = plan.labels_to_save();
            state.service.set_labels(&labels).await?;
            tracing::info!(saved = labels.len(), counts = ?plan.counts(), "block names imported");
        }
        Ok(NamesImport { plan, saved })
    }

    /// The person or script making this request, as the sign-in guard recorded it.
    pub fn viewer() -> Option<crate::report::Viewer> {
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<crate::report::Viewer>().cloned())
    }

    /// The signed-in person; only people (not scripts) manage tokens.
    fn person() -> Result<crate::state::SessionUser, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<crate::state::SessionUser>().cloned())
            .ok_or_else(|| AppError::BadInput { message: "sign in to manage API tokens".into() })
    }

    fn store_failed(error: store::StoreError) -> AppError {
        match error {
            store::StoreError::InvalidApiTokenName(e) => AppError::BadInput { message: e.to_string() },
            store::StoreError::InvalidLabel(e) => AppError::BadInput { message: e.to_string() },
            other => {
                tracing::error!(error = %other, "the store failed");
                AppError::Internal { message: "the dashboard's database failed; the server log has the cause".into() }
            }
        }
    }

    pub(super) async fn list_api_tokens() -> Result<Vec<crate::report::TokenInfo>, AppError> {
        person()?;
        let state = state()?;
        let tokens = state.service.store().list_api_tokens().await.map_err(store_failed)?;
        Ok(tokens
            .into_iter()
            .map(|t| crate::report::TokenInfo {
                expired: t.expired(chrono::Utc::now()),
                id: t.id,
                name: t.name,
                created_by: t.created_by,
                created_at: t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                last_used_at: t.last_used_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
                revoked: t.revoked_at.is_some(),
                can_write_names: t.permissions.can_write_names,
                can_manage_digests: t.permissions.can_manage_digests,
                expires_at: t.expires_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
                legacy: t.creator.is_none(),
            })
            .collect())
    }

    pub(super) async fn create_api_token(
        name: String,
        can_write_names: bool,
        can_manage_digests: bool,
        expires: String,
    ) -> Result<String, AppError> {
        use secrecy::ExposeSecret;
        let user = person()?;
        let state = state()?;
        let lifetime = crate::report::token_lifetime(&expires).map_err(|message| AppError::BadInput { message })?;
        let creator = serde_json::to_string(&user)
            .map_err(|e| AppError::Internal { message: format!("could not record the token's creator: {e}") })?;
        let terms = store::ApiTokenTerms {
            permissions: store::ApiTokenPermissions { can_write_names, can_manage_digests },
            expires_at: lifetime.map(|days| chrono::Utc::now() + chrono::Duration::days(i64::from(days))),
            creator: Some(creator),
        };
        let created = state.service.store().create_api_token(&name, &user.name, terms).await.map_err(store_failed)?;
        tracing::info!(token_id = %created.id, by = %user.open_id, can_write_names, can_manage_digests, ?lifetime, "API token created");
        Ok(created.token.expose_secret().to_owned())
    }

    pub(super) async fn revoke_api_token(id: String) -> Result<(), AppError> {
        let user = person()?;
        // Ids are the store's base64url text; anything else was not given by this page.
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            let shown: String = id.chars().take(40).collect();
            return Err(AppError::BadInput {
                message: format!("{shown:?} is not an API token id: pick the token to revoke from the list on the page"),
            });
        }
        let state = state()?;
        if state.service.store().revoke_api_token(&id).await.map_err(store_failed)? {
            tracing::info!(token_id = %id, by = %user.open_id, "API token revoked");
        }
        Ok(())
    }

    /// Progress of the fetches of one page load, by ticket.
    pub type ProgressRegistry = moka::sync::Cache<u64, Arc<std::sync::Mutex<Vec<Arc<QueryProgress>>>>>;
}
