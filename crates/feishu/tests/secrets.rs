//! Neither the app secret nor a tenant token is ever printed: not in Debug or Display
//! of config, client, token or errors, and not in the logs.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use common::{client, client_config, last_days, sim_config, start};
use feishu::{BlockAccessQuery, ExposeSecret, FeishuClient, FeishuConfig};
use feishu_sim::{Faults, ForcedAnswer};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

// Single-threaded runtime: the thread-local subscriber sees the client and the simulator.
#[tokio::test]
async fn secrets_and_tokens_never_reach_debug_output_or_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let sim = start(sim_config()).await;
    let secret = sim.config().app_secret.clone();
    let config = client_config(&sim);
    let client = client(&sim);
    let query = BlockAccessQuery::new(last_days(3).0, last_days(3).1).expect("valid query");
    client.search(&query).await.expect("search");
    let token = client.tenant_token().await.expect("token");
    let token_text = token.expose_secret().to_owned();
    assert!(token_text.starts_with("t-") && token_text.len() > 8);

    // Errors that involve the token or the secret.
    sim.set_faults(Faults { forced: Some(ForcedAnswer::token_invalid()), ..Faults::default() });
    let rejected = client.search_page(&query, None).await.expect_err("rejected token");
    sim.set_faults(Faults::default());
    let mut wrong = client_config(&sim);
    let wrong_secret = "wrong-secret-value";
    wrong.app_secret = wrong_secret.to_owned().into();
    let refused = FeishuClient::new(wrong.clone()).expect("client").tenant_token().await.expect_err("refused");

    let printed = [
        format!("{config:?}"),
        format!("{wrong:?}"),
        format!("{client:?}"),
        format!("{token:?} {token}"),
        format!("{rejected:?} {rejected}"),
        format!("{refused:?} {refused}"),
        format!("{:?}", client.metrics()),
        logs.text(),
    ];
    assert!(logs.text().contains("search"), "the logs were captured");
    for text in printed {
        assert!(!text.contains(&secret), "app secret printed: {text}");
        assert!(!text.contains(wrong_secret), "app secret printed: {text}");
        assert!(!text.contains(&token_text), "tenant token printed: {text}");
    }
    assert!(format!("{config:?}").contains("[REDACTED]"));
    assert_eq!(token.to_string(), "t-****");
    let _: &FeishuConfig = &config;
    sim.shutdown().await;
}
