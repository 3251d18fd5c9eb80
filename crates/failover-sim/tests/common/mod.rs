// Shared helpers for the native integration tests (included with `mod common;`).
#![allow(dead_code)]
pub mod markov;
use failover_sim::presets;
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

pub fn preset(name: &str) -> Scenario {
    match presets::find(name) {
        Some(p) => p.scenario(),
        None => panic!("no preset {name}"),
    }
}

pub fn run(s: &Scenario, seed: u64, seconds: u64) -> Simulation {
    let mut sim = match Simulation::with_seed(s, seed) {
        Ok(sim) => sim,
        Err(e) => panic!("invalid scenario: {e}"),
    };
    sim.run_for(seconds * US_PER_S);
    sim
}

pub fn instance(name: &str, workers: u32, mean_ms: f64) -> Instance {
    Instance {
        name: name.into(),
        workers,
        queue_capacity: 100_000,
        accept_backlog: 0,
        load_shedding: false,
        deadline_propagation: false,
        service_time: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms,
            sigma: 0.5,
        },
        startup_ms: 1_000,
        restart_after_ms: None,
        zone: None,
        failures: None,
        cold_start: None,
    }
}

/// A balancer over `targets` with the given algorithm, no checks, no retries.
pub fn plain_lb(name: &str, targets: &[&str], algorithm: Algorithm) -> Balancer {
    Balancer {
        name: name.into(),
        algorithm,
        targets: targets
            .iter()
            .map(|t| Target {
                instance: (*t).into(),
                weight: 1,
                backup: false,
            })
            .collect(),
        retries: 0,
        redispatch: false,
        retry_on: vec![RetryOn::ConnFailure],
        timeout_connect_ms: 5_000,
        timeout_server_ms: 600_000,
        when_all_down: WhenAllDown::Reject,
        health_check: None,
        passive: None,
        next_upstream: vec![NextUpstream::Error, NextUpstream::Timeout],
        next_upstream_tries: 0,
        zone: None,
        cross_zone: true,
        failures: None,
        outlier_detection: None,
        observe: None,
        panic_threshold_percent: None,
        slow_start: None,
        deregistration_delay_ms: default_deregistration_delay_ms(),
        rollout: None,
        maxconn: None,
        timeout_queue_ms: None,
        maxqueue: 0,
        retry_budget: None,
        circuit_breaker: None,
        autoscaling: None,
    }
}

pub fn scenario(
    rate_rps: f64,
    balancers: Vec<Balancer>,
    instances: Vec<Instance>,
    entry: &str,
) -> Scenario {
    Scenario {
        name: "test".into(),
        description: String::new(),
        seed: 1,
        duration_s: 60,
        traffic: Traffic {
            rate_rps,
            clients: 1_000,
            timeout_ms: 60_000,
            path: "/".into(),
            profile: Vec::new(),
            region: None,
            populations: Vec::new(),
            write_fraction: 0.0,
            client_retry: None,
        },
        network: Network {
            latency_ms: 0.0,
            ..Network::default()
        },
        entry: entry.into(),
        gateways: Vec::new(),
        balancers,
        instances,
        regions: Vec::new(),
        dns: None,
        database: None,
        costs: Costs::default(),
        faults: Vec::new(),
    }
}

/// Conservation: every request sent is finished exactly once or still in flight.
pub fn assert_conserved(sim: &Simulation) {
    let m = sim.metrics();
    assert_eq!(
        m.sent,
        m.succeeded + m.failed_total() + sim.live_requests() as u64,
        "sent != succeeded + failed + in_flight at t={} us",
        sim.now_us()
    );
}

/// The failure record of a node (the first one), or a test failure naming it.
pub fn failure_of(sim: &Simulation, node: &str) -> failover_sim::metrics::FailureRecord {
    sim.metrics()
        .failures
        .iter()
        .find(|f| f.node_name == node)
        .cloned()
        .unwrap_or_else(|| panic!("no failure record for {node}"))
}

/// Advance `sim` to `until_us` in slices of `slice_us`, handing `each` the simulation and the
/// transfers (hops) recorded during each slice. Every transfer is recorded: the test fails
/// if the engine had to sample them (a slice too long for the traffic).
pub fn drive(
    sim: &mut Simulation,
    until_us: u64,
    slice_us: u64,
    mut each: impl FnMut(&Simulation, &[failover_sim::snapshot::Transfer]),
) {
    sim.set_transfer_recording(true);
    let mut buf = Vec::new();
    let mut t = sim.now_us();
    while t < until_us {
        t = (t + slice_us).min(until_us);
        sim.run_until(t, u64::MAX);
        buf.clear();
        sim.drain_transfers(&mut buf);
        assert_eq!(
            sim.transfer_sampling(),
            1,
            "transfers were sampled: use a shorter slice"
        );
        each(sim, &buf);
    }
}

/// Attempts `from` (a balancer or gateway) sent to each of `to`, per second of simulated
/// time, counted from the engine's transfers while running to `until_s`:
/// `result[second][k]` is what `to[k]` was sent during that second.
pub fn routed_per_second(
    sim: &mut Simulation,
    from: &str,
    to: &[&str],
    until_s: u64,
) -> Vec<Vec<u64>> {
    let id = |name: &str| {
        sim.node_by_name(name)
            .unwrap_or_else(|| panic!("no node {name}"))
    };
    let from_id = id(from);
    let to_ids: Vec<u32> = to.iter().map(|n| id(n)).collect();
    let mut counts = vec![vec![0u64; to.len()]; until_s as usize];
    drive(sim, until_s * US_PER_S, 50_000, |_, transfers| {
        for t in transfers.iter().filter(|t| {
            t.from == from_id && t.kind == failover_sim::snapshot::TransferKind::Request
        }) {
            if let Some(k) = to_ids.iter().position(|&i| i == t.to) {
                counts[(t.depart_us / US_PER_S) as usize][k] += 1;
            }
        }
    });
    counts
}

/// Sum of `per_second[s][k]` over the seconds in `range`, per `k`.
pub fn sum_seconds(per_second: &[Vec<u64>], range: std::ops::Range<u64>) -> Vec<u64> {
    let width = per_second.first().map_or(0, |r| r.len());
    let mut out = vec![0; width];
    let mut seen = 0;
    for row in &per_second[range.start as usize..range.end as usize] {
        for (o, x) in out.iter_mut().zip(row) {
            *o += x;
        }
        seen += 1;
    }
    assert_eq!(seen, range.end - range.start, "seconds summed");
    out
}

/// A health check with HAProxy's semantics and the given interval, rise and fall.
pub fn haproxy_check(inter_ms: u64, rise: u32, fall: u32) -> HealthCheck {
    HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        inter_ms: Some(inter_ms),
        rise: Some(rise),
        fall: Some(fall),
        ..HealthCheck::default()
    }
}

/// Names `prefix-0` .. `prefix-(n-1)`.
pub fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}
