//! Client arrivals (a Poisson process whose rate follows the traffic profile), client deadlines
//! (one sweep event for the earliest) and rate changes.
use super::*;

impl Simulation {
    pub(super) fn on_arrival(&mut self, gen: u32) {
        if gen != self.traffic.arrival_gen {
            return;
        }
        let id = self.traffic.take_request_id();
        let client = self.traffic.next_client();
        let deadline = self.after(self.traffic.timeout_us());
        // With DNS, each client goes where its (possibly stale) cached answer points.
        let (entry, resolve_us) = match self.entry {
            Entry::Dns => match self.resolve(client) {
                Some(found) => found,
                None => {
                    self.fail_resolution(id, client, deadline);
                    return;
                }
            },
            e => (e, 0),
        };
        let (gateway, via, target) = match entry {
            Entry::Gateway(g) => (Some(g), None, 0),
            Entry::Balancer(b) => (None, Some(b), 0),
            Entry::Instance(i) => (None, None, i),
            Entry::Dns => (None, None, 0),
        };
        let r = self.requests.insert(Request {
            id,
            client,
            start_us: self.now,
            deadline_us: deadline,
            gateway,
            gateway_tries: 0,
            via,
            target,
            attempt: 0,
            tries: 0,
            attempt_open: false,
            arrived_while_down: !self.system_up,
            blame: None,
            client_tries: 0,
            attempt_is_retry: false,
            gateway_retry_open: false,
        });
        self.metrics.on_sent(self.now);
        self.add_deadline(deadline, r);
        if let Some(g) = gateway {
            self.gateways[g as usize].in_flight += 1;
        }
        self.send_from_client(r, client, entry, resolve_us, TransferKind::Request);
        self.schedule_next_arrival();
    }

    /// Send request `r` from its client to its entry (after `resolve_us` of DNS lookup): a
    /// first try (`kind` Request) or a client retry (`kind` Retry).
    pub(super) fn send_from_client(
        &mut self,
        r: ReqRef,
        client: u32,
        entry: Entry,
        resolve_us: TimeUs,
        kind: TransferKind,
    ) {
        let entry_node = self.entry_node(entry);
        let from = self.client_node(client);
        let arrive = later(
            self.after(resolve_us),
            self.topology.latency_us(from, entry_node),
        );
        if self.topology.partitioned(from, entry_node) {
            // The packets are dropped: the client waits for its own timeout.
            if let Some(q) = self.requests.get_mut(r) {
                q.blame = Some(entry_node);
            }
            return;
        }
        match entry {
            Entry::Gateway(g) => {
                self.transfer(from, self.gateway_node(g), arrive, kind);
                self.push(arrive, Event::AtGateway(r));
            }
            Entry::Balancer(b) => {
                self.transfer(from, self.balancer_node(b), arrive, kind);
                self.push(arrive, Event::AtBalancer(r));
            }
            Entry::Instance(i) => {
                if let Some(q) = self.requests.get_mut(r) {
                    q.attempt = 1;
                    q.tries = 1;
                }
                self.transfer(from, self.instance_node(i), arrive, kind);
                self.push(arrive, Event::AtInstance { r, attempt: 1 });
            }
            Entry::Dns => {}
        }
    }

    /// Remember a client's deadline (`Deadlines` keeps them in time order cheaply, even
    /// after the client timeout changes mid-run).
    pub(super) fn add_deadline(&mut self, at: TimeUs, r: ReqRef) {
        self.deadlines.push(at, r);
        if self.sweep_at.is_none_or(|s| at < s) {
            self.sweep_at = Some(at);
            self.push(at, Event::DeadlineSweep);
        }
    }

    /// Time out every live request whose deadline has come, forget the ones that finished
    /// in time, and schedule the next sweep.
    pub(super) fn on_deadline_sweep(&mut self) {
        if self.sweep_at.is_some_and(|s| s > self.now) {
            return; // an older sweep, superseded by an earlier one that already ran
        }
        self.sweep_at = None;
        while let Some((at, r)) = self.deadlines.front() {
            if at <= self.now {
                self.deadlines.pop_front();
                if self.requests.get(r).is_some() && !self.retry_from_client(r, Status::Timeout) {
                    self.finish(r, Status::Timeout);
                }
            } else if self.requests.get(r).is_none() {
                self.deadlines.pop_front(); // finished in time: nothing to do
            } else {
                break;
            }
        }
        if let Some((at, _)) = self.deadlines.front() {
            self.sweep_at = Some(at);
            self.push(at, Event::DeadlineSweep);
        }
    }

    pub(super) fn on_rate_step(&mut self) {
        let Some(step) = self
            .traffic
            .spec
            .profile
            .get(self.traffic.next_step)
            .cloned()
        else {
            return;
        };
        self.traffic.next_step += 1;
        self.set_rate(step.rate_rps);
        if let Some(at) = self.traffic.next_step_at_us() {
            self.push(at.max(self.now), Event::RateStep);
        }
    }

    pub(super) fn set_rate(&mut self, rate_rps: f64) {
        self.traffic.rate_rps = rate_rps;
        self.traffic.arrival_gen = self.traffic.arrival_gen.wrapping_add(1);
        self.log(
            Some(CLIENTS_ID),
            LogKind::Info,
            format!("traffic now {rate_rps} requests/s"),
        );
        self.schedule_next_arrival();
    }
}
