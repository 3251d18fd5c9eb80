//! A `set` on an overload option during a run (`params_overload.rs`): most options are read
//! from the node's spec where they act, so installing the spec is enough. These are the
//! copies the engine keeps apart from the specs, brought up to date after each change: a
//! balancer's retry budget and circuit breakers (its `Guard`, whose counters of attempts in
//! flight stay), the client retries and their retry quota (what was spent stays spent), the
//! gateways' specs, and whether the log tells the cascade. So a `set` at time 0 runs as the
//! scenario file with the field changed would, and a `set` later is replayed exactly from the
//! link, as every command is.
use super::overload::any_overload_option;
use super::*;
use crate::client_retry::RetryQuota;
use crate::scenario::ResolvedCheck;

/// Whether a balancer's checks must be rescheduled after a change: not when only who
/// answers a check (`served_by`) or what a failure does (`liveness`) changed, as both are
/// read at each check; a restart would draw every check's phase again.
pub(super) fn check_schedule_changed(
    before: Option<ResolvedCheck>,
    after: Option<ResolvedCheck>,
) -> bool {
    let schedule = |c: Option<ResolvedCheck>| {
        c.map(|c| ResolvedCheck {
            served_by_queue: false,
            liveness: false,
            ..c
        })
    };
    schedule(before) != schedule(after)
}

impl Simulation {
    /// Balancer `b`'s spec changed: its guard takes the new budget and breaker limits.
    pub(super) fn refresh_guard(&mut self, b: u32) {
        let spec = &self.balancers[b as usize].spec;
        let (budget, breaker) = (spec.retry_budget.clone(), spec.circuit_breaker.clone());
        let g = &mut self.overload.guards[b as usize];
        g.budget = budget;
        g.breaker = breaker;
        self.refresh_overload_on();
    }

    /// The traffic spec changed: the client retries and their quota follow it.
    pub(super) fn refresh_client_retry(&mut self) {
        let next = self.traffic.spec.client_retry.clone();
        let tokens = next.as_ref().and_then(|c| c.retry_quota_tokens);
        self.overload.quota = match (self.overload.quota.as_ref(), tokens) {
            (_, None) => None,
            (Some(q), Some(t)) => Some(q.resized(t)),
            (None, Some(t)) => Some(RetryQuota::new(t)),
        };
        self.overload.client_retry = next;
        self.refresh_overload_on();
    }

    /// An option switched on during the run: from now on the log tells the cascade as it
    /// would have from the start. (Switched off again, the telling goes on: it only reads.)
    pub(super) fn refresh_overload_on(&mut self) {
        if !self.overload.on && any_overload_option(&self.scenario) {
            self.overload.on = true;
        }
    }

    /// `set` on gateway `g`: its spec (retries, connect timeout, `retry_on_5xx`, passive
    /// health) is read where it acts, so installing it is the whole change.
    pub(super) fn apply_gateway_set(&mut self, g: u32, f: &Fault) {
        let (Some(param), Some(value)) = (f.param.as_deref(), f.value.as_ref()) else {
            return;
        };
        let node = self.gateway_node(g);
        let name = self.gateways[g as usize].name.clone();
        let mut spec = self.gateways[g as usize].spec.clone();
        match crate::params_overload::apply_gateway(&mut spec, param, value) {
            Ok(()) => {
                // The gateway's retry-budget guard keeps its in-flight counts; only its
                // limits change.
                self.overload.gateway_guards[g as usize].budget = spec.retry_budget.clone();
                self.scenario.gateways[g as usize] = spec.clone();
                self.gateways[g as usize].spec = spec;
                self.refresh_overload_on();
                self.log(
                    Some(node),
                    LogKind::Info,
                    format!("{name}: {param} = {value}"),
                );
            }
            Err(e) => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {param} unchanged ({e})"),
            ),
        }
    }
}
