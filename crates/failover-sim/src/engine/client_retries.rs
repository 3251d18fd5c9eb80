//! Client retries (AWS SDK standard mode, `client_retry.rs`): a request that failed at its
//! client — any error answer, or its own timeout — is sent again after a backoff, while
//! attempts and the retry quota last. The retry is the same user request (counted once in
//! `sent`, its latency from the first try) but a fresh entry in the slab: the abandoned try's
//! events go stale with its generation, and whatever it left queued downstream is still
//! served (wasted work) unless the instance drops it (`deadline_propagation`).
use super::*;
use crate::client_retry;
use crate::overload_metrics::RetryLayer;

impl Simulation {
    /// Retry `r` from its client instead of finishing it with `status`; true if so.
    pub(super) fn retry_from_client(&mut self, r: ReqRef, status: Status) -> bool {
        let Some(spec) = self.overload.client_retry.as_ref() else {
            return false;
        };
        let Some(q) = self.requests.get(r) else {
            return false;
        };
        let retry_no = q.client_tries + 1;
        if status == Status::Ok || status == Status::DnsFailure || retry_no >= spec.max_attempts {
            return false;
        }
        let delay = client_retry::backoff_us(spec, retry_no, &mut self.overload.retry_rng);
        if let Some(quota) = self.overload.quota.as_mut() {
            if !quota.try_acquire(status == Status::Timeout) {
                self.overload.metrics.quota_denied_total += 1;
                return false;
            }
        }
        self.end_attempt(r);
        self.gateway_attempt_ended(r);
        let Some(old) = self.requests.remove(r) else {
            return false;
        };
        if let Some(g) = old.gateway {
            let gw = &mut self.gateways[g as usize];
            gw.in_flight = gw.in_flight.saturating_sub(1);
        }
        let again = self.requests.insert(Request {
            deadline_us: NEVER_US, // set when it is sent
            gateway: None,
            gateway_tries: 0,
            via: None,
            target: 0,
            attempt: 0,
            tries: 0,
            attempt_open: false,
            attempt_is_retry: false,
            gateway_retry_open: false,
            client_tries: retry_no,
            ..old
        });
        self.push(self.after(delay), Event::ClientRetry(again));
        true
    }

    /// The backoff is over: the client sends the request again, as on arrival (its DNS
    /// answer, its entry), with a fresh timeout.
    pub(super) fn on_client_retry(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get(r) else {
            return;
        };
        let client = q.client;
        self.count_retry(RetryLayer::Client);
        self.metrics.on_retry(self.now);
        let deadline = self.after(self.traffic.timeout_us());
        if let Some(q) = self.requests.get_mut(r) {
            q.deadline_us = deadline;
        }
        self.add_deadline(deadline, r);
        let (entry, resolve_us) = match self.entry {
            Entry::Dns => match self.resolve(client) {
                Some(found) => found,
                None => {
                    self.finish(r, Status::DnsFailure);
                    return;
                }
            },
            e => (e, 0),
        };
        if let Some(q) = self.requests.get_mut(r) {
            match entry {
                Entry::Gateway(g) => q.gateway = Some(g),
                Entry::Balancer(b) => q.via = Some(b),
                Entry::Instance(i) => q.target = i,
                Entry::Dns => {}
            }
        }
        if let Entry::Gateway(g) = entry {
            self.gateways[g as usize].in_flight += 1;
        }
        self.send_from_client(r, client, entry, resolve_us, TransferKind::Retry);
    }
}
