#![cfg(not(target_arch = "wasm32"))]
//! The small words the rest stands on: the defaults the README's field reference documents,
//! which node states count as healthy, node ids and names in both directions, the label of
//! an estimated figure, the database's write counter. (Each was a surviving mutant of
//! `make mutants SAMPLE=48`.)
mod common;
use common::*;
use failover_sim::reliability::analyse;
use failover_sim::scenario::parse_scenario;
use failover_sim::snapshot::NodeStatus;

/// A scenario with only the required fields: every default comes from the file format.
#[test]
fn defaults_are_the_documented_ones() {
    let s = parse_scenario(
        r#"{"name": "minimal", "traffic": {"rate_rps": 10}, "entry": "app",
            "instances": [{"name": "app"}], "database": {"name": "db"}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // README, "Scenario format": traffic.timeout_ms 5000; database.query_ms 2,
    // query_timeout_ms 3000.
    assert_eq!(s.traffic.timeout_ms, 5_000);
    let db = s.database.as_ref().unwrap_or_else(|| panic!("database"));
    assert_eq!(db.query_ms, 2.0);
    assert_eq!(db.query_timeout_ms, 3_000);
}

/// Only `Up` is healthy: degraded, starting, suspected, down, crashed, unreachable and
/// failed nodes are not serving normally.
#[test]
fn only_up_is_healthy() {
    use NodeStatus::*;
    assert!(Up.is_healthy());
    for s in [
        Degraded,
        Starting,
        Suspected,
        Down,
        Crashed,
        Unreachable,
        Failed,
    ] {
        assert!(!s.is_healthy(), "{} is not healthy", s.name());
    }
}

/// Every node the snapshot shows has the name the engine gives its id, client populations
/// included (two populations: `clients` and a second one with its own node).
#[test]
fn node_ids_and_names_agree() {
    for name in [
        "multi-region-dns-failover",
        "bank",
        "db-async-vs-sync",
        "two-zones",
    ] {
        let sim = run(&preset(name), 1, 2);
        let snap = sim.snapshot();
        assert!(!snap.nodes.is_empty());
        for n in &snap.nodes {
            assert_eq!(sim.node_name(n.id), n.name, "{name}: node {}", n.id);
        }
    }
    let s = preset("multi-region-dns-failover");
    assert!(
        s.traffic.populations.len() >= 2,
        "the preset has two populations"
    );
}

/// An estimated analytic figure says so, with its method and sample count.
#[test]
fn an_estimate_is_labelled_as_one() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/tangled.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let s = parse_scenario(&text).unwrap_or_else(|e| panic!("{e}"));
    let label = analyse(&s).method_label();
    assert!(label.starts_with("estimate (Monte Carlo, "), "{label}");
    assert!(label.contains(" samples, 95 % CI "), "{label}");
}

/// The database counts every write it acknowledged: about write_fraction of the queries.
#[test]
fn database_counts_its_writes() {
    let s = preset("db-async-vs-sync");
    let sim = run(&s, 1, 30);
    let r = sim.report(0.0);
    let db = r.database.unwrap_or_else(|| panic!("a database"));
    assert!(db.writes > 0 && db.reads > 0, "{db:?}");
    let share = db.writes as f64 / (db.writes + db.reads) as f64;
    let want = s.traffic.write_fraction;
    assert!(
        (share - want).abs() < 0.05,
        "writes {share:.3} of queries, write_fraction {want}"
    );
}

/// Simulated time never goes back, through a freeze and its thaw: requests queued in the
/// frozen process start when it thaws and end a service time later, not before the thaw.
#[test]
fn time_never_goes_back_through_a_thaw() {
    use failover_sim::scenario::{Fault, FaultAction};
    use failover_sim::time::US_PER_S;
    let mut s = preset("redundant-behind-lb");
    s.faults = vec![
        Fault::new(20_000, FaultAction::Freeze, "app-2"),
        Fault::new(22_000, FaultAction::Heal, "app-2"),
    ];
    s.instances[1].accept_backlog = 64;
    for seed in 1..=3 {
        let mut sim =
            failover_sim::Simulation::with_seed(&s, seed).unwrap_or_else(|e| panic!("{e}"));
        sim.run_until(19 * US_PER_S, u64::MAX);
        let mut last = sim.now_us();
        let mut steps = 0;
        while sim.now_us() < 24 * US_PER_S && sim.step() {
            assert!(
                sim.now_us() >= last,
                "seed {seed}: time went back from {last} to {}",
                sim.now_us()
            );
            last = sim.now_us();
            steps += 1;
        }
        assert!(steps > 1_000, "seed {seed}: {steps} steps");
        // Requests that waited out the freeze took at least until the thaw.
        assert!(
            sim.metrics().latency.max() >= 2 * US_PER_S / 2,
            "seed {seed}"
        );
    }
}

/// The database nodes say what they are: the standby its lag, the primary not that.
#[test]
fn database_nodes_say_their_role() {
    let s = preset("db-async-vs-sync");
    let sim = run(&s, 1, 10);
    let snap = sim.snapshot();
    let db = s.database.as_ref().unwrap_or_else(|| panic!("a database"));
    let standby = db.standby.as_ref().unwrap_or_else(|| panic!("a standby"));
    let detail = |name: &str| {
        snap.nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.detail.clone())
            .unwrap_or_else(|| panic!("node {name}"))
    };
    assert!(
        detail(&standby.name).starts_with("standby; "),
        "{}",
        detail(&standby.name)
    );
    assert!(
        !detail(&db.name).starts_with("standby"),
        "{}",
        detail(&db.name)
    );
}
