//! Numbers as people read them: grouped exact values for tooltips and bar ends,
//! "nice" value-axis ticks, and compact tick labels (1.2M, 12万) for big ranges.

use serde::{Deserialize, Serialize};

/// A named power of ten used for compact axis labels, e.g. 1,000,000 → "M".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactUnit {
    /// What one unit is worth, e.g. 1_000_000 (must be > 0).
    pub value: u64,
    /// Written right after the number, e.g. "M" or "万".
    pub suffix: String,
}

/// How numbers are written. The caller picks the locale's conventions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberFormat {
    /// Between groups of three digits, e.g. "," ("1,234,567"); empty for none.
    pub group_separator: String,
    /// Between the whole and the fractional part of compact labels, e.g. ".".
    pub decimal_separator: String,
    /// Units for compact axis ticks, any order.
    pub compact_units: Vec<CompactUnit>,
    /// Axis ticks switch to compact units when the top tick reaches this value;
    /// below it they are exact and grouped. `u64::MAX` never compacts.
    pub compact_from: u64,
}

impl NumberFormat {
    /// English: "1,234,567"; axis ticks from one million on as "1.5M".
    pub fn en() -> Self {
        Self {
            group_separator: ",".into(),
            decimal_separator: ".".into(),
            compact_units: vec![unit(1_000, "K"), unit(1_000_000, "M"), unit(1_000_000_000, "B")],
            compact_from: 1_000_000,
        }
    }

    /// Chinese: "1,234,567"; axis ticks from 100,000 on as "12万", "1.5亿".
    pub fn zh() -> Self {
        Self {
            group_separator: ",".into(),
            decimal_separator: ".".into(),
            compact_units: vec![unit(10_000, "万"), unit(100_000_000, "亿")],
            compact_from: 100_000,
        }
    }

    /// The exact value with grouped digits: `1234567` → "1,234,567".
    pub fn format(&self, value: u64) -> String {
        let mut out = String::new();
        self.push_formatted(&mut out, value);
        out
    }

    /// Appends [`Self::format`]`(value)` to `out`.
    pub(crate) fn push_formatted(&self, out: &mut String, value: u64) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let len = digits.len() - start;
        for (i, &d) in digits[start..].iter().enumerate() {
            if i > 0 && (len - i).is_multiple_of(3) {
                out.push_str(&self.group_separator);
            }
            out.push(d as char);
        }
    }

    /// Labels for axis ticks `0, step, 2·step, …` (all of them share one unit, so
    /// a reader can compare them): exact and grouped, or compact when the top tick
    /// reaches [`Self::compact_from`].
    pub fn tick_labels(&self, ticks: &[u64]) -> Vec<String> {
        let top = ticks.iter().copied().max().unwrap_or(0);
        let unit = self
            .compact_units
            .iter()
            .filter(|u| u.value > 0 && u.value <= top && top >= self.compact_from)
            .max_by_key(|u| u.value);
        let Some(unit) = unit else {
            return ticks.iter().map(|&t| self.format(t)).collect();
        };
        // Enough decimals to write every tick exactly (ticks are multiples of a
        // nice step), at most three.
        let decimals = (0..=3u32)
            .find(|&d| ticks.iter().all(|&t| (t as u128 * 10u128.pow(d)).is_multiple_of(unit.value as u128)))
            .unwrap_or(3);
        ticks.iter().map(|&t| self.compact(t, unit, decimals)).collect()
    }

    fn compact(&self, value: u64, unit: &CompactUnit, max_decimals: u32) -> String {
        if value == 0 {
            return "0".into();
        }
        let scale = 10u128.pow(max_decimals);
        let unit_value = unit.value as u128;
        let scaled = (value as u128 * scale + unit_value / 2) / unit_value;
        let whole = (scaled / scale) as u64;
        let mut frac = format!("{:0width$}", scaled % scale, width = max_decimals as usize);
        while frac.ends_with('0') {
            frac.pop();
        }
        let mut out = self.format(whole);
        if !frac.is_empty() {
            out.push_str(&self.decimal_separator);
            out.push_str(&frac);
        }
        out.push_str(&unit.suffix);
        out
    }
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self::en()
    }
}

fn unit(value: u64, suffix: &str) -> CompactUnit {
    CompactUnit { value, suffix: suffix.into() }
}

/// Ticks for a value axis from 0 to at least `max`: about `target` steps of a
/// whole "nice" size (1, 2, 2.5 or 5 times a power of ten). All zeros still give
/// an axis from 0 to 1.
pub(crate) fn nice_ticks(max: u64, target: u64) -> Vec<u64> {
    let max = max.max(1);
    let target = target.max(1);
    let mut step = 1u64;
    'search: for power in 0..=19u32 {
        let magnitude = 10u64.pow(power);
        // (numerator, denominator) of the multiplier: 1, 2, 2.5, 5.
        for (num, den) in [(1u64, 1u64), (2, 1), (5, 2), (5, 1)] {
            let Some(candidate) = magnitude.checked_mul(num).map(|m| m / den) else {
                break 'search;
            };
            if candidate == 0 || candidate * den != magnitude * num {
                continue; // 2.5 × 1 is not a whole number.
            }
            step = candidate;
            if max.div_ceil(candidate) <= target {
                break 'search;
            }
        }
    }
    let count = max.div_ceil(step);
    (0..=count).map(|i| i.saturating_mul(step)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        let f = NumberFormat::en();
        assert_eq!(f.format(0), "0");
        assert_eq!(f.format(999), "999");
        assert_eq!(f.format(1_000), "1,000");
        assert_eq!(f.format(1_234_567), "1,234,567");
        assert_eq!(f.format(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn nice_ticks_cover_the_maximum_in_round_steps() {
        assert_eq!(nice_ticks(0, 5), vec![0, 1]);
        assert_eq!(nice_ticks(3, 5), vec![0, 1, 2, 3]);
        assert_eq!(nice_ticks(7, 5), vec![0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(1_234, 5), vec![0, 250, 500, 750, 1_000, 1_250]);
        assert_eq!(nice_ticks(1_000, 5), vec![0, 200, 400, 600, 800, 1_000]);
        let huge = nice_ticks(u64::MAX / 2, 5);
        assert!(*huge.last().unwrap() >= u64::MAX / 2);
    }

    #[test]
    fn tick_labels_compact_only_big_axes() {
        let en = NumberFormat::en();
        assert_eq!(en.tick_labels(&[0, 250_000, 500_000]), ["0", "250,000", "500,000"]);
        assert_eq!(en.tick_labels(&[0, 500_000, 1_000_000, 1_500_000]), ["0", "0.5M", "1M", "1.5M"]);
        assert_eq!(en.tick_labels(&[0, 250_000_000, 1_250_000_000]), ["0", "0.25B", "1.25B"]);
        let zh = NumberFormat::zh();
        assert_eq!(zh.tick_labels(&[0, 50_000, 100_000, 150_000]), ["0", "5万", "10万", "15万"]);
        assert_eq!(zh.tick_labels(&[0, 20_000]), ["0", "20,000"]);
    }
}
