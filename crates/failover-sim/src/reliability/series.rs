//! A series of runs (`failover-lab run --runs N`), or one run: the measured figures with
//! honest intervals, the averaged breakdown, and the statements that say which figure the
//! analytic one is compared with and why they differ.
use super::breakdown::{self, Breakdown};
use super::intervals::{self, Comparison, Interval, IntervalMethod};
use serde::Serialize;

/// What one run contributes.
#[derive(Clone, Debug)]
pub struct RunFigures {
    pub succeeded: u64,
    pub finished: u64,
    pub time_able_to_serve: f64,
    pub duration_s: f64,
    pub breakdown: Breakdown,
}

#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub runs: usize,
    /// Requests answered OK / finished.
    pub answered: Interval,
    pub time_able_to_serve: Interval,
    pub vs_time_able_to_serve: Comparison,
    pub vs_requests_answered: Comparison,
    /// The mean breakdown over the runs.
    pub breakdown: Breakdown,
}

impl Series {
    /// "analytic vs time able to serve: inside (…); vs requests answered: 7.52 pts lower —
    /// capacity shortfall".
    pub fn statement(&self) -> String {
        format!(
            "{}; vs {}",
            self.vs_time_able_to_serve.text,
            self.vs_requests_answered
                .text
                .trim_start_matches("analytic vs ")
        )
    }
}

/// The analytic figure against requests answered: inside, or how far off and why.
fn against_answered(
    analytic: f64,
    analytic_ci: Option<[f64; 2]>,
    answered: &Interval,
    mean: &Breakdown,
) -> Comparison {
    let mut c = intervals::compare(analytic, analytic_ci, answered, "requests answered", None);
    if !c.consistent || answered.method == IntervalMethod::NoVariation {
        let why = mean
            .main_cost()
            .map(|(label, net)| format!(" — mostly {label} ({})", breakdown::pts(net)))
            .unwrap_or_default();
        let side = if c.gap_pts < 0.0 { "lower" } else { "higher" };
        c.text = format!(
            "analytic vs requests answered: {:.2} pts {side}{why} ({})",
            c.gap_pts.abs(),
            answered.text()
        );
    }
    c
}

/// Summarise runs of one scenario. `outages_per_s` is the analytic outage rate (to judge a
/// series that saw no downtime at all); None when unknown.
pub fn summarise(
    analytic: f64,
    analytic_ci: Option<[f64; 2]>,
    outages_per_s: Option<f64>,
    runs: &[RunFigures],
) -> Option<Series> {
    let mean = breakdown::average(&runs.iter().map(|r| r.breakdown.clone()).collect::<Vec<_>>())?;
    let per_run = |f: &dyn Fn(&RunFigures) -> f64| runs.iter().map(f).collect::<Vec<f64>>();
    let mut answered = intervals::availability_over_runs(&per_run(&|r| {
        if r.finished == 0 {
            1.0
        } else {
            r.succeeded as f64 / r.finished as f64
        }
    }));
    if answered.method == IntervalMethod::NoVariation {
        // No spread to draw an interval from: the requests themselves, pooled (at the edge,
        // none failed, the one-sided bound).
        let (ok, all) = runs
            .iter()
            .fold((0, 0), |(o, a), r| (o + r.succeeded, a + r.finished));
        answered = intervals::proportion(ok, all);
    }
    let time = intervals::availability_over_runs(&per_run(&|r| r.time_able_to_serve));
    let total_s: f64 = runs.iter().map(|r| r.duration_s).sum();
    let no_downtime_p = outages_per_s.map(|rate| libm::exp(-rate * total_s));
    let vs_time = intervals::compare(
        analytic,
        analytic_ci,
        &time,
        "time able to serve",
        no_downtime_p,
    );
    Some(Series {
        runs: runs.len(),
        vs_requests_answered: against_answered(analytic, analytic_ci, &answered, &mean),
        answered,
        time_able_to_serve: time,
        vs_time_able_to_serve: vs_time,
        breakdown: mean,
    })
}
