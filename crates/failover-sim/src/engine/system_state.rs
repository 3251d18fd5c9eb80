//! Whether the topology can serve right now (the structure function over live component states),
//! and for how long it could: the time-based availability.
use super::*;

impl Simulation {
    /// Re-evaluate whether the topology can serve after a node changed state.
    pub(super) fn note_state_change(&mut self) {
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
}
