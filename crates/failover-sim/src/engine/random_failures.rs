//! Random failures (MTBF / MTTR): each node or failure domain with failure rates fails after an
//! exponential time and is repaired after another, from its own stream.
use super::*;

impl Simulation {
    pub(super) fn start_random_failures(&mut self) {
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

    pub(super) fn reliability_of(&self, node: u32) -> Option<crate::scenario::Reliability> {
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
    pub(super) fn schedule_random(&mut self, node: u32, fail: bool) {
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
        self.push(self.after(after), ev);
    }

    pub(super) fn on_random_failure(&mut self, node: u32) {
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
}
