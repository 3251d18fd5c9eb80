//! Everything that can happen, as plain data. Events carry indices, never references, and
//! a stale event (for a request already finished, an attempt already superseded, an
//! instance that crashed since) is recognised by its generation/epoch and ignored.
use super::request::ReqRef;

/// Why a connection attempt from a balancer (or a client) to an instance failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptFailure {
    /// Nothing listens: a crashed or booting process answers RST at once.
    Refused,
    /// The host never answered within `timeout_connect_ms`.
    ConnectTimeout,
    /// The server closed the connection mid-request (it crashed while serving it).
    Reset,
    /// `timeout_server_ms` expired with no response.
    ServerTimeout,
}

/// The answer that travels back up the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// 500 from a gray-failing instance.
    ServerError,
    /// 503 from a full queue.
    QueueFull,
    /// 503 from a balancer with no healthy target.
    NoHealthyTarget,
    /// Connection refused (by the balancer itself, or by the instance when called directly).
    Refused,
    /// 504: a timeout at the balancer.
    Timeout,
    /// The name could not be resolved.
    DnsFailure,
    /// The connection died mid-request.
    Reset,
    /// 503 from a balancer whose request waited `timeout queue` for a server under its
    /// `maxconn` (`server_queue.rs`).
    QueueTimeout,
}

/// Every queued event is moved many times by the heap's sifts, so its size is the queue's
/// cost on every event (more so on wasm32): keep it within 16 bytes, with bulky payloads in
/// a side slab of the engine (as `db_call::DbCalls` does for database round trips).
#[derive(Clone, Copy, Debug)]
pub enum Event {
    Arrival {
        gen: u32,
    },
    RateStep,
    /// Client timeouts are kept in their own time-ordered list (`Simulation::deadlines`);
    /// one sweep event stands for the earliest, so requests that finish in time cost no event.
    DeadlineSweep,
    AtBalancer(ReqRef),
    /// A request reaches an API gateway; a gateway's connection to a balancer failed
    /// (`refused` at once, or no answer within its connect timeout); an answer comes back
    /// through the gateway on its way to the client.
    AtGateway(ReqRef),
    GatewayRetry {
        r: ReqRef,
        refused: bool,
    },
    ResponseAtGateway {
        r: ReqRef,
        status: Status,
    },
    AtInstance {
        r: ReqRef,
        attempt: u32,
    },
    AttemptFailed {
        r: ReqRef,
        attempt: u32,
        why: AttemptFailure,
    },
    RetryNow {
        r: ReqRef,
        attempt: u32,
    },
    ServerTimeout {
        r: ReqRef,
        attempt: u32,
    },
    ServiceDone {
        instance: u32,
        worker: u32,
        epoch: u32,
    },
    ResponseAtBalancer {
        r: ReqRef,
        attempt: u32,
        status: Status,
    },
    ResponseAtClient {
        r: ReqRef,
        status: Status,
    },
    CheckStart {
        checker: u32,
        seq: u32,
    },
    CheckResult {
        checker: u32,
        seq: u32,
        ok: bool,
    },
    InstanceBooted {
        instance: u32,
        epoch: u32,
    },
    AutoRestart {
        instance: u32,
        epoch: u32,
    },
    /// Random failure (MTBF) of a node, and its repair (MTTR); `node` is the engine node id.
    RandomFailure {
        node: u32,
    },
    RandomRepair {
        node: u32,
    },
    /// A Route 53 health check of DNS record `record`, and its late result (a silent
    /// endpoint answers only after the checker's 4 s connection timeout).
    DnsCheck {
        record: u32,
        seq: u32,
    },
    DnsCheckResult {
        record: u32,
        seq: u32,
        ok: bool,
    },
    /// A query from an instance's worker reaches its database node, and its answer comes
    /// back (or the worker gives up). The payload (worker, job, node, answer) waits in the
    /// engine's `DbCalls` slab under `call`, which keeps `Event` small; `instance` stays
    /// here because it is the trace subject.
    DbQuery {
        instance: u32,
        call: u32,
    },
    DbReply {
        instance: u32,
        call: u32,
    },
    DbTimeout {
        instance: u32,
        call: u32,
    },
    /// Patroni's loop: the leader renews its lock, the standby watches it.
    DbLease {
        epoch: u32,
    },
    DbPromote {
        epoch: u32,
    },
    DbReconnect {
        instance: u32,
    },
    /// A planned `stop`: the deregistration delay is over; what is still in flight is cut.
    StopDue {
        instance: u32,
        epoch: u32,
    },
    /// A restarted instance's cold start (`cold_start.warmup_ms`) is over.
    WarmedUp {
        instance: u32,
        epoch: u32,
    },
    /// A canary rollout's batch has baked: look at its health, then go on or halt.
    RolloutStep {
        rollout: u32,
        batch: u32,
    },
    /// An outlier ejection ends (Envoy's detector tick): logged, the pick already knows.
    Unejected {
        balancer: u32,
        slot: u32,
    },
    /// A client's backoff is over: it sends the failed request again
    /// (`engine/client_retries.rs`).
    ClientRetry(ReqRef),
    /// The autoscaler's one-second sample (`engine/autoscaling.rs`); a metric period
    /// closes every `metric_period_ms`.
    AutoscalerTick {
        autoscaler: u32,
    },
    /// A request waiting in a balancer's queue (its wait numbered `attempt`) reached
    /// `timeout queue` (`engine/server_queue.rs`).
    QueueTimeout {
        r: ReqRef,
        attempt: u32,
    },
}

