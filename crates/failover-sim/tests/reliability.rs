#![cfg(not(target_arch = "wasm32"))]
//! Analytic availability and SPOFs from the topology, against what the simulation measures.
mod common;
use common::markov::{availability_and_sd, Component};
use common::*;
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;

fn toy() -> Scenario {
    let mut lb = plain_lb("lb", &["a", "b"], Algorithm::RoundRobin);
    lb.health_check = Some(HealthCheck::default());
    lb.failures = Some(Reliability {
        mtbf_s: 3_000.0,
        mttr_s: 60.0,
    });
    let mut a = instance("a", 4, 10.0);
    let mut b = instance("b", 4, 10.0);
    for i in [&mut a, &mut b] {
        i.startup_ms = 5_000;
        i.failures = Some(Reliability {
            mtbf_s: 500.0,
            mttr_s: 45.0,
        });
    }
    let mut s = scenario(0.0, vec![lb], vec![a, b], "lb");
    s.duration_s = 86_400;
    s
}

#[test]
fn analytic_availability_is_the_series_parallel_formula() {
    let an = analyse(&toy());
    // The repair time counts the 5 s boot that follows it.
    let a = 500.0 / (500.0 + 45.0 + 5.0);
    let lb = 3_000.0 / 3_060.0;
    assert!((an.availability - lb * (1.0 - (1.0 - a) * (1.0 - a))).abs() < 1e-12);
    assert_eq!(an.structure, "lb AND any 1 of (a, b)");
    assert_eq!(
        an.spofs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["lb"]
    );
}

/// The fraction of time the toy can serve, over 32 days (one per seed), against the exact
/// formula. The tolerance comes from the model, not the sample: the toy as a Markov chain
/// (lb up/down; each instance up → repair → boot) gives the standard deviation of one day's
/// time-averaged availability (σ² = 2·Σ πᵢfᵢDᵢⱼfⱼ / T, D the deviation matrix): 0.0055. Over
/// 32 days the mean is within 4σ/√32 ≈ 0.004 of the formula, a seventh of the unavailability
/// (0.028), so a missed SPOF (the lb's 2 %) or an instance that never fails would show; and
/// the days' spread matches σ (χ² with 31 degrees of freedom: s/σ in [0.6, 1.43] at 99.9 %,
/// widened to [0.55, 1.5] for the boot modelled as exponential).
#[test]
fn measured_availability_over_many_seeds_matches_analytic() {
    let s = toy();
    let analytic = analyse(&s).availability;
    let day = 86_400.0;
    let (model, sd_day) = availability_and_sd(
        &[
            Component::two_state(3_000.0, 60.0),
            Component::with_boot(500.0, 45.0, 5.0),
            Component::with_boot(500.0, 45.0, 5.0),
        ],
        |up| up[0] && (up[1] || up[2]),
        day,
    );
    assert!((model - analytic).abs() < 1e-9, "{model} vs {analytic}");
    let runs: Vec<f64> = (1..=32)
        .map(|seed| run(&s, seed, day as u64).state_availability())
        .collect();
    let n = runs.len() as f64;
    let tolerance = 4.0 * sd_day / n.sqrt();
    assert!(
        tolerance < (1.0 - analytic) / 6.0,
        "enough days to tell: ±{tolerance:.4}"
    );
    let mean = runs.iter().sum::<f64>() / n;
    assert!(
        (mean - analytic).abs() <= tolerance,
        "measured {mean:.5} vs analytic {analytic:.5} ± {tolerance:.5}"
    );
    let sd = (runs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        (0.55..=1.5).contains(&(sd / sd_day)),
        "spread over days {sd:.5}, model {sd_day:.5}"
    );
}

