#![cfg(not(target_arch = "wasm32"))]
//! Autoscaling (`autoscaler.rs`, `engine/autoscaling.rs`): the target-tracking formula on
//! hand-computed cases, the tolerance band, the documented delays (AWS: 3 one-minute
//! datapoints to scale out, 15 to scale in), launched instances that get traffic only after
//! booting and passing `rise` checks, the group's min and max, and the two spike presets.
mod common;
use common::*;
use failover_sim::autoscaler::{desired_count, within_tolerance, Action, Autoscaler};
use failover_sim::autoscaling_spec::{Autoscaling, AutoscalingVendor, ResolvedAutoscaling};
use failover_sim::scenario::*;
use failover_sim::snapshot::NodeStatus;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

/// AWS defaults for a group of `pool`, with `min` / `desired` / `max` given.
fn aws(pool: u32, min: u32, desired: u32, max: u32, target: f64) -> ResolvedAutoscaling {
    Autoscaling {
        min_capacity: min,
        desired_capacity: Some(desired),
        max_capacity: Some(max),
        target_utilisation_percent: target,
        ..Autoscaling::default()
    }
    .resolve(pool)
}

/// Feed `periods` whole metric periods of utilisation `u` (0–1); the actions, with the
/// period (1-based) that closed with each.
fn feed(a: &mut Autoscaler, periods: u32, u: f64, first_period: u32) -> Vec<(u32, Action)> {
    let per = a.cfg.metric_period_ms / 1_000;
    let mut out = Vec::new();
    for p in 0..periods {
        for _ in 0..per {
            if a.sample(Some(u)) {
                let n = first_period + p;
                let counted = a.desired();
                let (action, _) =
                    a.close_period(n as u64 * a.cfg.metric_period_ms * 1_000, counted);
                if action != Action::None {
                    out.push((n, action));
                    // What the engine does: launched members go in service at once here.
                    apply(a, action);
                }
            }
        }
    }
    out
}

fn apply(a: &mut Autoscaler, action: Action) {
    use failover_sim::autoscaler::MemberState::*;
    match action {
        Action::ScaleOut(n) => {
            let mut left = n;
            for s in a.states.iter_mut() {
                if left > 0 && *s == ScaledIn {
                    *s = InService;
                    left -= 1;
                }
            }
        }
        Action::ScaleIn(n) => {
            let mut left = n;
            for s in a.states.iter_mut().rev() {
                if left > 0 && *s == InService {
                    *s = ScaledIn;
                    left -= 1;
                }
            }
        }
        Action::None => {}
    }
}

/// desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue),
/// worked by hand.
#[test]
fn the_desired_count_is_the_documented_formula() {
    // 3 × 92 / 50 = 5.52 → 6 (the example the UI shows).
    assert_eq!(desired_count(3, 92.0, 50.0), 6);
    // Exactly on target: no change, however the floats round.
    assert_eq!(desired_count(3, 50.0, 50.0), 3);
    assert_eq!(desired_count(2, 75.0, 50.0), 3);
    // 4 × 30 / 50 = 2.4 → 3 (scale in rounds up: never under the target's capacity).
    assert_eq!(desired_count(4, 30.0, 50.0), 3);
    // 5 × 86.7 / 45 = 9.63 → 10 (the autoscaling-headroom preset's decision).
    assert_eq!(desired_count(5, 86.7, 45.0), 10);
    // The Kubernetes docs' example: 50 replicas at 90 % against 75 % → 60.
    assert_eq!(desired_count(50, 90.0, 75.0), 60);
    // Saturated: utilisation cannot pass 100 %, so 3 at 100 % against 80 % asks for 4.
    assert_eq!(desired_count(3, 100.0, 80.0), 4);
    // Nothing measured: no recommendation.
    assert_eq!(desired_count(3, 0.0, 50.0), 0);
    assert_eq!(desired_count(3, f64::NAN, 50.0), 0);
}

