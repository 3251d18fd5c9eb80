//! The overload presets (issue 13): redundancy without spare capacity, and retries that
//! multiply load. Built on `presets.rs`'s helpers; listed at the end of its catalogue.
use super::presets::{behind_one_balancer, gateway, haproxy_lb, instance, traffic};
use super::scenario::*;

pub const CASCADING_FAILURE: &str = "Three servers, each able to serve 400 requests/s (8 workers ÷ 20 ms), carry 960 requests/s: 80 % each, fine while all three run. Their health checks are answered by the same workers as the requests (an HTTP /health behind the request queue). At 20 s app-1 crashes: the other two now get 480/s each, 120 % of what they can serve, and their queues grow by 80 requests a second. The checks wait in those queues; once the wait passes the 1 s check timeout, three failures mark app-2 and app-3 DOWN, although nothing is broken but the load. With no healthy server left every request is refused (0 % availability). Marked down, they drain, pass their checks, come back, and are overloaded again. N servers for N servers' worth of load is not redundancy.";

pub const N_PLUS_ONE: &str = "The same 960 requests/s and the same checks behind the request queue, on four servers instead of three (N+1): 60 % each. When app-1 crashes at 20 s the other three carry 80 % each, under their capacity, so their queues stay short, their checks pass, and the balancer's retries (HAProxy retry-on conn-failure empty-response, with redispatch) send the requests app-1 had to the others: nothing is lost. The spare server is what makes the redundancy real: after losing one, the rest must still fit the load (utilisation below (n − 1)/n).";

pub const RETRY_STORM: &str = "Three layers each retry: the clients (AWS SDK standard mode, 3 attempts, without a retry quota), the gateway (2 retries of a 5xx or 504 on another balancer) and the balancers (HAProxy, 2 retries on response-timeout after 400 ms). One user request can become up to 3 × 3 × 3 = 27 attempts. A 5 s traffic spike at 20 s (900 → 1,500 requests/s, capacity 1,200) fills the queues past the balancers' 400 ms timeout: attempts time out and are retried while the abandoned ones stay queued and are still served. Retries then keep the servers overloaded long after the spike: watch retries per second by layer, and offered load far above capacity while almost nothing succeeds.";

pub const RETRY_BUDGET: &str = "The retry storm's system and spike, with the defences real systems use. The balancers keep an Envoy retry budget (retries in flight ≤ 20 % of requests in flight, at least 3); the gateway passes a 5xx back instead of retrying it (retry at one layer only, as the SRE book advises); the clients' SDK keeps its retry quota (500 tokens, 5 per retry, 10 after a timeout), which runs dry when retries mostly fail; and the servers drop work whose caller has already given up (deadline propagation). The spike still costs some requests, but the system comes back as soon as it ends.";

pub const MAXCONN_QUEUE: &str = "Three servers, each able to serve 400 requests/s (8 workers ÷ 20 ms), would take any number of requests into a long queue (10,000). HAProxy gives each one maxconn 8: at most 8 requests in service at a server, the rest wait at the balancer (its backend queue, \"queue N\" on lb-1) for a free slot, oldest first, and get a 503 after timeout queue (500 ms). From 20 s to 30 s the traffic jumps from 900 to 1,500 requests/s, 125 % of capacity. The servers keep working at their pace and every request they take is answered well within the clients' 1 s timeout; the 300 requests/s too many fail fast as \"queue timeout (503)\", and the system is back to normal the moment the spike ends. Compare: turn maxconn off (the balancer's inspector, or set lb-1 maxconn none): the excess now queues at the servers, waits pass the clients' timeout, the servers go on serving requests whose clients have left, and almost nothing succeeds until that backlog drains, long after the spike.";

