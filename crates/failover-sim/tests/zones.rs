#![cfg(not(target_arch = "wasm32"))]
//! Zones and regions: correlated failure, partitions, cross-zone latency.
mod common;
use common::markov::{availability_and_sd, Component};
use common::*;
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;

fn zoned(zones_of_instances: &[&str], lb_zone: Option<&str>) -> Scenario {
    let names: Vec<String> = (0..zones_of_instances.len())
        .map(|i| format!("app-{i}"))
        .collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::RoundRobin);
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        ..HealthCheck::default()
    });
    lb.retries = 1;
    lb.redispatch = true;
    lb.timeout_connect_ms = 1_000;
    lb.zone = lb_zone.map(String::from);
    let instances = names
        .iter()
        .zip(zones_of_instances)
        .map(|(n, z)| Instance {
            zone: Some(z.to_string()),
            startup_ms: 2_000,
            ..instance(n, 8, 10.0)
        })
        .collect();
    let mut s = scenario(200.0, vec![lb], instances, "lb");
    s.traffic.timeout_ms = 5_000;
    s.regions = vec![
        Region {
            name: "eu".into(),
            zones: vec![
                Zone {
                    name: "eu-a".into(),
                    failures: None,
                },
                Zone {
                    name: "eu-b".into(),
                    failures: None,
                },
            ],
            failures: None,
        },
        Region {
            name: "us".into(),
            zones: vec![Zone {
                name: "us-a".into(),
                failures: None,
            }],
            failures: None,
        },
    ];
    s.traffic.region = Some("eu".into());
    s
}

fn domain_fault(at_ms: u64, action: FaultAction, node: &str) -> Fault {
    Fault::new(at_ms, action, node)
}

#[test]
fn two_instances_in_one_zone_are_not_redundant_against_its_outage() {
    let mut s = zoned(&["eu-a", "eu-a"], None);
    s.faults = vec![
        domain_fault(10_000, FaultAction::Fail, "eu-a"),
        domain_fault(30_000, FaultAction::Heal, "eu-a"),
    ];
    let sim = run(&s, 1, 60);
    let series = sim.series(60);
    // Requests already on their way at 10 s may still time out until 15 s; from then on
    // nothing can succeed until the zone is back (30 s) and the instances have booted (32 s).
    let down: Vec<_> = series
        .iter()
        .filter(|b| (11..=31).contains(&b.second))
        .collect();
    assert_eq!(down.len(), 21, "every second of the outage is checked");
    for b in down {
        assert_eq!(b.succeeded, 0, "second {}", b.second);
    }
    // After the heal, boot and rise=2 checks, traffic is served again.
    let late: Vec<_> = series
        .iter()
        .filter(|b| (40..60).contains(&b.second))
        .collect();
    assert_eq!(late.len(), 20);
    for b in late {
        assert_eq!(b.availability(), Some(1.0), "second {}", b.second);
    }
    let spofs: Vec<String> = analyse(&s).spofs.into_iter().map(|x| x.name).collect();
    assert!(
        spofs.contains(&"eu-a".to_string()) && spofs.contains(&"eu".to_string()),
        "{spofs:?}"
    );
}

#[test]
fn spread_over_two_zones_the_service_survives_a_zone_outage() {
    let mut s = zoned(&["eu-a", "eu-b"], None);
    s.faults = vec![
        domain_fault(10_000, FaultAction::Fail, "eu-a"),
        domain_fault(30_000, FaultAction::Heal, "eu-a"),
    ];
    let sim = run(&s, 1, 60);
    let served_during: u32 = sim
        .series(60)
        .iter()
        .filter(|b| (16..=29).contains(&b.second))
        .map(|b| b.succeeded)
        .sum();
    assert!(
        served_during > 2_500,
        "the other zone serves: {served_during}"
    );
    assert!(
        sim.metrics().availability() > 0.97,
        "{}",
        sim.metrics().availability()
    );
    let spofs: Vec<String> = analyse(&s).spofs.into_iter().map(|x| x.name).collect();
    assert_eq!(
        spofs,
        ["lb", "eu"],
        "the zones are redundant, the balancer and the one region are not"
    );
    // The failure record of the zone opens and closes with it.
    let rec = sim
        .metrics()
        .failures
        .iter()
        .find(|f| f.node_name == "eu-a")
        .cloned();
    assert!(rec.is_some_and(|r| r.fault == "zone outage" && r.recovered_at_us == Some(30_000_000)));
}

#[test]
fn a_region_outage_takes_all_its_zones() {
    let mut s = zoned(&["eu-a", "eu-b", "us-a"], None);
    s.faults = vec![domain_fault(10_000, FaultAction::Fail, "eu")];
    let sim = run(&s, 2, 40);
    let snap = sim.snapshot();
    let in_eu: Vec<_> = snap
        .nodes
        .iter()
        .filter(|n| n.name == "app-0" || n.name == "app-1")
        .collect();
    assert_eq!(in_eu.len(), 2);
    for n in in_eu {
        assert_eq!(n.status.name(), "unreachable", "{}", n.name);
    }
    let app2 = snap
        .nodes
        .iter()
        .find(|n| n.name == "app-2")
        .map(|n| n.status.name());
    assert_eq!(app2, Some("up"));
    assert!(snap.domains.iter().any(|d| d.name == "eu" && d.down));
    // Healing a node inside a dead region is refused: power returns with the region.
    let mut s2 = s.clone();
    s2.faults
        .push(domain_fault(20_000, FaultAction::Heal, "app-0"));
    let sim2 = run(&s2, 2, 40);
    assert!(sim2.snapshot().log.iter().any(|l| l
        .text
        .contains("cannot be healed while its zone or region is down")));
}

