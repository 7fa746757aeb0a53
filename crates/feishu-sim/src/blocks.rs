//! A block of the synthetic tenant and its visits: Zipf-like popularity, a weekday
//! rhythm, holidays, a slow trend, a season, noise, and blocks created partway through
//! history.
//!
//! Every (block, day) figure is computed from a hash of the seed, the block's index and
//! the day, so nothing has to be stored and the wall clock plays no part: the same
//! config always gives the same numbers.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::synth::{hash, mix, normal, poisson, unit};

/// Expected weekday pv of the most popular block.
const TOP_BLOCK_PV: f64 = 2400.0;
/// Zipf exponent: the 60th block gets about 1/380 of the top block's visits.
const ZIPF_EXPONENT: f64 = 1.45;
/// Share of blocks (past the first few) created partway through the history.
const LATE_BLOCK_SHARE: f64 = 0.3;
/// The most popular blocks always exist for the whole history.
const ALWAYS_THERE: usize = 4;
/// Days a new block takes to reach its full audience.
const RAMP_DAYS: f64 = 28.0;
/// Day number (from the common era) of 2024-01-01: the trend's pivot.
const TREND_PIVOT: f64 = 738_886.0;

/// A block (widget) of the synthetic tenant.
#[derive(Clone, Debug)]
pub struct BlockProfile {
    /// The 18-digit BlockID, first digit non-zero.
    pub id: String,
    /// The day the block was added to the workplace; no data before it.
    pub created: NaiveDate,
    /// Popularity: the expected pv on an ordinary weekday once the block is
    /// established, before trend and noise.
    pub weight: f64,
    /// The id of the custom workplace the block is on.
    pub workplace_id: String,
    /// Index of that workplace in [`crate::Dataset::workplaces`].
    pub(crate) workplace: usize,
    /// Position in [`crate::Dataset::blocks`], also the input of every hash.
    pub(crate) index: u64,
    /// Weekend traffic as a share of weekday traffic.
    weekend_factor: f64,
    /// Exponential growth (or decline) per year.
    growth_per_year: f64,
    /// Typical uv / pv.
    uv_share: f64,
}

impl BlockProfile {
    /// The block at `index` of the tenant of `seed`, on the workplace at `workplace`;
    /// `weight` overrides the tenant-wide Zipf popularity of its rank. Its id is none
    /// of `taken`.
    pub(crate) fn generate(
        seed: u64,
        index: usize,
        (first_day, history_days): (NaiveDate, u32),
        (workplace, weight): (usize, Option<f64>),
        taken: &HashMap<String, usize>,
    ) -> Self {
        let i = index as u64;
        let h = |salt: u64| hash(seed, &[0xB10C, i, salt]);
        let mut attempt = 0;
        let id = loop {
            let n = 100_000_000_000_000_000 + hash(seed, &[0x1D, i, attempt]) % 900_000_000_000_000_000;
            let id = n.to_string();
            if !taken.contains_key(&id) {
                break id;
            }
            attempt += 1;
        };
        let rank = (index + 1) as f64;
        let zipf = || TOP_BLOCK_PV * rank.powf(-ZIPF_EXPONENT) * (0.2 * normal(h(1))).exp();
        let weight = weight.unwrap_or_else(zipf);
        let late = index >= ALWAYS_THERE && history_days >= 10 && unit(h(2)) < LATE_BLOCK_SHARE;
        let created = if late {
            // Somewhere in the middle 80 % of the history.
            let span = u64::from(history_days) * 8 / 10;
            let offset = u64::from(history_days) / 10 + h(3) % span.max(1);
            first_day.checked_add_days(Days::new(offset)).unwrap_or(first_day)
        } else {
            // Long enough before the history that its ramp-up is over.
            first_day.checked_sub_days(Days::new(RAMP_DAYS as u64 + h(3) % 365)).unwrap_or(first_day)
        };
        Self {
            id,
            created,
            weight,
            workplace_id: String::new(),
            workplace,
            index: i,
            weekend_factor: 0.08 + 0.22 * unit(h(4)),
            growth_per_year: -0.15 + 0.5 * unit(h(5)),
            uv_share: 0.25 + 0.5 * unit(h(6)),
        }
    }

    /// The visits on `date` (within the history: the caller checks) as the model gives
    /// them, before any planted anomaly; `None` for no visit.
    pub(crate) fn generated_visits(&self, seed: u64, date: NaiveDate) -> Option<(u64, u64)> {
        if date < self.created {
            return None;
        }
        let day = u64::try_from(date.num_days_from_ce()).unwrap_or(0);
        let h = hash(seed, &[self.index, day]);
        let age_days = (date - self.created).num_days() as f64;
        let ramp = (0.2 + 0.8 * age_days / RAMP_DAYS).min(1.0);
        let years = (day as f64 - TREND_PIVOT) / 365.25;
        let trend = (self.growth_per_year * years).exp().clamp(0.3, 3.0);
        let season = 1.0 + 0.07 * (std::f64::consts::TAU * f64::from(date.ordinal()) / 365.25).sin();
        let noise = (0.15 * normal(h)).exp();
        let lambda = self.weight * day_factor(self, date) * ramp * trend * season * noise;
        let pv = poisson(lambda, mix(h ^ 1));
        if pv == 0 {
            return None;
        }
        let share = (self.uv_share * (0.08 * normal(mix(h ^ 2))).exp()).min(1.0);
        let uv = ((pv as f64 * share).round() as u64).clamp(1, pv);
        Some((pv, uv))
    }
}

/// Traffic on `date` relative to an ordinary Monday: weekends and the fixed
/// mainland public holidays (New Year's Day, 1–5 May, 1–7 October) are quiet.
fn day_factor(block: &BlockProfile, date: NaiveDate) -> f64 {
    let holiday = matches!((date.month(), date.day()), (1, 1) | (5, 1..=5) | (10, 1..=7));
    if holiday {
        return block.weekend_factor * 0.8;
    }
    match date.weekday() {
        Weekday::Mon => 1.0,
        Weekday::Tue => 1.06,
        Weekday::Wed => 1.04,
        Weekday::Thu => 1.0,
        Weekday::Fri => 0.88,
        Weekday::Sat => block.weekend_factor,
        Weekday::Sun => block.weekend_factor * 0.85,
    }
}
