//! DNS failover routing: clients resolve through their cached answer (stale until its TTL ends);
//! the service checks its records and answers by the failover rules.
use super::*;

impl Simulation {
    /// A client's answer: its cached one while valid (even if it points at a dead
    /// endpoint), else a fresh resolution (costing `resolve_ms`). None: cannot resolve.
    pub(super) fn resolve(&mut self, client: u32) -> Option<(Entry, TimeUs)> {
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
    pub(super) fn fail_resolution(&mut self, id: u64, client: u32, deadline: TimeUs) {
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
            arrived_while_down: !self.system_up,
            blame: self.dns_node(),
            client_tries: 0,
            attempt_is_retry: false,
            gateway_retry_open: false,
        });
        self.metrics.on_sent(self.now);
        self.add_deadline(deadline, r);
        let after = self
            .dns
            .as_ref()
            .map(|d| ms_to_us(d.spec.resolve_ms))
            .unwrap_or(0);
        self.push(
            self.after(after),
            Event::ResponseAtClient {
                r,
                status: Status::DnsFailure,
            },
        );
        self.schedule_next_arrival();
    }

    pub(super) fn start_dns_checks(&mut self) {
        let Some(dns) = self.dns.as_mut() else { return };
        dns.seq = dns.seq.wrapping_add(1);
        let (seq, interval) = (dns.seq, dns.interval_us().max(1));
        let checked: Vec<u32> = (0..dns.records.len() as u32)
            .filter(|&r| dns.records[r as usize].health_checked)
            .collect();
        for record in checked {
            let phase = self.check_phase.next_u64() % interval;
            self.push(self.after(phase), Event::DnsCheck { record, seq });
        }
    }

    /// Can this endpoint serve, as a health checker on the internet sees it? For a
    /// balancer, Route 53's "evaluate target health": up and with a target in rotation.
    pub(super) fn endpoint_serving(&self, node: u32) -> (bool, bool) {
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
                matches!(
                    inst.state,
                    InstanceState::Unreachable | InstanceState::Frozen
                ),
            )
        } else {
            (false, true)
        }
    }

    /// Could a request sent to this endpoint now succeed (ignoring load)?
    pub(crate) fn endpoint_can_serve(&self, node: u32) -> bool {
        self.endpoint_serving(node).0 && !self.topology.partitioned(CLIENTS_ID, node)
    }

    pub(super) fn on_dns_check(&mut self, record: u32, seq: u32) {
        let Some(dns) = self.dns.as_ref() else { return };
        if dns.seq != seq || dns.state != DnsState::Up {
            return;
        }
        let node = dns.records[record as usize].node;
        let interval = dns.interval_us();
        let (ok, silent) = self.endpoint_serving(node);
        self.push(self.after(interval), Event::DnsCheck { record, seq });
        if !ok && silent {
            // Route 53 gives an endpoint four seconds to accept the connection.
            self.push(
                self.after(4_000_000),
                Event::DnsCheckResult { record, seq, ok },
            );
        } else {
            self.on_dns_result(record, seq, ok);
        }
    }

    pub(super) fn on_dns_result(&mut self, record: u32, seq: u32, ok: bool) {
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

    pub(super) fn apply_dns_fault(&mut self, action: FaultAction) {
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
}
