//! HAProxy server `maxconn` with `timeout queue` and `maxqueue` (`server_queue.rs` holds the
//! queues): the engine's hooks. Opt-in: a balancer without `maxconn` never queues, so every
//! hook is a test of `maxconn` (and of an empty deque) and existing runs keep their traces.
//!
//! - `send_attempt` asks `queue_if_server_full`: a request bound to a full server waits in
//!   that server's queue (or the backend queue past `maxqueue`).
//! - A pick that found no server with room (`queue_if_all_full`): the backend queue.
//! - `end_attempt` frees a slot (`slot_freed`): the oldest waiting request takes it.
//! - `dispatch` first moves the backend queue on (`pump_backend`): a server back in
//!   rotation, or a raised `maxconn`, has room that no finished request announced.
//! - `QueueTimeout`: still waiting after `timeout queue`, the request is answered 503.
use super::*;
use crate::server_queue::{self, BackendQueues, Place, Waiting};

impl Simulation {
    pub(super) fn new_queues(s: &Scenario) -> Vec<BackendQueues> {
        s.balancers
            .iter()
            .map(|b| BackendQueues::new(b.targets.len()))
            .collect()
    }

    /// Whether a queue entry's request is still waiting: alive and not moved on since (a
    /// request taken from the queue, answered or retried has a newer attempt counter).
    fn still_waiting(requests: &RequestSlab, w: &Waiting) -> bool {
        requests
            .get(w.r)
            .is_some_and(|q| q.attempt == w.wait && !q.attempt_open)
    }

    /// Requests waiting at balancer `b` now (its queues, every server's and the backend's).
    pub fn queued_at(&self, b: u32) -> u32 {
        let requests = &self.requests;
        self.queues[b as usize].waiting(|w| Self::still_waiting(requests, w))
    }

    /// The start of a balancer's line in the diagram when it has `maxconn`: "queue 12 ·
    /// 340 queue timeouts (503) · " (what waits now, and what waited too long so far).
    pub fn queue_detail(&self, b: u32) -> String {
        if self.balancers[b as usize].spec.maxconn.is_none() && self.queues[b as usize].is_empty() {
            return String::new();
        }
        format!(
            "queue {} · {} queue timeouts (503) · ",
            self.queued_at(b),
            self.queue_timeouts_at(b)
        )
    }

    /// The requests waiting at balancer `b` now, queue by queue, oldest first (tests, and
    /// anything that wants to show who waits where).
    pub fn waiting_list(&self, b: u32) -> Vec<(Place, Waiting)> {
        let qs = &self.queues[b as usize];
        let live = |w: &&Waiting| Self::still_waiting(&self.requests, w);
        let mut out: Vec<(Place, Waiting)> = qs
            .backend
            .iter()
            .filter(live)
            .map(|w| (Place::Backend, *w))
            .collect();
        for (slot, q) in qs.servers.iter().enumerate() {
            out.extend(
                q.iter()
                    .filter(live)
                    .map(|w| (Place::Server(slot as u32), *w)),
            );
        }
        out
    }

    /// Requests balancer `b` answered 503 after `timeout queue`, in all.
    pub fn queue_timeouts_at(&self, b: u32) -> u64 {
        self.queues[b as usize].timed_out_total
    }

    /// The queues of balancer `b` (counters for tests and the inspector).
    pub fn backend_queues(&self, b: u32) -> &BackendQueues {
        &self.queues[b as usize]
    }

    /// Requests in service at target `slot` of balancer `b` (what `maxconn` bounds).
    pub fn in_service_at(&self, b: u32, slot: u32) -> u32 {
        self.balancers[b as usize].targets[slot as usize].active
    }

    /// `send_attempt`'s gate: target `slot` is at `maxconn`, so `r` waits for it (true).
    pub(super) fn queue_if_server_full(&mut self, r: ReqRef, b: u32, slot: u32) -> bool {
        let bal = &self.balancers[b as usize];
        if !server_queue::full(&bal.spec, bal.targets[slot as usize].active) {
            return false;
        }
        let maxqueue = bal.spec.maxqueue;
        let requests = &self.requests;
        let room = maxqueue == 0
            || self.queues[b as usize]
                .waiting_in(Place::Server(slot), |w| Self::still_waiting(requests, w))
                < maxqueue;
        // Past `maxqueue` the request is no longer bound to its server (HAProxy redispatches
        // it): it waits for whichever server frees a slot first.
        let place = if room {
            Place::Server(slot)
        } else {
            Place::Backend
        };
        self.enqueue(r, b, place);
        true
    }

    /// The pick found no server: if that is because every server in rotation is at
    /// `maxconn`, `r` waits in the backend queue (true); otherwise there is no healthy target.
    pub(super) fn queue_if_all_full(&mut self, r: ReqRef, b: u32) -> bool {
        let bal = &self.balancers[b as usize];
        if bal.spec.maxconn.is_none() {
            return false;
        }
        let now = self.now;
        let mut in_rotation = (0..bal.targets.len()).filter(|&s| bal.eligible(s, now));
        let any = in_rotation.clone().next().is_some();
        if !any || !in_rotation.all(|s| server_queue::full(&bal.spec, bal.targets[s].active)) {
            return false;
        }
        self.enqueue(r, b, Place::Backend);
        true
    }

