#![cfg(not(target_arch = "wasm32"))]
//! Every balancing algorithm against an expectation computed independently of the code:
//! the property that defines it (consistent hashing moves only the removed target's
//! clients), a published sequence (NGINX's smooth weighted round robin), a distribution
//! (binomial, χ²) or a queueing result (least-conn equalises in-flight requests, so the
//! arrival rates follow 1/service time; power of two choices beats random placement).
//!
//! Each test names the mutation it is there to catch: the algorithm replaced by another
//! (consistent hash by a random pick, least-conn by round robin, power of two picking the
//! busier target, …) must make it fail.
mod common;
use common::*;
use failover_sim::health_check::HealthState;
use failover_sim::load_balancer::Balancer;
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

/// A balancer over `app-0 .. app-(n-1)` (instance index = the number), driven directly.
fn balancer(algorithm: Algorithm, weights: &[u32], seed: u64) -> Balancer {
    let names = names("app", weights.len());
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut spec = plain_lb("lb", &refs, algorithm);
    for (t, &w) in spec.targets.iter_mut().zip(weights) {
        t.weight = w;
    }
    Balancer::new(
        0,
        &spec,
        |name: &str| name[4..].parse().expect("app-N"),
        seed,
    )
}

fn picks(b: &mut Balancer, clients: impl Iterator<Item = u32>) -> Vec<u32> {
    clients
        .map(|c| b.pick(c, None, 0).expect("a target"))
        .collect()
}

fn counts(picks: &[u32], n: usize) -> Vec<u64> {
    let mut c = vec![0u64; n];
    for &p in picks {
        c[p as usize] += 1;
    }
    c
}

// ----- consistent hash ---------------------------------------------------------------------

/// Consistent hashing's defining properties (Karger et al.; HAProxy `hash-type consistent`):
/// a client keeps its target whatever other clients do; when one of N targets leaves, exactly
/// its clients move (nobody else), and they come back when it returns. Each target owns
/// 64 points per unit weight, so its share of the key space is a sum of 64·w exponential arcs:
/// share = w/W with relative standard deviation 1/√(64·w) (12.5 % for w = 1). With C clients the
/// count adds binomial noise √(C·p). Bounds: 4 standard deviations of both.
/// Kills: consistent hash replaced by a random pick or by round robin (not sticky), a ring
/// walk that skips to the wrong candidate (other clients move), a ring rebuilt from the
/// current health (clients do not come back).
#[test]
fn consistent_hash_moves_only_the_removed_targets_clients_and_brings_them_back() {
    const CLIENTS: u32 = 20_000;
    for n in [3usize, 5, 10, 25] {
        let mut b = balancer(Algorithm::ConsistentHash, &vec![1; n], 7);
        let home = picks(&mut b, 0..CLIENTS);
        // Sticky: the same answer in another order, and from another balancer (another seed
        // and index: the ring depends on the targets only).
        let reversed: Vec<u32> = picks(&mut b, (0..CLIENTS).rev())
            .into_iter()
            .rev()
            .collect();
        assert_eq!(home, reversed, "{n} targets: a client keeps its target");
        let mut other = balancer(Algorithm::ConsistentHash, &vec![1; n], 99);
        assert_eq!(home, picks(&mut other, 0..CLIENTS), "{n}: seed-independent");

        let per = counts(&home, n);
        let mut moved_total = 0;
        for (gone, &owned) in per.iter().enumerate() {
            b.targets[gone].health = HealthState::Down;
            let now = picks(&mut b, 0..CLIENTS);
            let mut moved = 0u64;
            for c in 0..CLIENTS as usize {
                if home[c] as usize == gone {
                    assert_ne!(now[c] as usize, gone, "a removed target gets nobody");
                    moved += 1;
                } else {
                    assert_eq!(now[c], home[c], "{n}: client {c} moved off a live target");
                }
            }
            assert_eq!(moved, owned);
            // Its clients spread over the others (they do not all land on one neighbour when
            // there are several: 64 points each interleave on the ring).
            if n >= 5 && moved >= 200 {
                let landed = counts(
                    &(0..CLIENTS as usize)
                        .filter(|&c| home[c] as usize == gone)
                        .map(|c| now[c])
                        .collect::<Vec<_>>(),
                    n,
                );
                let receivers = landed.iter().filter(|&&x| x > 0).count();
                assert!(receivers >= n - 1 - (n - 1) / 4, "{n}: spread {landed:?}");
            }
            let p = 1.0 / n as f64;
            let mean = CLIENTS as f64 * p;
            let sd = ((mean * 0.125).powi(2) + mean * (1.0 - p)).sqrt();
            assert!(
                (moved as f64 - mean).abs() <= 4.0 * sd,
                "{n} targets, {gone} removed: {moved} moved, {mean:.0} ± {:.0} expected",
                4.0 * sd
            );
            moved_total += moved;
            b.targets[gone].health = HealthState::Up;
            assert_eq!(picks(&mut b, 0..CLIENTS), home, "{n}: clients come back");
        }
        // Every client moves exactly once when each target leaves in turn.
        assert_eq!(moved_total, CLIENTS as u64);
        // Two targets gone: only their clients move.
        b.targets[0].health = HealthState::Down;
        b.targets[n - 1].health = HealthState::Suspect(1); // suspected: still in rotation
        b.targets[1].health = HealthState::Down;
        let now = picks(&mut b, 0..CLIENTS);
        for c in 0..CLIENTS as usize {
            if home[c] > 1 {
                assert_eq!(now[c], home[c]);
            } else {
                assert!(now[c] > 1);
            }
        }
    }
}

