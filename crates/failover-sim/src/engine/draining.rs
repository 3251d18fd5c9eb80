//! Taking an instance out and bringing it back gently: draining (HAProxy `drain`, ALB
//! deregistration: no new requests, in-flight ones finish), a planned `stop` after draining
//! (cut at `deregistration_delay_ms`), slow start's ramp when a target comes back, the cold
//! start of a restarted instance, and flapping.
use super::*;

impl Simulation {
    /// `drain`, `stop` and `flap` on an instance.
    pub(super) fn apply_instance_recovery_action(&mut self, i: u32, f: &Fault) {
        match f.action {
            FaultAction::Drain => self.drain(i, false),
            FaultAction::Stop => self.drain(i, true),
            FaultAction::Flap => {
                let period_ms = match f.value {
                    Some(ParamValue::Number(v)) => v as u64,
                    _ => DEFAULT_FLAP_PERIOD_MS,
                };
                let node = self.instance_node(i);
                self.open_failure(node, "flapping");
                let now = self.now;
                let inst = &mut self.instances[i as usize];
                inst.overlays.flap_period_us = whole_ms_to_us(period_ms).max(1);
                inst.overlays.flap_since_us = now;
                let text = format!(
                    "{}: flapping — fails requests and checks for {}, then passes for {}, and again",
                    inst.name,
                    fmt_duration(whole_ms_to_us(period_ms)),
                    fmt_duration(whole_ms_to_us(period_ms))
                );
                self.log(Some(node), LogKind::Fault, text);
            }
            _ => {}
        }
    }

    pub(super) fn drain(&mut self, i: u32, then_stop: bool) {
        let mut names = Vec::new();
        let mut delay_ms = 0;
        for b in &mut self.balancers {
            let mut member = false;
            for t in b.targets.iter_mut().filter(|t| t.instance == i) {
                t.draining = true;
                member = true;
            }
            if member {
                names.push(b.name.clone());
                delay_ms = delay_ms.max(b.spec.deregistration_delay_ms);
            }
        }
        let node = self.instance_node(i);
        let inst = &mut self.instances[i as usize];
        let in_flight = inst.inbound_attempts;
        let name = inst.name.clone();
        let by = if names.is_empty() {
            "no balancer".to_string()
        } else {
            names.join(", ")
        };
        let mut text = format!(
            "{name} draining (HAProxy drain, ALB deregistration): {by} sends it no new requests; {in_flight} in flight finish"
        );
        if then_stop {
            inst.stop_pending = true;
            text.push_str(&format!(
                "; it stops when they are done, at the latest after the deregistration delay ({})",
                fmt_duration(whole_ms_to_us(delay_ms))
            ));
            let epoch = inst.epoch;
            if in_flight == 0 {
                self.log(Some(node), LogKind::Info, text);
                self.stop_drained(i);
                return;
            }
            self.push(
                self.after(whole_ms_to_us(delay_ms)),
                Event::StopDue { instance: i, epoch },
            );
        }
        self.log(Some(node), LogKind::Info, text);
    }

    /// `heal`: back into every rotation (with slow start's ramp, as a recovered target).
    pub(super) fn undrain(&mut self, i: u32) {
        self.instances[i as usize].stop_pending = false;
        let now = self.now;
        let mut any = false;
        for b in &mut self.balancers {
            let ramp = b.spec.slow_start.is_some();
            for t in b
                .targets
                .iter_mut()
                .filter(|t| t.instance == i && t.draining)
            {
                t.draining = false;
                any = true;
                if ramp {
                    t.ramp_from_us = Some(now);
                }
            }
        }
        if any {
            let node = self.instance_node(i);
            let text = format!(
                "{} is back in rotation (drain ended)",
                self.instances[i as usize].name
            );
            self.log(Some(node), LogKind::Recovery, text);
        }
    }

    /// The last attempt against instance `i` ended: a pending planned stop can go now.
    #[inline]
    pub(super) fn on_last_attempt_ended(&mut self, i: u32) {
        if self.instances[i as usize].stop_pending {
            self.stop_drained(i);
        }
    }

    pub(super) fn on_stop_due(&mut self, i: u32, epoch: u32) {
        let inst = &self.instances[i as usize];
        if inst.epoch == epoch && inst.stop_pending {
            self.stop_drained(i);
        }
    }

    /// The process stops (after draining): whatever is still in flight is cut.
    fn stop_drained(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.stop_pending = false;
        if !matches!(inst.state, InstanceState::Up | InstanceState::Starting) {
            return;
        }
        let cut = inst.busy() + inst.queue_len();
        inst.state = InstanceState::Crashed;
        let name = inst.name.clone();
        self.drop_jobs(i, true);
        let node = self.instance_node(i);
        let text = if cut == 0 {
            format!("{name} stopped after draining: no request was cut")
        } else {
            format!("{name} stopped at the end of its deregistration delay: {cut} requests still in it were cut")
        };
        self.log(Some(node), LogKind::Info, text);
        self.note_state_change();
    }

    /// A target of balancer `b` came back into rotation: slow start's ramp begins.
    pub(super) fn start_ramp(&mut self, b: u32, slot: u32) {
        let now = self.now;
        let bal = &mut self.balancers[b as usize];
        let Some(ss) = bal.spec.slow_start.clone() else {
            return;
        };
        let Some(t) = bal.targets.get_mut(slot as usize) else {
            return;
        };
        t.ramp_from_us = Some(now);
        let inst = t.instance;
        let text = format!(
            "{}: {} starts slowly ({} slow start over {}): {:.1} % of its weight now",
            bal.name,
            self.instances[inst as usize].name,
            ss.ramp.name(),
            fmt_duration(ss.window_us()),
            ss.weight_fraction(0) * 100.0
        );
        let node = self.instance_node(inst);
        self.log(Some(node), LogKind::Recovery, text);
    }

    /// A restarted instance is up: its cold start begins, and balancers that do not check
    /// it (so have no "marked up" moment) start its slow-start ramp now.
    pub(super) fn on_instance_ready(&mut self, i: u32) {
        let slots: Vec<(u32, u32)> = self
            .balancers
            .iter()
            .enumerate()
            .filter(|(_, b)| b.check.is_none() && b.spec.slow_start.is_some())
            .flat_map(|(bi, b)| {
                b.targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.instance == i)
                    .map(move |(s, _)| (bi as u32, s as u32))
            })
            .collect();
        for (b, s) in slots {
            self.start_ramp(b, s);
        }
        let inst = &mut self.instances[i as usize];
        if let Some(cold) = inst.spec.cold_start.clone() {
            inst.overlays.cold_multiplier = cold.service_time_multiplier;
            let epoch = inst.epoch;
            let text = format!(
                "{} starts cold: requests take {}× as long for {} (empty caches)",
                inst.name,
                cold.service_time_multiplier,
                fmt_duration(whole_ms_to_us(cold.warmup_ms))
            );
            let node = self.instance_node(i);
            self.log(Some(node), LogKind::Info, text);
            self.push(
                self.after(whole_ms_to_us(cold.warmup_ms)),
                Event::WarmedUp { instance: i, epoch },
            );
        }
    }

    pub(super) fn on_warmed_up(&mut self, i: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch != epoch {
            return;
        }
        inst.overlays.cold_multiplier = 1.0;
        let text = format!("{} is warm: normal service times", inst.name);
        let node = self.instance_node(i);
        self.log(Some(node), LogKind::Info, text);
    }
}

/// `flap` without a `value`: fail for 4 s, pass for 4 s (two HAProxy checks each way).
pub const DEFAULT_FLAP_PERIOD_MS: u64 = 4_000;
