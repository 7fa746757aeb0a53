//! `feishu-sim`: runs the Feishu simulator until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use feishu_sim::{Faults, SimConfig, Simulator, demo_tenant_key, demo_users, shanghai_today};
use tracing_subscriber::EnvFilter;

/// A Feishu open platform simulator: tenant tokens, workplace block access data,
/// Login with Feishu (OAuth 2 with PKCE) for a small directory of people, and
/// bot messages to a few chats (shown at /_sim/chats.html).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "FEISHU_SIM_ADDR", default_value = "127.0.0.1:3900")]
    addr: SocketAddr,
    /// The custom app's id.
    #[arg(long, env = "FEISHU_SIM_APP_ID", default_value = "cli_demo_app")]
    app_id: String,
    /// The custom app's secret.
    #[arg(long, env = "FEISHU_SIM_APP_SECRET", default_value = "demo-secret", hide_env_values = true)]
    app_secret: String,
    /// Seed of the synthetic tenant.
    #[arg(long, env = "FEISHU_SIM_SEED", default_value_t = 42)]
    seed: u64,
    /// Number of blocks (widgets). Past 60 (the six headquarters workplaces' blocks),
    /// the tenant grows a regional or departmental workplace per 25 more.
    #[arg(long, env = "FEISHU_SIM_BLOCKS", default_value_t = 60)]
    blocks: usize,
    /// Days of history before today.
    #[arg(long, env = "FEISHU_SIM_HISTORY_DAYS", default_value_t = 800)]
    history_days: u32,
    /// Last day with data (yyyy-MM-dd); defaults to today in Asia/Shanghai.
    #[arg(long, env = "FEISHU_SIM_TODAY")]
    today: Option<NaiveDate>,
    /// Tenant token lifetime in seconds.
    #[arg(long, env = "FEISHU_SIM_TOKEN_TTL_SECS", default_value_t = 7200)]
    token_ttl_secs: u64,
    /// Search requests per app per second (0: unlimited).
    #[arg(long, env = "FEISHU_SIM_RATE_LIMIT", default_value_t = 20)]
    rate_limit: u32,
    /// Fixed latency of every search answer, in milliseconds.
    #[arg(long, env = "FEISHU_SIM_LATENCY_MS", default_value_t = 0)]
    latency_ms: u64,
    /// Extra uniform random latency up to this many milliseconds.
    #[arg(long, env = "FEISHU_SIM_JITTER_MS", default_value_t = 0)]
    jitter_ms: u64,
    /// Probability of a latency spike.
    #[arg(long, env = "FEISHU_SIM_SPIKE_RATIO", default_value_t = 0.0, value_parser = ratio)]
    spike_ratio: f64,
    /// Length of a latency spike in milliseconds.
    #[arg(long, env = "FEISHU_SIM_SPIKE_MS", default_value_t = 5000)]
    spike_ms: u64,
    /// Probability of answering 1629004 internal service error.
    #[arg(long, env = "FEISHU_SIM_INTERNAL_ERROR_RATIO", default_value_t = 0.0, value_parser = ratio)]
    internal_error_ratio: f64,
    /// Probability of a gateway 502/503.
    #[arg(long, env = "FEISHU_SIM_HTTP_5XX_RATIO", default_value_t = 0.0, value_parser = ratio)]
    http_5xx_ratio: f64,
    /// Probability of closing the connection without an answer.
    #[arg(long, env = "FEISHU_SIM_DROP_RATIO", default_value_t = 0.0, value_parser = ratio)]
    drop_ratio: f64,
    /// Sign this person (an open_id; the log lists them at start) in at once
    /// instead of showing the login page.
    #[arg(long, env = "FEISHU_SIM_LOGIN_AS")]
    login_as: Option<String>,
    /// Plant the demo's anomalies (a spike, a drop, a silent and a new block) in the data.
    #[arg(long, env = "FEISHU_SIM_DEMO_ANOMALIES")]
    demo_anomalies: bool,
    /// User access token lifetime in seconds.
    #[arg(long, env = "FEISHU_SIM_USER_TOKEN_TTL_SECS", default_value_t = 7200)]
    user_token_ttl_secs: u64,
}

fn ratio(raw: &str) -> Result<f64, String> {
    let value: f64 = raw.parse().map_err(|error| format!("{raw:?} is not a number: {error}"))?;
    if (0.0..=1.0).contains(&value) { Ok(value) } else { Err(format!("{value} is not between 0 and 1")) }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr so that stdout carries only the base URL, for scripts.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let args = Args::parse();
    let users = demo_users(args.seed, &args.app_id);
    if let Some(login_as) = &args.login_as
        && !users.iter().any(|user| &user.open_id == login_as)
    {
        let known: Vec<&str> = users.iter().map(|user| user.open_id.as_str()).collect();
        anyhow::bail!("FEISHU_SIM_LOGIN_AS={login_as} is no one in the directory; known open_ids: {}", known.join(", "));
    }
    for user in &users {
        tracing::info!(open_id = %user.open_id, name = %user.en_name, admin = user.is_app_admin, may_use_app = user.may_use_app, "login directory");
    }
    let today = args.today.unwrap_or_else(shanghai_today);
    let config = SimConfig {
        anomalies: if args.demo_anomalies { feishu_sim::demo_anomalies(today) } else { Vec::new() },
        tenant_key: demo_tenant_key(args.seed),
        users,
        login_as: args.login_as,
        user_token_ttl: Duration::from_secs(args.user_token_ttl_secs),
        app_id: args.app_id,
        app_secret: args.app_secret,
        seed: args.seed,
        block_count: args.blocks,
        today,
        history_days: args.history_days,
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        rate_limit_per_second: args.rate_limit,
        faults: Faults {
            latency: Duration::from_millis(args.latency_ms),
            latency_jitter: Duration::from_millis(args.jitter_ms),
            internal_error_ratio: args.internal_error_ratio,
            http_5xx_ratio: args.http_5xx_ratio,
            drop_ratio: args.drop_ratio,
            spike_ratio: args.spike_ratio,
            spike: Duration::from_millis(args.spike_ms),
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    for chat in &config.chats {
        tracing::info!(chat_id = %chat.chat_id, name = %chat.name, bot_is_member = chat.bot_is_member, "chat (its page: /_sim/chats/{{chat_id}})");
    }
    let sim = Simulator::start(config, args.addr).await.with_context(|| format!("cannot listen on {}", args.addr))?;
    println!("{}", sim.base_url());
    tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
    sim.shutdown().await;
    Ok(())
}
