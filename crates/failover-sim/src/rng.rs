//! Seeded random streams.
//!
//! One scenario seed; every consumer (arrivals, each balancer's routing, each instance's
//! service times, check phases) gets its own stream derived from (seed, stream id), so adding
//! a component never shifts the numbers another component draws. The generator is PCG32
//! (`rand_pcg::Pcg32`, PCG-XSH-RR 64/32: portable, specified output, a distinct increment per
//! stream). It replaced ChaCha8, whose cryptographic strength a simulation does not need:
//! ChaCha8 cost ~30 ns per request on wasm32 (its block function), PCG32 is one 64-bit
//! multiply-add per 32 bits, and a 128-bit-state PCG would need a 128-bit multiply, a library
//! call on wasm32. Transcendental functions come from `libm` because std's `ln`/`exp` may
//! differ between native and wasm32.
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Stream ids. Kept apart by large offsets so per-node streams never collide.
pub mod stream {
    pub const ARRIVALS: u64 = 1;
    pub const CLIENT_IDS: u64 = 2;
    pub const CHECK_PHASE: u64 = 3;
    pub const BALANCER_BASE: u64 = 1 << 20;
    pub const INSTANCE_BASE: u64 = 2 << 20;
    pub const RELIABILITY_BASE: u64 = 3 << 20;
    /// The Monte Carlo estimate of the analytic availability (`reliability/estimate.rs`):
    /// drawn from a fixed seed, never from a run's, and apart from every per-node stream.
    pub const ANALYTIC_ESTIMATE: u64 = 4 << 20;
}

/// SplitMix64 finaliser: a bijective mixer used to derive stream seeds and hashes.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Debug)]
pub struct SimRng {
    inner: Pcg32,
}

impl SimRng {
    pub fn new(seed: u64, stream_id: u64) -> Self {
        SimRng {
            inner: Pcg32::seed_from_u64(mix64(seed) ^ mix64(stream_id.wrapping_add(0xA5A5))),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n). Multiply-shift (Lemire) without the rejection step: the
    /// bias is below 2^-32 for the n we use (< 2^32) and the result stays a pure function
    /// of the stream.
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * n as u64) >> 32) as u32
    }

    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }

    /// Exponential with the given mean (any unit), by the ziggurat method (no logarithm on
    /// the common path: see `ziggurat.rs`).
    #[inline]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        mean * super::ziggurat::standard_exponential(self)
    }

    /// Standard normal by Box–Muller (one value per call keeps the stream simple).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Lognormal with the given *mean* and shape sigma (of the underlying normal).
    pub fn lognormal(&mut self, mean: f64, sigma: f64) -> f64 {
        let mu = libm::log(mean) - sigma * sigma / 2.0;
        libm::exp(mu + sigma * self.normal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = SimRng::new(7, stream::ARRIVALS);
        let mut b = SimRng::new(7, stream::ARRIVALS);
        let mut c = SimRng::new(7, stream::CLIENT_IDS);
        let xa: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..4).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn exponential_and_lognormal_means() {
        let mut r = SimRng::new(1, 9);
        let n = 200_000;
        let e: f64 = (0..n).map(|_| r.exponential(20.0)).sum::<f64>() / n as f64;
        assert!((e - 20.0).abs() < 0.3, "exp mean {e}");
        let l: f64 = (0..n).map(|_| r.lognormal(20.0, 0.5)).sum::<f64>() / n as f64;
        assert!((l - 20.0).abs() < 0.3, "lognormal mean {l}");
        let b: Vec<u32> = (0..1000).map(|_| r.below(3)).collect();
        assert!(b.iter().all(|&x| x < 3));
    }
}
