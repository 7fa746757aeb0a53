//! What the URL says the page shows: range (a preset or two dates), blocks, sorting,
//! tab, page and language. Parsed the same way on the server and in the browser, and
//! written back canonically, so that every link is shareable and the back button steps
//! through choices. Unknown parameters are ignored (links with tracking parameters open).

use chrono::{Datelike, NaiveDate};
use domain::DateRange;
use serde::{Deserialize, Serialize};

use i18n::{Locale, Messages};

/// Ranges that move with today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    Last7,
    Last14,
    Last30,
    Last90,
    ThisMonth,
    LastMonth,
    YearToDate,
}

impl Preset {
    pub const ALL: [Preset; 7] =
        [Preset::Last7, Preset::Last14, Preset::Last30, Preset::Last90, Preset::ThisMonth, Preset::LastMonth, Preset::YearToDate];

    /// The default when the URL names no range.
    pub const DEFAULT: Preset = Preset::Last30;

    pub fn code(self) -> &'static str {
        match self {
            Preset::Last7 => "7d",
            Preset::Last14 => "14d",
            Preset::Last30 => "30d",
            Preset::Last90 => "90d",
            Preset::ThisMonth => "month",
            Preset::LastMonth => "last-month",
            Preset::YearToDate => "ytd",
        }
    }

    pub fn parse(code: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The key that selects it (see the shortcuts help).
    pub fn shortcut(self) -> char {
        match self {
            Preset::Last7 => '1',
            Preset::Last14 => '2',
            Preset::Last30 => '3',
            Preset::Last90 => '4',
            Preset::ThisMonth => 'm',
            Preset::LastMonth => 'l',
            Preset::YearToDate => 'y',
        }
    }

    pub fn label(self, t: &Messages) -> &'static str {
        match self {
            Preset::Last7 => t.preset_7d,
            Preset::Last14 => t.preset_14d,
            Preset::Last30 => t.preset_30d,
            Preset::Last90 => t.preset_90d,
            Preset::ThisMonth => t.preset_month,
            Preset::LastMonth => t.preset_last_month,
            Preset::YearToDate => t.preset_ytd,
        }
    }

    /// The days it covers when today is `today` (today included, except last month).
    pub fn range(self, today: NaiveDate) -> DateRange {
        let first_of_month = today.with_day(1).unwrap_or(today);
        match self {
            Preset::Last7 => DateRange::ending(today, 7),
            Preset::Last14 => DateRange::ending(today, 14),
            Preset::Last30 => DateRange::ending(today, 30),
            Preset::Last90 => DateRange::ending(today, 90),
            Preset::ThisMonth => DateRange::new(first_of_month, today).expect("ordered"),
            Preset::LastMonth => {
                let last = first_of_month.pred_opt().unwrap_or(first_of_month);
                DateRange::new(last.with_day(1).unwrap_or(last), last).expect("ordered")
            }
            Preset::YearToDate => {
                DateRange::new(NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today), today).expect("ordered")
            }
        }
    }
}

/// The per-block table's sort column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortColumn {
    Name,
    Pv,
    Uv,
    AvgUv,
    ActiveDays,
}

impl SortColumn {
    pub const ALL: [SortColumn; 5] =
        [SortColumn::Name, SortColumn::Pv, SortColumn::Uv, SortColumn::AvgUv, SortColumn::ActiveDays];

    fn code(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Pv => "pv",
            SortColumn::Uv => "uv",
            SortColumn::AvgUv => "avg-uv",
            SortColumn::ActiveDays => "days",
        }
    }
}

/// A column and a direction; `-pv` in the URL means PV, largest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { column: SortColumn::Pv, descending: true }
    }
}

impl Sort {
    /// The URL value, e.g. `-pv`.
    pub fn code(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.column.code())
    }

    fn parse(text: &str) -> Option<Sort> {
        let (descending, code) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        SortColumn::ALL.into_iter().find(|c| c.code() == code).map(|column| Sort { column, descending })
    }

    /// The sort a click on `column`'s header asks for: the other direction when it is
    /// the current column, else numbers largest first and names A to Z.
    pub fn toggled(self, column: SortColumn) -> Sort {
        if self.column == column {
            Sort { column, descending: !self.descending }
        } else {
            Sort { column, descending: column != SortColumn::Name }
        }
    }
}

