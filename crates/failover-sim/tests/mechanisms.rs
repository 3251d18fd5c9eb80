#![cfg(not(target_arch = "wasm32"))]
//! Failover mechanisms end to end, each against the rule of the system it models
//! (shared/reference/semantics.md): HAProxy `backup`, AWS ALB fail-open, Envoy panic mode in
//! the gateway, the Kubernetes readiness preset, traffic profiles, live parameter changes and
//! Route 53's both-unhealthy rule. Observations stay clear of the transitions (seconds after a
//! detection window closes), so they hold for any check schedule within the documented
//! windows; the timing of checks itself is tested in fidelity.rs.
mod common;
use common::*;
use failover_sim::health_check::HealthState;
use failover_sim::load_balancer::Balancer;
use failover_sim::metrics::FailureReason;
use failover_sim::scenario::*;
use failover_sim::time::{us_to_s, US_PER_S};
use failover_sim::Simulation;

fn refs(names: &[String]) -> Vec<&str> {
    names.iter().map(|s| s.as_str()).collect()
}

fn failed_in(sim: &Simulation, reason: FailureReason, seconds: std::ops::Range<u64>) -> u64 {
    let series = sim.series(3_600);
    let rows: Vec<_> = series
        .iter()
        .filter(|b| seconds.contains(&b.second))
        .collect();
    assert_eq!(rows.len() as u64, seconds.end - seconds.start, "seconds");
    rows.iter().map(|b| b.failed[reason.index()] as u64).sum()
}

/// HAProxy `backup`: a backup server gets traffic only while every primary is DOWN, and gives
/// it back as soon as one primary is UP again. Primaries app-0, app-1, backup app-2; checks
/// every 1 s, fall 2, rise 2 (down within ~2 s of a crash, up ~3 s after a heal).
/// Kills: backups used while a primary is up, backups never used, backups kept after a
/// primary rises, the primary pass and the backup pass swapped.
#[test]
fn backup_serves_only_while_every_primary_is_down() {
    let apps = names("app", 3);
    let mut lb = plain_lb("lb", &refs(&apps), Algorithm::RoundRobin);
    lb.targets[2].backup = true;
    lb.health_check = Some(haproxy_check(1_000, 2, 2));
    let mut s = scenario(
        200.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
        "lb",
    );
    s.faults = vec![
        Fault::new(10_000, FaultAction::Crash, "app-0"),
        Fault::new(20_000, FaultAction::Crash, "app-1"),
        Fault::new(30_000, FaultAction::Heal, "app-0"),
    ];
    let mut sim = Simulation::with_seed(&s, 1).expect("valid");
    let per_s = routed_per_second(&mut sim, "lb", &refs(&apps), 45);
    let [all_up, one_down, both_down, one_back] =
        [0..10, 14..20, 24..30, 36..45].map(|r| sum_seconds(&per_s, r));
    assert_eq!(
        all_up[2], 0,
        "backup idle while both primaries serve: {all_up:?}"
    );
    assert!(all_up[0] > 800 && all_up[1] > 800, "{all_up:?}");
    assert_eq!(one_down[2], 0, "one primary left is enough: {one_down:?}");
    assert_eq!(one_down[0], 0, "{one_down:?}");
    assert!(one_down[1] > 1_000, "{one_down:?}");
    assert_eq!(
        both_down[..2],
        [0, 0],
        "every primary down: the backup takes all: {both_down:?}"
    );
    assert!(both_down[2] > 1_000, "{both_down:?}");
    assert_eq!(
        one_back[2], 0,
        "the backup gives traffic back: {one_back:?}"
    );
    assert!(one_back[0] > 1_500, "{one_back:?}");
    // While the backup served, nothing was refused for lack of a target.
    assert_eq!(failed_in(&sim, FailureReason::NoHealthyTarget, 0..45), 0);
    assert_conserved(&sim);
}

