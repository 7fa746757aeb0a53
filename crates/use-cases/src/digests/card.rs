//! The digest as a Feishu message card (card JSON schema 2.0): the period's views and
//! users against the period before, the most used blocks, the biggest changes, the
//! notes written on the period's days (what each concerns, and its impact or the day it
//! can be judged on), unusual days and blocks that fell out of use, and a button to the
//! dashboard on exactly that period.
//!
//! Whatever the tenant's data, the card stays within Feishu's limits (30 KB of request
//! body, where the card is an escaped JSON string; 200 elements, 5 tables, 10 rows a
//! table page): each list shows at most
//! [`LIST_ROWS`] rows and says how many it left out; should the card still be too
//! large (very long block names or notes), the lists are halved until it fits, and
//! every cut list says so. Names and notes go into table cells of type `text`, never
//! into markdown, so a block named `**x**` or a note saying `[x](y)` shows as typed.
//! The five lists are five tables at most: the notes' is left out when the period has
//! none.

use domain::insights::{Dormant, Mover};
use domain::unusual::Direction;
use domain::{BlockId, BlockLabel, DateRange, Visits};
use serde_json::{Value, json};

use super::coverage::Coverage;
use crate::insights_report::UnusualFinding;
use crate::notes_report::{ImpactState, NoteCard, Notes};
use i18n::{Locale, grouped, percent_change};

/// Feishu's limit on a card message, in bytes of the request body that carries it.
pub const MAX_CARD_BYTES: usize = feishu::MAX_CARD_BODY_BYTES;
/// Feishu's limit on the elements of a card.
pub const MAX_CARD_ELEMENTS: usize = 200;
/// Rows a list shows at most (Feishu's largest table page).
pub const LIST_ROWS: usize = 10;
/// The longest name a cell shows; longer ones are cut with an ellipsis.
const NAME_CHARS: usize = 60;
/// The longest list of what a note concerns, or reason without an estimate, a cell
/// shows (a note may concern 50 blocks).
const LONG_CELL_CHARS: usize = 160;

/// What one digest says, before it is laid out as a card.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestContent {
    pub language: Locale,
    pub period: DateRange,
    /// PV and the sum of daily UV in the period, and in the period before (when known).
    pub current: Visits,
    pub previous: Option<Visits>,
    /// Every block with views in the period, most viewed first.
    pub top: Vec<(BlockId, Visits)>,
    /// The biggest rises then the biggest falls (absolute change in PV); the card shows
    /// up to half its rows of each.
    pub movers: Vec<Mover>,
    /// Most unusual first; of a block, or of all blocks (`block_id` empty).
    pub unusual: Vec<UnusualFinding>,
    pub dormant: Vec<Dormant>,
    pub dormant_days: u32,
    /// The block names, to show blocks by.
    pub names: Vec<BlockLabel>,
    /// The notes whose day is in the period, by day, with their impact (the newest
    /// [`crate::notes_report::MAX_NOTE_CARDS`]) and the names of what they concern.
    pub notes: Notes,
    /// The dashboard on exactly this period (and this coverage).
    pub link: String,
    /// What a digest limited to a scope covers; `None` for the whole tenant.
    pub coverage: Option<Coverage>,
}

/// A built card and what it holds, for tests and the API's preview.
#[derive(Clone, Debug)]
pub struct Card {
    pub json: Value,
    /// Bytes of the request body that sends `json` (escaped, in its envelope).
    pub bytes: usize,
    /// Elements, counted as Feishu counts them (every tag, nested ones included).
    pub elements: usize,
    /// Rows shown per list: top, movers, unusual, dormant, notes.
    pub shown: [usize; 5],
}

