#![cfg(not(target_arch = "wasm32"))]
//! The availability breakdown on topologies with known answers: each step against a hand
//! formula written out here (not the library's), within the Monte Carlo interval over many
//! runs, and the steps adding up to what users saw, run by run.
//!
//! The hand formulas are first-order (instances independent, one failure at a time), so a
//! step may also differ by `MODEL_SLACK` of its own size; re-admission is kept short in
//! these scenarios (`rise` 1, `downinter` 200 ms) where it is not the subject.
use failover_sim::reliability::breakdown::Breakdown;
use failover_sim::reliability::intervals;
use failover_sim::scenario::parse_scenario;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

/// How far a first-order hand formula may be off, as a share of the step.
const MODEL_SLACK: f64 = 0.10;

struct Case {
    rate_rps: f64,
    mtbf_s: f64,
    mttr_s: f64,
    startup_ms: u64,
    retries: u32,
    inter_ms: u64,
    fall: u32,
    /// A zone every node shares, with its MTBF / MTTR.
    zone: Option<(f64, f64)>,
}

impl Case {
    fn json(&self) -> String {
        let zone_of = if self.zone.is_some() {
            r#", "zone": "z""#
        } else {
            ""
        };
        let regions = match self.zone {
            Some((mtbf, mttr)) => format!(
                r#""regions": [{{"name": "r", "zones": [{{"name": "z", "failures": {{"mtbf_s": {mtbf}, "mttr_s": {mttr}}}}}]}}],"#
            ),
            None => String::new(),
        };
        let instance = |n: u32| {
            format!(
                r#"{{"name": "app-{n}", "startup_ms": {}, "failures": {{"mtbf_s": {}, "mttr_s": {}}}{zone_of}}}"#,
                self.startup_ms, self.mtbf_s, self.mttr_s
            )
        };
        format!(
            r#"{{"name": "known-answer", "duration_s": 600, "traffic": {{"rate_rps": {}}}, "entry": "lb-1", {regions}
              "balancers": [{{"name": "lb-1", "algorithm": "round-robin", "retries": {}{zone_of},
                 "health_check": {{"inter_ms": {}, "fall": {}, "rise": 1, "downinter_ms": 200}},
                 "targets": [{{"instance": "app-1"}}, {{"instance": "app-2"}}, {{"instance": "app-3"}}]}}],
              "instances": [{}, {}, {}]}}"#,
            self.rate_rps,
            self.retries,
            self.inter_ms,
            self.fall,
            instance(1),
            instance(2),
            instance(3)
        )
    }

    /// Share of time an instance is up: MTBF / (MTBF + MTTR + startup).
    fn a(&self) -> f64 {
        self.mtbf_s / (self.mtbf_s + self.mttr_s + self.startup_ms as f64 / 1e3)
    }

    /// Mean time a crashed instance keeps its traffic: detection (uniform over
    /// [(fall − 1)·inter, fall·inter]) or, if sooner, its repair (exponential) and boot.
    fn window_s(&self) -> f64 {
        let boot = self.startup_ms as f64 / 1e3;
        let low = (self.fall - 1) as f64 * self.inter_ms as f64 / 1e3;
        let high = low + self.inter_ms as f64 / 1e3;
        let steps = 1000;
        (0..steps)
            .map(|k| {
                let d = low + (high - low) * (k as f64 + 0.5) / steps as f64;
                if d <= boot {
                    d
                } else {
                    boot + self.mttr_s * (1.0 - (-(d - boot) / self.mttr_s).exp())
                }
            })
            .sum::<f64>()
            / steps as f64
    }

    fn runs(&self, n: u64) -> Vec<Breakdown> {
        let s = parse_scenario(&self.json()).unwrap_or_else(|e| panic!("{e}"));
        (0..n)
            .map(|k| {
                let mut sim =
                    Simulation::with_seed(&s, 1_000 + k).unwrap_or_else(|e| panic!("{e}"));
                sim.run_for(s.duration_s * US_PER_S);
                let b = sim.breakdown();
                adds_up(&b);
                b
            })
            .collect()
    }
}

/// The measured steps add up to what users saw; the predicted ones to the prediction.
fn adds_up(b: &Breakdown) {
    let measured: f64 = b.steps.iter().map(|s| s.measured).sum();
    assert!(
        (measured - b.measured_users_saw).abs() < 1e-9,
        "measured steps {measured} vs users saw {}",
        b.measured_users_saw
    );
    let predicted: f64 = b.steps.iter().map(|s| s.predicted).sum();
    assert!((predicted.clamp(0.0, 1.0) - b.predicted_users_saw).abs() < 1e-9);
}

fn step(b: &Breakdown, key: &str) -> (f64, f64) {
    let s = b
        .steps
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no step {key}"));
    (s.predicted, s.measured)
}

/// The step's measured mean and 95 % t interval over the runs.
fn measured(runs: &[Breakdown], key: &str) -> intervals::Interval {
    let values: Vec<f64> = runs.iter().map(|b| step(b, key).1).collect();
    intervals::over_runs(&values)
}

/// `want` (a hand formula) is inside the measured interval, give or take `MODEL_SLACK`.
fn agrees(runs: &[Breakdown], key: &str, want: f64) {
    let m = measured(runs, key);
    let slack = MODEL_SLACK * want.abs() + 1e-4;
    assert!(
        m.low - slack <= want && want <= m.high + slack,
        "{key}: hand formula {:.3} pts, measured {:.3} pts ({:.3}–{:.3})",
        want * 100.0,
        m.value * 100.0,
        m.low * 100.0,
        m.high * 100.0
    );
}

