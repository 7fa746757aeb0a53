//! Rolling the dice for one search request against the fault knobs, and the token
//! that lets a request drop its connection without an answer.

use std::time::Duration;

use rand::Rng;
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
    /// Draws the delay and the action for one request, in the order
    /// documented on [`Faults`].
    pub fn roll(faults: &Faults) -> Self {
        let mut rng = rand::rng();
        let mut delay = faults.latency;
        if !faults.latency_jitter.is_zero() {
            delay += faults.latency_jitter.mul_f64(rng.random::<f64>());
        }
        if chance(&mut rng, faults.spike_ratio) {
            delay += faults.spike;
        }
        let action = if chance(&mut rng, faults.drop_ratio) {
            Some(FaultAction::Drop)
        } else if chance(&mut rng, faults.http_5xx_ratio) {
            Some(FaultAction::Gateway(if rng.random::<bool>() {
                502
            } else {
                503
            }))
        } else if let Some(forced) = &faults.forced {
            Some(FaultAction::Forced(forced.clone()))
        } else if chance(&mut rng, faults.internal_error_ratio) {
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
        assert_eq!(
            FaultPlan::roll(&Faults::default()),
            FaultPlan {
                delay: Duration::ZERO,
                action: None
            }
        );
    }

    #[test]
    fn certain_faults_always_happen_in_order() {
        let faults = Faults {
            drop_ratio: 1.0,
            http_5xx_ratio: 1.0,
            ..Faults::default()
        };
        assert_eq!(FaultPlan::roll(&faults).action, Some(FaultAction::Drop));
        let faults = Faults {
            http_5xx_ratio: 1.0,
            internal_error_ratio: 1.0,
            ..Faults::default()
        };
        assert!(matches!(
            FaultPlan::roll(&faults).action,
            Some(FaultAction::Gateway(502 | 503))
        ));
        let faults = Faults {
            internal_error_ratio: 1.0,
            forced: Some(ForcedAnswer::quota_exhausted()),
            ..Faults::default()
        };
        assert_eq!(
            FaultPlan::roll(&faults).action,
            Some(FaultAction::Forced(ForcedAnswer::quota_exhausted()))
        );
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
        let delay = FaultPlan::roll(&faults).delay;
        assert!(
            delay >= Duration::from_millis(5100) && delay <= Duration::from_millis(5150),
            "{delay:?}"
        );
    }
}