impl DigestContent {
    /// The card, within Feishu's limits.
    pub fn card(&self) -> Card {
        let mut rows = LIST_ROWS;
        loop {
            let json = self.layout(rows);
            let bytes = feishu::card_body_bytes(&json);
            let elements = count_elements(&json["body"]);
            if (bytes <= MAX_CARD_BYTES && elements <= MAX_CARD_ELEMENTS) || rows == 0 {
                let lists = [self.top.len(), self.movers.len(), self.unusual.len(), self.dormant.len(), self.notes.cards.len()];
                let shown = lists.map(|n| n.min(rows));
                return Card { json, bytes, elements, shown };
            }
            rows /= 2;
        }
    }

    fn name(&self, id: &BlockId) -> String {
        cut(crate::report::display_name(&self.names, id), NAME_CHARS)
    }

    /// The notes' table, newest first, when the period has notes.
    fn notes_list(&self, rows: usize) -> Vec<Value> {
        let (locale, cards) = (self.language, &self.notes.cards);
        if cards.is_empty() {
            return Vec::new();
        }
        let t = locale.t().digest;
        let table_rows = cards.iter().rev().take(rows).map(|card| {
            json!({
                "date": locale.short_date(card.draft.date),
                "note": card.draft.text,
                "concerns": cut(self.concerns(card), LONG_CELL_CHARS),
                "impact": self.impact(card),
            })
        });
        let columns =
            [("date", t.date, "text"), ("note", t.note, "text"), ("concerns", t.concerns, "text"), ("impact", t.impact, "text")];
        let mut elements = vec![heading(t.notes), table(&columns, table_rows.collect())];
        elements.extend(cut_note(locale, rows, cards.len()));
        elements
    }

    /// What a note concerns: its blocks by name, its workplace, or the whole tenant.
    fn concerns(&self, card: &NoteCard) -> String {
        let (locale, note) = (self.language, &card.draft);
        let t = locale.t().digest;
        match (&note.custom_workplace_id, note.block_ids.as_slice()) {
            (Some(id), _) => (t.workplace_named)(&self.notes.workplace_name(id, locale.code())),
            (None, []) => t.whole_tenant.to_owned(),
            (None, blocks) => {
                let names: Vec<String> = blocks.iter().map(|id| crate::report::display_name(&self.notes.names, id)).collect();
                names.join(t.list_separator)
            }
        }
    }

    /// What a note's change did ([`crate::notes_report::Estimated::summary`], the
    /// sentence the page's card shows), or from when it can be judged.
    fn impact(&self, card: &NoteCard) -> String {
        let locale = self.language;
        match &card.impact {
            ImpactState::Estimated(estimated) => estimated.summary(locale),
            ImpactState::TooRecent { judgeable_on } => (locale.t().digest.judgeable_on)(&locale.short_date(*judgeable_on)),
            ImpactState::Unavailable { reason } => cut((locale.t().notes.no_impact)(reason), LONG_CELL_CHARS),
            ImpactState::NotAsked => "—".to_owned(),
        }
    }

