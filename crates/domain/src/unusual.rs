//! The rule that calls a day unusual: each final day is compared with the same weekday
//! of the eight weeks before it, by the modified z-score of Iglewicz and Hoaglin,
//! `0.6745 · (x − median) / MAD`, flagged above 3.5 in either direction.
//!
//! Why this rule and not a mean and standard deviation: one earlier spike in the
//! baseline would widen a standard deviation enough to hide the next one; the median
//! and the median absolute deviation (MAD) ignore it. Weekdays are compared with
//! weekdays because workplace traffic falls by half or more at weekends.
//!
//! Two guards keep small numbers from raising alarms:
//! - **A floor for the MAD.** Counts of visits scatter by chance roughly like a Poisson
//!   variable, whose MAD is about `0.6745 · √median`; a baseline that happens to be
//!   flat (MAD = 0, say a quiet block at 0 or 2 every Monday) would otherwise flag one
//!   extra visit with an infinite score. And a total of many blocks is so smooth that
//!   its MAD can be under 2% of its level, which would flag an ordinary +15% day. The
//!   MAD used is at least `max(1, 0.6745 · √median, 5% of the median)`
//!   ([`mad_floor`]): a block at 0 needs 6 visits, a block at 100 about 35 more than
//!   usual, and nothing is flagged less than about 26% off its usual level. On the
//!   simulator's unplanted year (60 blocks) this flags 1.4% of block-days and 2 days
//!   of the total besides its public holidays, which it finds (tests/it/insights.rs).
//! - **At least three baseline weeks** ([`MIN_BASELINE_WEEKS`]): a block added last
//!   week has no usual yet, so none of its days is flagged.
//!
//! Today and yesterday are never judged ([`last_judged_day`]): today is still growing,
//! and Feishu may still be completing yesterday.
//!
//! Written by hand: the rule is a dozen lines of arithmetic over at most eight values
//! per day; no statistics crate offers this exact rule with its guards, and pulling one
//! into the browser build would cost more than it saves.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// How many weeks before a day its baseline looks back.
pub const BASELINE_WEEKS: u64 = 8;
/// Fewer known weeks than this and a day is not judged.
pub const MIN_BASELINE_WEEKS: usize = 3;
/// A modified z-score above this, in either direction, flags the day.
pub const FLAG_SCORE: f64 = 3.5;
/// 0.6745: the MAD of a normal distribution in standard deviations, so that the score
/// reads as standard deviations.
const CONSISTENCY: f64 = 0.6745;
/// The MAD used is at least this share of the median (see the module doc).
const RELATIVE_MAD_FLOOR: f64 = 0.05;

/// The same weekday over the weeks before a day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub median: f64,
    /// The median absolute deviation, before the floor.
    pub mad: f64,
    /// How many of the [`BASELINE_WEEKS`] were known.
    pub weeks: usize,
}

/// Which way a day left its usual range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Above,
    Below,
}

/// A day flagged as unusual, with the numbers behind it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnusualDay {
    pub date: NaiveDate,
    pub value: u64,
    pub baseline: Baseline,
    /// The modified z-score, with the MAD floored.
    pub score: f64,
    pub direction: Direction,
}

impl UnusualDay {
    /// The usual range, `median ± FLAG_SCORE · MAD / 0.6745` (floored at 0): values
    /// inside it are not flagged.
    pub fn usual_range(&self) -> (f64, f64) {
        let half = FLAG_SCORE * effective_mad(&self.baseline) / CONSISTENCY;
        ((self.baseline.median - half).max(0.0), self.baseline.median + half)
    }

    /// How many times the usual value this day saw (∞ shown by callers as "from 0").
    pub fn ratio(&self) -> Option<f64> {
        (self.baseline.median > 0.0).then(|| self.value as f64 / self.baseline.median)
    }
}

/// The median of `values` (sorted in place); `None` when empty.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// The smallest MAD the rule uses for a baseline at `median`: see the module doc.
pub fn mad_floor(median: f64) -> f64 {
    let median = median.max(0.0);
    (CONSISTENCY * median.sqrt()).max(1.0).max(RELATIVE_MAD_FLOOR * median)
}

fn effective_mad(b: &Baseline) -> f64 {
    b.mad.max(mad_floor(b.median))
}

