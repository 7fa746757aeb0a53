//! Login with Feishu: OAuth 2 authorization code with PKCE, the person's
//! profile, and the app-admin check. Written from the platform notes
//! ("Login with Feishu"); where they are silent, the choices are documented
//! on each endpoint's module and in the crate docs.
//!
//! The flow, as the dashboard runs it against the simulator:
//!
//! 1. the browser goes to [`AUTHORIZE_PATH`] with the app's id, redirect_uri,
//!    state and an S256 code_challenge; a person is chosen (on the page, by
//!    `login_hint`, or by [`crate::SimConfig::login_as`]) and the browser is
//!    sent back to `redirect_uri?code=…&state=…`;
//! 2. the app's server posts the code and the code_verifier to
//!    [`USER_TOKEN_PATH`] and gets a user access token (`u-…`);
//! 3. it asks [`USER_INFO_PATH`] who that is (open_id, names, email …), and
//!    may ask [`IS_USER_ADMIN_PATH`] with its tenant token whether the person
//!    administers the app.

mod admin;
mod authorize;
mod page;
mod pkce;
mod tenant;
mod token;
mod user_info;
mod v1_token;

pub(crate) use admin::is_user_admin;
pub(crate) use authorize::authorize;
pub(crate) use page::{BANNER, escape};
pub(crate) use tenant::tenant_query;
pub(crate) use token::token;
pub(crate) use user_info::{avatar, user_info};
pub(crate) use v1_token::v1_access_token;

/// Path of the login page (on Feishu served by accounts.feishu.cn).
pub const AUTHORIZE_PATH: &str = "/open-apis/authen/v1/authorize";
/// Path of the endpoint that trades a code or refresh token for a user access token.
pub const USER_TOKEN_PATH: &str = "/open-apis/authen/v2/oauth/token";
/// Path of the older endpoint that trades a code of `tt.requestAuthCode` for a user
/// access token, with an app access token.
pub const V1_USER_TOKEN_PATH: &str = "/open-apis/authen/v1/access_token";
/// Path of the custom app's app access token endpoint.
pub const APP_TOKEN_PATH: &str = "/open-apis/auth/v3/app_access_token/internal";
/// Path of the endpoint that describes the person behind a user access token.
pub const USER_INFO_PATH: &str = "/open-apis/authen/v1/user_info";
/// Path of the endpoint that tells whether a person administers the app.
pub const IS_USER_ADMIN_PATH: &str = "/open-apis/application/v3/is_user_admin";
/// The field scope without which `user_info` leaves out `email`.
pub const EMAIL_SCOPE: &str = "contact:user.email:readonly";
/// The field scope without which `user_info` leaves out `enterprise_email`.
pub const EMPLOYEE_SCOPE: &str = "contact:user.employee:readonly";
/// The field scope without which `user_info` leaves out `user_id`.
pub const EMPLOYEE_ID_SCOPE: &str = "contact:user.employee_id:readonly";
/// Path of the endpoint that describes the app's tenant (with a tenant token).
pub const TENANT_QUERY_PATH: &str = "/open-apis/tenant/v2/tenant/query";
/// The scope that makes the token endpoint add a refresh token.
pub const OFFLINE_ACCESS_SCOPE: &str = crate::login_grants::OFFLINE_ACCESS;
