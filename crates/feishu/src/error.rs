//! Everything that can go wrong talking to Feishu, one variant per documented code.
//!
//! Each variant's `Display` says what happened and what to do; [`FeishuError::advice`]
//! gives the "what to do" sentence alone, for user interfaces. Which code becomes which
//! variant is read in [`crate::codes`]; why Feishu refused a message is [`MessageRefusal`],
//! beside the messaging API in `im`.

use std::sync::Arc;
use std::time::Duration;

use crate::im::MessageRefusal;

const ADVICE_TIME_FORMAT: &str = "Send dates as yyyy-MM-dd, for example 2023-05-22.";
const ADVICE_FROM_AFTER_TO: &str = "Choose a start date on or before the end date.";
const ADVICE_INTERNAL: &str = "Feishu's service is failing; try again in a few minutes.";
const ADVICE_PAGE_TOKEN: &str =
    "Start the search again from the first page; only send page tokens Feishu returned for the same query.";
const ADVICE_PAGE_SIZE: &str = "Use a page size the endpoint takes (1 to 200 for block data, 1 to 100 for custom workplaces).";
const ADVICE_RATE_LIMITED: &str =
    "Feishu is limiting this app's request rate; wait a moment and try again, or lower the client's request rate.";
const ADVICE_IP: &str = "Ask the Feishu admin to add this server's public IP address to the app's IP allow-list in the Feishu developer console (Security Settings).";
const ADVICE_QUOTA: &str = "Stop calling the Feishu API: the tenant's monthly API call quota is used up. Wait for next month or upgrade the Feishu plan.";
const ADVICE_MISSING_TOKEN: &str = "This is a bug in the client (no access token was sent); report it, retrying will not help.";
const ADVICE_TENANT_TOKEN: &str = "Feishu rejected a freshly fetched tenant access token; check that FEISHU_APP_ID and FEISHU_APP_SECRET belong to an enabled app of this tenant.";
const ADVICE_USER_TOKEN: &str = "Log in with Feishu again.";
const ADVICE_SCOPE: &str = "Grant the scope to the app in the Feishu developer console (Permissions & Scopes), then publish a new app version and have the admin approve it.";
const ADVICE_APP_UNAVAILABLE: &str =
    "The app is disabled or not installed for this tenant; ask the Feishu admin to enable it in the Feishu admin console.";
const ADVICE_USER_NOT_AUTHORISED: &str = "Log in with Feishu again and approve the app's access request.";
const ADVICE_LOGIN: &str = "Sign in again from the dashboard; if it keeps failing, check that the app's redirect URL in the Feishu developer console is this dashboard's /auth/callback and that the app is available to you.";
const ADVICE_CREDENTIALS: &str = "Check FEISHU_APP_ID and FEISHU_APP_SECRET: they must be the App ID and App Secret shown in the Feishu developer console (Credentials & Basic Info).";
const ADVICE_UPSTREAM: &str =
    "Feishu answered with an error this client does not know; look the code up in Feishu's error-code reference.";
const ADVICE_UNAVAILABLE: &str = "Feishu is temporarily unavailable; try again in a few minutes.";
const ADVICE_TRANSPORT: &str = "Check the server's network connection, proxy settings and the Feishu base URL, then try again.";
const ADVICE_DECODE: &str = "Check that the base URL points at the Feishu Open Platform (for example https://open.feishu.cn).";
const ADVICE_PAGING: &str = "Feishu's paging did not advance; try again later and report it if it persists.";
const ADVICE_CONFIG: &str = "Fix the Feishu client configuration named in the message.";
const ADVICE_SETUP: &str = "The HTTP client could not be built; check the server's TLS and system configuration.";

const ADVICE_CHAT_LIST_BOT_OFF: &str = "Enable the bot capability of the app in the Feishu developer console (Features → Bot), publish a new app version, then add the bot to the chats that get digests.";

