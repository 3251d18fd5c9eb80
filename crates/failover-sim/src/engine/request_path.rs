//! The request path: a balancer picks a target, the attempt travels to the instance, is queued
//! and served (or refused, reset, timed out), and the answer or the failure travels back;
//! retries, redispatch and passive health on the way.
use super::*;
use crate::overload_metrics::RetryLayer;

impl Simulation {
    pub(super) fn on_at_balancer(&mut self, r: ReqRef) {
        let Some(b) = self.requests.get(r).and_then(|q| q.via) else {
            return;
        };
        let node = self.balancer_node(b);
        let gateway = self.requests.get(r).and_then(|q| q.gateway);
        match (self.balancers[b as usize].state, gateway) {
            (BalancerState::Up, _) => self.dispatch(r, None),
            // Behind a gateway, a dead balancer is the gateway's connect failure to handle:
            // refused at once (the RST travels back), or silent until its connect timeout.
            (state, Some(g)) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                let gw_node = self.gateway_node(g);
                let hop = self.topology.latency_us(gw_node, node);
                let (at, refused) = if state == BalancerState::Failed {
                    (self.now + hop, true)
                } else {
                    let sent = self.now.saturating_sub(hop);
                    let give_up = sent + self.gateways[g as usize].timeout_connect_us();
                    (give_up.max(self.now), false)
                };
                self.push(at, Event::GatewayRetry { r, refused });
            }
            (BalancerState::Failed, None) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
                self.respond_client(r, node, Status::Refused);
            }
            // Nothing answers: the client waits for its own timeout.
            (BalancerState::Unreachable, None) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(node);
                }
            }
        }
    }

    /// Pick a target and send the request to it (a first try, a retry or a redispatch).
    pub(super) fn dispatch(&mut self, r: ReqRef, exclude: Option<u32>) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, client, deadline) = (q.via.unwrap_or(0), q.client, q.deadline_us);
        let now = self.now;
        let lb_node = self.balancer_node(b);
        if !self.queues[b as usize].backend.is_empty() {
            self.pump_backend(b);
        }
        let Some(slot) = self.balancers[b as usize].pick(client, exclude, now) else {
            if self.queue_if_all_full(r, b) {
                return;
            }
            if let Some(q) = self.requests.get_mut(r) {
                q.blame.get_or_insert(lb_node);
            }
            self.respond_client(r, lb_node, Status::NoHealthyTarget);
            return;
        };
        self.send_attempt(r, b, slot, deadline);
    }

    pub(super) fn send_attempt(&mut self, r: ReqRef, b: u32, slot: u32, deadline: TimeUs) {
        if self.balancers[b as usize].spec.maxconn.is_some()
            && self.queue_if_server_full(r, b, slot)
        {
            return;
        }
        if !self.breaker_admits(r, b) {
            return;
        }
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        q.attempt += 1;
        q.tries += 1;
        q.target = slot;
        q.attempt_open = true;
        let retry = q.tries > 1;
        q.attempt_is_retry = retry;
        let attempt = q.attempt;
        self.guard_attempt_started(b, retry);
        let bal = &mut self.balancers[b as usize];
        bal.targets[slot as usize].active += 1;
        let inst = bal.targets[slot as usize].instance;
        let timeout_server = bal.timeout_server_us();
        self.instances[inst as usize].inbound_attempts += 1;
        let arrive = self.now
            + self
                .topology
                .latency_us(self.balancer_node(b), self.instance_node(inst));
        let kind = if retry {
            TransferKind::Retry
        } else {
            TransferKind::Request
        };
        self.transfer(
            self.balancer_node(b),
            self.instance_node(inst),
            arrive,
            kind,
        );
        self.push(arrive, Event::AtInstance { r, attempt });
        // Only worth an event when the balancer would give up before the client does.
        let server_deadline = arrive + timeout_server;
        if server_deadline < deadline {
            self.push(server_deadline, Event::ServerTimeout { r, attempt });
        }
    }

    /// The instance an attempt of `q` goes to.
    pub(super) fn attempt_instance(&self, q: &Request) -> u32 {
        match q.via {
            Some(b) => self.balancers[b as usize].targets[q.target as usize].instance,
            None => q.target,
        }
    }

    pub(super) fn on_at_instance(&mut self, r: ReqRef, attempt: u32) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        if q.attempt != attempt {
            return;
        }
        let via = q.via;
        let i = self.attempt_instance(q);
        let inst_node = self.instance_node(i);
        let client_node = self.client_node(q.client);
        let up_node = via.map(|b| self.balancer_node(b)).unwrap_or(client_node);
        let hop_us = self.topology.latency_us(inst_node, up_node);
        self.note_instance_arrival(i);
        // Across a partition the instance is as silent as a dead host.
        let state = if self.topology.partitioned(up_node, inst_node) {
            InstanceState::Unreachable
        } else {
            self.instances[i as usize].state
        };
        // A frozen process's kernel accepts while its backlog has room: the request waits,
        // unserved, until the process resumes (or its caller gives up).
        if state == InstanceState::Frozen && self.instances[i as usize].accept_while_frozen() {
            self.instances[i as usize]
                .queue
                .push_back(Job { r, attempt });
            return;
        }
        match state {
            InstanceState::Up
                if self.instances[i as usize].spec.load_shedding && self.shed(i, r, attempt) => {}
            InstanceState::Up => match self.instances[i as usize].admit(Job { r, attempt }) {
                Admission::Started { worker, service_us } => {
                    let epoch = self.instances[i as usize].epoch;
                    self.push(
                        self.now + service_us,
                        Event::ServiceDone {
                            instance: i,
                            worker,
                            epoch,
                        },
                    );
                }
                Admission::Queued => {}
                Admission::Full => self.reply_from_instance(i, r, attempt, Status::QueueFull),
            },
            InstanceState::Starting | InstanceState::Crashed => {
                // RST straight back.
                let back = self.now + hop_us;
                match via {
                    Some(b) => {
                        self.transfer(
                            inst_node,
                            self.balancer_node(b),
                            back,
                            TransferKind::Failure,
                        );
                        self.push(
                            back,
                            Event::AttemptFailed {
                                r,
                                attempt,
                                why: AttemptFailure::Refused,
                            },
                        );
                    }
                    None => {
                        if let Some(q) = self.requests.get_mut(r) {
                            q.blame = Some(inst_node);
                        }
                        self.transfer(inst_node, client_node, back, TransferKind::Failure);
                        self.push(
                            back,
                            Event::ResponseAtClient {
                                r,
                                status: Status::Refused,
                            },
                        );
                    }
                }
            }
            // A dead host, or a frozen process whose accept backlog is full: the SYN is never
            // answered.
            InstanceState::Unreachable | InstanceState::Frozen => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.blame = Some(inst_node);
                }
                if let Some(b) = via {
                    // The balancer's connect timer started when it sent the SYN.
                    let sent = self.now.saturating_sub(hop_us);
                    let at = (sent + self.balancers[b as usize].timeout_connect_us()).max(self.now);
                    self.push(
                        at,
                        Event::AttemptFailed {
                            r,
                            attempt,
                            why: AttemptFailure::ConnectTimeout,
                        },
                    );
                }
                // Called directly, the client simply waits for its deadline.
            }
        }
    }

    pub(super) fn reply_from_instance(&mut self, i: u32, r: ReqRef, attempt: u32, status: Status) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        if q.attempt != attempt {
            return; // the caller gave up on this attempt: the answer goes nowhere
        }
        let via = q.via;
        let from = self.instance_node(i);
        let client_node = self.client_node(q.client);
        let up_node = via.map(|b| self.balancer_node(b)).unwrap_or(client_node);
        if self.topology.partitioned(from, up_node) {
            return; // the answer is dropped on the way: the caller times out
        }
        let back = self.now + self.topology.latency_us(from, up_node);
        let kind = if status == Status::Ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        match via {
            Some(b) => {
                self.transfer(from, self.balancer_node(b), back, kind);
                self.push(back, Event::ResponseAtBalancer { r, attempt, status });
            }
            None => {
                if status != Status::Ok {
                    if let Some(q) = self.requests.get_mut(r) {
                        q.blame = Some(from);
                    }
                }
                self.transfer(from, client_node, back, kind);
                self.push(back, Event::ResponseAtClient { r, status });
            }
        }
    }

    pub(super) fn on_service_done(&mut self, i: u32, worker: u32, epoch: u32) {
        let inst = &mut self.instances[i as usize];
        if inst.epoch != epoch || inst.state != InstanceState::Up {
            return;
        }
        if self.db.is_some() {
            // The worker now waits for its data store (client → server → data store), unless
            // its caller gave up and the deadline travelled with the request.
            if let Some(job) = inst.job_of(worker) {
                if self.abandoned(i, job) {
                    self.complete_job(i, worker, epoch, false);
                } else {
                    self.send_query(i, worker, job);
                }
            }
            return;
        }
        self.complete_job(i, worker, epoch, true);
    }

    /// A worker is done with its job: it takes the next one from its queue, and the answer
    /// (a 500 if the job failed or a gray failure struck) goes back up.
    pub(super) fn complete_job(&mut self, i: u32, worker: u32, epoch: u32, ok: bool) {
        let Some(Finished { job, error, next }) = self.instances[i as usize].finish(worker) else {
            return;
        };
        if let Some((next_job, service_us)) = next {
            // Deadline propagation: work whose caller gave up is dropped, not served.
            let service_us = if self.abandoned(i, next_job) {
                self.note_dropped_expired();
                0
            } else {
                service_us
            };
            self.push(
                self.now + service_us,
                Event::ServiceDone {
                    instance: i,
                    worker,
                    epoch,
                },
            );
        }
        let status = if ok && !error && !self.instances[i as usize].overlay_fails_request(self.now)
        {
            Status::Ok
        } else {
            Status::ServerError
        };
        self.reply_from_instance(i, job.r, job.attempt, status);
    }

    /// True if `r` is live, `attempt` is its current attempt, and its balancer is up (an
    /// unreachable or failed balancer processes nothing).
    pub(super) fn current_attempt_via_live_balancer(&self, r: ReqRef, attempt: u32) -> bool {
        match self.requests.get(r) {
            Some(q) if q.attempt == attempt => match q.via {
                Some(b) => self.balancers[b as usize].state == BalancerState::Up,
                None => false,
            },
            _ => false,
        }
    }

    /// Close the current attempt's accounting (active connections, reroute tracking).
    pub(super) fn end_attempt(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        if !q.attempt_open {
            return;
        }
        q.attempt_open = false;
        let (Some(b), slot, retry) = (q.via, q.target, q.attempt_is_retry) else {
            return;
        };
        self.guard_attempt_ended(b, retry);
        let t = &mut self.balancers[b as usize].targets[slot as usize];
        t.active = t.active.saturating_sub(1);
        let i = t.instance;
        let inst = &mut self.instances[i as usize];
        inst.inbound_attempts = inst.inbound_attempts.saturating_sub(1);
        if inst.inbound_attempts == 0 {
            let node = self.instance_node(i);
            let now = self.now;
            if let Some(rec) = self.metrics.open_record(node) {
                if rec.detected_at_us.is_some() && rec.rerouted_at_us.is_none() {
                    rec.rerouted_at_us = Some(now);
                }
            }
            self.on_last_attempt_ended(i);
        }
        if self.balancers[b as usize].spec.maxconn.is_some() {
            self.slot_freed(b, slot);
        }
    }

    pub(super) fn on_attempt_failure(&mut self, r: ReqRef, failure: Failure) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, slot, tries) = (q.via.unwrap_or(0), q.target, q.tries);
        let inst = self.balancers[b as usize].targets[slot as usize].instance;
        let inst_node = self.instance_node(inst);
        self.end_attempt(r);
        self.observe_response(b, slot, false);
        if let Some(q) = self.requests.get_mut(r) {
            q.blame = Some(inst_node);
        }
        if self.balancers[b as usize].spec.passive.is_some() {
            self.next_upstream(r, b, slot, inst, tries, failure);
        } else {
            self.haproxy_retry(r, b, slot, tries, failure);
        }
    }

    /// NGINX: the failure counts against the server (`max_fails`), and the request goes to
    /// the next server at once if `proxy_next_upstream` names the failure and the tries
    /// (`proxy_next_upstream_tries`, at most one per server) are not used up.
    fn next_upstream(
        &mut self,
        r: ReqRef,
        b: u32,
        slot: u32,
        inst: u32,
        tries: u32,
        failure: Failure,
    ) {
        let (class, final_status) = failure.nginx_class();
        let counts = class.counts_as_failure(&self.balancers[b as usize].spec.next_upstream);
        if counts && self.balancers[b as usize].passive_failure(slot as usize, self.now) {
            let bal = &self.balancers[b as usize];
            let detail = bal
                .spec
                .passive
                .as_ref()
                .map(|p| {
                    format!(
                        "{} passive health: max_fails={}, fail_timeout={}",
                        bal.name,
                        p.max_fails,
                        fmt_duration(whole_ms_to_us(p.fail_timeout_ms))
                    )
                })
                .unwrap_or_default();
            self.on_marked_down(b, inst, detail);
        }
        let bal = &self.balancers[b as usize];
        if bal.spec.next_upstream.contains(&class)
            && tries < bal.next_upstream_limit()
            && self.retry_admitted(b)
        {
            self.metrics.on_retry(self.now);
            self.count_retry(RetryLayer::Balancer);
            self.dispatch(r, Some(slot));
        } else {
            self.respond_client(r, self.balancer_node(b), final_status);
        }
    }

    /// HAProxy 2.6+: a failure `retry-on` names is retried while `retries` last. With
    /// `option redispatch` and a non-hash algorithm every retry goes to another server at
    /// once; with `consistent-hash` only the last one does (the others keep the client on its
    /// server). A retry of the *same* server waits the turn-around after a connection error
    /// only: after a connect timeout it goes at once.
    fn haproxy_retry(&mut self, r: ReqRef, b: u32, slot: u32, tries: u32, failure: Failure) {
        let (retry_class, final_status) = failure.classify();
        let bal = &self.balancers[b as usize];
        if !(bal.retries_on(retry_class) && tries <= bal.spec.retries && self.retry_admitted(b)) {
            self.respond_client(r, self.balancer_node(b), final_status);
            return;
        }
        self.metrics.on_retry(self.now);
        self.count_retry(RetryLayer::Balancer);
        let bal = &self.balancers[b as usize];
        let refused = matches!(failure, Failure::Attempt(AttemptFailure::Refused));
        let hashed = bal.spec.algorithm == Algorithm::ConsistentHash;
        if bal.spec.redispatch && (!hashed || tries == bal.spec.retries) {
            let Some(q) = self.requests.get(r) else {
                return;
            };
            let (client, deadline) = (q.client, q.deadline_us);
            match self.balancers[b as usize].pick(client, Some(slot), self.now) {
                None if self.queue_if_all_full(r, b) => {}
                None => self.respond_client(r, self.balancer_node(b), Status::NoHealthyTarget),
                // The server that failed is the only one left: a same-server retry after all.
                Some(s) if s == slot => self.retry_same_server(r, b, slot, refused),
                Some(s) => self.send_attempt(r, b, s, deadline),
            }
        } else {
            self.retry_same_server(r, b, slot, refused);
        }
    }

    fn retry_same_server(&mut self, r: ReqRef, b: u32, slot: u32, refused: bool) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        if refused {
            // A refused connect would likely be refused again right away (HAProxy's
            // turn-around: min(timeout connect, 1 s)).
            let at = self.now + self.balancers[b as usize].turnaround_us();
            let attempt = q.attempt;
            self.push(at, Event::RetryNow { r, attempt });
        } else {
            let deadline = q.deadline_us;
            self.send_attempt(r, b, slot, deadline);
        }
    }

    pub(super) fn on_retry_now(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let (b, slot, deadline) = (q.via.unwrap_or(0), q.target, q.deadline_us);
        let bal = &self.balancers[b as usize];
        if bal.eligible(slot as usize, self.now) || !bal.spec.redispatch {
            // HAProxy retries the same server...
            self.send_attempt(r, b, slot, deadline);
        } else {
            // ...unless it has been marked down meanwhile and redispatch is allowed.
            self.dispatch(r, Some(slot));
        }
    }

    pub(super) fn respond_client(&mut self, r: ReqRef, from: u32, status: Status) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        // Through a gateway, the answer goes back the way the request came.
        let (to, event) = match q.gateway.map(|g| self.gateway_node(g)) {
            Some(gw) if gw != from => (gw, Event::ResponseAtGateway { r, status }),
            _ => (
                self.client_node(q.client),
                Event::ResponseAtClient { r, status },
            ),
        };
        if self.topology.partitioned(from, to) {
            return; // dropped: the client waits for its timeout
        }
        let back = self.now + self.topology.latency_us(from, to);
        let kind = if status == Status::Ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        self.transfer(from, to, back, kind);
        self.push(back, event);
    }

    /// The one place a request ends: removed from the slab (so it cannot end twice) and
    /// counted once.
    pub(super) fn finish(&mut self, r: ReqRef, status: Status) {
        self.end_attempt(r);
        self.gateway_attempt_ended(r);
        let Some(q) = self.requests.remove(r) else {
            return;
        };
        if let Some(g) = q.gateway {
            let gw = &mut self.gateways[g as usize];
            gw.in_flight = gw.in_flight.saturating_sub(1);
        }
        let now = self.now;
        match status {
            Status::Ok => {
                self.metrics.on_success(now, now - q.start_us);
                if let Some(quota) = self.overload.quota.as_mut() {
                    quota.on_success(q.client_tries > 0);
                }
                if q.blame.is_some() {
                    self.metrics.attribution.saved_by_retry += 1;
                }
                if let Some(node) = q.blame {
                    if let Some(rec) = self.metrics.open_record(node) {
                        rec.saved_by_retry += 1;
                    }
                }
            }
            other => {
                let reason = match other {
                    Status::ServerError => FailureReason::ServerError,
                    Status::QueueFull => FailureReason::QueueFull,
                    Status::NoHealthyTarget => FailureReason::NoHealthyTarget,
                    Status::Refused => FailureReason::ConnectionRefused,
                    Status::Reset => FailureReason::CrashedInFlight,
                    Status::DnsFailure => FailureReason::DnsFailure,
                    Status::QueueTimeout => FailureReason::QueueTimeout,
                    Status::Timeout | Status::Ok => FailureReason::Timeout,
                };
                self.metrics.on_failure(now, reason);
                let blamed = q.blame.and_then(|n| self.metrics.open_record(n).map(|_| n));
                let target = blamed.or_else(|| {
                    self.metrics
                        .failures
                        .iter()
                        .rev()
                        .find(|f| f.is_open())
                        .map(|f| f.node)
                });
                // A request lost to an overloaded instance (a queue past the client's
                // timeout, or a busy instance whose checks timed out) is a capacity loss,
                // not a detection window: nothing was broken that a check could find.
                let overload = target
                    .and_then(|node| self.metrics.open_record(node))
                    .is_some_and(|rec| rec.is_overload());
                self.metrics
                    .attribute_failure(reason, !q.arrived_while_down, overload);
                if let Some(node) = target {
                    if let Some(rec) = self.metrics.open_record(node) {
                        rec.lost_requests += 1;
                    }
                }
            }
        }
    }
}
