//! The per-app frequency limit: at most N search requests in any sliding
//! one-second window. Rejected requests count as arrivals too, as a gateway
//! sees them, so a client hammering a closed door keeps it closed.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// A request refused by the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limited {
    /// Requests allowed per window (`x-ogw-ratelimit-limit`).
    pub limit: u32,
    /// Whole seconds until a slot frees, at least 1 (`x-ogw-ratelimit-reset`).
    pub reset_secs: u64,
}

/// Arrival times per app within the last window.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: u32,
    arrivals: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// `limit == 0` lets everything through.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            arrivals: Mutex::new(HashMap::new()),
        }
    }

    /// Records an arrival for `app_id` at `now` and says whether it is over the limit.
    pub fn arrive(&self, app_id: &str, now: Instant) -> Result<(), Limited> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut all = self
            .arrivals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let arrivals = all.entry(app_id.to_owned()).or_default();
        while arrivals
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= WINDOW)
        {
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
        let frees_at = arrivals[leaving - 1] + WINDOW;
        let wait = frees_at.saturating_duration_since(now);
        let reset_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Err(Limited {
            limit: self.limit,
            reset_secs: reset_secs.max(1),
        })
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
            assert_eq!(
                limiter.arrive("app", t0 + Duration::from_millis(i * 10)),
                Ok(())
            );
        }
        let refused = limiter.arrive("app", t0 + Duration::from_millis(500));
        assert_eq!(
            refused,
            Err(Limited {
                limit: 20,
                reset_secs: 1
            })
        );
        assert_eq!(
            limiter.arrive("other", t0 + Duration::from_millis(500)),
            Ok(())
        );
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