/// Weighted consistent hash: a target of weight w owns 64·w ring points, so its share of the
/// clients is w/W within 4/√(64·w) relative (plus binomial noise).
/// Kills: weights ignored when the ring is built, or a ring of a fixed size per target.
#[test]
fn consistent_hash_shares_follow_the_weights() {
    const CLIENTS: u32 = 40_000;
    let weights = [1u32, 2, 3, 4];
    let mut b = balancer(Algorithm::ConsistentHash, &weights, 1);
    let got = counts(&picks(&mut b, 0..CLIENTS), weights.len());
    let total: u32 = weights.iter().sum();
    for (k, &w) in weights.iter().enumerate() {
        let p = w as f64 / total as f64;
        let mean = CLIENTS as f64 * p;
        let rel = 1.0 / (64.0 * w as f64).sqrt();
        let sd = ((mean * rel).powi(2) + mean * (1.0 - p)).sqrt();
        assert!(
            (got[k] as f64 - mean).abs() <= 4.0 * sd,
            "weight {w}: {} of {CLIENTS}, {mean:.0} ± {:.0} expected ({got:?})",
            got[k],
            4.0 * sd
        );
    }
    // A weight of 4 gets clearly more than a weight of 1 (well outside both bands).
    assert!(got[3] > 2 * got[0], "{got:?}");
}

/// End to end through the engine: one client (all requests carry client id 0) sticks to one
/// instance; when that instance crashes and is marked down the client moves to exactly one
/// other instance, and returns when the first is back in rotation.
/// Kills: consistent hash replaced by random / round robin / least-conn / power of two
/// (spread over three), or the ring ignoring health (requests keep going to the dead one).
#[test]
fn one_client_sticks_to_one_instance_moves_on_a_crash_and_comes_back() {
    let apps = names("app", 3);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::ConsistentHash);
    lb.health_check = Some(haproxy_check(1_000, 2, 2));
    let mut s = scenario(
        200.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
        "lb",
    );
    s.traffic.clients = 1;
    let mut sim = Simulation::with_seed(&s, 5).expect("valid");
    let before = routed_per_second(&mut sim, "lb", &refs, 10);
    let phase1 = sum_seconds(&before, 1..10);
    let home = phase1.iter().position(|&x| x > 0).expect("traffic");
    assert_eq!(
        phase1.iter().filter(|&&x| x > 0).count(),
        1,
        "one client, one instance: {phase1:?}"
    );
    assert!(phase1[home] > 1_500, "{phase1:?}");

    sim.schedule(Fault::new(10_000, FaultAction::Crash, &apps[home]))
        .expect("crash");
    // Marked down well before 20 s (fall 2 × inter 1 s); measured from 20 s to 30 s.
    let during = routed_per_second(&mut sim, "lb", &refs, 30);
    let phase2 = sum_seconds(&during, 20..30);
    assert_eq!(
        phase2[home], 0,
        "the dead instance gets nothing: {phase2:?}"
    );
    assert_eq!(
        phase2.iter().filter(|&&x| x > 0).count(),
        1,
        "the client moved to exactly one other instance: {phase2:?}"
    );
    sim.schedule(Fault::new(30_000, FaultAction::Heal, &apps[home]))
        .expect("heal");
    // Boot 1 s + rise 2 × inter 1 s: back in rotation well before 40 s.
    let after = routed_per_second(&mut sim, "lb", &refs, 50);
    let phase3 = sum_seconds(&after, 40..50);
    assert_eq!(phase3.iter().position(|&x| x > 0), Some(home), "{phase3:?}");
    assert_eq!(phase3.iter().filter(|&&x| x > 0).count(), 1, "{phase3:?}");
    assert_conserved(&sim);
}

