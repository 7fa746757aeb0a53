//! Server state, built once at start-up and handed to server functions as context.

use std::sync::Arc;

use access_data::AccessService;
use axum::extract::FromRef;
use chrono::NaiveDate;
use chrono_tz::Tz;
use leptos::prelude::LeptosOptions;

/// Everything a request handler or server function needs. Cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' own settings (site root, output name), required by its axum routes.
    pub leptos_options: LeptosOptions,
    /// The access-data service: the only way to Feishu's numbers.
    pub service: Arc<AccessService>,
    /// Settings that shape what the pages show.
    pub view: Arc<ViewSettings>,
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
}

impl ViewSettings {
    /// Today's date in the tenant's time zone.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().with_timezone(&self.timezone).date_naive()
    }
}
