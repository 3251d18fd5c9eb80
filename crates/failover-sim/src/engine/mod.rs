//! The discrete-event engine: owns every component, the event queue, the trace hash and the
//! metrics, and moves requests between components.
//!
//! Determinism rules kept here: integer time; events ordered by (time, sequence); one
//! seeded stream per component; commands (faults, clicks, parameter changes) are applied
//! *after* every event due at or before their time, both live and on replay, so a run is a
//! pure function of (scenario, seed, commands).
//!
//! This file holds the `Simulation` struct, its public API (commands in, snapshots out),
//! the scheduling helpers and the event dispatch. Each concern's handlers are an
//! `impl Simulation` block of their own, in the files below; they see the struct's private
//! fields because they are child modules.
mod arrivals;
mod autoscaling;
mod build;
mod client_retries;
mod commands;
mod database_calls;
mod dns_lookups;
mod draining;
mod gateway_budget;
mod gateways;
mod health_checks;
mod instance_life_cycle;
mod live_overload;
mod node_ids;
mod outlier_ejection;
mod overload;
mod random_failures;
mod request_path;
mod rollouts;
mod server_queue;
mod system_state;

use super::database::{DatabaseCluster, DbRole};
use super::db_call::{DbCall, DbCalls};
use super::deadlines::Deadlines;
use super::dns::{DnsService, DnsState, DnsTransition};
use super::event::{AttemptFailure, Event, Status, TRACE_COMMAND};
use super::event_queue::{EventQueue, Scheduled};
use super::gateway::{Gateway, GatewayState};
use super::health_check::{Checker, HealthState, Transition};
use super::instance::{Admission, Finished, Instance, InstanceState, Job};
use super::limits::{LOG_KEPT, MAX_FAULTS, TRANSFERS_KEPT};
use super::load_balancer::{Balancer, BalancerState};
use super::metrics::{FailureReason, FailureRecord, Metrics};
use super::params;
use super::reliability::{self, Structure};
use super::request::{ReqRef, Request, RequestSlab};
use super::rng::{stream, SimRng};
use super::scenario::{Algorithm, Fault, FaultAction, NextUpstream, ParamValue, RetryOn, Scenario};
use super::snapshot::{LogEntry, LogKind, Transfer, TransferKind};
use super::time::{fmt_duration, later, ms_to_us, whole_ms_to_us, TimeUs, NEVER_US};
use super::topology::Topology;
use super::trace_hash::TraceHash;
use super::traffic::{TrafficSource, TrafficState};
use super::validate::{self, NameKind, ValidationErrors};
use std::collections::VecDeque;

/// Node ids: 0 is the client population, then balancers, instances, the DNS service,
/// database nodes and gateways (new kinds go last, so older scenarios keep their ids and
/// their golden trace hashes).
pub const CLIENTS_ID: u32 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Gateway(u32),
    Balancer(u32),
    Instance(u32),
    /// Resolved per client through the DNS service (its answer is a balancer or instance).
    Dns,
}

/// Index of the first item matching `is` (0 if none: callers look up validated names).
fn position_of<T>(items: &[T], is: impl Fn(&T) -> bool) -> u32 {
    items.iter().position(is).unwrap_or(0) as u32
}

/// Client id ranges of the populations, in proportion to their shares.
fn population_ends(t: &super::scenario::Traffic) -> Vec<u32> {
    let total: f64 = t.populations.iter().map(|p| p.share).sum();
    let mut acc = 0.0;
    let mut ends: Vec<u32> = t
        .populations
        .iter()
        .map(|p| {
            acc += p.share;
            libm::round(acc / total * t.clients as f64) as u32
        })
        .collect();
    if let Some(last) = ends.last_mut() {
        *last = t.clients; // no rounding gap at the top
    }
    ends
}

