//! Every documented Feishu code reaches the caller as its own variant, retried only
//! when retrying can help.

mod common;

use std::time::Duration;

use common::{client, client_config, last_days, sim_config, start};
use feishu::{BlockAccessQuery, FeishuClient, FeishuError, NO_CODE};
use feishu_sim::{Faults, ForcedAnswer, SimHandle};

fn query() -> BlockAccessQuery {
    let (from, to) = last_days(7);
    BlockAccessQuery::new(from, to).expect("valid query")
}

/// Forces `answer` on every search and returns what one page request gives, with the
/// number of search and token requests the simulator saw for it.
async fn forced(sim: &SimHandle, client: &FeishuClient, answer: ForcedAnswer) -> (FeishuError, u64, u64) {
    sim.set_faults(Faults { forced: Some(answer), ..Faults::default() });
    sim.reset_stats();
    let error = client.search_page(&query(), None).await.expect_err("forced error");
    let stats = sim.stats();
    sim.set_faults(Faults::default());
    (error, stats.search_requests, stats.token_requests)
}

#[tokio::test]
async fn final_codes_map_to_their_variant_without_retry() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    client.tenant_token().await.expect("token");
    type Check = fn(&FeishuError) -> bool;
    let cases: Vec<(ForcedAnswer, Check)> = vec![
        (ForcedAnswer::new(1629001, 400, "invalid  time format"), |e| matches!(e, FeishuError::InvalidTimeFormat { .. })),
        (ForcedAnswer::new(1629002, 400, "from_date can't be greater than to_date"), |e| {
            matches!(e, FeishuError::FromAfterTo { .. })
        }),
        (ForcedAnswer::new(1629005, 400, "invalid page_token"), |e| matches!(e, FeishuError::InvalidPageToken { .. })),
        (ForcedAnswer::new(1629006, 400, "invalid page_size"), |e| matches!(e, FeishuError::InvalidPageSize { .. })),
        (ForcedAnswer::ip_not_allowed(), |e| {
            matches!(e, FeishuError::IpNotAllowed { .. }) && e.to_string().contains("allow-list")
        }),
        (ForcedAnswer::quota_exhausted(), |e| {
            matches!(e, FeishuError::QuotaExhausted { .. }) && e.to_string().contains("next month")
        }),
        (ForcedAnswer::new(99991661, 400, "Missing access token"), |e| matches!(e, FeishuError::MissingToken { .. })),
        (ForcedAnswer::new(99991668, 401, "user token invalid"), |e| {
            matches!(e, FeishuError::UserTokenInvalid { code: 99991668, .. })
        }),
        (ForcedAnswer::new(99991677, 401, "user token expired"), |e| {
            matches!(e, FeishuError::UserTokenInvalid { code: 99991677, .. }) && e.to_string().contains("Log in")
        }),
        (ForcedAnswer::missing_scope("cli_demo_app"), |e| {
            matches!(e, FeishuError::MissingScope { scope, .. } if scope == "workplace:workplace_using_data:read")
                && e.to_string().contains("publish a new app version")
        }),
        (
            ForcedAnswer::new(99991672, 403, "Access denied"),
            |e| matches!(e, FeishuError::MissingScope { scope, .. } if scope == feishu::BLOCK_ACCESS_SCOPE),
        ),
        (ForcedAnswer::app_unavailable(), |e| matches!(e, FeishuError::AppUnavailable { .. })),
        (ForcedAnswer::new(99991679, 403, "user not authorised"), |e| matches!(e, FeishuError::UserNotAuthorised { .. })),
        (
            ForcedAnswer::new(1234567, 400, "something new"),
            |e| matches!(e, FeishuError::Upstream { code: 1234567, msg } if msg == "something new"),
        ),
        // Decided on the code, whatever the status.
        (ForcedAnswer::new(1629001, 200, "invalid  time format"), |e| matches!(e, FeishuError::InvalidTimeFormat { .. })),
    ];
    for (answer, check) in cases {
        let code = answer.code;
        let (error, searches, tokens) = forced(&sim, &client, answer).await;
        assert!(check(&error), "{code}: unexpected {error:?}");
        assert_eq!(error.code(), Some(code));
        assert!(!error.is_retryable(), "{code}");
        assert_eq!((searches, tokens), (1, 0), "{code}: no retry, no new token");
    }
    assert_eq!(client.metrics().retries, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_rejected_tenant_token_is_replaced_and_the_call_retried_once() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    for code in [99991663, 99991664, 99991665, 99991671] {
        client.tenant_token().await.expect("token");
        let (error, searches, tokens) = forced(&sim, &client, ForcedAnswer::new(code, 401, "token invalid")).await;
        assert!(matches!(error, FeishuError::TenantTokenRejected { code: c, .. } if c == code), "{error:?}");
        assert_eq!((searches, tokens), (2, 1), "{code}: one new token, one retry");
        // The rejected token was dropped; the replacement is cached.
        client.tenant_token().await.expect("token");
        assert_eq!(sim.stats().token_requests, 1);
    }
    // Once the simulator accepts tokens again, the cached one works.
    client.search_page(&query(), None).await.expect("page");
    sim.shutdown().await;
}

