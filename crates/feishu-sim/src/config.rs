//! What a simulator is started with: the app's credentials, the shape of the
//! synthetic tenant, token lifetime, rate limit, fault knobs, and the people
//! who can log in with Feishu, and the chats its bot can post to.

use std::time::Duration;

use chrono::{NaiveDate, TimeDelta, Utc};

use crate::chats::{SimChat, demo_chats};
use crate::users::{SimUser, demo_tenant_key, demo_users};

/// The scope the block access data endpoint requires; error 99991672 names it.
pub const WORKPLACE_DATA_SCOPE: &str = "workplace:workplace_using_data:read";
/// The scope a bot's message send is refused without (99991672 names it first;
/// `im:message` or `im:message:send` would do as well).
pub const MESSAGE_SEND_SCOPE: &str = "im:message:send_as_bot";
/// The scope the chat list is refused without (99991672 names it).
pub const CHAT_READ_SCOPE: &str = "im:chat:readonly";

/// Everything a [`crate::Simulator`] is started with.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The custom app's id (`cli_…`) accepted by the token endpoint.
    pub app_id: String,
    /// The secret that goes with `app_id`.
    pub app_secret: String,
    /// Seed of the synthetic tenant: equal seeds (and equal `block_count`,
    /// `today`, `history_days`) give equal data.
    pub seed: u64,
    /// How many blocks (widgets) the tenant has.
    pub block_count: usize,
    /// The last day with data; nothing exists after it.
    pub today: NaiveDate,
    /// Data exists for the days `today - history_days ..= today`.
    pub history_days: u32,
    /// Lifetime of a tenant access token.
    pub token_ttl: Duration,
    /// Search requests one app may make in any sliding one-second window;
    /// `0` disables the limit.
    pub rate_limit_per_second: u32,
    /// Fault knobs in force at start; change them later with
    /// [`crate::SimHandle::set_faults`].
    pub faults: Faults,
    /// The app's name as the login page shows it ("Sign in to … as").
    pub app_name: String,
    /// The tenant's key, answered by `user_info` as `tenant_key`.
    /// `Default` derives it from seed 42 ([`demo_tenant_key`]); it does not
    /// follow a `seed` changed afterwards.
    pub tenant_key: String,
    /// The people who can log in with Feishu, in the order the login page
    /// lists them. `Default` is [`demo_users`]`(42, "cli_demo_app")` (its ids
    /// are also the `DEMO_*_OPEN_ID` constants); it does not follow a `seed`
    /// or `app_id` changed afterwards: set `users` too.
    pub users: Vec<SimUser>,
    /// Whether the app holds the contact field scopes (`contact:user.email:readonly`,
    /// `contact:user.employee:readonly`, `contact:user.employee_id:readonly`) in its
    /// console. Even so `user_info` answers `email`, `enterprise_email` and `user_id`
    /// only to a token whose sign-in asked for them (default true: held, not granted
    /// until asked for).
    pub contact_scopes_held: bool,
    /// The tenant's name, answered by the tenant query.
    pub tenant_name: String,
    /// When set (an `open_id` of `users`), the authorize endpoint skips the
    /// login page and signs this person in at once, unless the request names
    /// another with `login_hint`.
    pub login_as: Option<String>,
    /// Lifetime of an authorization code (Feishu: 5 minutes).
    pub oauth_code_ttl: Duration,
    /// Lifetime of a code the JSSDK stand-in hands a page (`tt.requestAccess`,
    /// `tt.requestAuthCode`; Feishu's docs say 3 or 5 minutes: 3).
    pub jssdk_code_ttl: Duration,
    /// Lifetime of a user access token (Feishu's example: 2 h).
    pub user_token_ttl: Duration,
    /// Lifetime of a refresh token (Feishu's example: 7 days).
    pub refresh_token_ttl: Duration,
    /// Anomalies planted in the tenant's data (none by default), reported by
    /// `/_sim/anomalies` for tests of the insights.
    pub anomalies: Vec<crate::Anomaly>,
    /// The tenant's group chats, members of the bot or not, in the order
    /// `GET /open-apis/im/v1/chats` lists them. `Default` is [`demo_chats`].
    pub chats: Vec<SimChat>,
    /// Whether the app has the bot capability; without it every message send
    /// answers 230006 and the chat list 232025 (also [`Faults::bot_disabled`]).
    pub bot_enabled: bool,
    /// Whether the app holds `im:message:send_as_bot` and `im:chat:readonly`;
    /// without them sends and the chat list answer 99991672 naming the scope
    /// (also [`Faults::message_scope_missing`]).
    pub message_scopes_granted: bool,
    /// Message sends one app may make in any sliding second (Feishu: 50); `0`: no limit.
    pub message_rate_per_second: u32,
    /// Message sends one app may make in any sliding minute (Feishu: 1000); `0`: no limit.
    pub message_rate_per_minute: u32,
    /// Message sends to one chat in any sliding second, whatever the app (Feishu: 5,
    /// shared by the chat's bots); over it a send answers 230020. `0`: no limit.
    pub chat_message_rate_per_second: u32,
    /// Chat list requests one app may make in any sliding second (Feishu: 50); `0`: no limit.
    pub chat_list_rate_per_second: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        let (app_id, seed) = ("cli_demo_app", 42);
        Self {
            app_id: app_id.to_owned(),
            app_secret: "demo-secret".to_owned(),
            seed,
            block_count: 60,
            today: shanghai_today(),
            history_days: 800,
            token_ttl: Duration::from_secs(7200),
            rate_limit_per_second: 20,
            faults: Faults::default(),
            app_name: "Block Insights".to_owned(),
            tenant_key: demo_tenant_key(seed),
            users: demo_users(seed, app_id),
            login_as: None,
            contact_scopes_held: true,
            tenant_name: "Simulated Tenant · 模拟企业".to_owned(),
            oauth_code_ttl: Duration::from_secs(5 * 60),
            jssdk_code_ttl: Duration::from_secs(3 * 60),
            user_token_ttl: Duration::from_secs(2 * 60 * 60),
            refresh_token_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            anomalies: Vec::new(),
            chats: demo_chats(),
            bot_enabled: true,
            message_scopes_granted: true,
            message_rate_per_second: 50,
            message_rate_per_minute: 1000,
            chat_message_rate_per_second: 5,
            chat_list_rate_per_second: 50,
        }
    }
}

