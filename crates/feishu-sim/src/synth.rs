//! Deterministic randomness for the synthetic tenant: every number is a pure
//! function of the seed and a few integers, so no table has to be stored and
//! equal seeds give equal data.

/// SplitMix64's finaliser: a cheap, well-mixed 64-bit hash step.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a seed and a list of integers (order matters).
pub(crate) fn hash(seed: u64, parts: &[u64]) -> u64 {
    parts.iter().fold(mix(seed), |acc, &p| mix(acc ^ mix(p)))
}

/// A uniform number in the open interval (0, 1) taken from a hash.
pub(crate) fn unit(h: u64) -> f64 {
    ((h >> 12) as f64 + 0.5) / (1u64 << 52) as f64
}

/// A roughly standard normal number from a hash: the sum of four uniform
/// 16-bit slices (Irwin–Hall), centred and scaled; bounded by ±3.46, which
/// suits noise that must never explode.
pub(crate) fn normal(h: u64) -> f64 {
    let h = mix(h);
    let sum: u64 = (0..4).map(|i| (h >> (16 * i)) & 0xFFFF).sum();
    let uniform_sum = sum as f64 / 65_535.0;
    (uniform_sum - 2.0) * 3.0f64.sqrt()
}

/// A Poisson-distributed count with mean `lambda`, drawn from a hash:
/// exact inverse CDF for small means, a normal approximation for large ones.
pub(crate) fn poisson(lambda: f64, h: u64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda >= 40.0 {
        let draw = lambda + lambda.sqrt() * normal(h);
        return draw.round().max(0.0) as u64;
    }
    let u = unit(h);
    let mut p = (-lambda).exp();
    let mut cumulative = p;
    let mut k = 0u64;
    while u > cumulative && k < 200 {
        k += 1;
        p *= lambda / k as f64;
        cumulative += p;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_mean_is_close_to_lambda() {
        for lambda in [0.5, 3.0, 25.0, 400.0] {
            let n = 20_000u64;
            let total: u64 = (0..n).map(|i| poisson(lambda, hash(7, &[i]))).sum();
            let mean = total as f64 / n as f64;
            assert!((mean - lambda).abs() < lambda * 0.05 + 0.05, "lambda {lambda} mean {mean}");
        }
    }

    #[test]
    fn unit_stays_inside_the_open_interval() {
        assert!(unit(0) > 0.0);
        assert!(unit(u64::MAX) < 1.0);
    }
}
