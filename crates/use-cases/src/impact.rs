//! The impact of a note: what changed for what it concerns over the weeks before and
//! after its day, beside what the rest did ([`domain::impact`] estimates; this gathers
//! the series). What the note concerns and its control:
//! - blocks: their summed views; the control is the other blocks of their workplace
//!   when they are all named into one that has others, else every other block;
//! - a custom workplace: its own views; the control is all workplaces' total without it;
//! - the whole tenant: all workplaces' total, with no control (nothing is left out).
//!
//! Days unusual for the whole tenant (a public holiday: the total far off its weekday
//! baseline, by the insights' own rule) are left out, so that they decide nothing.
//!
//! It needs only the access-data service, not the server's state, so that the chat
//! digests' worker (which the state holds) judges notes by the same code as the page
//! ([`cards`]) and the API ([`of_note`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use access_data::AccessService;
use chrono::{Days, NaiveDate};
use domain::impact::{self, Estimate, ImpactError, Verdict, Window};
use domain::unusual::{self, BASELINE_WEEKS};
use domain::{AccessQuery, BlockId, DateRange};
use i18n::Locale;
use serde::Serialize;
use store::Note;

use crate::error::AppError;
use crate::notes_report::{Change, Estimated, ImpactState, MAX_NOTE_CARDS, Measures, NoteCard, Notes, Period, Verdicts};
use crate::sight::Sight;
use crate::workplace_report::WorkplaceMatcher;

/// The answer of `GET /api/v1/annotations/{id}/impact`: the note, and its impact.
#[derive(Clone, Debug, Serialize)]
pub struct NoteImpact {
    pub note: Note,
    #[serde(flatten)]
    pub estimated: Estimated,
}

/// What the impact says in a sentence per measure ([`Estimated::summary`]).
pub fn summary(impact: &NoteImpact, locale: Locale) -> String {
    impact.estimated.summary(locale)
}

/// Daily PV and UV series aligned on a window.
struct Series {
    pv: Vec<f64>,
    uv: Vec<f64>,
}

impl Series {
    /// Marks the days before the first with any view as unknown (NaN), when there are
    /// such days; answers the first day with a view then.
    fn unknown_before_first_use(&mut self, range: DateRange) -> Option<NaiveDate> {
        let first = self.pv.iter().zip(&self.uv).position(|(pv, uv)| *pv > 0.0 || *uv > 0.0).unwrap_or(self.pv.len());
        if first == 0 {
            return None;
        }
        for day in 0..first {
            self.pv[day] = f64::NAN;
            self.uv[day] = f64::NAN;
        }
        range.days().nth(first)
    }

    /// The (pv, uv) `of` each day of `range`.
    fn of(range: DateRange, of: impl Fn(NaiveDate) -> (u64, u64)) -> Self {
        let (pv, uv) = range.days().map(of).map(|(pv, uv)| (pv as f64, uv as f64)).unzip();
        Series { pv, uv }
    }
}

/// The answer for a note id that names no note (here, below the notes' use-cases, so
/// that they and the impact of one answer it alike).
pub(crate) fn no_such(id: &str) -> AppError {
    let shown: String = id.chars().take(40).collect();
    AppError::NotFound { message: format!("there is no note {shown:?}: list the notes (GET /api/v1/annotations) for their ids") }
}

/// The impact of note `id` over `weeks` weeks a side, for a request that sees `sight`
/// (a note it does not see is no note to it).
pub async fn of_note(service: &AccessService, sight: &Sight, id: &str, weeks: u32) -> Result<NoteImpact, AppError> {
    let note = service.store().note(id).await?.filter(|n| sight.sees_note(&n.draft)).ok_or_else(|| no_such(id))?;
    let estimated = of(service, sight, &note, weeks).await?;
    Ok(NoteImpact { note, estimated })
}

