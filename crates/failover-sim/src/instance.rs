//! A service instance: N workers and a bounded FIFO queue, with the process/host states
//! that make failures look different to the outside:
//!
//! - `Starting`: booting; connections are refused until `startup_ms` has passed.
//! - `Up`: serving.
//! - `Crashed`: the process died; the host answers RST, so callers learn at once and a
//!   retry elsewhere can absorb it. Requests being served are lost (connection reset).
//! - `Unreachable`: the host is gone (power, network). Nothing answers: checks and
//!   requests wait for their timeouts. This is why a dead host costs more than a dead process.
//! - `Frozen`: the process is stopped (SIGSTOP, a long GC pause, a deadlock) on a live host.
//!   The kernel still accepts connections while its backlog has room (`accept_backlog`),
//!   then new connections time out as with a dead host; the requests it had accepted stay
//!   in its workers and queue and hang. Healed, it resumes them, with no reboot.
//!
//! Gray failure (slow, some 500s) and added latency are overlays on `Up`.
pub use super::instance_overlays::Overlays;
use super::request::ReqRef;
use super::rng::{stream, SimRng};
use super::scenario::{Distribution, Instance as InstanceSpec};
use super::time::{ms_to_us, TimeUs};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    Starting,
    Up,
    Crashed,
    Unreachable,
    Frozen,
}

impl InstanceState {
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Starting => "starting",
            InstanceState::Up => "up",
            InstanceState::Crashed => "crashed",
            InstanceState::Unreachable => "unreachable",
            InstanceState::Frozen => "frozen",
        }
    }
}

/// A request being served or waiting at an instance.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub r: ReqRef,
    pub attempt: u32,
}

/// What `finish` reports.
pub struct Finished {
    pub job: Job,
    /// Answer 500 (gray failure).
    pub error: bool,
    /// The job the worker started next, with its service time.
    pub next: Option<(Job, TimeUs)>,
}

pub enum Admission {
    /// A worker took it; it finishes after this service time.
    Started {
        worker: u32,
        service_us: TimeUs,
    },
    Queued,
    /// The queue is full: answer 503.
    Full,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    pub spec: InstanceSpec,
    pub state: InstanceState,
    /// Bumped on every crash/loss so that service completions of a previous life are stale.
    pub epoch: u32,
    workers: Vec<Option<Job>>,
    free_workers: Vec<u32>,
    pub queue: VecDeque<Job>,
    /// `add-latency`: applies to requests and health checks (the network path is slow).
    pub extra_latency_us: TimeUs,
    /// Gray failure: slower responses and a fraction of 500s, while checks still pass.
    pub gray_latency_us: TimeUs,
    pub gray_error_rate: f64,
    /// Recovery overlays (`push-config`, `flap`, cold start): see `instance_overlays.rs`.
    pub overlays: Overlays,
    /// A planned `stop` waits for the in-flight requests to finish (`engine/draining.rs`).
    pub stop_pending: bool,
    /// Attempts from balancers currently outstanding against this instance.
    pub inbound_attempts: u32,
    /// Connections accepted into the backlog since it froze (up to `accept_backlog`).
    pub frozen_accepted: u32,
    pub served: u64,
    rng: SimRng,
}

impl Instance {
    pub fn new(index: usize, spec: &InstanceSpec, seed: u64) -> Self {
        let mut inst = Instance {
            name: spec.name.clone(),
            spec: spec.clone(),
            state: InstanceState::Up,
            epoch: 0,
            workers: Vec::new(),
            free_workers: Vec::new(),
            queue: VecDeque::new(),
            extra_latency_us: 0,
            gray_latency_us: 0,
            gray_error_rate: 0.0,
            overlays: Overlays::default(),
            stop_pending: false,
            inbound_attempts: 0,
            frozen_accepted: 0,
            served: 0,
            rng: SimRng::new(seed, stream::INSTANCE_BASE + index as u64),
        };
        inst.resize_workers();
        inst
    }

    /// (Re)build the free list after a start, a crash or a `workers` change. Workers past
    /// the new count that are still busy finish their job and then retire (see `finish`);
    /// the vector never shrinks so their slots stay valid.
    fn resize_workers(&mut self) {
        let n = self.spec.workers as usize;
        if self.workers.len() < n {
            self.workers.resize(n, None);
        }
        // Popped from the end: lowest-numbered worker first. Any fixed order would do; this
        // one reads naturally in the UI.
        self.free_workers = (0..n)
            .rev()
            .filter(|&w| self.workers[w].is_none())
            .map(|w| w as u32)
            .collect();
    }

    /// Install an edited spec. Workers added to a serving instance take queued jobs at once
    /// (as a thread pool grown under load does): returns (worker, service time) of each job
    /// started, for the caller to schedule its completion. Shrinking the queue does not drop
    /// queued work: it only refuses new arrivals.
    pub fn apply_spec(&mut self, spec: InstanceSpec) -> Vec<(u32, TimeUs)> {
        self.spec = spec;
        self.resize_workers();
        let mut started = Vec::new();
        while self.state == InstanceState::Up && !self.queue.is_empty() {
            let Some(worker) = self.free_workers.pop() else {
                break;
            };
            let Some(job) = self.queue.pop_front() else {
                self.free_workers.push(worker);
                break;
            };
            self.workers[worker as usize] = Some(job);
            started.push((worker, self.draw_service_us()));
        }
        started
    }

