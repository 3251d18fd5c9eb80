//! Analytic availability and the SPOF finder, from the topology alone.
//!
//! The topology becomes a *structure function*: a boolean formula over components ("the
//! balancer AND at least one of the instances"), stored as a DAG so that a sub-formula used
//! in many places (the same targets behind every balancer, the same zone under every
//! instance in it) exists once (`structure.rs`).
//!
//! Availability is exact wherever the structure allows it, within a fixed work budget
//! (`exact.rs`: a binary decision diagram over the components, ordered region by region
//! and zone by zone, with the components that cannot fail folded away). A shared zone,
//! region or dependency — the correlated failure that breaks the parallel formula — is
//! handled exactly, not hand-waved. Past the budget (structures with no compact diagram:
//! many balancers over different, overlapping target lists) the figure is a labelled
//! Monte Carlo estimate with its 95 % interval (`estimate.rs`), never a silent
//! approximation, and never a hang: the budgets count operations, so native and wasm32
//! give the same method and the same bits.
//!
//! A single point of failure is a component whose failure alone (everything else up) makes
//! the formula false; `spof.rs` finds them all in one pass.
pub mod breakdown;
pub mod capacity;
mod estimate;
mod exact;
pub mod intervals;
mod predict;
pub mod series;
mod spof;
mod structure;

pub use estimate::{ESTIMATE_SEED, MAX_SAMPLES, MIN_SAMPLES};
pub use spof::{killers, Killers};
pub use structure::{Builder, Expr, Gate, NodeId, Structure};

use super::scenario::{Reliability, Scenario};
use super::validate::{self, NameKind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Steps the exact computation may take (decision-diagram operations) before it gives up
/// for an estimate. Real topologies at the limits need far fewer.
pub const EXACT_BUDGET_OPS: u64 = 1_000_000;
/// Word operations the estimate may take (samples / 64 × work per 64 samples).
pub const ESTIMATE_BUDGET_OPS: u64 = 96_000_000;

/// Work budgets of one availability computation (tests force tiny ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub exact_ops: u64,
    pub estimate_ops: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            exact_ops: EXACT_BUDGET_OPS,
            estimate_ops: ESTIMATE_BUDGET_OPS,
        }
    }
}

/// How an availability figure was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    Exact,
    /// Monte Carlo over the structure: see `Estimate` for the interval.
    Estimate,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Estimate => "estimate",
        }
    }
}

/// What an estimate rests on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// 95 % confidence interval (Wilson score), [low, high].
    pub ci95: [f64; 2],
    pub samples: u64,
}

/// Work an analysis took, in operations (what the budgets bound; never wall time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Work {
    /// Decision-diagram steps, ≤ `EXACT_BUDGET_OPS` (equal to it when the budget ran out).
    pub exact_ops: u64,
    /// Planned word operations of the estimate (0 when exact), ≤ `ESTIMATE_BUDGET_OPS`
    /// unless even the minimum sample count exceeds it.
    pub estimate_ops: u64,
    /// Steps of the SPOF finder, over both formulas (no budget: linear in their size).
    pub spof_ops: u64,
    /// Links in the formulas' DAGs (reads and writes), the size the passes are linear in.
    pub formula_edges: u64,
}

/// An availability figure and how it was obtained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Computed {
    pub value: f64,
    pub method: Method,
    /// Set for `Method::Estimate`.
    pub estimate: Option<Estimate>,
    pub exact_ops: u64,
    pub estimate_ops: u64,
}

impl Structure {
    /// Probability that the formula holds when every component is up independently with
    /// probability `a[c]` (components beyond `a` never fail): exact within the default
    /// budget, else an estimate.
    pub fn availability(&self, a: &[f64]) -> Computed {
        self.availability_within(a, Budget::default())
    }

    pub fn availability_within(&self, a: &[f64], budget: Budget) -> Computed {
        let (exact, exact_ops) = exact::availability(self, a, budget.exact_ops);
        match exact {
            Ok(value) => Computed {
                value,
                method: Method::Exact,
                estimate: None,
                exact_ops,
                estimate_ops: 0,
            },
            Err(exact::OverBudget) => {
                let e = estimate::estimate(self, a, budget.estimate_ops);
                Computed {
                    value: e.value,
                    method: Method::Estimate,
                    estimate: Some(Estimate {
                        ci95: e.ci95,
                        samples: e.samples,
                    }),
                    exact_ops,
                    estimate_ops: e.ops,
                }
            }
        }
    }
}

