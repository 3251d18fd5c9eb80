//! Active health checks: each checker probes its target on its own schedule; rise/fall
//! transitions mark targets up or down in its balancer.
use super::*;

impl Simulation {
    pub(super) fn start_checks(&mut self, b: u32) {
        let bal = &self.balancers[b as usize];
        let Some(cfg) = bal.check else { return };
        let inter = whole_ms_to_us(cfg.inter_ms).max(1);
        let ids: Vec<u32> = bal.targets.iter().filter_map(|t| t.checker).collect();
        for c in ids {
            // HAProxy spreads checks over the interval: a random phase per server.
            let phase = self.check_phase.next_u64() % inter;
            let ch = &mut self.checkers[c as usize];
            ch.seq = ch.seq.wrapping_add(1);
            ch.started_at = None;
            let seq = ch.seq;
            self.push(self.now + phase, Event::CheckStart { checker: c, seq });
        }
    }

    pub(super) fn stop_checks(&mut self, b: u32) {
        for t in &self.balancers[b as usize].targets {
            if let Some(c) = t.checker {
                let ch = &mut self.checkers[c as usize];
                ch.seq = ch.seq.wrapping_add(1);
                ch.started_at = None;
            }
        }
    }

    pub(super) fn on_check_start(&mut self, c: u32, seq: u32) {
        let ch = &self.checkers[c as usize];
        if ch.seq != seq {
            return;
        }
        let b = ch.balancer as usize;
        let Some(cfg) = self.balancers[b].check else {
            return;
        };
        if self.balancers[b].state != BalancerState::Up {
            return;
        }
        let (lb_node, inst_node) = (
            self.balancer_node(b as u32),
            self.instance_node(ch.instance),
        );
        let inst = &self.instances[ch.instance as usize];
        let timeout = whole_ms_to_us(cfg.timeout_ms);
        let rtt = 2 * self.topology.latency_us(lb_node, inst_node);
        let state = if self.topology.partitioned(lb_node, inst_node) {
            InstanceState::Unreachable
        } else {
            inst.state
        };
        let (ok, after) = match state {
            InstanceState::Up => {
                let t = rtt + inst.extra_latency_us;
                if t <= timeout {
                    (true, t)
                } else {
                    (false, timeout)
                }
            }
            // Refused at once (a gray failure still passes: the check endpoint is cheap).
            InstanceState::Starting | InstanceState::Crashed => (false, rtt.min(timeout)),
            // Nothing answers: the check waits for `timeout check`.
            InstanceState::Unreachable => (false, timeout),
        };
        self.checkers[c as usize].started_at = Some(self.now);
        self.push(
            self.now + after,
            Event::CheckResult {
                checker: c,
                seq,
                ok,
            },
        );
    }

    pub(super) fn on_check_result(&mut self, c: u32, seq: u32, ok: bool) {
        if self.checkers[c as usize].seq != seq {
            return;
        }
        let b = self.checkers[c as usize].balancer;
        let Some(cfg) = self.balancers[b as usize].check else {
            return;
        };
        let ch = &mut self.checkers[c as usize];
        let started = ch.started_at.take().unwrap_or(self.now);
        let transition = ch.on_result(ok, &cfg);
        let (slot, inst, state) = (ch.slot, ch.instance, ch.state);
        let next = (started + ch.interval_us(&cfg)).max(self.now);
        self.balancers[b as usize].targets[slot as usize].health = state;
        self.push(next, Event::CheckStart { checker: c, seq });
        let (bname, iname) = (
            self.balancers[b as usize].name.clone(),
            self.instances[inst as usize].name.clone(),
        );
        let node = self.instance_node(inst);
        match transition {
            Some(Transition::Suspected) => self.log(
                Some(node),
                LogKind::Suspicion,
                format!(
                    "{bname}: check of {iname} failed (1/{} before DOWN); still in rotation",
                    cfg.fall
                ),
            ),
            Some(Transition::MarkedDown) => {
                let detail = format!(
                    "{bname} health check: fall={} × inter={}{}",
                    cfg.fall,
                    fmt_duration(whole_ms_to_us(cfg.inter_ms)),
                    if cfg.fastinter_ms != cfg.inter_ms {
                        format!(
                            " (fastinter={})",
                            fmt_duration(whole_ms_to_us(cfg.fastinter_ms))
                        )
                    } else {
                        String::new()
                    }
                );
                self.on_marked_down(b, inst, detail);
            }
            Some(Transition::MarkedUp) => {
                self.log(
                    Some(node),
                    LogKind::Recovery,
                    format!(
                        "{bname} marked {iname} UP after {} passing checks (rise={})",
                        cfg.rise, cfg.rise
                    ),
                );
                self.check_recovered(inst);
            }
            Some(Transition::Cleared) => self.log(
                Some(node),
                LogKind::Info,
                format!("{bname}: {iname} passed a check again; suspicion cleared"),
            ),
            None => {}
        }
    }

    pub(super) fn on_marked_down(&mut self, b: u32, inst: u32, detail: String) {
        let node = self.instance_node(inst);
        let bname = self.balancers[b as usize].name.clone();
        let iname = self.instances[inst as usize].name.clone();
        let now = self.now;
        let inbound = self.instances[inst as usize].inbound_attempts;
        let mut text = format!("{bname} marked {iname} DOWN ({detail})");
        if let Some(rec) = self.metrics.open_record(node) {
            if rec.detected_at_us.is_none() {
                rec.detected_at_us = Some(now);
                rec.detected_by = Some(detail);
                text.push_str(&format!(
                    ": {} after the fault",
                    fmt_duration(now - rec.fault_at_us)
                ));
                if inbound == 0 {
                    rec.rerouted_at_us = Some(now);
                }
            }
        }
        self.log(Some(node), LogKind::Detection, text);
    }

    /// Close the failure record of `inst` once it is up and back in every rotation.
    pub(super) fn check_recovered(&mut self, inst: u32) {
        if self.instances[inst as usize].state != InstanceState::Up
            || self.instances[inst as usize].is_degraded()
        {
            return;
        }
        let now = self.now;
        let all_in = self.balancers.iter().all(|b| {
            b.targets
                .iter()
                .filter(|t| t.instance == inst)
                .all(|t| b.check.is_none() || t.health.in_rotation())
        });
        if !all_in {
            return;
        }
        let node = self.instance_node(inst);
        if let Some(rec) = self.metrics.open_record(node) {
            rec.recovered_at_us = Some(now);
            let took = now - rec.fault_at_us;
            let lost = rec.lost_requests;
            let name = rec.node_name.clone();
            self.log(
                Some(node),
                LogKind::Recovery,
                format!(
                    "{name} recovered: {} after the fault, {lost} requests lost",
                    fmt_duration(took)
                ),
            );
        }
    }
}
