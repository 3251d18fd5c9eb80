//! Monte Carlo estimate of the availability, for structures the exact computation cannot
//! finish within its budget.
//!
//! Each sample draws every component up or down independently and evaluates the formula.
//! Cheap by construction:
//! - the formula is first folded with the components that cannot fail fixed up, and kept as
//!   a DAG (each shared sub-formula evaluated once per sample, not once per use);
//! - 64 samples are evaluated at once, one bit each, so AND / OR of a child is one word
//!   operation for 64 samples;
//! - a component that rarely fails (most do) does not draw once per sample: the gap to its
//!   next failure is geometric, so it costs one draw per failure;
//! - the sample count is fixed by the formula's size (samples × work per sample ≤ the
//!   budget, between `MIN_SAMPLES` and `MAX_SAMPLES`), never by time.
//!
//! The random numbers come from their own PCG32 stream with a fixed seed
//! (`rng::stream::ANALYTIC_ESTIMATE`): the same structure gives the same estimate, natively
//! and in wasm32, whatever the run's seed. The interval is Wilson's score interval at 95 %.
use super::structure::{Gate, Structure};
use crate::rng::{stream, SimRng};

/// The estimate's fixed seed (the analysis belongs to the topology, not to a run).
pub const ESTIMATE_SEED: u64 = 0x00A7_A11A_B1E5;
pub const MIN_SAMPLES: u64 = 1 << 12;
pub const MAX_SAMPLES: u64 = 1 << 18;
/// Samples go 64 to a word, `CHUNK_WORDS` words at a time (values of one chunk per node).
const CHUNK_WORDS: usize = 16;
const CHUNK_SAMPLES: u64 = 64 * CHUNK_WORDS as u64;
/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;
/// Below this chance of its rarer state, a component skips to its next rare state
/// (a geometric gap: one exponential draw); above, it builds each word from 32 random
/// words (`bernoulli_word`).
const GEOMETRIC_BELOW: f64 = 1.0 / 16.0;

pub struct Sampled {
    pub value: f64,
    pub ci95: [f64; 2],
    pub samples: u64,
    /// Planned word operations (evaluation + random draws), ≤ the budget unless the
    /// formula is so large that even `MIN_SAMPLES` exceed it.
    pub ops: u64,
}

#[derive(Clone, Copy)]
enum FlatGate {
    Var(u32),
    All,
    Any,
    AtLeast(u32),
}

/// The formula folded with the constant components, children before parents.
struct Flat {
    gates: Vec<FlatGate>,
    starts: Vec<u32>,
    kids: Vec<u32>,
    /// Per variable: its chance of being up.
    up: Vec<f64>,
}

#[derive(Clone, Copy)]
enum Val {
    Const(bool),
    Node(u32),
}

impl Flat {
    fn push(&mut self, gate: FlatGate, kids: &[u32]) -> Val {
        self.gates.push(gate);
        self.kids.extend_from_slice(kids);
        self.starts.push(self.kids.len() as u32);
        Val::Node(self.gates.len() as u32 - 1)
    }

    fn kids(&self, n: usize) -> &[u32] {
        let start = if n == 0 { 0 } else { self.starts[n - 1] };
        &self.kids[start as usize..self.starts[n] as usize]
    }

    fn build(s: &Structure, a: &[f64]) -> (Flat, Val) {
        let mut f = Flat {
            gates: Vec::new(),
            starts: Vec::new(),
            kids: Vec::new(),
            up: Vec::new(),
        };
        let mut of = vec![Val::Const(false); s.node_count()];
        let mut live: Vec<u32> = Vec::new();
        for n in s.reachable() {
            live.clear();
            let mut trues = 0usize;
            let mut falses = 0usize;
            for &k in s.kids(n) {
                match of[k as usize] {
                    Val::Const(true) => trues += 1,
                    Val::Const(false) => falses += 1,
                    Val::Node(x) => live.push(x),
                }
            }
            // Constant folding: an AND with a false child is false, an OR with a true one
            // true; true children of an AND (false of an OR) drop out; "at least k" loses
            // one from k per true child; a gate left with one child is that child.
            let need = match s.gate(n) {
                Gate::Up(c) => {
                    let p = a.get(c as usize).copied().unwrap_or(1.0);
                    of[n as usize] = if p >= 1.0 || p.is_nan() {
                        Val::Const(true)
                    } else if p <= 0.0 {
                        Val::Const(false)
                    } else {
                        f.up.push(p);
                        f.push(FlatGate::Var(f.up.len() as u32 - 1), &[])
                    };
                    continue;
                }
                Gate::All if falses > 0 => {
                    of[n as usize] = Val::Const(false);
                    continue;
                }
                Gate::Any if trues > 0 => {
                    of[n as usize] = Val::Const(true);
                    continue;
                }
                // How many live children must hold.
                Gate::All => live.len(),
                Gate::Any => 1,
                Gate::AtLeast(k) => (k as usize).saturating_sub(trues),
            };
            of[n as usize] = if need == 0 {
                Val::Const(true)
            } else if need > live.len() {
                Val::Const(false)
            } else if live.len() == 1 {
                Val::Node(live[0])
            } else if need == live.len() {
                f.push(FlatGate::All, &live)
            } else if need == 1 {
                f.push(FlatGate::Any, &live)
            } else {
                f.push(FlatGate::AtLeast(need as u32), &live)
            };
        }
        let root = of
            .get(s.root() as usize)
            .copied()
            .unwrap_or(Val::Const(false));
        (f, root)
    }

