//! Active health checks in the scenario format: vendor presets (HAProxy, AWS ALB, Kubernetes)
//! and the fields that override them, resolved to one complete set of parameters. Part of
//! `scenario.rs`'s format, re-exported from there; `health_check.rs` is the state machine.
use crate::scenario::*;
use serde::{Deserialize, Serialize};

/// Vendor presets for active health checks (defaults from each system's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckPreset {
    Haproxy,
    AwsAlb,
    Kubernetes,
}

impl CheckPreset {
    pub const ALL: [CheckPreset; 3] = [
        CheckPreset::Haproxy,
        CheckPreset::AwsAlb,
        CheckPreset::Kubernetes,
    ];
    pub fn name(self) -> &'static str {
        match self {
            CheckPreset::Haproxy => "haproxy",
            CheckPreset::AwsAlb => "aws-alb",
            CheckPreset::Kubernetes => "kubernetes",
        }
    }
    pub fn parse(s: &str) -> Option<CheckPreset> {
        CheckPreset::ALL.into_iter().find(|p| p.name() == s)
    }
    pub fn describe(self) -> &'static str {
        match self {
            CheckPreset::Haproxy => "HAProxy: inter 2 s, rise 2, fall 3, timeout check = inter; next check inter after the last one ends; servers start UP at rise (one failure before a first pass marks them DOWN)",
            CheckPreset::AwsAlb => "AWS ALB: HealthCheckIntervalSeconds 30, timeout 5 s, HealthyThresholdCount 5, UnhealthyThresholdCount 2; targets start in `initial`",
            CheckPreset::Kubernetes => "Kubernetes readiness: periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1; pods start not ready",
        }
    }
    /// The preset's full parameter set.
    pub fn params(self) -> ResolvedCheck {
        match self {
            CheckPreset::Haproxy => ResolvedCheck {
                inter_ms: 2_000,
                fastinter_ms: 2_000,
                downinter_ms: 2_000,
                rise: 2,
                fall: 3,
                timeout_ms: 2_000,
                timeout_bounds_read: false,
                start_healthy: true,
                start_at_rise: true,
                served_by_queue: false,
                liveness: false,
            },
            CheckPreset::AwsAlb => ResolvedCheck {
                inter_ms: 30_000,
                fastinter_ms: 30_000,
                downinter_ms: 30_000,
                rise: 5,
                fall: 2,
                timeout_ms: 5_000,
                timeout_bounds_read: false,
                start_healthy: false,
                start_at_rise: false,
                served_by_queue: false,
                liveness: false,
            },
            CheckPreset::Kubernetes => ResolvedCheck {
                inter_ms: 10_000,
                fastinter_ms: 10_000,
                downinter_ms: 10_000,
                rise: 1,
                fall: 3,
                timeout_ms: 1_000,
                timeout_bounds_read: false,
                start_healthy: false,
                start_at_rise: false,
                served_by_queue: false,
                liveness: false,
            },
        }
    }
}

/// Active health check settings. Every field left out comes from `preset` (HAProxy's
/// defaults when no preset is named); HAProxy's own rule that `fastinter` and `downinter`
/// default to `inter` applies when `inter_ms` is overridden alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<CheckPreset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastinter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downinter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rise: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fall: Option<u32>,
    /// HAProxy `timeout check` (ALB `HealthCheckTimeoutSeconds`). HAProxy: unset, the whole
    /// check must finish within `inter`; set, it bounds the read and the connect waits
    /// min(`timeout connect`, `inter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Whether a target counts as healthy before its first check (HAProxy yes, ALB no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_healthy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<CheckServedBy>,
    /// Kubernetes liveness probe: after `fall` (`failureThreshold`) failures the kubelet
    /// restarts the instance instead of only taking it out of rotation (readiness).
    #[serde(default, skip_serializing_if = "is_false")]
    pub liveness: bool,
}

/// A health check with every parameter filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedCheck {
    pub inter_ms: u64,
    pub fastinter_ms: u64,
    pub downinter_ms: u64,
    pub rise: u32,
    pub fall: u32,
    pub timeout_ms: u64,
    /// HAProxy with `timeout check` given: `timeout_ms` bounds the read only, and a host that
    /// never answers the connect fails the check after min(`timeout connect`, `inter`).
    /// Otherwise `timeout_ms` bounds the whole check.
    #[serde(default)]
    pub timeout_bounds_read: bool,
    pub start_healthy: bool,
    /// HAProxy starts a server's health counter at `rise`: UP, but one failed check before
    /// its first pass marks it DOWN (`fall` applies once it has passed a check).
    #[serde(default)]
    pub start_at_rise: bool,
    /// Checks answered by the instance's workers behind its queue (`CheckServedBy`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub served_by_queue: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub liveness: bool,
}

impl HealthCheck {
    pub fn resolve(&self) -> ResolvedCheck {
        let preset = self.preset.unwrap_or(CheckPreset::Haproxy);
        let base = preset.params();
        let inter = self.inter_ms.unwrap_or(base.inter_ms);
        // HAProxy: `timeout check` unset → `inter` bounds the whole check; set → the read.
        // ALB and Kubernetes: their timeout always bounds the whole probe.
        let haproxy = preset == CheckPreset::Haproxy;
        let (timeout_ms, timeout_bounds_read) = match self.timeout_ms {
            None if haproxy => (inter, false),
            None => (base.timeout_ms, false),
            Some(t) => (t, haproxy),
        };
        // HAProxy: fastinter/downinter default to inter; follow an overridden inter.
        let follow = |v: Option<u64>, preset_v: u64| {
            v.unwrap_or(if self.inter_ms.is_some() {
                inter
            } else {
                preset_v
            })
        };
        ResolvedCheck {
            inter_ms: inter,
            fastinter_ms: follow(self.fastinter_ms, base.fastinter_ms),
            downinter_ms: follow(self.downinter_ms, base.downinter_ms),
            rise: self.rise.unwrap_or(base.rise),
            fall: self.fall.unwrap_or(base.fall),
            timeout_ms,
            timeout_bounds_read,
            start_healthy: self.start_healthy.unwrap_or(base.start_healthy),
            start_at_rise: base.start_at_rise,
            served_by_queue: self.served_by == Some(CheckServedBy::RequestQueue),
            liveness: self.liveness,
        }
    }
}
