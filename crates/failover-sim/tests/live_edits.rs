#![cfg(not(target_arch = "wasm32"))]
//! Parameter changes while a run is going take effect the way the real system would.
mod common;
use common::*;
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

/// Raising `workers` on a loaded instance starts its queued jobs at once, as a thread pool
/// grown under load does (they used to wait for the old workers to free up one by one).
#[test]
fn raising_workers_starts_queued_jobs_at_once() {
    let mut s = preset("redundant-behind-lb");
    s.faults.clear();
    s.entry = "app-1".into();
    s.traffic.rate_rps = 200.0;
    let app = &mut s.instances[0];
    app.workers = 1;
    app.queue_capacity = 10_000;
    app.service_time = ServiceTime {
        distribution: Distribution::Constant,
        mean_ms: 1_000.0,
        sigma: 0.5,
    };
    let mut sim = Simulation::new(&s).unwrap_or_else(|e| panic!("{e}"));
    sim.run_for(5 * US_PER_S);
    let node = |sim: &Simulation| {
        sim.snapshot()
            .nodes
            .into_iter()
            .find(|n| n.name == "app-1")
            .unwrap_or_else(|| panic!("no app-1"))
    };
    let before = node(&sim);
    assert_eq!(before.busy, 1);
    assert!(before.queue_len > 500, "{}", before.queue_len);
    let at_ms = sim.now_us() / 1_000 + 1;
    sim.schedule(Fault::set(
        at_ms,
        "app-1",
        "workers",
        ParamValue::Number(1024.0),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    sim.schedule(Fault::set(
        at_ms,
        "clients",
        "rate_rps",
        ParamValue::Number(0.0),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    sim.run_for(2_000); // 2 ms: the command, and not a single service time
    let after = node(&sim);
    assert_eq!(after.queue_len, 0, "queued jobs still waiting");
    assert_eq!(after.busy, before.queue_len + 1);
    // They finish one service time later, and the run stays consistent.
    sim.run_for(US_PER_S + 10_000);
    assert_eq!(node(&sim).busy, 0);
    let m = sim.metrics();
    let failed: u64 = m.failed.iter().sum();
    assert_eq!(m.sent, m.succeeded + failed + sim.live_requests() as u64);
}
