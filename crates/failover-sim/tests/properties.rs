#![cfg(not(target_arch = "wasm32"))]
//! Property tests: random scenarios × random fault schedules never break conservation,
//! never panic, and stay inside the memory bounds.
mod common;
use common::*;
use failover_sim::limits::{FAILURES_KEPT, LOG_KEPT, SECONDS_KEPT};
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Failing cases are saved in the repository (and replayed first on every later run).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/properties.txt"
        )))),
        ..ProptestConfig::default()
    }
}

fn arb_algorithm() -> impl Strategy<Value = Algorithm> {
    prop::sample::select(Algorithm::ALL.to_vec())
}

fn arb_fault(n_instances: usize) -> impl Strategy<Value = Fault> {
    let actions = prop::sample::select(vec![
        FaultAction::Crash,
        FaultAction::Unreachable,
        FaultAction::Heal,
        FaultAction::AddLatency,
        FaultAction::Gray,
        FaultAction::Fail,
    ]);
    (
        0u64..40_000,
        actions,
        0..=n_instances,
        0.0f64..1.0,
        0.0f64..3_000.0,
    )
        .prop_map(move |(at, action, who, rate, extra)| {
            // Index n_instances is the balancer; Fail only applies there, so retarget.
            let node = if who == n_instances || action == FaultAction::Fail {
                "lb".to_string()
            } else {
                format!("app-{who}")
            };
            let action = match (action, node.as_str()) {
                (FaultAction::AddLatency | FaultAction::Gray, "lb") => FaultAction::Heal,
                (a, _) => a,
            };
            let mut f = Fault::new(at, action, &node);
            if action == FaultAction::AddLatency {
                f.extra_latency_ms = Some(extra);
            }
            if action == FaultAction::Gray {
                f.error_rate = Some(rate);
                f.extra_latency_ms = Some(extra / 10.0);
            }
            f
        })
}

