//! Feishu's answer codes that the client treats specially.

/// Success.
pub const OK: i64 = 0;
// Each search endpoint's own codes are in [`crate::SearchCodes`] (for example
// [`crate::BLOCK_ACCESS_CODES`]).
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
