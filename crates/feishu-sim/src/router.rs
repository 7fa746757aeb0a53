//! The HTTP surface: one route per Feishu endpoint the simulator speaks.
//! New endpoints get their handler module and a line here.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::endpoints::SimEndpoint;
use crate::jssdk::{JSSDK_CODE_PATH, JSSDK_SCRIPT_PATH};
use crate::oauth::{
    APP_TOKEN_PATH, AUTHORIZE_PATH, IS_USER_ADMIN_PATH, TENANT_QUERY_PATH, USER_INFO_PATH, USER_TOKEN_PATH, V1_USER_TOKEN_PATH,
};
use crate::state::SimState;
use crate::{auth, chat_list, chat_page, inspect, jssdk, messages, oauth, search};

/// Path of the custom app's tenant token endpoint.
pub const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// Path of the chat list (the chats the bot is in).
pub const CHATS_PATH: &str = "/open-apis/im/v1/chats";
/// Path of the message send endpoint.
pub const MESSAGES_PATH: &str = "/open-apis/im/v1/messages";

/// The route of one search endpoint: the one handler, told which endpoint it serves.
fn search_route(endpoint: SimEndpoint) -> axum::routing::MethodRouter<Arc<SimState>> {
    post(move |state, kill, headers, query| search::search(endpoint, state, kill, headers, query))
}

/// All routes, bound to `state`.
pub(crate) fn router(state: Arc<SimState>) -> Router {
    let searches = SimEndpoint::ALL
        .into_iter()
        .fold(Router::new(), |router, endpoint| router.route(endpoint.path(), search_route(endpoint)));
    searches
        .route(TENANT_TOKEN_PATH, post(auth::tenant_access_token))
        .route(AUTHORIZE_PATH, get(oauth::authorize))
        .route(APP_TOKEN_PATH, post(auth::app_access_token))
        .route(USER_TOKEN_PATH, post(oauth::token))
        .route(V1_USER_TOKEN_PATH, post(oauth::v1_access_token))
        .route(USER_INFO_PATH, get(oauth::user_info))
        .route(IS_USER_ADMIN_PATH, get(oauth::is_user_admin))
        .route(TENANT_QUERY_PATH, get(oauth::tenant_query))
        .route(CHATS_PATH, get(chat_list::list_chats))
        .route(MESSAGES_PATH, post(messages::send))
        .route("/_sim/health", get(inspect::health))
        .route("/_sim/ground_truth", get(inspect::ground_truth))
        .route("/_sim/ground_truth/workplace_access", get(inspect::workplace_ground_truth))
        .route("/_sim/ground_truth/custom_workplace_access", get(inspect::custom_workplace_ground_truth))
        .route("/_sim/workplaces", get(inspect::workplaces))
        .route("/_sim/anomalies", get(inspect::anomalies))
        .route("/_sim/faults", post(inspect::set_faults).delete(inspect::clear_faults))
        .route("/_sim/users", get(inspect::users))
        .route("/_sim/user_tokens/expire", post(inspect::expire_user_tokens))
        .route("/_sim/avatar/{open_id}", get(oauth::avatar))
        .route(JSSDK_SCRIPT_PATH, get(jssdk::script).options(jssdk::preflight))
        .route(JSSDK_CODE_PATH, post(jssdk::code).options(jssdk::preflight))
        .route("/_sim/chats", get(chat_page::chats_json))
        .route("/_sim/chats.html", get(chat_page::chats_index))
        .route("/_sim/chats/{chat_id}", get(chat_page::chat_page))
        .route("/_sim/chat_avatar/{chat_id}", get(chat_list::chat_avatar))
        .fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found") })
        .with_state(state)
}
