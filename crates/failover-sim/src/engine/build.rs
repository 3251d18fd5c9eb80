//! Building a run: validate the scenario, make every component and its random streams, and
//! schedule the first events.
use super::*;

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
                .unwrap_or_else(|| crate::scenario::CheckPreset::Haproxy.params());
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
        let analysis = reliability::analyse(scenario);
        let prediction = reliability::breakdown::predict(scenario, &analysis);
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
            analysis,
            prediction,
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
            deadlines: Deadlines::default(),
            sweep_at: None,
            reliability_rngs: Vec::new(),
            structure: reliability::structure(scenario),
            system_up: true,
            system_since_us: 0,
            system_up_us: 0,
            rollouts: Vec::new(),
            overload: overload::OverloadState::new(scenario, seed),
            autoscalers: Vec::new(),
            queues: Simulation::new_queues(scenario),
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
        sim.start_autoscalers();
        if let Some(db) = sim.db.as_ref() {
            let (epoch, wait) = (db.epoch, db.loop_wait_us().max(1));
            let phase = sim.check_phase.next_u64() % wait;
            sim.push(phase, Event::DbLease { epoch });
        }
        Ok(sim)
    }
}
