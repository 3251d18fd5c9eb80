#![cfg(not(target_arch = "wasm32"))]
//! API gateways (seed 004): the front door in front of the balancers, a SPOF when alone,
//! and the full client → DNS → gateway → balancer → instance → database chain.
mod common;
use common::*;
use failover_sim::metrics::FailureReason;
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

fn gateway(name: &str, balancers: &[&str]) -> Gateway {
    Gateway {
        name: name.into(),
        balancers: balancers.iter().map(|b| (*b).into()).collect(),
        retries: 1,
        timeout_connect_ms: 1_000,
        passive: PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        },
        retry_on_5xx: false,
        retry_budget: None,
        zone: None,
        failures: None,
    }
}

/// gw → lb-a, lb-b → app-1, app-2 (both balancers reach both apps).
fn two_balancers_behind_a_gateway() -> Scenario {
    let apps = ["app-1", "app-2"];
    let balancers = vec![
        plain_lb("lb-a", &apps, Algorithm::RoundRobin),
        plain_lb("lb-b", &apps, Algorithm::RoundRobin),
    ];
    let instances = vec![instance("app-1", 8, 10.0), instance("app-2", 8, 10.0)];
    let mut s = scenario(200.0, balancers, instances, "gw");
    s.gateways = vec![gateway("gw", &["lb-a", "lb-b"])];
    s
}

fn failed(sim: &Simulation, reason: FailureReason) -> u64 {
    sim.metrics().failed[reason.index()]
}

#[test]
fn a_refusing_balancer_is_retried_on_another_at_once() {
    let mut s = two_balancers_behind_a_gateway();
    s.faults = vec![Fault::new(10_000, FaultAction::Fail, "lb-a")];
    let sim = run(&s, 1, 40);
    assert_conserved(&sim);
    // Refusals are absorbed by the gateway's retry on lb-b; only the requests that were
    // inside lb-a when it died (their connections cut) can fail.
    assert_eq!(failed(&sim, FailureReason::ConnectionRefused), 0);
    assert!(
        sim.metrics().failed_total() <= 10,
        "{}",
        sim.metrics().failed_total()
    );
    let rec = failure_of(&sim, "lb-a");
    let detected = rec.detected_at_us.expect("the gateway notices lb-a");
    assert!(detected - rec.fault_at_us < 50_000, "{detected}");
    assert!(rec.detected_by.unwrap_or_default().contains("gw"));
    assert!(sim.metrics().succeeded > 7_000);
}

#[test]
fn a_silent_balancer_costs_one_connect_timeout_then_is_avoided() {
    let mut s = two_balancers_behind_a_gateway();
    s.faults = vec![Fault::new(10_000, FaultAction::Unreachable, "lb-a")];
    let sim = run(&s, 1, 40);
    assert_conserved(&sim);
    assert_eq!(sim.metrics().failed_total(), 0);
    // The requests sent to lb-a before the first connect timeout marked it down waited
    // timeout_connect_ms (1 s) and were then retried on lb-b.
    let max_ms = sim.latency_summary().max_ms;
    assert!((1_000.0..1_200.0).contains(&max_ms), "{max_ms}");
    // Marked down for fail_timeout (10 s), then probed again by real requests: 3 probes in
    // 30 s, each costing a second to the requests caught behind it, not 15,000 slow ones.
    let slow = sim.metrics().retried;
    assert!(slow > 0 && slow < 1_200, "{slow}");
}

#[test]
fn one_gateway_is_a_single_point_of_failure() {
    let mut s = two_balancers_behind_a_gateway();
    s.faults = vec![
        Fault::new(10_000, FaultAction::Fail, "gw"),
        Fault::new(20_000, FaultAction::Heal, "gw"),
    ];
    let a = analyse(&s);
    let spof = a
        .spofs
        .iter()
        .find(|x| x.name == "gw")
        .expect("gw is a SPOF");
    assert_eq!(spof.kind, "gateway");
    // A read-only workload: it would stop writes too, so no "reads only" qualifier.
    assert!(spof.reads && spof.writes);
    assert!(spof.why.contains("enters through gw"));
    assert!(!a.spofs.iter().any(|x| x.name == "lb-a" || x.name == "lb-b"));
    let sim = run(&s, 1, 30);
    assert_conserved(&sim);
    // About 10 s × 200 rps refused while it is down.
    let refused = failed(&sim, FailureReason::ConnectionRefused);
    assert!((1_700..2_300).contains(&refused), "{refused}");
    let series = sim.series(30);
    let down: Vec<_> = series
        .iter()
        .filter(|b| (11..19).contains(&b.second))
        .collect();
    assert_eq!(down.len(), 8, "every second of the outage is checked");
    for b in down {
        assert_eq!(b.succeeded, 0, "second {}", b.second);
    }
    let after: Vec<(u64, u32)> = series
        .iter()
        .filter(|b| (22..30).contains(&b.second))
        .map(|b| (b.second, b.succeeded))
        .collect();
    assert_eq!(after.len(), 8, "{after:?}");
    assert!(after.iter().all(|&(_, ok)| ok > 100), "{after:?}");
}

