#![cfg(not(target_arch = "wasm32"))]
//! Availability over many runs in slices (`many_runs.rs`, the app's Estimate): slicing
//! changes nothing, the summary is the mean and t-interval of the runs, the histogram holds
//! every run.
mod common;
use common::*;
use failover_sim::many_runs::{ManyRuns, MAX_RUNS};
use failover_sim::time::US_PER_S;

/// Instances that fail at random (MTBF 60 s, MTTR 30 s), so runs differ.
fn failing() -> failover_sim::Scenario {
    let mut s = preset("redundant-behind-lb");
    s.faults.clear();
    for i in &mut s.instances {
        i.failures = Some(failover_sim::scenario::Reliability {
            mtbf_s: 60.0,
            mttr_s: 30.0,
        });
    }
    s
}

/// However small the slices, each run is exactly the run of its seed.
#[test]
fn slices_give_the_runs_of_each_seed() {
    let s = failing();
    let mut many = ManyRuns::new(&s, 11, 4, 120).expect("valid");
    let mut calls = 0;
    while !many.advance(997) {
        calls += 1;
        assert!(many.progress() <= 1.0);
    }
    assert!(calls > 10, "small slices: {calls} calls");
    assert_eq!(many.progress(), 1.0);
    for (k, r) in many.per_run().iter().enumerate() {
        let seed = 11 + k as u64;
        let mut direct = s.clone();
        direct.duration_s = 120;
        let mut sim = failover_sim::Simulation::with_seed(&direct, seed).expect("valid");
        sim.run_for(120 * US_PER_S);
        let rep = sim.report(0.0);
        assert_eq!(r.seed, seed);
        assert_eq!(r.availability, rep.availability);
        assert_eq!(r.availability_over_time, rep.availability_over_time);
    }
}

/// The summary is the runs' mean with a Student-t interval from 5 runs on (6 runs: t =
/// 2.571), the range of the runs below that, and the histogram counts every run once.
#[test]
fn summary_is_the_mean_and_t_interval_of_the_runs() {
    use failover_sim::reliability::intervals::IntervalMethod;
    let s = failing();
    let mut many = ManyRuns::new(&s, 1, 6, 300).expect("valid");
    while !many.advance(100_000) {}
    let sum = many.summary();
    let xs: Vec<f64> = many
        .per_run()
        .iter()
        .map(|r| r.availability_over_time)
        .collect();
    let mean = xs.iter().sum::<f64>() / 6.0;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 5.0).sqrt();
    let half = 2.571 * sd / 6f64.sqrt();
    let t = sum.availability_over_time;
    assert_eq!(t.method, IntervalMethod::TOverRuns);
    assert!((t.value - mean).abs() < 1e-12);
    assert!((t.low - (mean - half).max(0.0)).abs() < 1e-12);
    assert!((t.high - (mean + half).min(1.0)).abs() < 1e-12);
    assert_eq!(
        sum.downtime_histogram.iter().map(|b| b.2).sum::<u32>(),
        6,
        "{:?}",
        sum.downtime_histogram
    );
    assert!(sum.analytic_availability > 0.9 && sum.analytic_availability < 1.0);
    // Three runs: too few for a t-interval, the range of the runs.
    let mut few = ManyRuns::new(&s, 1, 3, 300).expect("valid");
    while !few.advance(100_000) {}
    let r = few.summary().availability_over_time;
    assert_eq!(r.method, IntervalMethod::RangeOfRuns);
    let (lo, hi) = few.per_run().iter().fold((1.0f64, 0.0f64), |(l, h), x| {
        (
            l.min(x.availability_over_time),
            h.max(x.availability_over_time),
        )
    });
    assert_eq!((r.low, r.high), (lo, hi));
}

#[test]
fn bad_requests_are_named() {
    let s = failing();
    let e = ManyRuns::new(&s, 1, 0, 60).err().unwrap_or_default();
    assert!(e.contains("runs"), "{e}");
    let e = ManyRuns::new(&s, 1, MAX_RUNS + 1, 60)
        .err()
        .unwrap_or_default();
    assert!(e.contains("1000"), "{e}");
    let mut bad = s.clone();
    bad.instances[0].workers = 0;
    assert!(ManyRuns::new(&bad, 1, 2, 60).is_err());
}

/// The request figure is succeeded / (succeeded + failed) of the run's report: below 1 when
/// requests failed (the single server crashes at 20 s and is down for 20 s).
#[test]
fn request_availability_is_succeeded_over_finished() {
    let s = preset("single-server");
    let sim = run(&s, 1, 60);
    let r = sim.report(0.0);
    let finished = r.requests.succeeded + r.requests.failed;
    assert!(r.requests.failed > 0, "the preset loses requests");
    assert_eq!(sim.metrics().finished(), finished);
    assert_eq!(
        r.availability,
        r.requests.succeeded as f64 / finished as f64
    );
    assert!(r.availability < 0.9, "{}", r.availability);
}
