use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{ImportNotes, RemoveNote, SaveNote};
use crate::flash::PageFlash;
use crate::locale::use_locale;
use domain::{BlockId, DateRange, MAX_NOTE_CHARS};
use i18n::{Locale, grouped, signed_percent};
use use_cases::notes_report::{Change, Estimated, ImpactState, NoteCard, Notes};

/// The id of the form that adds a note: the chart's days fill its date
/// ([`super::charts::ChartBox`]), and its post's outcome is shown at it.
pub const NOTE_FORM: &str = "note-form";

/// Notes on the timeline for the view's range: a form to add one (its day is the one
/// chosen on the trend chart, or typed), then the newest notes, each with what it
/// concerns, who wrote it, its impact (or when it can be judged) and its own edit and
/// delete forms. Plain forms: each post comes back to this view at the panel
/// ([`crate::flash`]). `blocks` prefill the form: the blocks the view is filtered to.
#[component]
pub fn NotesPanel(notes: Notes, range: DateRange, today: chrono::NaiveDate, blocks: Vec<BlockId>) -> impl IntoView {
    let locale = use_locale();
    let words = locale.get_untracked();
    let n = words.t().notes;
    let outcome = PageFlash::of(NOTE_FORM).map(|f| {
        if f.failed() {
            view! { <p class="error" role="alert">{f.text}</p> }.into_any()
        } else {
            let counts: Vec<usize> = f.text.split(',').filter_map(|c| c.parse().ok()).collect();
            let said = match (f.done.as_str(), counts.as_slice()) {
                ("imported", [added, edited, unchanged]) => (n.imported)(*added, *edited, *unchanged),
                ("deleted", _) => n.deleted.to_owned(),
                _ => n.saved.to_owned(),
            };
            view! { <p class="import-status" role="status">{said}</p> }.into_any()
        }
    });
    // The newest final day of the range: what a note is most often about.
    let day = range.to().min(today);
    let blocks = blocks.iter().map(BlockId::as_str).collect::<Vec<_>>().join(", ");
    let (shown, more) = notes.shown();
    let cards = shown
        .map(|card| view! { <NoteItem card=card.clone() notes=notes.clone() writes=crate::api::may_change()/> })
        .collect_view();
    let more = (more > 0).then(|| view! { <p class="hint">{(n.more)(more)}</p> });
    let none = notes.cards.is_empty().then(|| view! { <p class="hint">{n.none}</p> });
    let export = format!("/api/v1/annotations.csv?from_date={}&to_date={}", range.from(), range.to());
    let draft = Draft { id: None, day, text: String::new(), blocks, workplace: None };
    // A viewer reads the notes; an admin writes them.
    let writes = crate::api::may_change();
    let form = writes.then(|| {
        view! {
            <h3>{n.add}</h3>
            <NoteForm draft notes=notes.clone() form_id=NOTE_FORM.to_owned()/>
        }
    });
    let import = writes.then(|| {
        view! {
            <details class="notes-import">
                <summary>{n.import}</summary>
                <form method="post" action=ImportNotes::PATH>
                    <label for="notes-table">{n.import_hint}</label>
                    <textarea id="notes-table" name="table" rows="6" required></textarea>
                    <button type="submit">{n.import_button}</button>
                </form>
            </details>
        }
    });
    let hint = if writes { n.hint } else { n.read_hint };
    view! {
        <section class="panel notes" id="notes" aria-labelledby="notes-heading" data-testid="notes">
            <h2 id="notes-heading">{n.title}</h2>
            <p class="hint">{hint}</p>
            {form}
            {outcome}
            {none}
            <ol class="note-list" role="list" data-testid="note-list">{cards}</ol>
            {more}
            <p><a href=export download="notes.csv">{n.export}</a></p>
            {import}
        </section>
    }
}

/// What a note form starts with.
struct Draft {
    /// The note edited; `None` adds one.
    id: Option<String>,
    day: chrono::NaiveDate,
    text: String,
    blocks: String,
    workplace: Option<domain::WorkplaceId>,
}