/// Which tab the page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Overview,
    Rows,
    /// The workplaces: totals, each custom workplace, and their blocks.
    Workplaces,
}

/// The lists of the page that show their first rows, and whole when the URL asks
/// (`whole=…`): each says how many more it has and links here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WholeList {
    /// The insights' dormant blocks.
    Dormant,
    /// The insights' new blocks.
    New,
    /// The insights' unusual days.
    Unusual,
    /// The blocks of every workplace in the workplaces tab.
    WorkplaceBlocks,
}

impl WholeList {
    pub const ALL: [WholeList; 4] = [WholeList::Dormant, WholeList::New, WholeList::Unusual, WholeList::WorkplaceBlocks];

    pub fn code(self) -> &'static str {
        match self {
            WholeList::Dormant => "dormant",
            WholeList::New => "new",
            WholeList::Unusual => "unusual",
            WholeList::WorkplaceBlocks => "workplace-blocks",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        WholeList::ALL.into_iter().find(|w| w.code() == code)
    }
}

/// Everything the URL chooses, as given (dates and ids are checked by the server).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ViewParams {
    pub preset: Option<Preset>,
    /// Custom range: both set, as typed.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Block ids as typed; empty means all blocks.
    pub blocks: Vec<String>,
    /// Only the blocks on this workplace (as a block's name gives it, or a custom
    /// workplace's id or name), as typed.
    pub workplace: Option<String>,
    /// The dormant window of the insights, in days (1 to 90; 14 when not given).
    pub dormant_days: Option<u32>,
    pub sort: Sort,
    pub tab: Tab,
    /// Page of the rows tab, or of the overview's blocks table, from 1.
    pub page: usize,
    /// The blocks table shows only blocks whose name, id or workplace holds this.
    pub search: Option<String>,
    /// The block filter offers the blocks whose name, id or workplace holds this. Only
    /// the page that answers the search has it: every link on it leaves it out (but the
    /// language's, which shows the same page).
    pub find: Option<String>,
    /// A list of the page shown whole rather than its first rows.
    pub whole: Option<WholeList>,
    pub lang: Option<Locale>,
}

