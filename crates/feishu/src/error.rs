//! Everything that can go wrong talking to Feishu, one variant per documented code.
//!
//! Each variant's `Display` says what happened and what to do; [`FeishuError::advice`]
//! gives the "what to do" sentence alone, for user interfaces.

use std::sync::Arc;
use std::time::Duration;

use crate::codes;
use crate::search::SearchCodes;

/// The scope the block access endpoint needs; reported when Feishu's message names none.
pub const BLOCK_ACCESS_SCOPE: &str = "workplace:workplace_using_data:read";

const ADVICE_TIME_FORMAT: &str = "Send dates as yyyy-MM-dd, for example 2023-05-22.";
const ADVICE_FROM_AFTER_TO: &str = "Choose a start date on or before the end date.";
const ADVICE_INTERNAL: &str = "Feishu's service is failing; try again in a few minutes.";
const ADVICE_PAGE_TOKEN: &str = "Start the search again from the first page; only send page tokens Feishu returned for the same query.";
const ADVICE_PAGE_SIZE: &str =
    "Use a page size the endpoint takes (1 to 200 for block data, 1 to 100 for custom workplaces).";
const ADVICE_RATE_LIMITED: &str = "Feishu is limiting this app's request rate; wait a moment and try again, or lower the client's request rate.";
const ADVICE_IP: &str = "Ask the Feishu admin to add this server's public IP address to the app's IP allow-list in the Feishu developer console (Security Settings).";
const ADVICE_QUOTA: &str = "Stop calling the Feishu API: the tenant's monthly API call quota is used up. Wait for next month or upgrade the Feishu plan.";
const ADVICE_MISSING_TOKEN: &str =
    "This is a bug in the client (no access token was sent); report it, retrying will not help.";
const ADVICE_TENANT_TOKEN: &str = "Feishu rejected a freshly fetched tenant access token; check that FEISHU_APP_ID and FEISHU_APP_SECRET belong to an enabled app of this tenant.";
const ADVICE_USER_TOKEN: &str = "Log in with Feishu again.";
const ADVICE_SCOPE: &str = "Grant the scope to the app in the Feishu developer console (Permissions & Scopes), then publish a new app version and have the admin approve it.";
const ADVICE_APP_UNAVAILABLE: &str = "The app is disabled or not installed for this tenant; ask the Feishu admin to enable it in the Feishu admin console.";
const ADVICE_USER_NOT_AUTHORISED: &str =
    "Log in with Feishu again and approve the app's access request.";
const ADVICE_LOGIN: &str = "Sign in again from the dashboard; if it keeps failing, check that the app's redirect URL in the Feishu developer console is this dashboard's /auth/callback and that the app is available to you.";
const ADVICE_CREDENTIALS: &str = "Check FEISHU_APP_ID and FEISHU_APP_SECRET: they must be the App ID and App Secret shown in the Feishu developer console (Credentials & Basic Info).";
const ADVICE_UPSTREAM: &str = "Feishu answered with an error this client does not know; look the code up in Feishu's error-code reference.";
const ADVICE_UNAVAILABLE: &str = "Feishu is temporarily unavailable; try again in a few minutes.";
const ADVICE_TRANSPORT: &str = "Check the server's network connection, proxy settings and the Feishu base URL, then try again.";
const ADVICE_DECODE: &str = "Check that the base URL points at the Feishu Open Platform (for example https://open.feishu.cn).";
const ADVICE_PAGING: &str =
    "Feishu's paging did not advance; try again later and report it if it persists.";
const ADVICE_CONFIG: &str = "Fix the Feishu client configuration named in the message.";
const ADVICE_SETUP: &str =
    "The HTTP client could not be built; check the server's TLS and system configuration.";

const ADVICE_CHAT_LIST_BOT_OFF: &str = "Enable the bot capability of the app in the Feishu developer console (Features → Bot), publish a new app version, then add the bot to the chats that get digests.";

/// The chat list's code for an app whose bot capability is off.
pub(crate) const CHAT_LIST_BOT_DISABLED: i64 = 232_025;

/// The scope a bot needs to post a message (one of three Feishu accepts; the narrowest).
pub const SEND_MESSAGE_SCOPE: &str = "im:message:send_as_bot";
/// The scope a bot needs to list the chats it is in.
pub const LIST_CHATS_SCOPE: &str = "im:chat:readonly";