/// The baseline of the known values; `None` with fewer than [`MIN_BASELINE_WEEKS`].
pub fn baseline(values: &[u64]) -> Option<Baseline> {
    if values.len() < MIN_BASELINE_WEEKS {
        return None;
    }
    // On the stack for the usual eight weeks: a year of 200 blocks judges 73,000 days.
    let (mut stack, mut heap) = ([0.0; BASELINE_WEEKS as usize], Vec::new());
    let v: &mut [f64] = if values.len() <= stack.len() {
        &mut stack[..values.len()]
    } else {
        heap.resize(values.len(), 0.0);
        &mut heap
    };
    for (slot, &x) in v.iter_mut().zip(values) {
        *slot = x as f64;
    }
    let m = median(v)?;
    for x in v.iter_mut() {
        *x = (*x - m).abs();
    }
    let mad = median(v)?;
    Some(Baseline { median: m, mad, weeks: values.len() })
}

/// The modified z-score of `value` against `b`, with the MAD floored.
pub fn score(value: u64, b: &Baseline) -> f64 {
    CONSISTENCY * (value as f64 - b.median) / effective_mad(b)
}

/// The last day that may be judged when it is `now`: the day before yesterday in the
/// tenant's time zone `tz`.
pub fn last_judged_day<Z: TimeZone>(now: DateTime<Utc>, tz: &Z) -> NaiveDate {
    let today = now.with_timezone(tz).date_naive();
    today.checked_sub_days(Days::new(2)).unwrap_or(NaiveDate::MIN)
}

/// Judges `date` by the value `value_of` gives it and the same weekday of the
/// [`BASELINE_WEEKS`] before (`value_of` answers `None` for a day not known: before the
/// block existed, or not fetched). `None` when the day is after `last_judged`, unknown,
/// short of baseline weeks, or usual.
pub fn judge(date: NaiveDate, last_judged: NaiveDate, value_of: impl Fn(NaiveDate) -> Option<u64>) -> Option<UnusualDay> {
    if date > last_judged {
        return None;
    }
    let value = value_of(date)?;
    judge_value(date, value, |week| date.checked_sub_days(Days::new(7 * week)).and_then(&value_of))
}

/// [`judge`] for a day whose value is known, given the same weekday `week` weeks
/// earlier by `earlier(week)` (`None`: not known). For callers that hold days by index.
pub fn judge_value(date: NaiveDate, value: u64, earlier: impl Fn(u64) -> Option<u64>) -> Option<UnusualDay> {
    let (mut values, mut known) = ([0u64; BASELINE_WEEKS as usize], 0);
    for week in 1..=BASELINE_WEEKS {
        if let Some(v) = earlier(week) {
            values[known] = v;
            known += 1;
        }
    }
    verdict(date, value, baseline(&values[..known])?)
}

/// `value` on `date` judged against `baseline`: unusual past [`FLAG_SCORE`] either way.
fn verdict(date: NaiveDate, value: u64, baseline: Baseline) -> Option<UnusualDay> {
    let score = score(value, &baseline);
    (score.abs() > FLAG_SCORE).then_some(UnusualDay {
        date,
        value,
        baseline,
        score,
        direction: if score > 0.0 { Direction::Above } else { Direction::Below },
    })
}

/// [`judge_value`] for many days of one series at once: `column` holds a value per day
/// (consecutive days, by position), `judged` the days to judge (date, position), in
/// ascending order; each is judged against the same weekday of the [`BASELINE_WEEKS`]
/// before it at or after position `known_from` (earlier ones are not known). Hands each
/// unusual day to `found`. The same verdicts as [`judge_value`] (the tests compare
/// both), at a fraction of the cost: each weekday's baseline is kept sorted as the days
/// advance a week at a time (one value in, one out), so its median costs nothing, and
/// the MAD's sort is needed only where the median and the MAD's floor leave the day in
/// doubt (a few in a hundred). A year of 2,000 blocks is 730,000 days.
/// [`judge_value`] is the rule as written, for one day; this is what the pages run.
pub fn judge_series(column: &[u64], known_from: usize, judged: &[(NaiveDate, usize)], mut found: impl FnMut(UnusualDay)) {
    const WEEKS: usize = BASELINE_WEEKS as usize;
    // Per weekday: the position last judged, and its baseline's values, sorted.
    let mut windows: [(Option<usize>, Window); 7] = Default::default();
    for &(date, at) in judged {
        if at >= column.len() || at < known_from {
            continue;
        }
        let (last, window) = &mut windows[at % 7];
        match *last {
            // A week on: the day before joins the baseline, the oldest leaves it.
            Some(previous) if previous + 7 == at => {
                if let Some(oldest) = previous.checked_sub(7 * WEEKS).filter(|p| *p >= known_from) {
                    window.remove(column[oldest]);
                }
                window.insert(column[previous]);
            }
            _ => {
                *window = Window::default();
                for week in 1..=WEEKS {
                    if let Some(p) = at.checked_sub(7 * week).filter(|p| *p >= known_from) {
                        window.insert(column[p]);
                    }
                }
            }
        }
        *last = Some(at);
        let values = window.values();
        if values.len() < MIN_BASELINE_WEEKS {
            continue;
        }
        if let Some(day) = judge_sorted(date, column[at], values) {
            found(day);
        }
    }
}

