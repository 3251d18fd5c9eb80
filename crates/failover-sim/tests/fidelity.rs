#![cfg(not(target_arch = "wasm32"))]
//! The simulation reproduces the formulas and documented behaviour of
//! shared/reference/semantics.md.
mod common;
use common::*;
use failover_sim::metrics::FailureReason;
use failover_sim::scenario::*;
use failover_sim::time::{us_to_s, US_PER_S};

/// Poisson λ split uniformly at random over N single-worker FIFO instances with exponential
/// service μ: each is M/M/1 with λ/N, mean response time 1 / (μ − λ/N).
#[test]
fn random_split_over_mm1_instances_matches_formula() {
    for (n, lambda, mu) in [(4usize, 200.0, 100.0), (3, 240.0, 100.0)] {
        let names: Vec<String> = (0..n).map(|i| format!("app-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let s = scenario(
            lambda,
            vec![plain_lb("lb", &refs, Algorithm::Random)],
            names
                .iter()
                .map(|nm| instance(nm, 1, 1_000.0 / mu))
                .collect(),
            "lb",
        );
        let sim = run(&s, 3, 3_000);
        let expected_ms = 1_000.0 / (mu - lambda / n as f64);
        let got_ms = sim.latency_summary().mean_ms;
        let err = (got_ms - expected_ms).abs() / expected_ms;
        assert!(
            err < 0.03,
            "N={n} λ={lambda} μ={mu}: mean {got_ms:.2} ms vs {expected_ms:.2} ms ({:.1} %)",
            err * 100.0
        );
        assert_eq!(sim.metrics().failed_total(), 0);
    }
}

/// One shared queue with c workers (M/M/c): mean response = Erlang C wait + 1/μ.
#[test]
fn one_instance_with_c_workers_matches_erlang_c() {
    let (c, lambda, mu) = (4u32, 300.0f64, 100.0f64);
    let s = scenario(
        lambda,
        Vec::new(),
        vec![instance("app", c, 1_000.0 / mu)],
        "app",
    );
    let sim = run(&s, 11, 3_000);
    let a = lambda / mu;
    let rho = a / c as f64;
    let mut sum = 0.0;
    let mut term = 1.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    let erlang_c = last / (sum + last);
    let expected_ms = 1_000.0 * (erlang_c / (c as f64 * mu - lambda) + 1.0 / mu);
    let got_ms = sim.latency_summary().mean_ms;
    let err = (got_ms - expected_ms).abs() / expected_ms;
    assert!(err < 0.03, "M/M/{c}: {got_ms:.2} ms vs {expected_ms:.2} ms");
}

/// Time from fault to "marked down" over many seeds (check phases are random).
fn detection_delays_s(preset_name: &str, action: FaultAction, seeds: u64) -> Vec<f64> {
    let mut s = preset(preset_name);
    s.faults = vec![Fault::new(20_000, action, "app-2")];
    (1..=seeds)
        .map(|seed| {
            let sim = run(&s, seed, 100);
            let rec = &sim.metrics().failures[0];
            let detected = rec
                .detected_at_us
                .unwrap_or_else(|| panic!("{preset_name} seed {seed}: not detected"));
            us_to_s(detected - rec.fault_at_us)
        })
        .collect()
}

#[test]
fn haproxy_marks_a_crash_down_within_fall_times_inter() {
    // inter 2 s, fall 3: between (F−1)·I = 4 s and F·I = 6 s, plus the checks' round trips.
    let d = detection_delays_s("redundant-behind-lb", FaultAction::Crash, 40);
    for &x in &d {
        assert!((4.0..=6.01).contains(&x), "{x}");
    }
    let (lo, hi) = (
        d.iter().cloned().fold(9.0, f64::min),
        d.iter().cloned().fold(0.0, f64::max),
    );
    assert!(
        lo < 4.5 && hi > 5.5,
        "the window should be covered: {lo}..{hi}"
    );
}

#[test]
fn haproxy_marks_a_dead_host_down_later_by_the_check_timeout() {
    // Unreachable: each check hangs for its timeout T (`timeout check` unset: inter = 2 s)
    // and the next starts inter after it ends: F·T + (F−1)·I to F·T + F·I = 10 to 12 s
    // (tests/measured.rs pins the formula).
    let d = detection_delays_s("redundant-behind-lb", FaultAction::Unreachable, 30);
    for &x in &d {
        assert!((10.0..=12.01).contains(&x), "{x}");
    }
}

#[test]
fn alb_defaults_mark_down_in_30_to_60_s_and_up_in_120_to_150_s() {
    let d = detection_delays_s("alb-defaults", FaultAction::Crash, 20);
    for &x in &d {
        assert!((30.0..=60.01).contains(&x), "{x}");
    }
    // Recovery: healed at 90 s, boots in 3 s, then HealthyThresholdCount 5 × 30 s.
    for seed in 1..=10 {
        let sim = run(&preset("alb-defaults"), seed, 300);
        let rec = &sim.metrics().failures[0];
        let back = us_to_s(rec.recovered_at_us.unwrap_or(0)) - 93.0;
        assert!((120.0..=150.01).contains(&back), "seed {seed}: {back}");
    }
}

#[test]
fn a_fault_shorter_than_the_detection_window_may_go_unnoticed() {
    // ALB checks every 30 s with UnhealthyThresholdCount 2: a 25 s outage is never marked
    // down, yet it cost requests. Detection windows are part of the availability budget.
    let mut s = preset("alb-defaults");
    s.faults = vec![
        Fault::new(20_000, FaultAction::Crash, "app-2"),
        Fault::new(45_000, FaultAction::Heal, "app-2"),
    ];
    let sim = run(&s, 1, 120);
    let rec = &sim.metrics().failures[0];
    assert_eq!(rec.detected_at_us, None);
    assert!(rec.lost_requests > 100);
}

#[test]
fn retries_with_redispatch_lose_nothing_without_retries_some() {
    for seed in 1..=5 {
        let with = run(&preset("with-retries"), seed, 60);
        assert_conserved(&with);
        assert_eq!(
            with.metrics().failed_total(),
            0,
            "seed {seed}: {:?}",
            with.totals()
        );
        assert!(with.metrics().retried > 0);
        let rec = &with.metrics().failures[0];
        assert!(rec.saved_by_retry > 0);

        let without = run(&preset("no-retries"), seed, 60);
        let refused = without.metrics().failed[FailureReason::ConnectionRefused.index()];
        assert!(refused > 50, "seed {seed}: only {refused} refused");
    }
}

#[test]
fn a_single_server_gives_zero_availability_while_down() {
    let sim = run(&preset("single-server"), 2, 60);
    // Crashed at 20 s, healed at 35 s, booting 3 s: nothing can succeed in 21..=37 s.
    let series = sim.series(60);
    let down: Vec<_> = series
        .iter()
        .filter(|b| (21..=37).contains(&b.second))
        .collect();
    assert_eq!(down.len(), 17, "every second of the outage is checked");
    for b in down {
        assert_eq!(b.succeeded, 0, "second {}", b.second);
        assert!(b.failed_total() > 0);
        assert_eq!(b.availability(), Some(0.0));
    }
    let after = series
        .iter()
        .find(|b| b.second == 45)
        .map(|b| b.availability());
    assert_eq!(after, Some(Some(1.0)));
}

#[test]
fn a_failed_balancer_stops_everything() {
    let sim = run(&preset("lb-spof"), 1, 60);
    let series = sim.series(60);
    let down: Vec<_> = series
        .iter()
        .filter(|b| (21..=29).contains(&b.second))
        .collect();
    assert_eq!(down.len(), 9, "every second of the outage is checked");
    for b in down {
        assert_eq!(b.succeeded, 0, "second {}", b.second);
        assert!(
            b.failed_total() > 0,
            "second {}: requests kept coming",
            b.second
        );
    }
}

#[test]
fn passive_health_takes_a_target_out_after_max_fails() {
    let sim = run(&preset("nginx-passive"), 1, 60);
    let rec = &sim.metrics().failures[0];
    // max_fails 1: the first failed request marks it down, so detection is at once.
    let mttd = rec.detected_at_us.unwrap_or(u64::MAX) - rec.fault_at_us;
    assert!(mttd < 100_000, "{mttd} us");
    // Every 10–11 s (fail_timeout) one real request probes it again while it is down, and
    // proxy_next_upstream passes that request on: no client sees the refusals.
    assert_eq!(sim.metrics().failed_total(), 0, "{:?}", sim.totals());
    assert!(sim.metrics().retried >= 2);
}

#[test]
fn gray_failure_is_invisible_to_health_checks() {
    let sim = run(&preset("gray-failure"), 1, 60);
    let rec = &sim.metrics().failures[0];
    assert_eq!(rec.detected_at_us, None);
    assert!(sim.metrics().failed[FailureReason::ServerError.index()] > 100);
}

#[test]
fn backup_servers_take_traffic_only_when_primaries_are_down() {
    let mut lb = plain_lb("lb", &["a", "b"], Algorithm::RoundRobin);
    lb.targets[1].backup = true;
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        ..HealthCheck::default()
    });
    let mut s = scenario(
        100.0,
        vec![lb],
        vec![instance("a", 4, 10.0), instance("b", 4, 10.0)],
        "lb",
    );
    s.faults = vec![Fault::new(10_000, FaultAction::Crash, "a")];
    let mut sim = failover_sim::Simulation::new(&s).unwrap_or_else(|e| panic!("{e}"));
    sim.run_for(9 * US_PER_S);
    let served_b_before = sim
        .snapshot()
        .nodes
        .iter()
        .find(|n| n.name == "b")
        .map(|n| n.detail.clone());
    assert!(
        served_b_before
            .as_ref()
            .is_some_and(|d| d.contains(" 0 served")),
        "{served_b_before:?}"
    );
    sim.run_for(21 * US_PER_S);
    let snap = sim.snapshot();
    let b = snap
        .nodes
        .iter()
        .find(|n| n.name == "b")
        .map(|n| n.detail.clone())
        .unwrap_or_default();
    assert!(
        !b.contains(" 0 served"),
        "backup should serve after a is down: {b}"
    );
}

