//! Failure domains and the network between them: regions contain zones, zones contain
//! nodes. A zone or region can fail (every node in it goes silent at once: power or network
//! loss), and two domains can be partitioned (traffic between them is dropped).
//!
//! This is where correlated failure lives: redundancy inside one domain does not survive
//! that domain's failure, and hop latency grows from in-zone to cross-zone to cross-region.
use super::scenario::{Reliability, Scenario};
use super::time::{ms_to_us, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DomainKind {
    Region,
    Zone,
}

impl DomainKind {
    pub fn name(self) -> &'static str {
        match self {
            DomainKind::Region => "region",
            DomainKind::Zone => "zone",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Domain {
    pub name: String,
    pub kind: DomainKind,
    /// The region of a zone.
    pub parent: Option<u32>,
    pub down: bool,
    pub failures: Option<Reliability>,
}

/// Where a node is: its zone and region, if the scenario places it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub zone: Option<u32>,
    pub region: Option<u32>,
}

impl Place {
    fn is_in(&self, d: u32) -> bool {
        self.zone == Some(d) || self.region == Some(d)
    }
}

#[derive(Clone, Debug)]
pub struct Topology {
    /// Regions first, then zones, in file order.
    pub domains: Vec<Domain>,
    /// By engine node id (0 = clients, then balancers, then instances).
    places: Vec<Place>,
    /// Partitioned pairs of domains (each pair once, smaller id first).
    pub partitions: Vec<(u32, u32)>,
    /// Node id of the second client population (the rest follow); clients live in a
    /// region but are not part of it: a region outage does not silence its users.
    first_population: u32,
    same_zone_us: TimeUs,
    cross_zone_us: TimeUs,
    cross_region_us: TimeUs,
}

impl Topology {
    /// Build from a validated scenario (every zone and region name resolves).
    pub fn new(s: &Scenario) -> Topology {
        let mut domains = Vec::new();
        for r in &s.regions {
            domains.push(Domain {
                name: r.name.clone(),
                kind: DomainKind::Region,
                parent: None,
                down: false,
                failures: r.failures.clone(),
            });
        }
        for (ri, r) in s.regions.iter().enumerate() {
            for z in &r.zones {
                domains.push(Domain {
                    name: z.name.clone(),
                    kind: DomainKind::Zone,
                    parent: Some(ri as u32),
                    down: false,
                    failures: z.failures.clone(),
                });
            }
        }
        let find = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| domains.iter().position(|d| &d.name == n))
                .map(|d| d as u32)
        };
        let place_of_zone = |zone: &Option<String>| {
            let z = find(zone);
            Place {
                zone: z,
                region: z.and_then(|z| domains[z as usize].parent),
            }
        };
        // Client populations: the first is node 0, the others come after every other node.
        let population_region = |p: usize| match s.traffic.populations.get(p) {
            Some(pop) => find(&Some(pop.region.clone())),
            None => find(&s.traffic.region),
        };
        let mut places = vec![Place {
            zone: None,
            region: population_region(0),
        }];
        places.extend(s.balancers.iter().map(|b| place_of_zone(&b.zone)));
        places.extend(s.instances.iter().map(|i| place_of_zone(&i.zone)));
        // Node order continues with the DNS service (global: no place), the database nodes
        // and the gateways.
        if s.dns.is_some() {
            places.push(Place::default());
        }
        if let Some(db) = &s.database {
            places.push(place_of_zone(&db.zone));
            if let Some(st) = &db.standby {
                places.push(place_of_zone(&st.zone));
            }
        }
        places.extend(s.gateways.iter().map(|g| place_of_zone(&g.zone)));
        let first_population = places.len() as u32;
        for p in 1..s.traffic.populations.len() {
            places.push(Place {
                zone: None,
                region: population_region(p),
            });
        }
        Topology {
            domains,
            places,
            partitions: Vec::new(),
            first_population,
            same_zone_us: ms_to_us(s.network.latency_ms),
            cross_zone_us: ms_to_us(s.network.cross_zone_latency_ms),
            cross_region_us: ms_to_us(s.network.cross_region_latency_ms),
        }
    }

    pub fn place(&self, node: u32) -> Place {
        self.places.get(node as usize).copied().unwrap_or_default()
    }

    pub fn domain_by_name(&self, name: &str) -> Option<u32> {
        self.domains
            .iter()
            .position(|d| d.name == name)
            .map(|d| d as u32)
    }

    /// One-way latency between two nodes: in-zone, cross-zone or cross-region. Nodes the
    /// scenario does not place are "near" everything (in-zone latency).
    pub fn latency_us(&self, a: u32, b: u32) -> TimeUs {
        let (pa, pb) = (self.place(a), self.place(b));
        match (pa.region, pb.region) {
            (Some(ra), Some(rb)) if ra != rb => self.cross_region_us,
            _ => match (pa.zone, pb.zone) {
                (Some(za), Some(zb)) if za != zb => self.cross_zone_us,
                _ => self.same_zone_us,
            },
        }
    }

    /// Is the node's zone or region down?
    pub fn domain_down(&self, node: u32) -> bool {
        let p = self.place(node);
        [p.zone, p.region]
            .into_iter()
            .flatten()
            .any(|d| self.domains[d as usize].down)
    }

    /// Is traffic between these two nodes dropped by a partition?
    pub fn partitioned(&self, a: u32, b: u32) -> bool {
        if self.partitions.is_empty() {
            return false;
        }
        let (pa, pb) = (self.place(a), self.place(b));
        self.partitions
            .iter()
            .any(|&(x, y)| (pa.is_in(x) && pb.is_in(y)) || (pa.is_in(y) && pb.is_in(x)))
    }

    /// Add (true) or remove a partition; returns whether anything changed.
    pub fn set_partition(&mut self, a: u32, b: u32, cut: bool) -> bool {
        let pair = (a.min(b), a.max(b));
        let present = self.partitions.contains(&pair);
        match (cut, present) {
            (true, false) => {
                self.partitions.push(pair);
                true
            }
            (false, true) => {
                self.partitions.retain(|&p| p != pair);
                true
            }
            _ => false,
        }
    }

    /// Engine node ids placed in domain `d` (directly in a zone, or in one of a region's zones).
    pub fn nodes_in(&self, d: u32) -> Vec<u32> {
        (1..self.first_population)
            .filter(|&n| self.place(n).is_in(d))
            .collect()
    }

    /// The domain and its enclosing region, if any.
    pub fn with_parent(&self, d: u32) -> Vec<u32> {
        let mut v = vec![d];
        if let Some(p) = self.domains[d as usize].parent {
            v.push(p);
        }
        v
    }
}
