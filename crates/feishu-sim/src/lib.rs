//! A Feishu (Lark) open platform simulator, written from the public docs, for
//! tests, benchmarks and the demo: it speaks the same HTTP as Feishu for
//!
//! - `POST /open-apis/auth/v3/tenant_access_token/internal` (tenant tokens) and
//!   `POST /open-apis/auth/v3/app_access_token/internal` (app tokens),
//! - `POST /open-apis/workplace/v1/workplace_block_access_data/search`
//!   (pv and uv per block per day, paged),
//! - `POST /open-apis/workplace/v1/workplace_access_data/search` (all workplaces
//!   and the default one per day) and
//!   `POST /open-apis/workplace/v1/custom_workplace_access_data/search` (per custom
//!   workplace per day, with its names), each with its own codes and rate limit
//!   ([`SimEndpoint`]; the tenant's custom workplaces hold its blocks), and
//! - Login with Feishu (OAuth 2 authorization code with PKCE):
//!   `GET /open-apis/authen/v1/authorize` (a login page listing the tenant's
//!   people, [`SimUser`]), `POST /open-apis/authen/v2/oauth/token`,
//!   `GET /open-apis/authen/v1/user_info` (e-mail only with the contact field
//!   scopes granted, [`SimConfig::contact_scopes_held`]; a guest of another
//!   tenant, [`demo_guest`], with their own `tenant_key`),
//!   `GET /open-apis/application/v3/is_user_admin` and
//!   `GET /open-apis/tenant/v2/tenant/query` (the app's tenant), all on the one base URL
//!   (Feishu serves the first on accounts.feishu.cn, the rest on open.feishu.cn),
//! - signing in inside the Feishu client: `GET /_sim/jssdk.js`, a stand-in for
//!   Feishu's H5 JSSDK (`window.h5sdk`, `tt.requestAccess`,
//!   `tt.requestAuthCode`): a `requestAccess` code is traded at the v2 token
//!   endpoint without redirect_uri or PKCE, a `requestAuthCode` code only at
//!   `POST /open-apis/authen/v1/access_token` with an app access token ("Inside
//!   the Feishu client" below),
//! - bot messages, for the weekly digest card: `GET /open-apis/im/v1/chats`
//!   (the chats the bot is in, paged, [`SimChat`]) and
//!   `POST /open-apis/im/v1/messages?receive_id_type=chat_id` (a card or a
//!   text to a chat, with Feishu's limits, refusals and `uuid`
//!   de-duplication; accepted messages are kept, [`SimMessage`]),
//!
//! serves a deterministic synthetic tenant ([`Dataset`]: 60 blocks on six headquarters
//! workplaces by default; a larger one adds a regional or departmental workplace per 25
//! further blocks, with a long tail of blocks hardly anyone opens) and can misbehave on
//! demand ([`Faults`]): latency, spikes, 1629004, gateway 5xx, dropped
//! connections, forced error codes, expired tokens, and the 20/s rate limit.
//!
//! Outside Feishu's API, `GET /_sim/health` and `GET /_sim/ground_truth` (with
//! `/workplace_access` and `/custom_workplace_access` for the sibling endpoints) let
//! tests that reach the simulator only over HTTP read its "today" and its ground
//! truth; `GET /_sim/workplaces` lists the custom workplaces and their blocks;
//! `GET /_sim/users` lists the people who can log in, `POST /_sim/user_tokens/expire`
//! expires every user access token, and `GET /_sim/avatar/{open_id}` serves the
//! pictures `user_info` points at. `GET /_sim/chats` answers every chat with the
//! messages it received (the ground truth of sends; also
//! [`SimHandle::chats_with_messages`]), `GET /_sim/chats/{chat_id}` shows one
//! chat's messages newest first, each card rendered by `feishu_card` as the
//! dashboard's preview renders it (`GET /_sim/chats.html` lists those pages).
//!
//! # Choices where Feishu's docs are silent
//!
//! - Token endpoint failures answer HTTP 400: 10003 "invalid param" for a body
//!   that is not JSON, a missing or empty field or an unknown app_id; 10014
//!   "app secret invalid" for a wrong secret.
//! - Token reuse: the same token comes back while at least
//!   `min(30 min, token_ttl / 4)` of it is left (30 min for the real 2 h),
//!   with `expire` = whole seconds left, rounded down; otherwise a new token,
//!   the old one staying valid until its own expiry.
//! - Search: 99991661 (no or malformed `Authorization: Bearer …`) and 99991663
//!   (unknown or expired token) both answer HTTP 400, as Feishu's gateway does.
//! - Search checks, in order: header, token, rate limit (decided on arrival),
//!   then, after the simulated delay, the fault knobs (see [`Faults`]), then
//!   from_date/to_date (1629001), from > to (1629002), page_size (1629006),
//!   page_token (1629005). An empty `page_size=` is invalid; an empty
//!   `page_token=` or `block_id=` counts as absent. Only the first value of a
//!   repeated parameter counts. An unknown block_id or a range without data
//!   answers success with no items. There is no limit on the range's length.
//! - Rate limit: per endpoint and app, only requests with a valid token count (others cannot
//!   be attributed to an app), refused ones included; HTTP 429 code 99991400.
//! - Page tokens: URL-safe base64 of the item offset and a keyed SHA-256 tag
//!   of (from_date, to_date, block_id, offset); the key is random per
//!   simulator, so tokens die with it. The offset counts items, so the page
//!   size may change between pages.
//! - Success bodies are compact JSON with keys in alphabetical order.
//!
//! ## Login with Feishu
//!
//! - Authorize insists on `state` and on PKCE with S256 (Feishu makes both
//!   optional); an unsound request (wrong client_id, redirect_uri not an
//!   absolute http(s) URL or with a fragment, response_type other than
//!   `code`, no state, no or `plain` PKCE, a challenge that is not 43
//!   base64url characters) gets an HTTP 400 page saying why, never a redirect.
//!   The app's redirect_uri is not checked against a registered list.
//! - The page is one GET form: each person's button adds `login_hint=<open_id>`
//!   and cancel adds `cancel=1` (redirect with `error=access_denied&state=…`).
//!   `login_hint` on the first request, or [`SimConfig::login_as`], signs that
//!   person in at once (a simulator shortcut; an unknown open_id is a 400 page).
//! - Codes: 32 hex digits, [`SimConfig::oauth_code_ttl`] (5 min), single use.
//!   The first exchange that presents a code with valid client credentials
//!   and every field spends it, even if the redirect_uri or verifier is then
//!   found wrong; presenting it again answers 20065 and revokes every token
//!   issued from it (RFC 6749 §4.1.2).
//! - Token endpoint: JSON body only; every failure is HTTP 400 with `code`,
//!   `error` and `error_description` (table in the `oauth::token` module:
//!   20001 invalid_request, 20002 invalid_client, 20003/20004/20065 unknown,
//!   expired, used code, 20071 redirect_uri mismatch, 20049 verifier
//!   mismatch, 20010 person may not use the app, 20026/20037/20064 refresh
//!   token unknown, expired, reused, 20036 unsupported_grant_type). Only 20010
//!   is confirmed by the platform notes; decide on `error`.
//! - Access tokens `u-…` live [`SimConfig::user_token_ttl`]; the answer's
//!   `scope` is the requested one (whitespace collapsed, maybe empty); a
//!   refresh token `ur-…` ([`SimConfig::refresh_token_ttl`]) comes only with
//!   `offline_access`. A refresh rotates it: the old refresh token dies (reusing
//!   it answers 20064 and revokes the login), the old access token lives on
//!   until its expiry.
//! - user_info: 99991661 (HTTP 400) without a bearer token, 99991668 (HTTP 401)
//!   for an unknown or revoked token or a tenant token, 99991677 (HTTP 401)
//!   for an expired one. `email`, `enterprise_email` and `user_id` are left out
//!   when the person has none (the app is taken to hold their scopes);
//!   `avatar_*` point at the simulator.
//! - is_user_admin: tenant token only (99991661 / 99991663 as on search, HTTP
//!   400), 99992402 without `open_id`, `false` for an open_id not in the
//!   directory; no rate limit, no faults.
//!
//! ## Inside the Feishu client (the JSSDK stand-in)
//!
//! - The script ([`JSSDK_SCRIPT_PATH`]) and its `POST /_sim/jssdk/code`
//!   ([`JSSDK_CODE_PATH`], CORS open) are described on the `jssdk` module:
//!   the checks and errnos (103 old client, 2700002 refused, 1 the
//!   stand-in's own for a call it cannot serve), the
//!   knobs [`Faults::jssdk_refuse`], [`Faults::jssdk_old_client`],
//!   [`Faults::jssdk_expire_codes`] and [`Faults::jssdk_unavailable`] (also
//!   through `POST /_sim/faults`), and whom the code is for (`open_id`, else
//!   [`SimConfig::login_as`], else the directory's first person).
//! - Its codes are single use and live [`SimConfig::jssdk_code_ttl`] (3 min);
//!   the token endpoint takes them without `redirect_uri` and `code_verifier`
//!   (ignoring them if sent), while a code of the authorize page still needs
//!   both. Every other rule of the code exchange (20003/20004/20065, 20010,
//!   the revocation on replay) is the same.
//!
//! ## Bot messages
//!
//! - The order of the send's checks and every code it answers are on the
//!   `messages` module; the card checks and their 230099 sub-codes (in `msg`
//!   as `ErrCode: N; ErrMsg: …; ErrorValue: <path>; `) on `messages::card`.
//!   In short: 99991661/99991663, 99991400 (50/s and 1000/min per app, HTTP
//!   429 with headers), [`Faults::message_forced`], 99992402 (body not JSON,
//!   no receive_id), 230020 (5/s per chat, HTTP 400, no headers), 99992402
//!   (receive_id_type not chat_id, uuid over 50 characters), 230006, 99991672,
//!   230001 (no such chat: Feishu's "invalid request parameter"), 230002,
//!   99992402 (msg_type not interactive or text), 230025 (a request body over
//!   30,000 bytes: the card counts escaped), 230099/200621 (card not JSON; 230001 for a text), then the card:
//!   200621 (schema other than "2.0": the simulator refuses 1.0 cards Feishu
//!   would take, since the dashboard sends 2.0 only), 11310 (over 200
//!   elements, counted recursively), 11311/11312 (over 5 tables/charts),
//!   200861 (`note`, `action`), 200550 (chart without chart_spec), 11313
//!   (table page_size outside 1–10), 11314 (table columns: none, over 50,
//!   unnamed, repeated), 200914 (row not an object or naming an undeclared
//!   column), 200915 (value not fitting its column's data_type). The 113xx
//!   sub-codes are the simulator's own: the notes give the limits, not codes.
//! - Limits count every request with a valid token at arrival, refused ones
//!   too; the per-chat one counts by `receive_id`, before the chat is looked up.
//! - `uuid` de-duplication is per (chat, uuid) for an hour of real time,
//!   decided after every other check: a duplicate answers success with the
//!   first message's data (its content too) and keeps nothing. An empty
//!   `uuid` counts as none.
//! - Only `receive_id_type=chat_id` and `msg_type` `interactive` or `text`
//!   are served; a text's content must be `{"text": "…"}`.
//! - The chat list: without the bot capability 232025 (the chat API's code
//!   for it), without the scope 99991672 naming `im:chat:readonly`; page_size
//!   1–100 (default 20) and page_token else 99992402; `page_token` is `""` on
//!   the last page; every chat's owner is the directory's first person.
//! - [`Faults::message_delay`] delays the answer after the message is kept:
//!   a sender stopped meanwhile has sent it without knowing its id.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use feishu_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("point the client at {}", sim.base_url());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod anomalies;
mod api;
mod auth;
mod blocks;
mod chat_list;
mod chat_page;
mod chats;
mod config;
mod data;
mod days;
mod demo_names;
mod endpoints;
mod faults;
mod inspect;
mod jssdk;
mod login_grants;
mod message_store;
mod messages;
mod oauth;
mod paging;
mod rate;
mod regions;
mod router;
mod search;
mod server;
mod state;
mod stats;
mod synth;
mod tokens;
mod users;
mod workplaces;

