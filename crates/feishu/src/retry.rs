//! Retrying transient failures: exponential backoff with jitter, bounded in count and time.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use tokio::time::Instant;

use crate::config::RetryPolicy;
use crate::error::FeishuError;
use crate::metrics::Metrics;

/// Runs `attempt` until it succeeds, fails with an error that is not
/// [retryable](FeishuError::is_retryable), or the policy's count or time runs out.
///
/// A rate-limit answer waits the time Feishu asked for instead of the backoff delay.
pub(crate) async fn with_retries<T, F, Fut>(policy: &RetryPolicy, metrics: &Metrics, attempt: F) -> Result<T, FeishuError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, FeishuError>>,
{
    let started = Instant::now();
    let backoff = ExponentialBuilder::new()
        .with_min_delay(policy.initial_backoff)
        .with_max_delay(policy.max_backoff)
        .with_max_times(usize::try_from(policy.max_retries).unwrap_or(usize::MAX))
        .with_jitter()
        // backon without its `std` feature seeds every jitter generator alike; a random
        // seed keeps many callers from retrying in lockstep.
        .with_jitter_seed(rand::random());
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(FeishuError::is_retryable)
        .adjust(|error, backoff_delay| {
            let delay = match error {
                FeishuError::RateLimited { retry_after, .. } => backoff_delay.map(|_| *retry_after),
                _ => backoff_delay,
            }?;
            within_budget(started, delay, policy.max_total_time)
        })
        .notify(|error, delay| {
            metrics.record_retry();
            tracing::warn!(
                code = error.code(),
                error = ?error,
                delay_ms = delay.as_millis(),
                "Feishu call failed; retrying"
            );
        })
        .await
}

/// `delay` if waiting it still leaves the retry inside `max_total_time`.
fn within_budget(started: Instant, delay: Duration, max_total_time: Duration) -> Option<Duration> {
    (started.elapsed() + delay <= max_total_time).then_some(delay)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn policy(max_retries: u32, max_total_time_ms: u64) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            max_total_time: Duration::from_millis(max_total_time_ms),
        }
    }

    async fn count_attempts(policy: RetryPolicy, error: FeishuError) -> (u32, Result<(), FeishuError>) {
        let attempts = AtomicU32::new(0);
        let metrics = Metrics::default();
        let result = with_retries(&policy, &metrics, || async {
            attempts.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(error.clone())
        })
        .await;
        assert_eq!(u64::from(attempts.load(Ordering::SeqCst) - 1), metrics.snapshot().retries);
        (attempts.load(Ordering::SeqCst), result)
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_errors_up_to_the_count() {
        let internal = FeishuError::InternalError { code: 1_629_004, msg: "boom".into() };
        let (attempts, result) = count_attempts(policy(5, 60_000), internal).await;
        assert_eq!(attempts, 6);
        assert!(matches!(result, Err(FeishuError::InternalError { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_the_time_is_used_up() {
        let started = Instant::now();
        let internal = FeishuError::InternalError { code: 1_629_004, msg: "boom".into() };
        let (attempts, _) = count_attempts(policy(100, 1_000), internal).await;
        assert!(attempts > 1 && attempts < 100, "{attempts}");
        assert!(started.elapsed() <= Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_waits_the_time_feishu_asked_for() {
        let started = Instant::now();
        let limited = FeishuError::RateLimited { retry_after: Duration::from_secs(2), msg: "slow".into() };
        let (attempts, _) = count_attempts(policy(2, 60_000), limited).await;
        assert_eq!(attempts, 3);
        assert_eq!(started.elapsed(), Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn final_errors_are_not_retried() {
        for error in [
            FeishuError::InvalidPageToken { code: 1_629_005, msg: String::new() },
            FeishuError::FromAfterTo { code: 1_629_002, msg: String::new() },
            FeishuError::QuotaExhausted { msg: String::new() },
            FeishuError::IpNotAllowed { msg: String::new() },
            FeishuError::Credentials { code: 10014, msg: String::new() },
        ] {
            let (attempts, _) = count_attempts(policy(5, 60_000), error).await;
            assert_eq!(attempts, 1);
        }
    }
}
