#![cfg(not(target_arch = "wasm32"))]
//! Queueing results the instances must reproduce: the M/M/1 response-time distribution
//! (not only its mean) and M/M/1/K blocking, each within a tolerance derived from the model
//! and the sample size, stated next to the assertion.
mod common;
use common::markov::stationary_and_deviation;
use common::*;
use failover_sim::metrics::FailureReason;

/// M/M/1 FIFO: the response time is exponential with rate μ − λ, so the q-quantile is
/// −ln(1 − q)/(μ − λ): p50 = ln 2/(μ − λ), p99 = ln 100/(μ − λ), mean 1/(μ − λ).
/// λ = 50/s, μ = 100/s: p50 13.9 ms, p99 92.1 ms, mean 20 ms.
/// Tolerance: the histogram reports a bucket's midpoint (±1/64 = 1.6 %), plus sampling
/// error. n = λ·T = 200,000 response times; consecutive ones are correlated over about the
/// relaxation time 1/(μ(1 − √ρ)²) = 0.117 s ≈ 6 customers, so n_eff ≈ n/12 ≈ 17,000, and a
/// quantile's standard error is √(q(1−q)/n_eff)/f(x_q) with density f(x_q) = (μ−λ)(1−q):
/// p99 ±1.5 ms (1.7 %), p50 ±0.15 ms (1.1 %); the mean (exact sum, standard deviation of an
/// exponential = its mean) ±1/√n_eff = 0.8 %. Bounds: 1.6 % + 4 standard errors = 8.5 %
/// (p99), 6 % (p50), and 4 × 0.8 % ≈ 3.5 % (mean).
/// Kills: a queue that is not FIFO (LIFO keeps the mean, fattens p99), a service-time
/// distribution other than exponential, a quantile read off the wrong bucket.
#[test]
fn mm1_response_time_quantiles_are_exponential() {
    let (lambda, mu) = (50.0, 100.0);
    let s = scenario(
        lambda,
        Vec::new(),
        vec![instance("app", 1, 1_000.0 / mu)],
        "app",
    );
    let sim = run(&s, 21, 4_000);
    assert_eq!(sim.metrics().failed_total(), 0);
    let l = sim.latency_summary();
    for (name, got, q, tol) in [("p50", l.p50_ms, 0.5, 0.06), ("p99", l.p99_ms, 0.99, 0.085)] {
        let want = -(1.0f64 - q).ln() / (mu - lambda) * 1_000.0;
        assert!(
            (got - want).abs() / want <= tol,
            "{name}: {got:.2} ms vs {want:.2} ms"
        );
    }
    let want_mean = 1_000.0 / (mu - lambda);
    assert!(
        (l.mean_ms - want_mean).abs() / want_mean <= 0.035,
        "mean {:.2} vs {want_mean}",
        l.mean_ms
    );
}

/// Stationary distribution and deviation matrix of the M/M/1/K queue-length chain (states
/// 0..=K: arrivals at λ below K, departures at μ above 0).
fn mm1k_chain(lambda: f64, mu: f64, k: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = k + 1;
    let mut q = vec![vec![0.0; n]; n];
    for i in 0..n {
        if i + 1 < n {
            q[i][i + 1] = lambda;
            q[i][i] -= lambda;
        }
        if i > 0 {
            q[i][i - 1] = mu;
            q[i][i] -= mu;
        }
    }
    stationary_and_deviation(&q)
}

/// M/M/1/K (one worker, queue of K − 1): an arrival finding K in the system is refused
/// (503, queue full). By PASTA the blocked fraction is the time-stationary
/// P_K = (1 − ρ)ρ^K / (1 − ρ^(K+1)); for ρ = 0.8, K = 5: 8.88 %.
/// Tolerance from the model: the blocked count minus P_K × arrivals grows with variance
/// rate σ² = λ·P_K(1 − P_K) + 2λ²·P_K·D_KK (D the chain's deviation matrix: blocking comes in
/// bursts while the queue stays full), so the estimate's standard error over T seconds is
/// σ√T / (λT). For T = 2,000 s (160,000 arrivals) that is 0.16 % absolute; bound: 4 standard
/// errors. The mean response of admitted requests, W = L / (λ(1 − P_K)) by Little's law with
/// L = Σ n·π_n, is checked to 4 % (n_eff ≈ n/10 correlated response times: ±0.8 % each).
/// Kills: the queue admitting one more or one fewer (K ± 1 changes P_K by a quarter), a full
/// queue that waits instead of refusing.
#[test]
fn mm1k_blocking_probability_matches_the_formula() {
    let (lambda, mu, k) = (80.0, 100.0, 5usize);
    let rho: f64 = lambda / mu;
    let p_k = (1.0 - rho) * rho.powi(k as i32) / (1.0 - rho.powi(k as i32 + 1));
    let (pi, dev) = mm1k_chain(lambda, mu, k);
    assert!((pi[k] - p_k).abs() < 1e-12);
    let t = 2_000.0;
    let var_rate = lambda * p_k * (1.0 - p_k) + 2.0 * lambda * lambda * p_k * dev[k][k];
    let se = (var_rate * t).sqrt() / (lambda * t);
    assert!(se < 0.002, "the run is long enough to be sharp: {se}");

    let mut inst = instance("app", 1, 1_000.0 / mu);
    inst.queue_capacity = (k - 1) as u32;
    let s = scenario(lambda, Vec::new(), vec![inst], "app");
    let sim = run(&s, 17, t as u64);
    let m = sim.metrics();
    let blocked = m.failed[FailureReason::QueueFull.index()] as f64;
    assert_eq!(m.failed_total() as f64, blocked, "only queue-full failures");
    let got = blocked / m.sent as f64;
    assert!(
        (got - p_k).abs() <= 4.0 * se,
        "blocked {got:.4} vs P_K {p_k:.4} ± {:.4}",
        4.0 * se
    );
    let l: f64 = pi.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
    let w_ms = l / (lambda * (1.0 - p_k)) * 1_000.0;
    let mean = sim.latency_summary().mean_ms;
    assert!(
        (mean - w_ms).abs() / w_ms <= 0.04,
        "W {mean:.2} vs {w_ms:.2} ms"
    );
}