    /// Nodes the root needs (folding can leave some behind).
    fn needed(&self, root: u32) -> Vec<bool> {
        let mut need = vec![false; self.gates.len()];
        need[root as usize] = true;
        for n in (0..=root as usize).rev() {
            if need[n] {
                for &k in self.kids(n) {
                    need[k as usize] = true;
                }
            }
        }
        need
    }
}

fn wilson(successes: u64, n: u64) -> [f64; 2] {
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let center = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 * libm::sqrt(p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)) / denom;
    [(center - half).max(0.0), (center + half).min(1.0)]
}

/// 64 independent bits, each 1 with probability `p` truncated to 32 bits (an error below
/// 2⁻³²): compare a uniform number with p digit by digit, from the least significant one.
fn bernoulli_word(rng: &mut SimRng, p: f64) -> u64 {
    let bits = (p * 4_294_967_296.0) as u64;
    if bits == 0 {
        return 0;
    }
    let mut acc = 0u64;
    for i in bits.trailing_zeros()..32 {
        let r = rng.next_u64();
        acc = if bits >> i & 1 == 1 { r | acc } else { r & acc };
    }
    acc
}

/// How a variable is drawn, and its planned word operations per 64 samples.
#[derive(Clone, Copy)]
enum Draw {
    /// Mostly `common`; the next sample in the rare state is `next` (absolute index);
    /// `rate` = −ln(1 − rare chance), the rate of the exponential behind the gaps.
    Geometric {
        common: bool,
        rate: f64,
        next: u64,
    },
    Bitwise,
}

/// Word operations a rare sample is counted as: an exponential draw, a division and a bit
/// flip cost about as much as 32 AND/OR words (measured natively).
const DRAW_OPS: f64 = 32.0;

fn plan(p: f64) -> (Draw, u64) {
    let rare = p.min(1.0 - p);
    if rare < GEOMETRIC_BELOW {
        let per_word = (DRAW_OPS * 64.0 * rare).ceil() as u64 + 1;
        let draw = Draw::Geometric {
            common: p > 0.5,
            rate: -libm::log1p(-rare),
            next: 0,
        };
        (draw, per_word)
    } else {
        (Draw::Bitwise, 32)
    }
}

/// Samples in the common state before the next rare one: geometric, as ⌊E / rate⌋ with E
/// a standard exponential (P(gap ≥ k) = e^(−k·rate) = (1 − rare)^k), drawn by the ziggurat
/// (no logarithm on the common path).
fn gap(rng: &mut SimRng, rate: f64) -> u64 {
    // Saturating: a gap beyond u64 (rate ≈ 0) means "never".
    (rng.exponential(1.0) / rate) as u64
}

