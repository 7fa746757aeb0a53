//! Test-only routes under `/_sim/`, outside Feishu's API: they let end-to-end tests
//! (which see the simulator only over HTTP) read its ground truth, health and
//! people, force faults and expire user tokens. The chats' messages are in
//! [`crate::chat_page`].

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::state::SimState;

/// `GET /_sim/health`: alive, and the last day with data.
pub(crate) async fn health(State(state): State<Arc<SimState>>) -> Response {
    Json(json!({ "ok": true, "today": state.dataset.today().to_string(), "blocks": state.dataset.blocks().len() }))
        .into_response()
}

#[derive(Deserialize)]
pub(crate) struct TruthParams {
    from_date: String,
    to_date: String,
    block_id: Option<String>,
    custom_workplace_id: Option<String>,
}

impl TruthParams {
    /// The range, or what to fix (answered 400 by [`Refused`]'s `IntoResponse`).
    fn range(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Refused> {
        let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        match (parse(&self.from_date), parse(&self.to_date)) {
            (Some(from), Some(to)) => Ok((from, to)),
            _ => Err(Refused("from_date and to_date must be YYYY-MM-DD")),
        }
    }
}

/// A request to the simulator's inspection routes that says what to fix: 400.
struct Refused(&'static str);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.0).into_response()
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// `GET /_sim/ground_truth?from_date&to_date[&block_id]`: every item Feishu would return.
pub(crate) async fn ground_truth(State(state): State<Arc<SimState>>, Query(p): Query<TruthParams>) -> Response {
    match p.range() {
        Ok((from, to)) => Json(json!({ "items": state.dataset.ground_truth(from, to, non_empty(&p.block_id)) })).into_response(),
        Err(refused) => refused.into_response(),
    }
}

/// `GET /_sim/ground_truth/workplace_access?from_date&to_date`: every day of the
/// workplace totals Feishu would return.
pub(crate) async fn workplace_ground_truth(State(state): State<Arc<SimState>>, Query(p): Query<TruthParams>) -> Response {
    match p.range() {
        Ok((from, to)) => Json(json!({ "items": state.dataset.workplace_ground_truth(from, to) })).into_response(),
        Err(refused) => refused.into_response(),
    }
}

/// `GET /_sim/ground_truth/custom_workplace_access?from_date&to_date[&custom_workplace_id]`.
pub(crate) async fn custom_workplace_ground_truth(State(state): State<Arc<SimState>>, Query(p): Query<TruthParams>) -> Response {
    match p.range() {
        Ok((from, to)) => {
            let items = state.dataset.custom_workplace_ground_truth(from, to, non_empty(&p.custom_workplace_id));
            Json(json!({ "items": items })).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

/// `GET /_sim/workplaces`: the custom workplaces with their names and the ids of
/// their blocks (what an admin reads in the workplace editor).
pub(crate) async fn workplaces(State(state): State<Arc<SimState>>) -> Response {
    let dataset = &state.dataset;
    let workplaces: Vec<_> = dataset
        .workplaces()
        .iter()
        .map(|workplace| {
            let blocks: Vec<&str> =
                dataset.blocks().iter().filter(|b| b.workplace_id == workplace.id).map(|b| b.id.as_str()).collect();
            json!({ "id": workplace.id, "names": workplace.names, "blocks": blocks })
        })
        .collect();
    Json(json!({ "workplaces": workplaces })).into_response()
}

/// `GET /_sim/anomalies`: the anomalies planted in the data, with their blocks' ids.
pub(crate) async fn anomalies(State(state): State<Arc<SimState>>) -> Response {
    Json(json!({ "anomalies": state.dataset.planted() })).into_response()
}

/// The body of `POST /_sim/faults`. Every field is optional; only those sent change.
#[derive(Deserialize)]
pub(crate) struct ForceParams {
    #[serde(default)]
    code: i64,
    #[serde(default = "default_status")]
    http_status: u16,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    latency_ms: Option<u64>,
    #[serde(default)]
    bot_disabled: Option<bool>,
    #[serde(default)]
    message_scope_missing: Option<bool>,
    #[serde(default)]
    message_delay_ms: Option<u64>,
    #[serde(default)]
    message_forced: Option<MessageForced>,
    #[serde(default)]
    jssdk_refuse: Option<bool>,
    #[serde(default)]
    jssdk_old_client: Option<bool>,
    #[serde(default)]
    jssdk_expire_codes: Option<bool>,
    #[serde(default)]
    jssdk_unavailable: Option<bool>,
}

/// A forced answer of the message endpoint.
#[derive(Deserialize)]
pub(crate) struct MessageForced {
    code: i64,
    #[serde(default = "default_status")]
    http_status: u16,
    #[serde(default)]
    msg: String,
}

fn default_status() -> u16 {
    400
}

/// `POST /_sim/faults {"code", "http_status"?, "msg"?}`: every search answers that code
/// until `DELETE /_sim/faults`. `{"code": 0, "latency_ms": 200}` only changes the latency.
/// The bot message knobs: `{"bot_disabled": true}`, `{"message_scope_missing": true}`,
/// `{"message_delay_ms": 2000}`, `{"message_forced": {"code", "http_status"?, "msg"?}}`
/// (see [`crate::Faults`]); the JSSDK stand-in's: `{"jssdk_refuse": true}`,
/// `{"jssdk_old_client": true}`, `{"jssdk_expire_codes": true}`,
/// `{"jssdk_unavailable": true}` (`false` turns one off); any mix of them, each
/// field changing only its knob.
pub(crate) async fn set_faults(State(state): State<Arc<SimState>>, Json(p): Json<ForceParams>) -> Response {
    let mut faults = state.faults();
    if p.code != 0 {
        let msg = if p.msg.is_empty() {
            match p.code {
                99991672 => crate::ForcedAnswer::missing_scope(&state.config.app_id).msg,
                _ => format!("simulated error {}", p.code),
            }
        } else {
            p.msg
        };
        faults.forced = Some(crate::ForcedAnswer { code: p.code, http_status: p.http_status, msg });
    }
    if let Some(ms) = p.latency_ms {
        faults.latency = std::time::Duration::from_millis(ms);
    }
    if let Some(disabled) = p.bot_disabled {
        faults.bot_disabled = disabled;
    }
    if let Some(missing) = p.message_scope_missing {
        faults.message_scope_missing = missing;
    }
    if let Some(ms) = p.message_delay_ms {
        faults.message_delay = std::time::Duration::from_millis(ms);
    }
    if let Some(forced) = p.message_forced {
        let msg = if forced.msg.is_empty() { format!("simulated error {}", forced.code) } else { forced.msg };
        faults.message_forced = Some(crate::ForcedAnswer { code: forced.code, http_status: forced.http_status, msg });
    }
    let knobs = [
        (p.jssdk_refuse, &mut faults.jssdk_refuse),
        (p.jssdk_old_client, &mut faults.jssdk_old_client),
        (p.jssdk_expire_codes, &mut faults.jssdk_expire_codes),
        (p.jssdk_unavailable, &mut faults.jssdk_unavailable),
    ];
    for (wanted, knob) in knobs {
        if let Some(on) = wanted {
            *knob = on;
        }
    }
    state.set_faults(faults);
    StatusCode::NO_CONTENT.into_response()
}

/// `DELETE /_sim/faults`: back to the faults the simulator started with.
pub(crate) async fn clear_faults(State(state): State<Arc<SimState>>) -> Response {
    state.set_faults(state.config.faults.clone());
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_sim/users`: the people who can log in, with their ids and roles,
/// for tests that reach the simulator only over HTTP.
pub(crate) async fn users(State(state): State<Arc<SimState>>) -> Response {
    Json(json!({ "tenant_key": state.config.tenant_key, "users": state.config.users })).into_response()
}

/// `POST /_sim/user_tokens/expire`: every user access token expires now
/// (see [`crate::SimHandle::expire_user_tokens`]).
pub(crate) async fn expire_user_tokens(State(state): State<Arc<SimState>>) -> Response {
    state.login.expire_access_tokens(std::time::Instant::now());
    StatusCode::NO_CONTENT.into_response()
}