#[test]
fn fail_open_routes_to_all_targets_when_all_are_unhealthy() {
    let mut lb = plain_lb("lb", &["a", "b"], Algorithm::RoundRobin);
    // Checks that can never pass (timeout 1 ms < the 2 × 0.6 ms round trip + 5 ms latency).
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        timeout_ms: Some(1),
        ..HealthCheck::default()
    });
    lb.when_all_down = WhenAllDown::FailOpen;
    let mut s = scenario(
        50.0,
        vec![lb.clone()],
        vec![instance("a", 4, 10.0), instance("b", 4, 10.0)],
        "lb",
    );
    s.network.latency_ms = 1.0;
    let open = run(&s, 1, 30);
    assert!(open.metrics().succeeded > 1_000, "{:?}", open.totals());
    lb.when_all_down = WhenAllDown::Reject;
    s.balancers = vec![lb];
    let closed = run(&s, 1, 30);
    assert!(closed.metrics().failed[FailureReason::NoHealthyTarget.index()] > 1_000);
}

#[test]
fn every_algorithm_spreads_load_over_all_instances() {
    // (Stickiness, proportions and spreads per algorithm: algorithms.rs.)
    for alg in Algorithm::ALL {
        let s = scenario(
            300.0,
            vec![plain_lb("lb", &["a", "b", "c"], alg)],
            vec![
                instance("a", 8, 10.0),
                instance("b", 8, 10.0),
                instance("c", 8, 10.0),
            ],
            "lb",
        );
        let sim = run(&s, 8, 60);
        let served: Vec<u64> = sim
            .snapshot()
            .nodes
            .iter()
            .filter(|n| n.workers > 0)
            .map(|n| {
                n.detail
                    .split(", ")
                    .nth(1)
                    .and_then(|x| x.split(' ').next())
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(0)
            })
            .collect();
        assert_eq!(served.len(), 3, "{alg:?}");
        let total: u64 = served.iter().sum();
        assert!(total > 10_000, "{alg:?}: {served:?}");
        for &x in &served {
            assert!(x as f64 > total as f64 * 0.2, "{alg:?}: uneven {served:?}");
        }
    }
}

