//! When digests are due and which days each covers, in the tenant's time zone.
//!
//! A schedule's occurrences are its weekday and hour (weekly) or its hour (daily),
//! on the hour, in the tenant's time zone. An occurrence on day D covers final days
//! only: the days up to D − 2 (the day before yesterday, as everywhere in the
//! dashboard), seven of them for a weekly digest, one for a daily. A digest is due
//! from its occurrence for [`MISSED_GRACE`], so one missed while the dashboard was
//! down is sent when it comes back within a day, and never later.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use domain::DateRange;
use store::DigestCadence;

/// How long after its occurrence a digest is still sent.
pub const MISSED_GRACE: Duration = Duration::hours(24);

/// One occurrence of a schedule: when, and the days it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub at: DateTime<Utc>,
    pub period: DateRange,
}

impl Occurrence {
    /// The key under which its delivery is claimed: the days it covers.
    pub fn key(&self) -> String {
        period_key(self.period)
    }
}

/// `2026-11-21..2026-11-27`.
pub fn period_key(period: DateRange) -> String {
    format!("{}..{}", period.from(), period.to())
}

/// The days an occurrence on `day` covers.
pub fn period_of(cadence: DigestCadence, day: NaiveDate) -> DateRange {
    let last = day.checked_sub_days(Days::new(2)).unwrap_or(NaiveDate::MIN);
    let days = match cadence {
        DigestCadence::Weekly { .. } => 7,
        DigestCadence::Daily { .. } => 1,
    };
    let first = last.checked_sub_days(Days::new(days - 1)).unwrap_or(NaiveDate::MIN);
    DateRange::new(first, last).expect("first is on or before last")
}

/// The hour `hour` of `day` in `tz`; in a gap of a change to summer time, the first
/// moment after it.
fn at_hour(tz: Tz, day: NaiveDate, hour: u8) -> DateTime<Utc> {
    let mut local = day.and_time(NaiveTime::from_hms_opt(u32::from(hour.min(23)), 0, 0).expect("an hour of the day"));
    for _ in 0..4 {
        if let Some(at) = tz.from_local_datetime(&local).earliest() {
            return at.with_timezone(&Utc);
        }
        local += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

fn hour_of(cadence: DigestCadence) -> u8 {
    match cadence {
        DigestCadence::Weekly { hour, .. } | DigestCadence::Daily { hour } => hour,
    }
}

fn falls_on(cadence: DigestCadence, day: NaiveDate) -> bool {
    match cadence {
        DigestCadence::Weekly { weekday, .. } => day.weekday() == weekday,
        DigestCadence::Daily { .. } => true,
    }
}

/// The latest occurrence at or before `now`.
pub fn latest(cadence: DigestCadence, tz: Tz, now: DateTime<Utc>) -> Occurrence {
    let today = now.with_timezone(&tz).date_naive();
    let mut day = today;
    for _ in 0..8 {
        if falls_on(cadence, day) {
            let at = at_hour(tz, day, hour_of(cadence));
            if at <= now {
                return Occurrence { at, period: period_of(cadence, day) };
            }
        }
        day = day.pred_opt().unwrap_or(day);
    }
    unreachable!("a weekly schedule falls within eight days")
}

/// The first occurrence after `now`.
pub fn next(cadence: DigestCadence, tz: Tz, now: DateTime<Utc>) -> Occurrence {
    let mut day = now.with_timezone(&tz).date_naive();
    for _ in 0..9 {
        if falls_on(cadence, day) {
            let at = at_hour(tz, day, hour_of(cadence));
            if at > now {
                return Occurrence { at, period: period_of(cadence, day) };
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    unreachable!("a weekly schedule falls within nine days")
}

/// The occurrence due at `now`, if any: the latest, when it came after the schedule was
/// saved (the first digest comes at the first time after saving) and less than
/// [`MISSED_GRACE`] ago.
pub fn due(cadence: DigestCadence, tz: Tz, saved_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Occurrence> {
    let latest = latest(cadence, tz, now);
    (latest.at > saved_at && now - latest.at < MISSED_GRACE).then_some(latest)
}

/// The weekdays, Monday first, for the setup page.
pub const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    #[test]
    fn weekly_monday_nine_in_shanghai_covers_the_seven_final_days() {
        let cadence = DigestCadence::Weekly { weekday: Weekday::Mon, hour: 9 };
        let tz = Tz::Asia__Shanghai;
        // Monday 2026-11-30 09:00 in Shanghai is 01:00 UTC.
        let now = utc("2026-11-30T01:00:00Z");
        let o = latest(cadence, tz, now);
        assert_eq!(o.at, now);
        assert_eq!((o.period.from(), o.period.to()), (d("2026-11-22"), d("2026-11-28")));
        assert_eq!(o.key(), "2026-11-22..2026-11-28");
        // A minute before, the latest is the Monday before.
        let before = latest(cadence, tz, now - Duration::minutes(1));
        assert_eq!(before.at, utc("2026-11-23T01:00:00Z"));
        assert_eq!(next(cadence, tz, now - Duration::minutes(1)).at, now);
        assert_eq!(next(cadence, tz, now).at, utc("2026-12-07T01:00:00Z"));
    }

    #[test]
    fn due_within_a_day_of_the_occurrence_and_after_saving() {
        let cadence = DigestCadence::Daily { hour: 8 };
        let tz = Tz::UTC;
        let saved = utc("2026-11-01T00:00:00Z");
        let o = due(cadence, tz, saved, utc("2026-11-02T08:00:00Z")).expect("due at 8");
        assert_eq!((o.period.from(), o.period.to()), (d("2026-10-31"), d("2026-10-31")));
        assert!(due(cadence, tz, saved, utc("2026-11-02T07:59:59Z")).is_some(), "yesterday's is still within the day");
        assert_eq!(due(cadence, tz, saved, utc("2026-11-02T07:59:59Z")).unwrap().period.to(), d("2026-10-30"));
        let weekly = DigestCadence::Weekly { weekday: Weekday::Mon, hour: 8 };
        assert!(due(weekly, tz, saved, utc("2026-11-03T07:59:00Z")).is_some(), "Monday's is sent until Tuesday 8:00");
        assert!(due(weekly, tz, saved, utc("2026-11-03T08:00:00Z")).is_none(), "a day after Monday 8:00 it is too late");
        assert!(
            due(weekly, tz, utc("2026-11-02T09:00:00Z"), utc("2026-11-02T10:00:00Z")).is_none(),
            "saved after the occurrence"
        );
    }

    #[test]
    fn a_summer_time_gap_moves_the_hour_to_after_it() {
        // 2026-03-08 02:00 does not exist in New York.
        let at = at_hour(Tz::America__New_York, d("2026-03-08"), 2);
        assert_eq!(at, utc("2026-03-08T07:00:00Z"), "03:00 EDT");
    }
}
