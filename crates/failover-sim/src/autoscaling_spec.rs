//! The scenario format's autoscaling settings: a balancer's targets as a scaling group
//! (AWS EC2 Auto Scaling group with a target tracking policy by default, or a Kubernetes
//! HorizontalPodAutoscaler). The diagram's topology is static, so the group is the
//! balancer's declared instances: the first `desired_capacity` run at start, the others are
//! "scaled in" (stopped) until the autoscaler launches them. Opt-in: a balancer without
//! `autoscaling` runs exactly as before (same trace hash). The state machine is in
//! `autoscaler.rs`, the events in `engine/autoscaling.rs`, the checks in
//! `validate_autoscaling.rs`.
use serde::{Deserialize, Serialize};

/// Whose names and defaults fill the fields left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AutoscalingVendor {
    /// EC2 Auto Scaling target tracking on `ASGAverageCPUUtilization`: one-minute metrics,
    /// the scale-out alarm after 3 datapoints above the target, the scale-in alarm after 15
    /// below, no scale-in while an instance warms up (`DefaultInstanceWarmup`).
    #[default]
    Aws,
    /// Kubernetes HPA: a sync every 15 s (`--horizontal-pod-autoscaler-sync-period`), no
    /// action within the 10 % tolerance, scale-up at once, scale-down to the highest
    /// recommendation of the 300 s stabilization window.
    Kubernetes,
}

impl AutoscalingVendor {
    pub fn name(self) -> &'static str {
        match self {
            AutoscalingVendor::Aws => "AWS EC2 Auto Scaling target tracking",
            AutoscalingVendor::Kubernetes => "Kubernetes HorizontalPodAutoscaler",
        }
    }

    /// What the vendor calls the running count it changes.
    pub fn capacity_word(self) -> &'static str {
        match self {
            AutoscalingVendor::Aws => "desired capacity",
            AutoscalingVendor::Kubernetes => "desiredReplicas",
        }
    }
}

/// `balancers[].autoscaling`. Counts are instances of the balancer's target list, in
/// target order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    #[serde(default)]
    pub vendor: AutoscalingVendor,
    /// AWS `MinSize` / HPA `minReplicas`.
    #[serde(default = "default_min_capacity")]
    pub min_capacity: u32,
    /// AWS `MaxSize` / HPA `maxReplicas`; left out: every target of the balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<u32>,
    /// AWS `DesiredCapacity` at start (HPA: the Deployment's `replicas`): the first this
    /// many targets run at 0 s; left out: `min_capacity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_capacity: Option<u32>,
    /// AWS `TargetValue` of `ASGAverageCPUUtilization` / HPA `averageUtilization`: the
    /// average utilisation (busy workers ÷ workers) to keep, in percent. Default 50.
    #[serde(default = "default_target_percent")]
    pub target_utilisation_percent: f64,
    /// One datapoint of the metric per period (AWS: 60 s, detailed monitoring; HPA: the
    /// 15 s sync period). A whole number of seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_period_ms: Option<u64>,
    /// Datapoints in a row above the target before scaling out (AWS alarm: 3; HPA: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_out_datapoints: Option<u32>,
    /// Datapoints in a row below the target before scaling in (AWS alarm: 15; HPA: 20,
    /// its 300 s stabilization window over 15 s syncs). The group scales in to the highest
    /// count any of them recommended, and the next scale-in needs a whole new window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_in_datapoints: Option<u32>,
    /// No action while |metric ÷ target − 1| is within this (AWS: 0; HPA: 10 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_percent: Option<f64>,
    /// AWS `DefaultInstanceWarmup`: after its launch an instance's metrics are not counted
    /// and the group does not scale in (AWS: 300 s; HPA: 0, a Pod counts once Ready).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_warmup_ms: Option<u64>,
}

impl Default for Autoscaling {
    fn default() -> Self {
        Autoscaling {
            vendor: AutoscalingVendor::Aws,
            min_capacity: default_min_capacity(),
            max_capacity: None,
            desired_capacity: None,
            target_utilisation_percent: default_target_percent(),
            metric_period_ms: None,
            scale_out_datapoints: None,
            scale_in_datapoints: None,
            tolerance_percent: None,
            instance_warmup_ms: None,
        }
    }
}

fn default_min_capacity() -> u32 {
    1
}

fn default_target_percent() -> f64 {
    50.0
}

/// Every parameter with the vendor's default filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResolvedAutoscaling {
    pub vendor: AutoscalingVendor,
    pub min_capacity: u32,
    pub max_capacity: u32,
    pub desired_capacity: u32,
    pub target_utilisation_percent: f64,
    pub metric_period_ms: u64,
    pub scale_out_datapoints: u32,
    pub scale_in_datapoints: u32,
    pub tolerance_percent: f64,
    pub instance_warmup_ms: u64,
}

impl Autoscaling {
    /// The settings in force for a group of `pool` targets (validation keeps min ≤ desired
    /// ≤ max ≤ pool; the clamps only keep a bad value from panicking).
    pub fn resolve(&self, pool: u32) -> ResolvedAutoscaling {
        let aws = self.vendor == AutoscalingVendor::Aws;
        let max = self.max_capacity.unwrap_or(pool).min(pool);
        let min = self.min_capacity.min(max);
        ResolvedAutoscaling {
            vendor: self.vendor,
            min_capacity: min,
            max_capacity: max,
            desired_capacity: self.desired_capacity.unwrap_or(min).clamp(min, max),
            target_utilisation_percent: self.target_utilisation_percent,
            metric_period_ms: self
                .metric_period_ms
                .unwrap_or(if aws { 60_000 } else { 15_000 }),
            scale_out_datapoints: self.scale_out_datapoints.unwrap_or(if aws { 3 } else { 1 }),
            scale_in_datapoints: self
                .scale_in_datapoints
                .unwrap_or(if aws { 15 } else { 20 }),
            tolerance_percent: self
                .tolerance_percent
                .unwrap_or(if aws { 0.0 } else { 10.0 }),
            instance_warmup_ms: self
                .instance_warmup_ms
                .unwrap_or(if aws { 300_000 } else { 0 }),
        }
    }
}
