//! Overload (issue 13): the engine's side of the opt-in policies in `overload_spec.rs`.
//! Each is a small hook called from the request path, the checks or the gateway; with none
//! of them in the scenario every hook is one test of a flag, and the run is the same event
//! for event (same trace hash) as before they existed.
//!
//! - Checks served by the request queue: the check waits its turn behind the queued requests
//!   (expected FIFO wait), so under overload it times out and a busy instance is marked down.
//! - Kubernetes liveness: a probe that fails `failureThreshold` times restarts the instance.
//! - Load shedding and deadline propagation at instances.
//! - Envoy retry budget and circuit breakers at balancers (`retry_budget.rs`).
//! - Gateways that retry a balancer's 5xx; retries counted per layer, utilisation per instance
//!   and the cascade told as one story in the log ("app-2 at 120 % of capacity" …).
use super::*;
use crate::client_retry::RetryQuota;
use crate::overload_metrics::{OverloadMetrics, RetryLayer};
use crate::overload_spec::ClientRetry;
use crate::retry_budget::Guard;

/// The random stream of client retry backoffs (apart from every per-node stream).
const CLIENT_RETRY_STREAM: u64 = 5 << 20;

#[derive(Clone)]
pub(crate) struct OverloadState {
    /// Any overload option in the scenario: only then does the log tell the cascade (and
    /// open "overloaded" failure records), so runs without them read exactly as before.
    pub(crate) on: bool,
    pub(crate) guards: Vec<Guard>,
    /// Per gateway: its Envoy retry budget (`engine/gateway_budget.rs`).
    pub(crate) gateway_guards: Vec<Guard>,
    pub(crate) client_retry: Option<ClientRetry>,
    pub(crate) quota: Option<RetryQuota>,
    pub(crate) retry_rng: SimRng,
    pub(crate) metrics: OverloadMetrics,
    /// Per instance: over capacity in the last whole second (logged once per crossing).
    over: Vec<bool>,
}

impl OverloadState {
    pub(crate) fn new(s: &Scenario, seed: u64) -> Self {
        let guards: Vec<Guard> = s
            .balancers
            .iter()
            .map(|b| Guard::new(b.retry_budget.clone(), b.circuit_breaker.clone()))
            .collect();
        let client_retry = s.traffic.client_retry.clone();
        let on = any_overload_option(s);
        let mut metrics = OverloadMetrics::new(s.instances.len());
        // Every instance starts up: the first second's capacity is all of theirs.
        metrics.current().capacity_rps = s
            .instances
            .iter()
            .map(|i| i.workers as f64 * 1_000.0 / i.service_time.mean_ms)
            .sum();
        OverloadState {
            on,
            gateway_guards: s
                .gateways
                .iter()
                .map(|g| Guard::new(g.retry_budget.clone(), None))
                .collect(),
            guards,
            quota: client_retry
                .as_ref()
                .and_then(|c| c.retry_quota_tokens)
                .map(RetryQuota::new),
            client_retry,
            retry_rng: SimRng::new(seed, CLIENT_RETRY_STREAM),
            metrics,
            over: vec![false; s.instances.len()],
        }
    }
}

/// Whether the scenario uses any overload option (then the log tells the cascade).
pub(crate) fn any_overload_option(s: &Scenario) -> bool {
    let checks_in_queue = s.balancers.iter().any(|b| {
        b.health_check
            .as_ref()
            .is_some_and(|h| h.served_by.is_some() || h.liveness)
    });
    s.traffic.client_retry.is_some()
        || checks_in_queue
        || s.balancers
            .iter()
            .any(|b| b.retry_budget.is_some() || b.circuit_breaker.is_some())
        || s.gateways
            .iter()
            .any(|g| g.retry_on_5xx || g.retry_budget.is_some())
        || s.instances
            .iter()
            .any(|i| i.load_shedding || i.deadline_propagation)
}