/// Population 0 keeps the name `clients` (the node `set` commands address); the others
/// are named after their region.
pub fn population_name(t: &super::scenario::Traffic, p: u32) -> String {
    match t.populations.get(p as usize) {
        Some(pop) if p > 0 => format!("clients-{}", pop.region),
        _ => validate::CLIENTS_NODE.into(),
    }
}

/// Result of `run_until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepOutcome {
    pub events: u64,
    /// False when the event budget ran out before the target time (the UI shows "slower
    /// than requested").
    pub reached: bool,
}

#[derive(Clone)]
pub struct Simulation {
    pub(crate) scenario: Scenario,
    pub(crate) seed: u64,
    pub(crate) now: TimeUs,
    queue: EventQueue,
    hash: TraceHash,
    pub(crate) events: u64,
    pub(crate) traffic: TrafficSource,
    pub(crate) gateways: Vec<Gateway>,
    /// Client populations (`traffic.populations`): population p owns client ids below
    /// `population_ends[p]` (and at or above the previous end). Empty: one population.
    population_ends: Vec<u32>,
    pub(crate) balancers: Vec<Balancer>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) checkers: Vec<Checker>,
    pub(crate) requests: RequestSlab,
    pub(crate) metrics: Metrics,
    entry: Entry,
    pub(crate) topology: Topology,
    /// Route 53-style DNS in front of the entry points, if the scenario has one.
    pub(crate) dns: Option<DnsService>,
    /// Record targets as entries (parallel to `dns.records`).
    dns_entries: Vec<Entry>,
    /// The data store, if the scenario has one.
    pub(crate) db: Option<DatabaseCluster>,
    /// Queries in flight, named by their DbQuery / DbReply / DbTimeout events.
    db_calls: DbCalls,
    /// Per instance: the database node its connection pool talks to, and whether it is
    /// reconnecting (after an error) to the current primary.
    pub(crate) db_view: Vec<u8>,
    db_reconnecting: Vec<bool>,
    /// When the leader stopped serving (the cut-off for writes lost at promotion).
    db_leader_down_since: Option<TimeUs>,
    /// Acknowledged writes that had not reached the standby when the leader died: they
    /// can never arrive, whatever the standby does meanwhile.
    db_lost_at_failure: Option<u64>,
    /// Nodes silenced by their zone or region failing (healed with it), by node id.
    domain_fault: Vec<bool>,
    /// A node's own fault (crash, unreachable, fail), by node id, kept apart from its
    /// domain's: a crashed server in a zone that fails and comes back is still crashed.
    /// Both failure processes stay independent, as the analytic model assumes.
    own_fault: Vec<Option<FaultAction>>,
    /// SPOFs and analytic availability (the topology does not change during a run).
    pub(crate) analysis: reliability::Analysis,
    /// The breakdown's predicted steps (`reliability/predict.rs`), from the scenario as built.
    pub(crate) prediction: reliability::breakdown::Prediction,
    /// Every command of the run (scenario faults, then user commands), sorted by time,
    /// stable; `next_command` is the first not yet applied.
    commands: Vec<Fault>,
    next_command: usize,
    /// Commands added after the build (clicks, CLI `--fault`), in the order given.
    user_log: Vec<Fault>,
    pub(crate) log: VecDeque<LogEntry>,
    check_phase: SimRng,
    record_transfers: bool,
    transfers: Vec<Transfer>,
    transfer_stride: u64,
    transfer_seen: u64,
    pub(crate) peak_pending_events: usize,
    /// Client deadlines in time order (one sweep event stands for the earliest), and when
    /// the pending sweep is due.
    deadlines: Deadlines,
    sweep_at: Option<TimeUs>,
    /// Random-failure streams, by node id (None for nodes without MTBF/MTTR).
    reliability_rngs: Vec<Option<SimRng>>,
    /// "A request can succeed", as a formula over balancers then instances (reliability.rs).
    structure: Structure,
    /// Whether the structure holds now, since when, and the total time it held.
    system_up: bool,
    system_since_us: TimeUs,
    system_up_us: TimeUs,
    /// Canary rollouts started by `canary` commands (`engine/rollouts.rs`).
    rollouts: Vec<super::rollout::Rollout>,
    /// Overload policies, retries by layer and utilisation (`overload.rs`, issue 13).
    pub(crate) overload: overload::OverloadState,
    /// Autoscaling groups, one per balancer with `autoscaling` (`engine/autoscaling.rs`).
    pub(crate) autoscalers: Vec<super::autoscaler::Autoscaler>,
    /// Per balancer: HAProxy `maxconn` queues (`engine/server_queue.rs`).
    queues: Vec<super::server_queue::BackendQueues>,
}