// ----- weighted round robin ----------------------------------------------------------------

/// NGINX's smooth weighted round robin (ngx_http_upstream_round_robin.c, commit 52327e0):
/// for weights {a: 5, b: 1, c: 1} the documented sequence is a a b a c a a. More generally its
/// state returns to zero after W = Σw picks, so every window of W consecutive picks holds
/// exactly w_i of target i (exact proportions, for any weight set), and no target gets two
/// picks in a row while another target's turn is due (the heaviest may repeat).
/// Kills: weights ignored (plain rotation), the largest current weight not paying back the
/// total, the wrong target picked on ties, the running weights not accumulated.
#[test]
fn smooth_weighted_round_robin_is_exact_for_every_weight_set() {
    let mut b = balancer(Algorithm::WeightedRoundRobin, &[5, 1, 1], 1);
    let seq = picks(&mut b, std::iter::repeat_n(0, 14));
    assert_eq!(seq, [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);

    let sets: &[&[u32]] = &[
        &[1, 1],
        &[3, 1],
        &[5, 1, 1],
        &[1, 2, 3, 4],
        &[7, 3],
        &[100, 1],
        &[2, 2, 2],
        &[256, 13, 1, 77],
    ];
    for &weights in sets {
        let total: u32 = weights.iter().sum();
        let mut b = balancer(Algorithm::WeightedRoundRobin, weights, 1);
        let cycles = 5;
        let seq = picks(&mut b, std::iter::repeat_n(0, (total * cycles) as usize));
        for start in 0..=(seq.len() - total as usize) {
            let window = counts(&seq[start..start + total as usize], weights.len());
            let want: Vec<u64> = weights.iter().map(|&w| w as u64).collect();
            assert_eq!(window, want, "{weights:?}: window at {start}");
        }
    }
    // The weights of the targets still eligible: one down, the others share by weight.
    let mut b = balancer(Algorithm::WeightedRoundRobin, &[1, 2, 3], 1);
    b.targets[2].health = HealthState::Down;
    let seq = picks(&mut b, std::iter::repeat_n(0, 300));
    assert_eq!(counts(&seq, 3), [100, 200, 0]);
}

/// Through the engine (every request is one pick: no retries, no failures): after R requests
/// target i was sent k·w_i of the complete cycles plus at most w_i of the last one.
/// Kills: the weights in the scenario file not reaching the balancer.
#[test]
fn weighted_round_robin_through_the_engine_follows_the_weights() {
    let weights = [5u32, 3, 1];
    let apps = names("app", 3);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::WeightedRoundRobin);
    for (t, &w) in lb.targets.iter_mut().zip(&weights) {
        t.weight = w;
    }
    let s = scenario(
        300.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
        "lb",
    );
    let mut sim = Simulation::with_seed(&s, 2).expect("valid");
    let got = sum_seconds(&routed_per_second(&mut sim, "lb", &refs, 20), 0..20);
    let sent: u64 = got.iter().sum();
    assert!(sent > 5_000, "{got:?}");
    let total: u32 = weights.iter().sum();
    for (k, &w) in weights.iter().enumerate() {
        let ideal = sent as f64 * w as f64 / total as f64;
        assert!(
            (got[k] as f64 - ideal).abs() <= w as f64,
            "weight {w}: {} vs {ideal:.1} ({got:?})",
            got[k]
        );
    }
}

// ----- random ------------------------------------------------------------------------------

