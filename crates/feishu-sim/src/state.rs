//! What every handler shares.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{Faults, SimConfig};
use crate::data::Dataset;
use crate::login_grants::{Lifetimes, LoginGrants};
use crate::message_store::MessageStore;
use crate::paging::PageTokens;
use crate::rate::RateLimiter;
use crate::stats::Recorder;
use crate::tokens::TokenStore;

/// The simulator's state, shared by the handlers and the handle.
#[derive(Debug)]
pub(crate) struct SimState {
    /// The config it was started with (its `faults` are only the initial ones).
    pub config: SimConfig,
    /// The synthetic tenant.
    pub dataset: Dataset,
    /// Issued tenant tokens.
    pub tokens: TokenStore,
    /// Issued app tokens (`app_access_token`, for the v1 code exchange).
    pub app_tokens: TokenStore,
    /// Page token key.
    pub pages: PageTokens,
    /// Per-app frequency limit of the search endpoint.
    pub rate: RateLimiter,
    /// Per-app limit of message sends in a second.
    pub message_rate: RateLimiter,
    /// Per-app limit of message sends in a minute.
    pub message_rate_minute: RateLimiter,
    /// Per-chat limit of message sends in a second.
    pub chat_message_rate: RateLimiter,
    /// Per-app limit of the chat list.
    pub chat_list_rate: RateLimiter,
    /// The messages the bot posted.
    pub messages: MessageStore,
    /// Fault knobs in force now.
    faults: RwLock<Faults>,
    /// Search requests that arrived since the fault knobs were last set.
    searches_since_faults: AtomicU64,
    /// Wakes the requests held by `stall_after` when the knobs change.
    pub faults_changed: tokio::sync::Notify,
    /// Request log.
    pub recorder: Recorder,
    /// Login codes and user tokens.
    pub login: LoginGrants,
    /// `http://IP:PORT` of this simulator, for URLs it hands out (avatars).
    pub base_url: String,
}

impl SimState {
    pub fn new(config: SimConfig, base_url: String) -> Self {
        Self {
            login: LoginGrants::new(Lifetimes {
                code: config.oauth_code_ttl,
                client_code: config.jssdk_code_ttl,
                access: config.user_token_ttl,
                refresh: config.refresh_token_ttl,
            }),
            base_url,
            dataset: Dataset::from_config(&config),
            tokens: TokenStore::new(config.token_ttl),
            app_tokens: TokenStore::with_prefix(config.token_ttl, "a-"),
            pages: PageTokens::new(),
            rate: RateLimiter::new(config.rate_limit_per_second),
            message_rate: RateLimiter::new(config.message_rate_per_second),
            message_rate_minute: RateLimiter::per(config.message_rate_per_minute, std::time::Duration::from_secs(60)),
            chat_message_rate: RateLimiter::new(config.chat_message_rate_per_second),
            chat_list_rate: RateLimiter::new(config.chat_list_rate_per_second),
            messages: MessageStore::default(),
            faults: RwLock::new(config.faults.clone()),
            searches_since_faults: AtomicU64::new(0),
            faults_changed: tokio::sync::Notify::new(),
            recorder: Recorder::default(),
            config,
        }
    }

    pub fn faults(&self) -> Faults {
        self.faults.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        let mut current = self.faults.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = faults;
        self.searches_since_faults.store(0, Ordering::SeqCst);
        drop(current);
        self.faults_changed.notify_waiters();
    }

    /// Counts a search request's arrival; answers how many arrived before it since the
    /// fault knobs were last set.
    pub fn count_search(&self) -> u64 {
        self.searches_since_faults.fetch_add(1, Ordering::SeqCst)
    }
}