#[test]
fn weighted_round_robin_follows_weights() {
    let mut lb = plain_lb("lb", &["a", "b"], Algorithm::WeightedRoundRobin);
    lb.targets[0].weight = 3;
    let s = scenario(
        200.0,
        vec![lb],
        vec![instance("a", 8, 5.0), instance("b", 8, 5.0)],
        "lb",
    );
    let sim = run(&s, 1, 30);
    let snap = sim.snapshot();
    let served = |name: &str| -> f64 {
        snap.nodes
            .iter()
            .find(|n| n.name == name)
            .and_then(|n| {
                n.detail
                    .split(", ")
                    .nth(1)
                    .and_then(|x| x.split(' ').next())
                    .and_then(|x| x.parse().ok())
            })
            .unwrap_or(0.0)
    };
    let ratio = served("a") / served("b");
    assert!((ratio - 3.0).abs() < 0.05, "{ratio}");
}

#[test]
fn auto_restart_brings_a_crashed_instance_back() {
    let mut s = preset("redundant-behind-lb");
    s.instances[1].restart_after_ms = Some(5_000);
    s.faults = vec![Fault::new(10_000, FaultAction::Crash, "app-2")];
    let sim = run(&s, 1, 60);
    let rec = &sim.metrics().failures[0];
    // restart 5 s + boot 3 s, then rise=2 checks: back between 8 + 2 and 8 + 4 s... plus phase.
    let back = us_to_s(rec.recovered_at_us.unwrap_or(u64::MAX) - rec.fault_at_us);
    assert!((9.0..=13.0).contains(&back), "{back}");
}

#[test]
fn worker_count_changes_take_effect_both_ways() {
    // One instance, 10 ms constant service, 1 000 rps: needs ≥ 10 workers to keep up.
    let mut s = scenario(1_000.0, Vec::new(), vec![instance("app", 16, 10.0)], "app");
    s.instances[0].service_time.distribution = Distribution::Constant;
    s.instances[0].queue_capacity = 40;
    s.faults = vec![
        Fault::set(10_000, "app", "workers", ParamValue::Number(4.0)),
        Fault::set(20_000, "app", "workers", ParamValue::Number(16.0)),
    ];
    let sim = run(&s, 1, 30);
    let series = sim.series(30);
    let failed = |range: std::ops::RangeInclusive<u64>| -> u32 {
        series
            .iter()
            .filter(|b| range.contains(&b.second))
            .map(|b| b.failed[FailureReason::QueueFull.index()])
            .sum()
    };
    assert_eq!(failed(1..=9), 0);
    assert!(failed(11..=19) > 3_000, "4 workers serve only 400 rps");
    assert_eq!(
        failed(21..=29),
        0,
        "growing back to 16 workers must restore capacity"
    );
}
