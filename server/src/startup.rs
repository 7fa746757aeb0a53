//! Building the application: the data source, the service, the routes, the listener.
//! `Application::build` binds the port (0 in tests) and reports it; `run` serves.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use access_data::{AccessService, ServiceConfig, Store};
use app::{App, shell};
use axum::Router;
use axum::middleware::from_fn_with_state;
use domain::{BlockId, BlockLabel};
use feishu::{FeishuClient, FeishuConfig};
use feishu_sim::{DEMO_ADMIN_OPEN_ID, SimConfig, SimHandle, Simulator};
use leptos::prelude::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use use_cases::state::{AppState, ViewSettings};

use crate::auth::{self, AuthSettings, AuthState};
use crate::config::{Config, DataSource};
use crate::ops::{HttpMetrics, OpsState};
use crate::shared_rate::SharedRateBudget;

/// How long a replica waits for a shared PostgreSQL (`DATABASE_URL`) at start-up.
const DATABASE_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// How much longer than a query's deadline a whole request may take (sign-in checks,
/// names, rendering) before the last-line request deadline answers 503.
const REQUEST_DEADLINE_MARGIN: std::time::Duration = std::time::Duration::from_secs(15);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("could not start the demo Feishu simulator: {0}")]
    Simulator(#[source] std::io::Error),
    #[error("could not set up the Feishu client: {0}")]
    Feishu(#[source] feishu::FeishuError),
    #[error("could not open the store in {dir}: {source}")]
    Store {
        dir: std::path::PathBuf,
        #[source]
        source: store::StoreError,
    },
    #[error("{0}")]
    SharedStore(#[source] store::StoreError),
    #[error("could not start the access-data service: {0}")]
    Service(#[source] access_data::ServiceError),
}

/// A built, bound, not yet serving application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    /// The in-process simulator of demo mode, kept alive as long as the application.
    simulator: Option<SimHandle>,
    /// The store, closed cleanly when serving ends.
    store: Store,
    /// The state the digests are sent with, for [`Application::run_due_digests`].
    digest_state: AppState,
    /// The task that sends digests when they are due; ended with the application.
    digest_loop: Option<AbortOnDrop>,
    /// The history fetch, keeping the store current in the background; ended with the
    /// application. `None` when it is off.
    history_loop: Option<AbortOnDrop>,
    /// The task that forgets idle rate-limit keys; ended with the application.
    rate_cleanup: AbortOnDrop,
}

impl Application {
    /// Sets up the data source and binds `leptos_options.site_addr` (port 0 picks a free one).
    pub async fn build(config: Config, leptos_options: LeptosOptions) -> Result<Self, StartupError> {
        Self::build_with_clock(config, leptos_options, Arc::new(use_cases::digests::SystemClock)).await
    }

    /// [`Application::build`] with the clock the digests go by (tests move one by hand).
    pub async fn build_with_clock(
        config: Config,
        leptos_options: LeptosOptions,
        clock: Arc<dyn use_cases::digests::Clock>,
    ) -> Result<Self, StartupError> {
        let (feishu_config, simulator) = match &config.source {
            DataSource::Feishu { base_url, app_id, app_secret } => {
                (FeishuConfig::new(base_url.clone(), app_id.clone(), app_secret.clone()), None)
            }
            DataSource::Demo => {
                let today = chrono::Utc::now().with_timezone(&config.timezone).date_naive();
                // A tenant that looks real: with something for the insights to find.
                let (block_count, anomalies) = (config.demo_blocks, feishu_sim::demo_anomalies(today));
                let sim_config = SimConfig { today, block_count, anomalies, ..SimConfig::default() };
                let (app_id, secret) = (sim_config.app_id.clone(), sim_config.app_secret.clone());
                let sim =
                    Simulator::start(sim_config, SocketAddr::from(([127, 0, 0, 1], 0))).await.map_err(StartupError::Simulator)?;
                tracing::info!(url = %sim.base_url(), "demo mode: no FEISHU_APP_ID/FEISHU_APP_SECRET set, using the built-in Feishu simulator");
                (FeishuConfig::new(sim.base_url(), app_id, SecretString::from(secret)), Some(sim))
            }
        };
        let store = match &config.database_url {
            Some(url) => {
                Store::connect(url.expose_secret(), DATABASE_CONNECT_TIMEOUT).await.map_err(StartupError::SharedStore)?
            }
            None => {
                let store = Store::open(&config.data_dir)
                    .await
                    .map_err(|source| StartupError::Store { dir: config.data_dir.clone(), source })?;
                // A rebuilt store is reported by the store itself, with what was found.
                if *store.outcome() == store::OpenOutcome::Created {
                    tracing::info!(dir = %config.data_dir.display(), "created a new store");
                }
                store
            }
        };
        // The key of the pending sign-in cookie is derived from the app secret, which
        // every replica of the app has.
        let app_secret = feishu_config.app_secret.clone();
        let mut feishu_config = feishu_config;
        feishu_config.rate.max_requests = config.max_requests_per_second;
        feishu_config.request_timeout = config.feishu_request_timeout;
        let client = if store.is_shared() {
            // Every replica on this database takes its grants from one budget in it.
            let lease = SharedRateBudget::lease_for(feishu_config.request_timeout);
            let budget = SharedRateBudget::new(store.clone(), feishu_config.rate, lease);
            FeishuClient::with_rate_budget(feishu_config, budget)
        } else {
            FeishuClient::new(feishu_config)
        }
        .map_err(StartupError::Feishu)?;
        let requested = leptos_options.site_addr;
        let listener = TcpListener::bind(requested).await.map_err(|source| StartupError::Bind { addr: requested, source })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind { addr: requested, source })?;
        let service_config = ServiceConfig {
            timezone: config.timezone,
            fresh_ttl: config.fresh_ttl,
            lease_ttl: config.lease_ttl,
            memory_budget_bytes: config.cache_bytes,
            monthly_quota: config.monthly_quota,
            quota_warn_percent: config.quota_warn_percent,
            query_deadline: config.query_deadline,
            refresh_min_interval: config.refresh_min_interval,
            ..ServiceConfig::default()
        };
        let service =
            Arc::new(AccessService::new(client.clone(), store.clone(), service_config).await.map_err(StartupError::Service)?);
        if let Some(sim) = &simulator {
            name_demo_blocks(&service, sim).await?;
        }
        let history = access_data::HistoryFetch::new(
            service.clone(),
            access_data::HistorySettings {
                months: config.history.months,
                requests_per_second: config.history.requests_per_second(config.max_requests_per_second),
                call_cap: config.history.call_cap(config.monthly_quota),
                lease_ttl: config.lease_ttl,
            },
        );
        let history_loop = history.spawn().map(AbortOnDrop);
        let http_metrics = HttpMetrics::new();
        let ops_state = OpsState { client: client.clone(), service: service.clone(), http: http_metrics.clone() };
        let access = &config.access;
        let mut admins = access.admins.clone();
        if simulator.is_some() {
            // Demo mode signs in against the simulator, whose demo admin may enter.
            admins.push(DEMO_ADMIN_OPEN_ID.to_owned());
        }
        let public_url = access.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let digests = Arc::new(use_cases::digests::Digests::new(
            service.clone(),
            config.timezone,
            clock,
            use_cases::digests::DigestSettings {
                public_url: public_url.clone(),
                claim_ttl: config.digest_claim_ttl,
                dormant_days: domain::insights::DEFAULT_DORMANT_DAYS,
            },
        ));
        let accounts_url = match (&simulator, &access.accounts_url) {
            (Some(sim), None) => sim.base_url(),
            (_, Some(url)) => url.clone(),
            (None, None) => "https://accounts.feishu.cn".to_owned(),
        };
        // Demo mode signs the Feishu client in with the simulator's stand-in of the JSSDK,
        // unless FEISHU_JSSDK_URL names another script.
        let jssdk_script = match &simulator {
            Some(sim) if access.jssdk_script.url == crate::config::DEFAULT_JSSDK_URL => {
                crate::config::JssdkScript::parse(&format!("{}/_sim/jssdk.js", sim.base_url()))
                    .unwrap_or_else(|| access.jssdk_script.clone())
            }
            _ => access.jssdk_script.clone(),
        };
        let https = public_url.starts_with("https://");
        let secure = access.secure_cookies.unwrap_or(https);
        let security_headers = crate::security::SecurityHeaders::new(&access.frame_ancestors, https, secure);
        let auth_state = AuthState {
            settings: Arc::new(AuthSettings {
                public_url,
                accounts_url,
                admins,
                email_admins: access.allow_email_admins,
                tenant: auth::TenantPin::new(access.tenant_key.clone()),
                allow_app_admins: access.allow_app_admins,
                access_contact: access.access_contact.clone(),
                jssdk_script: jssdk_script.clone(),
                frame_ancestors: access.frame_ancestors.clone(),
            }),
            client,
            store: store.clone(),
            pending: auth::PendingCookie::new(app_secret.expose_secret(), secure),
        };
        tokio::spawn(store.session_records().delete_expired_every(std::time::Duration::from_secs(600)));
        let sessions = SessionManagerLayer::new(store.session_records())
            .with_name(session_cookie_name(secure))
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
                i64::try_from(access.session_lifetime.as_secs()).unwrap_or(i64::MAX),
            )));

        crate::auth::pages::set_stylesheet(app::stylesheet_href(&leptos_options));
        let state = AppState::new(
            leptos_options.clone(),
            service,
            ViewSettings {
                timezone: config.timezone,
                max_range_days: config.max_range_days,
                simulated: simulator.is_some(),
                frame_ancestors: access.frame_ancestors.clone(),
                public_url: auth_state.settings.public_url.clone(),
            },
            digests.clone(),
        );
        let digest_loop = config.digest_tick.map(|every| AbortOnDrop(digests.clone().spawn_loop(every)));
        let digest_state = state.clone();
        let rate_limits = crate::rate_limits::RateLimits::new(config.rate.clone(), http_metrics.registry());
        let rate_cleanup = AbortOnDrop(rate_limits.spawn_cleanup());
        let router = router(state)
            .merge(auth::routes(auth_state.clone()))
            .merge(crate::ops::routes(ops_state))
            .layer(from_fn_with_state(rate_limits, crate::rate_limits::enforce))
            .layer(from_fn_with_state(auth_state.clone(), auth::guard))
            .layer(from_fn_with_state(auth_state, auth::require_same_origin))
            .layer(sessions)
            .layer(crate::limits::layer(config.query_deadline + REQUEST_DEADLINE_MARGIN))
            .layer(from_fn_with_state(security_headers, crate::security::headers))
            .layer(from_fn_with_state(crate::caching::BuildHashes::of(&leptos_options), crate::caching::cache_control))
            .layer(CompressionLayer::new())
            .layer(from_fn_with_state(http_metrics, crate::ops::count_requests))
            .layer(TraceLayer::new_for_http())
            .layer(axum::middleware::from_fn(crate::request_id::request_ids));
        Ok(Self { listener, router, addr, simulator, store, digest_state, digest_loop, history_loop, rate_cleanup })
    }

    /// Every path the server's router answers (`/api/v1/annotations/{id}`, `/{*rest}`
    /// as written), read from the router itself (its `Debug` lists them), so that a
    /// test calling every route cannot miss a new one.
    pub fn paths(&self) -> Vec<String> {
        let described = format!("{:?}", self.router);
        let mut paths: Vec<String> = described
            .split("RouteId(")
            .skip(1)
            .filter_map(|entry| {
                let quoted = entry.split_once("): \"")?.1;
                Some(quoted[..quoted.find('"')?].to_owned())
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The demo simulator, when the application runs in demo mode.
    pub fn simulator(&self) -> Option<&SimHandle> {
        self.simulator.as_ref()
    }

    /// One pass of the digests now (tests move their clock, then call this).
    pub async fn run_due_digests(&self) -> Result<Vec<use_cases::digests::Attempt>, use_cases::digests::DigestError> {
        self.digest_state.digests.run_due().await
    }

    /// The dashboard's state (the tests' way to the digests and the store).
    pub fn state(&self) -> &AppState {
        &self.digest_state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let _simulator = self.simulator;
        let _digest_loop = self.digest_loop;
        let _history_loop = self.history_loop;
        let _rate_cleanup = self.rate_cleanup;
        // With the peer's address: the sign-in routes are limited per client address.
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await;
        // Folds the write-ahead log into the database file: one tidy file after a clean stop.
        self.store.close().await;
        served
    }
}

/// The session cookie's name: with the `__Host-` prefix when it is Secure, so that a
/// browser takes it only from this host over https, for the path `/`, never set by a
/// sibling subdomain (cookie tossing).
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-bi_session" } else { "bi_session" }
}

/// Ends a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The app's routes, listed once per process and reused by every router built in it.
///
/// Listing them renders the app once with resource loading held off by a process-wide
/// flag in leptos_server (`SuppressResourceLoad`, set by `RouteList::generate`): a
/// `Resource` first polled anywhere in the process while the flag is up never loads,
/// and its page never answers (leptos-rs/leptos#4773). With several servers in one
/// process (the integration tests), a page rendered by one while another was starting
/// hung for good. Listed once, before the first router exists, no render can meet the
/// flag: every render needs a router, and every router waits for this list.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The dashboard's own routes (pages, server functions, API, exports), without the
/// sign-in and security layers that `Application::build` puts around them.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    Router::new()
        .merge(crate::api::routes())
        .merge(crate::export::routes())
        .merge(crate::page_feeds::routes())
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(crate::fn_errors::status_from_error))
        .with_state(state)
}

/// Demo mode only: gives the simulator's blocks its demo names (with their workplaces)
/// when the store has no block name at all, so that a newcomer's first dashboard is
/// readable. Names given since (or a store that has any) are left as they are; the
/// page's demo banner says the names are demo data.
async fn name_demo_blocks(service: &AccessService, sim: &SimHandle) -> Result<(), StartupError> {
    let saved = service.store().block_labels().await.map_err(|e| StartupError::Service(e.into()))?;
    if !saved.is_empty() {
        return Ok(());
    }
    let labels: Vec<BlockLabel> = sim
        .dataset()
        .demo_block_names()
        .into_iter()
        .filter_map(|demo| {
            let block_id = BlockId::parse(&demo.block_id).ok()?;
            Some(BlockLabel { block_id, name: demo.name, workplace: Some(demo.workplace) })
        })
        .collect();
    service.set_labels(&labels).await.map_err(StartupError::Service)?;
    tracing::info!(blocks = labels.len(), "demo mode: gave the simulator's blocks demo names");
    Ok(())
}
