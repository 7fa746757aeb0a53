//! Rolling the dice for one search request against the fault knobs, and the token
//! that lets a request drop its connection without an answer.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio_util::sync::CancellationToken;

use crate::config::{Faults, ForcedAnswer};

/// Cancelling it makes the connection that carried the request close at once. The
/// server's accept loop puts one in every request's extensions.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionKill(pub CancellationToken);

/// What goes wrong with one request, decided when it arrives.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FaultPlan {
    /// Wait this long before answering (or dropping).
    pub delay: Duration,
    /// Answer this instead of the real answer.
    pub action: Option<FaultAction>,
}

/// A way of not answering normally.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FaultAction {
    /// Close the connection without a response.
    Drop,
    /// A gateway error with this 5xx status and an HTML body.
    Gateway(u16),
    /// The configured forced answer.
    Forced(ForcedAnswer),
    /// HTTP 400, code 1629004.
    InternalError,
}

impl FaultPlan {
    /// Draws the delay and the action for the request that arrived `seq`-th, in
    /// the order documented on [`Faults`]: from [`Faults::dice_seed`] and `seq`
    /// when the knobs carry a seed, else from the thread's generator.
    pub fn roll(faults: &Faults, seq: u64) -> Self {
        match faults.dice_seed {
            Some(seed) => Self::roll_with(faults, &mut StdRng::seed_from_u64(seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15))),
            None => Self::roll_with(faults, &mut rand::rng()),
        }
    }

    fn roll_with(faults: &Faults, rng: &mut impl Rng) -> Self {
        let mut delay = faults.latency;
        if !faults.latency_jitter.is_zero() {
            delay += faults.latency_jitter.mul_f64(rng.random::<f64>());
        }
        if chance(rng, faults.spike_ratio) {
            delay += faults.spike;
        }
        let action = if chance(rng, faults.drop_ratio) {
            Some(FaultAction::Drop)
        } else if chance(rng, faults.http_5xx_ratio) {
            Some(FaultAction::Gateway(if rng.random::<bool>() { 502 } else { 503 }))
        } else if let Some(forced) = &faults.forced {
            Some(FaultAction::Forced(forced.clone()))
        } else if chance(rng, faults.internal_error_ratio) {
            Some(FaultAction::InternalError)
        } else {
            None
        };
        Self { delay, action }
    }
}

/// True with probability `ratio` (0 never, 1 always, NaN never).
fn chance(rng: &mut impl Rng, ratio: f64) -> bool {
    ratio > 0.0 && rng.random::<f64>() < ratio
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_means_no_delay_and_no_action() {
        assert_eq!(FaultPlan::roll(&Faults::default(), 0), FaultPlan { delay: Duration::ZERO, action: None });
    }

    #[test]
    fn a_seed_gives_each_arrival_the_same_dice_in_every_run() {
        let faults =
            Faults { drop_ratio: 0.3, latency_jitter: Duration::from_millis(50), dice_seed: Some(7), ..Faults::default() };
        let run = || (0..200).map(|seq| FaultPlan::roll(&faults, seq)).collect::<Vec<_>>();
        let first = run();
        assert_eq!(first, run());
        let drops = first.iter().filter(|plan| plan.action == Some(FaultAction::Drop)).count();
        assert!((30..=90).contains(&drops), "{drops} of 200 dropped at 30%");
        let other = Faults { dice_seed: Some(8), ..faults.clone() };
        assert_ne!(first, (0..200).map(|seq| FaultPlan::roll(&other, seq)).collect::<Vec<_>>());
    }

    #[test]
    fn certain_faults_always_happen_in_order() {
        let faults = Faults { drop_ratio: 1.0, http_5xx_ratio: 1.0, ..Faults::default() };
        assert_eq!(FaultPlan::roll(&faults, 0).action, Some(FaultAction::Drop));
        let faults = Faults { http_5xx_ratio: 1.0, internal_error_ratio: 1.0, ..Faults::default() };
        assert!(matches!(FaultPlan::roll(&faults, 0).action, Some(FaultAction::Gateway(502 | 503))));
        let faults = Faults { internal_error_ratio: 1.0, forced: Some(ForcedAnswer::quota_exhausted()), ..Faults::default() };
        assert_eq!(FaultPlan::roll(&faults, 0).action, Some(FaultAction::Forced(ForcedAnswer::quota_exhausted())));
    }

    #[test]
    fn delay_is_latency_plus_jitter_plus_spike() {
        let faults = Faults {
            latency: Duration::from_millis(100),
            latency_jitter: Duration::from_millis(50),
            spike_ratio: 1.0,
            spike: Duration::from_secs(5),
            ..Faults::default()
        };
        let delay = FaultPlan::roll(&faults, 0).delay;
        assert!(delay >= Duration::from_millis(5100) && delay <= Duration::from_millis(5150), "{delay:?}");
    }
}