/// One thing that can fail: a node (later zones, regions, shared dependencies).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Component {
    pub name: String,
    pub kind: &'static str,
    /// MTBF / (MTBF + MTTR); 1 when the scenario gives it no failure rates.
    pub availability: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Spof {
    pub name: String,
    pub kind: &'static str,
    /// Why its failure alone stops every request, in words for the tooltip.
    pub why: String,
    /// Whether its failure alone stops every read, and every write.
    pub reads: bool,
    pub writes: bool,
}

impl Spof {
    /// "reads and writes", "writes" or "reads".
    pub fn stops(&self) -> &'static str {
        match (self.reads, self.writes) {
            (true, true) => "reads and writes",
            (false, true) => "writes",
            _ => "reads",
        }
    }
}

/// The reliability view of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub components: Vec<Component>,
    pub spofs: Vec<Spof>,
    /// Steady-state availability from the components' MTBF / MTTR: exact, or an estimate
    /// when `availability_method` says so.
    pub availability: f64,
    pub availability_method: Method,
    /// The estimate's interval and sample count (`None` when exact).
    pub availability_estimate: Option<Estimate>,
    /// Operations the analysis took (what the budgets bound).
    pub work: Work,
    /// The structure in words ("lb-1 AND any 1 of (app-1, app-2, app-3)"), cut past a few
    /// thousand characters.
    pub structure: String,
    /// The same question under the peak load: how many instances each tier needs (k of n)
    /// and the availability when fewer than k is an outage (`capacity.rs`).
    pub capacity: capacity::CapacityAnalysis,
    #[serde(skip)]
    pub formula: Structure,
}

impl Analysis {
    /// "exact" or "estimate (Monte Carlo, 16384 samples, 95 % CI 99.9012–99.9430 %)".
    pub fn method_label(&self) -> String {
        match &self.availability_estimate {
            Some(e) => e.label(),
            None => self.availability_method.name().to_string(),
        }
    }
}

impl Estimate {
    /// "estimate (Monte Carlo, 16384 samples, 95 % CI 99.9012–99.9430 %)".
    pub fn label(&self) -> String {
        format!(
            "estimate (Monte Carlo, {} samples, 95 % CI {:.4}–{:.4} %)",
            self.samples,
            self.ci95[0] * 100.0,
            self.ci95[1] * 100.0
        )
    }
}

/// MTBF / (MTBF + MTTR), where the time to repair includes the boot that follows the repair
/// (`boot_s`): what matters is how long the component cannot serve.
pub fn component_availability(r: Option<&Reliability>, boot_s: f64) -> f64 {
    match r {
        Some(r) if r.mtbf_s > 0.0 => r.mtbf_s / (r.mtbf_s + r.mttr_s + boot_s),
        _ => 1.0,
    }
}

/// Where each kind of component starts in `components`' order: balancers, instances,
/// regions, zones, the DNS service, database nodes, gateways (the engine's node order, less
/// the client population, with the failure domains moved in after the instances).
struct Index {
    instances: usize,
    regions: usize,
    zones: usize,
    dns: usize,
    db: usize,
    gateways: usize,
}

impl Index {
    fn new(s: &Scenario) -> Index {
        let instances = s.balancers.len();
        let regions = instances + s.instances.len();
        let zones = regions + s.regions.len();
        let dns = zones + s.regions.iter().map(|r| r.zones.len()).sum::<usize>();
        let db = dns + s.dns.is_some() as usize;
        let db_nodes = s
            .database
            .as_ref()
            .map_or(0, |d| 1 + d.standby.is_some() as usize);
        Index {
            instances,
            regions,
            zones,
            dns,
            db,
            gateways: db + db_nodes,
        }
    }
}

