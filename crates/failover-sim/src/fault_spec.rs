//! Timed commands in the scenario format: the fault verbs (chaos-tool vocabulary), `set` and
//! its values. Part of `scenario.rs`'s format, re-exported from there; the engine runs them
//! (`engine/commands.rs`).
use serde::{Deserialize, Serialize};

/// Fault verbs (chaos-tool vocabulary) and parameter changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultAction {
    /// The process dies: connections are refused at once; requests in flight are lost.
    Crash,
    /// The host stops answering (power, network): checks and requests hang until timeouts.
    Unreachable,
    /// Fail a balancer (it refuses every connection).
    Fail,
    /// Undo every fault on the node: restart it (through `startup_ms`) or bring it back.
    Heal,
    /// Add latency to every response (`extra_latency_ms`).
    AddLatency,
    /// Gray failure: slow and/or a fraction of 500s while health checks still pass.
    Gray,
    /// Change a parameter (`param`, `value`).
    Set,
    /// Cut the network between two zones or regions (`node` and `peer`).
    Partition,
    /// Undo a `partition` between `node` and `peer`.
    Repair,
    // Last, so the earlier actions keep their numbers in the trace hash.
    /// The process stops (SIGSTOP, a GC pause, a deadlock) while its host is fine: the
    /// kernel's full accept backlog lets new connections time out, requests it had accepted
    /// hang until the client or server timeout, checks time out. Healed, it resumes.
    Freeze,
    /// Take an instance out of every balancer's rotation for new requests while its
    /// in-flight ones finish (HAProxy `drain`, ALB deregistration); `heal` puts it back.
    Drain,
    /// A planned stop: drain, then stop the process once its in-flight requests are done or
    /// the balancer's `deregistration_delay_ms` has passed (what is left then is cut).
    Stop,
    /// Push a new configuration to an instance, or to every target of a balancer at once;
    /// `error_rate` is the share of requests it breaks (default 1: requests and checks fail).
    PushConfig,
    /// Roll a new configuration out over a balancer's targets batch by batch (its
    /// `rollout` policy), halting and rolling back when a changed target leaves rotation.
    Canary,
    /// The instance alternates between failing and passing (requests and checks) every
    /// `value` ms (default 4,000) until healed.
    Flap,
}

impl FaultAction {
    pub fn name(self) -> &'static str {
        match self {
            FaultAction::Crash => "crash",
            FaultAction::Unreachable => "unreachable",
            FaultAction::Freeze => "freeze",
            FaultAction::Fail => "fail",
            FaultAction::Heal => "heal",
            FaultAction::AddLatency => "add-latency",
            FaultAction::Gray => "gray",
            FaultAction::Set => "set",
            FaultAction::Partition => "partition",
            FaultAction::Repair => "repair",
            FaultAction::Drain => "drain",
            FaultAction::Stop => "stop",
            FaultAction::PushConfig => "push-config",
            FaultAction::Canary => "canary",
            FaultAction::Flap => "flap",
        }
    }
    pub fn parse(s: &str) -> Option<FaultAction> {
        [
            FaultAction::Crash,
            FaultAction::Unreachable,
            FaultAction::Freeze,
            FaultAction::Fail,
            FaultAction::Heal,
            FaultAction::AddLatency,
            FaultAction::Gray,
            FaultAction::Set,
            FaultAction::Partition,
            FaultAction::Repair,
            FaultAction::Drain,
            FaultAction::Stop,
            FaultAction::PushConfig,
            FaultAction::Canary,
            FaultAction::Flap,
        ]
        .into_iter()
        .find(|a| a.name() == s)
    }
}

/// A value for `set`: a number, a word or a switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Number(n) => write!(f, "{n}"),
            ParamValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// A timed command: scheduled in the scenario, typed on the CLI, or clicked in the browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub at_ms: u64,
    pub action: FaultAction,
    /// A balancer, instance, zone or region name, or `clients` for traffic parameters.
    pub node: String,
    /// The other side of a `partition` / `repair` (a zone or region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_latency_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ParamValue>,
}

impl Fault {
    pub fn new(at_ms: u64, action: FaultAction, node: &str) -> Fault {
        Fault {
            at_ms,
            action,
            node: node.to_string(),
            peer: None,
            extra_latency_ms: None,
            error_rate: None,
            param: None,
            value: None,
        }
    }

    pub fn set(at_ms: u64, node: &str, param: &str, value: ParamValue) -> Fault {
        Fault {
            param: Some(param.to_string()),
            value: Some(value),
            ..Fault::new(at_ms, FaultAction::Set, node)
        }
    }
}
