//! The autoscaler in the run: a sample of the group's utilisation every second, a decision
//! when a metric period closes (`autoscaler.rs`), and its two actions on the static
//! topology. Scale out launches scaled-in targets: they boot (`startup_ms`), then must pass
//! `rise` checks as new targets (`Initial`, as an ALB target or a not-ready Pod) before the
//! balancer sends them anything. Scale in deregisters the newest: it drains (no new
//! requests, in-flight ones finish, cut at the deregistration delay) and stops. A scaled-in
//! target is not checked (deregistered), so it makes no noise in the log.
//!
//! Only scenarios with `autoscaling` schedule these events (trace code 50), so every other
//! run keeps its trace hash.
use super::*;
use crate::autoscaler::{Action, Autoscaler, MemberState, SAMPLE_INTERVAL_MS};

impl Simulation {
    /// At build: one autoscaler per balancer with `autoscaling`; the group's members past
    /// the desired capacity are stopped and deregistered; the first sample in a second.
    pub(super) fn start_autoscalers(&mut self) {
        for b in 0..self.balancers.len() {
            let Some(spec) = self.balancers[b].spec.autoscaling.clone() else {
                continue;
            };
            let mut members: Vec<u32> = Vec::new();
            for t in &self.balancers[b].targets {
                if !members.contains(&t.instance) {
                    members.push(t.instance);
                }
            }
            let cfg = spec.resolve(members.len() as u32);
            let scaler = Autoscaler::new(b as u32, cfg, members);
            for (k, &i) in scaler.members.iter().enumerate() {
                if scaler.states[k] == MemberState::ScaledIn {
                    self.instances[i as usize].state = InstanceState::Crashed;
                    self.deregister(b as u32, i);
                }
            }
            let a = self.autoscalers.len() as u32;
            let text = format!(
                "{}: {} keeps average utilisation near {} % ({} of {} instances running, min {}, max {})",
                self.balancers[b].name,
                cfg.vendor.name(),
                cfg.target_utilisation_percent,
                cfg.desired_capacity,
                scaler.members.len(),
                cfg.min_capacity,
                cfg.max_capacity
            );
            self.autoscalers.push(scaler);
            self.log(Some(self.balancer_node(b as u32)), LogKind::Info, text);
            self.push(
                self.after(whole_ms_to_us(SAMPLE_INTERVAL_MS)),
                Event::AutoscalerTick { autoscaler: a },
            );
        }
        if !self.autoscalers.is_empty() {
            self.note_state_change();
        }
    }

    /// Out of the balancer's rotation and unchecked (an AWS target deregistered, a Pod gone).
    fn deregister(&mut self, b: u32, i: u32) {
        for t in self.balancers[b as usize]
            .targets
            .iter_mut()
            .filter(|t| t.instance == i)
        {
            t.health = HealthState::Down;
            if let Some(c) = t.checker {
                let ch = &mut self.checkers[c as usize];
                ch.seq = ch.seq.wrapping_add(1);
                ch.state = HealthState::Down;
                ch.fresh = false;
            }
        }
    }