pub fn components(s: &Scenario) -> Vec<Component> {
    let comp = |name: &str, kind: &'static str, r: Option<&Reliability>, boot_s: f64| Component {
        name: name.to_string(),
        kind,
        availability: component_availability(r, boot_s),
    };
    let mut out: Vec<Component> = s
        .balancers
        .iter()
        .map(|b| comp(&b.name, "balancer", b.failures.as_ref(), 0.0))
        .collect();
    out.extend(s.instances.iter().map(|i| {
        let boot_s = i.startup_ms as f64 / 1_000.0;
        comp(&i.name, "instance", i.failures.as_ref(), boot_s)
    }));
    out.extend(
        s.regions
            .iter()
            .map(|r| comp(&r.name, "region", r.failures.as_ref(), 0.0)),
    );
    for r in &s.regions {
        out.extend(
            r.zones
                .iter()
                .map(|z| comp(&z.name, "zone", z.failures.as_ref(), 0.0)),
        );
    }
    if let Some(d) = &s.dns {
        out.push(comp(&d.name, "dns", d.failures.as_ref(), 0.0));
    }
    if let Some(db) = &s.database {
        out.push(comp(&db.name, "database", db.failures.as_ref(), 0.0));
        if let Some(st) = &db.standby {
            out.push(comp(&st.name, "database", st.failures.as_ref(), 0.0));
        }
    }
    out.extend(
        s.gateways
            .iter()
            .map(|g| comp(&g.name, "gateway", g.failures.as_ref(), 0.0)),
    );
    out
}

/// Where each instance, zone and region sits in the component list, by name: one lookup
/// per target instead of a scan of every instance (targets × instances at the limits).
struct Places<'a> {
    ix: Index,
    /// Instance name → index (the first one, as a scan would find). Looked up, never
    /// iterated: its hashing order cannot reach a result.
    instance: HashMap<&'a str, usize>,
    /// Zone name → (zone component, region component).
    zone: BTreeMap<&'a str, (usize, usize)>,
}

impl<'a> Places<'a> {
    fn new(s: &'a Scenario) -> Places<'a> {
        let ix = Index::new(s);
        let mut instance = HashMap::with_capacity(s.instances.len());
        for (i, inst) in s.instances.iter().enumerate() {
            instance.entry(inst.name.as_str()).or_insert(i);
        }
        let mut zone = BTreeMap::new();
        let mut zi = ix.zones;
        for (ri, r) in s.regions.iter().enumerate() {
            for z in &r.zones {
                zone.entry(z.name.as_str()).or_insert((zi, ix.regions + ri));
                zi += 1;
            }
        }
        Places { ix, instance, zone }
    }

    /// Component indices of a zone and of its region.
    fn domains(&self, zone: &Option<String>) -> Option<(usize, usize)> {
        zone.as_deref().and_then(|z| self.zone.get(z).copied())
    }

    /// A node is usable when it, its zone and its region are up.
    fn placed(&self, b: &mut Builder, node: usize, zone: &Option<String>) -> NodeId {
        match self.domains(zone) {
            None => b.up(node),
            Some((z, r)) => {
                let kids = vec![b.up(node), b.up(z), b.up(r)];
                b.all(kids)
            }
        }
    }

    /// The variable order for the exact computation: components without a zone first (in
    /// component order), then region by region: the region, then zone by zone: the zone and
    /// the nodes in it. A diagram in this order carries from one zone to the next only
    /// what is still undecided, not every zone's state.
    fn order(&self, s: &Scenario, count: usize) -> Vec<u32> {
        let ix = &self.ix;
        // (region + 1, zone + 1, 1 for a node, component): unplaced components are
        // (0, 0, 0, c) and come first; a region precedes its zones, a zone its nodes.
        let mut key: Vec<(usize, usize, usize, usize)> = (0..count).map(|c| (0, 0, 0, c)).collect();
        let mut set = |c: usize, k: (usize, usize, usize, usize)| {
            if let Some(slot) = key.get_mut(c) {
                *slot = k;
            }
        };
        let mut zi = ix.zones;
        for (ri, r) in s.regions.iter().enumerate() {
            set(ix.regions + ri, (ri + 1, 0, 0, ix.regions + ri));
            for _ in &r.zones {
                set(zi, (ri + 1, zi - ix.zones + 1, 0, zi));
                zi += 1;
            }
        }
        let mut placed = |c: usize, zone: &Option<String>| {
            if let Some((z, r)) = self.domains(zone) {
                set(c, (r - ix.regions + 1, z - ix.zones + 1, 1, c));
            }
        };
        for (j, bal) in s.balancers.iter().enumerate() {
            placed(j, &bal.zone);
        }
        for (i, inst) in s.instances.iter().enumerate() {
            placed(ix.instances + i, &inst.zone);
        }
        if let Some(db) = &s.database {
            placed(ix.db, &db.zone);
            if let Some(st) = &db.standby {
                placed(ix.db + 1, &st.zone);
            }
        }
        for (g, gw) in s.gateways.iter().enumerate() {
            placed(ix.gateways + g, &gw.zone);
        }
        let mut by_key: Vec<usize> = (0..count).collect();
        by_key.sort_by_key(|&c| key[c]);
        let mut rank = vec![0u32; count];
        for (place, c) in by_key.into_iter().enumerate() {
            rank[c] = place as u32;
        }
        rank
    }
}

/// What a request does with the data store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The formula's builder with each instance's and balancer's sub-formula made once and
/// shared by every use.
struct Assembly<'a> {
    s: &'a Scenario,
    p: Places<'a>,
    b: Builder,
    instances: Vec<Option<NodeId>>,
    balancers: Vec<Option<NodeId>>,
    /// Instances each balancer needs up (1: the structural "any one"; more: the
    /// capacity-aware "k of n", see `capacity.rs`).
    needed: Vec<usize>,
}