#[test]
fn single_az_spofs_are_the_gateway_balancer_database_and_zone() {
    let a = analyse(&preset("single-az"));
    let names: Vec<&str> = a.spofs.iter().map(|s| s.name.as_str()).collect();
    for want in ["api-gw", "lb-1", "db-1", "eu-west-a"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // Two servers: redundant against each other, so neither is a SPOF.
    assert!(!names.contains(&"app-1") && !names.contains(&"app-2"));
    assert!(a.spofs.iter().all(|s| s.reads && s.writes));
}

#[test]
fn multi_region_has_no_spof_for_reads_or_writes() {
    let s = preset("multi-region-dns-failover");
    let a = analyse(&s);
    assert!(a.spofs.iter().all(|x| !x.reads), "{:?}", a.spofs);
    assert!(a.spofs.is_empty(), "{:?}", a.spofs);
    assert!(a.structure.contains("gw-eu") && a.structure.contains("gw-us"));
}

#[test]
fn strict_sync_makes_the_standby_a_spof_for_writes_only() {
    let mut s = preset("db-sync");
    if let Some(db) = s.database.as_mut() {
        db.strict_sync = true;
    }
    let a = analyse(&s);
    let st = a
        .spofs
        .iter()
        .find(|x| x.name == "db-standby")
        .expect("strict sync: no standby, no writes");
    assert!(st.writes && !st.reads);
    assert_eq!(st.stops(), "writes");
    assert!(st.why.contains("reads carry on"));
    // Without strict mode the standby is only a spare.
    let plain = analyse(&preset("db-sync"));
    assert!(!plain.spofs.iter().any(|x| x.name == "db-standby"));
}

#[test]
fn region_outage_moves_traffic_to_the_other_gateway_after_dns_and_ttl() {
    let s = preset("multi-region-dns-failover");
    let mut sim = Simulation::new(&s).expect("valid preset");
    // Before the outage, gw-eu carries the traffic.
    sim.run_for(25 * US_PER_S);
    let snap = sim.snapshot();
    let in_flight = |snap: &failover_sim::Snapshot, name: &str| {
        snap.nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.in_flight)
            .unwrap_or(0)
    };
    assert!(in_flight(&snap, "gw-eu") > 0);
    assert_eq!(in_flight(&snap, "gw-us"), 0);
    // The region dies at 30 s; Route 53 (10 s checks, threshold 3, 4 s connect timeout)
    // flips within 20-34 s; cached answers keep pointing at gw-eu for up to the 60 s TTL.
    let mut saw_stale = false;
    while sim.now_us() < 100 * US_PER_S {
        sim.run_for(US_PER_S);
        let snap = sim.snapshot();
        let dns = snap.dns.as_ref().expect("dns view");
        saw_stale |= dns.answering == "gw-us" && dns.stale_clients > 0;
    }
    assert!(saw_stale, "clients must keep stale answers after the flip");
    let rec = failure_of(&sim, "gw-eu");
    let detected = rec.detected_at_us.expect("Route 53 detects gw-eu") - rec.fault_at_us;
    assert!(
        (20 * US_PER_S..=34 * US_PER_S + 100_000).contains(&detected),
        "{detected}"
    );
    let rerouted = rec.rerouted_at_us.expect("clients moved") - rec.fault_at_us;
    assert!(rerouted <= detected + 60 * US_PER_S, "{rerouted}");
    // Long after: everything is served through gw-us, from us-east, writes included.
    sim.run_for(100 * US_PER_S);
    let snap = sim.snapshot();
    assert!(in_flight(&snap, "gw-us") > 0);
    let last: Vec<_> = sim.series(20);
    let (ok, bad): (u32, u32) = last.iter().fold((0, 0), |(o, f), b| {
        (o + b.succeeded, f + b.failed.iter().sum::<u32>())
    });
    assert!(ok > 2_000 && bad == 0, "ok {ok}, failed {bad}");
    assert_eq!(
        snap.database.as_ref().map(|d| d.leader.as_str()),
        Some("db-standby")
    );
}

