//! Notes on the timeline as the page shows them: each note with its impact (or why
//! there is none yet), and the impact's parts as the API answers them. Plain data for
//! the page's views, built on the server ([`crate::notes`], [`crate::impact`]).

use chrono::NaiveDate;
use domain::impact::Verdict;
use domain::{BlockLabel, NoteDraft, WorkplaceId};
use i18n::Locale;
use serde::{Deserialize, Serialize};

/// The most notes of a view shown with their impact; the others are counted.
pub const MAX_NOTE_CARDS: usize = 20;

/// One measure's estimate as the API answers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub before: Period,
    pub after: Period,
    pub relative_change: f64,
    pub interval: [f64; 2],
    pub distinguishable: bool,
}

/// One side of the window: its days and the daily mean of those kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub daily_mean: f64,
}

/// PV and UV of one thing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub pv: Change,
    pub uv: Change,
}

/// What the estimates say together, per measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdicts {
    pub pv: Verdict,
    pub uv: Verdict,
}

/// The impact of a note: its weeks before against its weeks after, beside the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimated {
    pub weeks: u32,
    pub method: String,
    pub pv: Change,
    pub uv: Change,
    /// What the note does not concern, over the same days; `None` for a tenant-wide note.
    pub control: Option<Measures>,
    /// Against the control: what it all says, per measure.
    pub verdict: Verdicts,
    /// The days left out as unusual for the whole tenant.
    pub left_out: Vec<NaiveDate>,
}

impl Estimated {
    /// What the change did, in a sentence per measure: "PV gained +48% while the rest
    /// stayed flat (+1.0%): views moved here. UV …" (the card's headline, the digest's
    /// line).
    pub fn summary(&self, locale: Locale) -> String {
        let t = locale.t();
        let rest = |pick: fn(&Measures) -> &Change| self.control.as_ref().map(|c| pick(c).relative_change);
        let pv = (t.notes.verdict)(t.pv, self.verdict.pv, self.pv.relative_change, rest(|m| &m.pv));
        let uv = (t.notes.verdict)(t.uv, self.verdict.uv, self.uv.relative_change, rest(|m| &m.uv));
        let space = if locale == Locale::Zh { "" } else { " " };
        format!("{pv}{space}{uv}")
    }
}

/// Where a note's impact stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImpactState {
    Estimated(Box<Estimated>),
    /// The weeks after are not over: judged from that day.
    TooRecent {
        judgeable_on: NaiveDate,
    },
    /// It could not be estimated now (the quota, Feishu, a deadline), and why.
    Unavailable {
        reason: String,
    },
    /// Not asked for (a chart's markers need only the note).
    NotAsked,
}

/// A note as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteCard {
    pub id: String,
    pub draft: NoteDraft,
    pub created_by: String,
    pub impact: ImpactState,
}

/// The notes of a view: every note whose day is in its range, by day (the chart marks
/// them all); the page shows the newest [`MAX_NOTE_CARDS`], with their impact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Notes {
    pub cards: Vec<NoteCard>,
    /// The custom workplaces a note may concern, with their names by language (the
    /// note form's choices, and how a card names its workplace).
    pub workplaces: Vec<(WorkplaceId, Vec<(String, String)>)>,
    /// The names of the blocks the notes concern, to show them by.
    pub names: Vec<BlockLabel>,
}

impl Notes {
    /// The cards the page shows, newest first, and how many it leaves out.
    pub fn shown(&self) -> (impl Iterator<Item = &NoteCard>, usize) {
        (self.cards.iter().rev().take(MAX_NOTE_CARDS), self.cards.len().saturating_sub(MAX_NOTE_CARDS))
    }

    /// The chart's notes: each card's day and text, as its tip says it.
    pub fn day_notes(&self, locale: Locale) -> Vec<charts::DayNote> {
        self.cards.iter().map(|c| charts::DayNote { day: c.draft.date, text: (locale.t().notes.marker)(&c.draft.text) }).collect()
    }

    /// The name of workplace `id` in `language` (else in another, else its id).
    pub fn workplace_name(&self, id: &WorkplaceId, language: &str) -> String {
        let names = self.workplaces.iter().find(|(w, _)| w == id).map(|(_, names)| names.as_slice()).unwrap_or_default();
        id.name_in(names, language)
    }

    /// The texts of the notes on `day`.
    pub fn on(&self, day: NaiveDate) -> impl Iterator<Item = &str> {
        self.cards.iter().filter(move |c| c.draft.date == day).map(|c| c.draft.text.as_str())
    }
}
