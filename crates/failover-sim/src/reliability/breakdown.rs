//! Availability, explained: from the analytic figure to what users saw, step by step, each
//! step predicted (hand formulas, `predict.rs`) and measured (every finished request sorted
//! by why it ended, `metrics::Attribution`), with the parameter that drives it.
//!
//! The measured steps add up to what users saw exactly: with N finished requests,
//!
//! ```text
//! answered/N = time able to serve
//!            + (1 − failed while down/N − time able to serve)   requests vs time while down
//!            − (failed in detection + saved by retry)/N          detection window
//!            − failed for capacity/N                             capacity shortfall
//!            + saved by retry/N                                  retries and redispatch
//!            − other failures/N                                  server errors
//! ```
//!
//! The predicted steps add up the same way (the timing step is 0 by construction), so a
//! step whose two columns differ is the assumption that broke.
use crate::metrics::Attribution;
use crate::scenario::Scenario;
use serde::Serialize;

pub use super::predict::{predict, Prediction};

/// One step of the breakdown. `predicted` and `measured` are fractions: the first step's are
/// availabilities, the others' signed changes (a cost is negative).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// `analytic`, `timing`, `detection`, `capacity`, `retries`, `other`.
    pub key: &'static str,
    pub label: &'static str,
    /// The parameters that drive it, in words ("lb-1: fall 3 × inter 2 s …").
    pub driver: String,
    pub predicted: f64,
    pub measured: f64,
}

/// The whole chain, from the analytic figure to what users saw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Breakdown {
    pub steps: Vec<Step>,
    /// The sum of the predicted steps.
    pub predicted_users_saw: f64,
    /// Requests answered OK / finished (the sum of the measured steps).
    pub measured_users_saw: f64,
    /// Requests the measured side counts (finished; summed over runs for an average).
    pub requests_finished: u64,
    /// The step whose measurement differs most from its prediction (its key), when by more
    /// than a tenth of a point.
    pub differs_most: Option<&'static str>,
    /// What the figures quietly include or leave out (startup in MTTR, targets starting
    /// unhealthy, capped failure records).
    pub notes: Vec<String>,
}

/// A run's counts, the measured side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    pub finished: u64,
    pub succeeded: u64,
    pub attribution: Attribution,
    /// Fraction of the run's time the topology could serve.
    pub time_able_to_serve: f64,
}

/// "MTBF 60 s, MTTR 30 s + startup 3 s" for the components that fail (at most three kinds).
fn structure_driver(s: &Scenario) -> String {
    let mut kinds: Vec<String> = Vec::new();
    let mut add = |what: &str, f: &Option<crate::scenario::Reliability>, boot_ms: u64| {
        if let Some(r) = f.as_ref().filter(|r| r.mtbf_s > 0.0) {
            let boot = if boot_ms > 0 {
                format!(" + startup {} s", boot_ms as f64 / 1_000.0)
            } else {
                String::new()
            };
            let text = format!("{what}: MTBF {} s, MTTR {} s{boot}", r.mtbf_s, r.mttr_s);
            if !kinds.contains(&text) {
                kinds.push(text);
            }
        }
    };
    for i in &s.instances {
        add("instances", &i.failures, i.startup_ms);
    }
    for b in &s.balancers {
        add("balancers", &b.failures, 0);
    }
    for g in &s.gateways {
        add("gateways", &g.failures, 0);
    }
    for r in &s.regions {
        add("regions", &r.failures, 0);
        for z in &r.zones {
            add("zones", &z.failures, 0);
        }
    }
    if let Some(db) = &s.database {
        add("database", &db.failures, 0);
    }
    if let Some(d) = &s.dns {
        add("DNS", &d.failures, 0);
    }
    match kinds.len() {
        0 => "no component fails on its own (no MTBF / MTTR)".to_string(),
        n if n > 3 => format!("{}; and {} more", kinds[..3].join("; "), n - 3),
        _ => kinds.join("; "),
    }
}