/// E[1/(1 + X); X ≥ 1], X ~ Binomial(2, p): the share of the traffic a crashed instance of
/// three still gets while at least one other serves.
fn share_of_three(p: f64) -> f64 {
    2.0 * p * (1.0 - p) / 2.0 + p * p / 3.0
}

fn one_of_three(inter_ms: u64, fall: u32) -> Case {
    Case {
        rate_rps: 200.0,
        mtbf_s: 60.0,
        mttr_s: 30.0,
        startup_ms: 3_000,
        retries: 0,
        inter_ms,
        fall,
        zone: None,
    }
}

#[test]
fn one_of_three_by_capacity() {
    let c = one_of_three(2_000, 3);
    let runs = c.runs(30);
    let a = c.a();
    let analytic = 1.0 - (1.0 - a).powi(3);
    // The analytic step: 1 − (1 − a)³, a with the boot in MTTR.
    assert!((step(&runs[0], "analytic").0 - analytic).abs() < 1e-12);
    agrees(&runs, "analytic", analytic);
    // Load 200 req/s, each instance 8 workers / 20 ms = 400 req/s: one of three is enough.
    assert_eq!(step(&runs[0], "capacity").0, 0.0);
    assert!(runs.iter().all(|b| step(b, "capacity").1 == 0.0));
    // Detection, no retries: three instances crash 1 / (MTBF + MTTR + boot) times a second
    // each and keep their share of the traffic for the window.
    let detection = 3.0 / (c.mtbf_s + c.mttr_s + 3.0) * c.window_s() * share_of_three(a);
    agrees(&runs, "detection", -detection);
    assert!(runs.iter().all(|b| step(b, "retries").1 == 0.0));
}

#[test]
fn two_of_three_by_capacity() {
    let c = Case {
        rate_rps: 600.0,
        mtbf_s: 100.0,
        mttr_s: 30.0,
        startup_ms: 3_000,
        retries: 3,
        inter_ms: 2_000,
        fall: 3,
        zone: None,
    };
    let runs = c.runs(30);
    let a = c.a();
    // 600 req/s needs two of the 400 req/s instances: with one in rotation a third of the
    // requests are turned away; the analytic figure still counts "any one up".
    let one_up = 3.0 * a * (1.0 - a).powi(2);
    let capacity = one_up * (1.0 - 400.0 / 600.0);
    agrees(&runs, "capacity", -capacity);
    // Redispatch saves what the detection window exposes, save the requests held at the
    // crash: the net cost is small against the gross window.
    let (pred_det, meas_det) = (
        runs.iter().map(|b| step(b, "detection").1).sum::<f64>() / runs.len() as f64,
        runs.iter().map(|b| step(b, "retries").1).sum::<f64>() / runs.len() as f64,
    );
    assert!(meas_det > 0.0 && pred_det < 0.0);
    assert!(
        (pred_det + meas_det).abs() < 0.25 * pred_det.abs(),
        "retries save most of the window"
    );
    // What retries saved is part of what the window exposed, run by run.
    for b in &runs {
        assert!(step(b, "retries").1 <= -step(b, "detection").1 + 1e-12);
    }
    // The comparison names capacity as the main cost.
    let mean = failover_sim::reliability::breakdown::average(&runs).expect("runs");
    assert_eq!(
        mean.main_cost().map(|(label, _)| label),
        Some("capacity shortfall")
    );
}

#[test]
fn series_and_parallel_with_a_shared_zone() {
    let c = Case {
        rate_rps: 200.0,
        mtbf_s: 100.0,
        mttr_s: 10.0,
        startup_ms: 0,
        retries: 0,
        inter_ms: 1_000,
        fall: 2,
        zone: Some((300.0, 15.0)),
    };
    let runs = c.runs(30);
    // The balancer cannot fail; the zone is in series with three parallel instances: the
    // zone factor comes out once, not once per instance.
    let zone = 300.0 / 315.0;
    let a = c.a();
    let analytic = zone * (1.0 - (1.0 - a).powi(3));
    assert!((step(&runs[0], "analytic").0 - analytic).abs() < 1e-12);
    agrees(&runs, "analytic", analytic);
    // A zone outage silences everything: that is the analytic step's, not the window's.
    // The window counts the instances' own crashes while the zone is up.
    // Own failure clocks run whatever the zone does; a crash costs requests only while the
    // zone is up, and then the other two are up with probability a each.
    let detection = zone * 3.0 / (c.mtbf_s + c.mttr_s) * c.window_s() * share_of_three(a);
    agrees(&runs, "detection", -detection);
    let timing = measured(&runs, "timing");
    assert!(timing.value.abs() < 0.005, "requests vs time: {timing:?}");
}

#[test]
fn slow_and_fast_detection() {
    let slow = one_of_three(5_000, 3);
    let fast = one_of_three(500, 2);
    let (slow_runs, fast_runs) = (slow.runs(30), fast.runs(30));
    for (c, runs) in [(&slow, &slow_runs), (&fast, &fast_runs)] {
        let detection = 3.0 / (c.mtbf_s + c.mttr_s + 3.0) * c.window_s() * share_of_three(c.a());
        agrees(runs, "detection", -detection);
    }
    // Same failures (same seeds), so the same analytic step; the window is what differs.
    let (s, f) = (
        measured(&slow_runs, "detection"),
        measured(&fast_runs, "detection"),
    );
    assert!(s.high < f.low, "slow checks cost more: {s:?} vs {f:?}");
    let slow_driver = &slow_runs[0].steps[2].driver;
    assert!(slow_driver.contains("fall 3 × inter 5 s"), "{slow_driver}");
}
