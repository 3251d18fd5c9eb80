//! API gateways: a request entering through one is forwarded to one of its balancers (round robin
//! over those not marked down, Envoy panic mode when all are), retried elsewhere on a refused or
//! silent connection.
use super::*;

impl Simulation {
    pub(super) fn on_at_gateway(&mut self, r: ReqRef) {
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
    pub(super) fn forward(&mut self, r: ReqRef, g: u32, exclude: Option<u32>) {
        let now = self.now;
        let gw_node = self.gateway_node(g);
        let Some(b) = self.gateways[g as usize].pick(now, exclude) else {
            self.respond_client(r, gw_node, Status::NoHealthyTarget);
            return;
        };
        self.gateway_attempt_ended(r);
        if let Some(q) = self.requests.get_mut(r) {
            q.via = Some(b);
            q.gateway_tries += 1;
        }
        self.gateway_attempt_started(r, g);
        let lb_node = self.balancer_node(b);
        if self.topology.partitioned(gw_node, lb_node) {
            // The SYN is dropped: the gateway's connect timeout will fire.
            let at = later(now, self.gateways[g as usize].timeout_connect_us());
            self.push(at, Event::GatewayRetry { r, refused: false });
            return;
        }
        let arrive = later(now, self.topology.latency_us(gw_node, lb_node));
        self.transfer(gw_node, lb_node, arrive, TransferKind::Request);
        self.push(arrive, Event::AtBalancer(r));
    }

    /// The gateway could not connect to the balancer it chose: mark it (passive health) and
    /// try another, or answer 502 (refused) / 504 (connect timeout) once retries run out.
    pub(super) fn on_gateway_retry(&mut self, r: ReqRef, refused: bool) {
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
        if tries <= self.gateways[g as usize].spec.retries && self.gateway_retry_admitted(g) {
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
    pub(super) fn cut_connections(&mut self, node: u32, through: impl Fn(&Request) -> bool) {
        for r in self.requests.live_refs() {
            if self.requests.get(r).is_some_and(&through) {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                self.finish(r, Status::Reset);
            }
        }
    }

    pub(super) fn apply_gateway_fault(&mut self, g: u32, action: FaultAction) {
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
}
