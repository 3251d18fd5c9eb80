//! Commands: faults, heals and parameter changes, from the scenario or a click, applied to nodes,
//! zones and regions.
use super::*;

impl Simulation {
    pub(super) fn apply_command(&mut self, f: &Fault) {
        let Some(node) = self.node_by_name(&f.node) else {
            return;
        };
        self.hash
            .record(self.now, TRACE_COMMAND, node ^ ((f.action as u32) << 24));
        self.apply_action(node, f);
    }

    pub(super) fn apply_action(&mut self, node: u32, f: &Fault) {
        self.apply_action_inner(node, f);
        self.note_state_change();
    }

    pub(super) fn apply_action_inner(&mut self, node: u32, f: &Fault) {
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
            if f.action == FaultAction::Set {
                self.apply_gateway_set(g, f);
            } else {
                self.apply_gateway_fault(g, f.action);
            }
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
        if matches!(f.action, FaultAction::PushConfig | FaultAction::Canary) {
            self.apply_config_action(node, f);
            return;
        }
        if node <= nb {
            self.apply_balancer_fault(node - 1, f.action);
            return;
        }
        let i = node - 1 - nb;
        if matches!(
            f.action,
            FaultAction::Drain | FaultAction::Stop | FaultAction::Flap
        ) {
            self.apply_instance_recovery_action(i, f);
            return;
        }
        if f.action == FaultAction::Heal {
            self.undrain(i);
        }
        let state = self.instances[i as usize].state;
        // A frozen process can still be killed (SIGKILL works on a stopped process).
        let alive = matches!(
            state,
            InstanceState::Up | InstanceState::Starting | InstanceState::Frozen
        );
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
                        self.after(whole_ms_to_us(after)),
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
            FaultAction::Freeze if state == InstanceState::Up => {
                self.open_failure(node, "process frozen");
                let inst = &mut self.instances[i as usize];
                let backlog = inst.spec.accept_backlog;
                inst.state = InstanceState::Frozen;
                inst.frozen_accepted = 0;
                // Its workers stop: their pending completions go stale, their jobs stay.
                inst.epoch = inst.epoch.wrapping_add(1);
                self.log(
                    Some(node),
                    LogKind::Fault,
                    format!("{name} froze: the requests it had accepted hang; new connections time out once its accept backlog ({backlog}) is full"),
                );
            }
            FaultAction::Crash | FaultAction::Unreachable | FaultAction::Freeze => {
                self.log(
                    Some(node),
                    LogKind::Info,
                    format!("{name} is already {}", state.name()),
                );
            }
            FaultAction::Heal if state == InstanceState::Frozen => {
                self.instances[i as usize].clear_overlays();
                self.thaw(i);
                self.log(
                    Some(node),
                    LogKind::Info,
                    format!("{name} resumed: it serves the requests it had accepted"),
                );
                self.check_recovered(i);
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
            FaultAction::Fail
            | FaultAction::Set
            | FaultAction::Partition
            | FaultAction::Repair
            | FaultAction::Drain
            | FaultAction::Stop
            | FaultAction::PushConfig
            | FaultAction::Canary
            | FaultAction::Flap => {}
        }
    }

    /// Fail or heal a zone/region (every node in it at once), or cut/repair the network
    /// between two of them.
    pub(super) fn apply_domain_action(&mut self, d: u32, f: &Fault) {
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
    pub(super) fn restore_own_fault(&mut self, node: u32, own: FaultAction) {
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

    pub(super) fn apply_balancer_fault(&mut self, b: u32, action: FaultAction) {
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
                            self.checkers[c as usize].restart(&cfg);
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

    pub(super) fn apply_set(&mut self, node: u32, f: &Fault) {
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
                self.refresh_client_retry();
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
                self.refresh_guard(b);
                let now_checks = self.balancers[b as usize].check;
                if super::live_overload::check_schedule_changed(had_checks, now_checks) {
                    self.reconfigure_checks(b, had_checks.is_none());
                }
            })
        } else {
            let i = (node - 1 - nb) as usize;
            let mut spec = self.instances[i].spec.clone();
            params::apply_instance(&mut spec, param, value).map(|()| {
                self.scenario.instances[i] = spec.clone();
                self.refresh_overload_on();
                // More workers take queued jobs at once (none while it is not up).
                let epoch = self.instances[i].epoch;
                for (worker, service_us) in self.instances[i].apply_spec(spec) {
                    let instance = i as u32;
                    let at = self.after(service_us);
                    self.push(
                        at,
                        Event::ServiceDone {
                            instance,
                            worker,
                            epoch,
                        },
                    );
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

    pub(super) fn reconfigure_checks(&mut self, b: u32, newly_enabled: bool) {
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
                            self.checkers[c as usize].restart(&cfg);
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