/// Checks that cannot pass while requests still succeed: 5 s of added latency on every
/// instance, beyond any check timeout here (timeout check 2 s, inter 1 s).
fn all_checks_failing(when_all_down: WhenAllDown) -> Scenario {
    let apps = names("app", 2);
    let mut lb = plain_lb("lb", &refs(&apps), Algorithm::RoundRobin);
    lb.health_check = Some(haproxy_check(1_000, 2, 2));
    lb.when_all_down = when_all_down;
    let mut s = scenario(
        40.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 512, 5.0)).collect(),
        "lb",
    );
    let slow = |node: &str| Fault {
        extra_latency_ms: Some(5_000.0),
        ..Fault::new(5_000, FaultAction::AddLatency, node)
    };
    s.faults = vec![
        slow("app-0"),
        slow("app-1"),
        Fault::new(30_000, FaultAction::Heal, "app-0"),
    ];
    s
}

/// AWS ALB fail-open: when every target is unhealthy the balancer routes to all of them
/// (round robin: half each); `reject` answers 503 instead. Once one target is healthy again,
/// fail-open stops and only that target gets traffic.
/// Kills: fail-open ignored (503s), fail-open applied while a target is healthy, fail-open
/// routing to only some targets.
#[test]
fn fail_open_routes_to_every_target_only_while_all_are_down() {
    let apps = names("app", 2);
    let mut open =
        Simulation::with_seed(&all_checks_failing(WhenAllDown::FailOpen), 1).expect("valid");
    let per_s = routed_per_second(&mut open, "lb", &refs(&apps), 50);
    // Marked down within fall 2 × (inter 1 s + timeout 2 s) of 5 s: by 11 s.
    let down = sum_seconds(&per_s, 13..30);
    let sent: u64 = down.iter().sum();
    assert!(sent > 500, "{down:?}");
    for &x in &down {
        assert!(x.abs_diff(sent / 2) <= 1, "routed to all, evenly: {down:?}");
    }
    assert_eq!(failed_in(&open, FailureReason::NoHealthyTarget, 0..50), 0);
    // app-0 healed at 30 s passes its checks again: only it is used (app-1 still failing).
    let back = sum_seconds(&per_s, 36..50);
    assert_eq!(back[1], 0, "fail-open is over: {back:?}");
    assert!(back[0] > 400, "{back:?}");

    let mut closed =
        Simulation::with_seed(&all_checks_failing(WhenAllDown::Reject), 1).expect("valid");
    let per_s = routed_per_second(&mut closed, "lb", &refs(&apps), 30);
    assert_eq!(sum_seconds(&per_s, 13..30), [0, 0]);
    let rejected = failed_in(&closed, FailureReason::NoHealthyTarget, 13..30);
    assert!(
        (17.0 * 40.0 - rejected as f64).abs() < 4.0 * (17.0f64 * 40.0).sqrt(),
        "{rejected}"
    );
}

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

