use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The only date format Feishu accepts, and the one every URL and export uses.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// Parses `yyyy-MM-dd` strictly: four-digit year, two-digit month and day, a real date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim().as_bytes();
    let shape_ok = text.len() == 10
        && text.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    // The shape is checked, so the numbers are plain digits: no need for a format parser.
    let number = |digits: &[u8]| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(&text[0..4])).ok()?;
    NaiveDate::from_ymd_opt(year, number(&text[5..7]), number(&text[8..10]))
}

/// An inclusive range of calendar days in the tenant's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

/// A range whose end comes before its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the range starts on {from} but ends on {to}, before it starts: swap the two dates")]
pub struct InvalidRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// A range from `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, InvalidRange> {
        if from > to { Err(InvalidRange { from, to }) } else { Ok(Self { from, to }) }
    }

    /// The single day `day`.
    pub fn day(day: NaiveDate) -> Self {
        Self { from: day, to: day }
    }

    /// The `days` days that end on `last` (included).
    pub fn ending(last: NaiveDate, days: u32) -> Self {
        let from = last.checked_sub_days(Days::new(u64::from(days.max(1)) - 1)).unwrap_or(NaiveDate::MIN);
        Self { from, to: last }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Number of days in the range, both ends included.
    pub fn len_days(&self) -> u32 {
        u32::try_from((self.to - self.from).num_days() + 1).unwrap_or(u32::MAX)
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Every day of the range, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + Clone + use<> {
        self.from.iter_days().take(self.len_days() as usize)
    }

    /// The range of the same length that ends the day before this one starts.
    pub fn previous(&self) -> Self {
        let len = self.len_days();
        match self.from.pred_opt() {
            Some(last) => Self::ending(last, len),
            None => *self,
        }
    }

    /// The range of the same length that starts the day after this one ends.
    pub fn next(&self) -> Self {
        let len = u64::from(self.len_days());
        match self.to.succ_opt() {
            Some(first) => Self { from: first, to: first.checked_add_days(Days::new(len - 1)).unwrap_or(NaiveDate::MAX) },
            None => *self,
        }
    }

    /// The period before this one: the previous calendar month when this is a whole
    /// month, else the same number of days just before.
    pub fn previous_period(&self) -> Self {
        match self.whole_month() {
            Some(month) => month_range(month.checked_sub_months(Months::new(1)).unwrap_or(month)),
            None => self.previous(),
        }
    }

    /// The period after this one, by the same rule.
    pub fn next_period(&self) -> Self {
        match self.whole_month() {
            Some(month) => month_range(month.checked_add_months(Months::new(1)).unwrap_or(month)),
            None => self.next(),
        }
    }

    /// The same days a year earlier (29 February maps to 28 February).
    pub fn year_earlier(&self) -> Self {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        DateRange::new(back(self.from), back(self.to)).expect("order kept")
    }

    /// The first day of the month when this is exactly one calendar month.
    fn whole_month(&self) -> Option<NaiveDate> {
        (self.from.day() == 1 && month_range(self.from) == *self).then_some(self.from)
    }

    /// The part of this range that lies inside `other`, if any.
    pub fn intersect(&self, other: &DateRange) -> Option<DateRange> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(DateRange { from, to })
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.from.format(DATE_FORMAT), self.to.format(DATE_FORMAT))
    }
}

/// The calendar month that begins on `first`.
fn month_range(first: NaiveDate) -> DateRange {
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    DateRange::new(first, next.pred_opt().unwrap_or(first)).expect("ordered")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn strict_dates() {
        assert_eq!(parse_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2023-2-01", "2023/02/01", "20230201", "2023-02-01x", "", "２０２３-02-01", "+2023-02-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn periods() {
        let r = DateRange::new(d("2024-03-01"), d("2024-03-07")).unwrap();
        assert_eq!(r.len_days(), 7);
        assert_eq!(r.previous(), DateRange::new(d("2024-02-23"), d("2024-02-29")).unwrap());
        assert_eq!(r.next(), DateRange::new(d("2024-03-08"), d("2024-03-14")).unwrap());
        assert_eq!(r.days().count(), 7);
        assert_eq!(DateRange::ending(d("2024-03-07"), 7), r);
        assert!(DateRange::new(d("2024-03-02"), d("2024-03-01")).is_err());
    }

    #[test]
    fn periods_step_by_month_or_by_length() {
        let feb = DateRange::new(d("2024-02-01"), d("2024-02-29")).unwrap();
        assert_eq!(feb.previous_period(), DateRange::new(d("2024-01-01"), d("2024-01-31")).unwrap());
        assert_eq!(feb.next_period(), DateRange::new(d("2024-03-01"), d("2024-03-31")).unwrap());
        let week = DateRange::new(d("2024-03-09"), d("2024-03-15")).unwrap();
        assert_eq!(week.previous_period(), DateRange::new(d("2024-03-02"), d("2024-03-08")).unwrap());
        assert_eq!(feb.year_earlier(), DateRange::new(d("2023-02-01"), d("2023-02-28")).unwrap());
    }
}
