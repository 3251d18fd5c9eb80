// Shared helpers for the native integration tests (included with `mod common;`).
#![allow(dead_code)]
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
        service_time: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms,
            sigma: 0.5,
        },
        startup_ms: 1_000,
        restart_after_ms: None,
        zone: None,
        failures: None,
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
