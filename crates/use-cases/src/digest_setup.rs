//! The digest's setup, for the dashboard's panel and `/api/v1/digests`: the chats the
//! bot is in with each one's schedule, the recent deliveries with what went wrong,
//! a preview of the card, and a test sent now: what the digests page and the API show.
//! The work (server only) is in [`ssr`].

use domain::WorkplaceId;
use serde::{Deserialize, Serialize};

/// Everything the setup panel shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DigestSetup {
    /// The chats the bot is in, then chats with a schedule it is no longer in.
    pub chats: Vec<ChatChoice>,
    /// Why the chat list could not be read (with what to do), when it could not.
    pub chats_error: Option<String>,
    /// Newest first.
    pub deliveries: Vec<DeliveryRow>,
    /// The tenant's time zone, that schedules are in.
    pub timezone: String,
    /// The custom workplaces a digest may be limited to: those Feishu reported to the
    /// dashboard, and any a schedule names that it has not.
    pub workplaces: Vec<WorkplaceChoice>,
}

/// A custom workplace a digest may cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkplaceChoice {
    pub id: WorkplaceId,
    /// Its names by language, as Feishu gives them (none when Feishu has not reported it).
    pub names: Vec<(String, String)>,
}

impl WorkplaceChoice {
    /// Its name in `language`, else in another language, else its id.
    pub fn name(&self, language: &str) -> String {
        self.id.name_in(&self.names, language)
    }
}

/// One chat and its digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatChoice {
    pub chat_id: String,
    pub name: String,
    pub description: String,
    /// False for a chat with a schedule that the bot has left.
    pub bot_is_in: bool,
    pub schedule: Option<ScheduleForm>,
    /// When the next digest goes, in the tenant's time zone (`2026-12-07 09:00`).
    pub next_at: Option<String>,
}

/// A schedule as the form and the API give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleForm {
    /// `zh` or `en`.
    pub language: String,
    /// `weekly` or `daily`.
    pub every: String,
    /// 1 (Monday) to 7 (Sunday); read for weekly schedules only.
    pub weekday: u8,
    /// 0 to 23, in the tenant's time zone.
    pub hour: u8,
    pub enabled: bool,
    /// What the digest covers: only these custom workplaces' blocks and these blocks;
    /// both empty, the whole tenant.
    #[serde(default)]
    pub custom_workplace_ids: Vec<String>,
    #[serde(default)]
    pub block_ids: Vec<String>,
}

impl Default for ScheduleForm {
    /// Mondays at nine, in Chinese, of the whole tenant.
    fn default() -> Self {
        Self {
            language: "zh".into(),
            every: "weekly".into(),
            weekday: 1,
            hour: 9,
            enabled: true,
            custom_workplace_ids: Vec::new(),
            block_ids: Vec::new(),
        }
    }
}

impl ScheduleForm {
    /// Whether the digest covers the whole tenant (no workplace nor block named).
    pub fn whole_tenant(&self) -> bool {
        self.custom_workplace_ids.iter().chain(&self.block_ids).all(|id| id.trim().is_empty())
    }
}

/// The settings page's choice of what a digest covers: `tenant`, or `scope` with the
/// workplaces ticked and the block ids typed (one field, ids separated by commas or
/// spaces). Answers the workplace ids and block ids of [`ScheduleForm`]; a choice that
/// contradicts itself is refused, saying what to fix, rather than read one way.
pub fn coverage_choice(covers: &str, workplaces: Vec<String>, blocks: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let blocks: Vec<String> =
        blocks.split([',', '，', '、', ';', ' ', '\n', '\t']).filter(|b| !b.is_empty()).map(str::to_owned).collect();
    let workplaces: Vec<String> = workplaces.into_iter().filter(|w| !w.trim().is_empty()).collect();
    match covers.trim() {
        "tenant" | "" if workplaces.is_empty() && blocks.is_empty() => Ok((Vec::new(), Vec::new())),
        "tenant" | "" => {
            Err("workplaces are ticked or block ids given, but the digest is set to cover the whole tenant: choose “only these” \
             to limit it to them, or clear them"
                .into())
        }
        "scope" if workplaces.is_empty() && blocks.is_empty() => {
            Err("the digest is set to cover only some workplaces and blocks, but none is ticked or given: tick a custom \
             workplace or give block ids, or choose the whole tenant"
                .into())
        }
        "scope" => Ok((workplaces, blocks)),
        other => Err(format!("covers={other:?} is not a choice of what the digest covers: use tenant or scope")),
    }
}

