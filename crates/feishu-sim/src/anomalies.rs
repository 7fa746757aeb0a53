//! Anomalies planted in the synthetic tenant, deterministically, so that tests know what
//! the insights must find: a spike on one day, a drop over some days, a block that goes
//! silent, a block that is new; and changes whose effect a note's impact must find: a
//! block's level multiplied from a day on (a step), and a share of one block's visits
//! moved to another from a day on (a swap: one rises, the other falls, the total stays).
//! The simulator reports them (with block ids) as ground truth.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One planted anomaly, on the block at `block` in [`crate::Dataset::blocks`]
/// (most popular first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// PV and UV times `factor` on `date`.
    Spike {
        /// The block, by its place in the dataset's blocks.
        block: usize,
        /// The day of the spike.
        date: NaiveDate,
        /// How many times the usual visits.
        factor: f64,
    },
    /// PV and UV times `factor` (below 1) on `days` days from `from`.
    Drop {
        /// The block, by its place in the dataset's blocks.
        block: usize,
        /// The first day of the drop.
        from: NaiveDate,
        /// How many days it lasts.
        days: u32,
        /// The share of the usual visits left.
        factor: f64,
    },
    /// No visit at all from `from` on.
    Silent {
        /// The block, by its place in the dataset's blocks.
        block: usize,
        /// The first day without a visit.
        from: NaiveDate,
    },
    /// No visit before `from`: the block appears that day.
    New {
        /// The block, by its place in the dataset's blocks.
        block: usize,
        /// Its first day with visits.
        from: NaiveDate,
    },
    /// PV and UV times `factor` from `from` on: a lasting change of level.
    Step {
        /// The block, by its place in the dataset's blocks.
        block: usize,
        /// The first day at the new level.
        from: NaiveDate,
        /// The new level against the old.
        factor: f64,
    },
    /// From `from` on, `share` of the visits of block `away` go to `block` instead: the
    /// two blocks' total stays as generated.
    Swap {
        /// The block that gains, by its place in the dataset's blocks.
        block: usize,
        /// The block that loses.
        away: usize,
        /// The first day of the swap.
        from: NaiveDate,
        /// The share of `away`'s visits moved, 0 to 1.
        share: f64,
    },
}

impl Anomaly {
    /// The block it acts on, as an index into the dataset's blocks.
    pub fn block(&self) -> usize {
        match self {
            Anomaly::Spike { block, .. }
            | Anomaly::Drop { block, .. }
            | Anomaly::Silent { block, .. }
            | Anomaly::New { block, .. }
            | Anomaly::Step { block, .. }
            | Anomaly::Swap { block, .. } => *block,
        }
    }

    /// (pv, uv) of `block` on `date` once this anomaly acts on them; `None` for no visit.
    pub(crate) fn apply(&self, block: usize, date: NaiveDate, visits: Option<(u64, u64)>) -> Option<(u64, u64)> {
        if block != self.block() {
            return visits;
        }
        let scaled = |factor: f64| {
            visits.and_then(|(pv, uv)| {
                let pv = (pv as f64 * factor).round() as u64;
                let uv = ((uv as f64 * factor).round() as u64).clamp(1, pv.max(1));
                (pv > 0).then_some((pv, uv.min(pv)))
            })
        };
        match *self {
            Anomaly::Spike { date: day, factor, .. } if day == date => scaled(factor),
            Anomaly::Drop { from, days, factor, .. } if date >= from && (date - from).num_days() < i64::from(days) => {
                scaled(factor)
            }
            Anomaly::Silent { from, .. } if date >= from => None,
            Anomaly::New { from, .. } if date < from => None,
            Anomaly::Step { from, factor, .. } if date >= from => scaled(factor),
            _ => visits,
        }
    }
}

/// A few anomalies for demo mode and the browser tests, relative to `today`: the
/// second most viewed block spikes to 6× 9 days ago, the fourth drops to a tenth for 5
/// days from 30 days ago, the seventh goes silent 20 days ago and the thirteenth is new
/// 10 days ago.
pub fn demo_anomalies(today: NaiveDate) -> Vec<Anomaly> {
    let ago = |n: u64| today.checked_sub_days(chrono::Days::new(n)).unwrap_or(today);
    vec![
        Anomaly::Spike { block: 1, date: ago(9), factor: 6.0 },
        Anomaly::Drop { block: 3, from: ago(30), days: 5, factor: 0.1 },
        Anomaly::Silent { block: 6, from: ago(20) },
        Anomaly::New { block: 12, from: ago(10) },
    ]
}

/// An anomaly as the simulator reports it: with the block's id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlantedAnomaly {
    /// The id of the block it acts on.
    pub block_id: String,
    /// What was planted.
    #[serde(flatten)]
    pub anomaly: Anomaly,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn each_kind_acts_on_its_block_and_days_only() {
        let spike = Anomaly::Spike { block: 2, date: d("2026-03-02"), factor: 4.0 };
        assert_eq!(spike.apply(2, d("2026-03-02"), Some((100, 40))), Some((400, 160)));
        assert_eq!(spike.apply(2, d("2026-03-03"), Some((100, 40))), Some((100, 40)));
        assert_eq!(spike.apply(1, d("2026-03-02"), Some((100, 40))), Some((100, 40)));
        let drop = Anomaly::Drop { block: 0, from: d("2026-03-02"), days: 7, factor: 0.1 };
        assert_eq!(drop.apply(0, d("2026-03-08"), Some((100, 40))), Some((10, 4)));
        assert_eq!(drop.apply(0, d("2026-03-09"), Some((100, 40))), Some((100, 40)));
        assert_eq!(drop.apply(0, d("2026-03-05"), Some((3, 1))), None, "rounded to no visit");
        let silent = Anomaly::Silent { block: 0, from: d("2026-03-02") };
        assert_eq!(silent.apply(0, d("2026-04-02"), Some((100, 40))), None);
        let new = Anomaly::New { block: 0, from: d("2026-03-02") };
        assert_eq!(new.apply(0, d("2026-03-01"), Some((100, 40))), None);
        assert_eq!(new.apply(0, d("2026-03-02"), Some((100, 40))), Some((100, 40)));
    }
}
