//! Configuration changes: `push-config` to an instance or to every target of a balancer at
//! once, and `canary` rollouts batch by batch that halt (and roll back) when a changed
//! target leaves rotation (`rollout.rs`).
use super::super::rollout::{Rollout, RolloutState};
use super::*;

impl Simulation {
    /// `push-config` and `canary`. `error_rate` defaults to 1: a broken config.
    pub(super) fn apply_config_action(&mut self, node: u32, f: &Fault) {
        let error_rate = f.error_rate.unwrap_or(1.0);
        let nb = self.balancers.len() as u32;
        match (f.action, node) {
            (FaultAction::PushConfig, n) if n >= 1 && n <= nb => {
                let b = n - 1;
                let mut insts: Vec<u32> = self.balancers[b as usize]
                    .targets
                    .iter()
                    .map(|t| t.instance)
                    .collect();
                insts.dedup();
                let count = insts.len();
                for i in insts {
                    self.set_config(i, error_rate);
                }
                let text = format!(
                    "{}: new config ({}) pushed to all {count} targets at once",
                    self.balancers[b as usize].name,
                    config_words(error_rate)
                );
                self.log(Some(node), LogKind::Fault, text);
            }
            (FaultAction::PushConfig, n) if n > nb => {
                let i = n - 1 - nb;
                self.set_config(i, error_rate);
                let text = format!(
                    "{}: new config pushed ({})",
                    self.instances[i as usize].name,
                    config_words(error_rate)
                );
                self.log(Some(node), LogKind::Fault, text);
            }
            (FaultAction::Canary, n) if n >= 1 && n <= nb => self.start_canary(n - 1, error_rate),
            _ => {}
        }
    }

    fn set_config(&mut self, i: u32, error_rate: f64) {
        if error_rate > 0.0 {
            let node = self.instance_node(i);
            self.open_failure(node, "bad configuration");
        }
        self.instances[i as usize].overlays.config_error_rate = error_rate;
    }

    fn start_canary(&mut self, b: u32, error_rate: f64) {
        let bal = &self.balancers[b as usize];
        let policy = bal.spec.rollout.clone().unwrap_or_default();
        // Primaries first, then backups: the order a careful operator would choose.
        let mut order: Vec<u32> = (0..bal.targets.len() as u32)
            .filter(|&s| !bal.targets[s as usize].backup)
            .collect();
        order.extend((0..bal.targets.len() as u32).filter(|&s| bal.targets[s as usize].backup));
        let watches = bal.check.is_some() || bal.spec.outlier_detection.is_some();
        let text = format!(
            "{}: canary rollout of a new config ({}) over {} targets, {} per batch, each baking {}{}",
            bal.name,
            config_words(error_rate),
            order.len(),
            policy.batch_size,
            fmt_duration(whole_ms_to_us(policy.bake_ms)),
            if watches {
                ""
            } else {
                " — with no health checks and no outlier detection nothing can halt it"
            }
        );
        let node = self.balancer_node(b);
        self.log(Some(node), LogKind::Info, text);
        let index = self.rollouts.len() as u32;
        self.rollouts.push(Rollout {
            balancer: b,
            order,
            done: 0,
            batches: 0,
            error_rate,
            state: RolloutState::Baking,
        });
        self.push_next_batch(index);
    }

    fn push_next_batch(&mut self, index: u32) {
        let Some(r) = self.rollouts.get(index as usize) else {
            return;
        };
        let b = r.balancer;
        let policy = self.balancers[b as usize]
            .spec
            .rollout
            .clone()
            .unwrap_or_default();
        let end = (r.done + policy.batch_size as usize).min(r.order.len());
        let slots: Vec<u32> = r.order[r.done..end].to_vec();
        let error_rate = r.error_rate;
        let mut names = Vec::new();
        for &s in &slots {
            let i = self.balancers[b as usize].targets[s as usize].instance;
            self.set_config(i, error_rate);
            names.push(self.instances[i as usize].name.clone());
        }
        let r = &mut self.rollouts[index as usize];
        r.done = end;
        r.batches += 1;
        let batch = r.batches;
        let text = format!(
            "{}: rollout batch {batch}{}: {}",
            self.balancers[b as usize].name,
            if batch == 1 { " (the canary)" } else { "" },
            names.join(", ")
        );
        let node = self.balancer_node(b);
        self.log(Some(node), LogKind::Info, text);
        self.push(
            self.after(whole_ms_to_us(policy.bake_ms)),
            Event::RolloutStep {
                rollout: index,
                batch,
            },
        );
    }

    pub(super) fn on_rollout_step(&mut self, index: u32, batch: u32) {
        let Some(r) = self.rollouts.get(index as usize) else {
            return;
        };
        if r.state != RolloutState::Baking || r.batches != batch {
            return;
        }
        let (b, now) = (r.balancer, self.now);
        let bal = &self.balancers[b as usize];
        // A changed target its balancer has taken out of rotation halts the rollout.
        let failed: Vec<u32> = r.order[..r.done]
            .iter()
            .filter(|&&s| {
                let t = &bal.targets[s as usize];
                !t.health.in_rotation() || t.outlier.ejected(now)
            })
            .copied()
            .collect();
        let node = self.balancer_node(b);
        if !failed.is_empty() {
            let changed: Vec<u32> = r.order[..r.done].to_vec();
            let untouched = r.order.len() - r.done;
            let failed_names: Vec<String> = failed
                .iter()
                .map(|&s| {
                    self.instances[bal.targets[s as usize].instance as usize]
                        .name
                        .clone()
                })
                .collect();
            for s in changed {
                let i = self.balancers[b as usize].targets[s as usize].instance;
                self.instances[i as usize].overlays.config_error_rate = 0.0;
                self.check_recovered(i);
            }
            self.rollouts[index as usize].state = RolloutState::Halted;
            let text = format!(
                "{}: rollout halted after batch {batch}: {} left rotation; rolled back, {untouched} targets never got the config",
                self.balancers[b as usize].name,
                failed_names.join(", ")
            );
            self.log(Some(node), LogKind::Detection, text);
        } else if r.done >= r.order.len() {
            self.rollouts[index as usize].state = RolloutState::Completed;
            let text = format!(
                "{}: rollout completed in {batch} batches",
                self.balancers[b as usize].name
            );
            self.log(Some(node), LogKind::Info, text);
        } else {
            self.push_next_batch(index);
        }
        self.note_state_change();
    }

    /// The rollouts of this run, for snapshots and tests.
    pub fn rollouts(&self) -> &[Rollout] {
        &self.rollouts
    }
}

fn config_words(error_rate: f64) -> String {
    if error_rate >= 1.0 {
        "broken: every request and the health check fail".into()
    } else if error_rate > 0.0 {
        format!(
            "partly broken: {:.0} % of requests fail, the health check passes",
            error_rate * 100.0
        )
    } else {
        "good".into()
    }
}
