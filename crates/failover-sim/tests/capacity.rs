#![cfg(not(target_arch = "wasm32"))]
//! Capacity-aware analysis: k of n under the peak load, against the k-of-n formula and the
//! N+1 rule (`reliability/capacity.rs`).
mod common;
use common::*;
use failover_sim::reliability::{analyse, analyse_with_ceiling, capacity};
use failover_sim::scenario::*;

/// n instances of `workers` / `mean_ms` behind one balancer at `rate` req/s, each failing
/// with MTBF 900 s / MTTR 100 s and booting instantly (availability exactly 0.9).
fn tier(n: usize, workers: u32, mean_ms: f64, rate: f64) -> Scenario {
    let names: Vec<String> = (1..=n).map(|i| format!("app-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::RoundRobin);
    lb.health_check = Some(HealthCheck::default());
    let instances = names
        .iter()
        .map(|name| {
            let mut i = instance(name, workers, mean_ms);
            i.startup_ms = 0;
            i.failures = Some(Reliability {
                mtbf_s: 900.0,
                mttr_s: 100.0,
            });
            i
        })
        .collect();
    scenario(rate, vec![lb], instances, "lb")
}

fn binomial(n: u64, k: u64) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// Σ_{i=k..n} C(n,i) aⁱ (1−a)ⁿ⁻ⁱ.
fn k_of_n(k: u64, n: u64, a: f64) -> f64 {
    (k..=n)
        .map(|i| binomial(n, i) * a.powi(i as i32) * (1.0 - a).powi((n - i) as i32))
        .sum()
}

#[test]
fn three_at_eighty_percent_need_all_three_and_every_instance_is_a_capacity_spof() {
    // 4 workers / 40 ms = 100 req/s each; 240 req/s on 3 is 80 %.
    let an = analyse(&tier(3, 4, 40.0, 240.0));
    let c = &an.capacity;
    assert_eq!(c.tiers.len(), 1);
    let t = &c.tiers[0];
    assert_eq!(t.needed, 3);
    assert_eq!(t.spare(), 0);
    assert!((t.utilisation - 0.8).abs() < 1e-12);
    assert!((t.utilisation_after_one_lost.unwrap() - 1.2).abs() < 1e-12);
    assert!(
        t.finding.contains("losing any one overloads the other 2"),
        "{}",
        t.finding
    );
    // Structurally nothing but the balancer is a SPOF; under load every instance is.
    assert!(an.spofs.iter().all(|s| s.kind != "instance"));
    let names: Vec<&str> = c.spofs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["app-1", "app-2", "app-3"]);
    assert!(c.spofs[0].why.contains("needs"), "{}", c.spofs[0].why);
    // 3 of 3 at a = 0.9: 0.729, against the structural 1 − 0.1³.
    assert!((c.availability - k_of_n(3, 3, 0.9)).abs() < 1e-12);
    assert!((an.availability - (1.0 - 0.001)).abs() < 1e-12);
}

#[test]
fn n_plus_one_has_a_spare_and_no_capacity_spof() {
    let an = analyse(&tier(4, 4, 40.0, 240.0));
    let t = &an.capacity.tiers[0];
    assert_eq!((t.needed, t.spare()), (3, 1));
    assert!(an.capacity.spofs.is_empty());
    assert!((an.capacity.availability - k_of_n(3, 4, 0.9)).abs() < 1e-12);
}

#[test]
fn capacity_aware_availability_matches_the_k_of_n_formula_for_every_k() {
    // 10 instances of 100 req/s: a load between (k−1)·100 and k·100 needs k.
    for k in 1..=10u64 {
        let rate = (k as f64 - 0.5) * 100.0;
        let an = analyse(&tier(10, 4, 40.0, rate));
        assert_eq!(an.capacity.tiers[0].needed as u64, k, "rate {rate}");
        let want = k_of_n(k, 10, 0.9);
        assert!(
            (an.capacity.availability - want).abs() < 1e-12,
            "k {k}: {} vs {want}",
            an.capacity.availability
        );
    }
}

#[test]
fn a_tier_needing_one_instance_leaves_the_structural_figure_alone() {
    let an = analyse(&tier(3, 4, 40.0, 50.0));
    assert!(!an.capacity.binds());
    assert_eq!(an.capacity.availability, an.availability);
    assert!(an.capacity.spofs.is_empty());
}

#[test]
fn a_tier_overloaded_with_everything_up_says_so_and_has_zero_availability() {
    let an = analyse(&tier(2, 4, 40.0, 250.0));
    let c = &an.capacity;
    assert!(c.overloaded_at_peak);
    assert_eq!(c.tiers[0].needed, 3);
    assert!(c.tiers[0]
        .finding
        .contains("overloaded with every instance up"));
    assert_eq!(c.availability, 0.0);
    assert!(c.spofs.is_empty());
}

#[test]
fn the_peak_of_the_traffic_profile_sets_the_load() {
    let mut s = tier(4, 4, 40.0, 100.0);
    s.traffic.profile = vec![RateStep {
        at_ms: 5_000,
        rate_rps: 350.0,
    }];
    assert_eq!(capacity::peak_rps(&s), 350.0);
    assert_eq!(analyse(&s).capacity.tiers[0].needed, 4);
    // A step after the end of the run does not count.
    s.traffic.profile[0].at_ms = s.duration_s * 1_000 + 1;
    assert_eq!(analyse(&s).capacity.tiers[0].needed, 2);
}

#[test]
fn a_stricter_ceiling_needs_more_instances() {
    let s = tier(4, 4, 40.0, 240.0);
    assert_eq!(analyse(&s).capacity.tiers[0].needed, 3);
    let strict = analyse_with_ceiling(&s, 0.7);
    // 240 / 0.7 = 342.9 req/s: 4 × 100.
    assert_eq!(strict.capacity.tiers[0].needed, 4);
    assert!(strict.capacity.tiers[0].finding.contains("under 70 %"));
}

#[test]
fn balancers_sharing_instances_add_their_loads_on_them() {
    let mut s = tier(4, 4, 40.0, 240.0);
    let mut lb2 = s.balancers[0].clone();
    lb2.name = "lb-2".to_string();
    s.balancers.push(lb2);
    s.gateways = vec![gateway("gw", &["lb", "lb-2"])];
    s.entry = "gw".to_string();
    let an = analyse(&s);
    // The gateway sends 120 req/s through each balancer, but both use the same four
    // instances: they carry 240 whichever balancer it came through.
    assert_eq!(an.capacity.tiers.len(), 2);
    for t in &an.capacity.tiers {
        assert_eq!(t.offered_rps, 240.0, "{}", t.balancer);
        assert_eq!(t.needed, 3);
    }
    // Split by zone instead (no cross-zone): each balancer's two instances carry 120.
    let mut zonal = s.clone();
    zonal.regions = vec![region("r", &["a", "b"])];
    for (i, inst) in zonal.instances.iter_mut().enumerate() {
        inst.zone = Some(if i < 2 { "a" } else { "b" }.to_string());
    }
    for (lb, z) in zonal.balancers.iter_mut().zip(["a", "b"]) {
        lb.zone = Some(z.to_string());
        lb.cross_zone = false;
    }
    let an = analyse(&zonal);
    for t in &an.capacity.tiers {
        assert_eq!(t.instances.len(), 2);
        assert_eq!(t.offered_rps, 120.0, "{}", t.balancer);
        assert_eq!(t.needed, 2);
    }
}

fn gateway(name: &str, balancers: &[&str]) -> Gateway {
    Gateway {
        name: name.into(),
        balancers: balancers.iter().map(|b| (*b).into()).collect(),
        retries: 1,
        retry_on_5xx: false,
        retry_budget: None,
        timeout_connect_ms: 1_000,
        passive: PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        },
        zone: None,
        failures: None,
    }
}

fn region(name: &str, zones: &[&str]) -> Region {
    Region {
        name: name.into(),
        zones: zones
            .iter()
            .map(|z| Zone {
                name: (*z).into(),
                failures: None,
            })
            .collect(),
        failures: None,
    }
}

#[test]
fn every_preset_gets_a_tier_per_loaded_balancer_and_a_figure_no_higher_than_the_structural_one() {
    for p in failover_sim::presets::all() {
        let s = p.scenario();
        let an = analyse(&s);
        let c = &an.capacity;
        assert!(
            c.availability <= an.availability + 1e-12,
            "{}: {} > {}",
            p.name,
            c.availability,
            an.availability
        );
        for t in &c.tiers {
            assert!(t.needed >= 1 && !t.instances.is_empty(), "{}", p.name);
            assert!(t.finding.starts_with(&t.balancer), "{}", t.finding);
        }
    }
}
