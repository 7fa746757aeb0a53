//! Pure planning, the arithmetic of pages: which upstream searches answer a set of
//! missing days with the fewest calls, and how a long search is cut into sub-ranges that
//! run side by side. Below both the plan, which compares costs, and the fetch, which
//! cuts its run (re-exported from `plan`).

use chrono::NaiveDate;
use domain::DateRange;

/// Feishu's largest page of block data, the one every block search uses (each data
/// set's own is its endpoint's `MAX_PAGE_SIZE`).
pub const PAGE_SIZE: u32 = 200;

/// Sub-ranges are sized to this share of whole pages, so that day-to-day variation
/// rarely pushes a sub-range a few items past a page boundary (a nearly empty page).
const FILL: f64 = 0.95;

/// Sub-ranges shorter than this share of the planned size are merged into the one
/// before: a tiny tail would cost a request of its own for a handful of items.
const MIN_TAIL: f64 = 0.5;

/// Contiguous runs of the given days. `days` must be sorted and free of repeats.
pub fn runs(days: &[NaiveDate]) -> Vec<DateRange> {
    let mut out = Vec::new();
    let mut iter = days.iter().copied();
    let Some(mut start) = iter.next() else { return out };
    let mut end = start;
    for day in iter {
        if end.succ_opt() == Some(day) {
            end = day;
        } else {
            out.push(DateRange::new(start, end).expect("days are sorted"));
            start = day;
            end = day;
        }
    }
    out.push(DateRange::new(start, end).expect("days are sorted"));
    out
}

/// Pages of block data needed for `items` items (at least one: an empty answer is
/// still a call).
pub fn pages_for(items: f64) -> u64 {
    pages_of(items, PAGE_SIZE)
}

/// Pages of `page_size` items needed for `items` items (at least one).
pub fn pages_of(items: f64, page_size: u32) -> u64 {
    ((items / f64::from(page_size.max(1))).ceil() as u64).max(1)
}

/// Estimated calls to fetch `runs` for all blocks at `density` items per day.
pub fn all_blocks_cost(runs: &[DateRange], density: f64) -> u64 {
    runs.iter().map(|r| pages_for(f64::from(r.len_days()) * density)).sum()
}

/// Calls to fetch one block's `runs`: a block has at most one item a day.
pub fn one_block_cost(runs: &[DateRange]) -> u64 {
    runs.iter().map(|r| pages_for(f64::from(r.len_days()))).sum()
}

/// Cuts `run` into sub-ranges to fetch concurrently: at most about `max_parts` of them,
/// each sized to come back in whole pages of block data at `density` items per day.
pub fn split(run: DateRange, density: f64, max_parts: usize) -> Vec<DateRange> {
    split_in_pages(run, density, max_parts, PAGE_SIZE)
}

/// [`split`] for pages of `page_size` items.
pub fn split_in_pages(run: DateRange, density: f64, max_parts: usize, page_size: u32) -> Vec<DateRange> {
    let density = density.max(f64::MIN_POSITIVE);
    let pages = pages_of(f64::from(run.len_days()) * density, page_size);
    if pages <= 1 || max_parts <= 1 {
        return vec![run];
    }
    let parts = pages.min(max_parts as u64);
    let pages_per_part = pages.div_ceil(parts);
    let days_per_part = ((pages_per_part as f64 * f64::from(page_size) * FILL / density).floor() as u32).max(1);
    chunk(run, days_per_part)
}

/// Cuts `run` into pieces of `days` days, merging a short tail into the piece before.
pub fn chunk(run: DateRange, days: u32) -> Vec<DateRange> {
    let days = days.max(1);
    let mut out: Vec<DateRange> = Vec::new();
    let mut start = run.from();
    loop {
        let end = start.checked_add_days(chrono::Days::new(u64::from(days) - 1)).unwrap_or(run.to()).min(run.to());
        out.push(DateRange::new(start, end).expect("start <= end"));
        match end.succ_opt() {
            Some(next) if next <= run.to() => start = next,
            _ => break,
        }
    }
    if out.len() >= 2 {
        let tail = out[out.len() - 1];
        if f64::from(tail.len_days()) < f64::from(days) * MIN_TAIL {
            out.pop();
            let last = out.last_mut().expect("two or more");
            *last = DateRange::new(last.from(), tail.to()).expect("ordered");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::parse_date(s).unwrap()
    }

    fn r(a: &str, b: &str) -> DateRange {
        DateRange::new(d(a), d(b)).unwrap()
    }

    #[test]
    fn runs_merge_contiguous_days() {
        let days = [d("2024-01-01"), d("2024-01-02"), d("2024-01-03"), d("2024-01-05"), d("2024-01-31"), d("2024-02-01")];
        assert_eq!(
            runs(&days),
            vec![r("2024-01-01", "2024-01-03"), r("2024-01-05", "2024-01-05"), r("2024-01-31", "2024-02-01")]
        );
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn split_covers_the_run_exactly_and_keeps_pages_full() {
        let run = r("2024-01-01", "2024-12-30"); // 365 days
        let parts = split(run, 42.0, 8);
        assert!(parts.len() <= 9, "{}", parts.len());
        assert_eq!(parts.first().unwrap().from(), run.from());
        assert_eq!(parts.last().unwrap().to(), run.to());
        for w in parts.windows(2) {
            assert_eq!(w[0].to().succ_opt(), Some(w[1].from()), "no gap, no overlap");
        }
        let total: u32 = parts.iter().map(DateRange::len_days).sum();
        assert_eq!(total, 365);
        // Estimated requests stay within the bound the service promises.
        let items = 365.0 * 42.0;
        let requests: u64 = parts.iter().map(|p| pages_for(f64::from(p.len_days()) * 42.0)).sum();
        assert!(requests as f64 <= 1.1 * pages_for(items) as f64 + parts.len() as f64, "{requests}");
    }

    #[test]
    fn small_runs_stay_whole() {
        let run = r("2024-01-01", "2024-01-03");
        assert_eq!(split(run, 42.0, 8), vec![run]);
        assert_eq!(split(r("2024-01-01", "2024-12-31"), 0.5, 8).len(), 1);
    }

    #[test]
    fn chunk_merges_a_short_tail() {
        let parts = chunk(r("2024-01-01", "2024-01-11"), 5);
        assert_eq!(parts, vec![r("2024-01-01", "2024-01-05"), r("2024-01-06", "2024-01-11")]);
        let parts = chunk(r("2024-01-01", "2024-01-13"), 5);
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn costs() {
        let runs = [r("2024-01-01", "2024-01-30")];
        assert_eq!(all_blocks_cost(&runs, 42.0), 7);
        assert_eq!(one_block_cost(&runs), 1);
        assert_eq!(one_block_cost(&[r("2024-01-01", "2024-12-31")]), 2);
    }
}
