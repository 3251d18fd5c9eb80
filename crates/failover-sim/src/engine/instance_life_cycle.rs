//! Instance life cycle: boot, up, crash (jobs dropped or reset), failure records opened when a
//! node stops serving.
use super::*;

impl Simulation {
    pub(super) fn start_instance(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.state = InstanceState::Starting;
        inst.epoch = inst.epoch.wrapping_add(1);
        let (epoch, boot) = (inst.epoch, whole_ms_to_us(inst.spec.startup_ms));
        self.push(
            self.after(boot),
            Event::InstanceBooted { instance: i, epoch },
        );
    }

    pub(super) fn on_booted(&mut self, i: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch != epoch || inst.state != InstanceState::Starting {
            return;
        }
        inst.state = InstanceState::Up;
        let name = inst.name.clone();
        self.note_state_change();
        let node = self.instance_node(i);
        self.log(
            Some(node),
            LogKind::Info,
            format!("{name} is up and accepting connections"),
        );
        self.on_instance_ready(i);
        self.check_recovered(i);
    }

    /// A frozen process resumes (SIGCONT): every job it held completes now, as the work it
    /// was doing finishes; idle workers take what its backlog accepted meanwhile.
    /// Completions from before the freeze went stale with the epoch bumped then.
    pub(super) fn thaw(&mut self, i: u32) {
        let inst = &mut self.instances[i as usize];
        inst.state = InstanceState::Up;
        inst.epoch = inst.epoch.wrapping_add(1);
        let epoch = inst.epoch;
        let mut done: Vec<(u32, TimeUs)> =
            inst.busy_workers().into_iter().map(|w| (w, 0)).collect();
        while let Some(started) = inst.start_queued() {
            done.push(started);
        }
        for (worker, after) in done {
            self.push(
                self.now + after,
                Event::ServiceDone {
                    instance: i,
                    worker,
                    epoch,
                },
            );
        }
    }

    pub(super) fn open_failure(&mut self, node: u32, fault: &str) {
        if self.metrics.open_record(node).is_some() {
            return;
        }
        let name = self.node_name(node);
        self.metrics.open_failure(FailureRecord {
            node,
            node_name: name,
            fault: fault.to_string(),
            fault_at_us: self.now,
            detected_at_us: None,
            rerouted_at_us: None,
            recovered_at_us: None,
            lost_requests: 0,
            saved_by_retry: 0,
            detected_by: None,
            utilisation_percent: None,
        });
    }

    /// Kill an instance's jobs: a crash resets their connections (callers see it at once),
    /// a lost host just goes silent (callers wait for their timeouts).
    pub(super) fn drop_jobs(&mut self, i: u32, reset: bool) {
        let jobs = self.instances[i as usize].drop_all_jobs();
        if reset {
            for job in jobs {
                self.reply_from_instance(i, job.r, job.attempt, Status::Reset);
            }
        }
    }
}
