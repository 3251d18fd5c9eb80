#![cfg(not(target_arch = "wasm32"))]
//! Inputs that used to hang, exhaust or corrupt a run (issue #11): each test here failed
//! before its fix. The tests build in the dev profile, where integer overflow panics, so a
//! time addition that wraps is caught, not silently turned into a flood of events.
mod common;
use common::*;
use failover_sim::scenario::{Fault, FaultAction, ParamValue, RateStep};
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

/// Events allowed per simulated second in these tests: far above what the scenario's own
/// rate needs, far below the "one arrival per µs" of a wrapped clock.
const EVENT_BUDGET: u64 = 200_000;

fn run_checked(sim: &mut Simulation, seconds: u64) {
    for s in 1..=seconds {
        let out = sim.run_until(s * US_PER_S, EVENT_BUDGET);
        assert!(
            out.reached,
            "second {s}: event budget exhausted at t={} µs",
            sim.now_us()
        );
    }
}

/// A rate step to a tiny positive value after t = 0: the next arrival is beyond the end of
/// time, so none happens. Before: `now + gap` overflowed (panic in debug, wrap-around and
/// one request per µs in release).
#[test]
fn a_tiny_rate_from_the_profile_means_no_arrivals() {
    let mut s = preset("redundant-behind-lb");
    s.traffic.profile = vec![
        RateStep {
            at_ms: 2_000,
            rate_rps: 1e-30,
        },
        RateStep {
            at_ms: 6_000,
            rate_rps: 100.0,
        },
    ];
    let mut sim = Simulation::with_seed(&s, 3).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 2);
    let before = sim.metrics().sent;
    run_checked(&mut sim, 6);
    assert_eq!(
        sim.metrics().sent,
        before,
        "no arrivals at 1e-30 requests/s"
    );
    // The next step draws again: traffic resumes at 100 requests/s.
    run_checked(&mut sim, 10);
    let resumed = sim.metrics().sent - before;
    assert!((300..=500).contains(&resumed), "{resumed} requests in 4 s");
    assert_conserved(&sim);
}

/// The same through a live command (the inspector, or `c=…:set:clients:rate_rps:1e-30` in
/// a share link).
#[test]
fn a_tiny_rate_from_a_command_means_no_arrivals() {
    let s = preset("redundant-behind-lb");
    let mut sim = Simulation::with_seed(&s, 5).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 1);
    let set = Fault::set(1_500, "clients", "rate_rps", ParamValue::Number(1e-30));
    sim.schedule(set).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 2);
    let sent = sim.metrics().sent;
    run_checked(&mut sim, 12);
    assert_eq!(sim.metrics().sent, sent);
}

/// Random failures so rare that the draw is beyond the end of time saturate to "never".
#[test]
fn failures_beyond_the_end_of_time_never_happen() {
    let mut s = preset("redundant-behind-lb");
    for i in &mut s.instances {
        i.failures = Some(failover_sim::scenario::Reliability {
            mtbf_s: 1e9,
            mttr_s: 1e7,
        });
    }
    let mut sim = Simulation::with_seed(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 5);
    assert!(sim.metrics().failures.is_empty());
}

/// Writes faster than the standby applies them: the backlog grows without end, and each
/// write used to scan all of it (quadratic). Now a run with a growing backlog simply runs,
/// and the lag it reports is the exact count of writes not yet applied.
#[test]
fn a_standby_slower_than_the_writes_lags_linearly() {
    let mut s = preset("db-async-vs-sync");
    s.faults.clear();
    s.traffic.rate_rps = 3_000.0;
    s.traffic.write_fraction = 1.0;
    if let Some(db) = s.database.as_mut() {
        db.apply_ms = 1.0; // 1,000 writes/s at most on the standby
    }
    let mut sim = Simulation::with_seed(&s, 2).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 10);
    let lag = sim
        .snapshot()
        .database
        .map(|d| d.lag_writes)
        .unwrap_or_default();
    // ~3,000 writes/s arrive (those that succeed are the ones the standby must apply),
    // ~1,000/s are applied: about 2,000 more pending per second.
    let written = sim.metrics().succeeded;
    let applied_at_most = 10 * 1_000;
    assert!(
        lag + applied_at_most >= written && lag > written / 2,
        "lag {lag} after {written} writes"
    );
}

/// Raising `workers` starts queued jobs at once (before: the new workers idled until the
/// next arrival, and a queue drained no faster).
#[test]
fn more_workers_take_queued_jobs_at_once() {
    let mut one = instance("app-1", 1, 1_000.0);
    one.queue_capacity = 1_000;
    let s = scenario(
        50.0,
        vec![plain_lb(
            "lb-1",
            &["app-1"],
            failover_sim::scenario::Algorithm::RoundRobin,
        )],
        vec![one],
        "lb-1",
    );
    let mut sim = Simulation::with_seed(&s, 4).unwrap_or_else(|e| panic!("{e}"));
    run_checked(&mut sim, 3);
    let busy = |sim: &Simulation| {
        let snap = sim.snapshot();
        let node = snap.nodes.iter().find(|n| n.name == "app-1").cloned();
        node.map(|n| (n.busy, n.queue_len)).unwrap_or_default()
    };
    let (b, queued) = busy(&sim);
    assert_eq!(b, 1);
    assert!(queued > 50, "{queued} queued");
    let set = Fault::set(3_001, "app-1", "workers", ParamValue::Number(32.0));
    sim.schedule(set).unwrap_or_else(|e| panic!("{e}"));
    // One simulated millisecond later (no arrival needed) all 32 workers are busy.
    sim.run_until(3_002_000, EVENT_BUDGET);
    assert_eq!(busy(&sim).0, 32);
    assert_conserved(&sim);
}

/// Commands far in the future are kept and simply never reached.
#[test]
fn a_command_at_the_end_of_time_is_harmless() {
    let s = preset("redundant-behind-lb");
    let mut sim = Simulation::with_seed(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    let far = Fault::new(u64::MAX, FaultAction::Crash, "app-1");
    let _ = sim.schedule(far);
    run_checked(&mut sim, 3);
    assert!(sim.metrics().failures.is_empty());
}