/// Three servers with long queues behind an HAProxy with server `maxconn` (and `timeout
/// queue`), and a 10 s spike to 125 % of capacity.
pub fn maxconn_queue() -> Scenario {
    let apps = ["app-1", "app-2", "app-3"];
    let mut lb = haproxy_lb(&apps);
    lb.maxconn = Some(8);
    lb.timeout_queue_ms = Some(500);
    let mut t = traffic(900.0);
    t.timeout_ms = 1_000;
    t.profile = vec![
        RateStep {
            at_ms: 20_000,
            rate_rps: 1_500.0,
        },
        RateStep {
            at_ms: 30_000,
            rate_rps: 900.0,
        },
    ];
    let instances = apps
        .iter()
        .map(|name| Instance {
            queue_capacity: 10_000,
            ..instance(name)
        })
        .collect();
    behind_one_balancer(t, lb, instances, 60, Vec::new())
}

/// `n` servers behind one HAProxy whose checks wait in the servers' request queues.
fn shared_checks(n: usize) -> Scenario {
    let names: Vec<String> = (1..=n).map(|k| format!("app-{k}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut lb = haproxy_lb(&refs);
    lb.retry_on = vec![RetryOn::ConnFailure, RetryOn::EmptyResponse];
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        timeout_ms: Some(1_000),
        served_by: Some(CheckServedBy::RequestQueue),
        ..HealthCheck::default()
    });
    let instances = names
        .iter()
        .map(|name| Instance {
            queue_capacity: 10_000,
            ..instance(name)
        })
        .collect();
    behind_one_balancer(
        Traffic {
            timeout_ms: 2_000,
            ..traffic(960.0)
        },
        lb,
        instances,
        90,
        vec![Fault::new(20_000, FaultAction::Crash, "app-1")],
    )
}

pub fn cascading_failure() -> Scenario {
    shared_checks(3)
}

pub fn n_plus_one() -> Scenario {
    shared_checks(4)
}

/// Clients → gateway → two balancers → three servers, every layer retrying; a 5 s spike.
fn layered_retries(contained: bool) -> Scenario {
    let apps = ["app-1", "app-2", "app-3"];
    let lb = |name: &str| {
        let mut b = haproxy_lb(&apps);
        b.name = name.into();
        b.retries = 2;
        b.retry_on = vec![
            RetryOn::ConnFailure,
            RetryOn::EmptyResponse,
            RetryOn::ResponseTimeout,
            RetryOn::Status503,
        ];
        b.timeout_server_ms = 400;
        if contained {
            b.retry_budget = Some(RetryBudget::default());
        }
        b
    };
    let mut gw = gateway("gw-1", "", &["lb-1", "lb-2"]);
    gw.zone = None;
    gw.retries = 2;
    gw.retry_on_5xx = !contained;
    let mut t = traffic(900.0);
    t.timeout_ms = 1_000;
    t.profile = vec![
        RateStep {
            at_ms: 20_000,
            rate_rps: 1_500.0,
        },
        RateStep {
            at_ms: 25_000,
            rate_rps: 900.0,
        },
    ];
    t.client_retry = Some(ClientRetry {
        retry_quota_tokens: if contained { Some(500) } else { None },
        ..ClientRetry::default()
    });
    let instances = apps
        .iter()
        .map(|name| Instance {
            queue_capacity: 10_000,
            deadline_propagation: contained,
            ..instance(name)
        })
        .collect();
    Scenario {
        name: String::new(),
        description: String::new(),
        seed: 1,
        duration_s: 90,
        traffic: t,
        network: Network {
            latency_ms: 0.5,
            ..Network::default()
        },
        entry: "gw-1".into(),
        gateways: vec![gw],
        balancers: vec![lb("lb-1"), lb("lb-2")],
        instances,
        regions: Vec::new(),
        dns: None,
        database: None,
        costs: Costs::default(),
        faults: Vec::new(),
    }
}

pub fn retry_storm() -> Scenario {
    layered_retries(false)
}

pub fn retry_budget() -> Scenario {
    layered_retries(true)
}