#[test]
fn spof_finder_on_the_presets() {
    let spofs = |name: &str| -> Vec<String> {
        analyse(&preset(name))
            .spofs
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    assert_eq!(spofs("single-server"), ["server"]);
    assert_eq!(spofs("redundant-behind-lb"), ["lb-1"]);
    assert_eq!(spofs("lb-spof"), ["lb-1"]);
    let why = analyse(&preset("lb-spof")).spofs[0].why.clone();
    assert!(why.contains("every request passes through lb-1"), "{why}");
}

#[test]
fn without_failure_rates_everything_is_always_up() {
    let an = analyse(&preset("redundant-behind-lb"));
    assert_eq!(an.availability, 1.0);
    let sim = run(&preset("single-server"), 1, 60);
    // Crashed 20 s → healed 35 s → booted 38 s: down 18 s of 60.
    assert!(
        (sim.state_availability() - 42.0 / 60.0).abs() < 1e-9,
        "{}",
        sim.state_availability()
    );
}

// ----- large structures: exact where the structure allows, bounded work otherwise ----------

use failover_sim::limits::*;
use failover_sim::reliability::{
    killers, Budget, Expr, Method, Structure, ESTIMATE_BUDGET_OPS, EXACT_BUDGET_OPS,
};
use failover_sim::rng::{mix64, SimRng};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn failing(mtbf_s: f64, mttr_s: f64) -> Option<Reliability> {
    Some(Reliability { mtbf_s, mttr_s })
}

fn gateway(name: &str, balancers: Vec<String>, zone: Option<String>) -> Gateway {
    Gateway {
        name: name.into(),
        balancers,
        retries: 1,
        timeout_connect_ms: 5_000,
        passive: PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        },
        retry_on_5xx: false,
        retry_budget: None,
        zone,
        failures: failing(20_000.0, 30.0),
    }
}

/// A gateway over `balancers` balancers, each over the same `n` instances; everything fails.
fn shared_instances(balancers: usize, n: usize) -> Scenario {
    let names: Vec<String> = (0..n).map(|i| format!("app-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let lbs: Vec<Balancer> = (0..balancers)
        .map(|b| {
            let mut lb = plain_lb(&format!("lb-{b}"), &refs, Algorithm::RoundRobin);
            lb.failures = failing(5_000.0 + b as f64, 50.0);
            lb
        })
        .collect();
    let instances = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut inst = instance(n, 4, 10.0);
            inst.failures = failing(500.0 + i as f64, 45.0);
            inst
        })
        .collect();
    let lb_names = lbs.iter().map(|b| b.name.clone()).collect();
    let mut s = scenario(10.0, lbs, instances, "gw");
    s.gateways = vec![gateway("gw", lb_names, None)];
    s
}

/// `regions` × `zones` zones with `per_zone` instances each, behind one balancer.
fn zoned(regions: usize, zones: usize, per_zone: usize) -> Scenario {
    let mut instances = Vec::new();
    let mut region_list = Vec::new();
    for r in 0..regions {
        let mut zs = Vec::new();
        for z in 0..zones {
            let zone = format!("r{r}-z{z}");
            for k in 0..per_zone {
                let mut inst = instance(&format!("app-{r}-{z}-{k}"), 4, 10.0);
                inst.zone = Some(zone.clone());
                inst.failures = failing(400.0 + (r * 31 + z * 7 + k) as f64, 40.0);
                instances.push(inst);
            }
            zs.push(Zone {
                name: zone,
                failures: failing(50_000.0 + z as f64, 600.0),
            });
        }
        region_list.push(Region {
            name: format!("r{r}"),
            zones: zs,
            failures: failing(200_000.0 + r as f64, 3_600.0),
        });
    }
    let names: Vec<String> = instances.iter().map(|i| i.name.clone()).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut lb = plain_lb("lb", &refs, Algorithm::RoundRobin);
    lb.failures = failing(9_000.0, 60.0);
    let mut s = scenario(10.0, vec![lb], instances, "lb");
    s.regions = region_list;
    s
}

/// Every count at its limit: regions × zones, balancers, gateways each over every balancer,
/// as many instances as the node limit leaves, DNS failover between two gateways, a
/// database with a strict synchronous standby; everything fails.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Targets {
    /// Every balancer serves every instance.
    All,
    /// Two pools of balancers over two different, overlapping target lists.
    TwoPools,
    /// Every balancer has its own, overlapping target list: no compact diagram exists.
    Tangled,
}

