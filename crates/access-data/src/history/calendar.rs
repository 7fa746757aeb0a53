//! The history fetch's calendar: which months its window holds, and when it looks again
//! (each day once a new day is final; the first of next month once the quota's share is
//! spent), in the tenant's time zone.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::DateRange;

use crate::quota::first_of_next_month;

/// How long after midnight the fetch looks for the day that just became final: the
/// day before yesterday had a whole day to settle at Feishu already, so a few minutes
/// only keep the fetch clear of other midnight work.
const AFTER_MIDNIGHT: NaiveTime = NaiveTime::from_hms_opt(0, 5, 0).expect("a valid time");

/// The months of the window, newest first: the month of `last_final` (up to that day)
/// and the `months - 1` calendar months before it, whole.
pub(crate) fn window_months(last_final: NaiveDate, months: u32) -> Vec<DateRange> {
    let mut out = Vec::with_capacity(months as usize);
    let mut last = last_final;
    for _ in 0..months {
        let first = last.with_day(1).expect("every month has a first day");
        out.push(DateRange::new(first, last).expect("the first of a month is not after its days"));
        let Some(before) = first.pred_opt() else { break };
        last = before;
    }
    out
}

/// A newest month shorter than this many days is fetched together with the month before:
/// a search's days are paged through one after another, so a few days of a large tenant
/// alone would be fetched far below the pace (a few parts side by side at most).
const SHORTEST_SPAN_DAYS: u32 = 7;

/// The stretches a pass fetches, newest first: the window's months, the newest together
/// with the one before it while it is shorter than a week.
pub(crate) fn spans(months: &[DateRange]) -> Vec<DateRange> {
    match months {
        [newest, before, rest @ ..] if newest.len_days() < SHORTEST_SPAN_DAYS => {
            let merged = DateRange::new(before.from(), newest.to()).expect("the months are ordered");
            std::iter::once(merged).chain(rest.iter().copied()).collect()
        }
        _ => months.to_vec(),
    }
}

/// The last final day when today is `today`: the day before yesterday.
pub(crate) fn last_final_day(today: NaiveDate) -> NaiveDate {
    today.checked_sub_days(Days::new(2)).unwrap_or(today)
}

/// When the next day becomes final after `now`: a few minutes past the next midnight
/// in `timezone`.
pub(crate) fn next_daily_look(now: DateTime<Utc>, timezone: Tz) -> DateTime<Utc> {
    let tomorrow = now.with_timezone(&timezone).date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
    local_time(tomorrow, timezone).unwrap_or(now + chrono::Duration::days(1))
}

/// When a new month's share of the quota begins after `now`: a few minutes past
/// midnight on the first of next month in `timezone`.
pub(crate) fn next_month_look(now: DateTime<Utc>, timezone: Tz) -> DateTime<Utc> {
    let first = first_of_next_month(now.with_timezone(&timezone).date_naive());
    local_time(first, timezone).unwrap_or(now + chrono::Duration::days(1))
}

/// [`AFTER_MIDNIGHT`] on `day` in `timezone`, an hour later should a clock change skip it.
fn local_time(day: NaiveDate, timezone: Tz) -> Option<DateTime<Utc>> {
    let at = day.and_time(AFTER_MIDNIGHT);
    timezone
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| timezone.from_local_datetime(&(at + chrono::Duration::hours(1))).earliest())
        .map(|local| local.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        domain::parse_date(text).unwrap()
    }

    #[test]
    fn the_window_is_whole_months_newest_first_up_to_the_last_final_day() {
        let months = window_months(d("2026-03-14"), 13);
        assert_eq!(months.len(), 13);
        assert_eq!(months[0], DateRange::new(d("2026-03-01"), d("2026-03-14")).unwrap());
        assert_eq!(months[1], DateRange::new(d("2026-02-01"), d("2026-02-28")).unwrap());
        assert_eq!(months[12], DateRange::new(d("2025-03-01"), d("2025-03-31")).unwrap());
        for pair in months.windows(2) {
            assert_eq!(pair[1].to().succ_opt(), Some(pair[0].from()), "no gap, no overlap");
        }
        assert!(window_months(d("2026-03-14"), 0).is_empty());
        assert_eq!(spans(&months), months, "a newest month of two weeks is a span of its own");
        let early = window_months(d("2026-03-05"), 3);
        assert_eq!(
            spans(&early),
            vec![DateRange::new(d("2026-02-01"), d("2026-03-05")).unwrap(), early[2]],
            "five days go with February"
        );
        assert_eq!(spans(&early[..1]), early[..1].to_vec(), "a window of one short month is that month");
        assert_eq!(last_final_day(d("2026-03-01")), d("2026-02-27"));
    }

    #[test]
    fn it_looks_again_after_midnight_in_the_tenant_time_zone() {
        let shanghai = Tz::Asia__Shanghai;
        // 23:30 in Shanghai on 14 March is 15:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 3, 14, 15, 30, 0).unwrap();
        assert_eq!(next_daily_look(now, shanghai), Utc.with_ymd_and_hms(2026, 3, 14, 16, 5, 0).unwrap());
        assert_eq!(next_month_look(now, shanghai), Utc.with_ymd_and_hms(2026, 3, 31, 16, 5, 0).unwrap());
        // A midnight that a clock change skips (Havana springs forward at 00:00).
        let havana = Tz::America__Havana;
        let before = Utc.with_ymd_and_hms(2026, 3, 7, 12, 0, 0).unwrap();
        assert_eq!(next_daily_look(before, havana), Utc.with_ymd_and_hms(2026, 3, 8, 5, 5, 0).unwrap(), "01:05 daylight time");
    }
}