/// The HPA's 10 % tolerance: 54 % against 50 % (ratio 1.08) changes nothing however long
/// it lasts; 56 % (1.12) scales out at the next sync.
#[test]
fn no_action_inside_the_tolerance_band() {
    assert!(within_tolerance(54.0, 50.0, 10.0));
    assert!(within_tolerance(45.5, 50.0, 10.0));
    assert!(!within_tolerance(56.0, 50.0, 10.0));
    assert!(!within_tolerance(44.0, 50.0, 10.0));
    let cfg = Autoscaling {
        vendor: AutoscalingVendor::Kubernetes,
        min_capacity: 2,
        desired_capacity: Some(4),
        target_utilisation_percent: 50.0,
        ..Autoscaling::default()
    }
    .resolve(10);
    assert_eq!(
        (cfg.metric_period_ms, cfg.tolerance_percent),
        (15_000, 10.0)
    );
    let mut a = Autoscaler::new(0, cfg, (0..10).collect());
    assert!(feed(&mut a, 40, 0.54, 1).is_empty());
    assert!(feed(&mut a, 40, 0.46, 41).is_empty());
    // ceil(4 × 56 / 50) = ceil(4.48) = 5, at the first sync above the band.
    assert_eq!(feed(&mut a, 1, 0.56, 81), vec![(81, Action::ScaleOut(1))]);
}

/// AWS: the scale-out alarm needs 3 one-minute datapoints above the target; the third
/// closes at 180 s, not before.
#[test]
fn scale_out_happens_only_after_the_documented_delay() {
    let cfg = aws(6, 3, 3, 6, 50.0);
    assert_eq!(
        (cfg.metric_period_ms, cfg.scale_out_datapoints),
        (60_000, 3)
    );
    let mut a = Autoscaler::new(0, cfg, (0..6).collect());
    let actions = feed(&mut a, 3, 0.92, 1);
    // ceil(3 × 92 / 50) = 6, after the third datapoint (180 s).
    assert_eq!(actions, vec![(3, Action::ScaleOut(3))]);
    let d = a.last_decision.clone().expect("a decision");
    assert_eq!(d.at_us, 180 * US_PER_S);
    assert_eq!((d.from, d.to), (3, 6));
    assert_eq!(
        d.formula(AutoscalingVendor::Aws),
        "desired capacity = ceil(3 × 92.0 % / 50 %) = 6"
    );
    assert_eq!(
        d.summary(),
        "3 → 6 instances (utilisation 92 % over 60 s, target 50 %)"
    );
    // Two high datapoints then one under the target: the streak starts again.
    let mut b = Autoscaler::new(0, cfg, (0..6).collect());
    assert!(feed(&mut b, 2, 0.92, 1).is_empty());
    assert!(feed(&mut b, 1, 0.40, 3).is_empty());
    assert!(feed(&mut b, 2, 0.92, 4).is_empty());
    assert_eq!(feed(&mut b, 1, 0.92, 6), vec![(6, Action::ScaleOut(3))]);
}

/// AWS: scale in after 15 datapoints below the target, to the highest count recommended in
/// that window; the next scale-in needs 15 more. Never below min, never above max.
#[test]
fn scale_in_respects_the_window_and_min_and_max() {
    let cfg = aws(8, 2, 8, 8, 50.0);
    let mut a = Autoscaler::new(0, cfg, (0..8).collect());
    // 8 at 20 %: ceil(8 × 20 / 50) = 4; nothing during the first 14 datapoints.
    let actions = feed(&mut a, 15, 0.20, 1);
    assert_eq!(actions, vec![(15, Action::ScaleIn(4))]);
    // 4 at 20 %: ceil(1.6) = 2 = min, but only a whole window later (period 30).
    let actions = feed(&mut a, 15, 0.20, 16);
    assert_eq!(actions, vec![(30, Action::ScaleIn(2))]);
    // At min: however idle, no further scale-in.
    assert!(feed(&mut a, 45, 0.01, 31).is_empty());
    assert_eq!(a.desired(), 2);
    // Saturated for long: growth stops at max (8), whatever the formula says.
    feed(&mut a, 30, 1.0, 76);
    assert_eq!(a.desired(), 8);
    assert!(feed(&mut a, 10, 1.0, 106).is_empty());
    // A high datapoint within the window resets it.
    let mut b = Autoscaler::new(0, aws(8, 2, 8, 8, 50.0), (0..8).collect());
    assert!(feed(&mut b, 14, 0.20, 1).is_empty());
    assert!(feed(&mut b, 1, 0.60, 15).is_empty());
    assert!(feed(&mut b, 14, 0.20, 16).is_empty());
    assert_eq!(feed(&mut b, 1, 0.20, 30), vec![(30, Action::ScaleIn(4))]);
}