fn at_the_limits(targets: Targets) -> Scenario {
    let n_instances = (MAX_NODES - 1 - MAX_BALANCERS - MAX_GATEWAYS).min(MAX_INSTANCES);
    let zones: Vec<String> = (0..MAX_REGIONS)
        .flat_map(|r| (0..MAX_ZONES_PER_REGION).map(move |z| format!("r{r}-z{z}")))
        .collect();
    let zone_of = |k: usize| Some(zones[k % zones.len()].clone());
    let instances: Vec<Instance> = (0..n_instances)
        .map(|i| {
            let mut inst = instance(&format!("app-{i}"), 4, 10.0);
            inst.zone = zone_of(i);
            inst.failures = failing(1_000.0 + i as f64, 60.0);
            inst
        })
        .collect();
    let balancers: Vec<Balancer> = (0..MAX_BALANCERS)
        .map(|j| {
            let targets: Vec<&str> = instances
                .iter()
                .enumerate()
                .filter(|(i, _)| match targets {
                    Targets::All => true,
                    Targets::TwoPools => i % 3 != j % 2,
                    Targets::Tangled => !mix64((i * 64 + j) as u64).is_multiple_of(5),
                })
                .map(|(_, inst)| inst.name.as_str())
                .collect();
            let mut lb = plain_lb(&format!("lb-{j}"), &targets, Algorithm::RoundRobin);
            lb.zone = zone_of(j * 3);
            lb.failures = failing(5_000.0 + j as f64, 50.0);
            lb
        })
        .collect();
    let lb_names: Vec<String> = balancers.iter().map(|b| b.name.clone()).collect();
    let mut s = scenario(10.0, balancers, instances, "api.example.com");
    s.gateways = (0..MAX_GATEWAYS)
        .map(|g| gateway(&format!("gw-{g}"), lb_names.clone(), zone_of(g * 8)))
        .collect();
    s.regions = (0..MAX_REGIONS)
        .map(|r| Region {
            name: format!("r{r}"),
            zones: (0..MAX_ZONES_PER_REGION)
                .map(|z| Zone {
                    name: format!("r{r}-z{z}"),
                    failures: failing(50_000.0 + z as f64, 600.0),
                })
                .collect(),
            failures: failing(200_000.0 + r as f64, 3_600.0),
        })
        .collect();
    let record = |target: &str, role| DnsRecord {
        target: target.into(),
        role,
        health_checked: true,
    };
    s.dns = Some(Dns {
        name: "api.example.com".into(),
        ttl_s: 60,
        resolve_ms: 20.0,
        health_check: DnsHealthCheck::default(),
        records: vec![
            record("gw-0", RecordRole::Primary),
            record("gw-1", RecordRole::Secondary),
        ],
        failures: failing(1e6, 60.0),
    });
    s.database = Some(Database {
        name: "db-1".into(),
        zone: zone_of(1),
        standby: Some(Standby {
            name: "db-2".into(),
            zone: zone_of(9),
            failures: failing(30_000.0, 300.0),
        }),
        replication: Replication::Sync,
        strict_sync: true,
        query_ms: 2.0,
        apply_ms: 0.5,
        query_timeout_ms: 3_000,
        read_from_standby: false,
        failover: DbFailover::default(),
        fencing: true,
        failures: failing(30_000.0, 300.0),
    });
    s.traffic.write_fraction = 0.3;
    s
}

/// Each component's availability by name, from the analysis's own component list.
fn availabilities(an: &failover_sim::reliability::Analysis) -> BTreeMap<String, f64> {
    an.components
        .iter()
        .map(|c| (c.name.clone(), c.availability))
        .collect()
}

fn parallel(xs: impl Iterator<Item = f64>) -> f64 {
    1.0 - xs.map(|x| 1.0 - x).product::<f64>()
}

#[test]
fn balancers_over_shared_instances_are_exact_and_cheap() {
    // Shannon factoring on each shared instance took 8 s for 22 instances and never ended
    // for 40; a shared target list is one sub-formula here.
    for (balancers, n) in [(2, 22), (2, 40), (MAX_BALANCERS, 1_983)] {
        let s = shared_instances(balancers, n);
        let an = analyse(&s);
        let a = availabilities(&an);
        let want = a["gw"]
            * parallel((0..balancers).map(|b| a[&format!("lb-{b}")]))
            * parallel((0..n).map(|i| a[&format!("app-{i}")]));
        assert_eq!(an.availability_method, Method::Exact, "{balancers} × {n}");
        assert!(
            (an.availability - want).abs() < 1e-12,
            "{balancers} × {n}: {} vs {want}",
            an.availability
        );
        assert!(an.work.exact_ops < 200_000, "{:?}", an.work);
        assert_eq!(
            an.spofs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["gw"]
        );
    }
}