/// Today's date in Asia/Shanghai (UTC+8 all year, no daylight saving), the
/// time zone Feishu's access data is counted in.
pub fn shanghai_today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive()
}

/// Fault knobs. The token endpoint is never faulty. The first group is the
/// search endpoints' (the bot message endpoints ignore it), the `bot_*` and
/// `message_*` ones the bot message endpoints' (see [`crate::SimChat`]), the
/// `jssdk_*` ones the JSSDK stand-in's (`/_sim/jssdk.js`).
///
/// Per search request the simulator first waits `latency` plus a uniform share of
/// `latency_jitter` (plus `spike` with probability `spike_ratio`), then rolls,
/// in this order: drop the connection (`drop_ratio`), answer a gateway 502/503
/// (`http_5xx_ratio`), answer `forced` if set, answer 1629004
/// (`internal_error_ratio`). Ratios outside `0.0..=1.0` act as clamped.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Fixed delay before every search answer.
    pub latency: Duration,
    /// Upper bound of an extra uniform random delay.
    pub latency_jitter: Duration,
    /// Probability of HTTP 400 code 1629004 "internal service error".
    pub internal_error_ratio: f64,
    /// Probability of a gateway HTTP 502 or 503 with an HTML (non-JSON) body.
    pub http_5xx_ratio: f64,
    /// Probability of closing the connection without any response.
    pub drop_ratio: f64,
    /// Probability of an extra delay of `spike`.
    pub spike_ratio: f64,
    /// Length of a latency spike.
    pub spike: Duration,
    /// While set, every authenticated search request within the rate limit
    /// gets this answer.
    pub forced: Option<ForcedAnswer>,
    /// When set to `n`, the first `n` search requests after these knobs were
    /// set are served as usual and every later one is held: the connection
    /// stays open and no answer comes (Feishu hanging mid-query) until the
    /// knobs are set again without this, when the held requests are served
    /// as usual (Feishu recovering), or until the client gives up.
    pub stall_after: Option<u64>,
    /// Answer 99991400 without the `x-ogw-ratelimit-limit` and
    /// `x-ogw-ratelimit-reset` headers, as some gateways do.
    pub hide_rate_limit_headers: bool,
    /// The bot capability is switched off: every message send answers 230006,
    /// the chat list 232025 (as [`SimConfig::bot_enabled`] `false`).
    pub bot_disabled: bool,
    /// The message scopes are not granted: sends answer 99991672 naming
    /// `im:message:send_as_bot`, the chat list naming `im:chat:readonly`.
    pub message_scope_missing: bool,
    /// Every message send is decided (and, if accepted, kept) at once, then its
    /// answer waits this long: a test can stop the sender while the message is
    /// already in the chat but the sender has no message_id yet.
    pub message_delay: Duration,
    /// While set, every authenticated message send within the rate limits gets
    /// this answer and nothing is kept.
    pub message_forced: Option<ForcedAnswer>,
    /// The person refuses the app's access request in the Feishu client:
    /// `tt.requestAccess` and `tt.requestAuthCode` fail with errno 2700002.
    pub jssdk_refuse: bool,
    /// The Feishu client is older than 6.9: the stand-in defines no
    /// `tt.requestAccess`, only `tt.requestAuthCode` (and a page that still
    /// calls `requestAccess` from a script loaded before gets errno 103).
    pub jssdk_old_client: bool,
    /// Codes the stand-in hands out are expired at once: their exchange answers 20004.
    pub jssdk_expire_codes: bool,
    /// The script defines neither `window.h5sdk` nor `window.tt`, as the real one
    /// does outside the Feishu client (a browser that only claims to be it).
    pub jssdk_unavailable: bool,
    /// When set, the dice of each search are drawn from this seed and the search's
    /// arrival number (counted from the simulator's start): the n-th search meets the
    /// same faults in every run with this seed. Unset, they are drawn at random.
    pub dice_seed: Option<u64>,
}

