//! Sending digests: each (chat, period) once, whatever the number of replicas, restarts
//! or retries.
//!
//! A pass ([`Digests::run_due`]) looks at every enabled schedule; when one is due (see
//! [`super::schedule`]) and its delivery is neither sent, nor failed for good, nor held
//! by another replica, it builds the card, then claims the (chat, period) in the store
//! (one atomic statement: of two replicas racing, one gets it), sends it with the
//! delivery's `uuid` (fixed at the first claim, so a replica that takes over the claim
//! of one that died mid-send sends the same uuid, and Feishu drops the duplicate), and
//! records the outcome. A transient failure (rate limit, Feishu failing, no answer) is
//! retried with backoff while the digest is still due; a permanent one (bot not in the
//! chat, bot capability off, missing scope, card refused) is kept, with what to do, for
//! the setup page, and not retried.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use access_data::{QueryOptions, ServiceError};
use chrono::{DateTime, Utc};
use domain::scope::Scope;
use domain::{AccessQuery, DateRange};
use store::{DeliveryFailure, DeliveryState, DigestCadence, DigestLanguage};

use super::card::{Card, DigestContent};
use super::coverage::Coverage;
use super::schedule::{self, period_key};
use crate::insights_report::Insights;
use crate::sight::Sight;
use access_data::AccessService;
use i18n::Locale;

/// How the digest engine reads the time: the system's clock, or one a test moves.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests of schedules over weeks.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The digest's settings, fixed at start-up.
#[derive(Clone, Debug)]
pub struct DigestSettings {
    /// The dashboard's public address, that the card's button opens (`DASHBOARD_PUBLIC_URL`).
    pub public_url: String,
    /// How long a claim on a delivery lasts before another replica may take it over.
    pub claim_ttl: Duration,
    /// The dormant window of the digest's dormant blocks.
    pub dormant_days: u32,
}

/// How long the chat list is reused before Feishu is asked again.
const CHATS_FOR: Duration = Duration::from_secs(300);
/// The first wait after a transient failure; it doubles with each attempt.
const FIRST_RETRY: chrono::Duration = chrono::Duration::minutes(1);
/// The longest wait between attempts.
const LONGEST_RETRY: chrono::Duration = chrono::Duration::minutes(60);
/// Deliveries the setup page lists.
pub const RECENT_DELIVERIES: u32 = 30;

/// What became of one delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Sent; Feishu's message id.
    Sent { message_id: String },
    /// Not sent; kept in the store with what to do (and Feishu's code, when it refused).
    Failed { message: String, code: Option<i64>, permanent: bool },
    /// Sent, failed for good, waiting for its retry or held by another replica: left alone.
    Skipped,
}

/// One delivery a pass attempted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub chat_id: String,
    pub period: String,
    pub outcome: Outcome,
}

/// Why a digest could not be built or sent: the page's message.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("could not read or write the digests in the store: {0}")]
    Store(#[from] store::StoreError),
    #[error("another send of this digest is under way; try again in a minute")]
    Busy,
    /// A digest limited to a scope that holds no block (yet): what it covers, and what to do.
    #[error("{0}")]
    EmptyScope(String),
}

impl DigestError {
    /// Whether sending again will not mend it (for this period): Feishu refused (bot,
    /// scope, card, credentials), or the scope holds no block; as opposed to a rate
    /// limit, Feishu failing, no answer, a deadline, the quota (which resets) or the store.
    fn is_permanent(&self) -> bool {
        match self {
            DigestError::Service(ServiceError::Feishu(feishu)) => !feishu.is_retryable(),
            DigestError::EmptyScope(_) => true,
            _ => false,
        }
    }

    /// Feishu's code, when Feishu refused.
    fn code(&self) -> Option<i64> {
        match self {
            DigestError::Service(error) => error.feishu().and_then(|e| e.code()),
            _ => None,
        }
    }
}

/// The digests of one dashboard (one replica).
pub struct Digests {
    /// Where the numbers, the names, the schedules and the chats come from.
    service: Arc<AccessService>,
    /// The tenant's time zone, that schedules are in.
    timezone: chrono_tz::Tz,
    clock: Arc<dyn Clock>,
    /// Who this replica is in the store's claims.
    holder: String,
    settings: DigestSettings,
    chats: Mutex<Option<(Instant, Arc<Vec<feishu::Chat>>)>>,
}