#[test]
fn gateway_settings_are_validated_with_their_paths() {
    let base = two_balancers_behind_a_gateway();
    type Mutate = fn(&mut Scenario);
    let cases: Vec<(Mutate, &str)> = vec![
        (
            |s| s.gateways[0].balancers = vec!["ghost".into()],
            "gateways[0].balancers[0]: no balancer is named `ghost`",
        ),
        (
            |s| s.gateways[0].balancers.push("lb-a".into()),
            "gateways[0].balancers[2]: `lb-a` is already listed",
        ),
        (
            |s| s.gateways[0].balancers.clear(),
            "gateways[0].balancers: a gateway forwards to 1 to",
        ),
        (
            |s| s.gateways[0].retries = 99,
            "gateways[0].retries: must be between 0 and",
        ),
        (
            |s| s.gateways[0].timeout_connect_ms = 0,
            "gateways[0].timeout_connect_ms: must be between 1 and",
        ),
        (
            |s| s.gateways[0].passive.max_fails = 0,
            "gateways[0].passive.max_fails: must be between 1 and",
        ),
        (
            |s| s.gateways[0].zone = Some("mars-1".into()),
            "gateways[0].zone: no zone is named `mars-1`",
        ),
        (
            |s| s.gateways[0].name = "lb-a".into(),
            "duplicate name `lb-a`",
        ),
        (
            |s| s.faults = vec![Fault::new(1, FaultAction::Gray, "gw")],
            "faults[0].action: `gray` does not apply to `gw`",
        ),
        (
            // Gateways take `set` now (issue 13), with the limits a file has.
            |s| s.faults = vec![Fault::set(1, "gw", "retries", ParamValue::Number(99.0))],
            "faults[0].value: must be between 0 and 10, got 99",
        ),
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
    // A crash of a gateway is its failure; a DNS record may point at a gateway.
    let mut ok = base.clone();
    ok.faults = vec![Fault::new(1, FaultAction::Crash, "gw")];
    assert!(failover_sim::validate::validate(&ok).is_ok());
}

/// Two client populations (eu 3 : us 1) in front of one balancer in eu.
fn two_populations() -> Scenario {
    let mut s = scenario(
        200.0,
        vec![plain_lb("lb", &["app-1"], Algorithm::RoundRobin)],
        vec![Instance {
            zone: Some("eu-a".into()),
            ..instance("app-1", 16, 5.0)
        }],
        "lb",
    );
    s.balancers[0].zone = Some("eu-a".into());
    s.traffic.timeout_ms = 2_000;
    s.network.cross_region_latency_ms = 40.0;
    let region = |name: &str, zone: &str| Region {
        name: name.into(),
        zones: vec![Zone {
            name: zone.into(),
            failures: None,
        }],
        failures: None,
    };
    s.regions = vec![region("eu", "eu-a"), region("us", "us-a")];
    s.traffic.populations = vec![
        Population {
            region: "eu".into(),
            share: 3.0,
        },
        Population {
            region: "us".into(),
            share: 1.0,
        },
    ];
    s
}

#[test]
fn each_client_population_has_its_own_latency_and_partitions() {
    let s = two_populations();
    let sim = run(&s, 1, 20);
    // A quarter of the requests cross the ocean both ways (+80 ms): p50 is an eu request,
    // p90 a us one.
    let lat = sim.latency_summary();
    assert!(lat.p50_ms < 20.0, "{}", lat.p50_ms);
    assert!(lat.p90_ms > 80.0, "{}", lat.p90_ms);
    let snap = sim.snapshot();
    let us = snap
        .nodes
        .iter()
        .find(|n| n.name == "clients-us")
        .expect("a node per population");
    assert_eq!(us.zone.as_deref(), Some("us"));
    assert!(snap.edges.iter().any(|e| e.from == us.id));

    // Cut us from eu: only the us population loses service (its quarter of the traffic).
    let mut cut = Fault::new(5_000, FaultAction::Partition, "us");
    cut.peer = Some("eu".into());
    let mut s2 = s.clone();
    s2.faults = vec![cut];
    let sim = run(&s2, 1, 25);
    assert_conserved(&sim);
    let after: Vec<_> = sim
        .series(25)
        .into_iter()
        .filter(|b| (10..24).contains(&b.second))
        .collect();
    let ok: u32 = after.iter().map(|b| b.succeeded).sum();
    let bad: u32 = after.iter().map(|b| b.failed.iter().sum::<u32>()).sum();
    let lost = bad as f64 / (ok + bad) as f64;
    assert!((0.2..0.3).contains(&lost), "{lost}");
    // And a region outage does not silence the users who live there.
    let mut s3 = s.clone();
    s3.faults = vec![Fault::new(5_000, FaultAction::Fail, "us")];
    let sim = run(&s3, 1, 20);
    assert_eq!(sim.metrics().failed_total(), 0);
}

#[test]
fn populations_are_validated() {
    let base = two_populations();
    type Mutate = fn(&mut Scenario);
    let cases: Vec<(Mutate, &str)> = vec![
        (
            |s| s.traffic.populations[1].region = "mars".into(),
            "traffic.populations[1].region: no region is named `mars`",
        ),
        (
            |s| s.traffic.populations[1].region = "eu".into(),
            "traffic.populations[1].region: `eu` already has a population",
        ),
        (
            |s| s.traffic.populations[0].share = 0.0,
            "traffic.populations[0].share: must be above 0",
        ),
        (
            |s| s.traffic.region = Some("eu".into()),
            "traffic.region: give either `region` or `populations`",
        ),
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