    fn layout(&self, rows: usize) -> Value {
        let locale = self.language;
        let t = locale.t().digest;
        let days = self.period.len_days();
        let range = locale.range(self.period.from(), self.period.to());
        let covers = self.coverage.as_ref().map(|c| c.words(locale, |id| self.name(id)));
        let title = match &covers {
            None => (t.card_title)(&range),
            Some(covers) => (t.scoped_card_title)(&cut(covers.clone(), NAME_CHARS), &range),
        };
        // A scoped digest says first what it covers, in full (the title may be cut).
        let mut elements: Vec<Value> = covers
            .map(|covers| json!({ "tag": "div", "text": { "tag": "plain_text", "content": (t.covers)(&cut(covers, LONG_CELL_CHARS)) } }))
            .into_iter()
            .collect();
        elements.push(self.totals());

        elements.push(heading(t.top_blocks));
        if self.top.is_empty() {
            elements.push(markdown(t.no_views));
        } else {
            let table_rows = self.top.iter().take(rows).map(|(id, v)| json!({ "block": self.name(id), "pv": v.pv, "uv": v.uv }));
            elements
                .push(table(&[("block", t.block, "text"), ("pv", t.pv, "number"), ("uv", t.uv, "number")], table_rows.collect()));
            elements.extend(cut_note(locale, rows, self.top.len()));
        }

        if !self.movers.is_empty() {
            elements.push(heading(t.movers));
            // Half the rows for the biggest rises, half for the biggest falls, so that
            // a week of many rises still shows what fell.
            let rising: Vec<&Mover> = self.movers.iter().filter(|m| m.change() > 0).collect();
            let falling: Vec<&Mover> = self.movers.iter().filter(|m| m.change() < 0).collect();
            let falls_shown = (rows / 2).min(falling.len());
            let rises_shown = (rows - falls_shown).min(rising.len());
            let table_rows = rising.iter().take(rises_shown).chain(falling.iter().take(falls_shown)).map(|m| {
                let change = match percent_change(m.current.pv as f64, m.previous.pv as f64) {
                    Some(pct) => format!("{} ({pct})", signed(m.change())),
                    None => signed(m.change()),
                };
                json!({ "block": self.name(&m.block_id), "before": m.previous.pv, "pv": m.current.pv, "change": change })
            });
            elements.push(table(
                &[
                    ("block", t.block, "text"),
                    ("before", t.before, "number"),
                    ("pv", t.pv, "number"),
                    ("change", t.change, "text"),
                ],
                table_rows.collect(),
            ));
            elements.extend(cut_note(locale, rises_shown + falls_shown, rising.len() + falling.len()));
        }

        elements.extend(self.notes_list(rows));

        elements.push(heading(t.unusual));
        if self.unusual.is_empty() {
            elements.push(markdown(t.nothing_unusual));
        } else {
            let table_rows = self.unusual.iter().take(rows).map(|u| {
                // A scoped digest's "all blocks" are its own.
                let all = if self.coverage.is_some() { t.all_covered_blocks } else { t.all_blocks };
                let what = u.block_id.as_ref().map_or_else(|| all.to_owned(), |id| self.name(id));
                let arrow = if u.day.direction == Direction::Above { "▲" } else { "▼" };
                json!({
                    "date": locale.short_date(u.day.date),
                    "what": what,
                    "pv": format!("{arrow} {}", grouped(u.day.value)),
                    "usual": grouped(u.day.baseline.median.round() as u64),
                })
            });
            elements.push(table(
                &[("date", t.date, "text"), ("what", t.what, "text"), ("pv", t.pv, "text"), ("usual", t.usual, "text")],
                table_rows.collect(),
            ));
            elements.extend(cut_note(locale, rows, self.unusual.len()));
        }

        elements.push(heading(&(t.dormant)(self.dormant_days)));
        if self.dormant.is_empty() {
            elements.push(markdown(t.nothing_dormant));
        } else {
            let table_rows = self.dormant.iter().take(rows).map(|d| {
                json!({
                    "block": self.name(&d.block_id),
                    "earlier": d.earlier_pv,
                    "last": d.last_seen.map_or_else(|| t.never.to_owned(), |day| locale.short_date(day)),
                })
            });
            elements.push(table(
                &[("block", t.block, "text"), ("earlier", t.earlier_views, "number"), ("last", t.last_seen, "text")],
                table_rows.collect(),
            ));
            elements.extend(cut_note(locale, rows, self.dormant.len()));
        }

        elements.push(json!({
            "tag": "button",
            "text": { "tag": "plain_text", "content": t.open_dashboard },
            "type": "primary",
            "width": "fill",
            "behaviors": [{ "type": "open_url", "default_url": self.link }],
        }));
        elements.push(json!({ "tag": "markdown", "content": t.footer, "text_size": "notation" }));

        json!({
            "schema": "2.0",
            "config": { "update_multi": true, "width_mode": "fill", "summary": { "content": title } },
            "header": {
                "title": { "tag": "plain_text", "content": title },
                "subtitle": { "tag": "plain_text", "content": (t.card_subtitle)(days) },
                "template": "blue",
            },
            "body": { "elements": elements },
        })
    }

