//! The discrete-event engine: owns every component, the event queue, the trace hash and the
//! metrics, and moves requests between components.
//!
//! Determinism rules kept here: integer time; events ordered by (time, sequence); one
//! seeded stream per component; commands (faults, clicks, parameter changes) are applied
//! *after* every event due at or before their time, both live and on replay, so a run is a
//! pure function of (scenario, seed, commands).
use super::database::{DatabaseCluster, DbRole};
use super::db_call::{DbCall, DbCalls};
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
use super::scenario::{Fault, FaultAction, RetryOn, Scenario};
use super::snapshot::{LogEntry, LogKind, Transfer, TransferKind};
use super::time::{fmt_duration, ms_to_us, whole_ms_to_us, TimeUs};
use super::topology::Topology;
use super::trace_hash::TraceHash;
use super::traffic::TrafficSource;
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
    deadlines: VecDeque<(TimeUs, ReqRef)>,
    sweep_at: Option<TimeUs>,
    /// Random-failure streams, by node id (None for nodes without MTBF/MTTR).
    reliability_rngs: Vec<Option<SimRng>>,
    /// "A request can succeed", as a formula over balancers then instances (reliability.rs).
    structure: Structure,
    /// Whether the structure holds now, since when, and the total time it held.
    system_up: bool,
    system_since_us: TimeUs,
    system_up_us: TimeUs,
}

impl Simulation {
    /// Build a run of `scenario` with its own seed.
    pub fn new(scenario: &Scenario) -> Result<Simulation, ValidationErrors> {
        Self::with_seed(scenario, scenario.seed)
    }

    pub fn with_seed(scenario: &Scenario, seed: u64) -> Result<Simulation, ValidationErrors> {
        validate::validate(scenario)?;
        // Validation guarantees every name below resolves.
        let inst_index = |name: &str| position_of(&scenario.instances, |i| i.name == name);
        let instances: Vec<Instance> = scenario
            .instances
            .iter()
            .enumerate()
            .map(|(i, spec)| Instance::new(i, spec, seed))
            .collect();
        let mut balancers: Vec<Balancer> = scenario
            .balancers
            .iter()
            .enumerate()
            .map(|(i, spec)| Balancer::new(i, spec, inst_index, seed))
            .collect();
        let mut checkers = Vec::new();
        for (bi, b) in balancers.iter_mut().enumerate() {
            let cfg = b
                .check
                .unwrap_or_else(|| super::scenario::CheckPreset::Haproxy.params());
            for (slot, t) in b.targets.iter_mut().enumerate() {
                t.checker = Some(checkers.len() as u32);
                checkers.push(Checker::new(bi as u32, slot as u32, t.instance, &cfg));
            }
        }
        let bal_index = |name: &str| position_of(&scenario.balancers, |b| b.name == name);
        let gateways: Vec<Gateway> = scenario
            .gateways
            .iter()
            .map(|g| Gateway::new(g, bal_index))
            .collect();
        // Validation guarantees the entry and every record name an endpoint (or the DNS).
        let to_entry = |name: &str| match validate::lookup(scenario, name) {
            Some(NameKind::Gateway(g)) => Entry::Gateway(g as u32),
            Some(NameKind::Balancer(b)) => Entry::Balancer(b as u32),
            Some(NameKind::Instance(i)) => Entry::Instance(i as u32),
            Some(NameKind::Dns) => Entry::Dns,
            _ => Entry::Instance(0),
        };
        let entry = to_entry(&scenario.entry);
        let dns_entries: Vec<Entry> = scenario
            .dns
            .iter()
            .flat_map(|d| d.records.iter().map(|r| to_entry(&r.target)))
            .collect();
        let (nb, ni) = (
            scenario.balancers.len() as u32,
            scenario.instances.len() as u32,
        );
        let db_first = 1 + nb + ni + scenario.dns.is_some() as u32;
        let db = scenario
            .database
            .as_ref()
            .map(|d| DatabaseCluster::new(d, db_first));
        let gw_first = db_first + db.as_ref().map_or(0, |d| d.nodes.len() as u32);
        let entry_node = |e: &Entry| match *e {
            Entry::Gateway(g) => gw_first + g,
            Entry::Balancer(b) => 1 + b,
            Entry::Instance(i) => 1 + nb + i,
            Entry::Dns => 1 + nb + ni,
        };
        let dns = scenario.dns.as_ref().map(|d| {
            DnsService::new(
                d,
                dns_entries.iter().map(entry_node).collect(),
                scenario.traffic.clients,
            )
        });
        let node_total = (gw_first + gateways.len() as u32) as usize
            + scenario.traffic.populations.len().saturating_sub(1);
        let mut commands = scenario.faults.clone();
        commands.sort_by_key(|f| f.at_ms); // stable: same-time faults keep file order
        let mut sim = Simulation {
            scenario: scenario.clone(),
            seed,
            now: 0,
            queue: EventQueue::default(),
            hash: TraceHash::default(),
            events: 0,
            traffic: TrafficSource::new(&scenario.traffic, seed),
            gateways,
            population_ends: population_ends(&scenario.traffic),
            balancers,
            instances,
            checkers,
            requests: RequestSlab::default(),
            metrics: Metrics::default(),
            entry,
            topology: Topology::new(scenario),
            dns,
            dns_entries,
            db,
            db_calls: DbCalls::default(),
            db_view: vec![0; ni as usize],
            db_reconnecting: vec![false; ni as usize],
            db_leader_down_since: None,
            db_lost_at_failure: None,

            domain_fault: vec![false; node_total],
            own_fault: vec![None; node_total],
            analysis: reliability::analyse(scenario),
            user_log: Vec::new(),
            commands,
            next_command: 0,
            log: VecDeque::new(),
            check_phase: SimRng::new(seed, stream::CHECK_PHASE),
            record_transfers: false,
            transfers: Vec::new(),
            transfer_stride: 1,
            transfer_seen: 0,
            peak_pending_events: 0,
            deadlines: VecDeque::new(),
            sweep_at: None,
            reliability_rngs: Vec::new(),
            structure: reliability::structure(scenario),
            system_up: true,
            system_since_us: 0,
            system_up_us: 0,
        };
        sim.start_random_failures();
        // Which targets share their balancer's zone (for cross-zone load balancing off).
        for b in 0..sim.balancers.len() {
            let lb_zone = sim.topology.place(sim.balancer_node(b as u32)).zone;
            for t in 0..sim.balancers[b].targets.len() {
                let inst = sim.balancers[b].targets[t].instance;
                let zone = sim.topology.place(sim.instance_node(inst)).zone;
                sim.balancers[b].targets[t].local =
                    lb_zone.is_none() || zone.is_none() || lb_zone == zone;
            }
        }
        sim.schedule_next_arrival();
        if let Some(at) = sim.traffic.next_step_at_us() {
            sim.queue.push(at, Event::RateStep);
        }
        for b in 0..sim.balancers.len() {
            sim.start_checks(b as u32);
        }
        sim.start_dns_checks();
        if let Some(db) = sim.db.as_ref() {
            let (epoch, wait) = (db.epoch, db.loop_wait_us().max(1));
            let phase = sim.check_phase.next_u64() % wait;
            sim.push(phase, Event::DbLease { epoch });
        }
        Ok(sim)
    }

    // ----- public API -------------------------------------------------------------------

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

    pub fn balancer_node(&self, b: u32) -> u32 {
        1 + b
    }

    pub fn instance_node(&self, i: u32) -> u32 {
        1 + self.balancers.len() as u32 + i
    }

    pub fn node_count(&self) -> u32 {
        self.gateway_first_node() + self.gateways.len() as u32 + self.extra_populations()
    }

    /// Client populations beyond the first (which is node 0): one node each, after the
    /// gateways.
    fn extra_populations(&self) -> u32 {
        (self.population_ends.len() as u32).saturating_sub(1)
    }

    /// The node of client population `p`.
    pub fn population_node(&self, p: u32) -> u32 {
        if p == 0 {
            CLIENTS_ID
        } else {
            self.gateway_first_node() + self.gateways.len() as u32 + p - 1
        }
    }

    pub fn population_count(&self) -> u32 {
        (self.population_ends.len() as u32).max(1)
    }

    /// The node of the population a client id belongs to: its region is where its
    /// requests start and its answers go.
    fn client_node(&self, client: u32) -> u32 {
        if self.population_ends.len() <= 1 {
            return CLIENTS_ID;
        }
        let p = self.population_ends.partition_point(|&end| end <= client) as u32;
        self.population_node(p.min(self.population_ends.len() as u32 - 1))
    }

    fn as_population(&self, node: u32) -> Option<u32> {
        let first = self.gateway_first_node() + self.gateways.len() as u32;
        node.checked_sub(first)
            .filter(|&k| k < self.extra_populations())
            .map(|k| k + 1)
    }

    /// Node id of the first gateway (after the database nodes).
    pub fn gateway_first_node(&self) -> u32 {
        self.db_first_node() + self.db.as_ref().map_or(0, |d| d.nodes.len() as u32)
    }

    pub fn gateway_node(&self, g: u32) -> u32 {
        self.gateway_first_node() + g
    }

    fn as_gateway(&self, node: u32) -> Option<u32> {
        node.checked_sub(self.gateway_first_node())
            .filter(|&g| (g as usize) < self.gateways.len())
    }

    /// Node id of the first database node (after the instances and the DNS service).
    pub fn db_first_node(&self) -> u32 {
        1 + self.balancers.len() as u32 + self.instances.len() as u32 + self.dns.is_some() as u32
    }

    fn as_db(&self, node: u32) -> Option<usize> {
        let k = node.checked_sub(self.db_first_node())? as usize;
        self.db.as_ref().filter(|d| k < d.nodes.len()).map(|_| k)
    }

    /// The DNS service's node id (after the instances), if there is one.
    pub fn dns_node(&self) -> Option<u32> {
        self.dns
            .as_ref()
            .map(|_| 1 + self.balancers.len() as u32 + self.instances.len() as u32)
    }

    fn entry_node(&self, e: Entry) -> u32 {
        match e {
            Entry::Gateway(g) => self.gateway_node(g),
            Entry::Balancer(b) => self.balancer_node(b),
            Entry::Instance(i) => self.instance_node(i),
            Entry::Dns => self.dns_node().unwrap_or(CLIENTS_ID),
        }
    }

    /// Zones and regions get ids after the nodes, so failure records, logs and random
    /// failures can name them like nodes.
    pub fn domain_id(&self, d: u32) -> u32 {
        self.node_count() + d
    }