/// Uniform random choice: over M picks among N targets each count is Binomial(M, 1/N), the
/// χ² statistic Σ (c − M/N)² / (M/N) has N − 1 degrees of freedom (for N = 10, 99.9 % of
/// draws lie in [1.15, 27.9]), and a pick repeats the previous one with probability 1/N.
/// Kills: random replaced by round robin (χ² ≈ 0, no repeats) or by a constant / biased
/// choice (χ² far above), an off-by-one range that never picks the last target.
#[test]
fn random_spread_is_binomial() {
    const M: usize = 100_000;
    let n = 10;
    let mut b = balancer(Algorithm::Random, &vec![1; n], 11);
    let seq = picks(&mut b, (0..M as u32).map(|c| c % 7));
    let got = counts(&seq, n);
    let mean = M as f64 / n as f64;
    let sd = (mean * (1.0 - 1.0 / n as f64)).sqrt();
    for &c in &got {
        assert!((c as f64 - mean).abs() <= 4.5 * sd, "{got:?}");
    }
    let chi2: f64 = got.iter().map(|&c| (c as f64 - mean).powi(2) / mean).sum();
    assert!((1.15..=27.9).contains(&chi2), "χ² = {chi2:.2} for {got:?}");
    let repeats = seq.windows(2).filter(|w| w[0] == w[1]).count() as f64;
    let (rm, rsd) = ((M - 1) as f64 / n as f64, ((M - 1) as f64 * 0.09).sqrt());
    assert!((repeats - rm).abs() <= 4.5 * rsd, "{repeats} repeats");
    // Only eligible targets are drawn.
    b.targets[3].health = HealthState::Down;
    let seq = picks(&mut b, 0..10_000);
    assert_eq!(counts(&seq, n)[3], 0);
    assert!(counts(&seq, n).iter().filter(|&&c| c > 0).count() == n - 1);
}

/// Weighted random (HAProxy's `random` honours weights): each count is Binomial(M, w/W).
/// Bounds: 4.5 standard deviations per target. Equal weights with a common divisor (2, 2, 2)
/// draw exactly as (1, 1, 1): the same picks, so unweighted runs do not change.
/// Kills: weights ignored (every share 1/N), a cumulative walk off by one target, a total
/// that leaves the last target out.
#[test]
fn random_shares_follow_the_weights() {
    const M: usize = 100_000;
    let weights = [1u32, 2, 3, 6];
    let total: u32 = weights.iter().sum();
    let mut b = balancer(Algorithm::Random, &weights, 5);
    let got = counts(&picks(&mut b, (0..M as u32).map(|c| c % 7)), weights.len());
    for (k, &w) in weights.iter().enumerate() {
        let p = w as f64 / total as f64;
        let (mean, sd) = (M as f64 * p, (M as f64 * p * (1.0 - p)).sqrt());
        assert!(
            (got[k] as f64 - mean).abs() <= 4.5 * sd,
            "weight {w}/{total}: {} of {M}, expected {mean:.0}",
            got[k]
        );
    }
    let mut even = balancer(Algorithm::Random, &[2, 2, 2], 9);
    let mut ones = balancer(Algorithm::Random, &[1, 1, 1], 9);
    assert_eq!(picks(&mut even, 0..1_000), picks(&mut ones, 0..1_000));
}

// ----- least-conn ----------------------------------------------------------------------------

/// The rule itself, with the connection counts set by hand: the target with the fewest
/// active connections wins; on a tie the rotation continues after the previous pick (HAProxy
/// leastconn uses round robin among equals).
/// Kills: least-conn replaced by round robin or random, the most-loaded picked, ties always
/// going to the first target.
#[test]
fn least_conn_picks_the_fewest_active_and_rotates_on_ties() {
    let mut b = balancer(Algorithm::LeastConn, &[1, 1, 1, 1], 1);
    assert_eq!(
        picks(&mut b, std::iter::repeat_n(0, 8)),
        [0, 1, 2, 3, 0, 1, 2, 3]
    );
    for (active, want) in [
        ([3, 1, 2, 4], 1),
        ([0, 5, 5, 5], 0),
        ([9, 9, 9, 2], 3),
        ([4, 3, 5, 9], 1),
    ] {
        for (t, a) in b.targets.iter_mut().zip(active) {
            t.active = a;
        }
        for _ in 0..3 {
            assert_eq!(b.pick(0, None, 0), Some(want), "{active:?}");
        }
    }
    // Two tied at the minimum: they alternate.
    for (t, a) in b.targets.iter_mut().zip([1, 7, 1, 7]) {
        t.active = a;
    }
    let seq = picks(&mut b, std::iter::repeat_n(0, 6));
    assert_eq!(counts(&seq, 4), [3, 0, 3, 0], "{seq:?}");
    assert!(seq.windows(2).all(|w| w[0] != w[1]), "{seq:?}");
}

