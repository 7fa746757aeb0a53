//! Server state, built once at start-up and handed to server functions as context.

use std::sync::Arc;
use std::time::Duration;

use access_data::AccessService;
use axum::extract::FromRef;
use chrono_tz::Tz;
use leptos_config::LeptosOptions;

use crate::builds::ProgressRegistry;
pub use crate::identity::Viewer;

/// Everything a request handler or server function needs. Cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' own settings (site root, output name), required by its axum routes.
    pub leptos_options: LeptosOptions,
    /// The access-data service: the only way to Feishu's numbers.
    pub service: Arc<AccessService>,
    /// Settings that shape what the pages show.
    pub view: Arc<ViewSettings>,
    /// Progress of running page loads, by the ticket the browser chose.
    pub progress: ProgressRegistry,
    /// The digests posted to Feishu chats.
    pub digests: Arc<crate::digests::Digests>,
    /// Overviews being built or built a moment ago, so that identical page loads at the
    /// same time build one ([`crate::dashboard::shared_dashboard`]).
    pub dashboards: Arc<crate::builds::DashboardBuilds>,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        service: Arc<AccessService>,
        view: ViewSettings,
        digests: Arc<crate::digests::Digests>,
    ) -> Self {
        Self {
            leptos_options,
            service,
            view: Arc::new(view),
            digests,
            progress: ProgressRegistry::builder().max_capacity(10_000).time_to_live(Duration::from_secs(600)).build(),
            dashboards: Arc::default(),
        }
    }
}

/// Settings the pages and the API read; fixed at start-up.
#[derive(Clone, Debug)]
pub struct ViewSettings {
    /// The tenant's time zone: where a day starts and ends.
    pub timezone: Tz,
    /// The longest range, in days, that one query may ask for.
    pub max_range_days: u32,
    /// True when the data comes from the built-in simulator rather than Feishu.
    pub simulated: bool,
    /// The CSP `frame-ancestors` sources: who may embed the dashboard (the intranet portal).
    pub frame_ancestors: String,
    /// The dashboard's public address (`DASHBOARD_PUBLIC_URL`), for the links it gives out.
    pub public_url: String,
}

/// The signed-in person, kept in the session. Identity only: no Feishu token.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionUser {
    pub open_id: String,
    pub union_id: Option<String>,
    pub name: String,
    /// E-mail addresses Feishu gave (for allowlists by e-mail).
    pub emails: Vec<String>,
    /// Let in because Feishu reports them as an app admin (not by the list).
    pub via_app_admin: bool,
}