    /// The job a worker holds (while it waits for the database, for instance).
    pub fn job_of(&self, worker: u32) -> Option<Job> {
        self.workers.get(worker as usize).copied().flatten()
    }

    /// Draw whether this request writes (stream of this instance, so routing elsewhere does
    /// not shift it).
    pub fn draws_write(&mut self, write_fraction: f64) -> bool {
        self.rng.chance(write_fraction)
    }

    /// A frozen process's kernel takes one more connection if its backlog has room (it then
    /// hangs in the queue until the process resumes); false: the connect times out.
    pub fn accept_while_frozen(&mut self) -> bool {
        if self.frozen_accepted < self.spec.accept_backlog {
            self.frozen_accepted += 1;
            true
        } else {
            false
        }
    }

    /// A free worker takes the next queued job, if both exist: (worker, service time).
    pub fn start_queued(&mut self) -> Option<(u32, TimeUs)> {
        if self.queue.is_empty() {
            return None;
        }
        let worker = self.free_workers.pop()?;
        let job = self.queue.pop_front()?;
        self.workers[worker as usize] = Some(job);
        Some((worker, self.draw_service_us()))
    }

    /// Workers holding a job (a frozen process resumes them when it is healed).
    pub fn busy_workers(&self) -> Vec<u32> {
        (0..self.workers.len() as u32)
            .filter(|&w| self.workers[w as usize].is_some())
            .collect()
    }

    pub fn busy(&self) -> u32 {
        self.workers.iter().filter(|w| w.is_some()).count() as u32
    }

    pub fn queue_len(&self) -> u32 {
        self.queue.len() as u32
    }

    fn draw_service_us(&mut self) -> TimeUs {
        let st = &self.spec.service_time;
        let ms = match st.distribution {
            Distribution::Constant => st.mean_ms,
            Distribution::Exponential => self.rng.exponential(st.mean_ms),
            Distribution::Lognormal => self.rng.lognormal(st.mean_ms, st.sigma),
        };
        // A warm instance multiplies by 1.0: the same time, bit for bit.
        ms_to_us(ms * self.overlays.cold_multiplier).max(1)
            + self.gray_latency_us
            + self.extra_latency_us
    }

    pub fn admit(&mut self, job: Job) -> Admission {
        if let Some(worker) = self.free_workers.pop() {
            self.workers[worker as usize] = Some(job);
            Admission::Started {
                worker,
                service_us: self.draw_service_us(),
            }
        } else if self.queue.len() < self.spec.queue_capacity as usize {
            self.queue.push_back(job);
            Admission::Queued
        } else {
            Admission::Full
        }
    }

    /// A worker finished its job; it takes the next one from the queue, if any.
    pub fn finish(&mut self, worker: u32) -> Option<Finished> {
        let job = self.workers.get_mut(worker as usize)?.take()?;
        self.served += 1;
        let error = self.rng.chance(self.gray_error_rate);
        let next = if (worker as usize) < self.spec.workers as usize {
            match self.queue.pop_front() {
                Some(next) => {
                    self.workers[worker as usize] = Some(next);
                    Some((next, self.draw_service_us()))
                }
                None => {
                    self.free_workers.push(worker);
                    None
                }
            }
        } else {
            None // a retired worker after `workers` shrank
        };
        Some(Finished { job, error, next })
    }

    /// Take every job in service or waiting (a crash or a host loss), and start a new life.
    pub fn drop_all_jobs(&mut self) -> Vec<Job> {
        let mut jobs: Vec<Job> = self.workers.iter_mut().filter_map(|w| w.take()).collect();
        jobs.extend(self.queue.drain(..));
        self.free_workers.clear();
        self.workers.clear();
        self.resize_workers();
        self.epoch = self.epoch.wrapping_add(1);
        jobs
    }

    pub fn clear_overlays(&mut self) {
        self.extra_latency_us = 0;
        self.gray_latency_us = 0;
        self.gray_error_rate = 0.0;
        self.overlays.clear_faults();
    }

    pub fn is_degraded(&self) -> bool {
        self.extra_latency_us > 0
            || self.gray_latency_us > 0
            || self.gray_error_rate > 0.0
            || self.overlays.faulty()
    }

    /// Does the request finishing now fail because of a bad config or a flap? Draws from the
    /// instance's stream only under a partly broken config (so other runs draw as before).
    pub fn overlay_fails_request(&mut self, now: TimeUs) -> bool {
        if !self.overlays.faulty() {
            return false;
        }
        if self.overlays.flap_failing(now) {
            return true;
        }
        let rate = self.overlays.config_error_rate;
        rate >= 1.0 || (rate > 0.0 && self.rng.chance(rate))
    }
}