    fn enqueue(&mut self, r: ReqRef, b: u32, place: Place) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        // A new wait number: the entry is live exactly while the request keeps it.
        q.attempt += 1;
        let wait = q.attempt;
        let at = self.now + server_queue::timeout_queue_us(&self.balancers[b as usize].spec);
        self.queues[b as usize].push(
            place,
            Waiting {
                r,
                wait,
                since_us: self.now,
            },
        );
        self.push(at, Event::QueueTimeout { r, attempt: wait });
        let qs = &mut self.queues[b as usize];
        qs.episode = true;
        if !qs.start_told {
            qs.start_told = true;
            let bal = &self.balancers[b as usize];
            let text = format!(
                "{}: every server at maxconn={} requests; new requests wait in its queue (HAProxy `timeout queue` {}, then 503) instead of piling up at the servers",
                bal.name,
                bal.spec.maxconn.unwrap_or(0),
                fmt_duration(server_queue::timeout_queue_us(&bal.spec)),
            );
            let node = self.balancer_node(b);
            self.log(Some(node), LogKind::Info, text);
        }
    }

    /// `timeout queue` reached: a request still waiting is answered 503 by the balancer.
    pub(super) fn on_queue_timeout(&mut self, r: ReqRef, wait: u32) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        if q.attempt != wait || q.attempt_open {
            return; // a server took it (or it moved on) in time
        }
        let Some(b) = q.via else {
            return;
        };
        // Its queue entry goes stale: it is not served after its answer.
        q.attempt += 1;
        if self.balancers[b as usize].state != BalancerState::Up {
            return; // a dead or silent balancer answers nothing: the client times out
        }
        let node = self.balancer_node(b);
        if let Some(q) = self.requests.get_mut(r) {
            q.blame.get_or_insert(node);
        }
        let qs = &mut self.queues[b as usize];
        qs.timed_out_total += 1;
        if !qs.timeout_told {
            qs.timeout_told = true;
            let bal = &self.balancers[b as usize];
            let text = format!(
                "{}: a request waited timeout queue={} for a server under maxconn={} and got 503 (queue timeout): the excess fails fast while the servers keep working at their pace",
                bal.name,
                fmt_duration(server_queue::timeout_queue_us(&bal.spec)),
                bal.spec.maxconn.unwrap_or(0),
            );
            self.log(Some(node), LogKind::Fault, text);
        }
        self.respond_client(r, node, Status::QueueTimeout);
        self.note_queue_episode_end(b);
    }

    /// A request left target `slot` of balancer `b`: the oldest waiting request takes the
    /// slot (its server's queue first, then the backend queue if the server is in rotation).
    pub(super) fn slot_freed(&mut self, b: u32, slot: u32) {
        let bal = &self.balancers[b as usize];
        if bal.spec.maxconn.is_none()
            || server_queue::full(&bal.spec, bal.targets[slot as usize].active)
        {
            return;
        }
        let backend_ok = bal.eligible(slot as usize, self.now);
        let requests = &self.requests;
        let taken = self.queues[b as usize]
            .take_for(slot, backend_ok, |w| Self::still_waiting(requests, w));
        if let Some(w) = taken {
            self.serve_from_queue(w, b, slot);
        }
        self.note_queue_episode_end(b);
    }

    /// Before a new pick: requests already waiting in the backend queue go first to any
    /// server with room (oldest first), so a newcomer never overtakes them.
    pub(super) fn pump_backend(&mut self, b: u32) {
        loop {
            let requests = &self.requests;
            let Some(w) =
                self.queues[b as usize].backend_front(|w| Self::still_waiting(requests, w))
            else {
                break;
            };
            let client = self.requests.get(w.r).map_or(0, |q| q.client);
            let now = self.now;
            let bal = &mut self.balancers[b as usize];
            let Some(slot) = bal.pick(client, None, now) else {
                break;
            };
            if server_queue::full(&bal.spec, bal.targets[slot as usize].active) {
                break; // a hash picks its server even when full: it stays queued
            }
            self.queues[b as usize].pop_backend();
            self.serve_from_queue(w, b, slot);
        }
        self.note_queue_episode_end(b);
    }

    fn serve_from_queue(&mut self, w: Waiting, b: u32, slot: u32) {
        let Some(q) = self.requests.get_mut(w.r) else {
            return;
        };
        // Taken: its timeout event is stale from here on, whatever `send_attempt` does.
        q.attempt += 1;
        let deadline = q.deadline_us;
        let qs = &mut self.queues[b as usize];
        qs.served_total += 1;
        qs.longest_served_wait_us = qs.longest_served_wait_us.max(self.now - w.since_us);
        self.send_attempt(w.r, b, slot, deadline);
    }

    /// Every queue of `b` is empty again: the episode is over (told in the log).
    fn note_queue_episode_end(&mut self, b: u32) {
        let qs = &mut self.queues[b as usize];
        if !qs.episode || !qs.is_empty() {
            return;
        }
        qs.episode = false;
        if !qs.timeout_told {
            return; // a burst that waited a moment and was served: nothing to tell
        }
        qs.timeout_told = false;
        qs.start_told = false;
        let text = format!(
            "{}: its queue is empty again ({} waited so far, {} of them got 503 after timeout queue)",
            self.balancers[b as usize].name, qs.queued_total, qs.timed_out_total
        );
        let node = self.balancer_node(b);
        self.log(Some(node), LogKind::Recovery, text);
    }
}
