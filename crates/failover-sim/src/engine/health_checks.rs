//! Active health checks: each checker probes its target on its own schedule (the next check
//! `inter` after the previous one ends, as HAProxy does); rise/fall transitions mark targets
//! up or down in its balancer.
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
            let seq = ch.seq;
            self.push(self.now + phase, Event::CheckStart { checker: c, seq });
        }
    }

    pub(super) fn stop_checks(&mut self, b: u32) {
        for t in &self.balancers[b as usize].targets {
            if let Some(c) = t.checker {
                let ch = &mut self.checkers[c as usize];
                ch.seq = ch.seq.wrapping_add(1);
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
        let inst_index = ch.instance as usize;
        let timeout = whole_ms_to_us(cfg.timeout_ms);
        // A connect nobody answers: HAProxy with `timeout check` set gives it
        // min(`timeout connect`, `inter`); otherwise the whole check's timeout applies.
        let silent_connect = if cfg.timeout_bounds_read {
            let inter = whole_ms_to_us(cfg.inter_ms);
            self.balancers[b].timeout_connect_us().min(inter)
        } else {
            timeout
        };
        let rtt = 2 * self.topology.latency_us(lb_node, inst_node);
        let state = if self.topology.partitioned(lb_node, inst_node) {
            InstanceState::Unreachable
        } else {
            self.instances[inst_index].state
        };
        // A frozen process with room in its backlog: the check connects and waits to be read.
        let hangs =
            state == InstanceState::Frozen && self.instances[inst_index].accept_while_frozen();
        let inst = &self.instances[inst_index];
        let (ok, after) = match state {
            // A broken config or a flap's failing turn: the check is answered, with an error.
            InstanceState::Up if inst.overlays.check_fails(self.now) => (false, rtt.min(timeout)),
            InstanceState::Up => {
                // Answered by the workers behind the queue: it waits its turn.
                let queued = if cfg.served_by_queue {
                    self.check_queue_wait_us(inst_index as u32)
                } else {
                    0
                };
                let t = rtt + inst.extra_latency_us + queued;
                if t <= timeout {
                    (true, t)
                } else {
                    (false, timeout)
                }
            }
            // Refused at once (a gray failure still passes: the check endpoint is cheap).
            InstanceState::Starting | InstanceState::Crashed => (false, rtt.min(silent_connect)),
            InstanceState::Frozen if hangs => (false, timeout),
            // Nothing answers the connect: a dead host, or a frozen process whose accept
            // backlog is full.
            InstanceState::Unreachable | InstanceState::Frozen => (false, silent_connect),
        };
        // Refused (or answered) checks end after one round trip at most; the others waited
        // for their timeout, which the "marked down" explanation adds up.
        self.checkers[c as usize].timeout_waited_us = if !ok && after > rtt { after } else { 0 };
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
        let (was_fresh, waited_us) = (ch.fresh, ch.timeout_waited_us);
        let transition = ch.on_result(ok, &cfg);
        let (slot, inst, state) = (ch.slot, ch.instance, ch.state);
        // From the end of this check: a check that waited for its timeout delays the next.
        let next = self.now + ch.interval_us(&cfg);
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
            Some(Transition::MarkedDown) if was_fresh => {
                let detail = format!(
                    "{bname} health check: one failure before its first pass (HAProxy starts a server at rise={}, not rise+fall-1)",
                    cfg.rise
                );
                self.on_marked_down(b, inst, detail);
            }
            Some(Transition::MarkedDown) => {
                // Each failed check that waited for its timeout also delayed the next one.
                let inter = fmt_duration(whole_ms_to_us(cfg.inter_ms));
                let each = if waited_us > 0 {
                    format!("({} timeout + inter={inter})", fmt_duration(waited_us))
                } else {
                    format!("inter={inter}")
                };
                let detail = format!(
                    "{bname} health check: fall={} × {each}{}",
                    cfg.fall,
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
                self.start_ramp(b, slot);
                self.check_recovered(inst);
            }
            Some(Transition::Cleared) => self.log(
                Some(node),
                LogKind::Info,
                format!("{bname}: {iname} passed a check again; suspicion cleared"),
            ),
            None => {}
        }
        if cfg.liveness && transition == Some(Transition::MarkedDown) {
            self.liveness_restart(inst, cfg.fall);
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
