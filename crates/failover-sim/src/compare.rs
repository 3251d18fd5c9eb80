//! Two designs side by side: the same seeds, the same traffic, the same faults.
//!
//! "Which of these two designs is more available, and at what cost?" is a question about
//! two runs that differ only in the architecture. `compare` runs both scenarios with the
//! same seeds and applies the extra faults to both by node name; a fault on a node that one
//! side lacks is listed for that side (never silently dropped), so the table says exactly
//! what each design was put through. The CLI (`failover-lab compare`) and the app print the
//! same `Comparison`.
use crate::report::Report;
use crate::scenario::{Fault, Scenario};
use crate::time::US_PER_S;
use crate::validate::lookup;
use crate::Simulation;
use serde::Serialize;

/// Most runs per side (each is a whole simulation).
pub const MAX_COMPARE_RUNS: u32 = 1_000;

/// One side's figures, averaged over its runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Side {
    pub scenario: String,
    /// Requests answered OK / finished.
    pub availability: f64,
    /// Fraction of simulated time the topology could serve.
    pub availability_over_time: f64,
    /// From MTBF / MTTR over the structure.
    pub analytic_availability: f64,
    /// The same with every tier needing the k instances its peak load needs.
    pub capacity_availability: f64,
    pub failed_requests: f64,
    pub p99_ms: f64,
    /// Writes acknowledged and then lost in a failover (recovery point), when there is a
    /// database.
    pub writes_lost: Option<f64>,
    /// Mean seconds from a fault to "marked down", over the faults that were detected.
    pub mean_detection_s: Option<f64>,
    pub infrastructure_per_month: f64,
    pub expected_downtime_cost_per_month: f64,
    pub spofs: Vec<String>,
    /// Nodes whose loss alone leaves a tier too little capacity at the peak.
    pub capacity_spofs: Vec<String>,
    /// Faults given to both sides that name a node this side does not have.
    pub faults_not_applicable: Vec<String>,
    /// The first run's trace hash (equal seeds and inputs give equal hashes).
    pub trace_hash: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comparison {
    pub runs: u32,
    pub first_seed: u64,
    pub duration_s: u64,
    pub a: Side,
    pub b: Side,
}

/// Run `a` and `b` `runs` times each (seeds `seed`, `seed + 1`, …) for `duration_s`, each
/// with `faults` added where its node exists. Errors name the side and the problem.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    faults: &[Fault],
    seed: u64,
    runs: u32,
    duration_s: u64,
) -> Result<Comparison, String> {
    if !(1..=MAX_COMPARE_RUNS).contains(&runs) {
        return Err(format!(
            "runs must be between 1 and {MAX_COMPARE_RUNS}, got {runs}"
        ));
    }
    Ok(Comparison {
        runs,
        first_seed: seed,
        duration_s,
        a: side("A", a, faults, seed, runs, duration_s)?,
        b: side("B", b, faults, seed, runs, duration_s)?,
    })
}

fn side(
    label: &str,
    s: &Scenario,
    faults: &[Fault],
    seed: u64,
    runs: u32,
    duration_s: u64,
) -> Result<Side, String> {
    let mut scenario = s.clone();
    scenario.duration_s = duration_s;
    let mut not_applicable = Vec::new();
    for f in faults {
        let applies = lookup(s, &f.node).is_some()
            && f.peer.as_deref().is_none_or(|p| lookup(s, p).is_some());
        if applies {
            scenario.faults.push(f.clone());
        } else {
            not_applicable.push(format!("{} {} at {} ms", f.action.name(), f.node, f.at_ms));
        }
    }
    let mut reports: Vec<Report> = Vec::with_capacity(runs as usize);
    for k in 0..runs {
        let mut sim = Simulation::with_seed(&scenario, seed.wrapping_add(k as u64))
            .map_err(|e| format!("{label} ({}): {e}", s.name))?;
        sim.run_for(duration_s * US_PER_S);
        reports.push(sim.report(0.0));
    }
    let mean = |f: &dyn Fn(&Report) -> f64| reports.iter().map(f).sum::<f64>() / runs as f64;
    let detections: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.failures.iter().filter_map(|f| f.mttd_s))
        .collect();
    let first = &reports[0];
    Ok(Side {
        scenario: first.scenario.clone(),
        availability: mean(&|r| r.availability),
        availability_over_time: mean(&|r| r.availability_over_time),
        analytic_availability: first.analytic_availability,
        capacity_availability: first.capacity.availability,
        failed_requests: mean(&|r| r.requests.failed as f64),
        p99_ms: mean(&|r| r.latency_ms.p99),
        writes_lost: first
            .database
            .as_ref()
            .map(|_| mean(&|r| r.database.as_ref().map_or(0.0, |d| d.writes_lost as f64))),
        mean_detection_s: (!detections.is_empty())
            .then(|| detections.iter().sum::<f64>() / detections.len() as f64),
        infrastructure_per_month: first.cost.infrastructure_per_month,
        expected_downtime_cost_per_month: first.cost.expected_downtime_cost_per_month,
        spofs: first.spofs.clone(),
        capacity_spofs: first
            .capacity
            .spofs
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        faults_not_applicable: not_applicable,
        trace_hash: first.trace_hash.clone(),
    })
}