#[test]
fn a_partition_makes_checks_time_out_and_traffic_move() {
    let mut s = zoned(&["eu-a", "eu-b"], Some("eu-a"));
    let mut cut = domain_fault(10_000, FaultAction::Partition, "eu-a");
    cut.peer = Some("eu-b".into());
    let mut mend = domain_fault(30_000, FaultAction::Repair, "eu-a");
    mend.peer = Some("eu-b".into());
    s.faults = vec![cut, mend];
    let sim = run(&s, 3, 60);
    let rec = sim
        .metrics()
        .failures
        .iter()
        .find(|f| f.node_name == "app-1")
        .cloned();
    // No failure record for app-1 (it never failed), but the balancer marked it down:
    assert!(rec.is_none());
    let log = sim.snapshot().log;
    assert!(
        log.iter().any(|l| l.text.contains("lb marked app-1 DOWN")),
        "checks across the cut time out"
    );
    assert!(log.iter().any(|l| l.text.contains("partitioned from eu-b")));
    assert!(
        log.iter().any(|l| l.text.contains("lb marked app-1 UP")),
        "and come back after the repair"
    );
    // The balancer's own zone keeps serving throughout.
    let during: u32 = sim
        .series(60)
        .iter()
        .filter(|b| (18..=29).contains(&b.second))
        .map(|b| b.failed_total())
        .sum();
    assert_eq!(during, 0);
}

#[test]
fn cross_zone_and_cross_region_hops_cost_latency() {
    let near = zoned(&["eu-a"], Some("eu-a"));
    let far = zoned(&["us-a"], Some("eu-a"));
    let (mut near, mut far) = (near, far);
    for s in [&mut near, &mut far] {
        s.network.latency_ms = 0.5;
        s.network.cross_region_latency_ms = 40.0;
        s.instances[0].service_time.distribution = Distribution::Constant;
    }
    let a = run(&near, 1, 20).latency_summary().mean_ms;
    let b = run(&far, 1, 20).latency_summary().mean_ms;
    // Two extra cross-region hops (there and back): +2 × (40 − 0.5) ms.
    assert!(((b - a) - 79.0).abs() < 1.0, "near {a} far {b}");
}

#[test]
fn zone_failures_enter_the_analytic_availability() {
    let mut s = zoned(&["eu-a", "eu-b"], None);
    for z in s.regions[0].zones.iter_mut() {
        z.failures = Some(Reliability {
            mtbf_s: 2_000.0,
            mttr_s: 200.0,
        });
    }
    for i in s.instances.iter_mut() {
        i.startup_ms = 0;
        i.failures = Some(Reliability {
            mtbf_s: 1_000.0,
            mttr_s: 100.0,
        });
    }
    s.traffic.rate_rps = 0.0;
    let an = analyse(&s);
    let (z, i) = (2_000.0 / 2_200.0, 1_000.0 / 1_100.0);
    let want = 1.0 - (1.0 - z * i) * (1.0 - z * i);
    assert!(
        (an.availability - want).abs() < 1e-12,
        "{} vs {want}",
        an.availability
    );
    // The tolerance from the model (the four components as a Markov chain: the standard
    // deviation of one day's time-averaged availability, σ² = 2·Σ πᵢfᵢDᵢⱼfⱼ / T), not from the
    // sample: 4σ/√n, with n days enough to make it under a fifth of the unavailability
    // (0.030), so ignoring the zones (unavailability 0.017) would fail.
    let day = 86_400.0;
    let (model, sd_day) = availability_and_sd(
        &[
            Component::two_state(2_000.0, 200.0),
            Component::two_state(1_000.0, 100.0),
            Component::two_state(2_000.0, 200.0),
            Component::two_state(1_000.0, 100.0),
        ],
        |up| (up[0] && up[1]) || (up[2] && up[3]),
        day,
    );
    assert!((model - want).abs() < 1e-9, "{model} vs {want}");
    let runs: Vec<f64> = (1..=32)
        .map(|seed| run(&s, seed, day as u64).state_availability())
        .collect();
    let n = runs.len() as f64;
    let tolerance = 4.0 * sd_day / n.sqrt();
    assert!(tolerance < (1.0 - want) / 5.0, "±{tolerance:.4}");
    let mean = runs.iter().sum::<f64>() / n;
    assert!(
        (mean - want).abs() <= tolerance,
        "measured {mean} vs {want} ± {tolerance}"
    );
    let sd = (runs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        (0.5..=1.6).contains(&(sd / sd_day)),
        "spread over days {sd:.5}, model {sd_day:.5}"
    );
}