/// A form that adds a note (`draft.id` empty) or edits one: its day, text, blocks and
/// custom workplace. The add form's fields have the ids the chart fills in.
#[component]
fn NoteForm(draft: Draft, notes: Notes, form_id: String) -> impl IntoView {
    let words = use_locale().get_untracked();
    let n = words.t().notes;
    // Field ids: plain for the add form, suffixed with the note's id for an edit.
    let suffix = draft.id.as_ref().map(|id| format!("-{id}")).unwrap_or_default();
    let field = move |name: &str| format!("note-{name}{suffix}");
    let choices = notes
        .workplaces
        .iter()
        .map(|(id, _)| {
            let name = notes.workplace_name(id, words.code());
            let selected = draft.workplace.as_ref() == Some(id);
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let class = if draft.id.is_some() { "note-form note-edit-form" } else { "note-form" };
    let form_field = form_id.clone();
    view! {
        <form method="post" action=SaveNote::PATH class=class id=form_id>
            <input type="hidden" name="id" value=draft.id.clone().unwrap_or_default()/>
            <input type="hidden" name="form" value=form_field/>
            <label for=field("date")>{n.day}</label>
            <input id=field("date") type="date" name="date" value=draft.day.to_string() required/>
            <label for=field("text")>{n.text}</label>
            <input
                id=field("text")
                type="text"
                name="text"
                value=draft.text
                maxlength=MAX_NOTE_CHARS.to_string()
                placeholder=n.text_example
                required
            />
            <label for=field("blocks")>{n.blocks}</label>
            <input id=field("blocks") type="text" name="block_ids" value=draft.blocks inputmode="numeric"/>
            <label for=field("workplace")>{n.workplace}</label>
            <select id=field("workplace") name="custom_workplace_id">
                <option value="">{n.no_workplace}</option>
                {choices}
            </select>
            <p class="hint">{n.blocks_hint}</p>
            <button type="submit">{n.save}</button>
        </form>
    }
}

/// One note: its day and text, what it concerns and who wrote it, its impact, and its
/// edit and delete forms.
#[component]
fn NoteItem(card: NoteCard, notes: Notes, writes: bool) -> impl IntoView {
    let words = use_locale().get_untracked();
    let n = words.t().notes;
    let note = &card.draft;
    let concerns = match (&note.custom_workplace_id, note.block_ids.as_slice()) {
        (Some(w), _) => (n.concerns_workplace)(&notes.workplace_name(w, words.code())),
        (None, []) => n.concerns_tenant.to_owned(),
        (None, blocks) => {
            let shown: Vec<String> = blocks.iter().map(|id| use_cases::report::display_name(&notes.names, id)).collect();
            (n.concerns_blocks)(&shown.join(", "))
        }
    };
    let form_id = format!("note-{}", card.id);
    let id = card.id.clone();
    let delete_label = format!("{}: {}", n.delete, note.text);
    let outcome = PageFlash::of(&form_id).filter(|f| f.failed()).map(|f| view! { <p class="error" role="alert">{f.text}</p> });
    let draft = Draft {
        id: Some(card.id.clone()),
        day: note.date,
        text: note.text.clone(),
        blocks: note.block_ids.iter().map(BlockId::as_str).collect::<Vec<_>>().join(", "),
        workplace: note.custom_workplace_id.clone(),
    };
    view! {
            <li class="note-card" data-note=card.id.clone() data-testid="note-card">
                <p class="note-head">
                    <time datetime=note.date.to_string()>{words.long_date(note.date)}</time>
                    " "
                    <strong class="note-text">{note.text.clone()}</strong>
                </p>
                <p class="note-meta">{concerns} " · " {(n.by)(&card.created_by)}</p>
                <Impact impact=card.impact.clone()/>
    {writes.then(move || view! {
                <details class="note-edit" open=outcome.is_some()>
                    <summary>{n.edit}</summary>
                    <NoteForm draft notes form_id=form_id.clone()/>
                </details>
                {outcome}
                <form method="post" action=RemoveNote::PATH class="note-delete">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="form" value=NOTE_FORM/>
                    <button type="submit" class="secondary" aria-label=delete_label>{n.delete}</button>
                </form>
    })}
            </li>
        }
}

/// A note's impact: what it did in a sentence per measure, then the numbers (before,
/// after, change and its 90% interval, for the note and the rest); or when it can be
/// judged, or why it cannot be estimated now.
#[component]
fn Impact(impact: ImpactState) -> impl IntoView {
    let words = use_locale().get_untracked();
    let n = words.t().notes;
    match impact {
        ImpactState::NotAsked => ().into_any(),
        ImpactState::TooRecent { judgeable_on } => {
            view! { <p class="impact impact-pending" data-testid="impact">{(n.too_recent)(&words.long_date(judgeable_on))}</p> }
                .into_any()
        }
        ImpactState::Unavailable { reason } => {
            view! { <p class="impact impact-pending" data-testid="impact">{(n.no_impact)(&reason)}</p> }.into_any()
        }
        ImpactState::Estimated(estimated) => view! { <Estimate estimated=*estimated words/> }.into_any(),
    }
}

#[component]
fn Estimate(estimated: Estimated, words: Locale) -> impl IntoView {
    let (t, n) = (words.t(), words.t().notes);
    let rows = [
        (t.pv, n.noted, Some(&estimated.pv)),
        (t.pv, n.rest, estimated.control.as_ref().map(|c| &c.pv)),
        (t.uv, n.noted, Some(&estimated.uv)),
        (t.uv, n.rest, estimated.control.as_ref().map(|c| &c.uv)),
    ];
    let rows = rows
        .into_iter()
        .filter_map(|(measure, of, change)| change.map(|c| (measure, of, c)))
        .map(|(measure, of, c)| change_row(measure, of, n.interval, c))
        .collect_view();
    let left_out =
        (!estimated.left_out.is_empty()).then(|| view! { <p class="hint">{(n.left_out)(estimated.left_out.len())}</p> });
    let caption = (n.window)(estimated.weeks);
    let region = caption.clone();
    view! {
        <div class="impact" data-testid="impact">
            <p class="impact-summary"><strong>{n.impact} ": "</strong> {estimated.summary(words)}</p>
            // Focusable, should a tenant's numbers be too wide for a phone: scrolled by keyboard too.
            <div class="table-scroll" tabindex="0" role="region" aria-label=region>
                <table class="impact-table">
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{n.measure}</th>
                            <th scope="col" class="num">{n.daily_mean}</th>
                            <th scope="col" class="num">{n.change}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {left_out}
        </div>
    }
}

/// One row of the impact's numbers: the daily means before and after, the change
/// (bold when it stands out from the noise) and its 90% interval.
fn change_row(measure: &'static str, of: &'static str, interval_label: &'static str, c: &Change) -> impl IntoView + use<> {
    let mean = |x: f64| grouped(x.round().max(0.0) as u64);
    let interval = format!("{interval_label} {} … {}", signed_percent(c.interval[0]), signed_percent(c.interval[1]));
    view! {
        <tr class:distinguishable=c.distinguishable>
            <th scope="row">{measure} " · " {of}</th>
            <td class="num">
                <span class="before">{mean(c.before.daily_mean)}</span>
                " → "
                <span class="after">{mean(c.after.daily_mean)}</span>
            </td>
            <td class="num">
                <span class="change">{signed_percent(c.relative_change)}</span>
                <span class="interval">{interval}</span>
            </td>
        </tr>
    }
}
