//! Traffic as a health signal: every answer (or failure) a balancer gets from a target feeds
//! Envoy's outlier detection and HAProxy's `observe layer7` (`outlier_detection.rs`), and
//! ejections end on the detector's ticks.
use super::super::outlier_detection::{OnError, OutlierVerdict};
use super::*;

impl Simulation {
    /// `slot` of balancer `b` answered (`ok`) or failed an attempt. One branch when neither
    /// policy is configured: nothing measurable on the hot path.
    #[inline]
    pub(super) fn observe_response(&mut self, b: u32, slot: u32, ok: bool) {
        let spec = &self.balancers[b as usize].spec;
        if spec.outlier_detection.is_none() && spec.observe.is_none() {
            return;
        }
        self.observe_response_with_policies(b, slot, ok);
    }

    fn observe_response_with_policies(&mut self, b: u32, slot: u32, ok: bool) {
        let now = self.now;
        let bal = &mut self.balancers[b as usize];
        let Some(t) = bal.targets.get_mut(slot as usize) else {
            return;
        };
        if ok {
            t.outlier.succeeded();
            t.observe_errors = 0;
            return;
        }
        let inst = t.instance;
        if let Some(od) = bal.spec.outlier_detection.clone() {
            let hosts = bal.targets.len();
            let ejected = bal
                .targets
                .iter()
                .filter(|t| t.outlier.ejected(now))
                .count();
            let host = &mut bal.targets[slot as usize].outlier;
            match host.failed(&od, now, ejected, hosts) {
                OutlierVerdict::Ejected {
                    until_us,
                    duration_us,
                } => {
                    let multiplier = host.backoff;
                    let detail = format!(
                        "{} outlier detection: {} consecutive 5xx → ejected for {} (base_ejection_time {} × {multiplier}), back at the detector's tick at {}",
                        bal.name,
                        od.consecutive_5xx,
                        fmt_duration(duration_us),
                        fmt_duration(whole_ms_to_us(od.base_ejection_time_ms)),
                        fmt_duration(until_us),
                    );
                    self.push(until_us, Event::Unejected { balancer: b, slot });
                    self.on_marked_down(b, inst, detail);
                }
                OutlierVerdict::Capped => {
                    let text = format!(
                        "{}: {} failed {} requests in a row but stays in rotation: {ejected} of {hosts} targets are already ejected (max_ejection_percent {} %)",
                        bal.name,
                        self.instances[inst as usize].name,
                        od.consecutive_5xx,
                        od.max_ejection_percent
                    );
                    let node = self.instance_node(inst);
                    self.log(Some(node), LogKind::Suspicion, text);
                }
                OutlierVerdict::Counted => {}
            }
        }
        let bal = &mut self.balancers[b as usize];
        let (Some(obs), Some(c)) = (bal.spec.observe.clone(), bal.targets[slot as usize].checker)
        else {
            return;
        };
        let t = &mut bal.targets[slot as usize];
        t.observe_errors += 1;
        if t.observe_errors >= obs.error_limit {
            t.observe_errors = 0;
            self.on_observed_errors(b, c, obs.error_limit, obs.on_error);
        }
    }

    /// HAProxy's `on-error` action on the server's check state. Each one also brings the
    /// next check forward to `fastinter` (the check in progress is abandoned).
    fn on_observed_errors(&mut self, b: u32, c: u32, limit: u32, action: OnError) {
        let Some(cfg) = self.balancers[b as usize].check else {
            return;
        };
        let ch = &mut self.checkers[c as usize];
        ch.seq = ch.seq.wrapping_add(1);
        let (seq, slot, inst) = (ch.seq, ch.slot, ch.instance);
        let why = format!(
            "{} observe layer7: {limit} failed responses in a row (error-limit {limit}, on-error {})",
            self.balancers[b as usize].name,
            action.name()
        );
        let node = self.instance_node(inst);
        match action {
            OnError::FailCheck => {
                // Exactly a failed check: the same transitions, logs and next check.
                self.checkers[c as usize].timeout_waited_us = 0;
                self.log(
                    Some(node),
                    LogKind::Suspicion,
                    format!("{why}: counts as a failed check"),
                );
                self.on_check_result(c, seq, false);
                return;
            }
            OnError::SuddenDeath => {
                let ch = &mut self.checkers[c as usize];
                if ch.state.in_rotation() {
                    ch.state = if cfg.fall > 1 {
                        HealthState::Suspect(cfg.fall - 1)
                    } else {
                        HealthState::Up
                    };
                    ch.fresh = cfg.fall <= 1;
                }
                let state = ch.state;
                self.balancers[b as usize].targets[slot as usize].health = state;
                self.log(
                    Some(node),
                    LogKind::Suspicion,
                    format!("{why}: one more failed check marks it DOWN"),
                );
            }
            OnError::MarkDown => {
                let was_in = self.checkers[c as usize].state.in_rotation();
                self.checkers[c as usize].state = HealthState::Down;
                self.balancers[b as usize].targets[slot as usize].health = HealthState::Down;
                if was_in {
                    self.on_marked_down(b, inst, why);
                }
            }
            OnError::Fastinter => {
                self.log(
                    Some(node),
                    LogKind::Suspicion,
                    format!("{why}: checks faster"),
                );
            }
        }
        let at = self.after(whole_ms_to_us(cfg.fastinter_ms));
        self.push(at, Event::CheckStart { checker: c, seq });
    }

    /// An ejection is over (the pick already lets the target back in): tell the story.
    pub(super) fn on_unejected(&mut self, b: u32, slot: u32) {
        let Some(t) = self.balancers[b as usize].targets.get(slot as usize) else {
            return;
        };
        // A later ejection replaced this one.
        if t.outlier.ejected_until_us != self.now {
            return;
        }
        let inst = t.instance;
        let text = format!(
            "{} returned {} to rotation after its outlier ejection ({} so far)",
            self.balancers[b as usize].name,
            self.instances[inst as usize].name,
            t.outlier.ejections
        );
        let node = self.instance_node(inst);
        self.log(Some(node), LogKind::Recovery, text);
        self.check_recovered(inst);
        self.note_state_change();
    }
}