/// Envoy panic mode in the gateway: both balancers refuse for one second (10–11 s), so the
/// gateway marks both down for fail_timeout (10 s, until ~20 s). With every upstream marked
/// down it tries them anyway, so once they are back (11 s) requests succeed at once instead
/// of failing with 503 until the marks expire.
/// Kills: the panic pass removed (no upstream when all are marked: 8 s of 503s), marks
/// ignored altogether (checked: traffic avoids a marked balancer while another is fine).
#[test]
fn gateway_panic_mode_tries_marked_balancers_when_all_are_marked() {
    let apps = ["app-1", "app-2"];
    let balancers = vec![
        plain_lb("lb-a", &apps, Algorithm::RoundRobin),
        plain_lb("lb-b", &apps, Algorithm::RoundRobin),
    ];
    let mut s = scenario(
        200.0,
        balancers,
        vec![instance("app-1", 8, 10.0), instance("app-2", 8, 10.0)],
        "gw",
    );
    s.gateways = vec![gateway("gw", &["lb-a", "lb-b"])];
    s.faults = vec![
        Fault::new(10_000, FaultAction::Fail, "lb-a"),
        Fault::new(10_000, FaultAction::Fail, "lb-b"),
        Fault::new(11_000, FaultAction::Heal, "lb-a"),
        Fault::new(11_000, FaultAction::Heal, "lb-b"),
        // Later, only lb-b fails: lb-a carries everything while lb-b is marked.
        Fault::new(30_000, FaultAction::Fail, "lb-b"),
    ];
    let mut sim = Simulation::with_seed(&s, 3).expect("valid");
    let per_s = routed_per_second(&mut sim, "gw", &["lb-a", "lb-b"], 40);
    let marked = sim.snapshot().log;
    assert!(
        marked
            .iter()
            .any(|l| l.text.contains("gw marked lb-a down")),
        "both balancers are marked down"
    );
    let series = sim.series(40);
    let window: Vec<_> = series
        .iter()
        .filter(|b| (12..20).contains(&b.second))
        .collect();
    assert_eq!(window.len(), 8);
    for b in window {
        assert_eq!(b.failed_total(), 0, "second {}: {:?}", b.second, b.failed);
        assert!(b.succeeded > 100, "second {}", b.succeeded);
    }
    assert_eq!(failed_in(&sim, FailureReason::NoHealthyTarget, 0..40), 0);
    // Both were used in the panic window (round robin over all).
    let panic = sum_seconds(&per_s, 12..20);
    assert!(panic[0] > 500 && panic[1] > 500, "{panic:?}");
    // Outside panic, a marked balancer is avoided: after lb-b fails at 30 s (marked until
    // ~40 s) the gateway sends lb-b nothing more in 31..40.
    let one_marked = sum_seconds(&per_s, 31..40);
    assert_eq!(one_marked[1], 0, "{one_marked:?}");
}

/// Kubernetes readiness probe preset: periodSeconds 10, failureThreshold 3, successThreshold
/// 1, pods start not ready. A pod gets no traffic before its first passing probe (each pod's
/// first probe falls within the first period, so all are ready by 10 s); a crashed pod (the
/// probe is refused at once) is removed between (3 − 1) × 10 = 20 s and 3 × 10 = 30 s after the
/// crash; a healed pod is ready again one passing probe after it boots (within one period).
/// Kills: the preset's values (period, thresholds, start state) not applied, an `Initial`
/// target in rotation, successThreshold ignored (rise 2 would take a second period).
#[test]
fn kubernetes_readiness_preset() {
    let apps = names("app", 3);
    let mut lb = plain_lb("lb", &refs(&apps), Algorithm::RoundRobin);
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Kubernetes),
        ..HealthCheck::default()
    });
    let mut s = scenario(
        100.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
        "lb",
    );
    s.faults = vec![
        Fault::new(40_000, FaultAction::Crash, "app-0"),
        Fault::new(90_000, FaultAction::Heal, "app-0"),
    ];
    let mut sim = Simulation::with_seed(&s, 4).expect("valid");
    let mut first_sent: [Option<u64>; 3] = [None; 3];
    let mut ready_at: [Option<u64>; 3] = [None; 3];
    let ids: Vec<u32> = apps
        .iter()
        .map(|a| sim.node_by_name(a).expect("node"))
        .collect();
    drive(&mut sim, 12 * US_PER_S, 20_000, |sim, transfers| {
        for t in transfers {
            if let Some(k) = ids.iter().position(|&i| i == t.to) {
                first_sent[k].get_or_insert(t.depart_us);
            }
        }
        let snap = sim.snapshot();
        for e in snap.edges.iter().filter(|e| e.health.is_some()) {
            let k = ids.iter().position(|&i| i == e.to).expect("an app");
            if e.health.as_ref().is_some_and(|h| h.in_rotation) {
                ready_at[k].get_or_insert(sim.now_us());
            }
        }
    });
    let failed_early = sim.metrics().failed[FailureReason::NoHealthyTarget.index()];
    assert!(failed_early > 0, "not ready before the first probe");
    for k in 0..3 {
        let ready = ready_at[k].expect("ready within one period");
        assert!(ready <= 10 * US_PER_S + 20_000, "{k}: ready at {ready}");
        let first = first_sent[k].expect("traffic once ready");
        // Nothing before it was ready (to the 20 ms the sampling above can see).
        assert!(
            first + 20_000 >= ready,
            "{k}: sent {first} before ready {ready}"
        );
    }
    sim.run_for(108 * US_PER_S);
    let rec = failure_of(&sim, "app-0");
    let detected = us_to_s(rec.detected_at_us.expect("detected") - rec.fault_at_us);
    assert!(
        (20.0..=30.01).contains(&detected),
        "failureThreshold 3 × periodSeconds 10: {detected}"
    );
    // Healed at 90 s, booted at 91 s, one passing probe (successThreshold 1) within 10 s.
    let back = us_to_s(rec.recovered_at_us.expect("recovered")) - 91.0;
    assert!((0.0..=10.01).contains(&back), "{back}");
    assert_conserved(&sim);
}

