//! Node ids: the stable numbering of clients, balancers, instances, DNS, database nodes, gateways
//! and failure domains that trace hashes, transfers, logs and failure records share.
use super::*;

impl Simulation {
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
    pub(super) fn extra_populations(&self) -> u32 {
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
    pub(super) fn client_node(&self, client: u32) -> u32 {
        if self.population_ends.len() <= 1 {
            return CLIENTS_ID;
        }
        let p = self.population_ends.partition_point(|&end| end <= client) as u32;
        self.population_node(p.min(self.population_ends.len() as u32 - 1))
    }

    pub(super) fn as_population(&self, node: u32) -> Option<u32> {
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

    pub(super) fn as_gateway(&self, node: u32) -> Option<u32> {
        node.checked_sub(self.gateway_first_node())
            .filter(|&g| (g as usize) < self.gateways.len())
    }

    /// Node id of the first database node (after the instances and the DNS service).
    pub fn db_first_node(&self) -> u32 {
        1 + self.balancers.len() as u32 + self.instances.len() as u32 + self.dns.is_some() as u32
    }

    pub(super) fn as_db(&self, node: u32) -> Option<usize> {
        let k = node.checked_sub(self.db_first_node())? as usize;
        self.db.as_ref().filter(|d| k < d.nodes.len()).map(|_| k)
    }

    /// The DNS service's node id (after the instances), if there is one.
    pub fn dns_node(&self) -> Option<u32> {
        self.dns
            .as_ref()
            .map(|_| 1 + self.balancers.len() as u32 + self.instances.len() as u32)
    }

    pub(super) fn entry_node(&self, e: Entry) -> u32 {
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

    pub(super) fn as_domain(&self, id: u32) -> Option<u32> {
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
}