/// Sampled every 10 ms: mean in-flight per target (the balancer's active connections).
fn mean_in_flight(sim: &mut Simulation, until_s: u64, targets: usize) -> Vec<f64> {
    let mut sums = vec![0.0; targets];
    let mut samples = 0u64;
    drive(sim, until_s * US_PER_S, 10_000, |sim, _| {
        let snap = sim.snapshot();
        let lb = snap.nodes[1].id;
        let edges: Vec<u32> = snap
            .edges
            .iter()
            .filter(|e| e.from == lb)
            .map(|e| e.in_flight)
            .collect();
        assert_eq!(edges.len(), targets);
        for (s, e) in sums.iter_mut().zip(edges) {
            *s += e as f64;
        }
        samples += 1;
    });
    assert!(samples > 0);
    sums.iter().map(|s| s / samples as f64).collect()
}

fn skewed(algorithm: Algorithm, rate: f64) -> Scenario {
    // Two fast instances (10 ms) and a slow one (40 ms), each with workers to spare: no
    // queueing, so an instance's in-flight count L_i = λ_i · S_i (Little's law).
    let apps = names("app", 3);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    let instances = vec![
        instance("app-0", 256, 10.0),
        instance("app-1", 256, 10.0),
        instance("app-2", 256, 40.0),
    ];
    scenario(
        rate,
        vec![plain_lb("lb", &refs, algorithm)],
        instances,
        "lb",
    )
}

/// Least-conn under skew. Least-conn keeps the in-flight counts level, L_slow ≈ L_fast, so
/// by Little's law λ_i ∝ 1/S_i: the slow instance (S = 40 ms beside two of 10 ms) gets
/// (1/40) / (1/10 + 1/10 + 1/40) = 1/9 of the requests, and in-flight ratio slow/fast ≈ 1.
/// Round robin gives it 1/3 of the requests and an in-flight ratio of S_slow/S_fast = 4.
/// Bounds: the share within [1/9 − 0.03, 1/9 + 0.06] (integer counts keep least-conn from
/// levelling exactly: the slow target wins the ties it is in) — far from round robin's
/// 0.333 — and the in-flight ratio within [0.7, 1.6], far from 4 (measured with the same seed
/// under round robin, as a check that the scenario tells them apart).
/// Kills: least-conn replaced by round robin / random / power of two picking the busier.
#[test]
fn least_conn_sends_a_slow_instance_fewer_requests() {
    let rate = 1_200.0;
    let apps = names("app", 3);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    let mut lc = Simulation::with_seed(&skewed(Algorithm::LeastConn, rate), 3).expect("valid");
    let routed = sum_seconds(&routed_per_second(&mut lc, "lb", &refs, 30), 2..30);
    let share = routed[2] as f64 / routed.iter().sum::<u64>() as f64;
    assert!(
        (1.0 / 9.0 - 0.03..=1.0 / 9.0 + 0.06).contains(&share),
        "least-conn: slow share {share:.3} ({routed:?}), 1/9 expected"
    );
    let mut lc = Simulation::with_seed(&skewed(Algorithm::LeastConn, rate), 3).expect("valid");
    let l = mean_in_flight(&mut lc, 20, 3);
    let ratio = l[2] / ((l[0] + l[1]) / 2.0);
    assert!((0.7..=1.6).contains(&ratio), "least-conn in flight {l:?}");

    let mut rr = Simulation::with_seed(&skewed(Algorithm::RoundRobin, rate), 3).expect("valid");
    let l = mean_in_flight(&mut rr, 20, 3);
    let ratio = l[2] / ((l[0] + l[1]) / 2.0);
    assert!((3.3..=4.8).contains(&ratio), "round robin in flight {l:?}");
}

// ----- power of two choices ----------------------------------------------------------------

/// The rule, with connection counts set by hand: two *distinct* targets drawn at random, the
/// one with fewer active connections wins. With loads {0, 10, 20} the busiest target never
/// wins (it loses every pair it is in), the idle one wins the 2 pairs of 3 it is in (2/3),
/// the middle one 1/3. With two targets both are always drawn: the idle one always wins.
/// Kills: picking the busier of the two, drawing the same target twice, picking the first
/// draw regardless of load.
#[test]
fn power_of_two_picks_the_less_loaded_of_two_distinct_targets() {
    let mut b = balancer(Algorithm::PowerOfTwo, &[1, 1], 4);
    b.targets[0].active = 5;
    assert!(picks(&mut b, 0..1_000).iter().all(|&p| p == 1));
    b.targets[0].active = 0;
    b.targets[1].active = 5;
    assert!(picks(&mut b, 0..1_000).iter().all(|&p| p == 0));

    let mut b = balancer(Algorithm::PowerOfTwo, &[1, 1, 1], 4);
    for (t, a) in b.targets.iter_mut().zip([0, 10, 20]) {
        t.active = a;
    }
    const M: u64 = 30_000;
    let got = counts(&picks(&mut b, 0..M as u32), 3);
    assert_eq!(got[2], 0, "{got:?}");
    let (mean, sd) = (M as f64 * 2.0 / 3.0, (M as f64 * 2.0 / 9.0).sqrt());
    assert!((got[0] as f64 - mean).abs() <= 4.5 * sd, "{got:?}");
}

