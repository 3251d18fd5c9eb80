//! What the UI (and tests) read: plain-data views of the simulation at one instant. The UI
//! never reaches into the engine's state; it renders snapshots and sends commands.
use super::metrics::{FailureReason, FailureRecord};
use super::time::TimeUs;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Clients,
    Balancer,
    Instance,
    Dns,
    Database,
    Gateway,
}

/// What to draw for a node: its true state, combined with what balancers believe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeStatus {
    Up,
    /// Up but slow or returning some errors (gray failure / added latency).
    Degraded,
    Starting,
    /// Failing health checks but not yet marked down.
    Suspected,
    /// Marked down by a balancer (the process may already be back, waiting for `rise`).
    Down,
    Crashed,
    Unreachable,
    /// A failed balancer.
    Failed,
    /// Stopped by its autoscaling group until the autoscaler launches it (`autoscaler.rs`).
    ScaledIn,
}

impl NodeStatus {
    pub fn name(self) -> &'static str {
        match self {
            NodeStatus::Up => "up",
            NodeStatus::Degraded => "degraded",
            NodeStatus::Starting => "starting",
            NodeStatus::Suspected => "suspected",
            NodeStatus::Down => "down",
            NodeStatus::Crashed => "crashed",
            NodeStatus::Unreachable => "unreachable",
            NodeStatus::Failed => "failed",
            NodeStatus::ScaledIn => "scaled in",
        }
    }

    /// Serving traffic normally?
    pub fn is_healthy(self) -> bool {
        matches!(self, NodeStatus::Up)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeView {
    pub id: u32,
    pub name: String,
    pub kind: NodeKind,
    pub status: NodeStatus,
    /// One line of explanation ("2/3 checks failed", "booting: 1.2 s left").
    pub detail: String,
    pub workers: u32,
    pub busy: u32,
    pub queue_len: u32,
    pub queue_capacity: u32,
    /// Requests currently at or through this node.
    pub in_flight: u32,
    /// The zone it runs in, if the scenario places it (clients: their region).
    pub zone: Option<String>,
    /// An instance's offered load ÷ capacity over the last second (1.0 = 100 %), when the
    /// scenario uses an overload option (issue 13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utilisation: Option<f64>,
    /// An overload state word: "over capacity", "shedding" (instances), "circuit open"
    /// (a balancer whose breaker refused in the last second).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overload: Option<&'static str>,
}

impl NodeView {
    /// A node without workers or a queue (clients, DNS, gateways, databases).
    pub fn plain(
        id: u32,
        name: String,
        kind: NodeKind,
        status: NodeStatus,
        detail: String,
        in_flight: u32,
        zone: Option<String>,
    ) -> NodeView {
        NodeView {
            id,
            name,
            kind,
            status,
            detail,
            workers: 0,
            busy: 0,
            queue_len: 0,
            queue_capacity: 0,
            in_flight,
            zone,
            utilisation: None,
            overload: None,
        }
    }
}

/// A zone or region, drawn as a box around its nodes.
#[derive(Clone, Debug, Serialize)]
pub struct DomainView {
    /// Id in the node id space (after the nodes), as used by failure records and logs.
    pub id: u32,
    pub name: String,
    pub kind: super::topology::DomainKind,
    /// The region of a zone.
    pub parent: Option<String>,
    pub down: bool,
}

/// A balancer's belief about one of its targets.
#[derive(Clone, Debug, Serialize)]
pub struct HealthView {
    pub state: &'static str,
    pub detail: String,
    pub in_rotation: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct EdgeView {
    pub from: u32,
    pub to: u32,
    /// Requests outstanding on this edge.
    pub in_flight: u32,
    /// For balancer → instance edges: the balancer's view of the target.
    pub health: Option<HealthView>,
    pub backup: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub sent: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub retried: u64,
    pub failed_by_reason: Vec<(FailureReason, u64)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LatencySummary {
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogKind {
    Fault,
    Suspicion,
    Detection,
    Recovery,
    Info,
}

#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub at_us: TimeUs,
    pub node: Option<u32>,
    pub kind: LogKind,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub now_us: TimeUs,
    pub events: u64,
    pub trace_hash: String,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    pub totals: Totals,
    pub availability: f64,
    pub latency: LatencySummary,
    /// p99 of the last complete second (ms), for the headline.
    pub recent_p99_ms: f64,
    pub log: Vec<LogEntry>,
    pub failures: Vec<FailureRecord>,
    pub failures_total: u64,
    pub domains: Vec<DomainView>,
    /// Partitioned pairs of zones/regions.
    pub partitions: Vec<(String, String)>,
    /// Nodes, zones and regions whose failure alone stops every request (with why).
    pub spofs: Vec<super::reliability::Spof>,
    /// The same question under the peak load (k of n per tier; see reliability/capacity.rs).
    pub capacity: super::reliability::capacity::CapacityAnalysis,
    /// Availability from MTBF / MTTR and the topology (1 without failure rates): exact,
    /// or an estimate when `analytic_estimate` is set.
    pub analytic_availability: f64,
    /// The Monte Carlo estimate's interval and samples, when the exact computation was
    /// past its work budget.
    pub analytic_estimate: Option<super::reliability::Estimate>,
    /// Fraction of simulated time so far during which the topology could serve.
    pub availability_over_time: f64,
    /// From the analytic figure to what users saw, step by step (the Reliability panel).
    pub breakdown: super::reliability::breakdown::Breakdown,
    pub dns: Option<DnsView>,
    pub cost: super::cost::CostReport,
    pub database: Option<DatabaseView>,
    /// Overload series (retries per second by layer, capacity, shed, overflow, dropped) for
    /// the last `OVERLOAD_SECONDS` seconds, when the scenario uses an overload option.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overload_series: Vec<super::overload_metrics::OverloadSecond>,
    /// Autoscaling groups: running / desired / min / max and the last decision with its
    /// formula (`autoscaling_view.rs`); empty without `autoscaling`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub autoscalers: Vec<super::autoscaling_view::AutoscalerView>,
}

/// Seconds of overload series a snapshot carries (the charts' window plus the current one).
pub const OVERLOAD_SECONDS: usize = 121;

/// The database panel: replication, data lost at failover (RPO), stalls, split brain.
#[derive(Clone, Debug, Serialize)]
pub struct DatabaseView {
    pub replication: &'static str,
    pub leader: String,
    /// Writes acknowledged but not yet applied on the standby, and how far behind (ms).
    pub lag_writes: u64,
    pub lag_ms: f64,
    pub stats: super::database::DbStats,
    pub fencing: bool,
}

/// The DNS panel: what it answers and how many clients still hold a stale answer.
#[derive(Clone, Debug, Serialize)]
pub struct DnsView {
    pub name: String,
    pub ttl_s: u64,
    /// The record target it answers now.
    pub answering: String,
    pub records: Vec<DnsRecordView>,
    /// Clients holding a valid cached answer, and of those the ones pointing at an
    /// endpoint that cannot serve (they keep failing until the TTL runs out).
    pub cached_clients: u32,
    pub stale_clients: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct DnsRecordView {
    pub target: String,
    pub role: &'static str,
    pub healthy: bool,
    pub health_checked: bool,
}

/// Kind of a request/response hop, for the animation overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransferKind {
    Request,
    Success,
    Failure,
    /// A retry (client, gateway or balancer): drawn apart from first attempts.
    Retry,
}

/// One message on one edge: drawn as a dot moving from `from` to `to` between the two times.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Transfer {
    pub from: u32,
    pub to: u32,
    pub depart_us: TimeUs,
    pub arrive_us: TimeUs,
    pub kind: TransferKind,
}
