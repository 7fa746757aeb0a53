//! Frequency limits: at most N requests per key (an app and endpoint, a chat)
//! in any sliding window (one second unless said otherwise). Rejected requests
//! count as arrivals too, as a gateway sees them, so a client hammering a
//! closed door keeps it closed.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A request refused by the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limited {
    /// Requests allowed per window (`x-ogw-ratelimit-limit`).
    pub limit: u32,
    /// Whole seconds until a slot frees, at least 1 (`x-ogw-ratelimit-reset`).
    pub reset_secs: u64,
}

/// Arrival times per key within the last window.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: u32,
    window: Duration,
    arrivals: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// `limit` per second; `limit == 0` lets everything through.
    pub fn new(limit: u32) -> Self {
        Self::per(limit, Duration::from_secs(1))
    }

    /// `limit` per sliding `window`; `limit == 0` lets everything through.
    pub fn per(limit: u32, window: Duration) -> Self {
        Self { limit, window, arrivals: Mutex::new(HashMap::new()) }
    }

    /// Records an arrival for `app_id` (any key) at `now` and says whether it is over the limit.
    pub fn arrive(&self, app_id: &str, now: Instant) -> Result<(), Limited> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut all = self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let arrivals = all.entry(app_id.to_owned()).or_default();
        while arrivals.front().is_some_and(|&t| now.saturating_duration_since(t) >= self.window) {
            arrivals.pop_front();
        }
        arrivals.push_back(now);
        let limit = self.limit as usize;
        if arrivals.len() <= limit {
            return Ok(());
        }
        // A slot frees when enough of the oldest arrivals leave the window for
        // the count to drop below the limit again.
        let leaving = arrivals.len() - limit;
        let frees_at = arrivals[leaving - 1] + self.window;
        let wait = frees_at.saturating_duration_since(now);
        let reset_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Err(Limited { limit: self.limit, reset_secs: reset_secs.max(1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_over_the_limit_is_refused_per_app() {
        let limiter = RateLimiter::new(20);
        let t0 = Instant::now();
        for i in 0..20 {
            assert_eq!(limiter.arrive("app", t0 + Duration::from_millis(i * 10)), Ok(()));
        }
        let refused = limiter.arrive("app", t0 + Duration::from_millis(500));
        assert_eq!(refused, Err(Limited { limit: 20, reset_secs: 1 }));
        assert_eq!(limiter.arrive("other", t0 + Duration::from_millis(500)), Ok(()));
    }

    #[test]
    fn a_minute_window_resets_in_whole_seconds() {
        let limiter = RateLimiter::per(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.arrive("app", t0).is_ok());
        assert!(limiter.arrive("app", t0 + Duration::from_secs(10)).is_ok());
        assert_eq!(limiter.arrive("app", t0 + Duration::from_millis(20_500)), Err(Limited { limit: 2, reset_secs: 40 }));
        assert!(limiter.arrive("app", t0 + Duration::from_secs(75)).is_ok());
    }

    #[test]
    fn refused_arrivals_keep_the_window_full() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(limiter.arrive("app", at(0)).is_ok());
        assert!(limiter.arrive("app", at(0)).is_ok());
        assert!(limiter.arrive("app", at(500)).is_err());
        assert!(limiter.arrive("app", at(600)).is_err());
        // The two allowed ones left the window, the refused ones did not.
        assert!(limiter.arrive("app", at(1100)).is_err());
        assert!(limiter.arrive("app", at(2200)).is_ok());
    }
}