/// Max/mean in-flight across instances, time-averaged (sampled every 10 ms), and the mean
/// response time.
fn imbalance(algorithm: Algorithm) -> (f64, f64) {
    let n = 8;
    let apps = names("app", n);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    // 8 single-worker instances, S = 10 ms (μ = 100/s), λ = 0.85 · 8 · μ = 680/s.
    let s = scenario(
        680.0,
        vec![plain_lb("lb", &refs, algorithm)],
        apps.iter().map(|a| instance(a, 1, 10.0)).collect(),
        "lb",
    );
    let mut sim = Simulation::with_seed(&s, 9).expect("valid");
    sim.run_for(5 * US_PER_S); // warm-up
    let (mut sum, mut samples) = (0.0, 0u64);
    drive(&mut sim, 65 * US_PER_S, 10_000, |sim, _| {
        let snap = sim.snapshot();
        let l: Vec<f64> = snap
            .edges
            .iter()
            .filter(|e| e.health.is_some())
            .map(|e| e.in_flight as f64)
            .collect();
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        if mean > 0.0 {
            sum += l.iter().cloned().fold(0.0, f64::max) / mean;
            samples += 1;
        }
    });
    assert!(samples > 5_000);
    (sum / samples as f64, sim.latency_summary().mean_ms)
}

/// Power of two choices against random placement, same load (ρ = 0.85 over 8 single-worker
/// instances). Random: each instance is M/M/1 at λ/N, mean response 1/(μ − λ/N) = 66.7 ms,
/// and the in-flight counts are independent geometrics, so the busiest is typically several
/// times the mean. Two choices (Mitzenmacher's supermarket model): the fraction of queues
/// with ≥ k jobs falls as ρ^(2^k − 1), mean response Σ_k ρ^(2^k−1) / λ_i = 22 ms as N → ∞.
/// Bounds: two choices' max/mean at most 0.75 × random's, its mean response below half of
/// random's (33 ms; 8 instances are not infinitely many), random's within 15 % of 66.7 ms.
/// Kills: power of two picking the busier (worse than random), power of two replaced by
/// random, a second draw that may equal the first.
#[test]
fn power_of_two_spreads_load_tighter_than_random() {
    let (p2c, p2c_ms) = imbalance(Algorithm::PowerOfTwo);
    let (rnd, rnd_ms) = imbalance(Algorithm::Random);
    assert!(
        (rnd_ms - 66.7).abs() / 66.7 < 0.15,
        "random: mean {rnd_ms:.1} ms, M/M/1 says 66.7"
    );
    assert!(
        p2c <= 0.75 * rnd,
        "max/mean in flight: two choices {p2c:.2} vs random {rnd:.2}"
    );
    assert!(
        p2c_ms < rnd_ms / 2.0,
        "mean response: two choices {p2c_ms:.1} ms vs random {rnd_ms:.1} ms"
    );
}

// ----- round robin and the pick itself -------------------------------------------------------

/// Round robin rotates in target order, and a target out of rotation is skipped without
/// disturbing the order of the others (HAProxy `roundrobin`); every successful pick is counted.
/// Kills: a rotation that starts elsewhere or steps by another amount, a skipped target that
/// shifts the others, the routed-requests counter not counting.
#[test]
fn round_robin_rotates_in_order_and_skips_targets_out_of_rotation() {
    let mut b = balancer(Algorithm::RoundRobin, &[1, 1, 1, 1], 1);
    assert_eq!(
        picks(&mut b, std::iter::repeat_n(0, 8)),
        [0, 1, 2, 3, 0, 1, 2, 3]
    );
    b.targets[1].health = HealthState::Down;
    assert_eq!(picks(&mut b, std::iter::repeat_n(0, 6)), [0, 2, 3, 0, 2, 3]);
    b.targets[1].health = HealthState::Up;
    b.targets[3].health = HealthState::Rising(1); // not yet back in rotation
    assert_eq!(picks(&mut b, std::iter::repeat_n(0, 4)), [0, 1, 2, 0]);
    assert_eq!(b.requests_routed, 18);
    // Nothing eligible, `reject`: no pick, not counted.
    for t in &mut b.targets {
        t.health = HealthState::Down;
    }
    assert_eq!(b.pick(0, None, 0), None);
    assert_eq!(b.requests_routed, 18);
}

