//! Sending at the rate Feishu accepts: when Feishu refuses requests with 99991400
//! although the client keeps to its configured limit (the app's real limit is lower,
//! or other clients of the same app use part of it), the client lowers its own rate,
//! and climbs back once the refusals stop.
//!
//! The rule, per endpoint:
//! - A refusal that names the limit (`x-ogw-ratelimit-limit`) below the current rate
//!   sets the rate to it at once, and that figure stays the ceiling for
//!   [`CEILING_HOLD`]: Feishu said what it allows, probing above it only costs refusals.
//! - A refusal without the header, or while already at or below the named limit, cuts
//!   the rate by [`DECREASE`] — once per window at most, because the requests of one
//!   burst are all refused together and one cut is the answer to all of them.
//! - After [`QUIET`] without refusals, each further window of accepted answers raises
//!   the rate by one request, up to the ceiling (while it holds) or the configured limit.
//!
//! Multiplicative decrease, additive increase (AIMD), as TCP's congestion control: it
//! settles just under the limit, with a refusal now and then where the limit is not
//! named. Written by hand because it is a few lines over a rate budget the client
//! already has; rate-limiting crates (governor and the like) enforce a fixed quota and
//! do not learn one from a server's answers.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How much of its rate a client keeps after a refusal that does not name the limit.
pub const DECREASE: f64 = 0.7;
/// How long without a refusal before the rate climbs again.
pub const QUIET: Duration = Duration::from_secs(2);
/// How long a limit Feishu named stays the ceiling before the client probes above it.
pub const CEILING_HOLD: Duration = Duration::from_secs(60);

/// The learned rate of one endpoint. Cheap to call on every answer.
#[derive(Debug)]
pub struct AdaptiveRate {
    configured: u32,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Requests per window, as a real number so that cuts compound.
    rate: f64,
    /// The limit Feishu last named, and when.
    ceiling: Option<(u32, Instant)>,
    last_refusal: Option<Instant>,
    last_cut: Option<Instant>,
    last_raise: Option<Instant>,
}

impl AdaptiveRate {
    /// Starts at `configured` requests per `window`.
    pub fn new(configured: u32, window: Duration) -> Self {
        let configured = configured.max(1);
        Self {
            configured,
            window,
            state: Mutex::new(State {
                rate: f64::from(configured),
                ceiling: None,
                last_refusal: None,
                last_cut: None,
                last_raise: None,
            }),
        }
    }

    /// The whole requests per window to grant now.
    pub fn current(&self) -> u32 {
        whole(self.lock().rate)
    }

    /// Feishu refused a request for the rate; `named_limit` is its
    /// `x-ogw-ratelimit-limit` header when present. Answers the new rate when it changed.
    pub fn refused(&self, named_limit: Option<u32>) -> Option<u32> {
        let now = Instant::now();
        let mut state = self.lock();
        let before = whole(state.rate);
        state.last_refusal = Some(now);
        match named_limit.filter(|limit| *limit >= 1 && f64::from(*limit) < state.rate) {
            Some(limit) => {
                state.ceiling = Some((limit, now));
                state.rate = f64::from(limit);
                state.last_cut = Some(now);
            }
            None => {
                if let Some(limit) = named_limit.filter(|limit| *limit >= 1) {
                    // Refused although within what Feishu names: others use part of it.
                    state.ceiling = Some((limit, now));
                }
                let cut_recently = state.last_cut.is_some_and(|at| now.duration_since(at) < self.window);
                if !cut_recently {
                    state.rate = (state.rate * DECREASE).max(1.0);
                    state.last_cut = Some(now);
                }
            }
        }
        let after = whole(state.rate);
        (after != before).then_some(after)
    }

    /// Feishu answered a request without refusing it for the rate. Answers the new rate
    /// when it changed.
    pub fn accepted(&self) -> Option<u32> {
        let now = Instant::now();
        let mut state = self.lock();
        if state.rate >= f64::from(self.configured) {
            return None;
        }
        let quiet = state.last_refusal.is_none_or(|at| now.duration_since(at) >= QUIET);
        let raised_recently = state.last_raise.is_some_and(|at| now.duration_since(at) < self.window);
        if !quiet || raised_recently {
            return None;
        }
        let ceiling = match state.ceiling {
            Some((limit, at)) if now.duration_since(at) < CEILING_HOLD => limit.min(self.configured),
            _ => self.configured,
        };
        let before = whole(state.rate);
        state.rate = (state.rate + 1.0).min(f64::from(ceiling)).max(state.rate);
        state.last_raise = Some(now);
        let after = whole(state.rate);
        (after != before).then_some(after)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn whole(rate: f64) -> u32 {
    // At least 1 and finite by construction; the cast saturates anyway.
    rate.floor().max(1.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(1);

    #[tokio::test(start_paused = true)]
    async fn a_named_limit_is_taken_at_once_and_held() {
        let rate = AdaptiveRate::new(20, WINDOW);
        assert_eq!(rate.refused(Some(12)), Some(12));
        // More refusals of the same burst, naming the same limit: no further cut.
        assert_eq!(rate.refused(Some(12)), None);
        assert_eq!(rate.current(), 12);
        // Quiet for a long while: the ceiling holds, nothing climbs above 12.
        for _ in 0..50 {
            tokio::time::advance(WINDOW).await;
            assert_eq!(rate.accepted(), None);
        }
        assert_eq!(rate.current(), 12);
        // Once the ceiling is older than CEILING_HOLD, the rate probes upwards again.
        tokio::time::advance(CEILING_HOLD).await;
        assert_eq!(rate.accepted(), Some(13));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_named_limit_it_cuts_once_per_window_and_climbs_by_one() {
        let rate = AdaptiveRate::new(20, WINDOW);
        assert_eq!(rate.refused(None), Some(14));
        // The rest of the burst: one cut answers them all.
        assert_eq!(rate.refused(None), None);
        tokio::time::advance(WINDOW).await;
        assert_eq!(rate.refused(None), Some(9));
        // Not quiet yet: no raise.
        tokio::time::advance(Duration::from_millis(1500)).await;
        assert_eq!(rate.accepted(), None);
        tokio::time::advance(Duration::from_millis(500)).await;
        assert_eq!(rate.accepted(), Some(10));
        // One raise per window, however many answers arrive.
        assert_eq!(rate.accepted(), None);
        tokio::time::advance(WINDOW).await;
        assert_eq!(rate.accepted(), Some(11));
        // Back to the configured rate, and never above it.
        for _ in 0..20 {
            tokio::time::advance(WINDOW).await;
            rate.accepted();
        }
        assert_eq!(rate.current(), 20);
        assert_eq!(rate.accepted(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn refused_within_the_named_limit_it_cuts_below_it() {
        let rate = AdaptiveRate::new(20, WINDOW);
        rate.refused(Some(12));
        tokio::time::advance(WINDOW).await;
        // Refused again at 12 although Feishu names 12: someone else uses part of it.
        assert_eq!(rate.refused(Some(12)), Some(8));
    }

    #[tokio::test(start_paused = true)]
    async fn it_never_goes_below_one() {
        let rate = AdaptiveRate::new(3, WINDOW);
        for _ in 0..10 {
            rate.refused(None);
            tokio::time::advance(WINDOW).await;
        }
        assert_eq!(rate.current(), 1);
        assert_eq!(rate.refused(Some(0)), None);
        assert_eq!(rate.current(), 1);
    }
}