/// An error from the Feishu client.
///
/// Cloneable so that one failed token fetch can be reported to every caller that waited
/// for it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FeishuError {
    /// A search endpoint's "bad time format" (1629001, 1628001, 1621001): a date was
    /// not in yyyy-MM-dd.
    #[error("Feishu rejected the date format ({code}: {msg}). {ADVICE_TIME_FORMAT}")]
    InvalidTimeFormat {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// A search endpoint's "from_date after to_date" (1629002, 1628002, 1621002).
    #[error("Feishu rejected the date range: the start is after the end ({code}: {msg}). {ADVICE_FROM_AFTER_TO}")]
    FromAfterTo {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// A search endpoint's "internal error" (1629004, 1628003, 1621003): Feishu's own
    /// service failed, and kept failing through the retries.
    #[error("Feishu reported an internal error and kept failing after retries ({code}: {msg}). {ADVICE_INTERNAL}")]
    InternalError {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// A search endpoint's "bad page_token" (1629005, 1628004, 1621004): the page token
    /// was not one Feishu issued.
    #[error("Feishu rejected the page token ({code}: {msg}). {ADVICE_PAGE_TOKEN}")]
    InvalidPageToken {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 1629006: the page size was outside what the endpoint takes.
    #[error("Feishu rejected the page size ({code}: {msg}). {ADVICE_PAGE_SIZE}")]
    InvalidPageSize {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 99991400: rate limited, still so after the retries.
    #[error("Feishu rate-limited the app and kept doing so after retries (99991400: {msg}). {ADVICE_RATE_LIMITED}")]
    RateLimited {
        /// How long Feishu asked the client to wait (`x-ogw-ratelimit-reset`, else 1 s).
        retry_after: Duration,
        /// Feishu's message.
        msg: String,
    },
    /// 99991401: the server's IP is not on the app's allow-list.
    #[error(
        "Feishu refused the call because this server's IP address is not on the app's allow-list (99991401: {msg}). {ADVICE_IP}"
    )]
    IpNotAllowed {
        /// Feishu's message.
        msg: String,
    },
    /// 99991403: the tenant's monthly API quota is used up.
    #[error("Feishu refused the call because the monthly API quota is used up (99991403: {msg}). {ADVICE_QUOTA}")]
    QuotaExhausted {
        /// Feishu's message.
        msg: String,
    },
    /// 99991661: the request carried no token.
    #[error("Feishu says no access token was sent (99991661: {msg}). {ADVICE_MISSING_TOKEN}")]
    MissingToken {
        /// Feishu's message.
        msg: String,
    },
    /// 99991663, 99991664, 99991665, 99991671: the tenant token was rejected, also after
    /// fetching a fresh one and retrying once.
    #[error("Feishu rejected the tenant access token, also after fetching a new one ({code}: {msg}). {ADVICE_TENANT_TOKEN}")]
    TenantTokenRejected {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 99991668, 99991677: a user access token is invalid or expired.
    #[error("Feishu says the user's login is invalid or expired ({code}: {msg}). {ADVICE_USER_TOKEN}")]
    UserTokenInvalid {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 99991672: the app lacks a scope.
    #[error("The Feishu app lacks the scope {scope} (99991672: {msg}). {ADVICE_SCOPE}")]
    MissingScope {
        /// The scope to grant, parsed from Feishu's message, else [`crate::BLOCK_ACCESS_SCOPE`].
        scope: String,
        /// Feishu's message.
        msg: String,
    },
    /// 99991673: the app is unavailable.
    #[error("Feishu says the app is unavailable (99991673: {msg}). {ADVICE_APP_UNAVAILABLE}")]
    AppUnavailable {
        /// Feishu's message.
        msg: String,
    },
    /// 99991679: the user has not authorised the app.
    #[error("Feishu says the user has not authorised the app (99991679: {msg}). {ADVICE_USER_NOT_AUTHORISED}")]
    UserNotAuthorised {
        /// Feishu's message.
        msg: String,
    },
    /// The token endpoint refused the app credentials (10003, 10014, ...).
    #[error("Feishu rejected the app credentials ({code}: {msg}). {ADVICE_CREDENTIALS}")]
    Credentials {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// The login token endpoint refused the code (OAuth `error`, e.g. `invalid_grant`
    /// for a used, expired or forged code; 20010 when the user may not use the app).
    #[error("Feishu refused the sign-in ({code} {error}: {description}). {ADVICE_LOGIN}")]
    Login {
        /// The code Feishu answered.
        code: i64,
        /// The OAuth error name.
        error: String,
        /// Feishu's explanation.
        description: String,
    },
    /// A messaging code (230xxx, 232xxx): Feishu refused to post the message.
    #[error("Feishu refused the message: {} ({code}{}: {msg}). {}", .refusal.what(), .sub_code.map(|s| format!("/{s}")).unwrap_or_default(), .refusal.advice())]
    MessageRefused {
        /// Which refusal.
        refusal: MessageRefusal,
        /// The code Feishu answered.
        code: i64,
        /// The card's own error code (`ErrCode: N` in `msg`), for 230099.
        sub_code: Option<i64>,
        /// Feishu's message.
        msg: String,
    },
    /// 232025 on the chat list: the app's bot capability is off, so Feishu lists no
    /// chat for it.
    #[error(
        "Feishu would not list the bot's chats: the app's bot capability is turned off (232025: {msg}). {ADVICE_CHAT_LIST_BOT_OFF}"
    )]
    ChatListBotDisabled {
        /// Feishu's message.
        msg: String,
    },
    /// Any other non-zero code.
    #[error("Feishu answered with error {code}: {msg}. {ADVICE_UPSTREAM}")]
    Upstream {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// An HTTP 5xx answer without a documented code, still so after the retries.
    #[error("Feishu is unavailable: HTTP {status} ({detail}), still so after retries. {ADVICE_UNAVAILABLE}")]
    UpstreamUnavailable {
        /// The HTTP status.
        status: u16,
        /// The code, or the start of the body when it was not Feishu JSON.
        detail: String,
    },
    /// The request did not complete: connection refused or dropped, timeout, TLS.
    #[error("Could not reach Feishu ({kind}), also after retries. {ADVICE_TRANSPORT}")]
    Transport {
        /// "timeout", "connection failed" or "request failed".
        kind: &'static str,
        /// The underlying error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// Feishu's answer could not be understood.
    #[error("Could not understand Feishu's answer (HTTP {status}): {detail}. {ADVICE_DECODE}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What was wrong with the body.
        detail: String,
    },
    /// Paging did not advance: a page token came back twice, or `has_more` came without one.
    #[error("Feishu's paging did not advance ({}). {ADVICE_PAGING}", describe_page_token(.page_token.as_deref()))]
    RepeatedPageToken {
        /// The repeated token; `None` when `has_more` was true without a token.
        page_token: Option<String>,
    },
    /// The client configuration is unusable.
    #[error("Invalid Feishu client configuration: {reason}. {ADVICE_CONFIG}")]
    InvalidConfig {
        /// What is wrong.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("Could not build the HTTP client for Feishu. {ADVICE_SETUP}")]
    ClientSetup {
        /// The underlying error.
        #[source]
        source: Arc<reqwest::Error>,
    },
}

fn describe_page_token(page_token: Option<&str>) -> String {
    match page_token {
        Some(token) => format!("page token {token:?} came back twice"),
        None => "has_more was true but no page token came".to_owned(),
    }
}

impl FeishuError {
    /// Wraps a reqwest error that happened while sending or receiving.
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            "timeout"
        } else if source.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        Self::Transport { kind, source: Arc::new(source) }
    }

    /// Whether sending the same request again may succeed: Feishu internal errors, rate
    /// limits, HTTP 5xx and transport failures. Validation, permission and quota errors
    /// are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InternalError { .. } | Self::RateLimited { .. } | Self::UpstreamUnavailable { .. } => true,
            Self::MessageRefused { refusal, .. } => {
                matches!(refusal, MessageRefusal::ChatRateLimited | MessageRefusal::BeingSent)
            }
            Self::Transport { source, .. } => !source.is_builder(),
            _ => false,
        }
    }

    /// Whether Feishu rejected the tenant token itself, so a fresh token may help.
    pub(crate) fn is_tenant_token_rejected(&self) -> bool {
        matches!(self, Self::TenantTokenRejected { .. })
    }

    /// What to do about this error, one sentence for a user interface.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::InvalidTimeFormat { .. } => ADVICE_TIME_FORMAT,
            Self::FromAfterTo { .. } => ADVICE_FROM_AFTER_TO,
            Self::InternalError { .. } => ADVICE_INTERNAL,
            Self::InvalidPageToken { .. } => ADVICE_PAGE_TOKEN,
            Self::InvalidPageSize { .. } => ADVICE_PAGE_SIZE,
            Self::RateLimited { .. } => ADVICE_RATE_LIMITED,
            Self::IpNotAllowed { .. } => ADVICE_IP,
            Self::QuotaExhausted { .. } => ADVICE_QUOTA,
            Self::MissingToken { .. } => ADVICE_MISSING_TOKEN,
            Self::TenantTokenRejected { .. } => ADVICE_TENANT_TOKEN,
            Self::UserTokenInvalid { .. } => ADVICE_USER_TOKEN,
            Self::MissingScope { .. } => ADVICE_SCOPE,
            Self::AppUnavailable { .. } => ADVICE_APP_UNAVAILABLE,
            Self::UserNotAuthorised { .. } => ADVICE_USER_NOT_AUTHORISED,
            Self::Credentials { .. } => ADVICE_CREDENTIALS,
            Self::Login { .. } => ADVICE_LOGIN,
            Self::MessageRefused { refusal, .. } => refusal.advice(),
            Self::ChatListBotDisabled { .. } => ADVICE_CHAT_LIST_BOT_OFF,
            Self::Upstream { .. } => ADVICE_UPSTREAM,
            Self::UpstreamUnavailable { .. } => ADVICE_UNAVAILABLE,
            Self::Transport { .. } => ADVICE_TRANSPORT,
            Self::Decode { .. } => ADVICE_DECODE,
            Self::RepeatedPageToken { .. } => ADVICE_PAGING,
            Self::InvalidConfig { .. } => ADVICE_CONFIG,
            Self::ClientSetup { .. } => ADVICE_SETUP,
        }
    }
}
