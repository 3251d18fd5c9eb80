//! The machine-readable summary of a run (`failover-lab run --json`), also used by tests.
use super::engine::Simulation;
use super::reliability::breakdown::{self, Breakdown, Measured};
use super::time::us_to_s;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RequestCounts {
    pub sent: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub retried: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LatencyMs {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FailureReport {
    pub node: String,
    pub fault: String,
    pub fault_at_s: f64,
    pub detected_at_s: Option<f64>,
    pub rerouted_at_s: Option<f64>,
    pub recovered_at_s: Option<f64>,
    /// Time to detect (detected − fault).
    pub mttd_s: Option<f64>,
    /// Time to recover (recovered − fault).
    pub mttr_s: Option<f64>,
    pub lost_requests: u64,
    pub saved_by_retry: u64,
    pub detected_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub duration_s: f64,
    pub requests: RequestCounts,
    pub failed_by_reason: BTreeMap<&'static str, u64>,
    /// Succeeded / finished requests.
    pub availability: f64,
    /// Fraction of time every component a request needs was up (what the analytic figure
    /// predicts; request availability is lower by the detection and retry windows).
    pub availability_over_time: f64,
    /// Steady-state availability from MTBF / MTTR and the topology (reliability.rs):
    /// exact, or a Monte Carlo estimate when the structure is too entangled for the exact
    /// computation's work budget.
    pub analytic_availability: f64,
    /// `"exact"` or `"estimate"`.
    pub analytic_availability_method: super::reliability::Method,
    /// An estimate's 95 % confidence interval, [low, high] (absent when exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytic_availability_ci95: Option<[f64; 2]>,
    /// An estimate's sample count (absent when exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytic_availability_samples: Option<u64>,
    /// Nodes whose failure alone stops every request.
    pub spofs: Vec<String>,
    /// The same analysis under the peak load: k of n per tier, the capacity-aware
    /// availability and the nodes whose loss alone leaves too little capacity.
    pub capacity: super::reliability::capacity::CapacityAnalysis,
    /// Monthly infrastructure cost against expected downtime cost.
    pub cost: super::cost::CostReport,
    /// Database counters: writes lost at failover (RPO), refused, conflicting (split brain).
    pub database: Option<super::database::DbStats>,
    pub latency_ms: LatencyMs,
    pub events: u64,
    pub trace_hash: String,
    /// The last `FAILURES_KEPT` (256) failure records; `failures_total` counts them all.
    pub failures: Vec<FailureReport>,
    /// Failure records in the run, including those past the cap not listed in `failures`.
    pub failures_total: u64,
    /// Load-caused failures told as one story (`cascade.rs`), when the run had any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cascade: Option<String>,
    /// From the analytic figure to what users saw, step by step, predicted and measured.
    pub breakdown: Breakdown,
    /// What the figures quietly include or leave out (startup in MTTR, targets starting
    /// unhealthy, failure records not shown).
    pub notes: Vec<String>,
    pub peak_live_requests: u64,
    pub peak_pending_events: u64,
    /// Wall-clock time of the run (set by the caller; not part of the deterministic result).
    pub wall_ms: f64,
}

impl Simulation {
    /// The availability breakdown of the run so far (cheap: counts and the prediction
    /// made when the run was built).
    pub fn breakdown(&self) -> Breakdown {
        let m = self.metrics();
        let mut b = breakdown::build(
            self.scenario(),
            self.analysis.availability,
            &self.prediction,
            &Measured {
                finished: m.finished(),
                succeeded: m.succeeded,
                attribution: m.attribution,
                time_able_to_serve: self.state_availability(),
            },
        );
        b.notes
            .extend(breakdown::records_note(m.failures.len(), m.failures_total));
        b
    }

    /// Expected outages of the whole topology per second, when known (for the comparison
    /// of a series of runs that saw none).
    pub fn outages_per_s(&self) -> Option<f64> {
        self.prediction.outages_per_s
    }

    pub fn report(&self, wall_ms: f64) -> Report {
        let t = self.totals();
        let l = self.latency_summary();
        let secs = |us: Option<u64>| us.map(us_to_s);
        let analysis = &self.analysis;
        let breakdown = self.breakdown();
        Report {
            scenario: self.scenario().name.clone(),
            seed: self.seed(),
            duration_s: us_to_s(self.now_us()),
            requests: RequestCounts {
                sent: t.sent,
                succeeded: t.succeeded,
                failed: t.failed,
                in_flight: t.in_flight,
                retried: t.retried,
            },
            failed_by_reason: t
                .failed_by_reason
                .iter()
                .map(|(r, n)| (r.key(), *n))
                .collect(),
            availability: self.metrics().availability(),
            availability_over_time: self.state_availability(),
            analytic_availability: analysis.availability,
            analytic_availability_method: analysis.availability_method,
            analytic_availability_ci95: analysis.availability_estimate.map(|e| e.ci95),
            analytic_availability_samples: analysis.availability_estimate.map(|e| e.samples),
            spofs: analysis.spofs.iter().map(|s| s.name.clone()).collect(),
            capacity: analysis.capacity.clone(),
            cost: super::cost::report(
                self.scenario(),
                analysis.availability,
                self.state_availability(),
            ),
            database: self.db.as_ref().map(|d| d.stats.clone()),
            latency_ms: LatencyMs {
                mean: l.mean_ms,
                p50: l.p50_ms,
                p90: l.p90_ms,
                p99: l.p99_ms,
                max: l.max_ms,
            },
            events: self.events_processed(),
            trace_hash: self.trace_hash_hex(),
            failures: self
                .metrics()
                .failures
                .iter()
                .map(|f| FailureReport {
                    node: f.node_name.clone(),
                    fault: f.fault.clone(),
                    fault_at_s: us_to_s(f.fault_at_us),
                    detected_at_s: secs(f.detected_at_us),
                    rerouted_at_s: secs(f.rerouted_at_us),
                    recovered_at_s: secs(f.recovered_at_us),
                    mttd_s: secs(f.detected_at_us.map(|d| d - f.fault_at_us)),
                    mttr_s: secs(f.recovered_at_us.map(|d| d - f.fault_at_us)),
                    lost_requests: f.lost_requests,
                    saved_by_retry: f.saved_by_retry,
                    detected_by: f.detected_by.clone(),
                })
                .collect(),
            failures_total: self.metrics().failures_total,
            cascade: crate::cascade::cascade_story(&self.metrics().failures),
            notes: breakdown.notes.clone(),
            breakdown,
            peak_live_requests: self.requests.capacity() as u64,
            peak_pending_events: self.peak_pending_events as u64,
            wall_ms,
        }
    }
}
