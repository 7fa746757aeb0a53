//! Which days get a labelled tick on the x axis: every day for short ranges, then
//! Mondays, month starts, quarters, years — the first calendar step whose labels
//! do not collide.

use chrono::{Datelike, NaiveDate, Weekday};

/// A calendar step between ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Days(usize),
    Weeks(usize),
    Months(u32),
    Years(i32),
}

const STEPS: [Step; 15] = [
    Step::Days(1),
    Step::Days(2),
    Step::Days(3),
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(25),
    Step::Years(100),
];

/// Where tick labels may go: the day columns and the horizontal room for text.
pub(super) struct TickSpace<'a> {
    /// Centre x of day `i`.
    pub centre: &'a dyn Fn(usize) -> f32,
    /// Labels must stay within `min_x..max_x`.
    pub min_x: f32,
    pub max_x: f32,
    /// Label width of day `i`.
    pub width: &'a dyn Fn(usize) -> f32,
}

impl TickSpace<'_> {
    /// The horizontal extent of day `i`'s label: centred on its column, pushed
    /// inwards at the chart's edges.
    pub(super) fn span(&self, i: usize) -> (f32, f32) {
        let w = (self.width)(i);
        let centre = (self.centre)(i);
        let start = (centre - w / 2.0).max(self.min_x).min(self.max_x - w);
        (start, start + w)
    }
}

/// Indices of the days to label, in order. Never empty when `days` is not.
pub(super) fn tick_days(days: &[NaiveDate], space: &TickSpace) -> Vec<usize> {
    const GAP: f32 = 10.0;
    let mut fallback = Vec::new();
    for step in STEPS {
        let ticks = candidates(days, step);
        if ticks.is_empty() {
            continue;
        }
        let fits = ticks.windows(2).all(|w| space.span(w[0]).1 + GAP <= space.span(w[1]).0);
        if fits {
            return ticks;
        }
        fallback = ticks;
    }
    if fallback.is_empty() && !days.is_empty() {
        fallback.push(0);
    }
    // Nothing fits (a very narrow chart): keep the coarsest ticks but drop every
    // label that would collide with the one before it.
    let mut kept: Vec<usize> = Vec::new();
    for i in fallback {
        if kept.last().is_none_or(|&last| space.span(last).1 + GAP <= space.span(i).0) {
            kept.push(i);
        }
    }
    kept
}

fn candidates(days: &[NaiveDate], step: Step) -> Vec<usize> {
    let mut first_monday = None;
    days.iter()
        .enumerate()
        .filter(|&(i, day)| match step {
            Step::Days(k) => i % k == 0,
            Step::Weeks(k) => {
                if day.weekday() != Weekday::Mon {
                    return false;
                }
                let first = *first_monday.get_or_insert(i);
                ((i - first) / 7) % k == 0
            }
            Step::Months(k) => day.day() == 1 && day.month0() % k == 0,
            Step::Years(k) => day.ordinal() == 1 && day.year().rem_euclid(k) == 0,
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(from: NaiveDate, n: usize) -> Vec<NaiveDate> {
        from.iter_days().take(n).collect()
    }

    fn ticks(d: &[NaiveDate], width: f32, label: f32) -> Vec<usize> {
        let column = width / d.len() as f32;
        tick_days(d, &TickSpace { centre: &|i| (i as f32 + 0.5) * column, min_x: 0.0, max_x: width, width: &|_| label })
    }

    #[test]
    fn a_week_labels_every_day() {
        let d = days(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), 7);
        assert_eq!(ticks(&d, 800.0, 40.0), (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn a_single_day_has_one_tick() {
        let d = days(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), 1);
        assert_eq!(ticks(&d, 800.0, 40.0), vec![0]);
    }

    #[test]
    fn a_quarter_labels_mondays() {
        let d = days(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 91);
        // The first label is pushed inwards from the edge, which costs it room.
        let t = ticks(&d, 800.0, 34.0);
        assert!(t.iter().all(|&i| d[i].weekday() == Weekday::Mon), "{t:?}");
        assert_eq!(t.len(), 13);
    }

    #[test]
    fn three_years_label_month_starts_sparsely() {
        let d = days(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), 365 * 3 + 1);
        let t = ticks(&d, 850.0, 64.0);
        assert!(t.iter().all(|&i| d[i].day() == 1), "{t:?}");
        assert!((6..=12).contains(&t.len()), "{} ticks", t.len());
    }

    #[test]
    fn an_impossibly_narrow_axis_still_never_overlaps() {
        let d = days(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 10);
        let t = ticks(&d, 100.0, 80.0);
        assert_eq!(t, vec![0]);
    }
}