impl ViewParams {
    /// Reads the URL's query parameters; unknown ones and unusable values of the
    /// optional ones are ignored (the server reports bad dates and block ids).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut params = ViewParams { page: 1, ..ViewParams::default() };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "range" => params.preset = Preset::parse(value),
                "from" if !value.is_empty() => params.from = Some(kept(value)),
                "to" if !value.is_empty() => params.to = Some(kept(value)),
                "block" => {
                    // One field may carry several ids ("1,2 3"), as pasted.
                    params.blocks.extend(value.split([',', ' ', '\n', '\t']).map(kept).filter(|s| !s.is_empty()));
                }
                "workplace" if !value.is_empty() => params.workplace = Some(kept(value)),
                "dormant" => params.dormant_days = value.parse().ok().filter(|n| (1..=90).contains(n)),
                "sort" => params.sort = Sort::parse(value).unwrap_or_default(),
                "tab" if value == "rows" => params.tab = Tab::Rows,
                "tab" if value == "workplaces" => params.tab = Tab::Workplaces,
                "page" => params.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                "q" if !value.is_empty() => params.search = Some(kept(value)),
                "find" if !value.is_empty() => params.find = Some(kept(value)),
                "whole" => params.whole = WholeList::parse(value),
                "lang" => params.lang = Locale::parse(value),
                _ => {}
            }
        }
        if params.from.is_some() || params.to.is_some() {
            params.preset = None;
        }
        params
    }

    /// Reads a query string (`?range=30d&block=…`, the `?` optional) as [`Self::from_pairs`] does.
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).into_owned().collect();
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The range the URL asks for, resolved against `today`. Custom dates win over a
    /// preset; with neither, [`Preset::DEFAULT`].
    pub fn custom_dates(&self) -> Option<(Option<&str>, Option<&str>)> {
        (self.from.is_some() || self.to.is_some()).then_some((self.from.as_deref(), self.to.as_deref()))
    }

    pub fn preset_or_default(&self) -> Preset {
        self.preset.unwrap_or(Preset::DEFAULT)
    }

    /// What the view's numbers are of: its range (a preset or dates), blocks,
    /// workplace, the insights' window and tab; not how they are shown (order, page,
    /// searches, lists shown whole, language). What a read-only link fixes.
    pub fn data(&self) -> ViewParams {
        let preset = self.custom_dates().is_none().then(|| self.preset_or_default());
        ViewParams {
            preset,
            from: self.from.clone(),
            to: self.to.clone(),
            blocks: self.blocks.clone(),
            workplace: self.workplace.clone(),
            dormant_days: self.dormant_days,
            tab: self.tab,
            page: 1,
            ..ViewParams::default()
        }
    }

    /// This view shown over the data of `fixed` (a read-only link's): its order, page,
    /// searches, lists and language, `fixed`'s numbers.
    pub fn within(&self, fixed: &ViewParams) -> ViewParams {
        ViewParams {
            sort: self.sort,
            page: self.page,
            search: self.search.clone(),
            find: self.find.clone(),
            whole: self.whole,
            lang: self.lang,
            ..fixed.data()
        }
    }

    /// The canonical query string, starting with `?` (or empty).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match (&self.from, &self.to) {
            (None, None) => {
                if let Some(p) = self.preset.filter(|p| *p != Preset::DEFAULT) {
                    pairs.push(("range", p.code().into()));
                }
            }
            (from, to) => {
                pairs.push(("from", from.clone().unwrap_or_default()));
                pairs.push(("to", to.clone().unwrap_or_default()));
            }
        }
        for b in &self.blocks {
            pairs.push(("block", b.clone()));
        }
        if let Some(w) = &self.workplace {
            pairs.push(("workplace", w.clone()));
        }
        if let Some(days) = self.dormant_days {
            pairs.push(("dormant", days.to_string()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.code()));
        }
        if self.tab == Tab::Workplaces {
            pairs.push(("tab", "workplaces".into()));
        }
        if self.tab == Tab::Rows {
            pairs.push(("tab", "rows".into()));
        }
        if let Some(q) = &self.search {
            pairs.push(("q", q.clone()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if let Some(find) = &self.find {
            pairs.push(("find", find.clone()));
        }
        if let Some(whole) = self.whole {
            pairs.push(("whole", whole.code().into()));
        }
        if let Some(lang) = self.lang {
            pairs.push(("lang", lang.code().into()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let mut out = String::from("?");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }

    pub fn with_preset(&self, preset: Preset) -> Self {
        ViewParams { preset: Some(preset), from: None, to: None, page: 1, find: None, ..self.clone() }
    }

    pub fn with_range(&self, range: DateRange) -> Self {
        ViewParams {
            preset: None,
            from: Some(range.from().to_string()),
            to: Some(range.to().to_string()),
            page: 1,
            find: None,
            ..self.clone()
        }
    }

    /// These blocks, and no workplace filter.
    pub fn with_blocks(&self, blocks: Vec<String>) -> Self {
        ViewParams { blocks, workplace: None, page: 1, search: None, find: None, ..self.clone() }
    }

    /// All the blocks of `workplace`, in the block view.
    pub fn with_workplace(&self, workplace: &str) -> Self {
        ViewParams {
            blocks: Vec::new(),
            workplace: Some(kept(workplace)),
            tab: Tab::Overview,
            page: 1,
            search: None,
            find: None,
            ..self.clone()
        }
    }

    pub fn with_sort(&self, sort: Sort) -> Self {
        ViewParams { sort, page: 1, find: None, ..self.clone() }
    }

    pub fn with_tab(&self, tab: Tab) -> Self {
        ViewParams { tab, page: 1, search: None, whole: None, find: None, ..self.clone() }
    }

    /// `list` shown whole (or, with `None`, every list cut again).
    pub fn with_whole(&self, list: Option<WholeList>) -> Self {
        ViewParams { whole: list, find: None, ..self.clone() }
    }

    pub fn with_page(&self, page: usize) -> Self {
        ViewParams { page, find: None, ..self.clone() }
    }

    pub fn with_lang(&self, lang: Locale) -> Self {
        ViewParams { lang: Some(lang), ..self.clone() }
    }
}

/// At most 64 characters of a value (enough for any date or id, and for the message
/// about one that is wrong), trimmed after the cut so that the canonical URL reads back
/// as itself.
fn kept(value: &str) -> String {
    let cut: String = value.chars().take(64).collect();
    cut.trim().to_owned()
}

/// Percent-encodes a query value (dates, digits and letters pass as they are).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests;
