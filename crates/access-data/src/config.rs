//! The service's settings.

use std::time::Duration;

use chrono_tz::Tz;

/// How the access-data service caches and fetches.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// The tenant's time zone: days before yesterday there are final.
    pub timezone: Tz,
    /// How long today's and yesterday's numbers are served before being fetched again.
    pub fresh_ttl: Duration,
    /// Memory budget of the day cache, in bytes.
    pub memory_budget_bytes: u64,
    /// Most sub-ranges of one long search fetched side by side. Enough to keep the
    /// rate budget busy at 150–300 ms per request (20/s × 0.3 s = 6 in flight).
    pub max_parallel: usize,
    /// Most calls to Feishu in one calendar month (tenant's time zone); `None` for no
    /// limit. Past it the service answers only from the days it holds.
    pub monthly_quota: Option<u64>,
    /// Percent of `monthly_quota` from which the page warns (1 to 100).
    pub quota_warn_percent: u8,
    /// With a store shared by several replicas: how long a lease on missing days lasts
    /// without renewal (a fetch renews it every third of this while it runs). A replica
    /// that dies holds its days this long at most.
    pub lease_ttl: Duration,
    /// With a shared store: how often a query waiting for days another replica fetches
    /// looks for them in the store.
    pub lease_poll: Duration,
    /// The longest one query waits for its answer: for Feishu, for the store, for days
    /// another query or replica is fetching. Past it the query fails with
    /// [`crate::ServiceError::DeadlineExceeded`], naming what it waited for; the fetches
    /// it waited for go on in their own tasks and fill the cache for the next query.
    pub query_deadline: Duration,
    /// The longest one upstream job (one filter over one run of missing days) may run
    /// before it fails, so that a fetch stuck beyond every other bound (a rate budget
    /// that never grants, say) is given up and the next query starts a new one.
    pub job_deadline: Duration,
    /// A refresh fetches the same changing day of a data set (or block) again at most
    /// this often, across every client and replica sharing the store; within it, the
    /// numbers fetched moments ago are served ([`crate::QueryAnswer::refreshed_at`]).
    pub refresh_min_interval: Duration,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            timezone: Tz::Asia__Shanghai,
            fresh_ttl: Duration::from_secs(300),
            memory_budget_bytes: 256 * 1024 * 1024,
            max_parallel: 8,
            monthly_quota: None,
            quota_warn_percent: 80,
            lease_ttl: Duration::from_secs(30),
            lease_poll: Duration::from_millis(100),
            query_deadline: Duration::from_secs(60),
            job_deadline: Duration::from_secs(600),
            refresh_min_interval: Duration::from_secs(60),
        }
    }
}