pub use anomalies::{Anomaly, PlantedAnomaly, demo_anomalies};
pub use api::{RATE_LIMIT_HEADER, RATE_RESET_HEADER};
pub use blocks::BlockProfile;
pub use chats::{DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_WITHOUT_BOT, SimChat, demo_chats};
pub use config::{CHAT_READ_SCOPE, Faults, ForcedAnswer, MESSAGE_SEND_SCOPE, SimConfig, WORKPLACE_DATA_SCOPE, shanghai_today};
pub use data::{AccessRow, Dataset};
pub use demo_names::DemoBlockName;
pub use endpoints::{BLOCK_ACCESS_SEARCH_PATH, CUSTOM_WORKPLACE_ACCESS_SEARCH_PATH, SimEndpoint, WORKPLACE_ACCESS_SEARCH_PATH};
pub use jssdk::{JSSDK_CODE_PATH, JSSDK_SCRIPT_PATH};
pub use message_store::{ChatMessages, SimMessage, UUID_DEDUP_WINDOW};
pub use messages::{MAX_BODY_BYTES, MAX_UUID_CHARS};
pub use oauth::{
    APP_TOKEN_PATH, AUTHORIZE_PATH, EMAIL_SCOPE, EMPLOYEE_ID_SCOPE, EMPLOYEE_SCOPE, IS_USER_ADMIN_PATH, OFFLINE_ACCESS_SCOPE,
    TENANT_QUERY_PATH, USER_INFO_PATH, USER_TOKEN_PATH, V1_USER_TOKEN_PATH,
};
pub use router::{CHATS_PATH, MESSAGES_PATH, TENANT_TOKEN_PATH};
pub use server::{SimHandle, Simulator};
pub use stats::{LoginStats, Outcome, RequestRecord, SearchParams, SimStats};
pub use users::{
    DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID, DEMO_NO_EMAIL_OPEN_ID, SimUser, demo_guest, demo_tenant_key,
    demo_users,
};
pub use workplaces::{CustomWorkplaceRow, SimVisits, WorkplaceProfile, WorkplaceRow};