#[test]
fn domain_faults_are_validated() {
    let base = zoned(&["eu-a", "eu-b"], None);
    let cases: Vec<(Fault, &str, &str)> = vec![
        (
            domain_fault(1, FaultAction::Crash, "eu-a"),
            "faults[0].action",
            "`crash` does not apply to `eu-a`",
        ),
        (
            domain_fault(1, FaultAction::Partition, "eu-a"),
            "faults[0].peer",
            "needs a peer",
        ),
        (
            Fault {
                peer: Some("eu-a".into()),
                ..domain_fault(1, FaultAction::Partition, "eu-a")
            },
            "faults[0].peer",
            "from itself",
        ),
        (
            Fault {
                peer: Some("mars".into()),
                ..domain_fault(1, FaultAction::Repair, "eu-a")
            },
            "faults[0].peer",
            "no zone or region is named `mars`",
        ),
        (
            Fault {
                peer: Some("eu-b".into()),
                ..domain_fault(1, FaultAction::Partition, "app-0")
            },
            "faults[0].action",
            "does not apply",
        ),
        (
            Fault {
                peer: Some("eu-b".into()),
                ..domain_fault(1, FaultAction::Crash, "app-0")
            },
            "faults[0].peer",
            "only `partition` and `repair` take a peer",
        ),
        (
            Fault::set(1, "eu-a", "workers", ParamValue::Number(1.0)),
            "faults[0].action",
            "does not apply",
        ),
    ];
    for (f, path, needle) in cases {
        let mut s = base.clone();
        s.faults = vec![f];
        let errs = failover_sim::validate::validate(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            errs.contains(&format!("{path}: ")) && errs.contains(needle),
            "{needle}: {errs}"
        );
    }
    let mut cases: Vec<(Scenario, &str)> = Vec::new();
    let mut s = base.clone();
    s.instances[0].zone = Some("eu".into());
    cases.push((s, "instances[0].zone: no zone is named `eu`"));
    let mut s = base.clone();
    s.balancers[0].zone = Some("nowhere".into());
    cases.push((s, "balancers[0].zone: no zone is named `nowhere`"));
    let mut s = base.clone();
    s.traffic.region = Some("eu-a".into());
    cases.push((s, "traffic.region: no region is named `eu-a`"));
    let mut s = base.clone();
    s.regions[1].zones[0].name = "eu-a".into();
    cases.push((s, "regions[1].zones[0].name: duplicate name `eu-a`"));
    let mut s = base.clone();
    s.regions[1].zones.clear();
    cases.push((s, "regions[1].zones: a region needs 1 to 8 zones, got 0"));
    let mut s = base.clone();
    s.regions[0].name = "app-0".into();
    cases.push((s, "duplicate name `app-0`"));
    let mut s = base.clone();
    s.regions = (0..17)
        .map(|i| Region {
            name: format!("r{i}"),
            zones: vec![Zone {
                name: format!("z{i}"),
                failures: None,
            }],
            failures: None,
        })
        .collect();
    cases.push((s, "regions: at most 16 regions"));
    let mut s = base.clone();
    s.network.cross_zone_latency_ms = -1.0;
    cases.push((s, "network.cross_zone_latency_ms: must be between"));
    let mut s = base.clone();
    s.network.cross_region_latency_ms = 5_000.0;
    cases.push((s, "network.cross_region_latency_ms: must be between"));
    let mut s = base.clone();
    s.regions[0].zones[0].failures = Some(Reliability {
        mtbf_s: 0.0,
        mttr_s: 1.0,
    });
    cases.push((s, "regions[0].zones[0].failures.mtbf_s: must be between"));
    let mut s = base;
    s.regions[0].failures = Some(Reliability {
        mtbf_s: 10.0,
        mttr_s: 0.0,
    });
    cases.push((s, "regions[0].failures.mttr_s: must be between"));
    for (s, needle) in cases {
        let errs = failover_sim::validate::validate(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(errs.contains(needle), "{needle}: {errs}");
    }
}

#[test]
fn cross_zone_load_balancing_off_keeps_traffic_in_the_balancers_zone() {
    let mut s = zoned(&["eu-a", "eu-b"], Some("eu-a"));
    let served = |s: &Scenario| -> Vec<String> {
        run(s, 1, 20)
            .snapshot()
            .nodes
            .iter()
            .filter(|n| n.workers > 0)
            .map(|n| n.detail.clone())
            .collect()
    };
    let on = served(&s);
    assert_eq!(on.len(), 2, "{on:?}");
    assert!(on.iter().all(|d| !d.contains(" 0 served")), "{on:?}");
    s.balancers[0].cross_zone = false;
    let off = served(&s);
    assert!(
        off[1].contains(" 0 served") && !off[0].contains(" 0 served"),
        "{off:?}"
    );
    // And with its own zone's target gone, a balancer without cross-zone has nothing left.
    s.faults = vec![Fault::new(5_000, FaultAction::Crash, "app-0")];
    let sim = run(&s, 1, 20);
    assert!(
        sim.metrics().failed[failover_sim::metrics::FailureReason::NoHealthyTarget.index()] > 1_000
    );
}