impl Digests {
    pub fn new(service: Arc<AccessService>, timezone: chrono_tz::Tz, clock: Arc<dyn Clock>, settings: DigestSettings) -> Self {
        Self { service, timezone, clock, holder: store::replica_name(), settings, chats: Mutex::new(None) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn settings(&self) -> &DigestSettings {
        &self.settings
    }

    /// The chats the bot is in, read from Feishu at most every five minutes (or now,
    /// with `refresh`).
    pub async fn chats(&self, refresh: bool) -> Result<Arc<Vec<feishu::Chat>>, ServiceError> {
        if !refresh {
            let cached = self.chats.lock().unwrap_or_else(PoisonError::into_inner).clone();
            if let Some((_, chats)) = cached.filter(|(at, _)| at.elapsed() < CHATS_FOR) {
                return Ok(chats);
            }
        }
        let chats = Arc::new(self.service.messenger().chats().await?);
        *self.chats.lock().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), chats.clone()));
        Ok(chats)
    }

    /// What a digest of `period` says, in `language`: of the whole tenant, or of
    /// `scope` only, seen through its [`Sight`] (its blocks' numbers, names and notes,
    /// the notes' impact without a control; nothing of another block, workplace or the
    /// tenant), its card saying what it covers and its button opening the dashboard
    /// filtered alike.
    pub async fn content(
        &self,
        period: DateRange,
        language: Locale,
        scope: Option<&Scope>,
    ) -> Result<DigestContent, DigestError> {
        let dormant_days = self.settings.dormant_days;
        let sight = Sight::of_scope(&self.service, scope);
        let coverage = scope.map(|scope| Coverage::of(&self.service, scope, &sight, language));
        let mut query = AccessQuery { range: period, blocks: Vec::new() };
        // Every block, or the scope's; a scope without a block yet has no digest.
        if sight.narrow(&mut query).is_err() {
            return Err(DigestError::EmptyScope(coverage.map(|c| c.empty_reason()).unwrap_or_default()));
        }
        let m = crate::reads::insight_matrix(&self.service, &query, dormant_days, QueryOptions::default()).await?;
        let insights = Insights::build(period, &m, period.to(), dormant_days);
        let mut top: Vec<_> = m.per_block(period).into_iter().collect();
        top.sort_by(|a, b| b.1.pv.cmp(&a.1.pv).then_with(|| a.0.cmp(&b.0)));
        let movers = insights.movers.map(|m| m.rising.into_iter().chain(m.falling).collect()).unwrap_or_default();
        let link = format!(
            "{}/?from={}&to={}&lang={}{}",
            self.settings.public_url.trim_end_matches('/'),
            period.from(),
            period.to(),
            language.code(),
            coverage.as_ref().map(Coverage::filter).unwrap_or_default(),
        );
        // Each note's impact reads its own weeks (from the store, or Feishu when not held),
        // as the page's cards do.
        let mut notes = self.service.store().notes(Some(period)).await?;
        notes.retain(|note| sight.sees_note(&note.draft));
        let notes = crate::impact::cards(&self.service, &sight, notes, true).await;
        let names = self.service.labels().values().filter(|l| sight.sees_block(&l.block_id)).cloned().collect();
        Ok(DigestContent {
            language,
            period,
            current: insights.current,
            previous: insights.previous,
            top,
            movers,
            unusual: insights.unusual,
            dormant: insights.dormant.unwrap_or_default(),
            dormant_days,
            names,
            notes,
            link,
            coverage,
        })
    }

    /// The card a chat would get for `cadence` (of `scope`, or the whole tenant) now:
    /// its latest period.
    pub async fn preview(&self, cadence: DigestCadence, language: Locale, scope: Option<&Scope>) -> Result<Card, DigestError> {
        let period = schedule::latest(cadence, self.timezone, self.now()).period;
        Ok(self.content(period, language, scope).await?.card())
    }

    /// Sends the digest of the last seven final days (of `scope`, or the whole tenant)
    /// to `chat_id` now, as a test, outside the schedule (its delivery has a key of its own).
    pub async fn send_test(&self, chat_id: &str, language: Locale, scope: Option<&Scope>) -> Result<Outcome, DigestError> {
        let now = self.now();
        let cadence = DigestCadence::Weekly { weekday: chrono::Weekday::Mon, hour: 0 };
        let period = schedule::period_of(cadence, now.with_timezone(&self.timezone).date_naive());
        // Each test its own delivery, also two within a millisecond (or a clock that stands still).
        let key = format!("test:{}-{:08x}:{}", now.timestamp_millis(), rand::random::<u32>(), period_key(period));
        self.deliver(chat_id, &key, period, language, scope, None).await
    }

    /// One pass over the schedules: sends every digest that is due and not yet sent.
    pub async fn run_due(&self) -> Result<Vec<Attempt>, DigestError> {
        let store = self.service.store();
        let mut attempts = Vec::new();
        for schedule in store.digest_schedules().await?.into_iter().filter(|s| s.enabled) {
            let now = self.now();
            let Some(due) = schedule::due(schedule.cadence, self.timezone, schedule.updated_at, now) else { continue };
            let key = due.key();
            if !self.may_claim(&schedule.chat_id, &key, now).await? {
                continue;
            }
            let language = locale_of(schedule.language);
            let scope = schedule.scope.as_ref();
            let outcome = match self.deliver(&schedule.chat_id, &key, due.period, language, scope, Some(due.at)).await {
                Ok(outcome) => outcome,
                Err(DigestError::Busy) => Outcome::Skipped,
                Err(error) => {
                    tracing::warn!(%error, chat_id = %schedule.chat_id, period = %key, "could not send a digest");
                    continue;
                }
            };
            attempts.push(Attempt { chat_id: schedule.chat_id.clone(), period: key, outcome });
        }
        Ok(attempts)
    }

    /// Whether the delivery may be claimed now (read first, so that a pass over digests
    /// already sent builds no card).
    async fn may_claim(&self, chat_id: &str, key: &str, now: DateTime<Utc>) -> Result<bool, DigestError> {
        let Some(delivery) = self.service.store().delivery(chat_id, key).await? else { return Ok(true) };
        Ok(match delivery.state {
            DeliveryState::Sent => false,
            DeliveryState::Failed => !delivery.permanent && delivery.next_attempt_at.is_none_or(|at| at <= now),
            DeliveryState::Claimed => delivery.claimed_until.is_none_or(|until| until < now),
        })
    }

    /// Builds the card (of `scope`, or the whole tenant), claims the delivery, sends it
    /// and records what happened. `due_at` is the occurrence of a scheduled digest
    /// (retries stop a day after it).
    async fn deliver(
        &self,
        chat_id: &str,
        key: &str,
        period: DateRange,
        language: Locale,
        scope: Option<&Scope>,
        due_at: Option<DateTime<Utc>>,
    ) -> Result<Outcome, DigestError> {
        let store = self.service.store();
        let content = self.content(period, language, scope).await;
        let now = self.now();
        let ttl = self.settings.claim_ttl;
        let uuid = format!("bi-{:032x}", rand::random::<u128>());
        let Some(claim) = store.claim_delivery(chat_id, key, &self.holder, &uuid, now, ttl).await? else {
            return Err(DigestError::Busy);
        };
        let sent = match content {
            Ok(content) => {
                let card = content.card();
                self.service.messenger().send_card(chat_id, &card.json, &claim.uuid).await.map_err(DigestError::from)
            }
            Err(error) => Err(error),
        };
        let now = self.now();
        match sent {
            Ok(message) => {
                if !store.delivery_sent(chat_id, key, &self.holder, &message.message_id, now).await? {
                    tracing::warn!(
                        chat_id,
                        period = key,
                        "a digest was sent after its claim passed to another replica (Feishu drops the duplicate by its uuid)"
                    );
                }
                tracing::info!(chat_id, period = key, message_id = %message.message_id, "sent a digest");
                Ok(Outcome::Sent { message_id: message.message_id })
            }
            Err(error) => {
                let permanent = error.is_permanent();
                let retry_at = now + backoff(claim.attempts);
                let still_due = due_at.is_some_and(|at| retry_at - at < schedule::MISSED_GRACE);
                let next_attempt_at = (!permanent && still_due).then_some(retry_at);
                let message = error.to_string();
                tracing::warn!(chat_id, period = key, %error, permanent, "a digest was not sent");
                let failure = DeliveryFailure {
                    code: error.code(),
                    message: message.clone(),
                    permanent: permanent || next_attempt_at.is_none(),
                    next_attempt_at,
                };
                store.delivery_failed(chat_id, key, &self.holder, &failure, now).await?;
                Ok(Outcome::Failed { message, code: failure.code, permanent: failure.permanent })
            }
        }
    }

    /// Runs a pass every `every` until the process ends.
    pub fn spawn_loop(self: Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = self.run_due().await {
                    tracing::warn!(%error, "the digest pass failed; trying again at the next tick");
                }
            }
        })
    }
}

pub fn locale_of(language: DigestLanguage) -> Locale {
    match language {
        DigestLanguage::Zh => Locale::Zh,
        DigestLanguage::En => Locale::En,
    }
}

pub fn language_of(locale: Locale) -> DigestLanguage {
    match locale {
        Locale::Zh => DigestLanguage::Zh,
        Locale::En => DigestLanguage::En,
    }
}

/// The wait before attempt `attempts + 1`: a minute, doubling, at most an hour.
fn backoff(attempts: u32) -> chrono::Duration {
    let doublings = attempts.saturating_sub(1).min(6);
    (FIRST_RETRY * 2i32.pow(doublings)).min(LONGEST_RETRY)
}
