//! The monthly call quota, against the simulator over HTTP with a real SQLite store:
//! below the limit the service fetches and counts every page; at the limit it answers
//! the days it holds without a single call and fails with `QuotaReached` for anything
//! else (never a partial answer); the count survives a restart and belongs to the
//! current month; Feishu's own 99991403 ends the month's calls too.

mod common;

use std::time::Duration;

use access_data::{ServiceConfig, ServiceError, Store, first_of_next_month, month_key};
use chrono::Datelike;
use common::{block_ids, days_ago, default_sim, query, query_exact, service_in};
use feishu_sim::{Faults, ForcedAnswer};

fn limited(limit: u64) -> ServiceConfig {
    ServiceConfig { monthly_quota: Some(limit), ..ServiceConfig::default() }
}

fn assert_quota_reached(result: Result<access_data::QueryAnswer, ServiceError>) -> ServiceError {
    match result {
        Err(error @ ServiceError::QuotaReached { .. }) => error,
        Err(other) => panic!("expected QuotaReached, got {other:?}"),
        Ok(answer) => panic!("expected QuotaReached, got {} rows", answer.rows.len()),
    }
}

#[tokio::test]
async fn below_the_limit_fetches_and_at_the_limit_only_held_days_answer() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let month = month_key(sim.dataset().today());
    let older = query(days_ago(&sim, 40), days_ago(&sim, 21), &[]);
    let recent = query(days_ago(&sim, 20), days_ago(&sim, 5), &[]);

    // Below the limit: fetched, exact, every page counted in memory and in the store.
    let service = service_in(&sim, dir.path(), limited(1_000)).await;
    query_exact(&service, &sim, &older).await;
    let spent = sim.stats().search_requests;
    assert!(spent > 1, "a 20-day all-block search takes several pages: {spent}");
    let quota = service.quota().await;
    assert_eq!((quota.used, quota.limit, quota.warn_at), (spent, Some(1_000), Some(800)));
    assert_eq!(quota.month, month);
    assert_eq!(quota.resets_on, first_of_next_month(sim.dataset().today()));
    assert!(!quota.warning() && !quota.reached());
    assert_eq!(service.store().upstream_calls(&month).await.expect("count"), spent);
    service.store().close().await;
    drop(service);

    // A restart with the limit set to exactly what was spent: the count came back from
    // the store, so the quota is reached before any call.
    sim.reset_stats();
    let service = service_in(&sim, dir.path(), limited(spent)).await;
    let quota = service.quota().await;
    assert_eq!(quota.used, spent, "the count persists across a restart");
    assert!(quota.reached() && quota.warning());

    // Held days answer: first from the store, then from memory, with no call at all.
    let answer = query_exact(&service, &sim, &older).await;
    assert_eq!(answer.sources.store, 20);
    let answer = query_exact(&service, &sim, &older).await;
    assert_eq!(answer.sources.memory, 20);
    let block = block_ids(&sim)[3].clone();
    let one_block = query(days_ago(&sim, 30), days_ago(&sim, 25), &[&block]);
    query_exact(&service, &sim, &one_block).await;

    // Missing days, even one beside held ones, fail whole with QuotaReached.
    let error = assert_quota_reached(service.query(&recent, Default::default()).await);
    let ServiceError::QuotaReached { used, limit, refused_by_feishu, resets_on } = error.clone() else { unreachable!() };
    assert_eq!((used, limit, refused_by_feishu), (spent, Some(spent), false));
    assert_eq!(resets_on, first_of_next_month(sim.dataset().today()));
    let message = error.to_string();
    for part in ["quota is used up", "already fetched", &resets_on.to_string(), "FEISHU_MONTHLY_QUOTA"] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    let straddling = query(days_ago(&sim, 41), days_ago(&sim, 21), &[]);
    assert_quota_reached(service.query(&straddling, Default::default()).await);
    let refresh = access_data::QueryOptions { refresh: true, ..Default::default() };
    assert_quota_reached(service.query(&query(days_ago(&sim, 1), days_ago(&sim, 0), &[]), refresh).await);

    assert_eq!(sim.stats().search_requests, 0, "not a single call past the limit");
    assert_eq!(service.quota().await.used, spent);
    sim.shutdown().await;
}