impl Simulation {
    pub fn now_us(&self) -> TimeUs {
        self.now
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn events_processed(&self) -> u64 {
        self.events
    }

    pub fn trace_hash(&self) -> u64 {
        self.hash.value()
    }

    pub fn trace_hash_hex(&self) -> String {
        self.hash.hex()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn live_requests(&self) -> usize {
        self.requests.live()
    }

    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    /// The commands the user added after the scenario was built, in order: with the
    /// scenario and the seed, they reproduce this run exactly.
    pub fn user_commands(&self) -> &[Fault] {
        &self.user_log
    }

    /// Schedule a command. Commands in the past are moved to the next whole millisecond
    /// (the unit of `at_ms`), so a click lands at a time the replay can name exactly.
    pub fn schedule(&mut self, mut fault: Fault) -> Result<Fault, String> {
        if self.commands.len() >= MAX_FAULTS {
            return Err(format!("at most {MAX_FAULTS} commands per run"));
        }
        let earliest_ms = self.now.div_ceil(1_000);
        fault.at_ms = fault.at_ms.max(earliest_ms);
        let mut p = validate::Problems::default();
        validate::validate_fault(&self.scenario, &fault, "command", &mut p);
        p.into_result().map_err(|e| e.to_string())?;
        let pos = self.commands[self.next_command..].partition_point(|f| f.at_ms <= fault.at_ms)
            + self.next_command;
        self.commands.insert(pos, fault.clone());
        self.user_log.push(fault.clone());
        Ok(fault)
    }

    /// Process one event (or one due command). False when nothing is left to do.
    pub fn step(&mut self) -> bool {
        let next_event = self.queue.peek_time();
        if let Some(cmd_at) = self
            .commands
            .get(self.next_command)
            .map(|f| whole_ms_to_us(f.at_ms))
        {
            // A command runs after every event due at or before its time.
            if next_event.is_none_or(|t| t > cmd_at) {
                let fault = self.commands[self.next_command].clone();
                self.next_command += 1;
                self.now = self.now.max(cmd_at);
                self.apply_command(&fault);
                return true;
            }
        }
        let Some(s) = self.queue.pop() else {
            return false;
        };
        self.process(s);
        true
    }

    /// Process one popped event.
    #[inline]
    fn process(&mut self, s: Scheduled) {
        self.now = s.at_us;
        self.events += 1;
        let (kind, subject) = s.event.trace_key();
        self.hash.record(s.at_us, kind, subject);
        self.handle(s.event);
    }

    /// Advance to `t_us`, processing at most `max_events` events. Time never goes back.
    // Never inlined by LLVM into its callers: the event loop then stays one compact function
    // (measured on wasm32 under Node: ~1–2 % faster for the benchmark model).
    #[inline(never)]
    pub fn run_until(&mut self, t_us: TimeUs, max_events: u64) -> StepOutcome {
        let mut n = 0;
        while n < max_events {
            let next_cmd = self
                .commands
                .get(self.next_command)
                .map(|f| whole_ms_to_us(f.at_ms))
                .unwrap_or(TimeUs::MAX);
            // Fast path: one look at the queue for an event due by t_us and not after the
            // next command (a command runs after every event due at or before its time).
            if let Some(s) = self.queue.pop_due(t_us.min(next_cmd)) {
                self.process(s);
                n += 1;
                continue;
            }
            let next_event = self.queue.peek_time().unwrap_or(TimeUs::MAX);
            if next_event.min(next_cmd) > t_us {
                self.now = self.now.max(t_us);
                self.metrics.tick(self.now);
                return StepOutcome {
                    events: n,
                    reached: true,
                };
            }
            self.step();
            n += 1;
        }
        StepOutcome {
            events: n,
            reached: false,
        }
    }

    /// Run the scenario for its `duration_s` (or `duration_us`), without a budget.
    pub fn run_for(&mut self, duration_us: TimeUs) {
        let end = self.now.saturating_add(duration_us);
        self.run_until(end, u64::MAX);
    }

    pub fn set_transfer_recording(&mut self, on: bool) {
        self.record_transfers = on;
        if !on {
            // Recording restarts from full detail: a long run without it (a UI "run to")
            // must not leave the sampling stride where its last busy stretch pushed it.
            self.transfers.clear();
            self.transfer_stride = 1;
            self.transfer_seen = 0;
        }
    }

    /// Hand the transfers recorded since the last call to the animation layer. Recording
    /// samples deterministically (every k-th) when there are more than it keeps.
    pub fn drain_transfers(&mut self, out: &mut Vec<Transfer>) {
        if self.transfers.len() < TRANSFERS_KEPT / 4 && self.transfer_stride > 1 {
            self.transfer_stride /= 2;
        }
        out.append(&mut self.transfers);
    }

    /// Fraction of transfers being recorded (1/stride), for the UI's "sampled" note.
    pub fn transfer_sampling(&self) -> u64 {
        self.transfer_stride
    }

    /// Fraction of simulated time during which the topology could serve (every component a
    /// request needs up): the time-based availability that the analytic figure predicts.
    pub fn state_availability(&self) -> f64 {
        let current = if self.system_up {
            self.now - self.system_since_us
        } else {
            0
        };
        if self.now == 0 {
            1.0
        } else {
            (self.system_up_us + current) as f64 / self.now as f64
        }
    }

    // ----- node ids ---------------------------------------------------------------------

    fn push(&mut self, at: TimeUs, event: Event) {
        self.queue.push(at, event);
        self.peak_pending_events = self.peak_pending_events.max(self.queue.len());
    }

    fn transfer(&mut self, from: u32, to: u32, arrive: TimeUs, kind: TransferKind) {
        if !self.record_transfers {
            return;
        }
        self.transfer_seen += 1;
        if !self.transfer_seen.is_multiple_of(self.transfer_stride) {
            return;
        }
        if self.transfers.len() >= TRANSFERS_KEPT {
            self.transfer_stride *= 2;
            return;
        }
        self.transfers.push(Transfer {
            from,
            to,
            depart_us: self.now,
            arrive_us: arrive,
            kind,
        });
    }

    fn log(&mut self, node: Option<u32>, kind: LogKind, text: String) {
        if self.log.len() == LOG_KEPT {
            self.log.pop_front();
        }
        self.log.push_back(LogEntry {
            at_us: self.now,
            node,
            kind,
            text,
        });
    }

    /// `delay_us` from now, saturating at the end of time (`time::later`).
    #[inline]
    fn after(&self, delay_us: TimeUs) -> TimeUs {
        later(self.now, delay_us)
    }

    fn schedule_next_arrival(&mut self) {
        if let Some(gap) = self.traffic.next_gap_us() {
            let at = self.after(gap);
            if at == NEVER_US {
                // A rate so small that the next arrival is beyond the end of time: none
                // happens (until a rate change draws again). Scheduling it at "now + gap"
                // would wrap around and flood the run with arrivals.
                self.traffic.state = TrafficState::Idle;
                return;
            }
            let gen = self.traffic.arrival_gen;
            self.push(at, Event::Arrival { gen });
        }
    }

    // ----- event dispatch ---------------------------------------------------------------

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival { gen } => self.on_arrival(gen),
            Event::RateStep => self.on_rate_step(),
            Event::DeadlineSweep => self.on_deadline_sweep(),
            Event::AtGateway(r) => self.on_at_gateway(r),
            Event::GatewayRetry { r, refused } => self.on_gateway_retry(r, refused),
            Event::ResponseAtGateway { r, status } => {
                let g = self.requests.get(r).and_then(|q| q.gateway);
                // A gateway that died meanwhile relays nothing: the client times out.
                if let Some(g) = g.filter(|&g| self.gateways[g as usize].state == GatewayState::Up)
                {
                    self.gateway_attempt_ended(r);
                    if status == Status::Ok || !self.gateway_retries_5xx(r, g, status) {
                        self.respond_client(r, self.gateway_node(g), status);
                    }
                }
            }
            Event::AtBalancer(r) => self.on_at_balancer(r),
            Event::AtInstance { r, attempt } => self.on_at_instance(r, attempt),
            Event::AttemptFailed { r, attempt, why } => {
                if self.current_attempt_via_live_balancer(r, attempt) {
                    self.on_attempt_failure(r, why.into());
                }
            }
            Event::RetryNow { r, attempt } => {
                if self.current_attempt_via_live_balancer(r, attempt) {
                    self.on_retry_now(r);
                }
            }
            Event::ServerTimeout { r, attempt } => {
                if self.current_attempt_via_live_balancer(r, attempt) {
                    self.on_attempt_failure(r, Failure::Attempt(AttemptFailure::ServerTimeout));
                }
            }
            Event::ServiceDone {
                instance,
                worker,
                epoch,
            } => self.on_service_done(instance, worker, epoch),
            Event::ResponseAtBalancer { r, attempt, status } => {
                if self.current_attempt_via_live_balancer(r, attempt) {
                    match status {
                        Status::Ok => {
                            let (b, slot) = self
                                .requests
                                .get(r)
                                .map_or((0, 0), |q| (q.via.unwrap_or(0), q.target));
                            self.balancers[b as usize].passive_success(slot as usize);
                            self.observe_response(b, slot, true);
                            self.end_attempt(r);
                            self.respond_client(r, self.balancer_node(b), Status::Ok);
                        }
                        other => self.on_attempt_failure(r, Failure::Status(other)),
                    }
                }
            }
            Event::ResponseAtClient { r, status } => {
                if self.requests.get(r).is_some()
                    && (status == Status::Ok || !self.retry_from_client(r, status))
                {
                    self.finish(r, status);
                }
            }
            Event::ClientRetry(r) => self.on_client_retry(r),
            Event::AutoscalerTick { autoscaler } => self.on_autoscaler_tick(autoscaler),
            Event::QueueTimeout { r, attempt } => self.on_queue_timeout(r, attempt),
            Event::CheckStart { checker, seq } => self.on_check_start(checker, seq),
            Event::CheckResult { checker, seq, ok } => self.on_check_result(checker, seq, ok),
            Event::InstanceBooted { instance, epoch } => self.on_booted(instance, epoch),
            Event::AutoRestart { instance, epoch } => {
                let inst = &self.instances[instance as usize];
                if inst.epoch == epoch && inst.state == InstanceState::Crashed {
                    let node = self.instance_node(instance);
                    self.log(
                        Some(node),
                        LogKind::Info,
                        format!("{} restarted by its supervisor", inst.name),
                    );
                    self.start_instance(instance);
                    self.note_state_change();
                }
            }
            Event::RandomFailure { node } => self.on_random_failure(node),
            Event::StopDue { instance, epoch } => self.on_stop_due(instance, epoch),
            Event::WarmedUp { instance, epoch } => self.on_warmed_up(instance, epoch),
            Event::RolloutStep { rollout, batch } => self.on_rollout_step(rollout, batch),
            Event::Unejected { balancer, slot } => self.on_unejected(balancer, slot),
            Event::DnsCheck { record, seq } => self.on_dns_check(record, seq),
            Event::DnsCheckResult { record, seq, ok } => self.on_dns_result(record, seq, ok),
            Event::DbQuery { call, .. } => {
                // Released after the handler, which may hold the entry again for its reply.
                self.on_db_query(call);
                self.db_calls.release(call);
            }
            Event::DbReply { call, .. } => {
                let c = self.db_calls.get(call);
                self.db_calls.release(call);
                let sent = self
                    .db
                    .as_ref()
                    .is_some_and(|d| d.nodes.get(c.db as usize).is_some_and(|n| n.life == c.life));
                if sent {
                    self.on_db_answer(c.instance, c.worker, c.r, c.attempt, c.ok);
                }
            }
            Event::DbTimeout { call, .. } => {
                let c = self.db_calls.get(call);
                self.db_calls.release(call);
                self.on_db_answer(c.instance, c.worker, c.r, c.attempt, false);
            }
            Event::DbLease { epoch } => self.on_db_lease(epoch),
            Event::DbPromote { epoch } => self.on_db_promote(epoch),
            Event::DbReconnect { instance } => {
                self.db_reconnecting[instance as usize] = false;
                self.db_view[instance as usize] = self.db.as_ref().map_or(0, |d| d.leader as u8);
            }
            Event::RandomRepair { node } => {
                let heal = Fault::new(0, FaultAction::Heal, &self.node_name(node));
                self.apply_action(node, &heal);
                self.schedule_random(node, true);
            }
        }
    }