/// Traffic profiles: steps and spikes change the Poisson rate at the given times. Counted per
/// second, each second's arrivals are Poisson(rate) — within rate ± 4.5 √rate (+1) — and every
/// step's total is within 4 √(rate × seconds) of rate × seconds; a rate of 0 sends nothing
/// (the pending arrival of the old rate is redrawn, not kept), and traffic resumes after it.
/// Kills: steps applied late or not at all, the last step ignored, the pending arrival kept
/// across a rate change, rate 0 not stopping traffic or never resuming.
#[test]
fn traffic_profile_steps_and_spikes_are_followed_second_by_second() {
    let mut s = scenario(200.0, Vec::new(), vec![instance("app", 256, 1.0)], "app");
    let steps = [
        (5_000, 600.0),
        (10_000, 100.0),
        (15_000, 2_000.0), // a two-second spike
        (17_000, 100.0),
        (20_000, 0.0),
        (25_000, 300.0),
    ];
    s.traffic.profile = steps
        .iter()
        .map(|&(at_ms, rate_rps)| RateStep { at_ms, rate_rps })
        .collect();
    let sim = run(&s, 6, 30);
    let rate_at = |second: u64| {
        steps
            .iter()
            .rev()
            .find(|&&(at, _)| at <= second * 1_000)
            .map_or(200.0, |&(_, r)| r)
    };
    let series: Vec<_> = sim
        .series(31)
        .into_iter()
        .filter(|b| b.second < 30)
        .collect();
    assert_eq!(series.len(), 30);
    for b in &series {
        let r = rate_at(b.second);
        let sent = b.sent as f64;
        assert!(
            (sent - r).abs() <= 4.5 * r.sqrt() + 1.0,
            "second {}: {sent} sent at {r}/s",
            b.second
        );
        if r == 0.0 {
            assert_eq!(b.sent, 0, "second {}", b.second);
        }
    }
    for (range, r) in [
        (0..5, 200.0),
        (5..10, 600.0),
        (15..17, 2_000.0),
        (25..30, 300.0),
    ] {
        let secs = (range.end - range.start) as f64;
        let total: f64 = series
            .iter()
            .filter(|b| range.contains(&b.second))
            .map(|b| b.sent as f64)
            .sum();
        assert!(
            (total - r * secs).abs() <= 4.0 * (r * secs).sqrt(),
            "{range:?}: {total} at {r}/s"
        );
    }
}