/// The traffic-spike preset in the engine: the spike starts at 60 s, the datapoints at
/// 120, 180 and 240 s are above 80 %, so the group scales out at 240 s to 4 (saturated at
/// 100 %, the formula cannot ask for more), and app-4 boots for 90 s, then needs `rise`
/// (2) passing checks: no traffic before 330 s, in rotation soon after.
#[test]
fn launched_instances_get_traffic_only_after_startup_and_rise_checks() {
    let s = preset("traffic-spike");
    let mut sim = Simulation::with_seed(&s, 1).expect("valid");
    sim.run_until(239 * US_PER_S, u64::MAX);
    let snap = sim.snapshot();
    let a = &snap.autoscalers[0];
    assert_eq!((a.running, a.desired, a.min, a.max), (3, 3, 3, 6));
    assert_eq!(node(&snap, "app-4").status, NodeStatus::ScaledIn);
    sim.run_until(241 * US_PER_S, u64::MAX);
    let snap = sim.snapshot();
    let a = &snap.autoscalers[0];
    assert_eq!(a.last_decision_at_us, Some(240 * US_PER_S));
    assert_eq!((a.running, a.desired), (4, 4));
    let formula = a.last_formula.clone().unwrap_or_default();
    assert!(
        formula.starts_with("desired capacity = ceil(3 × "),
        "{formula}"
    );
    assert!(formula.ends_with("/ 80 %) = 4"), "{formula}");
    let mut in_rotation_at = None;
    for t in 241..=360u64 {
        sim.run_until(t * US_PER_S, u64::MAX);
        let snap = sim.snapshot();
        let app4 = node(&snap, "app-4");
        let edge = snap
            .edges
            .iter()
            .find(|e| e.to == app4.id)
            .and_then(|e| e.health.clone())
            .expect("lb-1 → app-4");
        if t < 330 {
            assert_eq!(app4.status, NodeStatus::Starting, "{t} s: {}", app4.detail);
            assert!(!edge.in_rotation, "{t} s");
            assert_eq!(app4.in_flight, 0, "{t} s");
        }
        if edge.in_rotation && in_rotation_at.is_none() {
            in_rotation_at = Some(t);
        }
    }
    // Boot ends at 330 s; two checks at HAProxy's 2 s fastinter after it: by 336 s.
    let at = in_rotation_at.expect("app-4 joined");
    assert!((331..=336).contains(&at), "in rotation at {at} s");
}

fn node<'a>(snap: &'a failover_sim::Snapshot, name: &str) -> &'a failover_sim::snapshot::NodeView {
    snap.nodes.iter().find(|n| n.name == name).expect("node")
}

/// Failed share of the requests finished in [from, to) seconds.
fn failed_share(sim: &Simulation, from: u64, to: u64) -> f64 {
    let (mut ok, mut failed) = (0u64, 0u64);
    for b in sim.metrics().last_seconds(10_000) {
        if (from..to).contains(&b.second) {
            ok += b.succeeded as u64;
            failed += b.failed_total() as u64;
        }
    }
    failed as f64 / (ok + failed).max(1) as f64
}

/// Measured (seed 1): during the spike (60–300 s) traffic-spike fails 77 % of requests,
/// autoscaling-headroom none (0 of 138,590 over the run). Asserted with margin, over three
/// seeds.
#[test]
fn the_hot_fleet_collapses_in_the_spike_and_the_headroom_fleet_absorbs_it() {
    for seed in [1, 2, 3] {
        let hot = run(&preset("traffic-spike"), seed, 420);
        let spike = failed_share(&hot, 60, 300);
        assert!(
            spike > 0.5,
            "seed {seed}: traffic-spike failed only {spike:.3}"
        );
        assert!(
            failed_share(&hot, 0, 60) < 0.001,
            "seed {seed}: before the spike"
        );
        let spare = run(&preset("autoscaling-headroom"), seed, 420);
        let lost = failed_share(&spare, 0, 420);
        assert!(
            lost <= 0.001,
            "seed {seed}: autoscaling-headroom lost {lost:.4}"
        );
        let a = &spare.snapshot().autoscalers[0];
        assert_eq!((a.desired, a.max), (8, 8), "seed {seed}: scaled out to max");
        assert_conserved(&spare);
    }
}