pub fn estimate(s: &Structure, a: &[f64], budget_ops: u64) -> Sampled {
    let (flat, root) = Flat::build(s, a);
    let root = match root {
        // Folding decided it: no sampling needed, and no uncertainty.
        Val::Const(v) => {
            let v = v as u8 as f64;
            return Sampled {
                value: v,
                ci95: [v, v],
                samples: 0,
                ops: 0,
            };
        }
        Val::Node(r) => r as usize,
    };
    let need = flat.needed(root as u32);
    let mut draws: Vec<Draw> = Vec::with_capacity(flat.up.len());
    let mut per_word: u64 = 0;
    for (n, g) in flat.gates.iter().enumerate() {
        if !need[n] {
            continue;
        }
        per_word += match g {
            FlatGate::Var(_) => 1,
            FlatGate::All | FlatGate::Any => flat.kids(n).len() as u64,
            FlatGate::AtLeast(_) => 64 * flat.kids(n).len() as u64,
        };
    }
    for &p in &flat.up {
        let (d, cost) = plan(p);
        draws.push(d);
        per_word += cost;
    }
    // Samples × work per sample within the budget, in whole chunks.
    let chunks = (budget_ops / per_word.max(1) / CHUNK_WORDS as u64)
        .clamp(MIN_SAMPLES / CHUNK_SAMPLES, MAX_SAMPLES / CHUNK_SAMPLES);
    let samples = chunks * CHUNK_SAMPLES;
    let mut rng = SimRng::new(ESTIMATE_SEED, stream::ANALYTIC_ESTIMATE);
    // First gaps, variable by variable.
    for d in draws.iter_mut() {
        if let Draw::Geometric { rate, next, .. } = d {
            *next = gap(&mut rng, *rate);
        }
    }
    let mut values = vec![[0u64; CHUNK_WORDS]; flat.gates.len()];
    let mut var_words = vec![[0u64; CHUNK_WORDS]; flat.up.len()];
    let mut successes = 0u64;
    for chunk in 0..chunks {
        let base = chunk * CHUNK_SAMPLES;
        for (v, d) in draws.iter_mut().enumerate() {
            let words = &mut var_words[v];
            match d {
                Draw::Geometric { common, rate, next } => {
                    *words = [if *common { u64::MAX } else { 0 }; CHUNK_WORDS];
                    while *next < base + CHUNK_SAMPLES {
                        let i = (*next - base) as usize;
                        words[i / 64] ^= 1 << (i % 64);
                        *next = next.saturating_add(1).saturating_add(gap(&mut rng, *rate));
                    }
                }
                Draw::Bitwise => {
                    for w in words.iter_mut() {
                        *w = bernoulli_word(&mut rng, flat.up[v]);
                    }
                }
            }
        }
        for n in 0..=root {
            if !need[n] {
                continue;
            }
            let mut out = [0u64; CHUNK_WORDS];
            match flat.gates[n] {
                FlatGate::Var(v) => out = var_words[v as usize],
                FlatGate::All => {
                    out = [u64::MAX; CHUNK_WORDS];
                    for &k in flat.kids(n) {
                        let x = &values[k as usize];
                        for w in 0..CHUNK_WORDS {
                            out[w] &= x[w];
                        }
                    }
                }
                FlatGate::Any => {
                    for &k in flat.kids(n) {
                        let x = &values[k as usize];
                        for w in 0..CHUNK_WORDS {
                            out[w] |= x[w];
                        }
                    }
                }
                FlatGate::AtLeast(k) => {
                    for (w, o) in out.iter_mut().enumerate() {
                        for bit in 0..64 {
                            let count = flat
                                .kids(n)
                                .iter()
                                .filter(|&&kid| values[kid as usize][w] >> bit & 1 == 1)
                                .count();
                            if count >= k as usize {
                                *o |= 1 << bit;
                            }
                        }
                    }
                }
            }
            values[n] = out;
        }
        successes += values[root]
            .iter()
            .map(|w| w.count_ones() as u64)
            .sum::<u64>();
    }
    Sampled {
        value: successes as f64 / samples as f64,
        ci95: wilson(successes, samples),
        samples,
        ops: chunks * CHUNK_WORDS as u64 * per_word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Of 4,096 samples (exact value 0.7182: 0.6 × 0.999 + 0.4 × 0.297).
    const GOLDEN_SUCCESSES: u64 = 2_934;

    #[test]
    fn the_estimate_is_a_fixed_function_of_the_structure() {
        // Golden: a change of stream, seed, sampling or evaluation shows here (as a changed
        // trace hash does for runs). Two of three over components 0..3, the third shared.
        use super::super::structure::Expr;
        let f = Expr::AtLeast(
            2,
            vec![
                Expr::All(vec![Expr::Up(0), Expr::Up(3)]),
                Expr::Any(vec![Expr::Up(1), Expr::Up(3)]),
                Expr::Up(2),
            ],
        );
        let e = estimate(&Structure::from(&f), &[0.9, 0.3, 0.99, 0.6], 0);
        assert_eq!(e.samples, MIN_SAMPLES);
        assert_eq!((e.value * e.samples as f64) as u64, GOLDEN_SUCCESSES);
    }

    #[test]
    fn wilson_interval_contains_the_proportion() {
        let [lo, hi] = wilson(950, 1000);
        assert!(lo < 0.95 && 0.95 < hi);
        assert!((lo - 0.9346).abs() < 1e-3 && (hi - 0.9626).abs() < 1e-3);
        let [lo, hi] = wilson(1000, 1000);
        assert!(lo > 0.99 && hi == 1.0);
    }

    #[test]
    fn bernoulli_words_have_the_right_density() {
        let mut rng = SimRng::new(3, stream::ANALYTIC_ESTIMATE);
        for p in [0.1, 0.3, 0.5, 0.77] {
            let ones: u32 = (0..4_000)
                .map(|_| bernoulli_word(&mut rng, p).count_ones())
                .sum();
            let freq = ones as f64 / 256_000.0;
            assert!((freq - p).abs() < 0.005, "p {p}: {freq}");
        }
    }
}