/// The chain for one run (or, through `average`, many).
pub fn build(s: &Scenario, analytic: f64, p: &Prediction, m: &Measured) -> Breakdown {
    let n = m.finished.max(1) as f64;
    let a = &m.attribution;
    let frac = |x: u64| x as f64 / n;
    let (requests_while_up, answered) = if m.finished == 0 {
        (m.time_able_to_serve, 1.0)
    } else {
        (1.0 - frac(a.failed_while_down), m.succeeded as f64 / n)
    };
    let steps = vec![
        Step {
            key: "analytic",
            label: "analytic availability (time able to serve)",
            driver: structure_driver(s),
            predicted: analytic,
            measured: m.time_able_to_serve,
        },
        Step {
            key: "timing",
            label: "requests vs time while down",
            driver: "requests that arrived while nothing could serve, against the fraction of time (chance, and requests caught across an outage's edge)".to_string(),
            predicted: 0.0,
            measured: requests_while_up - m.time_able_to_serve,
        },
        Step {
            key: "detection",
            label: "detection window",
            driver: if p.detection_driver.is_empty() {
                "no failed component keeps traffic".to_string()
            } else {
                p.detection_driver.clone()
            },
            predicted: -p.detection,
            measured: -frac(a.failed_in_detection + a.saved_by_retry),
        },
        Step {
            key: "capacity",
            label: "capacity shortfall",
            driver: p.capacity_driver.clone(),
            predicted: -p.capacity,
            measured: -frac(a.failed_for_capacity),
        },
        Step {
            key: "retries",
            label: "saved by retries and redispatch",
            driver: p.retries_driver.clone(),
            predicted: p.retries_saved,
            measured: frac(a.saved_by_retry),
        },
        Step {
            key: "other",
            label: "server errors (gray failure)",
            driver: "500s from instances that still pass their checks".to_string(),
            predicted: 0.0,
            measured: -frac(a.failed_other),
        },
    ];
    let predicted_users_saw = steps
        .iter()
        .map(|s| s.predicted)
        .sum::<f64>()
        .clamp(0.0, 1.0);
    let mut b = Breakdown {
        steps,
        predicted_users_saw,
        measured_users_saw: answered,
        requests_finished: m.finished,
        differs_most: None,
        notes: notes(s, p),
    };
    b.differs_most = differs_most(&b.steps);
    b
}

fn differs_most(steps: &[Step]) -> Option<&'static str> {
    steps
        .iter()
        .map(|s| (s.key, (s.measured - s.predicted).abs()))
        .filter(|&(_, d)| d > 0.001)
        .fold(
            None,
            |best: Option<(&'static str, f64)>, (k, d)| match best {
                Some((_, bd)) if bd >= d => best,
                _ => Some((k, d)),
            },
        )
        .map(|(k, _)| k)
}

/// The mean of several runs' breakdowns (each step's mean: the sums still hold).
pub fn average(runs: &[Breakdown]) -> Option<Breakdown> {
    let first = runs.first()?;
    let n = runs.len() as f64;
    let mut out = first.clone();
    for (k, step) in out.steps.iter_mut().enumerate() {
        step.measured = runs.iter().map(|r| r.steps[k].measured).sum::<f64>() / n;
    }
    out.measured_users_saw = runs.iter().map(|r| r.measured_users_saw).sum::<f64>() / n;
    out.requests_finished = runs.iter().map(|r| r.requests_finished).sum();
    out.differs_most = differs_most(&out.steps);
    Some(out)
}