prop_compose! {
    fn arb_scenario()(
        n in 1usize..5,
        rate in 0.0f64..600.0,
        workers in 1u32..6,
        queue in 0u32..50,
        mean_ms in 1.0f64..80.0,
        algorithm in arb_algorithm(),
        retries in 0u32..4,
        redispatch in any::<bool>(),
        checks in prop::option::of(prop::sample::select(CheckPreset::ALL.to_vec())),
        passive in any::<bool>(),
        fail_open in any::<bool>(),
        timeout_ms in 50u64..6_000,
        latency_ms in 0.0f64..20.0,
        restart in prop::option::of(0u64..5_000),
        faults in prop::collection::vec(arb_fault(4), 0..8),
    ) -> Scenario {
        let names: Vec<String> = (0..n).map(|i| format!("app-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let mut lb = plain_lb("lb", &refs, algorithm);
        lb.retries = retries;
        lb.redispatch = redispatch;
        lb.retry_on = vec![RetryOn::ConnFailure, RetryOn::EmptyResponse, RetryOn::Status503];
        lb.timeout_server_ms = 2_000;
        lb.timeout_connect_ms = 1_000;
        lb.health_check = checks.map(|p| HealthCheck { preset: Some(p), inter_ms: Some(500), ..HealthCheck::default() });
        lb.passive = passive.then_some(PassiveHealth { max_fails: 2, fail_timeout_ms: 2_000 });
        lb.when_all_down = if fail_open { WhenAllDown::FailOpen } else { WhenAllDown::Reject };
        let instances = names.iter().map(|nm| {
            let mut i = instance(nm, workers, mean_ms);
            i.queue_capacity = queue;
            i.restart_after_ms = restart;
            i
        }).collect();
        let mut s = scenario(rate, vec![lb], instances, "lb");
        s.traffic.timeout_ms = timeout_ms;
        s.network.latency_ms = latency_ms;
        // Faults naming instances that do not exist in this draw are dropped.
        s.faults = faults.into_iter().filter(|f| f.node == "lb" || names.contains(&f.node)).collect();
        s
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn conservation_and_bounds_hold(s in arb_scenario(), seed in any::<u64>()) {
        let mut sim = Simulation::with_seed(&s, seed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Live requests can never exceed rate × client timeout (+ slack for Poisson bursts).
        let bound = (s.traffic.rate_rps * s.traffic.timeout_ms as f64 / 1_000.0 * 3.0 + 64.0) as usize;
        let mut t = 0;
        while t < 45 * US_PER_S {
            t += 250_000;
            sim.run_until(t, u64::MAX);
            assert_conserved(&sim);
            prop_assert!(sim.live_requests() <= bound, "live {} > bound {bound}", sim.live_requests());
            prop_assert!(sim.pending_events() <= 4 * bound + 64, "pending {}", sim.pending_events());
        }
        let m = sim.metrics();
        prop_assert!(m.seconds.len() <= SECONDS_KEPT);
        prop_assert!(m.failures.len() <= FAILURES_KEPT);
        prop_assert!(sim.snapshot().log.len() <= LOG_KEPT);
        let a = m.availability();
        prop_assert!((0.0..=1.0).contains(&a));
    }

    #[test]
    fn direct_to_instance_conserves_too(rate in 0.0f64..400.0, seed in any::<u64>(), faults in prop::collection::vec(arb_fault(1), 0..6)) {
        let mut s = scenario(rate, Vec::new(), vec![instance("app-0", 2, 10.0)], "app-0");
        s.traffic.timeout_ms = 1_000;
        s.faults = faults.into_iter().filter(|f| f.node == "app-0").collect();
        let mut sim = Simulation::with_seed(&s, seed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for k in 1..=40 {
            sim.run_until(k * US_PER_S, u64::MAX);
            assert_conserved(&sim);
        }
    }
}

/// Zones, regions, DNS and domain faults: random placements and schedules.
fn arb_domain_fault() -> impl Strategy<Value = Fault> {
    let domains = ["eu", "us", "eu-a", "eu-b", "us-a"];
    (
        0u64..40_000,
        prop::sample::select(vec![
            FaultAction::Fail,
            FaultAction::Heal,
            FaultAction::Partition,
            FaultAction::Repair,
        ]),
        prop::sample::select(domains.to_vec()),
        prop::sample::select(domains.to_vec()),
    )
        .prop_map(|(at, action, a, b)| {
            let mut f = Fault::new(at, action, a);
            if matches!(action, FaultAction::Partition | FaultAction::Repair) {
                f.peer = Some(if a == b {
                    "us".to_string()
                } else {
                    b.to_string()
                });
                if f.peer.as_deref() == Some(a) {
                    f.peer = Some("eu-b".into());
                }
            }
            f
        })
}

prop_compose! {
    fn arb_zoned()(
        zones in prop::collection::vec(prop::sample::select(vec!["eu-a", "eu-b", "us-a"]), 4),
        lb_zone in prop::sample::select(vec!["eu-a", "eu-b", "us-a"]),
        with_dns in any::<bool>(),
        ttl_s in 0u64..120,
        rate in 0.0f64..300.0,
        node_faults in prop::collection::vec(arb_fault(4), 0..5),
        domain_faults in prop::collection::vec(arb_domain_fault(), 0..6),
        dns_fail in prop::option::of(0u64..40_000),
                mtbf in prop::option::of(5.0f64..200.0),
        db in prop::option::of((any::<bool>(), any::<bool>(), any::<bool>(), 0.0f64..1.0)),
        db_faults in prop::collection::vec((0u64..40_000, prop::sample::select(vec![FaultAction::Crash, FaultAction::Unreachable, FaultAction::Heal]), any::<bool>()), 0..4),
    ) -> Scenario {
        let names = ["app-0", "app-1", "app-2", "app-3"];
        let mut lb = plain_lb("lb", &names[..2], Algorithm::LeastConn);
        lb.zone = Some(lb_zone.to_string());
        lb.health_check = Some(HealthCheck { inter_ms: Some(500), ..HealthCheck::default() });
        let mut lb2 = plain_lb("lb2", &names[2..], Algorithm::RoundRobin);
        lb2.zone = Some("us-a".into());
        let instances = names.iter().zip(&zones).map(|(n, z)| {
            let mut i = instance(n, 2, 10.0);
            i.zone = Some(z.to_string());
            i.failures = mtbf.map(|m| Reliability { mtbf_s: m, mttr_s: m / 10.0 });
            i.queue_capacity = 20;
            i
        }).collect();
        let mut s = scenario(rate, vec![lb, lb2], instances, "lb");
        s.traffic.timeout_ms = 2_000;
        s.traffic.clients = 500;
        s.regions = vec![
            Region { name: "eu".into(), zones: vec![Zone { name: "eu-a".into(), failures: None }, Zone { name: "eu-b".into(), failures: mtbf.map(|m| Reliability { mtbf_s: m * 2.0, mttr_s: m }) }], failures: None },
            Region { name: "us".into(), zones: vec![Zone { name: "us-a".into(), failures: None }], failures: None },
        ];
        s.traffic.region = Some("eu".into());
        if with_dns {
            s.dns = Some(Dns {
                name: "api".into(),
                ttl_s,
                resolve_ms: 5.0,
                health_check: DnsHealthCheck { request_interval_s: 10, failure_threshold: 2 },
                records: vec![
                    DnsRecord { target: "lb".into(), role: RecordRole::Primary, health_checked: true },
                    DnsRecord { target: "lb2".into(), role: RecordRole::Secondary, health_checked: true },
                ],
                failures: None,
            });
            s.entry = "api".into();
        }
        let mut faults: Vec<Fault> = node_faults.into_iter().filter(|f| f.node != "lb" || f.action != FaultAction::Set).collect();
        faults.extend(domain_faults);
                if let (Some(at), true) = (dns_fail, with_dns) {
            faults.push(Fault::new(at, FaultAction::Fail, "api"));
        }
        if let Some((sync, strict, fencing, writes)) = db {
            s.traffic.write_fraction = writes;
            s.database = Some(Database {
                name: "db-a".into(),
                zone: Some("eu-a".into()),
                standby: Some(Standby { name: "db-b".into(), zone: Some("eu-b".into()), failures: mtbf.map(|m| Reliability { mtbf_s: m, mttr_s: m / 5.0 }) }),
                replication: if sync { Replication::Sync } else { Replication::Async },
                strict_sync: sync && strict,
                query_ms: 1.0,
                apply_ms: 0.5,
                query_timeout_ms: 500,
                read_from_standby: strict,
                failover: DbFailover { ttl_s: 3, loop_wait_s: 1, promotion_ms: 500, reconnect_ms: 200, maximum_lag_writes: 1_000 },
                fencing,
                failures: None,
            });
            for (at, action, first) in db_faults {
                faults.push(Fault::new(at, action, if first { "db-a" } else { "db-b" }));
            }
        }
        s.faults = faults;
        s
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn zones_dns_and_domain_faults_conserve(s in arb_zoned(), seed in any::<u64>()) {
        let mut sim = Simulation::with_seed(&s, seed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut t = 0;
        while t < 45 * US_PER_S {
            t += 500_000;
            sim.run_until(t, u64::MAX);
            assert_conserved(&sim);
        }
        let snap = sim.snapshot();
        prop_assert!((0.0..=1.0).contains(&snap.availability_over_time));
        prop_assert!((0.0..=1.0).contains(&snap.analytic_availability));
        if let Some(d) = &snap.dns {
            prop_assert!(d.stale_clients <= d.cached_clients);
        }
    }
}