impl Simulation {
    /// Requests per second instance `i` can serve: workers ÷ mean service time (0 when it
    /// cannot serve at all).
    pub(crate) fn capacity_rps(&self, i: u32) -> f64 {
        let inst = &self.instances[i as usize];
        if inst.state != InstanceState::Up {
            return 0.0;
        }
        let mean_s = inst.spec.service_time.mean_ms / 1_000.0
            + (inst.gray_latency_us + inst.extra_latency_us) as f64 / 1e6;
        inst.spec.workers as f64 / mean_s.max(1e-9)
    }

    /// Offered load ÷ capacity of instance `i` over the last whole second (1.0 = 100 %).
    pub fn utilisation(&self, i: u32) -> f64 {
        let m = &self.overload.metrics;
        // No roll for more than a second: nothing arrived since.
        let stale = self.now >= m.second_end_us + crate::time::US_PER_S;
        let arrived = if stale {
            0
        } else {
            m.last_arrivals[i as usize]
        };
        let spec = &self.instances[i as usize].spec;
        arrived as f64 * spec.service_time.mean_ms / 1_000.0 / spec.workers as f64
    }

    /// Open the overload second containing `now` (capacity sampled as it opens) and, when
    /// the scenario uses an overload option, tell the instances that crossed 100 %.
    #[cold]
    fn overload_roll(&mut self) {
        let capacity: f64 = (0..self.instances.len() as u32)
            .map(|i| self.capacity_rps(i))
            .sum();
        self.overload.metrics.roll(self.now, capacity);
        if self.overload.on {
            for i in 0..self.instances.len() as u32 {
                self.note_capacity_crossing(i);
            }
        }
    }

    #[inline]
    fn overload_second(&mut self) -> &mut crate::overload_metrics::OverloadSecond {
        if self.overload.metrics.needs_roll(self.now) {
            self.overload_roll();
        }
        self.overload.metrics.current()
    }

    /// An attempt reached instance `i` (every run: it feeds the utilisation shown).
    #[inline]
    pub(super) fn note_instance_arrival(&mut self, i: u32) {
        if self.overload.metrics.needs_roll(self.now) {
            self.overload_roll();
        }
        self.overload.metrics.arrivals[i as usize] += 1;
        self.overload.metrics.instance_attempts_total += 1;
    }

    /// The cascade's story: "app-2 at 120 % of capacity", and back under it.
    fn note_capacity_crossing(&mut self, i: u32) {
        let util = self.utilisation(i);
        let over = util >= 1.0 && self.instances[i as usize].state == InstanceState::Up;
        if over == self.overload.over[i as usize] {
            return;
        }
        self.overload.over[i as usize] = over;
        let node = self.instance_node(i);
        let name = self.instances[i as usize].name.clone();
        if over {
            let offered = self.overload.metrics.last_arrivals[i as usize];
            let text = format!(
                "{name} at {:.0} % of capacity: {offered} requests/s offered, {:.0}/s servable (workers ÷ mean service time); its queue grows",
                util * 100.0,
                self.capacity_rps(i)
            );
            self.open_failure(node, "overloaded");
            if let Some(rec) = self.metrics.open_record(node) {
                if rec.fault == "overloaded" && rec.fault_at_us == self.now {
                    rec.utilisation_percent = Some(libm::round(util * 100.0) as u32);
                }
            }
            self.log(Some(node), LogKind::Fault, text);
        } else {
            self.log(
                Some(node),
                LogKind::Info,
                format!("{name} back under capacity ({:.0} %)", util * 100.0),
            );
            self.check_recovered(i);
        }
    }

    pub(super) fn count_retry(&mut self, layer: RetryLayer) {
        self.overload.metrics.retries_total[layer.index()] += 1;
        self.overload_second().retries[layer.index()] += 1;
    }

    // ----- checks served by the instance ------------------------------------------------