/// The baseline's values of one weekday, sorted, at most [`BASELINE_WEEKS`].
#[derive(Clone, Copy, Default)]
struct Window {
    values: [u64; BASELINE_WEEKS as usize],
    len: usize,
}

impl Window {
    fn values(&self) -> &[u64] {
        &self.values[..self.len]
    }

    // By hand over at most eight values: a `memmove` call and a binary search cost more
    // than the few moves themselves, and this runs for every day of every block.
    fn insert(&mut self, value: u64) {
        let mut at = self.len.min(self.values.len() - 1);
        while at > 0 && self.values[at - 1] > value {
            self.values[at] = self.values[at - 1];
            at -= 1;
        }
        self.values[at] = value;
        self.len = (self.len + 1).min(self.values.len());
    }

    fn remove(&mut self, value: u64) {
        let Some(at) = self.values().iter().position(|v| *v == value) else { return };
        for i in at..self.len - 1 {
            self.values[i] = self.values[i + 1];
        }
        self.len -= 1;
    }
}

/// [`judge_value`] against `sorted`, the known baseline values in ascending order.
fn judge_sorted(date: NaiveDate, value: u64, sorted: &[u64]) -> Option<UnusualDay> {
    // As `baseline` computes them (the median of values as f64, then of the distances
    // to it), without sorting the values again.
    let n = sorted.len();
    let mid = n / 2;
    let m = if n.is_multiple_of(2) { (sorted[mid - 1] as f64 + sorted[mid] as f64) / 2.0 } else { sorted[mid] as f64 };
    // With the median known, the floor of the MAD alone clears almost every day: the
    // score against the MAD used (at least the floor) is at most the score against the
    // floor (a division by more is never larger, in floating point too).
    if (CONSISTENCY * (value as f64 - m) / mad_floor(m)).abs() <= FLAG_SCORE {
        return None;
    }
    let mut deviations = [0.0; BASELINE_WEEKS as usize];
    for (d, x) in deviations.iter_mut().zip(sorted) {
        *d = (*x as f64 - m).abs();
    }
    let mad = median(&mut deviations[..n])?;
    verdict(date, value, Baseline { median: m, mad, weeks: n })
}

