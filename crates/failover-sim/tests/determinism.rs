#![cfg(not(target_arch = "wasm32"))]
//! Same scenario + seed + commands → the same run, bit for bit.
mod common;
use common::*;
use failover_sim::scenario::{Fault, FaultAction};
use failover_sim::time::US_PER_S;
use failover_sim::{presets, Simulation};

#[test]
fn same_inputs_give_the_same_hash_and_report() {
    for p in presets::all() {
        let s = p.scenario();
        let a = run(&s, 42, 45);
        let b = run(&s, 42, 45);
        assert_eq!(a.trace_hash(), b.trace_hash(), "{}", p.name);
        assert_eq!(a.report(0.0), b.report(0.0), "{}", p.name);
        let c = run(&s, 43, 45);
        assert_ne!(
            a.trace_hash(),
            c.trace_hash(),
            "{}: seed must matter",
            p.name
        );
    }
}

/// Golden hashes: a change here means runs no longer replay the way they did (old share
/// links would show a different run). Update only on purpose, and say why in the commit.
/// Last changed by issue 18 (HAProxy and NGINX as measured; share links at version 3).
/// The wasm32 test (tests/web_visualizer.rs) checks the same values in Chromium.
#[test]
fn golden_trace_hashes() {
    let golden = [
        ("redundant-behind-lb", "16c87750b5cda9c1"),
        ("single-server", "798323dda5da1e10"),
        ("with-retries", "16c87750b5cda9c1"),
        ("unreachable-host", "542115de11ee8fa6"),
        ("gray-failure", "ce06234628a05ca2"),
        ("two-zones", "65ffd5d126a9fb2e"),
        ("dns-region-failover", "0239c090dae5e2cc"),
        ("multi-region-dns-failover", "d7cfb0121185bd04"),
        ("single-az", "7be22aab2cffa42f"),
    ];
    for (name, want) in golden {
        let sim = run(&preset(name), 1, 30);
        assert_eq!(sim.trace_hash_hex(), want, "{name}");
    }
}

/// A click is a command scheduled at a whole millisecond: scheduling it live (while the
/// run is going, in small frames) and replaying it from the list give the same run.
#[test]
fn live_commands_replay_exactly() {
    let s = preset("redundant-behind-lb");
    let mut live = Simulation::with_seed(&s, 9).unwrap_or_else(|e| panic!("{e}"));
    let mut t = 0;
    let mut clicked = false;
    while t < 30 * US_PER_S {
        t = (t + 16_667).min(30 * US_PER_S); // a 60 Hz frame at 1x
        live.run_until(t, 1_000);
        if !clicked && t > 12_345_678 {
            live.schedule(Fault::new(0, FaultAction::Crash, "app-1"))
                .unwrap_or_else(|e| panic!("{e}"));
            clicked = true;
        }
    }
    live.run_until(30 * US_PER_S, u64::MAX);
    let cmds = live.user_commands().to_vec();
    assert_eq!(cmds.len(), 1);
    assert!(
        cmds[0].at_ms >= 12_346,
        "moved to the next whole ms: {}",
        cmds[0].at_ms
    );

    let mut replay = Simulation::with_seed(&s, 9).unwrap_or_else(|e| panic!("{e}"));
    for c in cmds {
        replay.schedule(c).unwrap_or_else(|e| panic!("{e}"));
    }
    replay.run_until(30 * US_PER_S, u64::MAX);
    assert_eq!(live.trace_hash(), replay.trace_hash());
    assert_eq!(live.report(0.0), replay.report(0.0));
}

/// Stepping one event at a time and running in big chunks reach the same state.
#[test]
fn step_granularity_does_not_matter() {
    let s = preset("no-retries");
    let whole = run(&s, 5, 25);
    let mut stepped = Simulation::with_seed(&s, 5).unwrap_or_else(|e| panic!("{e}"));
    while stepped.run_until(25 * US_PER_S, 7).events > 0 {}
    assert_eq!(whole.trace_hash(), stepped.trace_hash());
}
