//! Work shared between requests: the overviews built a moment ago (identical page loads
//! at the same time build one) and the progress of running page loads, by ticket. Held
//! in the [`crate::state::AppState`].

use std::sync::Arc;

use access_data::QueryProgress;

use crate::error::AppError;
use crate::report::{Dashboard, LoadProgress};
use crate::view::ViewParams;

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

impl DashboardKey {
    /// The key of `params` (its language left out) as of `today` and names version `labels`.
    pub fn new(params: &ViewParams, today: chrono::NaiveDate, labels: u64) -> Self {
        DashboardKey { params: ViewParams { lang: None, ..params.clone() }, today, labels }
    }
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

    /// The overview `key` names: `build` runs once for every load asking at the same
    /// time (the others wait for it), and its overview serves for [`SHARED_BUILD_FOR`].
    /// Errors are not kept: the next load tries again.
    pub async fn get_or_build(
        &self,
        key: DashboardKey,
        build: impl std::future::Future<Output = Result<Dashboard, AppError>>,
    ) -> Result<Arc<Dashboard>, AppError> {
        self.cache
            .try_get_with(key, async {
                self.built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                build.await.map(Arc::new)
            })
            .await
            .map_err(|error: Arc<AppError>| AppError::clone(&error))
    }
}

/// Progress of the fetches of one page load, by ticket.
pub type ProgressRegistry = moka::sync::Cache<u64, Arc<std::sync::Mutex<Vec<Arc<QueryProgress>>>>>;

/// How far the fetch named `ticket` has come; `None` once it is forgotten.
pub fn load_progress(registry: &ProgressRegistry, ticket: u64) -> Option<LoadProgress> {
    let list = registry.get(&ticket)?;
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