/// Backups and fail-open at the level of one pick: primaries first; backups only when no
/// primary is eligible; with nothing eligible, `fail-open` draws from every target — only the
/// balancer's own zone's when cross-zone balancing is off (AWS ALB / NLB).
/// Kills: backups mixed with primaries, fail-open ignoring the cross-zone setting.
#[test]
fn backups_and_fail_open_in_a_single_pick() {
    let mut b = balancer(Algorithm::RoundRobin, &[1, 1, 1, 1], 1);
    b.targets[2].backup = true;
    b.targets[3].backup = true;
    let seq = picks(&mut b, 0..8);
    assert!(seq.iter().all(|&s| s < 2), "{seq:?}");
    b.targets[0].health = HealthState::Down;
    b.targets[1].health = HealthState::Suspect(2); // suspected: still a primary in rotation
    assert!(picks(&mut b, 0..8).iter().all(|&s| s == 1));
    b.targets[1].health = HealthState::Down;
    let seq = picks(&mut b, 0..8);
    assert_eq!(counts(&seq, 4), [0, 0, 4, 4], "{seq:?}");
    for t in &mut b.targets {
        t.health = HealthState::Down;
    }
    assert_eq!(b.pick(0, None, 0), None, "reject");
    b.spec.when_all_down = WhenAllDown::FailOpen;
    for t in &mut b.targets[..2] {
        t.local = false; // in another zone than the balancer
    }
    assert_eq!(
        counts(&picks(&mut b, 0..8), 4),
        [2, 2, 2, 2],
        "cross-zone on"
    );
    b.spec.cross_zone = false;
    assert_eq!(
        counts(&picks(&mut b, 0..8), 4),
        [0, 0, 4, 4],
        "own zone only"
    );
    // With cross-zone off, a target in another zone is never eligible, even when healthy.
    for t in &mut b.targets {
        t.health = HealthState::Up;
        t.backup = false;
    }
    assert_eq!(counts(&picks(&mut b, 0..8), 4), [0, 0, 4, 4]);
}

/// Power of two choices draws a uniformly random *pair* of distinct targets. With loads
/// 3, 2, 1, 0 a target wins exactly the pairs it forms with a busier one, so over the 6 equally
/// likely pairs it wins with probability (targets busier than it) / 3: 0, 1/6, 1/3, 1/2.
/// Bounds: 4.5 binomial standard deviations.
/// Kills: a second draw that is not uniform over the other targets (the least-loaded target
/// then wins 1/3 instead of 1/2), ties and comparisons inverted.
#[test]
fn power_of_two_draws_every_pair_equally_often() {
    let mut b = balancer(Algorithm::PowerOfTwo, &[1, 1, 1, 1], 5);
    for (t, a) in b.targets.iter_mut().zip([3, 2, 1, 0]) {
        t.active = a;
    }
    const M: u32 = 60_000;
    let got = counts(&picks(&mut b, 0..M), 4);
    for (k, p) in [0.0, 1.0 / 6.0, 1.0 / 3.0, 0.5].into_iter().enumerate() {
        let (mean, sd) = (M as f64 * p, (M as f64 * p * (1.0 - p)).sqrt());
        assert!(
            (got[k] as f64 - mean).abs() <= 4.5 * sd,
            "target {k}: {} wins, {mean:.0} expected ({got:?})",
            got[k]
        );
    }
}

/// The key of a client is a good hash of its id: two clients d apart share a target with
/// probability Σ pᵢ² ≈ 1/N (N = 10 equal targets; the arcs' ±10 % spread adds about 1 %),
/// whatever the stride d. Bound: [0.08, 0.125] over 19,000 pairs (4.5 binomial standard
/// deviations are ±0.01).
/// Kills: a key that ignores some bits of the client id (clients that differ only there
/// always share a target).
#[test]
fn consistent_hash_keys_spread_neighbouring_clients_independently() {
    let mut b = balancer(Algorithm::ConsistentHash, &[1; 10], 3);
    let home = picks(&mut b, 0..24_096);
    for d in (0..13).map(|k| 1usize << k) {
        let pairs = 20_000;
        let same = (0..pairs).filter(|&c| home[c] == home[c + d]).count();
        let f = same as f64 / pairs as f64;
        assert!(
            (0.08..=0.125).contains(&f),
            "stride {d}: {f:.3} share a target"
        );
    }
}