#[test]
fn instances_in_many_zones_are_exact_and_cheap() {
    // 18 zones of two instances took 14 s; 16 regions of 8 zones of 4 now take a few
    // thousand steps. Closed form: lb AND any region (region AND any zone (zone AND any
    // of its instances)).
    for (regions, zones, per_zone) in [(3, 6, 2), (MAX_REGIONS, MAX_ZONES_PER_REGION, 4)] {
        let an = analyse(&zoned(regions, zones, per_zone));
        let a = availabilities(&an);
        let want = a["lb"]
            * parallel((0..regions).map(|r| {
                a[&format!("r{r}")]
                    * parallel((0..zones).map(|z| {
                        a[&format!("r{r}-z{z}")]
                            * parallel((0..per_zone).map(|k| a[&format!("app-{r}-{z}-{k}")]))
                    }))
            }));
        assert_eq!(an.availability_method, Method::Exact);
        assert!(
            (an.availability - want).abs() < 1e-12,
            "{} vs {want}",
            an.availability
        );
        assert!(an.work.exact_ops < 200_000, "{:?}", an.work);
    }
}

#[test]
fn at_the_limits_the_analysis_stays_within_its_budgets() {
    for targets in [Targets::All, Targets::TwoPools, Targets::Tangled] {
        let s = at_the_limits(targets);
        if let Err(e) = failover_sim::validate::validate(&s) {
            panic!("the limits scenario must be valid: {e}");
        }
        let an = analyse(&s);
        let w = an.work;
        assert!(w.exact_ops <= EXACT_BUDGET_OPS, "{w:?}");
        assert!(w.estimate_ops <= ESTIMATE_BUDGET_OPS, "{w:?}");
        // The SPOF finder is linear: a few steps per link of the two formulas.
        assert!(w.spof_ops <= 8 * w.formula_edges + 10_000, "{w:?}");
        assert!((0.0..=1.0).contains(&an.availability));
        match an.availability_method {
            Method::Exact => assert!(an.availability_estimate.is_none()),
            Method::Estimate => {
                let e = an
                    .availability_estimate
                    .expect("an estimate has its interval");
                assert!(e.ci95[0] <= an.availability && an.availability <= e.ci95[1]);
                assert!(e.samples >= failover_sim::reliability::MIN_SAMPLES);
            }
        }
        println!(
            "limits ({targets:?}): {} {:.6} {:?}",
            an.method_label(),
            an.availability,
            w
        );
    }
}

#[test]
fn the_regular_limits_scenarios_are_exact_and_the_tangled_one_an_estimate() {
    for targets in [Targets::All, Targets::TwoPools] {
        let an = analyse(&at_the_limits(targets));
        assert_eq!(an.availability_method, Method::Exact, "{targets:?}");
        assert!(
            an.work.exact_ops < EXACT_BUDGET_OPS / 4,
            "{targets:?}: {:?}",
            an.work
        );
    }
    let an = analyse(&at_the_limits(Targets::Tangled));
    assert_eq!(an.availability_method, Method::Estimate);
    // Said so in the report too.
    let mut s = at_the_limits(Targets::Tangled);
    s.gateways.iter_mut().for_each(|g| g.failures = None);
    let json = serde_json::to_value(analyse(&s).availability_method).unwrap_or_default();
    assert_eq!(json, "estimate");
}

#[test]
fn the_analysis_is_deterministic_to_the_bit() {
    for s in [
        at_the_limits(Targets::All),
        at_the_limits(Targets::Tangled),
        zoned(3, 6, 2),
    ] {
        let (x, y) = (analyse(&s), analyse(&s));
        assert_eq!(x.availability_method, y.availability_method);
        assert_eq!(x.availability.to_bits(), y.availability.to_bits());
        assert_eq!(x.availability_estimate, y.availability_estimate);
        assert_eq!(x.work, y.work);
        assert_eq!(x.spofs, y.spofs);
    }
}

#[test]
fn the_report_says_which_method() {
    let mut s = at_the_limits(Targets::Tangled);
    s.duration_s = 1;
    // Keep the run itself small: the analysis is what is under test.
    s.traffic.rate_rps = 1.0;
    for b in &mut s.balancers {
        b.health_check = None;
    }
    let sim = run(&s, 1, 0);
    let v = serde_json::to_value(sim.report(0.0)).unwrap_or_default();
    assert_eq!(v["analytic_availability_method"], "estimate");
    assert!(v["analytic_availability_ci95"][0].as_f64() <= v["analytic_availability"].as_f64());
    assert!(v["analytic_availability_samples"].as_u64() >= Some(4_096));
    let v = serde_json::to_value(run(&toy(), 1, 0).report(0.0)).unwrap_or_default();
    assert_eq!(v["analytic_availability_method"], "exact");
    assert!(v.get("analytic_availability_ci95").is_none());
}

