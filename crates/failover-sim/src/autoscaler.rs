//! The autoscaler's state machine, pure (no engine, no clock of its own): it is fed one
//! utilisation sample a second and answers with a decision when a metric period closes.
//!
//! Target tracking, as AWS EC2 Auto Scaling and the Kubernetes HPA both do it: the count
//! that would bring the average utilisation back to the target is
//! `desired = ceil(current × currentMetricValue / desiredMetricValue)` (the HPA's documented
//! formula), clamped to [min, max]. Scale out when the metric has been above the target for
//! `scale_out_datapoints` periods in a row, scale in after `scale_in_datapoints` below it
//! (to the highest recommendation of that window, no scale-in while an instance warms up).
//! Utilisation is busy workers ÷ workers, so like CPU it cannot pass 100 %: a saturated
//! group under-reports its need and grows at most ×(100 ÷ target) per decision.
use super::autoscaling_spec::ResolvedAutoscaling;
use super::time::TimeUs;
use serde::Serialize;
use std::collections::VecDeque;

/// One sample a second: the metric period is a whole number of these.
pub const SAMPLE_INTERVAL_MS: u64 = 1_000;

/// The proportional rule: `ceil(current × metric ÷ target)`. A hair of slack keeps an
/// exact ratio (3 × 50 % / 50 %) from rounding up through floating-point noise.
pub fn desired_count(current: u32, metric_percent: f64, target_percent: f64) -> u32 {
    let measurable = target_percent.is_finite() && target_percent > 0.0;
    if !measurable || !metric_percent.is_finite() || metric_percent <= 0.0 {
        return 0;
    }
    let exact = current as f64 * metric_percent / target_percent;
    libm::ceil(exact - 1e-9).max(0.0) as u32
}

/// Whether metric ÷ target is within `tolerance_percent` of 1 (the HPA's no-action band).
pub fn within_tolerance(metric_percent: f64, target_percent: f64, tolerance_percent: f64) -> bool {
    let ratio = metric_percent / target_percent;
    (ratio - 1.0).abs() <= tolerance_percent / 100.0
}

/// Where a member of the group is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberState {
    /// Stopped: not running, not registered with the balancer.
    ScaledIn,
    /// Launched at this time: booting, then warming up (metrics not counted yet).
    Launching { since_us: TimeUs },
    /// Running and counted in the metric.
    InService,
    /// Scaled in: draining its in-flight requests before it stops.
    Draining,
}

impl MemberState {
    pub fn word(self) -> &'static str {
        match self {
            MemberState::ScaledIn => "scaled in",
            MemberState::Launching { .. } => "launching",
            MemberState::InService => "in service",
            MemberState::Draining => "scaling in",
        }
    }

    /// Counted in the desired capacity (launched, not being scaled in).
    pub fn wanted(self) -> bool {
        matches!(self, MemberState::Launching { .. } | MemberState::InService)
    }
}

/// A change of the desired count, with the numbers of its formula.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    pub at_us: TimeUs,
    pub from: u32,
    pub to: u32,
    /// The instances the formula counted (in service, past their warm-up).
    pub counted: u32,
    pub metric_percent: f64,
    pub target_percent: f64,
    pub period_ms: u64,
    /// ceil(counted × metric ÷ target) before the clamp to [min, max].
    pub raw: u32,
}

/// What the engine must do after a datapoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    None,
    ScaleOut(u32),
    ScaleIn(u32),
}

#[derive(Clone, Debug)]
pub struct Autoscaler {
    pub balancer: u32,
    pub cfg: ResolvedAutoscaling,
    /// The group's instances (engine indices), in the balancer's target order.
    pub members: Vec<u32>,
    pub states: Vec<MemberState>,
    samples_sum: f64,
    samples: u32,
    /// Seconds into the current metric period.
    ticks: u64,
    high_streak: u32,
    low_streak: u32,
    /// Recommendations of the current run of low datapoints (the scale-in window).
    low_recommendations: VecDeque<u32>,
    /// The last closed datapoint (percent), for the view.
    pub last_metric_percent: Option<f64>,
    pub last_decision: Option<Decision>,
    pub decisions: u32,
}

impl Autoscaler {
    /// A group of `members`; the first `desired_capacity` run, the rest are scaled in.
    pub fn new(balancer: u32, cfg: ResolvedAutoscaling, members: Vec<u32>) -> Self {
        let states = (0..members.len())
            .map(|k| {
                if (k as u32) < cfg.desired_capacity {
                    MemberState::InService
                } else {
                    MemberState::ScaledIn
                }
            })
            .collect();
        Autoscaler {
            balancer,
            cfg,
            members,
            states,
            samples_sum: 0.0,
            samples: 0,
            ticks: 0,
            high_streak: 0,
            low_streak: 0,
            low_recommendations: VecDeque::new(),
            last_metric_percent: None,
            last_decision: None,
            decisions: 0,
        }
    }

