#![cfg(not(target_arch = "wasm32"))]
//! DNS failover (Route 53 semantics): detection by health checks, then clients move as
//! their cached answers expire.
mod common;
use common::*;
use failover_sim::metrics::FailureReason;
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;
use failover_sim::time::{us_to_s, US_PER_S};
use failover_sim::Simulation;

#[test]
fn failover_takes_threshold_times_interval_plus_up_to_the_ttl() {
    let s = preset("dns-region-failover");
    for seed in 1..=6 {
        let sim = run(&s, seed, 230);
        let rec = failure_of(&sim, "lb-eu");
        let detected = us_to_s(rec.detected_at_us.unwrap_or(0) - rec.fault_at_us);
        // FailureThreshold 3 × RequestInterval 30 s, at a random phase: 60–90 s, plus the
        // 4 s a silent endpoint is given to answer.
        assert!(
            (64.0..=94.01).contains(&detected),
            "seed {seed}: detected after {detected}"
        );
        let moved = us_to_s(rec.rerouted_at_us.unwrap_or(0) - rec.detected_at_us.unwrap_or(0));
        assert!(
            (0.0..=60.0).contains(&moved),
            "seed {seed}: last cached answer expired {moved} s later"
        );
        // Once every cache has expired, nothing fails any more.
        let quiet_from = rec.rerouted_at_us.unwrap_or(0) / US_PER_S + 6;
        let late_failures: u32 = sim
            .series(300)
            .iter()
            .filter(|b| b.second >= quiet_from && b.second < 230)
            .map(|b| b.failed_total())
            .sum();
        assert_eq!(late_failures, 0, "seed {seed}");
        assert!(
            sim.metrics().failed[FailureReason::Timeout.index()] > 5_000,
            "the stale window costs requests"
        );
    }
}

#[test]
fn the_stale_answer_counter_rises_then_drains() {
    let s = preset("dns-region-failover");
    let mut sim = Simulation::with_seed(&s, 2).unwrap_or_else(|e| panic!("{e}"));
    sim.run_for(20 * US_PER_S);
    let before = sim
        .snapshot()
        .dns
        .map(|d| (d.cached_clients, d.stale_clients))
        .unwrap_or_default();
    assert!(before.0 > 1_000 && before.1 == 0, "{before:?}");
    sim.run_for(20 * US_PER_S);
    let during = sim
        .snapshot()
        .dns
        .map(|d| d.stale_clients)
        .unwrap_or_default();
    assert!(
        during > 1_000,
        "every cached answer now points at the dark region: {during}"
    );
    sim.run_for(150 * US_PER_S);
    let snap = sim.snapshot();
    let dns = snap.dns.unwrap_or_else(|| panic!("no dns view"));
    assert_eq!(dns.stale_clients, 0);
    assert_eq!(dns.answering, "lb-us");
}

#[test]
fn with_dns_down_only_cached_clients_get_through() {
    let mut s = preset("dns-region-failover");
    s.faults = vec![Fault::new(30_000, FaultAction::Fail, "api.example.com")];
    let sim = run(&s, 1, 120);
    let dns_failures = sim.metrics().failed[FailureReason::DnsFailure.index()];
    assert!(dns_failures > 1_000, "{dns_failures}");
    // Seconds right after the failure still succeed from caches; by TTL later, nothing does.
    let series = sim.series(120);
    let ok_at = |sec: u64| {
        series
            .iter()
            .find(|b| b.second == sec)
            .map(|b| b.succeeded)
            .unwrap_or(0)
    };
    assert!(ok_at(35) > 100);
    assert_eq!(ok_at(100), 0);
}

#[test]
fn region_redundancy_behind_dns_has_no_spof() {
    let an = analyse(&preset("dns-region-failover"));
    assert!(an.spofs.is_empty(), "{:?}", an.spofs);
    let an = analyse(&preset("one-zone"));
    let names: Vec<&str> = an.spofs.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"eu-west-a") && names.contains(&"lb-1"),
        "{names:?}"
    );
    assert!(!analyse(&preset("two-zones"))
        .spofs
        .iter()
        .any(|s| s.name == "eu-west-a"));
}

#[test]
fn dns_settings_are_validated() {
    let base = preset("dns-region-failover");
    type M = fn(&mut Scenario);
    let cases: Vec<(M, &str)> = vec![
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.health_check.request_interval_s = 20), "dns.health_check.request_interval_s: Route 53 checks every 10 or 30 s, got 20"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.health_check.failure_threshold = 0), "dns.health_check.failure_threshold: must be between 1 and 10"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.ttl_s = 100_000), "dns.ttl_s: must be between 0 and 86400"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.resolve_ms = -1.0), "dns.resolve_ms: must be between"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.records[1].role = RecordRole::Primary), "dns.records: failover routing needs one primary and at most one secondary record, got 2 and 0"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.records[0].target = "ghost".into()), "dns.records[0].target: no gateway, balancer or instance is named `ghost`"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.name = "lb-eu".into()), "dns.name: duplicate name `lb-eu`"),
        (|s| s.dns.as_mut().into_iter().for_each(|d| d.failures = Some(Reliability { mtbf_s: 0.0, mttr_s: 1.0 })), "dns.failures.mtbf_s: must be between"),
        (|s| s.entry = "lb-eu".into(), "entry: with `dns`, the entry must be the DNS name `api.example.com`"),
        (|s| s.traffic.clients = 200_000, "traffic.clients: with `dns`, at most 100000 clients"),
        (|s| s.faults = vec![Fault::new(1, FaultAction::Crash, "api.example.com")], "faults[0].action: `crash` does not apply to `api.example.com`"),
    ];
    for (mutate, needle) in cases {
        let mut s = base.clone();
        mutate(&mut s);
        let errs = failover_sim::validate::validate(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(errs.contains(needle), "{needle}\n got: {errs}");
    }
}