/// Why Feishu refused a message, one case per documented messaging code (the send
/// endpoint's table; the chat list's own code is [`FeishuError::ChatListBotDisabled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageRefusal {
    /// 230001: a parameter (the chat id, the message type) is invalid.
    InvalidRequest,
    /// 230002: the bot is not in the chat.
    BotNotInChat,
    /// 230006: the app's bot capability is off.
    BotDisabled,
    /// 230020: too many messages to this chat (5 a second, shared by all bots).
    ChatRateLimited,
    /// 230025: the message is longer than Feishu takes (a card's request body at
    /// most 30 KB). The client also refuses such a body before sending it, with this.
    TooLong,
    /// 230027: the app lacks a permission the send needs.
    LacksPermission,
    /// 230034: the `receive_id` is not a chat this app can address.
    InvalidReceiveId,
    /// 230035: the bot may not send to this chat (only owners or admins may post).
    NoPermission,
    /// 230049: a message with the same `uuid` is still being sent (two replicas
    /// sending the same digest at once): not a failure, asked again later it answers
    /// the message Feishu sent.
    BeingSent,
    /// 232009: the chat was dissolved.
    ChatDissolved,
    /// 230099: Feishu could not build the card (its sub-code says why).
    CardRejected,
}

impl MessageRefusal {
    /// The code of [`MessageRefusal::TooLong`].
    pub const TOO_LONG: i64 = 230_025;

    /// The refusal behind a messaging `code`, if it is one.
    pub fn of_code(code: i64) -> Option<Self> {
        Some(match code {
            230_001 => Self::InvalidRequest,
            230_002 => Self::BotNotInChat,
            230_006 => Self::BotDisabled,
            230_020 => Self::ChatRateLimited,
            Self::TOO_LONG => Self::TooLong,
            230_027 => Self::LacksPermission,
            230_034 => Self::InvalidReceiveId,
            230_035 => Self::NoPermission,
            230_049 => Self::BeingSent,
            232_009 => Self::ChatDissolved,
            230_099 => Self::CardRejected,
            _ => return None,
        })
    }