    pub(super) fn on_autoscaler_tick(&mut self, a: u32) {
        let now = self.now;
        let scaler = &self.autoscalers[a as usize];
        let warmup = whole_ms_to_us(scaler.cfg.instance_warmup_ms);
        // Members move on: warmed up, or stopped after draining.
        let mut states = scaler.states.clone();
        for (k, &i) in scaler.members.iter().enumerate() {
            let state = self.instances[i as usize].state;
            states[k] = match states[k] {
                MemberState::Launching { since_us }
                    if state == InstanceState::Up && now >= since_us.saturating_add(warmup) =>
                {
                    MemberState::InService
                }
                MemberState::Draining
                    if !matches!(state, InstanceState::Up | InstanceState::Starting) =>
                {
                    MemberState::ScaledIn
                }
                s => s,
            };
        }
        // The sample: mean busy share of the in-service instances that are up.
        let mut sum = 0.0;
        let mut counted = 0u32;
        for (k, &i) in scaler.members.iter().enumerate() {
            let inst = &self.instances[i as usize];
            if states[k] == MemberState::InService && inst.state == InstanceState::Up {
                let workers = inst.spec.workers.max(1);
                sum += inst.busy().min(workers) as f64 / workers as f64;
                counted += 1;
            }
        }
        let scaler = &mut self.autoscalers[a as usize];
        scaler.states = states;
        let closes = scaler.sample((counted > 0).then(|| sum / counted as f64));
        if closes {
            let (action, decision) = scaler.close_period(now, counted);
            if let Some(d) = decision {
                let vendor = scaler.cfg.vendor;
                let b = scaler.balancer;
                let text = format!(
                    "autoscaler: {} — {} ({})",
                    d.summary(),
                    d.formula(vendor),
                    self.balancers[b as usize].name
                );
                self.log(Some(self.balancer_node(b)), LogKind::Info, text);
            }
            match action {
                Action::ScaleOut(n) => self.scale_out(a, n),
                Action::ScaleIn(n) => self.scale_in(a, n),
                Action::None => {}
            }
        }
        self.push(
            self.after(whole_ms_to_us(SAMPLE_INTERVAL_MS)),
            Event::AutoscalerTick { autoscaler: a },
        );
    }

    /// Launch `n` scaled-in members, in target order.
    fn scale_out(&mut self, a: u32, n: u32) {
        let now = self.now;
        let scaler = &self.autoscalers[a as usize];
        let b = scaler.balancer;
        let picked: Vec<(usize, u32)> = scaler
            .members
            .iter()
            .enumerate()
            .filter(|(k, _)| scaler.states[*k] == MemberState::ScaledIn)
            .map(|(k, &i)| (k, i))
            .take(n as usize)
            .collect();
        for (k, i) in picked {
            self.autoscalers[a as usize].states[k] = MemberState::Launching { since_us: now };
            self.launch(b, i);
        }
    }

    /// A scaled-in instance starts: it boots, and its balancer checks it as a new target.
    fn launch(&mut self, b: u32, i: u32) {
        // Validation requires a health check; without one (never from a valid file) the
        // target still waits at `Initial`, out of rotation, rather than get traffic unchecked.
        let check = self.balancers[b as usize].check;
        let (inter, rise) = check.map_or((1, 0), |c| (whole_ms_to_us(c.inter_ms).max(1), c.rise));
        let mut restart: Vec<(u32, u32)> = Vec::new();
        for t in self.balancers[b as usize]
            .targets
            .iter_mut()
            .filter(|t| t.instance == i)
        {
            t.health = HealthState::Initial(0);
            t.draining = false;
            if let Some(c) = t.checker {
                let ch = &mut self.checkers[c as usize];
                ch.state = HealthState::Initial(0);
                ch.fresh = false;
                ch.seq = ch.seq.wrapping_add(1);
                if check.is_some() {
                    restart.push((c, ch.seq));
                }
            }
        }
        for (checker, seq) in restart {
            self.push(self.now + inter, Event::CheckStart { checker, seq });
        }
        let inst = &mut self.instances[i as usize];
        inst.stop_pending = false;
        let text = format!(
            "{} launched by the autoscaler: boots for {}, then needs {} passing checks before it gets traffic",
            inst.name,
            fmt_duration(whole_ms_to_us(inst.spec.startup_ms)),
            rise
        );
        self.start_instance(i);
        self.log(Some(self.instance_node(i)), LogKind::Recovery, text);
        self.note_state_change();
    }

    /// Scale in `n` members, the last launched (last in target order) first.
    fn scale_in(&mut self, a: u32, n: u32) {
        let scaler = &self.autoscalers[a as usize];
        let b = scaler.balancer;
        let picked: Vec<(usize, u32)> = scaler
            .members
            .iter()
            .enumerate()
            .rev()
            .filter(|(k, _)| scaler.states[*k] == MemberState::InService)
            .map(|(k, &i)| (k, i))
            .take(n as usize)
            .collect();
        for (k, i) in picked {
            self.autoscalers[a as usize].states[k] = MemberState::Draining;
            self.deregister(b, i);
            self.drain(i, true);
        }
    }
}