    /// How long a check waits at instance `i` when its workers answer it in turn: nothing
    /// while a worker is free, else the expected FIFO wait behind the queued requests,
    /// (queued + 1) × mean service ÷ workers; plus its own service (one mean service time).
    pub(super) fn check_queue_wait_us(&self, i: u32) -> TimeUs {
        let inst = &self.instances[i as usize];
        let mean_us = ms_to_us(inst.spec.service_time.mean_ms) + inst.gray_latency_us;
        let workers = inst.spec.workers.max(1) as u64;
        let wait = if inst.busy() < inst.spec.workers {
            0
        } else {
            (inst.queue_len() as u64 + 1).saturating_mul(mean_us) / workers
        };
        wait.saturating_add(mean_us)
    }

    /// Kubernetes liveness: the probe failed `failureThreshold` times, the kubelet restarts
    /// the container (its requests are lost, it boots for `startup_ms`). Under overload a
    /// busy instance is killed for being slow: a restart loop.
    pub(super) fn liveness_restart(&mut self, i: u32, fall: u32) {
        if self.instances[i as usize].state != InstanceState::Up {
            return;
        }
        let node = self.instance_node(i);
        let name = self.instances[i as usize].name.clone();
        self.open_failure(node, "liveness restart");
        self.instances[i as usize].state = InstanceState::Crashed;
        self.drop_jobs(i, true);
        self.log(
            Some(node),
            LogKind::Fault,
            format!(
                "kubelet restarted {name}: its liveness probe failed failureThreshold={fall} times (requests in service are lost; it boots again)"
            ),
        );
        self.start_instance(i);
        self.note_state_change();
    }

    // ----- load shedding and deadline propagation --------------------------------------

    /// Load shedding at instance `i`: true (and the request refused, 503) when its expected
    /// wait, (queued + 1) × mean service ÷ workers, already exceeds what is left of its
    /// client's deadline: serving it would be wasted work.
    pub(super) fn shed(&mut self, i: u32, r: ReqRef, attempt: u32) -> bool {
        let inst = &self.instances[i as usize];
        if inst.busy() < inst.spec.workers {
            return false;
        }
        let Some(q) = self.requests.get(r) else {
            return false;
        };
        let mean_us = ms_to_us(inst.spec.service_time.mean_ms) + inst.gray_latency_us;
        let wait = (inst.queue_len() as u64 + 1).saturating_mul(mean_us) / inst.spec.workers as u64;
        if self.now.saturating_add(wait) <= q.deadline_us {
            return false;
        }
        self.overload.metrics.shed_total += 1;
        self.overload.metrics.last_shed_us[i as usize] = Some(self.now);
        self.overload_second().shed += 1;
        self.reply_from_instance(i, r, attempt, Status::QueueFull);
        true
    }

    /// Deadline propagation: the job's caller gave up (the request is finished, or this
    /// attempt was superseded by a timeout or a retry), so it is dropped, not served.
    pub(super) fn abandoned(&self, i: u32, job: Job) -> bool {
        self.instances[i as usize].spec.deadline_propagation
            && self
                .requests
                .get(job.r)
                .is_none_or(|q| q.attempt != job.attempt)
    }

    pub(super) fn note_dropped_expired(&mut self) {
        self.overload.metrics.dropped_expired_total += 1;
        self.overload_second().dropped_expired += 1;
    }

    // ----- Envoy retry budget and circuit breakers ----------------------------------------

    fn requests_active(&self, b: u32) -> u32 {
        self.balancers[b as usize]
            .targets
            .iter()
            .map(|t| t.active)
            .sum()
    }

    /// A new attempt through balancer `b` is allowed by its circuit breakers; if not, the
    /// request is answered 503 at once (Envoy `overflow`) and false is returned.
    pub(super) fn breaker_admits(&mut self, r: ReqRef, b: u32) -> bool {
        if self.overload.guards[b as usize].breaker.is_none() {
            return true;
        }
        if self.overload.guards[b as usize].request_allowed(self.requests_active(b)) {
            return true;
        }
        let g = &mut self.overload.guards[b as usize];
        g.overflowed += 1;
        g.last_overflow_us = Some(self.now);
        self.overload.metrics.overflow_total += 1;
        self.overload_second().overflow += 1;
        let node = self.balancer_node(b);
        if let Some(q) = self.requests.get_mut(r) {
            q.blame.get_or_insert(node);
        }
        self.respond_client(r, node, Status::QueueFull);
        false
    }