/// `notes` (by day) as the page and the digest show them: every one, the newest
/// [`MAX_NOTE_CARDS`] with their impact over the default weeks when `with_impact`
/// (computed side by side; one that cannot be estimated says why, and the notes are
/// shown all the same), with the names of the blocks and workplaces they concern.
/// Seen through `sight`: the impact of a viewer's note has no control, and only the
/// workplaces they see are named.
pub async fn cards(service: &Arc<AccessService>, sight: &Sight, notes: Vec<Note>, with_impact: bool) -> Notes {
    let judged_from = if with_impact { notes.len().saturating_sub(MAX_NOTE_CARDS) } else { notes.len() };
    let mut impacts = tokio::task::JoinSet::new();
    let mut task_of = HashMap::new();
    for (i, note) in notes.iter().enumerate().skip(judged_from) {
        let (service, note, sight) = (service.clone(), note.clone(), sight.clone());
        let task = impacts.spawn(async move { of(&service, &sight, &note, impact::DEFAULT_WEEKS).await });
        task_of.insert(task.id(), i);
    }
    let mut cards: Vec<NoteCard> = notes
        .into_iter()
        .map(|note| NoteCard { id: note.id, draft: note.draft, created_by: note.created_by, impact: ImpactState::NotAsked })
        .collect();
    while let Some(joined) = impacts.join_next_with_id().await {
        let (task, estimated) = match joined {
            Ok((task, estimated)) => (task, estimated),
            Err(error) => {
                tracing::error!(%error, "a note's impact failed");
                (error.id(), Err(AppError::Internal { message: "the estimate failed; the server log has the cause".into() }))
            }
        };
        let Some(card) = task_of.get(&task).and_then(|i| cards.get_mut(*i)) else { continue };
        card.impact = match estimated {
            Ok(estimated) => ImpactState::Estimated(Box::new(estimated)),
            Err(AppError::TooRecent { judgeable_on, .. }) => ImpactState::TooRecent { judgeable_on },
            Err(error) => ImpactState::Unavailable { reason: error.to_string() },
        };
    }
    let workplaces = service
        .workplace_names()
        .iter()
        .filter(|(id, _)| sight.sees_workplace(id))
        .map(|(id, names)| (id.clone(), names.clone()))
        .collect();
    let labels = service.labels();
    let mut names: Vec<domain::BlockLabel> =
        cards.iter().flat_map(|c| &c.draft.block_ids).filter_map(|id| labels.get(id).cloned()).collect();
    names.sort_by(|a, b| a.block_id.cmp(&b.block_id));
    names.dedup_by(|a, b| a.block_id == b.block_id);
    Notes { cards, workplaces, names }
}

/// The impact of `note` over `weeks` weeks a side. A viewer with a scope gets no
/// control: what the rest did is numbers of what they do not see.
pub async fn of(service: &AccessService, sight: &Sight, note: &Note, weeks: u32) -> Result<Estimated, AppError> {
    let window = impact::judgeable_window(note.draft.date, weeks, service.today()).map_err(refused)?;
    let range = window.range();
    // The tenant's totals of the window and of the weeks before it that judge its days:
    // read once, for the days left out and for the series of workplace and tenant notes.
    let from = range.from().checked_sub_days(Days::new(7 * BASELINE_WEEKS)).unwrap_or(range.from());
    let history = DateRange::new(from, range.to()).expect("from is earlier");
    let totals: BTreeMap<NaiveDate, (u64, u64)> = service
        .workplace_access(history, Default::default())
        .await?
        .rows
        .iter()
        .map(|r| (r.date, (r.all.pv, r.all.uv)))
        .collect();
    let left_out = holidays(&totals, history, range);
    let out = |day: NaiveDate| left_out.contains(&day);
    let (mut concerned, control) = series(service, note, range, &totals).await?;
    let control = control.filter(|_| sight.is_everything());
    // A block (or workplace) that first had views inside the window did not exist
    // before: its first days are unknown, not zero, or it would read as a rise.
    let first_use = concerned.unknown_before_first_use(range);
    let refused = |error: ImpactError| match (error, first_use) {
        (ImpactError::TooFewDays { side: impact::Side::Before, .. }, Some(first)) => AppError::BadInput {
            message: format!(
                "what the note concerns had no views before {first}: there are no weeks before the note to compare with \
                 (a new block is judged against its own first weeks only once it has some)"
            ),
        },
        (error, _) => refused(error),
    };
    let (pv, uv, control, verdict) = match control {
        Some(control) => {
            let pv = impact::impact(&concerned.pv, &control.pv, &window, &out).map_err(refused)?;
            let uv = impact::impact(&concerned.uv, &control.uv, &window, &out).map_err(refused)?;
            let measures = Measures { pv: change(&pv.control, &window), uv: change(&uv.control, &window) };
            (pv.concerned, uv.concerned, Some(measures), Verdicts { pv: pv.verdict, uv: uv.verdict })
        }
        None => {
            let pv = impact::estimate(&concerned.pv, &window, &out).map_err(refused)?;
            let uv = impact::estimate(&concerned.uv, &window, &out).map_err(refused)?;
            (pv, uv, None, Verdicts { pv: alone(&pv), uv: alone(&uv) })
        }
    };
    Ok(Estimated {
        weeks,
        method: impact::METHOD.to_owned(),
        pv: change(&pv, &window),
        uv: change(&uv, &window),
        control,
        verdict,
        left_out,
    })
}

/// The verdict of a change with nothing to compare it with.
fn alone(estimate: &Estimate) -> Verdict {
    match (estimate.distinguishable, estimate.relative_change >= 0.0) {
        (false, _) => Verdict::NotDistinguishable,
        (true, true) => Verdict::Rose,
        (true, false) => Verdict::Fell,
    }
}

