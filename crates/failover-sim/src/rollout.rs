//! Configuration rollouts: the same change pushed to every instance at once (one bad config
//! takes down every "redundant" copy together: a common-mode failure) or batch by batch, a
//! canary first, halted and rolled back when the balancer's health checks (or its outlier
//! detection) take a changed instance out of rotation (AWS CodeDeploy / Argo Rollouts style).
//!
//! The policy lives on a balancer (`rollout`); the `canary` command on that balancer starts
//! a rollout of its targets in order, `push-config` changes an instance (or every target of
//! a balancer) at once. The engine side is `engine/rollouts.rs`.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutPolicy {
    /// Instances changed per batch (the first batch is the canary).
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    /// How long a batch runs before the next one (CodeDeploy's wait / Argo's `pause`): the
    /// health checks must be able to fail within it.
    #[serde(default = "default_bake_ms")]
    pub bake_ms: u64,
}

fn default_batch_size() -> u32 {
    1
}
fn default_bake_ms() -> u64 {
    30_000
}

impl Default for RolloutPolicy {
    fn default() -> Self {
        RolloutPolicy {
            batch_size: default_batch_size(),
            bake_ms: default_bake_ms(),
        }
    }
}

/// A rollout under way on one balancer.
#[derive(Clone, Debug, PartialEq)]
pub struct Rollout {
    pub balancer: u32,
    /// Target slots in rollout order, and how many have the new config.
    pub order: Vec<u32>,
    pub done: usize,
    /// Batches pushed so far.
    pub batches: u32,
    /// The new config's error rate (1: a broken config that fails requests and checks).
    pub error_rate: f64,
    pub state: RolloutState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutState {
    Baking,
    Completed,
    /// Halted after this many batches, and rolled back.
    Halted,
}

impl RolloutState {
    pub fn name(self) -> &'static str {
        match self {
            RolloutState::Baking => "in progress",
            RolloutState::Completed => "completed",
            RolloutState::Halted => "halted and rolled back",
        }
    }
}

/// An instance's cold start: for `warmup_ms` after it (re)starts, requests take
/// `service_time_multiplier` times as long (empty caches, JIT, connection pools) — what
/// makes a recovered instance's full share at once a thundering herd.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColdStart {
    pub warmup_ms: u64,
    #[serde(default = "default_multiplier")]
    pub service_time_multiplier: f64,
}

fn default_multiplier() -> f64 {
    4.0
}