    /// What happened, in plain words.
    pub fn what(self) -> &'static str {
        match self {
            Self::InvalidRequest => "Feishu refused the message as invalid (the chat id or the message type)",
            Self::BotNotInChat => "the bot is not in this chat",
            Self::BotDisabled => "the app's bot capability is turned off",
            Self::ChatRateLimited => "Feishu is limiting messages to this chat",
            Self::TooLong => "the card is longer than Feishu takes",
            Self::LacksPermission => "the app lacks a permission that sending this message needs",
            Self::InvalidReceiveId => "Feishu does not know this chat id for this app",
            Self::NoPermission => "the bot may not post in this chat",
            Self::BeingSent => "Feishu is still sending a message with the same uuid",
            Self::ChatDissolved => "the chat was dissolved",
            Self::CardRejected => "Feishu could not build the card",
        }
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        match self {
            Self::InvalidRequest => "Choose the chat again from the chat list on the digest page; if it persists, report it.",
            Self::BotNotInChat => "Add the app's bot to the chat (chat settings → Bots → Add bot), or remove the chat's digest.",
            Self::BotDisabled => "Enable the bot capability of the app in the Feishu developer console (Features → Bot), then publish a new app version.",
            Self::ChatRateLimited => "Nothing to do: the digest is sent again in a moment.",
            Self::TooLong => "Report it: the digest is meant to stay within Feishu's card limits.",
            Self::LacksPermission => "Check in the Feishu developer console that the app holds im:message:send_as_bot (Permissions & Scopes) and that its availability covers this chat, then publish a new app version.",
            Self::InvalidReceiveId => "Choose the chat again from the chat list on the digest page (a chat id of another app or tenant does not work), or remove the chat's digest.",
            Self::BeingSent => "Nothing to do: another send of this digest is under way; it is asked again shortly and then answers the message Feishu sent.",
            Self::NoPermission => "Let the bot post in the chat (chat settings → who may send messages), or choose another chat.",
            Self::ChatDissolved => "Remove the chat's digest and choose another chat.",
            Self::CardRejected => "Report it with the reason shown: the digest card should always be valid.",
        }
    }
}

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
    #[error(
        "Feishu rejected the date range: the start is after the end ({code}: {msg}). {ADVICE_FROM_AFTER_TO}"
    )]
    FromAfterTo {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// A search endpoint's "internal error" (1629004, 1628003, 1621003): Feishu's own
    /// service failed, and kept failing through the retries.
    #[error(
        "Feishu reported an internal error and kept failing after retries ({code}: {msg}). {ADVICE_INTERNAL}"
    )]
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
    #[error(
        "Feishu rate-limited the app and kept doing so after retries (99991400: {msg}). {ADVICE_RATE_LIMITED}"
    )]
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
    #[error(
        "Feishu refused the call because the monthly API quota is used up (99991403: {msg}). {ADVICE_QUOTA}"
    )]
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
    #[error(
        "Feishu rejected the tenant access token, also after fetching a new one ({code}: {msg}). {ADVICE_TENANT_TOKEN}"
    )]
    TenantTokenRejected {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 99991668, 99991677: a user access token is invalid or expired.
    #[error(
        "Feishu says the user's login is invalid or expired ({code}: {msg}). {ADVICE_USER_TOKEN}"
    )]
    UserTokenInvalid {
        /// The code Feishu answered.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// 99991672: the app lacks a scope.
    #[error("The Feishu app lacks the scope {scope} (99991672: {msg}). {ADVICE_SCOPE}")]
    MissingScope {
        /// The scope to grant, parsed from Feishu's message, else [`BLOCK_ACCESS_SCOPE`].
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
    #[error(
        "Feishu says the user has not authorised the app (99991679: {msg}). {ADVICE_USER_NOT_AUTHORISED}"
    )]
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
    #[error("Feishu would not list the bot's chats: the app's bot capability is turned off (232025: {msg}). {ADVICE_CHAT_LIST_BOT_OFF}")]
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
    #[error(
        "Feishu is unavailable: HTTP {status} ({detail}), still so after retries. {ADVICE_UNAVAILABLE}"
    )]
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
    /// Maps a non-zero code of a search endpoint to its variant: the endpoint's own
    /// codes (`endpoint`), then the generic ones ([`FeishuError::from_code`]).
    pub fn from_search_code(
        endpoint: &SearchCodes,
        code: i64,
        msg: String,
        retry_after: Option<Duration>,
    ) -> Self {
        match code {
            c if c == endpoint.invalid_time_format => Self::InvalidTimeFormat { code, msg },
            c if c == endpoint.from_after_to => Self::FromAfterTo { code, msg },
            c if c == endpoint.internal_error => Self::InternalError { code, msg },
            c if c == endpoint.invalid_page_token => Self::InvalidPageToken { code, msg },
            c if Some(c) == endpoint.invalid_page_size => Self::InvalidPageSize { code, msg },
            _ => Self::from_code(code, msg, retry_after),
        }
    }

    /// Maps a non-zero code of the messaging endpoints: their own codes
    /// ([`MessageRefusal`]), then the generic ones, where a missing scope names
    /// [`SEND_MESSAGE_SCOPE`] unless Feishu named one.
    pub fn from_message_code(code: i64, msg: String, retry_after: Option<Duration>) -> Self {
        if let Some(refusal) = MessageRefusal::of_code(code) {
            let sub_code = (refusal == MessageRefusal::CardRejected).then(|| card_error_code(&msg)).flatten();
            return Self::MessageRefused { refusal, code, sub_code, msg };
        }
        match Self::from_code(code, msg, retry_after) {
            Self::MissingScope { msg, .. } if scope_named_in(&msg).is_none() => {
                Self::MissingScope { scope: SEND_MESSAGE_SCOPE.to_owned(), msg }
            }
            other => other,
        }
    }

    /// Maps a non-zero code of the chat list: its own (232025), then the generic ones,
    /// where a missing scope names [`LIST_CHATS_SCOPE`] unless Feishu named one.
    pub fn from_chat_list_code(code: i64, msg: String, retry_after: Option<Duration>) -> Self {
        if code == CHAT_LIST_BOT_DISABLED {
            return Self::ChatListBotDisabled { msg };
        }
        match Self::from_code(code, msg, retry_after) {
            Self::MissingScope { msg, .. } if scope_named_in(&msg).is_none() => {
                Self::MissingScope { scope: LIST_CHATS_SCOPE.to_owned(), msg }
            }
            other => other,
        }
    }

    /// Maps a non-zero generic Feishu `code` (the 9999xxxx family, which every call may
    /// answer) to its variant; any other code is [`FeishuError::Upstream`].
    ///
    /// `retry_after` is the wait Feishu asked for on a rate-limit answer.
    pub fn from_code(code: i64, msg: String, retry_after: Option<Duration>) -> Self {
        use codes::*;
        match code {
            RATE_LIMITED => Self::RateLimited {
                retry_after: retry_after.unwrap_or(Duration::from_secs(1)),
                msg,
            },
            IP_NOT_ALLOWED => Self::IpNotAllowed { msg },
            QUOTA_EXHAUSTED => Self::QuotaExhausted { msg },
            MISSING_TOKEN => Self::MissingToken { msg },
            TENANT_TOKEN_INVALID
            | APP_TOKEN_INVALID
            | TENANT_TOKEN_INVALID_2
            | TOKEN_FORMAT_WRONG => Self::TenantTokenRejected { code, msg },
            USER_TOKEN_INVALID | USER_TOKEN_EXPIRED => Self::UserTokenInvalid { code, msg },
            MISSING_SCOPE => Self::MissingScope {
                scope: scope_named_in(&msg)
                    .unwrap_or(BLOCK_ACCESS_SCOPE)
                    .to_owned(),
                msg,
            },
            APP_UNAVAILABLE => Self::AppUnavailable { msg },
            USER_NOT_AUTHORISED => Self::UserNotAuthorised { msg },
            _ => Self::Upstream { code, msg },
        }
    }

    /// Wraps a reqwest error that happened while sending or receiving.
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            "timeout"
        } else if source.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        Self::Transport {
            kind,
            source: Arc::new(source),
        }
    }

    /// The Feishu code behind this error, if Feishu answered with one.
    pub fn code(&self) -> Option<i64> {
        use codes::*;
        Some(match self {
            Self::RateLimited { .. } => RATE_LIMITED,
            Self::IpNotAllowed { .. } => IP_NOT_ALLOWED,
            Self::QuotaExhausted { .. } => QUOTA_EXHAUSTED,
            Self::MissingToken { .. } => MISSING_TOKEN,
            Self::MissingScope { .. } => MISSING_SCOPE,
            Self::AppUnavailable { .. } => APP_UNAVAILABLE,
            Self::UserNotAuthorised { .. } => USER_NOT_AUTHORISED,
            Self::ChatListBotDisabled { .. } => CHAT_LIST_BOT_DISABLED,
            Self::InvalidTimeFormat { code, .. }
            | Self::FromAfterTo { code, .. }
            | Self::InternalError { code, .. }
            | Self::InvalidPageToken { code, .. }
            | Self::InvalidPageSize { code, .. }
            | Self::TenantTokenRejected { code, .. }
            | Self::UserTokenInvalid { code, .. }
            | Self::Credentials { code, .. }
            | Self::Login { code, .. }
            | Self::MessageRefused { code, .. }
            | Self::Upstream { code, .. } => *code,
            Self::UpstreamUnavailable { .. }
            | Self::Transport { .. }
            | Self::Decode { .. }
            | Self::RepeatedPageToken { .. }
            | Self::InvalidConfig { .. }
            | Self::ClientSetup { .. } => return None,
        })
    }

    /// Whether sending the same request again may succeed: Feishu internal errors, rate
    /// limits, HTTP 5xx and transport failures. Validation, permission and quota errors
    /// are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InternalError { .. }
            | Self::RateLimited { .. }
            | Self::UpstreamUnavailable { .. } => true,
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

