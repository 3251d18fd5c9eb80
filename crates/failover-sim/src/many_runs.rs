//! Availability over many runs: one scenario, seeds `first_seed … first_seed + runs − 1`,
//! advanced in slices so a browser can run a thousand one-hour runs without freezing (the
//! app gives each animation frame a budget of events, shows the progress and can cancel).
//!
//! Each run is exactly `failover-lab run SCENARIO --seed S` (same seed, same duration, same
//! report), so the app's estimate and `failover-lab run --runs N` agree run for run.
use crate::reliability::intervals::{availability_over_runs, Interval};
use crate::report::Report;
use crate::scenario::Scenario;
use crate::time::{TimeUs, US_PER_S};
use crate::Simulation;
use serde::Serialize;

/// Most runs one estimate may ask for.
pub const MAX_RUNS: u32 = 1_000;
/// Bars in the downtime histogram.
pub const HISTOGRAM_BARS: usize = 12;

/// What one run measured.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunFigures {
    pub seed: u64,
    /// Requests answered OK / finished.
    pub availability: f64,
    /// Fraction of simulated time the topology could serve.
    pub availability_over_time: f64,
    /// Simulated seconds the topology could not serve.
    pub downtime_s: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub runs: u32,
    pub first_seed: u64,
    pub duration_s: u64,
    /// Mean over runs, with a t-interval from 5 runs on (fewer: their range; all equal:
    /// that value), as `failover-lab run --runs N` reports it.
    pub availability: Interval,
    pub availability_over_time: Interval,
    pub analytic_availability: f64,
    /// Downtime per run: (from s, to s, runs) per bar, bars of equal width from 0 to the
    /// longest downtime seen.
    pub downtime_histogram: Vec<(f64, f64, u32)>,
}

pub struct ManyRuns {
    scenario: Scenario,
    first_seed: u64,
    runs: u32,
    end_us: TimeUs,
    current: Option<Simulation>,
    analytic: f64,
    done: Vec<RunFigures>,
}

impl ManyRuns {
    /// `runs` runs of `duration_s` each. Errors name the problem (an invalid scenario, a
    /// count out of range).
    pub fn new(
        scenario: &Scenario,
        first_seed: u64,
        runs: u32,
        duration_s: u64,
    ) -> Result<ManyRuns, String> {
        if !(1..=MAX_RUNS).contains(&runs) {
            return Err(format!(
                "runs: must be between 1 and {MAX_RUNS}, got {runs}"
            ));
        }
        let mut scenario = scenario.clone();
        scenario.duration_s = duration_s;
        // Build the first run now, so an invalid scenario is refused before any work.
        let first = Simulation::with_seed(&scenario, first_seed).map_err(|e| e.to_string())?;
        Ok(ManyRuns {
            end_us: duration_s.saturating_mul(US_PER_S),
            analytic: first.analysis.availability,
            current: Some(first),
            scenario,
            first_seed,
            runs,
            done: Vec::with_capacity(runs as usize),
        })
    }

    /// Process at most `max_events` events (across runs); returns true once every run is done.
    pub fn advance(&mut self, max_events: u64) -> bool {
        let mut budget = max_events;
        while budget > 0 && !self.finished() {
            let sim = match self.current.as_mut() {
                Some(sim) => sim,
                None => {
                    let seed = self.first_seed.wrapping_add(self.done.len() as u64);
                    match Simulation::with_seed(&self.scenario, seed) {
                        Ok(sim) => self.current.insert(sim),
                        // Cannot happen: the same scenario built for the first seed, and
                        // seeds do not affect validation. Stop rather than loop.
                        Err(_) => return true,
                    }
                }
            };
            let step = sim.run_until(self.end_us, budget);
            budget = budget.saturating_sub(step.events.max(1));
            if step.reached {
                if let Some(sim) = self.current.take() {
                    self.done.push(figures(&sim.report(0.0), self.end_us));
                }
            }
        }
        self.finished()
    }

    pub fn finished(&self) -> bool {
        self.done.len() as u32 >= self.runs
    }

    /// Runs finished so far, and the fraction of the current one done (for a progress bar).
    pub fn progress(&self) -> f64 {
        let partial = self
            .current
            .as_ref()
            .map_or(0.0, |sim| sim.now_us() as f64 / self.end_us.max(1) as f64);
        ((self.done.len() as f64 + partial) / self.runs as f64).min(1.0)
    }

    pub fn runs_done(&self) -> u32 {
        self.done.len() as u32
    }

    pub fn per_run(&self) -> &[RunFigures] {
        &self.done
    }

    /// The figures over the runs done so far (all of them once `finished`).
    pub fn summary(&self) -> Summary {
        let req: Vec<f64> = self.done.iter().map(|r| r.availability).collect();
        let time: Vec<f64> = self.done.iter().map(|r| r.availability_over_time).collect();
        Summary {
            runs: self.done.len() as u32,
            first_seed: self.first_seed,
            duration_s: self.end_us / US_PER_S,
            availability: availability_over_runs(&req),
            availability_over_time: availability_over_runs(&time),
            analytic_availability: self.analytic,
            downtime_histogram: histogram(self.done.iter().map(|r| r.downtime_s)),
        }
    }
}

fn figures(r: &Report, end_us: TimeUs) -> RunFigures {
    RunFigures {
        seed: r.seed,
        availability: r.availability,
        availability_over_time: r.availability_over_time,
        downtime_s: (1.0 - r.availability_over_time) * end_us as f64 / US_PER_S as f64,
    }
}

fn histogram(downtimes: impl Iterator<Item = f64>) -> Vec<(f64, f64, u32)> {
    let v: Vec<f64> = downtimes.collect();
    if v.is_empty() {
        return Vec::new();
    }
    let max = v.iter().cloned().fold(0.0, f64::max);
    if max <= 0.0 {
        return vec![(0.0, 0.0, v.len() as u32)];
    }
    let width = max / HISTOGRAM_BARS as f64;
    let mut bars: Vec<(f64, f64, u32)> = (0..HISTOGRAM_BARS)
        .map(|i| (i as f64 * width, (i + 1) as f64 * width, 0))
        .collect();
    for x in v {
        let i = ((x / width) as usize).min(HISTOGRAM_BARS - 1);
        bars[i].2 += 1;
    }
    bars
}