/// The same weekday as `date`, `weeks` weeks earlier (for callers that fetch the
/// baseline's days).
pub fn weeks_before(date: NaiveDate, weeks: u64) -> Option<NaiveDate> {
    let earlier = date.checked_sub_days(Days::new(7 * weeks))?;
    debug_assert_eq!(earlier.weekday(), date.weekday());
    Some(earlier)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{FixedOffset, Weekday};

    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    /// A series with `value` on every day from `from` to `to`, then the given overrides.
    fn series(from: &str, to: &str, value: u64, overrides: &[(&str, u64)]) -> BTreeMap<NaiveDate, u64> {
        let mut s: BTreeMap<NaiveDate, u64> = d(from).iter_days().take_while(|x| *x <= d(to)).map(|x| (x, value)).collect();
        for (day, v) in overrides {
            s.insert(d(day), *v);
        }
        s
    }

    #[test]
    fn median_and_mad_of_a_baseline() {
        let b = baseline(&[10, 12, 11, 50, 9, 10, 11, 13]).unwrap();
        assert_eq!((b.median, b.mad, b.weeks), (11.0, 1.0, 8));
        // The earlier spike (50) moves neither: the next spike still stands out.
        assert!(score(40, &b) > FLAG_SCORE);
        assert_eq!(baseline(&[5, 6]), None, "fewer than three weeks");
        assert_eq!(baseline(&[5, 6, 7]).unwrap().median, 6.0);
    }

    #[test]
    fn a_flat_baseline_does_not_flag_one_extra_visit() {
        let quiet = series("2026-01-01", "2026-03-31", 0, &[("2026-03-02", 1)]);
        let at = |x: NaiveDate| quiet.get(&x).copied();
        assert_eq!(judge(d("2026-03-02"), d("2026-03-29"), at), None, "MAD = 0, one visit");
        let spiky = series("2026-01-01", "2026-03-31", 0, &[("2026-03-02", 6)]);
        let found = judge(d("2026-03-02"), d("2026-03-29"), |x| spiky.get(&x).copied()).expect("six visits from none");
        assert_eq!(found.direction, Direction::Above);
        assert!((found.score - 4.047).abs() < 0.001, "{}", found.score);
        // A total of many blocks, flat at 10,000: +15% is ordinary, +40% is not.
        let total = |v| series("2026-01-01", "2026-03-31", 10_000, &[("2026-03-02", v)]);
        assert_eq!(judge(d("2026-03-02"), d("2026-03-29"), |x| total(11_500).get(&x).copied()), None);
        assert!(judge(d("2026-03-02"), d("2026-03-29"), |x| total(14_000).get(&x).copied()).is_some());
        // A busy flat block: 100 every day; 120 is within chance, 140 is not.
        let busy = |v| series("2026-01-01", "2026-03-31", 100, &[("2026-03-02", v)]);
        assert_eq!(judge(d("2026-03-02"), d("2026-03-29"), |x| busy(120).get(&x).copied()), None);
        assert!(judge(d("2026-03-02"), d("2026-03-29"), |x| busy(140).get(&x).copied()).is_some());
        let drop = judge(d("2026-03-02"), d("2026-03-29"), |x| busy(40).get(&x).copied()).unwrap();
        assert_eq!(drop.direction, Direction::Below);
        assert_eq!(drop.ratio(), Some(0.4));
        let (low, high) = drop.usual_range();
        assert!(low < 100.0 && high > 100.0 && low > 40.0);
    }

    /// A repeatable source of numbers below `n` (xorshift), for the cases the tests draw.
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        }
    }

    /// The full rule, without the shortcut: what [`judge_series`] must agree with.
    fn judged_fully(value: u64, values: &[u64]) -> Option<f64> {
        let b = baseline(values)?;
        let s = score(value, &b);
        (s.abs() > FLAG_SCORE).then_some(s)
    }

    #[test]
    fn the_series_shortcut_never_passes_over_a_day_the_full_rule_flags() {
        // Quiet, busy, spiky and flat baselines, values around and far from them, and
        // the values right at the edge of the usual range.
        let mut next = numbers(0x9e37_79b9_7f4a_7c15_u64);
        let (mut flagged, mut checked) = (0, 0);
        for case in 0..200_000u64 {
            let level = [0, 1, 3, 10, 40, 100, 1_000, 20_000][(case % 8) as usize];
            let weeks = 3 + next(6) as usize;
            let values: Vec<u64> = (0..weeks).map(|_| level + next(level / 3 + 3)).collect();
            let value = match case % 4 {
                0 => next(level * 3 + 10),
                1 => level + next(level / 2 + 8),
                _ => {
                    // The edge: the largest value the full rule leaves alone, and the next.
                    let b = baseline(&values).unwrap();
                    let (_, high) =
                        UnusualDay { date: NaiveDate::MIN, value: 0, baseline: b, score: 0.0, direction: Direction::Above }
                            .usual_range();
                    high as u64 + (case % 2)
                }
            };
            // The day at the end of a column, its baseline weeks before it, one a week.
            let at = 7 * weeks;
            let mut column = vec![0; at + 1];
            for (week, v) in values.iter().enumerate() {
                column[at - 7 * (week + 1)] = *v;
            }
            column[at] = value;
            let mut fast = None;
            judge_series(&column, 0, &[(NaiveDate::MIN, at)], |u| fast = Some(u.score));
            assert_eq!(fast, judged_fully(value, &values), "value {value} against {values:?}");
            flagged += usize::from(fast.is_some());
            checked += 1;
        }
        assert!(flagged > checked / 20, "the cases flag some days: {flagged} of {checked}");
    }

    #[test]
    fn a_series_judged_at_once_gives_the_verdicts_of_each_day_alone() {
        let mut next = numbers(0x2545_f491_4f6c_dd1d_u64);
        let start = d("2025-01-01");
        let mut flagged = 0;
        for case in 0..400u64 {
            let level = [0, 1, 4, 30, 300, 5_000][(case % 6) as usize];
            let days = 60 + next(400) as usize;
            let column: Vec<u64> = (0..days)
                .map(|i| {
                    let weekend = i % 7 >= 5;
                    let base = if weekend { level / 4 } else { level };
                    // Now and then a spike, a drop or a day at zero.
                    match next(60) {
                        0 => base * 5 + 9,
                        1 => 0,
                        _ => base + next(base / 3 + 3),
                    }
                })
                .collect();
            let known_from = next(days as u64 / 3) as usize;
            let first = next(days as u64) as usize;
            // Judged days: a run, with a gap now and then (they need not be contiguous).
            let judged: Vec<(NaiveDate, usize)> = (first..days)
                .filter(|at| case % 5 != 0 || at % 11 != 3)
                .map(|at| (start + chrono::Days::new(at as u64), at))
                .collect();
            let mut at_once = Vec::new();
            judge_series(&column, known_from, &judged, |u| at_once.push(u));
            let one_by_one: Vec<UnusualDay> = judged
                .iter()
                .filter(|(_, at)| *at >= known_from)
                .filter_map(|&(date, at)| {
                    let earlier = |week: u64| at.checked_sub(7 * week as usize).filter(|i| *i >= known_from).map(|i| column[i]);
                    judge_value(date, column[at], earlier)
                })
                .collect();
            assert_eq!(at_once, one_by_one, "case {case}: known from {known_from}, judged from {first}");
            flagged += at_once.len();
        }
        assert!(flagged > 100, "the cases flag days: {flagged}");
    }

    #[test]
    fn no_flag_without_three_baseline_weeks() {
        // The block exists from 2026-02-10: on 2026-03-02 two Mondays are known.
        let young = series("2026-02-10", "2026-03-31", 10, &[("2026-03-02", 500), ("2026-03-09", 500)]);
        let at = |x: NaiveDate| young.get(&x).copied();
        assert_eq!(judge(d("2026-03-02"), d("2026-03-29"), at), None);
        // A week later three Mondays are known (02-16, 02-23, 03-02 ... with 03-02 at 500).
        let later = judge(d("2026-03-09"), d("2026-03-29"), at);
        assert_eq!(later.map(|u| u.baseline.weeks), Some(3));
    }

    #[test]
    fn weekdays_align_across_month_and_year_ends() {
        // 2026-01-05 is a Monday; its baseline Mondays run back into 2025 (12-29, 12-22, …).
        let monday = d("2026-01-05");
        assert_eq!(monday.weekday(), Weekday::Mon);
        let mondays: Vec<NaiveDate> = (1..=BASELINE_WEEKS).map(|w| weeks_before(monday, w).unwrap()).collect();
        assert_eq!(mondays[0], d("2025-12-29"));
        assert_eq!(mondays[7], d("2025-11-10"));
        assert!(mondays.iter().all(|m| m.weekday() == Weekday::Mon));
        // Weekend traffic is low and weekday traffic high: a Monday is judged by Mondays
        // only, so a normal Monday after low Sundays is not unusual, and a Monday at the
        // Sunday level is.
        let mut s = BTreeMap::new();
        for day in d("2025-10-01").iter_days().take_while(|x| *x <= d("2026-01-31")) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            s.insert(day, if weekend { 20 } else { 200 + u64::from(day.day() % 5) });
        }
        assert_eq!(judge(monday, d("2026-01-31"), |x| s.get(&x).copied()), None);
        s.insert(monday, 20);
        assert_eq!(judge(monday, d("2026-01-31"), |x| s.get(&x).copied()).map(|u| u.direction), Some(Direction::Below));
    }

    #[test]
    fn today_and_yesterday_are_never_judged_in_the_tenants_time_zone() {
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        // 2026-03-04 17:00 UTC is 2026-03-05 01:00 in Shanghai: today there is 03-05.
        let now = DateTime::parse_from_rfc3339("2026-03-04T17:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(last_judged_day(now, &shanghai), d("2026-03-03"));
        assert_eq!(last_judged_day(now, &Utc), d("2026-03-02"));
        let s = series("2026-01-01", "2026-03-05", 10, &[("2026-03-04", 900), ("2026-03-03", 900)]);
        let last = last_judged_day(now, &shanghai);
        assert_eq!(judge(d("2026-03-04"), last, |x| s.get(&x).copied()), None, "yesterday");
        assert!(judge(d("2026-03-03"), last, |x| s.get(&x).copied()).is_some(), "the day before");
        assert_eq!(judge(d("2026-03-05"), last, |x| s.get(&x).copied()), None, "today");
    }
}