/// A fixed answer for every search request, to exercise a client's handling
/// of one error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForcedAnswer {
    /// The body's `code`.
    pub code: i64,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The body's `msg`.
    pub msg: String,
}

impl ForcedAnswer {
    /// Any code, status and message.
    pub fn new(code: i64, http_status: u16, msg: impl Into<String>) -> Self {
        Self { code, http_status, msg: msg.into() }
    }

    /// 99991401: the caller's IP is not on the app's allow-list.
    pub fn ip_not_allowed() -> Self {
        Self::new(99991401, 400, "ip denied by the app's allow-list")
    }

    /// 99991403: the tenant's monthly API call quota is used up.
    pub fn quota_exhausted() -> Self {
        Self::new(99991403, 400, "monthly api call quota exceeded")
    }

    /// 99991672: the app lacks the scope; the message names it as Feishu does.
    pub fn missing_scope(app_id: &str) -> Self {
        Self::missing_scopes(app_id, &[WORKPLACE_DATA_SCOPE])
    }

    /// 99991672 for an endpoint that any one of `scopes` opens, named in
    /// Feishu's words (English, then Chinese, then the console link for the first).
    pub fn missing_scopes(app_id: &str, scopes: &[&str]) -> Self {
        let list = scopes.join(", ");
        let first = scopes.first().copied().unwrap_or_default();
        Self::new(
            99991672,
            400,
            format!(
                "Access denied. One of the following scopes is required: [{list}]. \
                 应用尚未开通所需的应用身份权限：[{list}]，点击链接申请并开通任一权限即可：\
                 https://open.feishu.cn/app/{app_id}/auth?q={first}&op_from=openapi&token_type=tenant"
            ),
        )
    }

    /// 230035: the bot may not speak in the chat (e.g. only the owner may post).
    pub fn no_permission_to_send() -> Self {
        Self::new(230035, 400, "Bot has NO permission to send messages to the chat.")
    }

    /// 230027: the app lacks a permission the send needs.
    pub fn lacks_permission() -> Self {
        Self::new(230027, 400, "Lack of necessary permissions.")
    }

    /// 230034: the `receive_id` is not a chat this app can address.
    pub fn invalid_receive_id() -> Self {
        Self::new(230034, 400, "The receive_id is invalid.")
    }

    /// 230049: a message with the same `uuid` is still being sent.
    pub fn message_being_sent() -> Self {
        Self::new(230049, 400, "The message is being sent, please do not send it repeatedly.")
    }

    /// 232009: the chat was dissolved.
    pub fn chat_dissolved() -> Self {
        Self::new(232009, 400, "Your request specifies a chat which has already been dissolved.")
    }

    /// 99991673: the app is unavailable (disabled or not installed).
    pub fn app_unavailable() -> Self {
        Self::new(99991673, 400, "app status unavailable")
    }

    /// 99991663: the tenant token is invalid (even a fresh one).
    pub fn token_invalid() -> Self {
        Self::new(99991663, 400, "Invalid access token for authorization. Please make a request with token attached.")
    }
}