/// One delivery, as the panel lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub chat_id: String,
    pub chat_name: String,
    /// `2026-11-22..2026-11-28`.
    pub period: String,
    /// A test sent from the panel.
    pub test: bool,
    /// `sent`, `failed` or `claimed` (being sent).
    pub state: String,
    /// When it last changed, in the tenant's time zone.
    pub at: String,
    /// What went wrong and what to do, for a failure.
    pub error: Option<String>,
    pub error_code: Option<i64>,
    /// When a transient failure is tried again.
    pub retry_at: Option<String>,
    pub attempts: u32,
}

/// The weekday numbered `n` from 1 (Monday) to 7 (Sunday); Monday otherwise.
pub fn weekday(n: u8) -> chrono::Weekday {
    chrono::Weekday::try_from(n.wrapping_sub(1)).unwrap_or(chrono::Weekday::Mon)
}

/// The work behind the digests page and `/api/v1/digests`: the chats with their
/// schedules, the recent deliveries, saving and removing a schedule, a preview of the
/// card and a test sent now.
#[cfg(feature = "ssr")]
pub mod ssr {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Utc, Weekday};
    use domain::scope::Scope;
    use store::{Delivery, DeliveryState, DigestCadence, DigestLanguage, DigestSchedule};

    use super::{ChatChoice, DeliveryRow, DigestSetup, ScheduleForm, WorkplaceChoice};
    use crate::digests::engine::{RECENT_DELIVERIES, language_of, locale_of};
    use crate::digests::{Card, DigestError, Outcome, schedule};
    use crate::error::AppError;
    use crate::state::AppState;
    use i18n::Locale;

    fn local(state: &AppState, at: DateTime<Utc>) -> String {
        at.with_timezone(&state.view.timezone).format("%Y-%m-%d %H:%M").to_string()
    }

    fn bad(message: String) -> AppError {
        AppError::BadInput { message }
    }

    /// The form's schedule, or what to fix.
    pub fn cadence(form: &ScheduleForm) -> Result<(DigestCadence, DigestLanguage), AppError> {
        let language = Locale::parse(&form.language)
            .map(language_of)
            .ok_or_else(|| bad(format!("language {:?} is not one the digest speaks: use zh or en", form.language)))?;
        if form.hour > 23 {
            return Err(bad(format!("hour {} is not an hour of the day: use 0 to 23", form.hour)));
        }
        let cadence = match form.every.trim() {
            "weekly" => {
                let weekday = schedule::WEEKDAYS
                    .get(usize::from(form.weekday).wrapping_sub(1))
                    .copied()
                    .ok_or_else(|| bad(format!("weekday {} is not a weekday: use 1 (Monday) to 7 (Sunday)", form.weekday)))?;
                DigestCadence::Weekly { weekday, hour: form.hour }
            }
            "daily" => DigestCadence::Daily { hour: form.hour },
            other => return Err(bad(format!("every={other:?} is not a schedule: use weekly or daily"))),
        };
        Ok((cadence, language))
    }

    /// What the form's digest covers: `None`, the whole tenant; else its scope, or what
    /// to fix in it (as [`Scope::parse`] says it).
    pub fn scope(form: &ScheduleForm) -> Result<Option<Scope>, AppError> {
        if form.whole_tenant() {
            return Ok(None);
        }
        let workplaces = form.custom_workplace_ids.iter().map(String::as_str);
        Scope::parse(workplaces, form.block_ids.iter().map(String::as_str)).map(Some).map_err(|why| bad(why.to_string()))
    }

    /// What the chat's saved digest covers (the whole tenant without a schedule).
    pub async fn saved_scope(state: &AppState, chat_id: &str) -> Result<Option<Scope>, AppError> {
        Ok(state.service.store().digest_schedule(chat_id.trim()).await?.and_then(|s| s.scope))
    }

    pub fn form_of(schedule: &DigestSchedule) -> ScheduleForm {
        let (every, weekday, hour) = match schedule.cadence {
            DigestCadence::Weekly { weekday, hour } => ("weekly", weekday_number(weekday), hour),
            DigestCadence::Daily { hour } => ("daily", 1, hour),
        };
        ScheduleForm {
            language: schedule.language.as_str().into(),
            every: every.into(),
            weekday,
            hour,
            enabled: schedule.enabled,
            custom_workplace_ids: schedule.scope.iter().flat_map(|s| &s.custom_workplace_ids).map(|w| w.to_string()).collect(),
            block_ids: schedule.scope.iter().flat_map(|s| &s.block_ids).map(|b| b.to_string()).collect(),
        }
    }

    fn weekday_number(weekday: Weekday) -> u8 {
        weekday.number_from_monday() as u8
    }

    /// The setup as the panel shows it; the chat list's failure is shown, not fatal.
    pub async fn setup(state: &AppState, refresh: bool) -> DigestSetup {
        let digests = &state.digests;
        let store = state.service.store();
        let (chats, chats_error) = match digests.chats(refresh).await {
            Ok(chats) => (chats.as_ref().clone(), None),
            Err(error) => (Vec::new(), Some(AppError::from(error).to_string())),
        };
        let schedules: BTreeMap<String, DigestSchedule> = match store.digest_schedules().await {
            Ok(list) => list.into_iter().map(|s| (s.chat_id.clone(), s)).collect(),
            Err(error) => {
                tracing::error!(%error, "could not read the digest schedules");
                BTreeMap::new()
            }
        };
        let now = digests.now();
        let next = |s: &DigestSchedule| s.enabled.then(|| local(state, schedule::next(s.cadence, state.view.timezone, now).at));
        let mut choices: Vec<ChatChoice> = chats
            .iter()
            .map(|chat| {
                let schedule = schedules.get(&chat.chat_id);
                ChatChoice {
                    chat_id: chat.chat_id.clone(),
                    name: chat.name.clone(),
                    description: chat.description.clone(),
                    bot_is_in: true,
                    schedule: schedule.map(form_of),
                    next_at: schedule.and_then(next),
                }
            })
            .collect();
        // Scheduled chats the list does not hold: the bot left them (or, when the list
        // could not be read, nobody knows, and they are not marked).
        for (id, s) in &schedules {
            if !chats.iter().any(|c| &c.chat_id == id) {
                choices.push(ChatChoice {
                    chat_id: id.clone(),
                    name: s.chat_name.clone(),
                    description: String::new(),
                    bot_is_in: chats_error.is_some(),
                    schedule: Some(form_of(s)),
                    next_at: next(s),
                });
            }
        }
        let names: BTreeMap<&str, &str> = choices.iter().map(|c| (c.chat_id.as_str(), c.name.as_str())).collect();
        let deliveries = store.recent_deliveries(None, RECENT_DELIVERIES).await.unwrap_or_else(|error| {
            tracing::error!(%error, "could not read the digest deliveries");
            Vec::new()
        });
        let deliveries = deliveries.iter().map(|d| delivery_row(state, d, names.get(d.chat_id.as_str()).copied())).collect();
        let workplaces = workplace_choices(state, schedules.values());
        DigestSetup { chats: choices, chats_error, deliveries, timezone: state.view.timezone.name().to_owned(), workplaces }
    }

    /// The custom workplaces Feishu reported, then those a schedule names that it has
    /// not (so that the form still shows them ticked), by id.
    fn workplace_choices<'a>(state: &AppState, schedules: impl Iterator<Item = &'a DigestSchedule>) -> Vec<WorkplaceChoice> {
        let mut choices: BTreeMap<_, _> = state.service.workplace_names().as_ref().clone();
        for id in schedules.flat_map(|s| s.scope.iter().flat_map(|scope| &scope.custom_workplace_ids)) {
            choices.entry(id.clone()).or_default();
        }
        choices.into_iter().map(|(id, names)| WorkplaceChoice { id, names }).collect()
    }

    pub fn delivery_row(state: &AppState, d: &Delivery, chat_name: Option<&str>) -> DeliveryRow {
        let test = d.period.starts_with("test:");
        // A test's key is `test:<ms>:<period>`; show the period.
        let period = if test { d.period.splitn(3, ':').nth(2).unwrap_or(&d.period).to_owned() } else { d.period.clone() };
        DeliveryRow {
            chat_id: d.chat_id.clone(),
            chat_name: chat_name.unwrap_or(&d.chat_id).to_owned(),
            period,
            test,
            state: d.state.as_str().to_owned(),
            at: local(state, d.updated_at),
            error: (d.state == DeliveryState::Failed).then(|| d.error_message.clone()).flatten(),
            error_code: (d.state == DeliveryState::Failed).then_some(d.error_code).flatten(),
            retry_at: (d.state == DeliveryState::Failed && !d.permanent)
                .then(|| d.next_attempt_at.map(|at| local(state, at)))
                .flatten(),
            attempts: d.attempts,
        }
    }

    /// Saves `chat_id`'s schedule: from now on, its digests go at the times it names.
    pub async fn save(
        state: &AppState,
        chat_id: &str,
        chat_name: &str,
        form: &ScheduleForm,
        by: &str,
    ) -> Result<DigestSchedule, AppError> {
        let (cadence, language) = cadence(form)?;
        let scope = scope(form)?;
        let chat_id = chat_id.trim();
        let known = state.digests.chats(false).await.ok();
        let listed = known.as_ref().and_then(|chats| chats.iter().find(|c| c.chat_id == chat_id).cloned());
        if known.is_some() && listed.is_none() && state.service.store().digest_schedule(chat_id).await?.is_none() {
            return Err(bad(format!(
                "the bot is not in the chat {chat_id:?}: add the app's bot to the chat in Feishu, or choose a chat from the list"
            )));
        }
        let name = listed.map(|c| c.name).unwrap_or_else(|| chat_name.trim().to_owned());
        let schedule = DigestSchedule {
            chat_id: chat_id.to_owned(),
            chat_name: if name.is_empty() { chat_id.to_owned() } else { name },
            language,
            cadence,
            enabled: form.enabled,
            scope,
            updated_by: by.to_owned(),
            updated_at: state.digests.now(),
        };
        state.service.store().save_digest_schedule(&schedule).await?;
        tracing::info!(chat_id, by, scoped = schedule.scope.is_some(), "saved a digest schedule");
        Ok(schedule)
    }

    pub async fn remove(state: &AppState, chat_id: &str) -> Result<bool, AppError> {
        Ok(state.service.store().remove_digest_schedule(chat_id.trim()).await?)
    }

    /// The card a schedule of `form` would send now.
    pub async fn preview(state: &AppState, form: &ScheduleForm) -> Result<Card, AppError> {
        let (cadence, language) = cadence(form)?;
        let scope = scope(form)?;
        state.digests.preview(cadence, locale_of(language), scope.as_ref()).await.map_err(refused)
    }

    /// A digest that could not be built, as the page and the API answer it.
    fn refused(error: DigestError) -> AppError {
        match error {
            DigestError::Service(error) => error.into(),
            DigestError::Store(error) => error.into(),
            DigestError::EmptyScope(message) => bad(message),
            DigestError::Busy => bad("a test of this chat is being sent; wait a moment".into()),
        }
    }

    /// The card as the simulator's chat page and the panel's preview draw it.
    pub fn card_html(card: &serde_json::Value) -> String {
        format!("<style>{}</style>{}", feishu_card::CARD_CSS, feishu_card::render_html(card))
    }

    /// Sends a test digest (of `scope`, or the whole tenant); a refusal is an error that
    /// says what to do.
    pub async fn send_test(state: &AppState, chat_id: &str, language: &str, scope: Option<&Scope>) -> Result<String, AppError> {
        let locale = Locale::parse(language)
            .ok_or_else(|| bad(format!("language {language:?} is not one the digest speaks: use zh or en")))?;
        match state.digests.send_test(chat_id.trim(), locale, scope).await {
            Ok(Outcome::Sent { message_id }) => Ok(message_id),
            Ok(Outcome::Failed { message, code: Some(code), .. }) => {
                let advice = feishu::FeishuError::from_message_code(code, String::new(), None).advice().to_owned();
                Err(AppError::Feishu { code: Some(code), message, advice })
            }
            Ok(Outcome::Failed { message, code: None, .. }) => Err(AppError::BadInput { message }),
            Ok(Outcome::Skipped) => Err(refused(DigestError::Busy)),
            Err(error) => Err(refused(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_choice_of_coverage_is_read_one_way_or_refused() {
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(coverage_choice("tenant", Vec::new(), " "), Ok((Vec::new(), Vec::new())));
        assert_eq!(coverage_choice("", Vec::new(), ""), Ok((Vec::new(), Vec::new())), "a post without the choice");
        assert_eq!(
            coverage_choice("scope", ids(&["tpl_hr", " "]), "12, 34 56，78"),
            Ok((ids(&["tpl_hr"]), ids(&["12", "34", "56", "78"])))
        );
        // Ticked but set to the whole tenant: refused, not sent to the whole chat.
        assert!(coverage_choice("tenant", ids(&["tpl_hr"]), "").unwrap_err().contains("only these"));
        assert!(coverage_choice("tenant", Vec::new(), "12").unwrap_err().contains("only these"));
        assert!(coverage_choice("scope", Vec::new(), " ").unwrap_err().contains("none is ticked"));
        assert!(coverage_choice("all", Vec::new(), "").unwrap_err().contains("use tenant or scope"));
        let form = ScheduleForm { block_ids: ids(&[" "]), ..ScheduleForm::default() };
        assert!(form.whole_tenant());
    }
}