    /// Views and average daily users, each with its change on the period before.
    fn totals(&self) -> Value {
        let t = self.language.t().digest;
        let days = u64::from(self.period.len_days().max(1));
        let column = |label: &str, now: u64, before: Option<u64>| {
            let change = match before {
                Some(before) => {
                    percent_change(now as f64, before as f64).map_or_else(|| t.no_previous.to_owned(), |c| (t.versus_before)(&c))
                }
                None => t.no_previous.to_owned(),
            };
            json!({
                "tag": "column",
                "width": "weighted",
                "weight": 1,
                "elements": [{ "tag": "markdown", "content": format!("{label}\n**{}**\n{change}", grouped(now)) }],
            })
        };
        json!({
            "tag": "column_set",
            "flex_mode": "bisect",
            "columns": [
                column(t.views, self.current.pv, self.previous.map(|p| p.pv)),
                column(t.daily_users, self.current.uv / days, self.previous.map(|p| p.uv / days)),
            ],
        })
    }
}

/// `text` cut to `max` characters, the last an ellipsis.
fn cut(text: String, max: usize) -> String {
    if text.chars().count() > max { text.chars().take(max - 1).chain(['…']).collect() } else { text }
}

fn signed(n: i64) -> String {
    let grouped = grouped(n.unsigned_abs());
    match n {
        n if n > 0 => format!("+{grouped}"),
        n if n < 0 => format!("\u{2212}{grouped}"),
        _ => grouped,
    }
}

fn markdown(text: &str) -> Value {
    json!({ "tag": "markdown", "content": text })
}

fn heading(text: &str) -> Value {
    json!({ "tag": "markdown", "content": format!("**{text}**") })
}

fn cut_note(locale: Locale, shown: usize, all: usize) -> Option<Value> {
    (all > shown).then(|| json!({ "tag": "markdown", "content": (locale.t().digest.cut)(shown, all), "text_size": "notation" }))
}

/// A table of `columns` (name, header, data type); rows are objects keyed by name.
fn table(columns: &[(&str, &str, &str)], rows: Vec<Value>) -> Value {
    let columns: Vec<Value> = columns
        .iter()
        .map(|(name, header, data_type)| {
            if *data_type == "number" {
                // Grouped as the totals are: 20,293.
                json!({ "name": name, "display_name": header, "data_type": "number", "horizontal_align": "right", "format": { "precision": 0, "separator": true } })
            } else {
                json!({ "name": name, "display_name": header, "data_type": data_type, "horizontal_align": "left" })
            }
        })
        .collect();
    json!({
        "tag": "table",
        "page_size": rows.len().clamp(1, LIST_ROWS),
        "row_height": "low",
        "header_style": { "bold": true, "background_style": "grey" },
        "columns": columns,
        "rows": rows,
    })
}