/// The card's own error code in a 230099 message, which reads like "Failed to create
/// card content, ext=ErrCode: 200861; ErrMsg: …".
fn card_error_code(msg: &str) -> Option<i64> {
    let (_, after) = msg.split_once("ErrCode:")?;
    let digits: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The first scope name (`area:resource:action`) in a 99991672 message.
///
/// Feishu's message reads like "Access denied. One of the following scopes is required:
/// [workplace:workplace_using_data:read]. ... https://open.feishu.cn/app/...", so a scope
/// is a run of `[A-Za-z0-9_.:-]` with at least two non-empty `:`-separated parts that
/// starts with a letter; "required:" and "https:" do not qualify.
fn scope_named_in(msg: &str) -> Option<&str> {
    msg.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')))
        .find(|word| {
            word.starts_with(|c: char| c.is_ascii_alphabetic())
                && word.contains(':')
                && word.split(':').all(|part| !part.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_is_parsed_from_feishu_message() {
        let msg = "Access denied. One of the following scopes is required: \
                   [workplace:workplace_using_data:read].应用尚未开通所需的应用身份权限：\
                   https://open.feishu.cn/app/cli_a/auth?q=workplace:workplace_using_data:read";
        assert_eq!(
            scope_named_in(msg),
            Some("workplace:workplace_using_data:read")
        );
        assert_eq!(scope_named_in("Access denied"), None);
        let error = FeishuError::from_code(codes::MISSING_SCOPE, "denied".into(), None);
        assert!(
            matches!(&error, FeishuError::MissingScope { scope, .. } if scope == BLOCK_ACCESS_SCOPE)
        );
        assert!(error.to_string().contains("publish a new app version"));
    }

    #[test]
    fn messaging_codes_say_what_happened_and_what_to_do() {
        let codes = [230_001, 230_002, 230_006, 230_020, 230_025, 230_027, 230_034, 230_035, 230_049, 232_009, 230_099];
        let mut advice = Vec::new();
        for code in codes {
            let error = FeishuError::from_message_code(code, "m".into(), None);
            assert!(matches!(error, FeishuError::MessageRefused { .. }), "{code}");
            assert_eq!(error.code(), Some(code));
            assert!(error.to_string().contains(error.advice()), "{error}");
            // A rate limit or a send of the same uuid under way is asked again.
            assert_eq!(error.is_retryable(), matches!(code, 230_020 | 230_049), "{code}");
            advice.push(error.advice());
        }
        advice.sort_unstable();
        advice.dedup();
        assert_eq!(advice.len(), codes.len(), "each code has its own advice");
        let chats = FeishuError::from_chat_list_code(232_025, "Bot ability is not activated.".into(), None);
        assert!(matches!(chats, FeishuError::ChatListBotDisabled { .. }));
        assert_eq!(chats.code(), Some(232_025));
        assert!(chats.to_string().contains("bot capability") && chats.to_string().contains(chats.advice()), "{chats}");
        assert!(!chats.is_retryable());
        let chat_scope = FeishuError::from_chat_list_code(codes::MISSING_SCOPE, "Access denied".into(), None);
        assert!(matches!(&chat_scope, FeishuError::MissingScope { scope, .. } if scope == LIST_CHATS_SCOPE));
        let card = FeishuError::from_message_code(
            230_099,
            "Failed to create card content, ext=ErrCode: 200861; ErrMsg: tag note is not supported".into(),
            None,
        );
        assert!(matches!(card, FeishuError::MessageRefused { sub_code: Some(200_861), .. }));
        assert!(card.to_string().contains("230099/200861"), "{card}");
        let scope = FeishuError::from_message_code(codes::MISSING_SCOPE, "Access denied".into(), None);
        assert!(matches!(&scope, FeishuError::MissingScope { scope, .. } if scope == SEND_MESSAGE_SCOPE));
    }

    #[test]
    fn every_documented_code_round_trips() {
        use crate::search::{
            BLOCK_ACCESS_CODES, CUSTOM_WORKPLACE_ACCESS_CODES, WORKPLACE_ACCESS_CODES,
        };
        use codes::*;
        for endpoint in [
            BLOCK_ACCESS_CODES,
            WORKPLACE_ACCESS_CODES,
            CUSTOM_WORKPLACE_ACCESS_CODES,
        ] {
            let own = [
                endpoint.invalid_time_format,
                endpoint.from_after_to,
                endpoint.internal_error,
                endpoint.invalid_page_token,
            ];
            for code in own.into_iter().chain(endpoint.invalid_page_size) {
                let error = FeishuError::from_search_code(&endpoint, code, "m".into(), None);
                assert_eq!(error.code(), Some(code));
                assert!(
                    !matches!(error, FeishuError::Upstream { .. }),
                    "{code} has its own variant"
                );
                assert!(error.to_string().contains(&code.to_string()), "{error}");
            }
            // Another endpoint's codes are not this one's: shown as unknown, with the code.
            assert!(matches!(
                FeishuError::from_search_code(&endpoint, 1_620_001, "m".into(), None),
                FeishuError::Upstream {
                    code: 1_620_001,
                    ..
                }
            ));
        }
        let internal =
            FeishuError::from_search_code(&WORKPLACE_ACCESS_CODES, 1_628_003, "m".into(), None);
        assert!(
            internal.is_retryable(),
            "each endpoint's internal error is retried"
        );
        for code in [
            RATE_LIMITED,
            IP_NOT_ALLOWED,
            QUOTA_EXHAUSTED,
            MISSING_TOKEN,
            TENANT_TOKEN_INVALID,
            APP_TOKEN_INVALID,
            TENANT_TOKEN_INVALID_2,
            USER_TOKEN_INVALID,
            TOKEN_FORMAT_WRONG,
            MISSING_SCOPE,
            APP_UNAVAILABLE,
            USER_TOKEN_EXPIRED,
            USER_NOT_AUTHORISED,
            12_345,
        ] {
            let error = FeishuError::from_code(code, "m".into(), None);
            assert_eq!(error.code(), Some(code));
            assert!(error.to_string().contains(error.advice()), "{error}");
        }
    }
}