#[test]
fn the_estimate_of_a_large_structure_agrees_with_its_exact_value() {
    // 128 zones of 4 instances: exact within the budget; forced to estimate, the estimate
    // must land within 4 standard errors of it (the first samples of the fixed stream).
    let s = zoned(MAX_REGIONS, MAX_ZONES_PER_REGION, 4);
    let an = analyse(&s);
    let a: Vec<f64> = an.components.iter().map(|c| c.availability).collect();
    let c = an.formula.availability_within(&a, TINY);
    let e = c.estimate.expect("forced to estimate");
    let sd = (an.availability * (1.0 - an.availability) / e.samples as f64).sqrt();
    assert!(
        (c.value - an.availability).abs() <= 4.0 * sd,
        "{} vs {} (σ {sd}, {} samples)",
        c.value,
        an.availability,
        e.samples
    );
}

/// A small scenario with no compact diagram: 24 balancers over their own random halves of
/// 120 instances, behind one gateway.
fn small_tangled() -> Scenario {
    let mut s = shared_instances(24, 120);
    for (j, b) in s.balancers.iter_mut().enumerate() {
        let mut i = 0;
        b.targets.retain(|_| {
            i += 1;
            mix64(i * 64 + j as u64).is_multiple_of(2)
        });
        b.health_check = None;
    }
    s.duration_s = 2;
    s
}

/// The CLI's tests (in the app package) read this scenario from `tests/fixtures/tangled.json`;
/// this test keeps the file current (`UPDATE_FIXTURES=1` rewrites it).
#[test]
fn the_tangled_fixture_is_current_and_an_estimate() {
    let s = small_tangled();
    assert_eq!(analyse(&s).availability_method, Method::Estimate);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/tangled.json"
    );
    // Compact: the pretty form is 200 KB of indentation.
    let json = serde_json::to_string(&s).unwrap_or_default() + "\n";
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        if let Err(e) = std::fs::write(path, &json) {
            panic!("cannot write {path}: {e}");
        }
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == json,
        "{path} is stale: run UPDATE_FIXTURES=1 cargo test -p failover-sim --test reliability"
    );
}

// ----- random small formulas against brute force ---------------------------------------------

fn brute_force(f: &Expr, a: &[f64]) -> f64 {
    let n = a.len();
    let mut total = 0.0;
    for mask in 0u32..(1 << n) {
        if f.eval(&|c| mask >> c & 1 == 1) {
            total += (0..n)
                .map(|c| if mask >> c & 1 == 1 { a[c] } else { 1.0 - a[c] })
                .product::<f64>();
        }
    }
    total
}

/// Formulas over `n` components; leaves repeat components freely (random sharing).
fn arb_expr(n: usize) -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        10 => (0..n).prop_map(Expr::Up),
        1 => Just(Expr::True),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Expr::All),
            prop::collection::vec(inner.clone(), 0..5).prop_map(Expr::Any),
            (0usize..4, prop::collection::vec(inner, 0..5))
                .prop_map(|(k, xs)| Expr::AtLeast(k, xs)),
        ]
    })
}

fn arb_case() -> impl Strategy<Value = (Expr, Vec<f64>)> {
    (1usize..=12).prop_flat_map(|n| {
        let avail = prop_oneof![
            8 => 0.01f64..0.9999,
            1 => Just(1.0),
            1 => Just(0.5),
        ];
        (arb_expr(n), prop::collection::vec(avail, n))
    })
}