/// Every object with a `tag` under `value`: what Feishu counts as elements.
pub fn count_elements(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            let own = usize::from(
                map.get("tag").is_some_and(|tag| tag.as_str() != Some("plain_text") && tag.as_str() != Some("lark_md")),
            );
            own + map.values().map(count_elements).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_elements).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use domain::{MAX_LABEL_CHARS, MAX_NOTE_BLOCKS, MAX_NOTE_CHARS, NoteDraft};

    use super::*;

    /// A digest of 500 blocks with the longest names, used and fallen out of use, and 30
    /// notes of the longest text on 50 blocks each, every note without an estimate for
    /// a long reason; the texts are quotes, which take four bytes each in the request
    /// (escaped in the card, and the card escaped in the body).
    fn crowded(language: Locale) -> DigestContent {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let ids: Vec<BlockId> = (0..500).map(|i| BlockId::parse(&format!("7{i:017}")).unwrap()).collect();
        let names = ids.iter().map(|id| BlockLabel { block_id: id.clone(), name: "\"".repeat(MAX_LABEL_CHARS), workplace: None });
        let cards = (0..30)
            .map(|i| NoteCard {
                id: format!("n{i}"),
                draft: NoteDraft {
                    date: day,
                    text: format!("{i:02}{}", "\"".repeat(MAX_NOTE_CHARS - 2)),
                    block_ids: ids[..MAX_NOTE_BLOCKS].to_vec(),
                    custom_workplace_id: None,
                },
                created_by: "Ada".into(),
                impact: ImpactState::Unavailable { reason: "\"".repeat(400) },
            })
            .collect();
        let names: Vec<BlockLabel> = names.collect();
        DigestContent {
            language,
            period: DateRange::new(day - chrono::Days::new(6), day).unwrap(),
            current: Visits { pv: 1000, uv: 100 },
            previous: None,
            top: ids.iter().map(|id| (id.clone(), Visits { pv: 9, uv: 3 })).collect(),
            movers: Vec::new(),
            unusual: Vec::new(),
            dormant: ids
                .iter()
                .map(|id| Dormant { block_id: id.clone(), recent_pv: 0, earlier_pv: 50, last_seen: Some(day) })
                .collect(),
            dormant_days: 30,
            names: names.clone(),
            notes: Notes { cards, workplaces: Vec::new(), names },
            link: "https://bi.example".into(),
            coverage: None,
        }
    }

    #[test]
    fn many_long_notes_are_halved_with_the_other_lists_until_the_card_fits() {
        for language in [Locale::Zh, Locale::En] {
            let card = crowded(language).card();
            assert!(card.bytes <= MAX_CARD_BYTES && card.elements <= MAX_CARD_ELEMENTS, "{} bytes", card.bytes);
            let notes_shown = card.shown[4];
            assert!((1..LIST_ROWS).contains(&notes_shown), "halved, not emptied: {notes_shown}");
            let text = card.json.to_string();
            assert!(text.contains(&(language.t().digest.cut)(notes_shown, 30)), "the cut list says so");
            let rows = card.json["body"]["elements"].as_array().unwrap().iter().find(|e| e["rows"][0]["note"].is_string());
            let first = &rows.expect("the notes' table")["rows"][0];
            assert!(first["note"].as_str().unwrap().starts_with("29"), "newest (here: last written) first");
            assert_eq!(first["concerns"].as_str().unwrap().chars().count(), LONG_CELL_CHARS, "a long list is cut");
        }
    }

    #[test]
    fn a_scoped_card_says_what_it_covers_first_and_still_fits() {
        for language in [Locale::Zh, Locale::En] {
            let mut content = crowded(language);
            let hr = domain::WorkplaceId::parse("tpl_hr").unwrap();
            let named = content.names[0].block_id.clone();
            content.coverage = Some(Coverage {
                workplaces: vec![(hr, "人力 HR".into(), true)],
                blocks: vec![named],
                covered: content.top.iter().map(|(id, _)| id.clone()).collect(),
            });
            content.unusual = vec![UnusualFinding {
                block_id: None,
                day: domain::unusual::UnusualDay {
                    date: content.period.to(),
                    value: 9,
                    baseline: domain::unusual::Baseline { median: 3.0, mad: 1.0, weeks: 4 },
                    direction: Direction::Above,
                    score: 6.0,
                },
            }];
            let card = content.card();
            assert!(card.bytes <= MAX_CARD_BYTES && card.elements <= MAX_CARD_ELEMENTS, "{} bytes", card.bytes);
            let t = language.t().digest;
            let title = card.json["header"]["title"]["content"].as_str().unwrap();
            assert!(title.contains("人力 HR") && title.chars().count() < 100, "{title}");
            let first = &card.json["body"]["elements"][0];
            assert_eq!(first["tag"], "div");
            let line = first["text"]["content"].as_str().unwrap();
            assert!(line.contains(&(t.workplace_named)("人力 HR")), "{line}");
            let text = card.json.to_string();
            assert!(text.contains(t.all_covered_blocks) && !text.contains(&format!("\"{}\"", t.all_blocks)), "its own blocks");
        }
    }
}