    // ----- random failures (MTBF / MTTR) ------------------------------------------------
}

/// Every way an attempt can end badly, as seen by the balancer.
#[derive(Clone, Copy, Debug)]
enum Failure {
    Attempt(AttemptFailure),
    Status(Status),
}

impl From<AttemptFailure> for Failure {
    fn from(a: AttemptFailure) -> Self {
        Failure::Attempt(a)
    }
}

impl Failure {
    /// (HAProxy `retry-on` class, status if not retried).
    fn classify(self) -> (RetryOn, Status) {
        match self {
            Failure::Attempt(AttemptFailure::Refused) => (RetryOn::ConnFailure, Status::Refused),
            Failure::Attempt(AttemptFailure::ConnectTimeout) => {
                (RetryOn::ConnFailure, Status::Timeout)
            }
            Failure::Attempt(AttemptFailure::Reset) | Failure::Status(Status::Reset) => {
                (RetryOn::EmptyResponse, Status::Reset)
            }
            Failure::Attempt(AttemptFailure::ServerTimeout) => {
                (RetryOn::ResponseTimeout, Status::Timeout)
            }
            Failure::Status(Status::QueueFull) => (RetryOn::Status503, Status::QueueFull),
            Failure::Status(other) => (RetryOn::Status500, other),
        }
    }

    /// (NGINX `proxy_next_upstream` class, status if not passed on).
    fn nginx_class(self) -> (NextUpstream, Status) {
        match self {
            Failure::Attempt(AttemptFailure::Refused) => (NextUpstream::Error, Status::Refused),
            Failure::Attempt(AttemptFailure::Reset) | Failure::Status(Status::Reset) => {
                (NextUpstream::Error, Status::Reset)
            }
            Failure::Attempt(AttemptFailure::ConnectTimeout | AttemptFailure::ServerTimeout) => {
                (NextUpstream::Timeout, Status::Timeout)
            }
            Failure::Status(Status::QueueFull) => (NextUpstream::Http503, Status::QueueFull),
            Failure::Status(other) => (NextUpstream::Http500, other),
        }
    }
}