/// The group in a small run of its own: idle servers are scaled in to `min` after the
/// window, drain (nothing cut) and stop; shown as "scaled in".
#[test]
fn an_idle_group_scales_in_to_min_and_drains() {
    let names = names("app", 4);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut lb = plain_lb("lb-1", &refs, Algorithm::RoundRobin);
    lb.health_check = Some(haproxy_check(2_000, 2, 3));
    lb.autoscaling = Some(Autoscaling {
        min_capacity: 2,
        desired_capacity: Some(4),
        target_utilisation_percent: 50.0,
        metric_period_ms: Some(10_000),
        scale_in_datapoints: Some(3),
        ..Autoscaling::default()
    });
    let instances = names.iter().map(|n| instance(n, 4, 20.0)).collect();
    let s = scenario(20.0, vec![lb], instances, "lb-1");
    let mut sim = Simulation::with_seed(&s, 1).expect("valid");
    sim.run_until(29 * US_PER_S, u64::MAX);
    assert_eq!(
        sim.snapshot().autoscalers[0].desired,
        4,
        "not before the 3rd datapoint"
    );
    sim.run_until(31 * US_PER_S, u64::MAX);
    let snap = sim.snapshot();
    assert_eq!(snap.autoscalers[0].desired, 2);
    assert_eq!(snap.autoscalers[0].last_decision_at_us, Some(30 * US_PER_S));
    sim.run_until(40 * US_PER_S, u64::MAX);
    let snap = sim.snapshot();
    for n in ["app-2", "app-3"] {
        assert_eq!(node(&snap, n).status, NodeStatus::ScaledIn, "{n}");
    }
    for n in ["app-0", "app-1"] {
        assert_eq!(node(&snap, n).status, NodeStatus::Up, "{n}");
    }
    assert_eq!(sim.metrics().failed_total(), 0, "draining cut nothing");
    // However long it stays idle: never below min.
    sim.run_until(300 * US_PER_S, u64::MAX);
    assert_eq!(sim.snapshot().autoscalers[0].desired, 2);
    assert_conserved(&sim);
}

/// Golden hashes (300 s, seed 1: through the scale-out at 240 s); tests/web_visualizer.rs
/// checks the same values in Chromium.
#[test]
fn golden_trace_hashes_of_the_autoscaling_presets() {
    let golden = [
        ("traffic-spike", "1bf54869910f28e0"),
        ("autoscaling-headroom", "5ef192fe300fc8af"),
    ];
    for (name, want) in golden {
        let sim = run(&preset(name), 1, 300);
        assert_eq!(sim.trace_hash_hex(), want, "{name}");
    }
}

#[test]
fn bad_autoscaling_settings_name_their_field() {
    let mut s = preset("traffic-spike");
    s.balancers[0].autoscaling = Some(Autoscaling {
        min_capacity: 0,
        max_capacity: Some(9),
        target_utilisation_percent: 0.0,
        metric_period_ms: Some(1_500),
        scale_out_datapoints: Some(0),
        tolerance_percent: Some(120.0),
        ..Autoscaling::default()
    });
    let e = Simulation::new(&s).err().expect("refused").to_string();
    for field in [
        "balancers[0].autoscaling.min_capacity",
        "balancers[0].autoscaling.max_capacity",
        "balancers[0].autoscaling.target_utilisation_percent",
        "balancers[0].autoscaling.metric_period_ms",
        "balancers[0].autoscaling.scale_out_datapoints",
        "balancers[0].autoscaling.tolerance_percent",
    ] {
        assert!(e.contains(field), "{field}: {e}");
    }
    let mut s = preset("traffic-spike");
    s.balancers[0].health_check = None;
    let e = Simulation::new(&s).err().expect("refused").to_string();
    assert!(
        e.contains("balancers[0].autoscaling: needs the balancer's health_check"),
        "{e}"
    );
    // Two groups claiming one instance.
    let mut s = preset("traffic-spike");
    let mut lb2 = s.balancers[0].clone();
    lb2.name = "lb-2".into();
    s.balancers.push(lb2);
    let e = Simulation::new(&s).err().expect("refused").to_string();
    assert!(e.contains("balancers[1].targets[0].instance"), "{e}");
    // Unknown fields are refused with their path.
    let text = r#"{"name":"x","traffic":{"rate_rps":1},"entry":"lb","instances":[{"name":"a"}],
        "balancers":[{"name":"lb","targets":[{"instance":"a"}],"health_check":{},
        "autoscaling":{"min_capacity":1,"cooldown_s":300}}]}"#;
    let e = parse_scenario(text).expect_err("refused");
    assert!(e.starts_with("balancers[0].autoscaling"), "{e}");
    // A file without autoscaling runs exactly as before: the field stays out of its JSON.
    let plain = preset("n-plus-one");
    let json = serde_json::to_string(&plain).expect("json");
    assert!(!json.contains("autoscaling"));
}