#[tokio::test]
async fn concurrent_queries_never_spend_past_the_limit() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    const LIMIT: u64 = 12;
    let service = service_in(&sim, dir.path(), limited(LIMIT)).await;
    // Four cold ranges of 60 days each need far more than 12 pages together.
    let queries: Vec<_> = (0..4u64).map(|i| query(days_ago(&sim, 60 * i + 300), days_ago(&sim, 60 * i + 241), &[])).collect();
    let results = futures::future::join_all(queries.iter().map(|q| service.query(q, Default::default()))).await;
    assert!(results.iter().any(Result::is_err), "the limit must have stopped some query");
    for (q, result) in queries.iter().zip(results) {
        match result {
            Ok(answer) => common::assert_exact(&sim, q, &answer),
            Err(error) => {
                assert_quota_reached(Err(error));
            }
        }
    }
    let sent = sim.stats().search_requests;
    let quota = service.quota().await;
    // A part cut short when a sibling part failed may have reserved a call it never
    // sent: counted all the same (the safe side), so `used` may exceed `sent`.
    assert!(sent <= quota.used && quota.used <= LIMIT, "{sent} calls sent, {} counted, limit {LIMIT}", quota.used);
    assert!(quota.reached(), "{quota:?}");
    // The store's count catches up with the book (parts cut short save it from a task).
    let mut stored = 0;
    for _ in 0..50 {
        stored = service.store().upstream_calls(&quota.month).await.expect("count");
        if stored == quota.used {
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(stored, quota.used, "every reserved call reaches the store (sent {sent})");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_count_is_kept_per_calendar_month() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let today = sim.dataset().today();
    let this_month = month_key(today);
    let last_month = month_key(today.with_day0(0).expect("first of month").pred_opt().expect("a day before"));
    assert_ne!(this_month, last_month);
    // Last month spent far more than the limit: that is over; this month starts at 0.
    let store = Store::open(dir.path()).await.expect("store opens");
    store.add_upstream_calls(&last_month, 50_000).await.expect("count");
    store.close().await;

    let service = service_in(&sim, dir.path(), limited(10_000)).await;
    let quota = service.quota().await;
    assert_eq!((quota.month.as_str(), quota.used), (this_month.as_str(), 0));
    assert!(!quota.warning());
    query_exact(&service, &sim, &query(days_ago(&sim, 9), days_ago(&sim, 0), &[])).await;
    let spent = sim.stats().search_requests;
    assert!(spent > 0);
    assert_eq!(service.store().upstream_calls(&this_month).await.expect("count"), spent, "counted under this month");
    assert_eq!(service.store().upstream_calls(&last_month).await.expect("count"), 50_000, "last month untouched");
    assert_eq!(service.quota().await.used, spent);
    sim.shutdown().await;
}

#[tokio::test]
async fn feishu_quota_answer_stops_calls_for_the_rest_of_the_month() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    // No limit configured: Feishu's word alone stops the calls.
    let service = service_in(&sim, dir.path(), ServiceConfig::default()).await;
    let held = query(days_ago(&sim, 30), days_ago(&sim, 20), &[]);
    query_exact(&service, &sim, &held).await;

    sim.set_faults(Faults { forced: Some(ForcedAnswer::quota_exhausted()), ..Faults::default() });
    let cold = query(days_ago(&sim, 90), days_ago(&sim, 80), &[]);
    let error = assert_quota_reached(service.query(&cold, Default::default()).await);
    assert!(matches!(error, ServiceError::QuotaReached { refused_by_feishu: true, limit: None, .. }), "{error:?}");
    assert!(error.to_string().contains("99991403"), "{error}");
    assert!(service.quota().await.reached());

    // Even once Feishu would answer again, this month makes no further call...
    sim.set_faults(Faults::default());
    sim.reset_stats();
    assert_quota_reached(service.query(&cold, Default::default()).await);
    assert_eq!(sim.stats().search_requests, 0);
    // ...while the days already held still answer.
    query_exact(&service, &sim, &held).await;
    assert_eq!(sim.stats().search_requests, 0);
    sim.shutdown().await;
}