    fn as_domain(&self, id: u32) -> Option<u32> {
        id.checked_sub(self.node_count())
            .filter(|&d| (d as usize) < self.topology.domains.len())
    }

    pub fn node_name(&self, node: u32) -> String {
        let nb = self.balancers.len() as u32;
        if let Some(d) = self.as_domain(node) {
            self.topology.domains[d as usize].name.clone()
        } else if Some(node) == self.dns_node() {
            self.dns
                .as_ref()
                .map(|d| d.spec.name.clone())
                .unwrap_or_default()
        } else if let Some(k) = self.as_db(node) {
            self.db
                .as_ref()
                .map(|d| d.nodes[k].name.clone())
                .unwrap_or_default()
        } else if let Some(g) = self.as_gateway(node) {
            self.gateways[g as usize].name.clone()
        } else if let Some(p) = self.as_population(node) {
            population_name(&self.scenario.traffic, p)
        } else if node == CLIENTS_ID {
            validate::CLIENTS_NODE.into()
        } else if node <= nb {
            self.balancers[(node - 1) as usize].name.clone()
        } else {
            self.instances
                .get((node - 1 - nb) as usize)
                .map(|i| i.name.clone())
                .unwrap_or_default()
        }
    }

    /// The id of a node, or of a zone or region (`domain_id`).
    pub fn node_by_name(&self, name: &str) -> Option<u32> {
        match validate::lookup(&self.scenario, name)? {
            NameKind::Clients => Some(CLIENTS_ID),
            NameKind::Balancer(b) => Some(self.balancer_node(b as u32)),
            NameKind::Instance(i) => Some(self.instance_node(i as u32)),
            NameKind::Dns => self.dns_node(),
            NameKind::Database(k) => Some(self.db_first_node() + k as u32),
            NameKind::Gateway(g) => Some(self.gateway_node(g as u32)),
            NameKind::Domain => self
                .topology
                .domain_by_name(name)
                .map(|d| self.domain_id(d)),
        }
    }

    // ----- scheduling helpers -----------------------------------------------------------

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

