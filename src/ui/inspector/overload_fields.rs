//! The inspector's overload groups (issue 13), each option with its vendor's name on hover:
//! "Overload protection" (Envoy's retry budget and circuit breakers, who answers the health
//! check, Kubernetes liveness; load shedding and deadline propagation on instances),
//! "Client retries" (AWS SDK standard mode), "Rollout" (a canary's batches) and a gateway's
//! parameters (Envoy route retries). An option is switched on or off by its own name and
//! its fields show while it is on; every change is the same `set` command a link replays.
use super::{num, FieldSpec, Input};
use crate::sim::scenario::{Balancer, CheckServedBy, Gateway, Instance, RolloutPolicy, Traffic};

/// A titled group of fields under the inspector's main parameters.
pub(super) struct Group {
    pub title: &'static str,
    pub hint: &'static str,
    pub fields: Vec<FieldSpec>,
}

pub(super) fn switch(param: &'static str, label: &'static str, on: bool, help: &str) -> FieldSpec {
    FieldSpec {
        param,
        label,
        help: help.to_string(),
        value: on.to_string(),
        input: Input::Switch,
        disabled: false,
        note: None,
    }
}

pub(super) fn select(
    param: &'static str,
    label: &'static str,
    value: &str,
    options: &[(&'static str, &str)],
    help: &str,
) -> FieldSpec {
    FieldSpec {
        param,
        label,
        help: help.to_string(),
        value: value.to_string(),
        input: Input::Select(options.iter().map(|(v, l)| (*v, l.to_string())).collect()),
        disabled: false,
        note: None,
    }
}

pub(super) fn balancer_overload(b: &Balancer) -> Group {
    let mut v = vec![switch("retry_budget", "Retry budget", b.retry_budget.is_some(),
        "Envoy `retry_budget` (circuit_breakers.thresholds): a retry is made only while the retries in flight stay under budget_percent of the requests in flight (or under min_retry_concurrency). Off: every configured retry is made, and retries multiply load in an overload. On: Envoy's defaults, 20 % and 3.")];
    if let Some(rb) = &b.retry_budget {
        v.push(num("retry_budget.budget_percent", "Retries at most", "%", rb.budget_percent.to_string(),
            "Envoy `retry_budget.budget_percent`, default 20 %: retries in flight as a share of the requests in flight."));
        v.push(num("retry_budget.min_retry_concurrency", "Retries always allowed", "", rb.min_retry_concurrency.to_string(),
            "Envoy `retry_budget.min_retry_concurrency`, default 3: retries in flight allowed whatever the share."));
    }
    v.push(switch("circuit_breaker", "Circuit breaker", b.circuit_breaker.is_some(),
        "Envoy `circuit_breakers`: over a limit the balancer fails fast (503, Envoy's `overflow`) instead of adding load to busy servers. On: Envoy's defaults (1024 connections, pending and requests; 3 retries)."));
    if let Some(cb) = &b.circuit_breaker {
        for (param, label, value, help) in [
            ("circuit_breaker.max_connections", "Connections at most", cb.max_connections,
             "Envoy `max_connections`, default 1024: connections to the upstream cluster (one request each on HTTP/1.1)."),
            ("circuit_breaker.max_pending_requests", "Waiting at most", cb.max_pending_requests,
             "Envoy `max_pending_requests`, default 1024: requests waiting for a connection from the pool; past max_connections + this, refused at once."),
            ("circuit_breaker.max_requests", "Requests at most", cb.max_requests,
             "Envoy `max_requests`, default 1024: requests in flight to the cluster."),
            ("circuit_breaker.max_retries", "Retries in flight at most", cb.max_retries,
             "Envoy `max_retries`, default 3: retries in flight to the cluster; past it a retry is not made."),
        ] {
            v.push(num(param, label, "", value.to_string(), help));
        }
    }
    v.push(num("maxconn", "Requests per server at most", "", b.maxconn.map(|m| m.to_string()).unwrap_or_default(),
        "HAProxy server `maxconn` (no limit by default): at most this many requests in service at each server; the rest wait at the balancer (its backend queue) and get 503 after `timeout queue`, instead of queueing at the servers past the clients' timeout. Empty: no limit."));
    if b.maxconn.is_some() {
        v.push(num("timeout_queue_ms", "Queue timeout", "ms", b.timeout_queue_ms.map(|t| t.to_string()).unwrap_or_default(),
            "HAProxy `timeout queue`: a request still waiting at the balancer after this is answered 503 (queue timeout). Empty: `timeout connect`, as HAProxy does without it."));
        v.push(num("maxqueue", "Waiting per server at most", "", b.maxqueue.to_string(),
            "HAProxy server `maxqueue`, default 0 (no limit): requests that may wait in one server's own queue; past it they wait in the backend queue for any server."));
    }
    if let Some(hc) = &b.health_check {
        let by = hc.served_by.unwrap_or_default();
        v.push(select("health_check.served_by", "Who answers the check", by.name(), &[
            (CheckServedBy::DedicatedListener.name(), "a separate listener, at once"),
            (CheckServedBy::RequestQueue.name(), "the workers, behind the queue"),
        ], "A dedicated health port or thread (HAProxy `port`/`addr` on the check, a sidecar) answers at once whatever the load; an HTTP `/health` served by the application waits behind the queued requests, so under overload it times out and a healthy but busy instance is marked down."));
        v.push(switch("health_check.liveness", "Restart on failed checks", hc.liveness,
            "Kubernetes `livenessProbe`: after failureThreshold (fall) failures the kubelet restarts the container; a readiness probe only takes it out of rotation. Under overload: restart loops."));
    }
    Group {
        title: "Overload protection",
        hint: "What stops retries and busy servers from turning one failure into an outage.",
        fields: v,
    }
}

pub(super) fn balancer_rollout(b: &Balancer) -> Group {
    let r = b.rollout.clone().unwrap_or_default();
    let defaults = RolloutPolicy::default();
    let mut batch = num("rollout.batch_size", "Instances per batch", "", r.batch_size.to_string(),
        "AWS CodeDeploy `minimum healthy hosts` / Argo Rollouts `setWeight` steps: how many targets a `canary` command changes per batch (the first batch is the canary). Default 1.");
    let bake = num("rollout.bake_ms", "Bake time", "ms", r.bake_ms.to_string(),
        "Argo Rollouts `pause`, CodeDeploy's wait between batches (30 s here): the health checks must be able to fail within it, or the next batch goes out before the bad one is noticed.");
    if b.rollout.is_none() {
        batch.note = Some(format!(
            "Defaults ({} per batch, {} s bake) until one is changed.",
            defaults.batch_size,
            defaults.bake_ms / 1_000
        ));
    }
    Group {
        title: "Rollout",
        hint: "How a canary command rolls a configuration out, batch by batch, halted when a changed target leaves rotation.",
        fields: vec![batch, bake],
    }
}

pub(super) fn instance_overload(i: &Instance) -> Group {
    Group {
        title: "Overload protection",
        hint: "Refuse or drop work that can no longer help anyone.",
        fields: vec![
            switch("load_shedding", "Shed load early", i.load_shedding,
                "Load shedding (Google SRE book, \"Handling Overload\"): answer 503 at once when a request's expected wait in the queue already passes what is left of its client's deadline, instead of serving it too late."),
            switch("deadline_propagation", "Drop work whose caller gave up", i.deadline_propagation,
                "gRPC deadline propagation: a queued request whose caller gave up (client timeout, balancer timeout, retried elsewhere) is dropped when a worker reaches it, not served (wasted work)."),
        ],
    }
}

pub(super) fn client_retries(t: &Traffic) -> Group {
    let mut v = vec![switch("client_retry", "Clients retry", t.client_retry.is_some(),
        "AWS SDK standard retry mode: a failed request (5xx, refused, reset, timed out) is retried after an exponential backoff with full jitter, paid from a retry quota. On: the SDK's defaults (3 attempts, 100 ms base, 20 s cap, full jitter, 500 tokens).")];
    if let Some(c) = &t.client_retry {
        v.push(num(
            "client_retry.max_attempts",
            "Attempts at most",
            "",
            c.max_attempts.to_string(),
            "AWS SDK `max_attempts`, default 3: attempts in all, the first one included.",
        ));
        v.push(num("client_retry.backoff_base_ms", "Backoff base", "ms", c.backoff_base_ms.to_string(),
            "AWS SDK base delay, default 100 ms: the k-th retry waits up to min(cap, base × 2^(k−1))."));
        v.push(num(
            "client_retry.backoff_cap_ms",
            "Backoff cap",
            "ms",
            c.backoff_cap_ms.to_string(),
            "AWS SDK `max_backoff`, default 20 s: the longest wait before a retry.",
        ));
        v.push(select("client_retry.jitter", "Jitter", c.jitter.name(), &[
            ("full", "full: a random wait below the backoff"),
            ("none", "none: exactly the backoff (retries in waves)"),
        ], "AWS Builders' Library \"Timeouts, retries and backoff with jitter\": full jitter spreads the retries of one failure; without it they arrive together, in waves."));
        v.push(num("client_retry.retry_quota_tokens", "Retry quota", "tokens",
            c.retry_quota_tokens.map(|q| q.to_string()).unwrap_or_default(),
            "AWS SDK retry quota, default 500 tokens: a retry costs 5 (10 after a timeout), a success gives 1 back; an empty bucket stops retrying during an outage. Empty: no quota."));
    }
    Group {
        title: "Client retries",
        hint: "Retries by the callers themselves, on top of the gateway's and the balancers'.",
        fields: v,
    }
}

pub(super) fn gateway_fields(g: &Gateway) -> Vec<FieldSpec> {
    let mut v = vec![
        num("retries", "Retries", "", g.retries.to_string(),
            "Envoy route `retry_policy.num_retries` (default 1 here): more balancers tried after the first."),
        switch("retry_on_5xx", "Retry 5xx answers", g.retry_on_5xx,
            "Envoy `retry_on: 5xx`: a 5xx or 504 answer from a balancer is retried on another one, not only a failed connection (one more retrying layer: retries multiply)."),
        num("timeout_connect_ms", "Connect timeout", "ms", g.timeout_connect_ms.to_string(),
            "Envoy cluster `connect_timeout` (5 s): how long a balancer that does not answer is waited for."),
        num("passive.max_fails", "Max fails", "", g.passive.max_fails.to_string(),
            "Envoy outlier detection / NGINX `max_fails` (1): failed connections that take a balancer out."),
        num("passive.fail_timeout_ms", "Fail timeout", "ms", g.passive.fail_timeout_ms.to_string(),
            "NGINX `fail_timeout` (10 s): how long a balancer that failed stays out."),
    ];
    v.push(switch("retry_budget", "Retry budget", g.retry_budget.is_some(),
        "Envoy `retry_budget` on the gateway's retries (connect failures and, with retry_on_5xx, 5xx): a retry is made only while its retries in flight stay under budget_percent of its requests in flight (or under min_retry_concurrency). On: Envoy's defaults, 20 % and 3."));
    if let Some(rb) = &g.retry_budget {
        v.push(num("retry_budget.budget_percent", "Retries at most", "%", rb.budget_percent.to_string(),
            "Envoy `retry_budget.budget_percent`, default 20 %: retries in flight as a share of the requests in flight through the gateway."));
        v.push(num("retry_budget.min_retry_concurrency", "Retries always allowed", "", rb.min_retry_concurrency.to_string(),
            "Envoy `retry_budget.min_retry_concurrency`, default 3: retries in flight allowed whatever the share."));
    }
    v
}
