//! Feishu's answer codes that the client treats specially, and how a code becomes a
//! [`FeishuError`]: the generic 9999xxxx codes every call may answer, each search
//! endpoint's own ([`SearchCodes`]), and the messaging ones (read by [`MessageRefusal`]).
//! Here, below the client and the endpoints, so that all of them read codes one way.

use std::time::Duration;

use crate::error::FeishuError;
use crate::im::{CHAT_LIST_BOT_DISABLED, LIST_CHATS_SCOPE, MessageRefusal, SEND_MESSAGE_SCOPE};

/// The scope the block access endpoint needs; reported when Feishu's message names none.
pub const BLOCK_ACCESS_SCOPE: &str = "workplace:workplace_using_data:read";

/// Success.
pub const OK: i64 = 0;
/// Generic: rate limited.
pub const RATE_LIMITED: i64 = 99_991_400;
/// Generic: caller IP not on the app's allow-list.
pub const IP_NOT_ALLOWED: i64 = 99_991_401;
/// Generic: monthly API quota used up.
pub const QUOTA_EXHAUSTED: i64 = 99_991_403;
/// Generic: no token sent.
pub const MISSING_TOKEN: i64 = 99_991_661;
/// Generic: tenant_access_token invalid or expired.
pub const TENANT_TOKEN_INVALID: i64 = 99_991_663;
/// Generic: app token invalid.
pub const APP_TOKEN_INVALID: i64 = 99_991_664;
/// Generic: tenant token invalid.
pub const TENANT_TOKEN_INVALID_2: i64 = 99_991_665;
/// Generic: user_access_token invalid.
pub const USER_TOKEN_INVALID: i64 = 99_991_668;
/// Generic: token format wrong.
pub const TOKEN_FORMAT_WRONG: i64 = 99_991_671;
/// Generic: app lacks a scope.
pub const MISSING_SCOPE: i64 = 99_991_672;
/// Generic: app unavailable.
pub const APP_UNAVAILABLE: i64 = 99_991_673;
/// Generic: user_access_token expired.
pub const USER_TOKEN_EXPIRED: i64 = 99_991_677;
/// Generic: user has not authorised the app.
pub const USER_NOT_AUTHORISED: i64 = 99_991_679;

/// The codes of one search endpoint's own errors (the generic 9999xxxx codes are the
/// same everywhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchCodes {
    /// A date not in yyyy-MM-dd.
    pub invalid_time_format: i64,
    /// from_date after to_date.
    pub from_after_to: i64,
    /// Feishu's own failure, worth retrying.
    pub internal_error: i64,
    /// A page token Feishu did not issue for this query.
    pub invalid_page_token: i64,
    /// A page size out of range, where the endpoint documents a code for it.
    pub invalid_page_size: Option<i64>,
}

/// `workplace_block_access_data/search`.
pub const BLOCK_ACCESS_CODES: SearchCodes = SearchCodes {
    invalid_time_format: 1_629_001,
    from_after_to: 1_629_002,
    internal_error: 1_629_004,
    invalid_page_token: 1_629_005,
    invalid_page_size: Some(1_629_006),
};

/// `workplace_access_data/search` (documented with HTTP 400).
pub const WORKPLACE_ACCESS_CODES: SearchCodes = SearchCodes {
    invalid_time_format: 1_628_001,
    from_after_to: 1_628_002,
    internal_error: 1_628_003,
    invalid_page_token: 1_628_004,
    invalid_page_size: None,
};

/// `custom_workplace_access_data/search`: the same meanings as 1628001–1628004.
pub const CUSTOM_WORKPLACE_ACCESS_CODES: SearchCodes = SearchCodes {
    invalid_time_format: 1_621_001,
    from_after_to: 1_621_002,
    internal_error: 1_621_003,
    invalid_page_token: 1_621_004,
    invalid_page_size: None,
};