/// No exact step at all: always the estimate.
const TINY: Budget = Budget {
    exact_ops: 0,
    estimate_ops: ESTIMATE_BUDGET_OPS,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn exact_equals_brute_force((f, a) in arb_case()) {
        let c = Structure::from(&f).availability(&a);
        prop_assert_eq!(c.method, Method::Exact);
        let want = brute_force(&f, &a);
        prop_assert!((c.value - want).abs() < 1e-12, "{} vs {}", c.value, want);
    }

    #[test]
    fn estimate_is_within_five_standard_errors((f, a) in arb_case()) {
        let c = Structure::from(&f).availability_within(&a, TINY);
        let want = brute_force(&f, &a);
        match c.estimate {
            // Folding alone decided it (no component left to draw).
            Some(e) if e.samples == 0 => prop_assert!((c.value - want).abs() < 1e-12),
            Some(e) => {
                let n = e.samples as f64;
                // 5 σ of a binomial proportion (fails once in ~1.7 million), plus the
                // 2⁻³² per component by which a drawn probability may be truncated.
                let tolerance = 5.0 * (want * (1.0 - want) / n).sqrt() + 12.0 / n + 1e-8;
                prop_assert!((c.value - want).abs() <= tolerance,
                    "{} vs {} ± {}", c.value, want, tolerance);
                prop_assert!(e.ci95[0] <= c.value && c.value <= e.ci95[1]);
            }
            None => prop_assert!(false, "a zero budget cannot be exact"),
        }
    }

    #[test]
    fn spofs_equal_one_evaluation_per_component((f, a) in arb_case()) {
        let s = Structure::from(&f);
        let (k, _) = killers(&s);
        for c in 0..a.len() {
            prop_assert_eq!(k.contains(c), !f.eval(&|x| x != c), "component {}", c);
        }
        // The DAG evaluates as the tree does.
        for mask in 0u32..(1 << a.len()).min(64) {
            let up = |c: usize| mask >> c & 1 == 1;
            prop_assert_eq!(s.eval(&up), f.eval(&up));
        }
    }
}

/// Random formulas from a seeded stream, for the coverage count below.
fn random_expr(rng: &mut SimRng, n: u32, depth: u32) -> Expr {
    if depth == 0 || rng.below(4) == 0 {
        return Expr::Up(rng.below(n) as usize);
    }
    let kids: Vec<Expr> = (0..1 + rng.below(4))
        .map(|_| random_expr(rng, n, depth - 1))
        .collect();
    match rng.below(3) {
        0 => Expr::All(kids),
        1 => Expr::Any(kids),
        _ => Expr::AtLeast(1 + rng.below(kids.len() as u32) as usize, kids),
    }
}

#[test]
fn the_95_percent_interval_covers_the_exact_value_about_95_percent_of_the_time() {
    let mut rng = SimRng::new(11, 99);
    let (mut cases, mut covered) = (0, 0);
    while cases < 400 {
        let n = 2 + rng.below(11);
        let f = random_expr(&mut rng, n, 4);
        let a: Vec<f64> = (0..n).map(|_| 0.05 + 0.9 * rng.uniform()).collect();
        let c = Structure::from(&f).availability_within(&a, TINY);
        let Some(e) = c.estimate.filter(|e| e.samples > 0) else {
            continue;
        };
        let want = brute_force(&f, &a);
        cases += 1;
        covered += (e.ci95[0] <= want && want <= e.ci95[1]) as u32;
    }
    assert!(covered >= 360, "covered {covered} of {cases}");
}

/// CPU time of this thread (Linux), less disturbed than wall time on a busy machine.
fn cpu_time() -> std::time::Duration {
    let ns = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    std::time::Duration::from_nanos(ns)
}

/// Timings (release: `cargo test --release --test reliability bench_analyse -- --ignored
/// --nocapture`). No assertion on time: the budgets above bound the work. CPU time is
/// printed next to wall time because the build machine is shared.
#[test]
#[ignore]
fn bench_analyse() {
    let cases = [
        ("2 balancers × 22 shared instances", shared_instances(2, 22)),
        ("2 balancers × 40 shared instances", shared_instances(2, 40)),
        (
            "48 balancers × 1,983 shared instances",
            shared_instances(48, 1_983),
        ),
        ("18 zones × 2 instances", zoned(3, 6, 2)),
        ("128 zones × 4 instances", zoned(16, 8, 4)),
        ("limits, regular", at_the_limits(Targets::All)),
        ("limits, two pools", at_the_limits(Targets::TwoPools)),
        ("limits, tangled", at_the_limits(Targets::Tangled)),
    ];
    for (name, s) in cases {
        let (wall, cpu) = (std::time::Instant::now(), cpu_time());
        let an = analyse(&s);
        let (wall, cpu) = (wall.elapsed(), cpu_time() - cpu);
        println!(
            "{name}: analyse {:.1} ms wall, {:.1} ms CPU — {} {:.6}, {:?}",
            wall.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3,
            an.method_label(),
            an.availability,
            an.work
        );
    }
}