#[tokio::test]
async fn internal_errors_are_retried_then_surfaced() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (error, searches, _) = forced(&sim, &client, ForcedAnswer::new(1629004, 400, "internal service error")).await;
    assert!(matches!(error, FeishuError::InternalError { .. }), "{error:?}");
    assert_eq!(searches, 4, "the first attempt and 3 retries");
    assert_eq!(client.metrics().retries, 3);
    assert_eq!(client.metrics().requests_by_code.get(&feishu::BLOCK_ACCESS_CODES.internal_error), Some(&4));
    sim.shutdown().await;
}

#[tokio::test]
async fn gateway_errors_are_retried_then_surfaced() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    sim.set_faults(Faults { http_5xx_ratio: 1.0, ..Faults::default() });
    let error = client.search_page(&query(), None).await.expect_err("5xx");
    assert!(matches!(error, FeishuError::UpstreamUnavailable { status: 502 | 503, .. }), "{error:?}");
    assert_eq!(sim.stats().gateway_errors, 4);
    assert_eq!(client.metrics().requests_by_code.get(&NO_CODE), Some(&4));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_persistent_rate_limit_is_waited_out_then_surfaced() {
    let sim = start(sim_config()).await;
    let mut config = client_config(&sim);
    config.retry.max_retries = 1;
    let client = FeishuClient::new(config).expect("client");
    let started = tokio::time::Instant::now();
    let (error, searches, _) = forced(&sim, &client, ForcedAnswer::new(99991400, 429, "frequency limit")).await;
    assert!(matches!(error, FeishuError::RateLimited { retry_after, .. } if retry_after == Duration::from_secs(1)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(searches, 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited x-ogw-ratelimit-reset");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_bogus_page_token_is_refused_without_retry() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let error = client.search_page(&query(), Some("not-a-token")).await.expect_err("bogus token");
    assert!(matches!(error, FeishuError::InvalidPageToken { .. }), "{error:?}");
    assert_eq!(sim.stats().search_requests, 1);
    assert_eq!(sim.requests()[0].params.page_token.as_deref(), Some("not-a-token"));
    assert_eq!(client.metrics().retries, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_a_clear_error() {
    let sim = start(sim_config()).await;
    let mut config = client_config(&sim);
    config.app_secret = "not-the-secret".to_owned().into();
    let client = FeishuClient::new(config).expect("client");
    let error = client.search(&query()).await.expect_err("bad secret");
    assert!(matches!(error, FeishuError::Credentials { code: 10014, .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("Feishu rejected the app credentials"), "{message}");
    assert!(message.contains("FEISHU_APP_ID") && message.contains("FEISHU_APP_SECRET"), "{message}");
    assert!(!message.contains("not-the-secret"));
    assert_eq!(sim.stats().token_requests, 1, "not retried");
    assert_eq!(sim.stats().search_requests, 0);

    let mut config = client_config(&sim);
    config.app_id = "cli_someone_else".to_owned();
    let client = FeishuClient::new(config).expect("client");
    let error = client.search(&query()).await.expect_err("unknown app");
    assert!(matches!(error, FeishuError::Credentials { code: 10003, .. }), "{error:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_host_is_a_transport_error_after_retries() {
    // Bind a port, then free it, so that nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let sim = start(sim_config()).await;
    let mut config = client_config(&sim);
    config.base_url = format!("http://{addr}");
    let client = FeishuClient::new(config).expect("client");
    let error = client.search_page(&query(), None).await.expect_err("nobody listens");
    assert!(matches!(error, FeishuError::Transport { kind: "connection failed", .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(std::error::Error::source(&error).is_some(), "the reqwest error is kept as the source");
    assert_eq!(client.metrics().retries, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_base_url_that_is_not_feishu_is_a_decode_error() {
    let sim = start(sim_config()).await;
    let mut config = client_config(&sim);
    config.base_url = format!("{}/somewhere/else", sim.base_url());
    let client = FeishuClient::new(config).expect("client");
    let error = client.tenant_token().await.expect_err("404");
    assert!(matches!(error, FeishuError::Decode { status: 404, .. }), "{error:?}");
    assert!(!error.is_retryable());

    let mut config = client_config(&sim);
    config.base_url = "open.feishu.cn".to_owned();
    assert!(matches!(FeishuClient::new(config), Err(FeishuError::InvalidConfig { .. })));
    sim.shutdown().await;
}
