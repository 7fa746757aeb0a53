//! `GET /open-apis/authen/v1/user_info`: who a user access token belongs to,
//! and `GET /_sim/avatar/{open_id}`, the picture its `avatar_url` points at.
//!
//! No or a malformed `Authorization: Bearer …` answers 99991661 (HTTP 400, as
//! the gateway does elsewhere); a token this simulator never issued, a
//! revoked one or a tenant token 99991668, an expired one 99991677 (both
//! HTTP 401). `tenant_key` is the person's tenant: the simulated one, or a
//! guest's own ([`SimUser::tenant_key`]).
//!
//! The field scopes, as Feishu documents them: `email` only when the token was
//! granted `contact:user.email:readonly`, `enterprise_email` only with
//! `contact:user.employee:readonly`, `user_id` only with
//! `contact:user.employee_id:readonly` — granted means asked for at sign-in (the
//! authorize request's `scope`, `tt.requestAccess`'s `scopeList`; a code of
//! `tt.requestAuthCode` asks for none) while the app holds them
//! ([`crate::SimConfig::contact_scopes_held`]). Feishu's doc says the fields come
//! back "only when the app holds the scope" without saying whether the user must
//! also grant it; the strict reading (both) is the one an app can rely on.
//! Without them, or when the person has none, the fields are left out.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{EMAIL_SCOPE, EMPLOYEE_ID_SCOPE, EMPLOYEE_SCOPE};
use crate::api::{ApiError, bearer_token, json_answer};
use crate::login_grants::TokenRefusal;
use crate::state::SimState;
use crate::stats::LoginEvent;
use crate::users::SimUser;

pub(crate) async fn user_info(State(state): State<Arc<SimState>>, headers: HeaderMap) -> Response {
    state.recorder.login(LoginEvent::UserInfo);
    match person(&state, &headers) {
        Ok((user, scope)) => {
            let avatar = format!("{}/_sim/avatar/{}", state.base_url, user.open_id);
            let mut data = json!({
                "name": user.name,
                "en_name": user.en_name,
                "avatar_url": avatar,
                "avatar_thumb": avatar,
                "avatar_middle": avatar,
                "avatar_big": avatar,
                "open_id": user.open_id,
                "union_id": user.union_id,
                "tenant_key": user.tenant_key.as_deref().unwrap_or(&state.config.tenant_key),
            });
            let granted = |wanted: &str| state.config.contact_scopes_held && scope.split(' ').any(|scope| scope == wanted);
            for (key, value, needs) in [
                ("email", &user.email, EMAIL_SCOPE),
                ("enterprise_email", &user.enterprise_email, EMPLOYEE_SCOPE),
                ("user_id", &user.user_id, EMPLOYEE_ID_SCOPE),
            ] {
                if let Some(value) = value.as_ref().filter(|_| granted(needs)) {
                    data[key] = json!(value);
                }
            }
            json_answer(200, json!({ "code": 0, "msg": "success", "data": data }))
        }
        Err(error) => {
            tracing::debug!(code = error.code, "user_info refused");
            error.into_response()
        }
    }
}

/// The person behind the bearer token, and the scopes they granted.
fn person<'a>(state: &'a SimState, headers: &HeaderMap) -> Result<(&'a SimUser, String), ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::missing_token)?;
    let owner = state.login.owner_of(token, Instant::now()).map_err(|refusal| match refusal {
        TokenRefusal::Expired => ApiError::expired_user_token(),
        TokenRefusal::Unknown | TokenRefusal::AlreadyUsed => ApiError::invalid_user_token(),
    })?;
    let user = state.config.users.iter().find(|user| user.open_id == owner.open_id).ok_or_else(ApiError::invalid_user_token)?;
    Ok((user, owner.scope))
}

/// `GET /_sim/avatar/{open_id}`: a round SVG badge with the person's initials.
pub(crate) async fn avatar(State(state): State<Arc<SimState>>, Path(open_id): Path<String>) -> Response {
    let Some(user) = state.config.users.iter().find(|user| user.open_id == open_id) else {
        return (StatusCode::NOT_FOUND, "no such person").into_response();
    };
    let initials: String = user.en_name.split_whitespace().filter_map(|word| word.chars().next()).take(2).collect();
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="{initials}"><circle cx="48" cy="48" r="48" fill="#3370ff"/><text x="48" y="60" font-family="sans-serif" font-size="36" fill="#fff" text-anchor="middle">{initials}</text></svg>"##
    );
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response()
}
