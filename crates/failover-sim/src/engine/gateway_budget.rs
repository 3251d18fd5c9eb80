//! The Envoy retry budget on a gateway's retries (its connect-failure retries and, with
//! `retry_on_5xx`, its 5xx retries): the same `Guard` as a balancer's (`retry_budget.rs`),
//! counted against the gateway's own requests in flight. A request's forward to a balancer is
//! open from `forward` until the balancer's answer (or the connect failure) reaches the
//! gateway, or the request ends; while a retry's forward is open it counts in the budget.
//! Without `retry_budget` on the gateway every retry is admitted as before.
use super::*;

impl Simulation {
    /// May gateway `g` retry now? Envoy: while its retries in flight stay under
    /// max(`min_retry_concurrency`, `budget_percent` % of its requests in flight).
    pub(super) fn gateway_retry_admitted(&mut self, g: u32) -> bool {
        let guard = &self.overload.gateway_guards[g as usize];
        if guard.budget.is_none() || guard.retry_allowed(self.gateways[g as usize].in_flight) {
            return true;
        }
        self.overload.gateway_guards[g as usize].retries_denied += 1;
        self.overload.metrics.budget_denied_total += 1;
        false
    }

    /// `r` was just forwarded by gateway `g`: a forward after the first is a retry in flight.
    pub(super) fn gateway_attempt_started(&mut self, r: ReqRef, g: u32) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        if q.gateway_tries > 1 {
            q.gateway_retry_open = true;
            self.overload.gateway_guards[g as usize].retries_active += 1;
        }
    }

    /// The gateway's current forward of `r` is over (answered, failed, or the request ended).
    pub(super) fn gateway_attempt_ended(&mut self, r: ReqRef) {
        let Some(q) = self.requests.get_mut(r) else {
            return;
        };
        if !q.gateway_retry_open {
            return;
        }
        q.gateway_retry_open = false;
        if let Some(g) = q.gateway {
            let guard = &mut self.overload.gateway_guards[g as usize];
            guard.retries_active = guard.retries_active.saturating_sub(1);
        }
    }

    /// Gateway `g`'s retries in flight (what its budget counts).
    pub fn gateway_retries_in_flight(&self, g: u32) -> u32 {
        self.overload.gateway_guards[g as usize].retries_active
    }

    /// Gateway `g`'s requests in flight (what its budget is a share of).
    pub fn gateway_requests_in_flight(&self, g: u32) -> u32 {
        self.gateways[g as usize].in_flight
    }

    /// Retries gateway `g`'s budget refused, in all.
    pub fn gateway_retries_denied(&self, g: u32) -> u64 {
        self.overload.gateway_guards[g as usize].retries_denied
    }
}