/// Live parameter changes through `set`, mid-run, against what the new value means.
/// - algorithm: round robin (one client still spreads over all three) → consistent hash
///   (that client sticks to one) → weighted round robin (weights 1:1:2 exactly).
/// - check parameters: `fall` raised from 2 to 6 (inter 1 s) moves the detection of a crash
///   from [1, 2] s to [5, 6] s; `inter_ms` raised to 3 s with fall 2 moves it to [3, 6] s.
///
/// Kills: `set algorithm` not reaching the balancer (or the ring not built on the switch),
/// `set health_check.*` not reconfiguring the checkers.
#[test]
fn live_algorithm_and_check_changes_take_effect() {
    let apps = names("app", 3);
    let mut lb = plain_lb("lb", &refs(&apps), Algorithm::RoundRobin);
    lb.targets[2].weight = 2;
    let mut s = scenario(
        200.0,
        vec![lb],
        apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
        "lb",
    );
    s.traffic.clients = 1;
    let text = |t: &str| ParamValue::Text(t.into());
    s.faults = vec![
        Fault::set(10_000, "lb", "algorithm", text("consistent-hash")),
        Fault::set(20_000, "lb", "algorithm", text("weighted-round-robin")),
    ];
    let mut sim = Simulation::with_seed(&s, 2).expect("valid");
    let per_s = routed_per_second(&mut sim, "lb", &refs(&apps), 30);
    let rr = sum_seconds(&per_s, 0..10);
    let n: u64 = rr.iter().sum();
    assert!(rr.iter().all(|&x| x.abs_diff(n / 3) <= 1), "{rr:?}");
    let ch = sum_seconds(&per_s, 10..20);
    assert_eq!(ch.iter().filter(|&&x| x > 0).count(), 1, "{ch:?}");
    let wrr = sum_seconds(&per_s, 20..30);
    let n: u64 = wrr.iter().sum();
    for (k, w) in [1u64, 1, 2].into_iter().enumerate() {
        assert!(
            (wrr[k] as f64 - n as f64 * w as f64 / 4.0).abs() <= 3.0,
            "{wrr:?}"
        );
    }

    let detection = |sets: Vec<Fault>| {
        let mut lb = plain_lb("lb", &refs(&apps), Algorithm::RoundRobin);
        lb.health_check = Some(haproxy_check(1_000, 2, 2));
        let mut s = scenario(
            100.0,
            vec![lb],
            apps.iter().map(|n| instance(n, 8, 5.0)).collect(),
            "lb",
        );
        s.faults = sets;
        s.faults
            .push(Fault::new(30_000, FaultAction::Crash, "app-1"));
        let sim = run(&s, 8, 45);
        let rec = failure_of(&sim, "app-1");
        us_to_s(rec.detected_at_us.expect("detected") - rec.fault_at_us)
    };
    let num = ParamValue::Number;
    let plain = detection(Vec::new());
    assert!((1.0..=2.01).contains(&plain), "fall 2 × inter 1 s: {plain}");
    let fall6 = detection(vec![Fault::set(5_000, "lb", "health_check.fall", num(6.0))]);
    assert!((5.0..=6.01).contains(&fall6), "fall 6 × inter 1 s: {fall6}");
    let inter3 = detection(vec![Fault::set(
        5_000,
        "lb",
        "health_check.inter_ms",
        num(3_000.0),
    )]);
    assert!(
        (3.0..=6.01).contains(&inter3),
        "fall 2 × inter 3 s: {inter3}"
    );
}

