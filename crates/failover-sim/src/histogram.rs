//! Log-linear latency histogram with bounded memory (HDR-style).
//!
//! 32 linear sub-buckets per power of two give a worst-case relative error of ~3 % on
//! quantiles, in a fixed 1,312 counters whatever the number of requests: the metrics never
//! keep a list of every request. Mean and max are exact (sum and max kept aside).

const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS; // 32
const OCTAVES: usize = 41; // values up to 2^45 µs (~1 year): everything the limits allow
const BUCKETS: usize = OCTAVES * SUB as usize;

#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    /// Sum of all values (µs): u64 holds ~584,000 years of latency, far beyond any run the
    /// limits allow, and stays a native integer on wasm32 (u128 is emulated there).
    sum: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            sum: 0,
            max: 0,
        }
    }
}

fn index_of(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros(); // >= SUB_BITS
    let octave = (msb - SUB_BITS + 1) as usize;
    let sub = (v >> (msb - SUB_BITS)) & (SUB - 1);
    (octave * SUB as usize + sub as usize).min(BUCKETS - 1)
}

/// Lowest value and width of a bucket.
fn bucket_range(i: usize) -> (u64, u64) {
    let octave = i / SUB as usize;
    let sub = (i % SUB as usize) as u64;
    if octave == 0 {
        (sub, 1)
    } else {
        let shift = octave as u32 - 1;
        ((SUB + sub) << shift, 1 << shift)
    }
}

impl Histogram {
    pub fn record(&mut self, v: u64) {
        self.counts[index_of(v)] += 1;
        self.total += 1;
        self.sum = self.sum.saturating_add(v);
        self.max = self.max.max(v);
    }

    pub fn clear(&mut self) {
        if self.total > 0 {
            self.counts.iter_mut().for_each(|c| *c = 0);
            self.total = 0;
            self.sum = 0;
            self.max = 0;
        }
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// How many values were at least about `v`: every bucket whose range reaches `v` counts,
    /// so values up to one bucket's width (~3 % of `v`) below it may be counted too.
    pub fn count_at_least(&self, v: u64) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(i, _)| {
                let (lo, width) = bucket_range(i);
                lo + width > v
            })
            .map(|(_, &c)| c)
            .sum()
    }

    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The q-quantile (0 < q <= 1): the midpoint of the bucket holding the rank, never above
    /// the exact maximum.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = libm::ceil(q.clamp(0.0, 1.0) * self.total as f64).max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, width) = bucket_range(i);
                return (lo + width / 2).min(self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotone_and_cover() {
        let mut last = 0;
        for v in [0u64, 1, 31, 32, 33, 63, 64, 100, 1_000, 65_535, 1 << 40] {
            let i = index_of(v);
            assert!(i >= last);
            last = i;
            let (lo, w) = bucket_range(i);
            assert!(lo <= v && v < lo + w, "v={v} lo={lo} w={w}");
        }
    }

    #[test]
    fn quantiles_within_three_percent() {
        let mut h = Histogram::default();
        for v in 1..=100_000u64 {
            h.record(v);
        }
        for (q, exact) in [(0.5, 50_000.0), (0.9, 90_000.0), (0.99, 99_000.0)] {
            let got = h.quantile(q) as f64;
            assert!((got - exact).abs() / exact < 0.03, "q{q}: {got}");
            // Tighter, from the layout alone: 32 buckets per octave, so the bucket holding
            // x is 2^(⌊log2 x⌋ − 5) wide and its midpoint is at most half that from x.
            let half_width = libm::exp2(libm::floor(libm::log2(exact)) - 5.0) / 2.0;
            assert!(
                (got - exact).abs() <= half_width,
                "q{q}: {got}, more than half a bucket ({half_width}) from {exact}"
            );
        }
        assert_eq!(h.max(), 100_000);
        // 10,001 values are ≥ 90,000; the bucket holding 90,000 (2,048 wide there) adds
        // those of its values below it.
        let above = h.count_at_least(90_000);
        assert!((10_001..=10_001 + 2_048).contains(&above), "{above}");
        assert!((h.mean() - 50_000.5).abs() < 1e-6);
    }
}