impl Assembly<'_> {
    fn instance(&mut self, i: usize) -> NodeId {
        if let Some(n) = self.instances[i] {
            return n;
        }
        let n = self.p.placed(
            &mut self.b,
            self.p.ix.instances + i,
            &self.s.instances[i].zone,
        );
        self.instances[i] = Some(n);
        n
    }

    fn balancer(&mut self, j: usize) -> NodeId {
        if let Some(n) = self.balancers[j] {
            return n;
        }
        // Backups are just more parallel capacity as far as "can it serve" goes.
        // Without cross-zone load balancing only the balancer's own zone counts.
        let s = self.s;
        let bal = &s.balancers[j];
        let mut targets = Vec::with_capacity(bal.targets.len());
        for t in &bal.targets {
            let Some(&i) = self.p.instance.get(t.instance.as_str()) else {
                continue;
            };
            let zone = &s.instances[i].zone;
            if bal.cross_zone || bal.zone.is_none() || zone.is_none() || *zone == bal.zone {
                targets.push(self.instance(i));
            }
        }
        let lb = self.p.placed(&mut self.b, j, &bal.zone);
        let any = match self.needed.get(j).copied().unwrap_or(1) {
            k if k <= 1 => self.b.any(targets),
            k => self.b.at_least(k, targets),
        };
        let n = self.b.all(vec![lb, any]);
        self.balancers[j] = Some(n);
        n
    }

    fn endpoint(&mut self, name: &str) -> NodeId {
        let s = self.s;
        match validate::lookup(s, name) {
            Some(NameKind::Instance(i)) => self.instance(i),
            Some(NameKind::Balancer(j)) => self.balancer(j),
            Some(NameKind::Gateway(g)) => {
                let gw = &s.gateways[g];
                let behind: Vec<NodeId> = gw
                    .balancers
                    .iter()
                    .filter_map(|name| s.balancers.iter().position(|lb| &lb.name == name))
                    .map(|j| self.balancer(j))
                    .collect();
                let node = self.p.placed(&mut self.b, self.p.ix.gateways + g, &gw.zone);
                let any = self.b.any(behind);
                self.b.all(vec![node, any])
            }
            _ => self.b.any(Vec::new()),
        }
    }
}

/// The structure function of "a request can succeed": of a read, or of a write. They
/// differ at the data store: with strict synchronous replication a write needs both
/// copies (no synchronous standby, no writes), a read needs either.
pub fn structure_for(s: &Scenario, access: Access) -> Structure {
    structure_needing(s, access, &[])
}

/// The same formula with balancer j needing `needed[j]` of its instances up (missing: 1).
pub fn structure_needing(s: &Scenario, access: Access, needed: &[usize]) -> Structure {
    let mut f = Assembly {
        s,
        p: Places::new(s),
        b: Builder::default(),
        instances: vec![None; s.instances.len()],
        balancers: vec![None; s.balancers.len()],
        needed: needed.to_vec(),
    };
    let front = match &s.dns {
        // Failover routing serves if DNS answers and the primary or the secondary can serve
        // (steady state: after detection and cache expiry).
        Some(d) => {
            let records: Vec<NodeId> = d.records.iter().map(|r| f.endpoint(&r.target)).collect();
            let dns = f.b.up(f.p.ix.dns);
            let any = f.b.any(records);
            f.b.all(vec![dns, any])
        }
        None => f.endpoint(&s.entry),
    };
    // Every request also needs the data store: the primary, or the standby once promoted
    // (steady state, as for DNS).
    let ix_db = f.p.ix.db;
    let root = match &s.database {
        Some(db) => {
            let mut copies = vec![f.p.placed(&mut f.b, ix_db, &db.zone)];
            if let Some(st) = &db.standby {
                copies.push(f.p.placed(&mut f.b, ix_db + 1, &st.zone));
            }
            let strict = db.strict_sync && db.replication == super::scenario::Replication::Sync;
            let store = if access == Access::Write && strict {
                f.b.all(copies)
            } else {
                f.b.any(copies)
            };
            f.b.all(vec![front, store])
        }
        None => front,
    };
    let count = f.p.ix.gateways + s.gateways.len();
    let order = f.p.order(s, count);
    f.b.finish(root).with_order(order)
}