/// What the figures quietly include: startup in the analytic MTTR, targets that start
/// unhealthy.
fn notes(s: &Scenario, p: &Prediction) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(plain), Some(i)) = (
        p.analytic_without_startup,
        s.instances
            .iter()
            .find(|i| i.failures.is_some() && i.startup_ms > 0),
    ) {
        let mttr = i.failures.as_ref().map_or(0.0, |r| r.mttr_s);
        out.push(format!(
            "MTTR = repair + startup_ms: {} is down {mttr} s + {} s per failure, so the analytic figure counts the boot (MTTR alone would give {:.4} %)",
            i.name,
            i.startup_ms as f64 / 1_000.0,
            plain * 100.0
        ));
    }
    for b in &s.balancers {
        let Some(h) = &b.health_check else { continue };
        let c = h.resolve();
        if !c.start_healthy {
            out.push(format!(
                "{}'s health check ({} preset) starts its targets unhealthy (`initial`, as AWS ALB does): no traffic until {} checks {} s apart pass; set health_check.start_healthy to true to start them in service",
                b.name,
                h.preset.unwrap_or(crate::scenario::CheckPreset::Haproxy).name(),
                c.rise,
                c.fastinter_ms as f64 / 1_000.0
            ));
        }
    }
    out
}

/// "and 12 more not shown" when the failure records were capped.
pub fn records_note(shown: usize, total: u64) -> Option<String> {
    let more = total.saturating_sub(shown as u64);
    (more > 0).then(|| {
        format!(
            "failure records: the last {shown} shown, and {more} more not shown ({total} in all)"
        )
    })
}

fn pct(x: f64) -> String {
    format!("{:.4} %", x * 100.0)
}

/// Signed percentage points: "−1.20 pts", "+0.006 pts" (three decimals below a tenth).
pub fn pts(x: f64) -> String {
    let p = x * 100.0;
    if p.abs() < 0.000_5 {
        "0".to_string()
    } else if p.abs() < 0.1 {
        format!("{p:+.3} pts").replace('-', "−")
    } else {
        format!("{p:+.2} pts").replace('-', "−")
    }
}

impl Step {
    /// The predicted and measured figures as text ("95.53 %", "−1.20 pts").
    pub fn figures(&self) -> (String, String) {
        if self.key == "analytic" {
            (pct(self.predicted), pct(self.measured))
        } else {
            (pts(self.predicted), pts(self.measured))
        }
    }
}

impl Breakdown {
    /// The chain as aligned text lines (CLI).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "  {:<44} {:>11} {:>11}  driven by",
            "availability, step by step", "predicted", "measured"
        )];
        for s in &self.steps {
            let (p, m) = s.figures();
            let mark = if self.differs_most == Some(s.key) {
                " ◀ differs most"
            } else {
                ""
            };
            out.push(format!(
                "  {:<44} {p:>11} {m:>11}  {}{mark}",
                s.label, s.driver
            ));
        }
        out.push(format!(
            "  {:<44} {:>11} {:>11}",
            "= what users saw (requests answered OK)",
            pct(self.predicted_users_saw),
            pct(self.measured_users_saw)
        ));
        out
    }

    /// One run's comparison, which figure against which (one run has no interval: the gaps
    /// only): "analytic vs time able to serve: +0.82 pts; vs requests answered: −7.92 pts —
    /// mostly capacity shortfall (−7.84 pts)".
    pub fn comparison(&self) -> String {
        let analytic = self.steps.first().map_or(1.0, |s| s.predicted);
        let time = self.steps.first().map_or(1.0, |s| s.measured);
        let why = self
            .main_cost()
            .map(|(label, net)| format!(" — mostly {label} ({})", pts(net)))
            .unwrap_or_default();
        format!(
            "analytic vs time able to serve: {}; vs requests answered: {}{why}",
            pts(time - analytic),
            pts(self.measured_users_saw - analytic)
        )
    }

    /// The biggest measured cost between the analytic figure and what users saw, net of
    /// what retries saved for the detection window: (its label, its net measured change).
    pub fn main_cost(&self) -> Option<(&'static str, f64)> {
        let saved = self
            .steps
            .iter()
            .find(|s| s.key == "retries")
            .map_or(0.0, |s| s.measured);
        self.steps
            .iter()
            .skip(1)
            .filter(|s| s.key != "retries")
            .map(|s| {
                let net = if s.key == "detection" {
                    s.measured + saved
                } else {
                    s.measured
                };
                (s.label, net)
            })
            .filter(|&(_, net)| net < -0.000_05)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}