    /// Launched and not being scaled in: the vendor's desired capacity.
    pub fn desired(&self) -> u32 {
        self.states.iter().filter(|s| s.wanted()).count() as u32
    }

    pub fn warming(&self) -> bool {
        self.states
            .iter()
            .any(|s| matches!(s, MemberState::Launching { .. }))
    }

    fn samples_per_period(&self) -> u64 {
        (self.cfg.metric_period_ms / SAMPLE_INTERVAL_MS).max(1)
    }

    /// One second's sample: the mean utilisation (0–1) of the instances counted now, or None
    /// when none is (no datapoint part). True when this sample closes a metric period.
    pub fn sample(&mut self, utilisation: Option<f64>) -> bool {
        if let Some(u) = utilisation {
            self.samples_sum += u;
            self.samples += 1;
        }
        self.ticks += 1;
        self.ticks >= self.samples_per_period()
    }

    /// Close the period: the datapoint, the alarms, and what to do. `counted` is how many
    /// instances the metric averaged over (in service now).
    pub fn close_period(&mut self, now: TimeUs, counted: u32) -> (Action, Option<Decision>) {
        self.ticks = 0;
        let samples = std::mem::take(&mut self.samples);
        let sum = std::mem::take(&mut self.samples_sum);
        if samples == 0 || counted == 0 {
            // AWS: INSUFFICIENT_DATA; the alarms keep their streaks neither way.
            self.last_metric_percent = None;
            return (Action::None, None);
        }
        let metric = sum / samples as f64 * 100.0;
        self.last_metric_percent = Some(metric);
        let (target, cfg) = (self.cfg.target_utilisation_percent, self.cfg);
        let raw = desired_count(counted, metric, target);
        let recommended = raw.clamp(cfg.min_capacity, cfg.max_capacity);
        let desired = self.desired();
        let decision = |to: u32| Decision {
            at_us: now,
            from: desired,
            to,
            counted,
            metric_percent: metric,
            target_percent: target,
            period_ms: cfg.metric_period_ms,
            raw,
        };
        if within_tolerance(metric, target, cfg.tolerance_percent) {
            self.high_streak = 0;
            self.low_streak = 0;
            self.low_recommendations.clear();
            return (Action::None, None);
        }
        if metric > target {
            self.high_streak += 1;
            self.low_streak = 0;
            self.low_recommendations.clear();
            // The alarm stays in ALARM and acts every period while it holds; instances
            // still warming up count in `desired`, so they are not launched twice.
            if self.high_streak >= cfg.scale_out_datapoints && recommended > desired {
                let d = decision(recommended);
                self.record(&d);
                return (Action::ScaleOut(recommended - desired), Some(d));
            }
            return (Action::None, None);
        }
        self.low_streak += 1;
        self.high_streak = 0;
        self.low_recommendations.push_back(recommended);
        while self.low_recommendations.len() > cfg.scale_in_datapoints as usize {
            self.low_recommendations.pop_front();
        }
        if self.low_streak >= cfg.scale_in_datapoints && !self.warming() {
            let safest = self
                .low_recommendations
                .iter()
                .copied()
                .max()
                .unwrap_or(desired)
                .max(cfg.min_capacity);
            if safest < desired {
                let mut d = decision(safest);
                d.raw = raw;
                self.record(&d);
                // A new scale-in needs a whole new window below the target.
                self.low_streak = 0;
                self.low_recommendations.clear();
                return (Action::ScaleIn(desired - safest), Some(d));
            }
        }
        (Action::None, None)
    }

    fn record(&mut self, d: &Decision) {
        self.last_decision = Some(d.clone());
        self.decisions += 1;
    }
}

impl Decision {
    /// The formula in the vendor's words: "desired capacity = ceil(3 × 92.0 % / 50 %) = 6".
    pub fn formula(&self, vendor: super::autoscaling_spec::AutoscalingVendor) -> String {
        let mut s = format!(
            "{} = ceil({} × {:.1} % / {} %) = {}",
            vendor.capacity_word(),
            self.counted,
            self.metric_percent,
            fmt_percent(self.target_percent),
            self.raw
        );
        if self.raw > self.to {
            s.push_str(&format!(" → {} (the group's max)", self.to));
        } else if self.raw < self.to {
            s.push_str(&format!(
                " → {} (the group's min, or the highest recommendation of the scale-in window)",
                self.to
            ));
        }
        s
    }

    /// The event log's line: "autoscaler: 3 → 6 instances (utilisation 92 % over 60 s,
    /// target 50 %)".
    pub fn summary(&self) -> String {
        format!(
            "{} → {} instances (utilisation {:.0} % over {} s, target {} %)",
            self.from,
            self.to,
            self.metric_percent,
            self.period_ms / 1_000,
            fmt_percent(self.target_percent)
        )
    }
}

/// 50 → "50", 72.5 → "72.5".
fn fmt_percent(p: f64) -> String {
    if (p - libm::round(p)).abs() < 1e-9 {
        format!("{}", libm::round(p) as i64)
    } else {
        format!("{p:.1}")
    }
}