/// Whose codes an answer may carry besides the generic ones.
#[derive(Clone, Copy)]
pub(crate) enum Codes<'a> {
    /// Only the generic 9999xxxx codes.
    Generic,
    /// A search endpoint's own codes.
    Search(&'a SearchCodes),
    /// The messaging codes (230xxx, 232xxx).
    Messages,
    /// The chat list's codes (232025).
    ChatList,
}

impl FeishuError {
    /// Maps a non-zero code of a search endpoint to its variant: the endpoint's own
    /// codes (`endpoint`), then the generic ones ([`FeishuError::from_code`]).
    pub fn from_search_code(endpoint: &SearchCodes, code: i64, msg: String, retry_after: Option<Duration>) -> Self {
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
        match code {
            RATE_LIMITED => Self::RateLimited { retry_after: retry_after.unwrap_or(Duration::from_secs(1)), msg },
            IP_NOT_ALLOWED => Self::IpNotAllowed { msg },
            QUOTA_EXHAUSTED => Self::QuotaExhausted { msg },
            MISSING_TOKEN => Self::MissingToken { msg },
            TENANT_TOKEN_INVALID | APP_TOKEN_INVALID | TENANT_TOKEN_INVALID_2 | TOKEN_FORMAT_WRONG => {
                Self::TenantTokenRejected { code, msg }
            }
            USER_TOKEN_INVALID | USER_TOKEN_EXPIRED => Self::UserTokenInvalid { code, msg },
            MISSING_SCOPE => Self::MissingScope { scope: scope_named_in(&msg).unwrap_or(BLOCK_ACCESS_SCOPE).to_owned(), msg },
            APP_UNAVAILABLE => Self::AppUnavailable { msg },
            USER_NOT_AUTHORISED => Self::UserNotAuthorised { msg },
            _ => Self::Upstream { code, msg },
        }
    }

    /// The Feishu code behind this error, if Feishu answered with one.
    pub fn code(&self) -> Option<i64> {
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
    msg.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))).find(|word| {
        word.starts_with(|c: char| c.is_ascii_alphabetic()) && word.contains(':') && word.split(':').all(|part| !part.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn scope_is_parsed_from_feishu_message() {
        let msg = "Access denied. One of the following scopes is required: \
                   [workplace:workplace_using_data:read].应用尚未开通所需的应用身份权限：\
                   https://open.feishu.cn/app/cli_a/auth?q=workplace:workplace_using_data:read";
        assert_eq!(scope_named_in(msg), Some("workplace:workplace_using_data:read"));
        assert_eq!(scope_named_in("Access denied"), None);
        let error = FeishuError::from_code(codes::MISSING_SCOPE, "denied".into(), None);
        assert!(matches!(&error, FeishuError::MissingScope { scope, .. } if scope == BLOCK_ACCESS_SCOPE));
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
        use codes::*;
        for endpoint in [BLOCK_ACCESS_CODES, WORKPLACE_ACCESS_CODES, CUSTOM_WORKPLACE_ACCESS_CODES] {
            let own =
                [endpoint.invalid_time_format, endpoint.from_after_to, endpoint.internal_error, endpoint.invalid_page_token];
            for code in own.into_iter().chain(endpoint.invalid_page_size) {
                let error = FeishuError::from_search_code(&endpoint, code, "m".into(), None);
                assert_eq!(error.code(), Some(code));
                assert!(!matches!(error, FeishuError::Upstream { .. }), "{code} has its own variant");
                assert!(error.to_string().contains(&code.to_string()), "{error}");
            }
            // Another endpoint's codes are not this one's: shown as unknown, with the code.
            assert!(matches!(
                FeishuError::from_search_code(&endpoint, 1_620_001, "m".into(), None),
                FeishuError::Upstream { code: 1_620_001, .. }
            ));
        }
        let internal = FeishuError::from_search_code(&WORKPLACE_ACCESS_CODES, 1_628_003, "m".into(), None);
        assert!(internal.is_retryable(), "each endpoint's internal error is retried");
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