/// Ring sizes at the documented bounds: 64 points per unit of weight between 1,024 and
/// 65,536 points; below, scaled up with rounding up (15 equal targets: ⌈1024/15⌉ = 69 each);
/// exactly at either bound, 64 per weight; above, scaled down over room for one point per
/// target (2,000 targets of weight 256: ⌊256 · 63,536 / 512,000⌋ = 31 each).
/// Kills: an off-by-one at either bound, the wrong rounding or scale.
#[test]
fn consistent_hash_ring_sizes_at_the_bounds() {
    let ring = |weights: &[u32]| balancer(Algorithm::ConsistentHash, weights, 1).ring_len();
    assert_eq!(ring(&[1; 15]), 15 * 69);
    assert_eq!(ring(&[1; 16]), 1_024);
    assert_eq!(ring(&[1; 17]), 17 * 64);
    assert_eq!(ring(&[256; 4]), 65_536);
    assert_eq!(ring(&[3, 5]), 1_024 * 3 / 8 + 1_024 * 5 / 8);
    assert_eq!(ring(&[256; 2_000]), 2_000 * 31);
    // Total weight 1,025 (65,600 points at 64 each): w · 65,531 / 1,025 rounded down.
    assert_eq!(ring(&[1, 256, 256, 256, 256]), 63 + 4 * 16_366);
}

/// The ring's quality: a target of weight 1 owns 64 points, so its share of the keys is a sum
/// of 64 arcs of a ring of 64·N: relative standard deviation 1/√64 = 12.5 % (README: "64
/// points keep each target's share within about ±12 % of its weight"). Measured over 100
/// targets and 500,000 clients (binomial noise 1.4 %), the coefficient of variation of the
/// shares estimates it to ±7 %: bound [0.094, 0.156] (±3.5 of those).
/// Kills: ring points that collide (fewer distinct positions per target: a wider spread),
/// points not spread over the whole key space.
#[test]
fn consistent_hash_shares_spread_as_64_points_per_weight() {
    let n = 100;
    let mut b = balancer(Algorithm::ConsistentHash, &vec![1; n], 2);
    assert_eq!(b.ring_len(), 64 * n);
    let got = counts(&picks(&mut b, 0..500_000), n);
    let mean = 500_000.0 / n as f64;
    let var = got.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let cv = var.sqrt() / mean;
    assert!(
        (0.094..=0.156).contains(&cv),
        "coefficient of variation {cv:.3}"
    );
}

/// A proxy's states have the names the logs and the UI print.
#[test]
fn balancer_states_are_named() {
    use failover_sim::load_balancer::BalancerState;
    assert_eq!(BalancerState::Up.name(), "up");
    assert_eq!(BalancerState::Failed.name(), "failed");
    assert_eq!(BalancerState::Unreachable.name(), "unreachable");
}

/// Weighted least-conn. HAProxy's `leastconn` (like its `roundrobin`) honours server weights
/// — it picks the lowest connections / weight — and Envoy's least_request does too, so with
/// weights 1 and 3 on equal instances the in-flight counts settle at 1:3 and the weight-3
/// instance gets 3/4 of the requests (bound [0.70, 0.80]). The README's own example gives a
/// least-conn target `weight: 2`.
#[test]
fn least_conn_honours_weights() {
    let apps = names("app", 2);
    let refs: Vec<&str> = apps.iter().map(|s| s.as_str()).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::LeastConn);
    lb.targets[1].weight = 3;
    let s = scenario(
        800.0,
        vec![lb],
        apps.iter().map(|a| instance(a, 256, 10.0)).collect(),
        "lb",
    );
    let mut sim = Simulation::with_seed(&s, 3).expect("valid");
    let routed = sum_seconds(&routed_per_second(&mut sim, "lb", &refs, 20), 2..20);
    let share = routed[1] as f64 / routed.iter().sum::<u64>() as f64;
    assert!(
        (0.70..=0.80).contains(&share),
        "weight 3 of 4: share {share:.3}"
    );
}