    /// A retry through balancer `b` is within its retry budget and `max_retries`.
    pub(super) fn retry_admitted(&mut self, b: u32) -> bool {
        let g = &self.overload.guards[b as usize];
        if g.budget.is_none() && g.breaker.is_none() {
            return true;
        }
        if g.retry_allowed(self.requests_active(b)) {
            return true;
        }
        self.overload.guards[b as usize].retries_denied += 1;
        self.overload.metrics.budget_denied_total += 1;
        false
    }

    /// An attempt starts (`retry`: it is not the balancer's first for this request).
    #[inline]
    pub(super) fn guard_attempt_started(&mut self, b: u32, retry: bool) {
        if retry {
            self.overload.guards[b as usize].retries_active += 1;
        }
    }

    #[inline]
    pub(super) fn guard_attempt_ended(&mut self, b: u32, retry: bool) {
        if retry {
            let g = &mut self.overload.guards[b as usize];
            g.retries_active = g.retries_active.saturating_sub(1);
        }
    }

    /// Whether balancer `b`'s breaker refused a request in the last second ("circuit open").
    pub fn circuit_open(&self, b: u32) -> bool {
        self.overload.guards[b as usize]
            .last_overflow_us
            .is_some_and(|t| self.now < t + crate::time::US_PER_S)
    }

    /// Whether instance `i` shed a request in the last second ("shedding").
    pub fn shedding(&self, i: u32) -> bool {
        self.overload.metrics.last_shed_us[i as usize]
            .is_some_and(|t| self.now < t + crate::time::US_PER_S)
    }

    // ----- gateways retrying 5xx --------------------------------------------------------

    /// A balancer's failure answer reached gateway `g`: with `retry_on_5xx` and retries
    /// left it goes to another balancer (whose own retries start afresh); true if so.
    pub(super) fn gateway_retries_5xx(&mut self, r: ReqRef, g: u32, status: Status) -> bool {
        let gw = &self.gateways[g as usize];
        if !gw.spec.retry_on_5xx
            || !matches!(
                status,
                Status::ServerError
                    | Status::QueueFull
                    | Status::QueueTimeout
                    | Status::NoHealthyTarget
                    | Status::Timeout
            )
        {
            return false;
        }
        let retries = gw.spec.retries;
        if self
            .requests
            .get(r)
            .is_none_or(|q| q.gateway_tries > retries)
            || !self.gateway_retry_admitted(g)
        {
            return false;
        }
        let Some(q) = self.requests.get_mut(r) else {
            return false;
        };
        q.tries = 0;
        let b = q.via;
        self.metrics.on_retry(self.now);
        self.count_retry(RetryLayer::Gateway);
        self.forward(r, g, b);
        true
    }

    /// Overload totals and series for the UI, the CLI and tests.
    pub fn overload_metrics(&self) -> &OverloadMetrics {
        &self.overload.metrics
    }

    /// Retries in flight through balancer `b` (what its retry budget counts).
    pub fn retries_in_flight(&self, b: u32) -> u32 {
        self.overload.guards[b as usize].retries_active
    }

    /// Requests in flight through balancer `b` (its open attempts).
    pub fn requests_in_flight(&self, b: u32) -> u32 {
        self.requests_active(b)
    }
}

impl Simulation {
    /// The overload word the diagram shows on instance `i` (with its icon): shedding wins
    /// over "over capacity"; nothing for a scenario without overload options.
    pub fn overload_word(&self, i: u32) -> Option<&'static str> {
        if !self.overload.on || self.instances[i as usize].state != InstanceState::Up {
            return None;
        }
        if self.shedding(i) {
            Some("shedding")
        } else if self.utilisation(i) >= 1.0 {
            Some("over capacity")
        } else {
            None
        }
    }
}
