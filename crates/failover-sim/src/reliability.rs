//! Analytic availability and the SPOF finder, from the topology alone.
//!
//! The topology becomes a *structure function*: a boolean formula over components ("the
//! balancer AND at least one of the instances"). Availability is computed exactly:
//! independent sub-formulas compose by the textbook rules (series ∏ aᵢ, parallel
//! 1 − ∏(1 − aᵢ), k-of-n by dynamic programming over the children), and a component that
//! appears in several branches — a shared zone, region or dependency, the correlated failure
//! that breaks the parallel formula — is handled by Shannon factoring: condition on it being
//! up, then down, and weigh the two results. No hand-waved formula, no sampling.
//!
//! A single point of failure is a component whose failure alone (everything else up) makes
//! the formula false.
use super::scenario::{Reliability, Scenario};
use super::validate::{self, NameKind};
use serde::Serialize;

/// A boolean formula over component indices.
#[derive(Clone, Debug, PartialEq)]
pub enum Structure {
    Up(usize),
    All(Vec<Structure>),
    Any(Vec<Structure>),
    AtLeast(usize, Vec<Structure>),
    True,
}

impl Structure {
    /// Is the system up when `up(c)` tells which components are up?
    pub fn eval(&self, up: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Structure::True => true,
            Structure::Up(c) => up(*c),
            Structure::All(xs) => xs.iter().all(|x| x.eval(up)),
            Structure::Any(xs) => xs.iter().any(|x| x.eval(up)),
            Structure::AtLeast(k, xs) => xs.iter().filter(|x| x.eval(up)).count() >= *k,
        }
    }

    fn count_uses(&self, counts: &mut [u32]) {
        match self {
            Structure::True => {}
            Structure::Up(c) => counts[*c] += 1,
            Structure::All(xs) | Structure::Any(xs) | Structure::AtLeast(_, xs) => {
                xs.iter().for_each(|x| x.count_uses(counts))
            }
        }
    }

    /// The formula with component `c` fixed up or down, simplified.
    fn fix(&self, c: usize, value: bool) -> Structure {
        match self {
            Structure::True => Structure::True,
            Structure::Up(x) if *x == c => {
                if value {
                    Structure::True
                } else {
                    Structure::Any(Vec::new()) // an empty Any is false
                }
            }
            Structure::Up(x) => Structure::Up(*x),
            Structure::All(xs) => Structure::All(xs.iter().map(|x| x.fix(c, value)).collect()),
            Structure::Any(xs) => Structure::Any(xs.iter().map(|x| x.fix(c, value)).collect()),
            Structure::AtLeast(k, xs) => {
                Structure::AtLeast(*k, xs.iter().map(|x| x.fix(c, value)).collect())
            }
        }
    }

    /// Probability that the formula holds when every component is up independently with
    /// probability `a[c]`. Exact.
    pub fn availability(&self, a: &[f64]) -> f64 {
        let mut counts = vec![0u32; a.len()];
        self.count_uses(&mut counts);
        // Factor on the most-shared component first: each factoring halves the sharing.
        match (0..a.len())
            .filter(|&c| counts[c] > 1)
            .max_by_key(|&c| (counts[c], std::cmp::Reverse(c)))
        {
            Some(c) => {
                a[c] * self.fix(c, true).availability(a)
                    + (1.0 - a[c]) * self.fix(c, false).availability(a)
            }
            None => self.independent(a),
        }
    }

    /// Availability when no component appears twice (children are independent).
    fn independent(&self, a: &[f64]) -> f64 {
        match self {
            Structure::True => 1.0,
            Structure::Up(c) => a[*c],
            Structure::All(xs) => xs.iter().map(|x| x.independent(a)).product(),
            Structure::Any(xs) => 1.0 - xs.iter().map(|x| 1.0 - x.independent(a)).product::<f64>(),
            Structure::AtLeast(k, xs) => {
                // dist[j] = P(exactly j children up so far).
                let mut dist = vec![1.0];
                for x in xs {
                    let p = x.independent(a);
                    let mut next = vec![0.0; dist.len() + 1];
                    for (j, &d) in dist.iter().enumerate() {
                        next[j] += d * (1.0 - p);
                        next[j + 1] += d * p;
                    }
                    dist = next;
                }
                dist.iter().skip(*k).sum()
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
    /// Exact steady-state availability from the components' MTBF / MTTR.
    pub availability: f64,
    /// The structure in words ("lb-1 AND any 1 of (app-1, app-2, app-3)").
    pub structure: String,
    #[serde(skip)]
    pub formula: Structure,
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

/// Component indices of a zone and of its region.
fn domain_components(s: &Scenario, zone: &Option<String>) -> Vec<usize> {
    let ix = Index::new(s);
    let Some(zone) = zone else { return Vec::new() };
    let mut zi = ix.zones;
    for (ri, r) in s.regions.iter().enumerate() {
        for z in &r.zones {
            if &z.name == zone {
                return vec![zi, ix.regions + ri];
            }
            zi += 1;
        }
    }
    Vec::new()
}

/// A node is usable when it, its zone and its region are up.
fn placed(node: usize, domains: Vec<usize>) -> Structure {
    if domains.is_empty() {
        Structure::Up(node)
    } else {
        let mut all = vec![Structure::Up(node)];
        all.extend(domains.into_iter().map(Structure::Up));
        Structure::All(all)
    }
}

/// What a request does with the data store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The structure function of "a request can succeed": of a read, or of a write. They
/// differ at the data store: with strict synchronous replication a write needs both
/// copies (no synchronous standby, no writes), a read needs either.
pub fn structure_for(s: &Scenario, access: Access) -> Structure {
    let ix = Index::new(s);
    let inst = |i: usize| placed(ix.instances + i, domain_components(s, &s.instances[i].zone));
    let by_name = |name: &str| s.instances.iter().position(|i| i.name == name).map(inst);
    let balancer = |b: usize| {
        // Backups are just more parallel capacity as far as "can it serve" goes.
        // Without cross-zone load balancing only the balancer's own zone counts.
        let bal = &s.balancers[b];
        let usable = |t: &&super::scenario::Target| {
            bal.cross_zone
                || bal.zone.is_none()
                || s.instances
                    .iter()
                    .find(|i| i.name == t.instance)
                    .is_none_or(|i| i.zone.is_none() || i.zone == bal.zone)
        };
        let targets: Vec<Structure> = bal
            .targets
            .iter()
            .filter(usable)
            .filter_map(|t| by_name(&t.instance))
            .collect();
        let lb = placed(b, domain_components(s, &bal.zone));
        Structure::All(vec![lb, Structure::Any(targets)])
    };
    let endpoint = |name: &str| match validate::lookup(s, name) {
        Some(NameKind::Instance(i)) => inst(i),
        Some(NameKind::Balancer(b)) => balancer(b),
        Some(NameKind::Gateway(g)) => {
            let gw = &s.gateways[g];
            let behind: Vec<Structure> = gw
                .balancers
                .iter()
                .filter_map(|b| s.balancers.iter().position(|lb| &lb.name == b))
                .map(balancer)
                .collect();
            let node = placed(ix.gateways + g, domain_components(s, &gw.zone));
            Structure::All(vec![node, Structure::Any(behind)])
        }
        _ => Structure::Any(Vec::new()),
    };
    let front = match &s.dns {
        // Failover routing serves if DNS answers and the primary or the secondary can serve
        // (steady state: after detection and cache expiry).
        Some(d) => {
            let records: Vec<Structure> = d.records.iter().map(|r| endpoint(&r.target)).collect();
            Structure::All(vec![Structure::Up(ix.dns), Structure::Any(records)])
        }
        None => endpoint(&s.entry),
    };
    // Every request also needs the data store: the primary, or the standby once promoted
    // (steady state, as for DNS).
    match &s.database {
        Some(db) => {
            let mut copies = vec![placed(ix.db, domain_components(s, &db.zone))];
            if let Some(st) = &db.standby {
                copies.push(placed(ix.db + 1, domain_components(s, &st.zone)));
            }
            let strict = db.strict_sync && db.replication == super::scenario::Replication::Sync;
            let store = if access == Access::Write && strict {
                Structure::All(copies)
            } else {
                Structure::Any(copies)
            };
            Structure::All(vec![front, store])
        }
        None => front,
    }
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

fn describe(f: &Structure, comps: &[Component]) -> String {
    let list = |xs: &[Structure]| {
        xs.iter()
            .map(|x| describe(x, comps))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match f {
        Structure::True => "always".into(),
        Structure::Up(c) => comps.get(*c).map(|c| c.name.clone()).unwrap_or_default(),
        Structure::All(xs) => xs
            .iter()
            .map(|x| describe(x, comps))
            .collect::<Vec<_>>()
            .join(" AND "),
        Structure::Any(xs) if xs.len() == 1 => describe(&xs[0], comps),
        Structure::Any(xs) => format!("any 1 of ({})", list(xs)),
        Structure::AtLeast(k, xs) => format!("at least {k} of ({})", list(xs)),
    }
}

pub fn analyse(s: &Scenario) -> Analysis {
    let comps = components(s);
    let formula = structure(s);
    let reads = structure_for(s, Access::Read);
    let writes = structure_for(s, Access::Write);
    let (any_reads, any_writes) = (
        s.traffic.write_fraction < 1.0,
        s.traffic.write_fraction > 0.0,
    );
    let a: Vec<f64> = comps.iter().map(|c| c.availability).collect();
    let spofs = (0..comps.len())
        // A managed DNS service (Route 53: anycast over many name servers) is redundant in
        // itself; it is listed only if the scenario gives it failure rates of its own.
        .filter(|&c| comps[c].kind != "dns" || comps[c].availability < 1.0)
        .filter_map(|c| {
            let stops_reads = !reads.eval(&|x| x != c);
            let stops_writes = !writes.eval(&|x| x != c);
            // Listed when it stops what this workload does (a read-only one has no writes
            // to stop); the flags say what it would stop either way.
            let matters = (any_reads && stops_reads) || (any_writes && stops_writes);
            matters.then(|| spof(&comps[c], stops_reads, stops_writes))
        })
        .collect();
    Analysis {
        availability: formula.availability(&a),
        structure: describe(&formula, &comps),
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
mod tests {
    use super::*;

    fn up(c: usize) -> Structure {
        Structure::Up(c)
    }

    #[test]
    fn textbook_formulas() {
        let a = [0.9, 0.8, 0.7];
        let series = Structure::All(vec![up(0), up(1), up(2)]);
        assert!((series.availability(&a) - 0.9 * 0.8 * 0.7).abs() < 1e-12);
        let parallel = Structure::Any(vec![up(0), up(1), up(2)]);
        assert!((parallel.availability(&a) - (1.0 - 0.1 * 0.2 * 0.3)).abs() < 1e-12);
        let same = [0.9; 3];
        let two_of_three = Structure::AtLeast(2, vec![up(0), up(1), up(2)]);
        let want = 3.0 * 0.81 * 0.1 + 0.729;
        assert!((two_of_three.availability(&same) - want).abs() < 1e-12);
    }

    #[test]
    fn a_shared_component_is_not_double_counted() {
        // Two servers in one zone (component 2): parallel servers, but both need the zone.
        let a = [0.9, 0.9, 0.99];
        let f = Structure::Any(vec![
            Structure::All(vec![up(0), up(2)]),
            Structure::All(vec![up(1), up(2)]),
        ]);
        let exact = 0.99 * (1.0 - 0.1 * 0.1);
        assert!((f.availability(&a) - exact).abs() < 1e-12);
        // The naive parallel formula would over-estimate it.
        let naive = 1.0 - (1.0 - 0.9 * 0.99) * (1.0 - 0.9 * 0.99);
        assert!(naive > exact);
    }

    #[test]
    fn matches_brute_force_enumeration() {
        let a = [0.9, 0.75, 0.6, 0.95, 0.5];
        let f = Structure::All(vec![
            up(4),
            Structure::AtLeast(
                2,
                vec![
                    Structure::All(vec![up(0), up(3)]),
                    Structure::Any(vec![up(1), up(3)]),
                    up(2),
                ],
            ),
            Structure::Any(vec![up(0), up(4)]),
        ]);
        let mut brute = 0.0;
        for mask in 0u32..32 {
            let p: f64 = (0..5)
                .map(|c| {
                    if mask & (1 << c) != 0 {
                        a[c]
                    } else {
                        1.0 - a[c]
                    }
                })
                .product();
            if f.eval(&|c| mask & (1 << c) != 0) {
                brute += p;
            }
        }
        assert!((f.availability(&a) - brute).abs() < 1e-12);
    }

    #[test]
    fn nines() {
        assert!((downtime_per_30_days_s(0.999) / 60.0 - 43.2).abs() < 0.01);
        assert!((downtime_per_30_days_s(0.99999) - 25.92).abs() < 0.01);
    }
}
