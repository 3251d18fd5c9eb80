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