/// Weights cannot be changed with `set` (they are not run-time parameters); a balancer
/// given a new spec (what a reload does) follows the new weights at once: smooth weighted
/// round robin exactly, and a consistent-hash ring rebuilt with the new shares.
/// Kills: `apply_spec` keeping the old weights, or not rebuilding the ring on a weight change.
#[test]
fn new_weights_take_effect_at_once() {
    let apps = names("app", 2);
    let spec = |algorithm: Algorithm, weights: [u32; 2]| {
        let mut lb = plain_lb("lb", &refs(&apps), algorithm);
        for (t, w) in lb.targets.iter_mut().zip(weights) {
            t.weight = w;
        }
        lb
    };
    let index = |name: &str| name[4..].parse::<u32>().expect("app-N");
    let mut b = Balancer::new(0, &spec(Algorithm::WeightedRoundRobin, [1, 1]), index, 1);
    let count = |b: &mut Balancer, n: usize| {
        let mut c = [0u32; 2];
        for _ in 0..n {
            c[b.pick(0, None, 0).expect("target") as usize] += 1;
        }
        c
    };
    assert_eq!(count(&mut b, 10), [5, 5]);
    b.apply_spec(spec(Algorithm::WeightedRoundRobin, [3, 1]));
    assert_eq!(count(&mut b, 40), [30, 10]);

    let mut b = Balancer::new(0, &spec(Algorithm::ConsistentHash, [1, 1]), index, 1);
    let share0 = |b: &mut Balancer| {
        (0..20_000u32)
            .filter(|&c| b.pick(c, None, 0) == Some(0))
            .count() as f64
            / 20_000.0
    };
    let even = share0(&mut b);
    assert!((even - 0.5).abs() < 0.1, "{even}");
    b.apply_spec(spec(Algorithm::ConsistentHash, [1, 7]));
    // 1/8 of the keys, within 4 × 1/√(64 × 1) relative.
    let light = share0(&mut b);
    assert!((light - 0.125).abs() < 0.0625, "{light}");
    // Health is kept across the reload.
    b.targets[0].health = HealthState::Down;
    b.apply_spec(spec(Algorithm::ConsistentHash, [1, 1]));
    assert_eq!(share0(&mut b), 0.0);
}

/// Route 53 failover routing, both-unhealthy rule, end to end: primary lb-eu (region eu-west
/// fails at 10 s: unhealthy after FailureThreshold 3 × RequestInterval 30 s + 4 s for a
/// silent endpoint, by 104 s), secondary lb-us (crashes at 110 s: it refuses, so unhealthy
/// by 110 + 90 = 200 s). Once both are unhealthy Route 53 answers with the primary again.
/// When eu-west returns at 210 s, clients that resolve afresh therefore reach the primary at
/// once: from the moment every cached answer has expired (TTL 60 s, the last lb-us answer
/// given by 200 s → 260 s) until Route 53 could first see the primary healthy again (three
/// passing checks 30 s apart after 210 s: not before 270 s), requests succeed. Answering the
/// secondary instead would fail every request of that window.
/// Kills: both-unhealthy → secondary (or → nothing), the rule applied while the secondary is
/// healthy.
#[test]
fn dns_answers_the_primary_when_both_records_are_unhealthy() {
    let mut s = preset("dns-region-failover");
    s.faults = vec![
        Fault::new(10_000, FaultAction::Fail, "eu-west"),
        Fault::new(110_000, FaultAction::Crash, "lb-us"),
        Fault::new(210_000, FaultAction::Heal, "eu-west"),
    ];
    let mut sim = Simulation::with_seed(&s, 1).expect("valid");
    sim.run_for(106 * US_PER_S);
    let dns = sim.snapshot().dns.expect("dns view");
    assert_eq!(dns.answering, "lb-us", "primary unhealthy → secondary");
    sim.run_for(99 * US_PER_S); // 205 s
    let dns = sim.snapshot().dns.expect("dns view");
    assert!(
        dns.records.iter().all(|r| !r.healthy),
        "both unhealthy: {:?}",
        dns.records
    );
    assert_eq!(dns.answering, "lb-eu", "both unhealthy → primary");
    sim.run_for(70 * US_PER_S); // 275 s
    let series = sim.series(300);
    let window: Vec<_> = series
        .iter()
        .filter(|b| (262..270).contains(&b.second))
        .collect();
    assert_eq!(window.len(), 8);
    for b in window {
        assert_eq!(b.failed_total(), 0, "second {}: {:?}", b.second, b.failed);
        assert!(b.succeeded > 100, "second {}: {}", b.second, b.succeeded);
    }
    assert_conserved(&sim);
}