    fn schedule_next_arrival(&mut self) {
        if let Some(gap) = self.traffic.next_gap_us() {
            let gen = self.traffic.arrival_gen;
            self.push(self.now + gap, Event::Arrival { gen });
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
                    self.respond_client(r, self.gateway_node(g), status);
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
                            let b = self.requests.get(r).and_then(|q| q.via).unwrap_or(0);
                            self.end_attempt(r);
                            self.respond_client(r, self.balancer_node(b), Status::Ok);
                        }
                        other => self.on_attempt_failure(r, Failure::Status(other)),
                    }
                }
            }
            Event::ResponseAtClient { r, status } => {
                if self.requests.get(r).is_some() {
                    self.finish(r, status);
                }
            }
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

    fn start_random_failures(&mut self) {
        // Node ids, then one pseudo id per zone/region (see `domain_id`).
        let n = self.node_count() as usize + self.topology.domains.len();
        self.reliability_rngs = (0..n).map(|_| None).collect();
        for node in 1..n as u32 {
            if self.reliability_of(node).is_some() {
                let rng = SimRng::new(self.seed, stream::RELIABILITY_BASE + node as u64);
                self.reliability_rngs[node as usize] = Some(rng);
                self.schedule_random(node, true);
            }
        }
    }

    fn reliability_of(&self, node: u32) -> Option<super::scenario::Reliability> {
        let nb = self.balancers.len() as u32;
        if let Some(d) = self.as_domain(node) {
            self.topology.domains[d as usize].failures.clone()
        } else if Some(node) == self.dns_node() {
            self.dns.as_ref().and_then(|d| d.spec.failures.clone())
        } else if let Some(k) = self.as_db(node) {
            let spec = &self.db.as_ref()?.spec;
            if k == 0 {
                spec.failures.clone()
            } else {
                spec.standby.as_ref().and_then(|s| s.failures.clone())
            }
        } else if let Some(g) = self.as_gateway(node) {
            self.gateways[g as usize].spec.failures.clone()
        } else if node == CLIENTS_ID || self.as_population(node).is_some() {
            None
        } else if node <= nb {
            self.balancers[(node - 1) as usize].spec.failures.clone()
        } else {
            self.instances[(node - 1 - nb) as usize]
                .spec
                .failures
                .clone()
        }
    }

    /// Schedule the node's next random failure (`fail`) or repair, exponentially distributed.
    fn schedule_random(&mut self, node: u32, fail: bool) {
        let Some(r) = self.reliability_of(node) else {
            return;
        };
        let Some(rng) = self
            .reliability_rngs
            .get_mut(node as usize)
            .and_then(|x| x.as_mut())
        else {
            return;
        };
        let mean_us = if fail { r.mtbf_s } else { r.mttr_s } * 1e6;
        let after = (libm::round(rng.exponential(mean_us)) as TimeUs).max(1);
        let ev = if fail {
            Event::RandomFailure { node }
        } else {
            Event::RandomRepair { node }
        };
        self.push(self.now + after, ev);
    }

    fn on_random_failure(&mut self, node: u32) {
        let nb = self.balancers.len() as u32;
        let is_dns = Some(node) == self.dns_node();
        let healthy = if let Some(d) = self.as_domain(node) {
            !self.topology.domains[d as usize].down
        } else if is_dns {
            self.dns.as_ref().is_some_and(|d| d.state == DnsState::Up)
        } else if self.domain_fault[node as usize] {
            self.own_fault[node as usize].is_none()
        } else if let Some(k) = self.as_db(node) {
            self.db
                .as_ref()
                .is_some_and(|d| d.nodes[k].state == InstanceState::Up)
        } else if let Some(g) = self.as_gateway(node) {
            self.gateways[g as usize].state == GatewayState::Up
        } else if node <= nb {
            self.balancers[(node - 1) as usize].state == BalancerState::Up
        } else {
            self.instances[(node - 1 - nb) as usize].state == InstanceState::Up
        };
        if !healthy {
            // Already down (by hand, or still booting): this failure does not happen.
            self.schedule_random(node, true);
            return;
        }
        let proxy = node <= nb || self.as_gateway(node).is_some();
        let action = if proxy || is_dns || self.as_domain(node).is_some() {
            FaultAction::Fail
        } else {
            FaultAction::Crash // instances and databases
        };
        if self.as_domain(node).is_none() && self.domain_fault[node as usize] {
            // Silenced by its zone, yet its own failure clock keeps running: it fails "inside"
            // the outage and stays down after the zone returns, until its own repair.
            self.own_fault[node as usize] = Some(action);
            self.schedule_random(node, false);
            return;
        }
        let fault = Fault::new(0, action, &self.node_name(node));
        self.log(
            Some(node),
            LogKind::Info,
            format!("random failure (MTBF) of {}", fault.node),
        );
        self.apply_action(node, &fault);
        self.schedule_random(node, false);
    }

    /// Re-evaluate whether the topology can serve after a node changed state.
    fn note_state_change(&mut self) {
        // Component order of reliability::components: balancers, instances, domains, DNS,
        // database nodes, gateways.
        let (nb, ni) = (self.balancers.len(), self.instances.len());
        let gateways = &self.gateways;
        let db_count = self.db.as_ref().map_or(0, |d| d.nodes.len());
        let (balancers, instances, domains) =
            (&self.balancers, &self.instances, &self.topology.domains);
        let dns_up = self.dns.as_ref().is_none_or(|d| d.state == DnsState::Up);
        let dns_count = self.dns.is_some() as usize;
        let db_nodes = self.db.as_ref().map(|d| d.nodes.as_slice()).unwrap_or(&[]);
        let db_leader = self.db.as_ref().map_or(0, |d| d.leader);
        let up = self.structure.eval(&|c: usize| {
            if c < nb {
                balancers[c].state == BalancerState::Up
            } else if c < nb + ni {
                instances[c - nb].state == InstanceState::Up
            } else if c < nb + ni + domains.len() {
                !domains[c - nb - ni].down
            } else if c < nb + ni + domains.len() + dns_count {
                dns_up
            } else if c >= nb + ni + domains.len() + dns_count + db_count {
                let g = c - (nb + ni + domains.len() + dns_count + db_count);
                gateways.get(g).is_some_and(|g| g.state == GatewayState::Up)
            } else {
                // A database copy serves only while it is the primary in charge: the failover
                // window (lock expiry, promotion) counts as downtime, as users see it.
                let k = c - nb - ni - domains.len() - dns_count;
                db_nodes
                    .get(k)
                    .is_some_and(|d| d.state == InstanceState::Up && k == db_leader)
            }
        });
        if up != self.system_up {
            if self.system_up {
                self.system_up_us += self.now - self.system_since_us;
            }
            self.system_up = up;
            self.system_since_us = self.now;
        }
    }

    fn on_arrival(&mut self, gen: u32) {
        if gen != self.traffic.arrival_gen {
            return;
        }
        let id = self.traffic.take_request_id();
        let client = self.traffic.next_client();
        let deadline = self.now + self.traffic.timeout_us();
        // With DNS, each client goes where its (possibly stale) cached answer points.
        let (entry, resolve_us) = match self.entry {
            Entry::Dns => match self.resolve(client) {
                Some(found) => found,
                None => {
                    self.fail_resolution(id, client, deadline);
                    return;
                }
            },
            e => (e, 0),
        };
        let (gateway, via, target) = match entry {
            Entry::Gateway(g) => (Some(g), None, 0),
            Entry::Balancer(b) => (None, Some(b), 0),
            Entry::Instance(i) => (None, None, i),
            Entry::Dns => (None, None, 0),
        };
        let r = self.requests.insert(Request {
            id,
            client,
            start_us: self.now,
            deadline_us: deadline,
            gateway,
            gateway_tries: 0,
            via,
            target,
            attempt: 0,
            tries: 0,
            attempt_open: false,
            blame: None,
        });
        self.metrics.on_sent(self.now);
        self.add_deadline(deadline, r);
        if let Some(g) = gateway {
            self.gateways[g as usize].in_flight += 1;
        }
        let entry_node = self.entry_node(entry);
        let from = self.client_node(client);
        let arrive = self.now + resolve_us + self.topology.latency_us(from, entry_node);
        if self.topology.partitioned(from, entry_node) {
            // The packets are dropped: the client waits for its own timeout.
            if let Some(q) = self.requests.get_mut(r) {
                q.blame = Some(entry_node);
            }
            self.schedule_next_arrival();
            return;
        }
        match entry {
            Entry::Gateway(g) => {
                self.transfer(from, self.gateway_node(g), arrive, TransferKind::Request);
                self.push(arrive, Event::AtGateway(r));
            }
            Entry::Balancer(b) => {
                self.transfer(from, self.balancer_node(b), arrive, TransferKind::Request);
                self.push(arrive, Event::AtBalancer(r));
            }
            Entry::Instance(i) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.attempt = 1;
                    q.tries = 1;
                }
                self.transfer(from, self.instance_node(i), arrive, TransferKind::Request);
                self.push(arrive, Event::AtInstance { r, attempt: 1 });
            }
            Entry::Dns => {}
        }
        self.schedule_next_arrival();
    }

    // ----- API gateways -----------------------------------------------------------------

    fn on_at_gateway(&mut self, r: ReqRef) {
        let Some(g) = self.requests.get(r).and_then(|q| q.gateway) else {
            return;
        };
        let node = self.gateway_node(g);
        match self.gateways[g as usize].state {
            GatewayState::Up => self.forward(r, g, None),
            GatewayState::Failed => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                self.respond_client(r, node, Status::Refused);
            }
            // Nothing answers: the client waits for its own timeout.
            GatewayState::Unreachable => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
            }
        }
    }

    /// Send the request on to one of the gateway's balancers (avoiding `exclude`).
    fn forward(&mut self, r: ReqRef, g: u32, exclude: Option<u32>) {
        let now = self.now;
        let gw_node = self.gateway_node(g);
        let Some(b) = self.gateways[g as usize].pick(now, exclude) else {
            self.respond_client(r, gw_node, Status::NoHealthyTarget);
            return;
        };
        if let Some(q) = self.requests.get_mut(r) {
            q.via = Some(b);
            q.gateway_tries += 1;
        }
        let lb_node = self.balancer_node(b);
        if self.topology.partitioned(gw_node, lb_node) {
            // The SYN is dropped: the gateway's connect timeout will fire.
            let at = now + self.gateways[g as usize].timeout_connect_us();
            self.push(at, Event::GatewayRetry { r, refused: false });
            return;
        }
        let arrive = now + self.topology.latency_us(gw_node, lb_node);
        self.transfer(gw_node, lb_node, arrive, TransferKind::Request);
        self.push(arrive, Event::AtBalancer(r));
    }

    /// The gateway could not connect to the balancer it chose: mark it (passive health) and
    /// try another, or answer 502 (refused) / 504 (connect timeout) once retries run out.
    fn on_gateway_retry(&mut self, r: ReqRef, refused: bool) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (Some(g), Some(b), tries) = (q.gateway, q.via, q.gateway_tries) else {
            return;
        };
        if self.gateways[g as usize].state != GatewayState::Up {
            return; // it died meanwhile: its fault handling already dealt with the request
        }
        let gw_node = self.gateway_node(g);
        if self.gateways[g as usize].connect_failed(b, self.now) {
            let gw = &self.gateways[g as usize];
            let text = format!(
                "{} marked {} down for fail_timeout={} (max_fails={}, passive)",
                gw.name,
                self.balancers[b as usize].name,
                fmt_duration(whole_ms_to_us(gw.spec.passive.fail_timeout_ms)),
                gw.spec.passive.max_fails
            );
            let lb_node = self.balancer_node(b);
            if let Some(rec) = self.metrics.open_record(lb_node) {
                if rec.detected_at_us.is_none() {
                    rec.detected_at_us = Some(self.now);
                    rec.detected_by = Some(format!("{} passive health", gw.name));
                }
            }
            self.log(Some(lb_node), LogKind::Detection, text);
        }
        if tries <= self.gateways[g as usize].spec.retries {
            self.metrics.on_retry(self.now);
            self.forward(r, g, Some(b));
        } else {
            let status = if refused {
                Status::Refused
            } else {
                Status::Timeout
            };
            self.respond_client(r, gw_node, status);
        }
    }

    /// A proxy died: every connection through it is cut (its clients see a reset).
    fn cut_connections(&mut self, node: u32, through: impl Fn(&Request) -> bool) {
        for r in self.requests.live_refs() {
            if self.requests.get(r).is_some_and(&through) {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                self.finish(r, Status::Reset);
            }
        }
    }

    fn apply_gateway_fault(&mut self, g: u32, action: FaultAction) {
        let node = self.gateway_node(g);
        let name = self.gateways[g as usize].name.clone();
        let state = self.gateways[g as usize].state;
        match action {
            FaultAction::Fail | FaultAction::Crash if state == GatewayState::Up => {
                self.open_failure(node, "gateway failed");
                self.gateways[g as usize].state = GatewayState::Failed;
                self.cut_connections(node, |q| q.gateway == Some(g));
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name} failed: clients sent to it get connection refused"),
                );
            }
            FaultAction::Unreachable if state == GatewayState::Up => {
                self.open_failure(node, "gateway unreachable");
                self.gateways[g as usize].state = GatewayState::Unreachable;
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name} became unreachable: clients sent to it wait for their timeout"),
                );
            }
            FaultAction::Heal if state != GatewayState::Up => {
                self.gateways[g as usize].restart();
                self.metrics.close_record(node, self.now);
                self.log(
                    Some(node),
                    LogKind::Recovery,
                    format!("{name} healed and forwarding again"),
                );
            }
            _ => self.log(
                Some(node),
                LogKind::Info,
                format!(
                    "{name}: {} has no effect while {}",
                    action.name(),
                    state.name()
                ),
            ),
        }
    }

    // ----- DNS --------------------------------------------------------------------------

    /// A client's answer: its cached one while valid (even if it points at a dead
    /// endpoint), else a fresh resolution (costing `resolve_ms`). None: cannot resolve.
    fn resolve(&mut self, client: u32) -> Option<(Entry, TimeUs)> {
        let now = self.now;
        let dns = self.dns.as_mut()?;
        if let Some(rec) = dns.cached(client, now) {
            return self.dns_entries.get(rec).map(|&e| (e, 0));
        }
        if dns.state != DnsState::Up {
            return None;
        }
        let rec = dns.answer();
        dns.store(client, rec, now);
        let resolve_us = ms_to_us(dns.spec.resolve_ms);
        self.dns_entries.get(rec).map(|&e| (e, resolve_us))
    }

    /// The request could not even start: count it, and fail it when the resolver gives up.
    fn fail_resolution(&mut self, id: u64, client: u32, deadline: TimeUs) {
        let r = self.requests.insert(Request {
            id,
            client,
            start_us: self.now,
            deadline_us: deadline,
            gateway: None,
            gateway_tries: 0,
            via: None,
            target: 0,
            attempt: 0,
            tries: 0,
            attempt_open: false,
            blame: self.dns_node(),
        });
        self.metrics.on_sent(self.now);
        self.add_deadline(deadline, r);
        let after = self
            .dns
            .as_ref()
            .map(|d| ms_to_us(d.spec.resolve_ms))
            .unwrap_or(0);
        self.push(
            self.now + after,
            Event::ResponseAtClient {
                r,
                status: Status::DnsFailure,
            },
        );
        self.schedule_next_arrival();
    }

    fn start_dns_checks(&mut self) {
        let Some(dns) = self.dns.as_mut() else { return };
        dns.seq = dns.seq.wrapping_add(1);
        let (seq, interval) = (dns.seq, dns.interval_us().max(1));
        let checked: Vec<u32> = (0..dns.records.len() as u32)
            .filter(|&r| dns.records[r as usize].health_checked)
            .collect();
        for record in checked {
            let phase = self.check_phase.next_u64() % interval;
            self.push(self.now + phase, Event::DnsCheck { record, seq });
        }
    }

    /// Can this endpoint serve, as a health checker on the internet sees it? For a
    /// balancer, Route 53's "evaluate target health": up and with a target in rotation.
    fn endpoint_serving(&self, node: u32) -> (bool, bool) {
        let nb = self.balancers.len() as u32;
        if let Some(g) = self.as_gateway(node) {
            // Its health route goes through to a backend: it serves if a balancer behind it
            // does (and it can reach that balancer).
            let gw = &self.gateways[g as usize];
            let ok = gw.state == GatewayState::Up
                && gw.upstreams.iter().any(|u| {
                    let lb = self.balancer_node(u.balancer);
                    self.endpoint_serving(lb).0 && !self.topology.partitioned(node, lb)
                });
            (ok, gw.state == GatewayState::Unreachable)
        } else if node >= 1 && node <= nb {
            let b = &self.balancers[(node - 1) as usize];
            let silent = b.state == BalancerState::Unreachable;
            let ok = b.state == BalancerState::Up
                && (0..b.targets.len()).any(|s| b.eligible(s, self.now));
            (ok, silent)
        } else if let Some(inst) = node
            .checked_sub(1 + nb)
            .and_then(|i| self.instances.get(i as usize))
        {
            (
                inst.state == InstanceState::Up,
                inst.state == InstanceState::Unreachable,
            )
        } else {
            (false, true)
        }
    }

    /// Could a request sent to this endpoint now succeed (ignoring load)?
    pub(crate) fn endpoint_can_serve(&self, node: u32) -> bool {
        self.endpoint_serving(node).0 && !self.topology.partitioned(CLIENTS_ID, node)
    }

    fn on_dns_check(&mut self, record: u32, seq: u32) {
        let Some(dns) = self.dns.as_ref() else { return };
        if dns.seq != seq || dns.state != DnsState::Up {
            return;
        }
        let node = dns.records[record as usize].node;
        let interval = dns.interval_us();
        let (ok, silent) = self.endpoint_serving(node);
        self.push(self.now + interval, Event::DnsCheck { record, seq });
        if !ok && silent {
            // Route 53 gives an endpoint four seconds to accept the connection.
            self.push(
                self.now + 4_000_000,
                Event::DnsCheckResult { record, seq, ok },
            );
        } else {
            self.on_dns_result(record, seq, ok);
        }
    }

    fn on_dns_result(&mut self, record: u32, seq: u32, ok: bool) {
        let now = self.now;
        let Some(dns) = self.dns.as_mut() else { return };
        if dns.seq != seq {
            return;
        }
        let Some(flip) = dns.on_check(record as usize, ok) else {
            return;
        };
        let node = dns.records[record as usize].node;
        let hc = dns.spec.health_check.clone();
        let answer = dns.answer();
        let last_expiry = dns.last_expiry_of(record as usize, now);
        let ttl_s = dns.spec.ttl_s;
        let dns_name = dns.spec.name.clone();
        let target = self.node_name(node);
        let answer_name = self.node_name(
            self.dns
                .as_ref()
                .map(|d| d.records[answer].node)
                .unwrap_or(0),
        );
        match flip {
            DnsTransition::BecameUnhealthy => {
                let detail = format!(
                    "Route 53 health check: FailureThreshold={} × RequestInterval={} s",
                    hc.failure_threshold, hc.request_interval_s
                );
                if let Some(rec) = self.metrics.open_record(node) {
                    if rec.detected_at_us.is_none() {
                        rec.detected_at_us = Some(now);
                        rec.detected_by = Some(detail.clone());
                    }
                    // Clients move as their cached answers expire: the last one at `last_expiry`.
                    if answer != record as usize && rec.rerouted_at_us.is_none() {
                        rec.rerouted_at_us = Some(last_expiry);
                    }
                }
                self.log(
                    Some(node),
                    LogKind::Detection,
                    format!("{dns_name}: {target} unhealthy ({detail}); now answering {answer_name}; cached answers live up to TTL {ttl_s} s"),
                );
            }
            DnsTransition::BecameHealthy => self.log(
                Some(node),
                LogKind::Recovery,
                format!("{dns_name}: {target} healthy again; answering {answer_name}"),
            ),
        }
    }

    fn apply_dns_fault(&mut self, action: FaultAction) {
        let node = self.dns_node().unwrap_or(CLIENTS_ID);
        let Some(dns) = self.dns.as_mut() else { return };
        let name = dns.spec.name.clone();
        match (action, dns.state) {
            (FaultAction::Fail, DnsState::Up) => {
                dns.state = DnsState::Failed;
                dns.seq = dns.seq.wrapping_add(1);
                self.open_failure(node, "DNS failure");
                self.log(Some(node), LogKind::Fault, format!("{name} stopped answering: clients with a cached answer carry on, the others cannot resolve"));
            }
            (FaultAction::Heal, DnsState::Failed) => {
                dns.state = DnsState::Up;
                self.metrics.close_record(node, self.now);
                self.start_dns_checks();
                self.log(
                    Some(node),
                    LogKind::Recovery,
                    format!("{name} answering again"),
                );
            }
            _ => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {} has no effect now", action.name()),
            ),
        }
    }

    /// Remember a client's deadline. Timeouts are usually constant, so deadlines arrive in
    /// order and this is a push at the back; a shortened timeout inserts in place.
    fn add_deadline(&mut self, at: TimeUs, r: ReqRef) {
        if self.deadlines.back().is_none_or(|&(last, _)| last <= at) {
            self.deadlines.push_back((at, r));
        } else {
            let pos = self.deadlines.partition_point(|&(t, _)| t <= at);
            self.deadlines.insert(pos, (at, r));
        }
        if self.sweep_at.is_none_or(|s| at < s) {
            self.sweep_at = Some(at);
            self.push(at, Event::DeadlineSweep);
        }
    }

    /// Time out every live request whose deadline has come, forget the ones that finished
    /// in time, and schedule the next sweep.
    fn on_deadline_sweep(&mut self) {
        if self.sweep_at.is_some_and(|s| s > self.now) {
            return; // an older sweep, superseded by an earlier one that already ran
        }
        self.sweep_at = None;
        while let Some(&(at, r)) = self.deadlines.front() {
            if at <= self.now {
                self.deadlines.pop_front();
                if self.requests.get(r).is_some() {
                    self.finish(r, Status::Timeout);
                }
            } else if self.requests.get(r).is_none() {
                self.deadlines.pop_front(); // finished in time: nothing to do
            } else {
                break;
            }
        }
        if let Some(&(at, _)) = self.deadlines.front() {
            self.sweep_at = Some(at);
            self.push(at, Event::DeadlineSweep);
        }
    }

    fn on_rate_step(&mut self) {
        let Some(step) = self
            .traffic
            .spec
            .profile
            .get(self.traffic.next_step)
            .cloned()
        else {
            return;
        };
        self.traffic.next_step += 1;
        self.set_rate(step.rate_rps);
        if let Some(at) = self.traffic.next_step_at_us() {
            self.push(at.max(self.now), Event::RateStep);
        }
    }

    fn set_rate(&mut self, rate_rps: f64) {
        self.traffic.rate_rps = rate_rps;
        self.traffic.arrival_gen = self.traffic.arrival_gen.wrapping_add(1);
        self.log(
            Some(CLIENTS_ID),
            LogKind::Info,
            format!("traffic now {rate_rps} requests/s"),
        );
        self.schedule_next_arrival();
    }

    fn on_at_balancer(&mut self, r: ReqRef) {
        let Some(b) = self.requests.get(r).and_then(|q| q.via) else {
            return;
        };
        let node = self.balancer_node(b);
        let gateway = self.requests.get(r).and_then(|q| q.gateway);
        match (self.balancers[b as usize].state, gateway) {
            (BalancerState::Up, _) => self.dispatch(r, None),
            // Behind a gateway, a dead balancer is the gateway's connect failure to handle:
            // refused at once (the RST travels back), or silent until its connect timeout.
            (state, Some(g)) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                let gw_node = self.gateway_node(g);
                let hop = self.topology.latency_us(gw_node, node);
                let (at, refused) = if state == BalancerState::Failed {
                    (self.now + hop, true)
                } else {
                    let sent = self.now.saturating_sub(hop);
                    let give_up = sent + self.gateways[g as usize].timeout_connect_us();
                    (give_up.max(self.now), false)
                };
                self.push(at, Event::GatewayRetry { r, refused });
            }
            (BalancerState::Failed, None) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                self.respond_client(r, node, Status::Refused);
            }
            // Nothing answers: the client waits for its own timeout.
            (BalancerState::Unreachable, None) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
            }
        }
    }

    /// Pick a target and send the request to it (a first try, a retry or a redispatch).
    fn dispatch(&mut self, r: ReqRef, exclude: Option<u32>) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, client, deadline) = (q.via.unwrap_or(0), q.client, q.deadline_us);
        let now = self.now;
        let lb_node = self.balancer_node(b);
        let Some(slot) = self.balancers[b as usize].pick(client, exclude, now) else {
            if let Some(q) = self.requests.get_mut(r) {
                q.blame.get_or_insert(lb_node);
            }
            self.respond_client(r, lb_node, Status::NoHealthyTarget);
            return;
        };
        self.send_attempt(r, b, slot, deadline);
    }

    fn send_attempt(&mut self, r: ReqRef, b: u32, slot: u32, deadline: TimeUs) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        q.attempt += 1;
        q.tries += 1;
        q.target = slot;
        q.attempt_open = true;
        let attempt = q.attempt;
        let bal = &mut self.balancers[b as usize];
        bal.targets[slot as usize].active += 1;
        let inst = bal.targets[slot as usize].instance;
        let timeout_server = bal.timeout_server_us();
        self.instances[inst as usize].inbound_attempts += 1;
        let arrive = self.now
            + self
                .topology
                .latency_us(self.balancer_node(b), self.instance_node(inst));
        self.transfer(
            self.balancer_node(b),
            self.instance_node(inst),
            arrive,
            TransferKind::Request,
        );
        self.push(arrive, Event::AtInstance { r, attempt });
        // Only worth an event when the balancer would give up before the client does.
        let server_deadline = arrive + timeout_server;
        if server_deadline < deadline {
            self.push(server_deadline, Event::ServerTimeout { r, attempt });
        }
    }

    /// The instance an attempt of `q` goes to.
    fn attempt_instance(&self, q: &Request) -> u32 {
        match q.via {
            Some(b) => self.balancers[b as usize].targets[q.target as usize].instance,
            None => q.target,
        }
    }

    fn on_at_instance(&mut self, r: ReqRef, attempt: u32) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        if q.attempt != attempt {
            return;
        }
        let via = q.via;
        let i = self.attempt_instance(q);
        let inst_node = self.instance_node(i);
        let client_node = self.client_node(q.client);
        let up_node = via.map(|b| self.balancer_node(b)).unwrap_or(client_node);
        let hop_us = self.topology.latency_us(inst_node, up_node);
        // Across a partition the instance is as silent as a dead host.
        let state = if self.topology.partitioned(up_node, inst_node) {
            InstanceState::Unreachable
        } else {
            self.instances[i as usize].state
        };
        match state {
            InstanceState::Up => match self.instances[i as usize].admit(Job { r, attempt }) {
                Admission::Started { worker, service_us } => {
                    let epoch = self.instances[i as usize].epoch;
                    self.push(
                        self.now + service_us,
                        Event::ServiceDone {
                            instance: i,
                            worker,
                            epoch,
                        },
                    );
                }
                Admission::Queued => {}
                Admission::Full => self.reply_from_instance(i, r, attempt, Status::QueueFull),
            },
            InstanceState::Starting | InstanceState::Crashed => {
                // RST straight back.
                let back = self.now + hop_us;
                match via {
                    Some(b) => {
                        self.transfer(
                            inst_node,
                            self.balancer_node(b),
                            back,
                            TransferKind::Failure,
                        );
                        self.push(
                            back,
                            Event::AttemptFailed {
                                r,
                                attempt,
                                why: AttemptFailure::Refused,
                            },
                        );
                    }
                    None => {
                        if let Some(q) = self.requests.get_mut(r) {
                            q.blame = Some(inst_node);
                        }
                        self.transfer(inst_node, client_node, back, TransferKind::Failure);
                        self.push(
                            back,
                            Event::ResponseAtClient {
                                r,
                                status: Status::Refused,
                            },
                        );
                    }
                }
            }
            InstanceState::Unreachable => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(inst_node);
                }
                if let Some(b) = via {
                    // The balancer's connect timer started when it sent the SYN.
                    let sent = self.now.saturating_sub(hop_us);
                    let at = (sent + self.balancers[b as usize].timeout_connect_us()).max(self.now);
                    self.push(
                        at,
                        Event::AttemptFailed {
                            r,
                            attempt,
                            why: AttemptFailure::ConnectTimeout,
                        },
                    );
                }
                // Called directly, the client simply waits for its deadline.
            }
        }
    }

    fn reply_from_instance(&mut self, i: u32, r: ReqRef, attempt: u32, status: Status) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        if q.attempt != attempt {
            return; // the caller gave up on this attempt: the answer goes nowhere
        }
        let via = q.via;
        let from = self.instance_node(i);
        let client_node = self.client_node(q.client);
        let up_node = via.map(|b| self.balancer_node(b)).unwrap_or(client_node);
        if self.topology.partitioned(from, up_node) {
            return; // the answer is dropped on the way: the caller times out
        }
        let back = self.now + self.topology.latency_us(from, up_node);
        let kind = if status == Status::Ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        match via {
            Some(b) => {
                self.transfer(from, self.balancer_node(b), back, kind);
                self.push(back, Event::ResponseAtBalancer { r, attempt, status });
            }
            None => {
                if status != Status::Ok {
                    if let Some(q) = self.requests.get_mut(r) {
                        q.blame = Some(from);
                    }
                }
                self.transfer(from, client_node, back, kind);
                self.push(back, Event::ResponseAtClient { r, status });
            }
        }
    }

    fn on_service_done(&mut self, i: u32, worker: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch != epoch || inst.state != InstanceState::Up {
            return;
        }
        if self.db.is_some() {
            // The worker now waits for its data store (client → server → data store).
            if let Some(job) = inst.job_of(worker) {
                self.send_query(i, worker, job);
            }
            return;
        }
        self.complete_job(i, worker, epoch, true);
    }

    /// A worker is done with its job: it takes the next one from its queue, and the answer
    /// (a 500 if the job failed or a gray failure struck) goes back up.
    fn complete_job(&mut self, i: u32, worker: u32, epoch: u32, ok: bool) {
        let Some(Finished { job, error, next }) = self.instances[i as usize].finish(worker) else {
            return;
        };
        if let Some((_, service_us)) = next {
            self.push(
                self.now + service_us,
                Event::ServiceDone {
                    instance: i,
                    worker,
                    epoch,
                },
            );
        }
        let status = if ok && !error {
            Status::Ok
        } else {
            Status::ServerError
        };
        self.reply_from_instance(i, job.r, job.attempt, status);
    }

    /// True if `r` is live, `attempt` is its current attempt, and its balancer is up (an
    /// unreachable or failed balancer processes nothing).
    fn current_attempt_via_live_balancer(&self, r: ReqRef, attempt: u32) -> bool {
        match self.requests.get(r) {
            Some(q) if q.attempt == attempt => match q.via {
                Some(b) => self.balancers[b as usize].state == BalancerState::Up,
                None => false,
            },
            _ => false,
        }
    }

    /// Close the current attempt's accounting (active connections, reroute tracking).
    fn end_attempt(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        if !q.attempt_open {
            return;
        }
        q.attempt_open = false;
        let (Some(b), slot) = (q.via, q.target) else {
            return;
        };
        let t = &mut self.balancers[b as usize].targets[slot as usize];
        t.active = t.active.saturating_sub(1);
        let i = t.instance;
        let inst = &mut self.instances[i as usize];
        inst.inbound_attempts = inst.inbound_attempts.saturating_sub(1);
        if inst.inbound_attempts == 0 {
            let node = self.instance_node(i);
            let now = self.now;
            if let Some(rec) = self.metrics.open_record(node) {
                if rec.detected_at_us.is_some() && rec.rerouted_at_us.is_none() {
                    rec.rerouted_at_us = Some(now);
                }
            }
        }
    }

    fn on_attempt_failure(&mut self, r: ReqRef, failure: Failure) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, slot, tries) = (q.via.unwrap_or(0), q.target, q.tries);
        let inst = self.balancers[b as usize].targets[slot as usize].instance;
        let inst_node = self.instance_node(inst);
        self.end_attempt(r);
        if let Some(q) = self.requests.get_mut(r) {
            q.blame = Some(inst_node);
        }
        let (retry_class, final_status, passive) = failure.classify();
        if passive && self.balancers[b as usize].passive_failure(slot as usize, self.now) {
            let detail = self.balancers[b as usize]
                .spec
                .passive
                .as_ref()
                .map(|p| {
                    format!(
                        "{} passive health: max_fails={} within fail_timeout={}",
                        self.balancers[b as usize].name,
                        p.max_fails,
                        fmt_duration(whole_ms_to_us(p.fail_timeout_ms))
                    )
                })
                .unwrap_or_default();
            self.on_marked_down(b, inst, detail);
        }
        let bal = &self.balancers[b as usize];
        if bal.retries_on(retry_class) && tries <= bal.spec.retries {
            self.metrics.on_retry(self.now);
            let last_retry = tries == bal.spec.retries;
            if bal.spec.redispatch && last_retry {
                self.dispatch(r, Some(slot));
            } else {
                let at = self.now + bal.turnaround_us();
                let attempt = self.requests.get(r).map(|q| q.attempt).unwrap_or(0);
                self.push(at, Event::RetryNow { r, attempt });
            }
        } else {
            self.respond_client(r, self.balancer_node(b), final_status);
        }
    }

    fn on_retry_now(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, slot, deadline) = (q.via.unwrap_or(0), q.target, q.deadline_us);
        let bal = &self.balancers[b as usize];
        if bal.eligible(slot as usize, self.now) || !bal.spec.redispatch {
            // HAProxy retries the same server...
            self.send_attempt(r, b, slot, deadline);
        } else {
            // ...unless it has been marked down meanwhile and redispatch is allowed.
            self.dispatch(r, Some(slot));
        }
    }

    fn respond_client(&mut self, r: ReqRef, from: u32, status: Status) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        // Through a gateway, the answer goes back the way the request came.
        let (to, event) = match q.gateway.map(|g| self.gateway_node(g)) {
            Some(gw) if gw != from => (gw, Event::ResponseAtGateway { r, status }),
            _ => (
                self.client_node(q.client),
                Event::ResponseAtClient { r, status },
            ),
        };
        if self.topology.partitioned(from, to) {
            return; // dropped: the client waits for its timeout
        }
        let back = self.now + self.topology.latency_us(from, to);
        let kind = if status == Status::Ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        self.transfer(from, to, back, kind);
        self.push(back, event);
    }

    /// The one place a request ends: removed from the slab (so it cannot end twice) and
    /// counted once.
    fn finish(&mut self, r: ReqRef, status: Status) {
        self.end_attempt(r);
        let Some(q) = self.requests.remove(r) else {
            return;
        };
        if let Some(g) = q.gateway {
            let gw = &mut self.gateways[g as usize];
            gw.in_flight = gw.in_flight.saturating_sub(1);
        }
        let now = self.now;
        match status {
            Status::Ok => {
                self.metrics.on_success(now, now - q.start_us);
                if let Some(node) = q.blame {
                    if let Some(rec) = self.metrics.open_record(node) {
                        rec.saved_by_retry += 1;
                    }
                }
            }
            other => {
                let reason = match other {
                    Status::ServerError => FailureReason::ServerError,
                    Status::QueueFull => FailureReason::QueueFull,
                    Status::NoHealthyTarget => FailureReason::NoHealthyTarget,
                    Status::Refused => FailureReason::ConnectionRefused,
                    Status::Reset => FailureReason::CrashedInFlight,
                    Status::DnsFailure => FailureReason::DnsFailure,
                    Status::Timeout | Status::Ok => FailureReason::Timeout,
                };
                self.metrics.on_failure(now, reason);
                let blamed = q.blame.and_then(|n| self.metrics.open_record(n).map(|_| n));
                let target = blamed.or_else(|| {
                    self.metrics
                        .failures
                        .iter()
                        .rev()
                        .find(|f| f.is_open())
                        .map(|f| f.node)
                });
                if let Some(node) = target {
                    if let Some(rec) = self.metrics.open_record(node) {
                        rec.lost_requests += 1;
                    }
                }
            }
        }
    }

    // ----- health checks ----------------------------------------------------------------

    fn start_checks(&mut self, b: u32) {
        let bal = &self.balancers[b as usize];
        let Some(cfg) = bal.check else { return };
        let inter = whole_ms_to_us(cfg.inter_ms).max(1);
        let ids: Vec<u32> = bal.targets.iter().filter_map(|t| t.checker).collect();
        for c in ids {
            // HAProxy spreads checks over the interval: a random phase per server.
            let phase = self.check_phase.next_u64() % inter;
            let ch = &mut self.checkers[c as usize];
            ch.seq = ch.seq.wrapping_add(1);
            ch.started_at = None;
            let seq = ch.seq;
            self.push(self.now + phase, Event::CheckStart { checker: c, seq });
        }
    }

    fn stop_checks(&mut self, b: u32) {
        for t in &self.balancers[b as usize].targets {
            if let Some(c) = t.checker {
                let ch = &mut self.checkers[c as usize];
                ch.seq = ch.seq.wrapping_add(1);
                ch.started_at = None;
            }
        }
    }

    fn on_check_start(&mut self, c: u32, seq: u32) {
        let ch = &self.checkers[c as usize];
        if ch.seq != seq {
            return;
        }
        let b = ch.balancer as usize;
        let Some(cfg) = self.balancers[b].check else {
            return;
        };
        if self.balancers[b].state != BalancerState::Up {
            return;
        }
        let (lb_node, inst_node) = (
            self.balancer_node(b as u32),
            self.instance_node(ch.instance),
        );
        let inst = &self.instances[ch.instance as usize];
        let timeout = whole_ms_to_us(cfg.timeout_ms);
        let rtt = 2 * self.topology.latency_us(lb_node, inst_node);
        let state = if self.topology.partitioned(lb_node, inst_node) {
            InstanceState::Unreachable
        } else {
            inst.state
        };
        let (ok, after) = match state {
            InstanceState::Up => {
                let t = rtt + inst.extra_latency_us;
                if t <= timeout {
                    (true, t)
                } else {
                    (false, timeout)
                }
            }
            // Refused at once (a gray failure still passes: the check endpoint is cheap).
            InstanceState::Starting | InstanceState::Crashed => (false, rtt.min(timeout)),
            // Nothing answers: the check waits for `timeout check`.
            InstanceState::Unreachable => (false, timeout),
        };
        self.checkers[c as usize].started_at = Some(self.now);
        self.push(
            self.now + after,
            Event::CheckResult {
                checker: c,
                seq,
                ok,
            },
        );
    }

    fn on_check_result(&mut self, c: u32, seq: u32, ok: bool) {
        if self.checkers[c as usize].seq != seq {
            return;
        }
        let b = self.checkers[c as usize].balancer;
        let Some(cfg) = self.balancers[b as usize].check else {
            return;
        };
        let ch = &mut self.checkers[c as usize];
        let started = ch.started_at.take().unwrap_or(self.now);
        let transition = ch.on_result(ok, &cfg);
        let (slot, inst, state) = (ch.slot, ch.instance, ch.state);
        let next = (started + ch.interval_us(&cfg)).max(self.now);
        self.balancers[b as usize].targets[slot as usize].health = state;
        self.push(next, Event::CheckStart { checker: c, seq });
        let (bname, iname) = (
            self.balancers[b as usize].name.clone(),
            self.instances[inst as usize].name.clone(),
        );
        let node = self.instance_node(inst);
        match transition {
            Some(Transition::Suspected) => self.log(
                Some(node),
                LogKind::Suspicion,
                format!(
                    "{bname}: check of {iname} failed (1/{} before DOWN); still in rotation",
                    cfg.fall
                ),
            ),
            Some(Transition::MarkedDown) => {
                let detail = format!(
                    "{bname} health check: fall={} × inter={}{}",
                    cfg.fall,
                    fmt_duration(whole_ms_to_us(cfg.inter_ms)),
                    if cfg.fastinter_ms != cfg.inter_ms {
                        format!(
                            " (fastinter={})",
                            fmt_duration(whole_ms_to_us(cfg.fastinter_ms))
                        )
                    } else {
                        String::new()
                    }
                );
                self.on_marked_down(b, inst, detail);
            }
            Some(Transition::MarkedUp) => {
                self.log(
                    Some(node),
                    LogKind::Recovery,
                    format!(
                        "{bname} marked {iname} UP after {} passing checks (rise={})",
                        cfg.rise, cfg.rise
                    ),
                );
                self.check_recovered(inst);
            }
            Some(Transition::Cleared) => self.log(
                Some(node),
                LogKind::Info,
                format!("{bname}: {iname} passed a check again; suspicion cleared"),
            ),
            None => {}
        }
    }

    fn on_marked_down(&mut self, b: u32, inst: u32, detail: String) {
        let node = self.instance_node(inst);
        let bname = self.balancers[b as usize].name.clone();
        let iname = self.instances[inst as usize].name.clone();
        let now = self.now;
        let inbound = self.instances[inst as usize].inbound_attempts;
        let mut text = format!("{bname} marked {iname} DOWN ({detail})");
        if let Some(rec) = self.metrics.open_record(node) {
            if rec.detected_at_us.is_none() {
                rec.detected_at_us = Some(now);
                rec.detected_by = Some(detail);
                text.push_str(&format!(
                    ": {} after the fault",
                    fmt_duration(now - rec.fault_at_us)
                ));
                if inbound == 0 {
                    rec.rerouted_at_us = Some(now);
                }
            }
        }
        self.log(Some(node), LogKind::Detection, text);
    }

    /// Close the failure record of `inst` once it is up and back in every rotation.
    fn check_recovered(&mut self, inst: u32) {
        if self.instances[inst as usize].state != InstanceState::Up
            || self.instances[inst as usize].is_degraded()
        {
            return;
        }
        let now = self.now;
        let all_in = self.balancers.iter().all(|b| {
            b.targets
                .iter()
                .filter(|t| t.instance == inst)
                .all(|t| b.check.is_none() || t.health.in_rotation())
        });
        if !all_in {
            return;
        }
        let node = self.instance_node(inst);
        if let Some(rec) = self.metrics.open_record(node) {
            rec.recovered_at_us = Some(now);
            let took = now - rec.fault_at_us;
            let lost = rec.lost_requests;
            let name = rec.node_name.clone();
            self.log(
                Some(node),
                LogKind::Recovery,
                format!(
                    "{name} recovered: {} after the fault, {lost} requests lost",
                    fmt_duration(took)
                ),
            );
        }
    }

    // ----- instance life cycle ----------------------------------------------------------

    fn start_instance(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.state = InstanceState::Starting;
        inst.epoch = inst.epoch.wrapping_add(1);
        let (epoch, boot) = (inst.epoch, whole_ms_to_us(inst.spec.startup_ms));
        self.push(
            self.now + boot,
            Event::InstanceBooted { instance: i, epoch },
        );
    }

    fn on_booted(&mut self, i: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch != epoch || inst.state != InstanceState::Starting {
            return;
        }
        inst.state = InstanceState::Up;
        let name = inst.name.clone();
        self.note_state_change();
        let node = self.instance_node(i);
        self.log(
            Some(node),
            LogKind::Info,
            format!("{name} is up and accepting connections"),
        );
        self.check_recovered(i);
    }

    fn open_failure(&mut self, node: u32, fault: &str) {
        if self.metrics.open_record(node).is_some() {
            return;
        }
        let name = self.node_name(node);
        self.metrics.open_failure(FailureRecord {
            node,
            node_name: name,
            fault: fault.to_string(),
            fault_at_us: self.now,
            detected_at_us: None,
            rerouted_at_us: None,
            recovered_at_us: None,
            lost_requests: 0,
            saved_by_retry: 0,
            detected_by: None,
        });
    }

    /// Kill an instance's jobs: a crash resets their connections (callers see it at once),
    /// a lost host just goes silent (callers wait for their timeouts).
    fn drop_jobs(&mut self, i: u32, reset: bool) {
        let jobs = self.instances[i as usize].drop_all_jobs();
        if reset {
            for job in jobs {
                self.reply_from_instance(i, job.r, job.attempt, Status::Reset);
            }
        }
    }

    // ----- database ---------------------------------------------------------------------

    /// A worker that finished its local work queries the data store: writes go to the
    /// primary its connection pool points at, reads too unless replicas serve reads.
    fn send_query(&mut self, i: u32, worker: u32, job: Job) {
        let write_fraction = self.traffic.spec.write_fraction;
        let write = self.instances[i as usize].draws_write(write_fraction);
        let Some(db) = self.db.as_ref() else { return };
        let view = self.db_view[i as usize] as usize;
        let target = if !write && db.spec.read_from_standby {
            db.standby_index().unwrap_or(view)
        } else {
            view
        };
        let (inst_node, db_node) = (self.instance_node(i), db.nodes[target].node);
        let timeout = whole_ms_to_us(db.spec.query_timeout_ms);
        let call = self.db_calls.open(DbCall {
            instance: i,
            worker,
            r: job.r,
            attempt: job.attempt,
            db: target as u8,
            write,
            ok: false,
            life: 0,
        });
        self.db_calls.hold(call);
        self.push(self.now + timeout, Event::DbTimeout { instance: i, call });
        if !self.topology.partitioned(inst_node, db_node) {
            let at = self.now + self.topology.latency_us(inst_node, db_node);
            self.transfer(inst_node, db_node, at, TransferKind::Request);
            self.db_calls.hold(call);
            self.push(at, Event::DbQuery { instance: i, call });
        }
    }

    /// Query `call` reaches its node; the answer (if any) is written into the entry and
    /// sent back as a DbReply naming it.
    fn on_db_query(&mut self, call: u32) {
        let DbCall {
            instance: i,
            db: k,
            write,
            ..
        } = self.db_calls.get(call);
        let k = k as usize;
        let now = self.now;
        let inst_node = self.instance_node(i);
        let Some(db) = self.db.as_mut() else { return };
        let (state, role, db_node) = (db.nodes[k].state, db.nodes[k].role, db.nodes[k].node);
        if state == InstanceState::Unreachable || self.topology.domain_down(db_node) {
            return; // silent: the instance's query timeout answers for it
        }
        let back = self.topology.latency_us(db_node, inst_node);
        let query = db.query_us();
        let answer = |ok: bool, at: TimeUs| (ok, at);
        let (ok, at) = if state != InstanceState::Up {
            answer(false, now + back) // refused
        } else if !write {
            db.stats.reads += 1;
            answer(true, now + query + back)
        } else if role != DbRole::Primary {
            // A standby or a fenced old primary is read-only.
            db.stats.writes_refused += 1;
            answer(false, now + back)
        } else {
            let leader = db.leader;
            if k != leader {
                // An unfenced old primary accepting writes while another leads: split brain.
                db.stats.conflicting_writes += 1;
            }
            let standby = (0..db.nodes.len()).find(|&s| s != k);
            let link = standby.map(|s| {
                let sn = &db.nodes[s];
                let ok = sn.state == InstanceState::Up
                    && sn.role == DbRole::Standby
                    && !self.topology.domain_down(sn.node)
                    && !self.topology.partitioned(db_node, sn.node);
                (ok, self.topology.latency_us(db_node, sn.node))
            });
            match link {
                // Synchronous: acknowledged once the standby has it; nothing acked is lost.
                Some((true, lat)) if db.is_sync() && k == leader => {
                    db.replicate(now + query + lat, now + query + 2 * lat);
                    db.stats.writes += 1;
                    answer(true, now + query + 2 * lat + back)
                }
                _ if db.is_sync() && db.spec.strict_sync && k == leader => {
                    db.stats.writes_refused += 1;
                    answer(false, now + back)
                }
                // Asynchronous (or sync degraded to async): acknowledged at once; the write
                // reaches the standby one hop later, or never while the link is down.
                Some((up, lat)) => {
                    db.replicate(
                        if up { now + query + lat } else { TimeUs::MAX },
                        now + query,
                    );
                    db.stats.writes += 1;
                    answer(true, now + query + back)
                }
                None => {
                    db.stats.writes += 1;
                    answer(true, now + query + back)
                }
            }
        };
        let (lag_writes, _) = db.lag(now);
        self.metrics.note_replication_lag(now, lag_writes);
        let kind = if ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        if !self.topology.partitioned(db_node, inst_node) {
            self.transfer(db_node, inst_node, at, kind);
            let life = self.db.as_ref().map_or(0, |d| d.nodes[k].life);
            let c = self.db_calls.get_mut(call);
            (c.ok, c.life) = (ok, life);
            self.db_calls.hold(call);
            self.push(at, Event::DbReply { instance: i, call });
        }
    }

    /// The data store answered (or the wait timed out): the worker is free again and the
    /// request's answer goes back up.
    fn on_db_answer(&mut self, i: u32, worker: u32, r: ReqRef, attempt: u32, ok: bool) {
        let inst = &mut self.instances[i as usize];
        let holds = inst
            .job_of(worker)
            .is_some_and(|j| j.r == r && j.attempt == attempt);
        if inst.state != InstanceState::Up || !holds {
            return; // stale: the other of reply/timeout came first, or the instance died
        }
        let epoch = inst.epoch;
        if !ok && !self.db_reconnecting[i as usize] {
            // Errors make the pool reconnect, to whoever holds the leader lock by then.
            self.db_reconnecting[i as usize] = true;
            let after = self.db.as_ref().map_or(0, |d| d.reconnect_us());
            self.push(self.now + after, Event::DbReconnect { instance: i });
        }
        self.complete_job(i, worker, epoch, ok);
    }

    /// Patroni's loop: the leader renews its lock; when it cannot for `ttl`, the lock
    /// expires, fencing demotes the old leader, and a healthy standby is promoted.
    fn on_db_lease(&mut self, epoch: u32) {
        let now = self.now;
        let Some(db) = self.db.as_mut() else { return };
        if db.epoch != epoch {
            return;
        }
        let wait = db.loop_wait_us().max(1);
        let leader = db.leader;
        let lnode = db.nodes[leader].node;
        let alive =
            db.nodes[leader].state == InstanceState::Up && !self.topology.domain_down(lnode);
        let standby = db.standby_index();
        // The consensus store lives with the majority, on the standby's side of any cut.
        let dcs_ok = standby.is_none_or(|s| !self.topology.partitioned(lnode, db.nodes[s].node));
        let mut messages = Vec::new();
        if alive && dcs_ok {
            db.renewed_at = now;
        } else if now >= db.renewed_at + db.ttl_us() && !db.promoting {
            if db.spec.fencing && db.nodes[leader].role == DbRole::Primary && alive {
                db.nodes[leader].role = DbRole::Fenced;
                messages.push((
                    lnode,
                    LogKind::Info,
                    format!(
                        "{} lost its leader lock and demoted itself (fencing): read-only",
                        db.nodes[leader].name
                    ),
                ));
            }
            db.lag(now); // trim what the standby has applied
            let lag = db.missing_since_renewal(now);
            match standby {
                Some(s)
                    if db.nodes[s].state == InstanceState::Up
                        && !self.topology.domain_down(db.nodes[s].node)
                        && lag <= db.spec.failover.maximum_lag_writes =>
                {
                    db.promoting = true;
                    let at = now + whole_ms_to_us(db.spec.failover.promotion_ms);
                    self.queue.push(at, Event::DbPromote { epoch });
                    messages.push((
                        lnode,
                        LogKind::Detection,
                        format!(
                            "leader lock of {} expired (ttl {} s, loop_wait {} s): promoting {}",
                            db.nodes[leader].name,
                            db.spec.failover.ttl_s,
                            db.spec.failover.loop_wait_s,
                            db.nodes[s].name
                        ),
                    ));
                }
                _ => {
                    db.stats.failovers_blocked += 1;
                    let why = match standby {
                        None => "there is no standby".to_string(),
                        Some(s) if db.nodes[s].state != InstanceState::Up => {
                            format!("{} is down too", db.nodes[s].name)
                        }
                        Some(_) => {
                            format!("the standby lags {lag} writes (> maximum_lag_on_failover)")
                        }
                    };
                    if db.stats.failovers_blocked == 1 || db.stats.failovers_blocked % 30 == 0 {
                        messages.push((
                            lnode,
                            LogKind::Info,
                            format!("no failover for {}: {why}", db.nodes[leader].name),
                        ));
                    }
                }
            }
        }
        self.push(now + wait, Event::DbLease { epoch });
        if !messages.is_empty() {
            if self.db_leader_down_since.is_none() {
                self.db_leader_down_since = Some(now);
            }
            let detected = messages.iter().any(|m| m.1 == LogKind::Detection);
            if detected {
                if let Some(rec) = self.metrics.open_record(lnode) {
                    rec.detected_at_us.get_or_insert(now);
                    rec.detected_by
                        .get_or_insert_with(|| "Patroni leader lock (ttl / loop_wait)".into());
                }
            }
        }
        for (node, kind, text) in messages {
            self.log(Some(node), kind, text);
        }
    }

    fn on_db_promote(&mut self, epoch: u32) {
        let now = self.now;
        let lost_at_failure = self.db_lost_at_failure.take();
        let Some(db) = self.db.as_mut() else { return };
        if db.epoch != epoch {
            return;
        }
        db.promoting = false;
        let Some(s) = db
            .standby_index()
            .filter(|&s| db.nodes[s].state == InstanceState::Up)
        else {
            return;
        };
        let old = db.leader;
        // A dead leader's unshipped writes were counted when it died; a live but cut-off
        // leader's are the ones that never left it.
        let lost = lost_at_failure.unwrap_or_else(|| db.unreplicated_at(now));
        db.stats.writes_lost += lost;
        db.stats.failovers += 1;
        db.leader = s;
        db.nodes[s].role = DbRole::Primary;
        if db.spec.fencing && db.nodes[old].role == DbRole::Primary {
            db.nodes[old].role = DbRole::Fenced;
        }
        db.renewed_at = now;
        db.epoch = db.epoch.wrapping_add(1);
        db.reset_replication(now);
        let (new_epoch, wait) = (db.epoch, db.loop_wait_us().max(1));
        let (old_node, old_name, new_name) = (
            db.nodes[old].node,
            db.nodes[old].name.clone(),
            db.nodes[s].name.clone(),
        );
        self.db_leader_down_since = None;
        self.push(now + wait, Event::DbLease { epoch: new_epoch });
        self.note_state_change();
        if let Some(rec) = self.metrics.open_record(old_node) {
            rec.rerouted_at_us.get_or_insert(now);
        }
        self.log(
            Some(old_node),
            LogKind::Recovery,
            format!("{new_name} promoted to primary in place of {old_name}: {lost} acknowledged write(s) lost (RPO); instances reconnect on their next error"),
        );
    }

    fn apply_db_fault(&mut self, k: usize, action: FaultAction) {
        let now = self.now;
        let node = self.db_first_node() + k as u32;
        let Some(db) = self.db.as_mut() else { return };
        let (name, state) = (db.nodes[k].name.clone(), db.nodes[k].state);
        let is_leader = db.leader == k;
        let text = match action {
            FaultAction::Crash | FaultAction::Unreachable if state == InstanceState::Up => {
                db.nodes[k].state = if action == FaultAction::Crash {
                    InstanceState::Crashed
                } else {
                    InstanceState::Unreachable
                };
                db.nodes[k].life = db.nodes[k].life.wrapping_add(1);
                let what = if action == FaultAction::Crash {
                    "crashed"
                } else {
                    "became unreachable"
                };
                let role = db.nodes[k].role.name();
                Some((LogKind::Fault, format!("{name} ({role}) {what}")))
            }
            FaultAction::Heal if state != InstanceState::Up => {
                db.nodes[k].state = InstanceState::Up;
                let role = if is_leader {
                    DbRole::Primary
                } else if db.nodes[k].role == DbRole::Primary && !db.spec.fencing {
                    // Nothing stops it: it still believes it is the primary.
                    DbRole::Primary
                } else {
                    DbRole::Standby
                };
                db.nodes[k].role = role;
                let note = if role == DbRole::Primary && !is_leader {
                    "back, and still acting as primary: split brain (no fencing)"
                } else if role == DbRole::Standby {
                    "back as a standby"
                } else {
                    "back as the primary"
                };
                Some((LogKind::Recovery, format!("{name} {note}")))
            }
            _ => None,
        };
        match (action, text) {
            (FaultAction::Crash | FaultAction::Unreachable, Some((kind, text))) => {
                if is_leader && self.db_leader_down_since.is_none() {
                    self.db_leader_down_since = Some(now);
                    self.db_lost_at_failure = self.db.as_ref().map(|d| d.unreplicated_at(now));
                }
                self.open_failure(node, "database failure");
                self.log(Some(node), kind, text);
            }
            (FaultAction::Heal, Some((kind, text))) => {
                if is_leader {
                    self.db_leader_down_since = None;
                    self.db_lost_at_failure = None;
                }
                self.metrics.close_record(node, now);
                self.log(Some(node), kind, text);
            }
            _ => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {} has no effect now", action.name()),
            ),
        }
    }

    // ----- commands ---------------------------------------------------------------------

    fn apply_command(&mut self, f: &Fault) {
        let Some(node) = self.node_by_name(&f.node) else {
            return;
        };
        self.hash
            .record(self.now, TRACE_COMMAND, node ^ ((f.action as u32) << 24));
        self.apply_action(node, f);
    }

    fn apply_action(&mut self, node: u32, f: &Fault) {
        self.apply_action_inner(node, f);
        self.note_state_change();
    }

    fn apply_action_inner(&mut self, node: u32, f: &Fault) {
        if let Some(d) = self.as_domain(node) {
            self.apply_domain_action(d, f);
            return;
        }
        if Some(node) == self.dns_node() {
            self.apply_dns_fault(f.action);
            return;
        }
        // A node's own fault, kept apart from its domain's (see `own_fault`).
        if let Some(own) = self.own_fault.get_mut(node as usize) {
            match f.action {
                FaultAction::Crash | FaultAction::Unreachable | FaultAction::Fail => {
                    *own = Some(f.action)
                }
                FaultAction::Heal => *own = None,
                _ => {}
            }
        }
        if f.action == FaultAction::Heal && self.topology.domain_down(node) {
            // Power comes back with the zone, not before.
            self.log(
                Some(node),
                LogKind::Info,
                format!(
                    "{} cannot be healed while its zone or region is down",
                    f.node
                ),
            );
            return;
        }
        if let Some(k) = self.as_db(node) {
            self.apply_db_fault(k, f.action);
            return;
        }
        if let Some(g) = self.as_gateway(node) {
            self.apply_gateway_fault(g, f.action);
            return;
        }
        let name = f.node.clone();
        let nb = self.balancers.len() as u32;
        if f.action == FaultAction::Set {
            self.apply_set(node, f);
            return;
        }
        if node == CLIENTS_ID || self.as_population(node).is_some() {
            return;
        }
        if node <= nb {
            self.apply_balancer_fault(node - 1, f.action);
            return;
        }
        let i = node - 1 - nb;
        let state = self.instances[i as usize].state;
        let alive = matches!(state, InstanceState::Up | InstanceState::Starting);
        match f.action {
            FaultAction::Crash if alive => {
                self.open_failure(node, "process crash");
                self.instances[i as usize].state = InstanceState::Crashed;
                self.drop_jobs(i, true);
                let mut text = format!(
                    "{name} crashed: connections are refused at once, requests in service are lost"
                );
                if let Some(after) = self.instances[i as usize].spec.restart_after_ms {
                    let epoch = self.instances[i as usize].epoch;
                    self.push(
                        self.now + whole_ms_to_us(after),
                        Event::AutoRestart { instance: i, epoch },
                    );
                    text.push_str(&format!(
                        "; supervisor restarts it in {}",
                        fmt_duration(whole_ms_to_us(after))
                    ));
                }
                self.log(Some(node), LogKind::Fault, text);
            }
            FaultAction::Unreachable if state != InstanceState::Unreachable => {
                self.open_failure(node, "host unreachable");
                self.instances[i as usize].state = InstanceState::Unreachable;
                self.drop_jobs(i, false);
                self.log(Some(node), LogKind::Fault, format!("{name} became unreachable: checks and requests now wait for their timeouts"));
            }
            FaultAction::Crash | FaultAction::Unreachable => {
                self.log(
                    Some(node),
                    LogKind::Info,
                    format!("{name} is already {}", state.name()),
                );
            }
            FaultAction::Heal => {
                self.instances[i as usize].clear_overlays();
                if matches!(state, InstanceState::Crashed | InstanceState::Unreachable) {
                    let boot =
                        fmt_duration(whole_ms_to_us(self.instances[i as usize].spec.startup_ms));
                    self.log(
                        Some(node),
                        LogKind::Info,
                        format!("{name} healed: booting ({boot})"),
                    );
                    self.start_instance(i);
                } else {
                    self.log(Some(node), LogKind::Info, format!("{name} healed"));
                    self.check_recovered(i);
                }
            }
            FaultAction::AddLatency => {
                let extra = f.extra_latency_ms.unwrap_or(0.0);
                self.open_failure(node, "added latency");
                self.instances[i as usize].extra_latency_us = ms_to_us(extra);
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name}: +{extra} ms latency on requests and checks"),
                );
            }
            FaultAction::Gray => {
                let err = f.error_rate.unwrap_or(0.1);
                let extra = f.extra_latency_ms.unwrap_or(0.0);
                self.open_failure(node, "gray failure");
                let inst = &mut self.instances[i as usize];
                inst.gray_error_rate = err;
                inst.gray_latency_us = ms_to_us(extra);
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name}: gray failure ({:.0} % errors, +{extra} ms) while health checks still pass", err * 100.0),
                );
            }
            FaultAction::Fail | FaultAction::Set | FaultAction::Partition | FaultAction::Repair => {
            }
        }
    }

    /// Fail or heal a zone/region (every node in it at once), or cut/repair the network
    /// between two of them.
    fn apply_domain_action(&mut self, d: u32, f: &Fault) {
        let id = self.domain_id(d);
        let (name, kind) = {
            let dom = &self.topology.domains[d as usize];
            (dom.name.clone(), dom.kind.name())
        };
        let nodes = self.topology.nodes_in(d);
        match f.action {
            FaultAction::Fail if !self.topology.domains[d as usize].down => {
                self.topology.domains[d as usize].down = true;
                self.open_failure(id, &format!("{kind} outage"));
                self.log(
                    Some(id),
                    LogKind::Fault,
                    format!(
                        "{kind} {name} failed: its {} node(s) stop answering at once",
                        nodes.len()
                    ),
                );
                for n in nodes {
                    self.domain_fault[n as usize] = true;
                    let own = self.own_fault[n as usize];
                    let silence = Fault::new(0, FaultAction::Unreachable, &self.node_name(n));
                    self.apply_action_inner(n, &silence);
                    self.own_fault[n as usize] = own;
                }
            }
            FaultAction::Heal if self.topology.domains[d as usize].down => {
                self.topology.domains[d as usize].down = false;
                self.metrics.close_record(id, self.now);
                self.log(
                    Some(id),
                    LogKind::Recovery,
                    format!("{kind} {name} is back: its nodes restart"),
                );
                for n in nodes {
                    if self.domain_fault[n as usize] && !self.topology.domain_down(n) {
                        self.domain_fault[n as usize] = false;
                        match self.own_fault[n as usize] {
                            None => {
                                let heal = Fault::new(0, FaultAction::Heal, &self.node_name(n));
                                self.apply_action_inner(n, &heal);
                            }
                            // Still broken on its own: back to that state, not to service.
                            Some(own) => self.restore_own_fault(n, own),
                        }
                    }
                }
            }
            FaultAction::Partition | FaultAction::Repair => {
                let Some(peer) = f
                    .peer
                    .as_deref()
                    .and_then(|p| self.topology.domain_by_name(p))
                else {
                    return;
                };
                let peer_name = self.topology.domains[peer as usize].name.clone();
                let cut = f.action == FaultAction::Partition;
                if self.topology.set_partition(d, peer, cut) {
                    let verb = if cut {
                        "partitioned from"
                    } else {
                        "reconnected to"
                    };
                    let kind_log = if cut {
                        LogKind::Fault
                    } else {
                        LogKind::Recovery
                    };
                    self.log(Some(id), kind_log, format!("{name} {verb} {peer_name}"));
                }
            }
            _ => self.log(
                Some(id),
                LogKind::Info,
                format!("{kind} {name}: {} has no effect now", f.action.name()),
            ),
        }
    }

    /// After its domain comes back, put a node that had failed on its own back into that
    /// failure (its jobs are already gone and its checks stopped).
    fn restore_own_fault(&mut self, node: u32, own: FaultAction) {
        let nb = self.balancers.len() as u32;
        let state = match own {
            FaultAction::Unreachable => InstanceState::Unreachable,
            _ => InstanceState::Crashed,
        };
        if let Some(k) = self.as_db(node) {
            if let Some(db) = self.db.as_mut() {
                db.nodes[k].state = state;
            }
        } else if let Some(g) = self.as_gateway(node) {
            self.gateways[g as usize].state = match own {
                FaultAction::Unreachable => GatewayState::Unreachable,
                _ => GatewayState::Failed,
            };
        } else if node <= nb {
            self.balancers[(node - 1) as usize].state = match own {
                FaultAction::Unreachable => BalancerState::Unreachable,
                _ => BalancerState::Failed,
            };
        } else if let Some(inst) = self.instances.get_mut((node - 1 - nb) as usize) {
            inst.state = match own {
                FaultAction::Unreachable => InstanceState::Unreachable,
                _ => InstanceState::Crashed,
            };
        }
    }

    fn apply_balancer_fault(&mut self, b: u32, action: FaultAction) {
        let node = self.balancer_node(b);
        let name = self.balancers[b as usize].name.clone();
        let state = self.balancers[b as usize].state;
        match action {
            FaultAction::Fail | FaultAction::Crash if state == BalancerState::Up => {
                self.open_failure(node, "balancer failed");
                self.balancers[b as usize].state = BalancerState::Failed;
                self.stop_checks(b);
                self.cut_connections(node, |q| q.via == Some(b));
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name} failed: every request through it fails until it is healed"),
                );
            }
            FaultAction::Unreachable if state == BalancerState::Up => {
                self.open_failure(node, "balancer unreachable");
                self.balancers[b as usize].state = BalancerState::Unreachable;
                self.stop_checks(b);
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name} became unreachable: clients wait for their timeout"),
                );
            }
            FaultAction::Heal if state != BalancerState::Up => {
                let bal = &mut self.balancers[b as usize];
                bal.state = BalancerState::Up;
                // A restarted balancer starts its targets from the initial check state.
                if let Some(cfg) = bal.check {
                    let start = Checker::start_state(&cfg);
                    for t in bal.targets.iter_mut() {
                        t.health = start;
                        if let Some(c) = t.checker {
                            self.checkers[c as usize].state = start;
                        }
                    }
                }
                self.start_checks(b);
                self.metrics.close_record(node, self.now);
                self.log(
                    Some(node),
                    LogKind::Recovery,
                    format!("{name} healed and routing again"),
                );
            }
            _ => self.log(
                Some(node),
                LogKind::Info,
                format!(
                    "{name}: {} has no effect while {}",
                    action.name(),
                    state.name()
                ),
            ),
        }
    }

    fn apply_set(&mut self, node: u32, f: &Fault) {
        let (Some(param), Some(value)) = (f.param.as_deref(), f.value.as_ref()) else {
            return;
        };
        let nb = self.balancers.len() as u32;
        let result = if node == CLIENTS_ID {
            let mut spec = self.traffic.spec.clone();
            params::apply_traffic(&mut spec, self.scenario.dns.is_some(), param, value).map(|()| {
                let rate_changed = spec.rate_rps != self.traffic.spec.rate_rps;
                self.scenario.traffic = spec.clone();
                self.traffic.spec = spec;
                if rate_changed {
                    let rate = self.traffic.spec.rate_rps;
                    self.set_rate(rate);
                }
            })
        } else if node <= nb {
            let b = node - 1;
            let mut spec = self.balancers[b as usize].spec.clone();
            params::apply_balancer(&mut spec, param, value).map(|()| {
                let had_checks = self.balancers[b as usize].check;
                self.scenario.balancers[b as usize] = spec.clone();
                self.balancers[b as usize].apply_spec(spec);
                let now_checks = self.balancers[b as usize].check;
                if had_checks != now_checks {
                    self.reconfigure_checks(b, had_checks.is_none());
                }
            })
        } else {
            let i = (node - 1 - nb) as usize;
            let mut spec = self.instances[i].spec.clone();
            params::apply_instance(&mut spec, param, value).map(|()| {
                self.scenario.instances[i] = spec.clone();
                let epoch = self.instances[i].epoch;
                for (worker, service_us) in self.instances[i].apply_spec(spec) {
                    let instance = i as u32;
                    let done = Event::ServiceDone {
                        instance,
                        worker,
                        epoch,
                    };
                    self.push(self.now + service_us, done);
                }
            })
        };
        let name = self.node_name(node);
        match result {
            Ok(()) => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {param} = {value}"),
            ),
            Err(e) => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {param} unchanged ({e})"),
            ),
        }
    }

    fn reconfigure_checks(&mut self, b: u32, newly_enabled: bool) {
        self.stop_checks(b);
        let bal = &mut self.balancers[b as usize];
        match bal.check {
            None => {
                // No checks: the balancer trusts every target.
                for t in bal.targets.iter_mut() {
                    t.health = HealthState::Up;
                }
            }
            Some(cfg) => {
                if newly_enabled {
                    let start = Checker::start_state(&cfg);
                    for t in bal.targets.iter_mut() {
                        t.health = start;
                        if let Some(c) = t.checker {
                            self.checkers[c as usize].state = start;
                        }
                    }
                }
                if bal.state == BalancerState::Up {
                    self.start_checks(b);
                }
            }
        }
    }
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
    /// (HAProxy `retry-on` class, status if not retried, counts for passive health).
    fn classify(self) -> (RetryOn, Status, bool) {
        match self {
            Failure::Attempt(AttemptFailure::Refused) => {
                (RetryOn::ConnFailure, Status::Refused, true)
            }
            Failure::Attempt(AttemptFailure::ConnectTimeout) => {
                (RetryOn::ConnFailure, Status::Timeout, true)
            }
            Failure::Attempt(AttemptFailure::Reset) | Failure::Status(Status::Reset) => {
                (RetryOn::EmptyResponse, Status::Reset, true)
            }
            Failure::Attempt(AttemptFailure::ServerTimeout) => {
                (RetryOn::ResponseTimeout, Status::Timeout, true)
            }
            Failure::Status(Status::QueueFull) => (RetryOn::Status503, Status::QueueFull, false),
            Failure::Status(other) => (RetryOn::Status500, other, false),
        }
    }
}