impl Event {
    /// (kind code, subject) for the trace hash. Codes are part of the golden hashes: do not
    /// renumber.
    pub fn trace_key(&self) -> (u8, u32) {
        match *self {
            Event::Arrival { .. } => (0, 0),
            Event::RateStep => (1, 0),
            Event::DeadlineSweep => (2, 0),
            Event::AtBalancer(r) => (3, r.slot),
            Event::AtInstance { r, .. } => (4, r.slot),
            Event::AttemptFailed { r, .. } => (5, r.slot),
            Event::RetryNow { r, .. } => (6, r.slot),
            Event::ServerTimeout { r, .. } => (7, r.slot),
            Event::ServiceDone { instance, .. } => (8, instance),
            Event::ResponseAtBalancer { r, .. } => (9, r.slot),
            Event::ResponseAtClient { r, .. } => (10, r.slot),
            Event::CheckStart { checker, .. } => (11, checker),
            Event::CheckResult { checker, .. } => (12, checker),
            Event::InstanceBooted { instance, .. } => (13, instance),
            Event::AutoRestart { instance, .. } => (14, instance),
            Event::RandomFailure { node } => (16, node),
            Event::RandomRepair { node } => (17, node),
            Event::DnsCheck { record, .. } => (18, record),
            Event::DnsCheckResult { record, .. } => (19, record),
            Event::DbQuery { instance, .. } => (20, instance),
            Event::DbReply { instance, .. } => (21, instance),
            Event::DbTimeout { instance, .. } => (22, instance),
            Event::DbLease { epoch } => (23, epoch),
            Event::DbPromote { epoch } => (24, epoch),
            Event::DbReconnect { instance } => (25, instance),
            Event::AtGateway(r) => (26, r.slot),
            Event::GatewayRetry { r, .. } => (27, r.slot),
            Event::ResponseAtGateway { r, .. } => (28, r.slot),
            // The recovery events start at 40, leaving room below for other additions.
            Event::StopDue { instance, .. } => (40, instance),
            Event::WarmedUp { instance, .. } => (41, instance),
            Event::RolloutStep { rollout, .. } => (42, rollout),
            Event::Unejected { balancer, slot } => (43, balancer << 16 ^ slot),
            Event::ClientRetry(r) => (29, r.slot),
            Event::AutoscalerTick { autoscaler } => (50, autoscaler),
            Event::QueueTimeout { r, .. } => (30, r.slot),
        }
    }
}

const _: () = assert!(std::mem::size_of::<Event>() <= 16);

/// Trace code of an applied command (faults are part of the trace too).
pub const TRACE_COMMAND: u8 = 15;