/// "A request can succeed" for the run's mix: a write needs everything a read needs (and
/// perhaps more), so with any writes it is the write formula.
pub fn structure(s: &Scenario) -> Structure {
    if s.traffic.write_fraction > 0.0 {
        structure_for(s, Access::Write)
    } else {
        structure_for(s, Access::Read)
    }
}

pub fn analyse(s: &Scenario) -> Analysis {
    analyse_with_ceiling(s, capacity::DEFAULT_UTILISATION_CEILING)
}

/// `analyse` with the capacity-aware side held to a utilisation ceiling (1.0 = 100 %).
pub fn analyse_with_ceiling(s: &Scenario, ceiling: f64) -> Analysis {
    let comps = components(s);
    let reads = structure_for(s, Access::Read);
    let writes = structure_for(s, Access::Write);
    // "A request can succeed" for the run's mix (see `structure`).
    let formula = if s.traffic.write_fraction > 0.0 {
        writes.clone()
    } else {
        reads.clone()
    };
    let (any_reads, any_writes) = (
        s.traffic.write_fraction < 1.0,
        s.traffic.write_fraction > 0.0,
    );
    let a: Vec<f64> = comps.iter().map(|c| c.availability).collect();
    let (read_killers, read_ops) = killers(&reads);
    let (write_killers, write_ops) = killers(&writes);
    let spofs = (0..comps.len())
        // A managed DNS service (Route 53: anycast over many name servers) is redundant in
        // itself; it is listed only if the scenario gives it failure rates of its own.
        .filter(|&c| comps[c].kind != "dns" || comps[c].availability < 1.0)
        .filter_map(|c| {
            let stops_reads = read_killers.contains(c);
            let stops_writes = write_killers.contains(c);
            // Listed when it stops what this workload does (a read-only one has no writes
            // to stop); the flags say what it would stop either way.
            let matters = (any_reads && stops_reads) || (any_writes && stops_writes);
            matters.then(|| spof(&comps[c], stops_reads, stops_writes))
        })
        .collect();
    let computed = formula.availability(&a);
    let capacity = capacity::analyse(
        s,
        ceiling,
        capacity::Structural {
            components: &comps,
            availability: &a,
            figure: (computed.value, computed.method, computed.estimate),
            read_killers: &read_killers,
            write_killers: &write_killers,
        },
    );
    let name = |c: usize| comps.get(c).map(|c| c.name.clone()).unwrap_or_default();
    Analysis {
        capacity,
        availability: computed.value,
        availability_method: computed.method,
        availability_estimate: computed.estimate,
        work: Work {
            exact_ops: computed.exact_ops,
            estimate_ops: computed.estimate_ops,
            spof_ops: read_ops + write_ops,
            formula_edges: (reads.edge_count() + writes.edge_count()) as u64,
        },
        structure: formula.describe(&name),
        components: comps,
        spofs,
        formula,
    }
}

fn spof(comp: &Component, reads: bool, writes: bool) -> Spof {
    let name = &comp.name;
    let why = match comp.kind {
        "gateway" => format!("every request enters through {name}: with no other gateway, nothing else can let it in"),
        "balancer" => format!("every request passes through {name}: nothing else can route them"),
        "instance" => format!("{name} is the only server: there is nothing to fail over to"),
        "dns" => format!("every client must resolve {name} before anything else"),
        "database" if !reads => format!("writes need {name}: strict synchronous replication stops writes without it (reads carry on)"),
        "database" => format!("every request reads or writes {name}: with no standby to promote, its failure stops everything"),
        kind => format!(
            "everything a request needs is in this {kind}: one power, network or data-center failure stops it all"
        ),
    };
    Spof {
        name: name.clone(),
        kind: comp.kind,
        why,
        reads,
        writes,
    }
}

/// Downtime per 30 days at a given availability, for the nines table.
pub fn downtime_per_30_days_s(availability: f64) -> f64 {
    (1.0 - availability).max(0.0) * 30.0 * 86_400.0
}

#[cfg(test)]
mod tests;