fn change(estimate: &Estimate, window: &Window) -> Change {
    let period = |range: DateRange, mean: f64| Period { from: range.from(), to: range.to(), daily_mean: mean };
    Change {
        before: period(window.before, estimate.before_mean),
        after: period(window.after, estimate.after_mean),
        relative_change: estimate.relative_change,
        interval: [estimate.interval.0, estimate.interval.1],
        distinguishable: estimate.distinguishable,
    }
}

/// An estimate that cannot be made, as the caller's error: too recent (409, saying
/// when), or what to change (400).
fn refused(error: ImpactError) -> AppError {
    match error {
        ImpactError::TooRecent { judgeable_on } => AppError::TooRecent { message: error.to_string(), judgeable_on },
        other => AppError::BadInput { message: other.to_string() },
    }
}

/// The days of `range` on which the whole tenant's PV (`totals`, over `history`: the
/// range and the weeks before it) was unusual for its weekday.
fn holidays(totals: &BTreeMap<NaiveDate, (u64, u64)>, history: DateRange, range: DateRange) -> Vec<NaiveDate> {
    let total: Vec<u64> = history.days().map(|day| totals.get(&day).map_or(0, |t| t.0)).collect();
    let judged: Vec<(NaiveDate, usize)> =
        history.days().enumerate().filter(|(_, day)| range.contains(*day)).map(|(i, day)| (day, i)).collect();
    let mut out = Vec::new();
    unusual::judge_series(&total, 0, &judged, |day| out.push(day.date));
    out
}

/// The concerned series and the control's (none for a tenant-wide note) over `range`;
/// `totals` holds the tenant's (pv, uv) by day.
async fn series(
    service: &AccessService,
    note: &Note,
    range: DateRange,
    totals: &BTreeMap<NaiveDate, (u64, u64)>,
) -> Result<(Series, Option<Series>), AppError> {
    let draft = &note.draft;
    let all = |d: NaiveDate| totals.get(&d).copied().unwrap_or((0, 0));
    if let Some(workplace) = &draft.custom_workplace_id {
        let custom: BTreeMap<NaiveDate, (u64, u64)> = service
            .custom_workplace_access(range, Some(workplace), Default::default())
            .await?
            .rows
            .iter()
            .map(|r| (r.date, (r.pv, r.uv)))
            .collect();
        let own = |d: NaiveDate| custom.get(&d).copied().unwrap_or((0, 0));
        let rest = |d: NaiveDate| {
            let ((all_pv, all_uv), (pv, uv)) = (all(d), own(d));
            (all_pv.saturating_sub(pv), all_uv.saturating_sub(uv))
        };
        return Ok((Series::of(range, own), Some(Series::of(range, rest))));
    }
    if draft.block_ids.is_empty() {
        return Ok((Series::of(range, all), None));
    }
    let days = service.block_days(&AccessQuery { range, blocks: Vec::new() }, Default::default()).await?;
    let m = days.matrix(range);
    let peers = peers(service, &draft.block_ids);
    let sum = |chosen: &dyn Fn(&BlockId) -> bool| {
        let mut s = Series { pv: vec![0.0; m.days()], uv: vec![0.0; m.days()] };
        for (b, _) in m.blocks().iter().enumerate().filter(|(_, id)| chosen(id)) {
            for (day, (pv, uv)) in m.pv(b).iter().zip(m.uv(b)).enumerate() {
                s.pv[day] += *pv as f64;
                s.uv[day] += *uv as f64;
            }
        }
        s
    };
    let concerned = sum(&|id| draft.block_ids.contains(id));
    let control = sum(&|id| !draft.block_ids.contains(id) && peers.as_ref().is_none_or(|p| p.contains(id)));
    Ok((concerned, Some(control)))
}

/// The other blocks of the workplace the note's blocks are all named into, when they
/// share one that has other blocks; `None` for every other block.
fn peers(service: &AccessService, blocks: &[BlockId]) -> Option<Vec<BlockId>> {
    let labels = service.labels();
    let workplace = blocks.iter().map(|id| labels.get(id).and_then(|l| l.workplace.clone())).collect::<Option<Vec<_>>>()?;
    let first = workplace.first()?;
    if workplace.iter().any(|w| w != first) {
        return None;
    }
    let names = service.workplace_names();
    let matcher = WorkplaceMatcher::new(names.iter().map(|(id, n)| (id, n.as_slice())));
    let on: Vec<BlockId> = matcher.blocks_on(first, labels.values()).into_iter().filter(|id| !blocks.contains(id)).collect();
    (!on.is_empty()).then_some(on)
}
