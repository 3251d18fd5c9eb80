#![cfg(not(target_arch = "wasm32"))]
//! HAProxy server `maxconn`, `timeout queue` and `maxqueue` (issue 13) against the HAProxy
//! configuration manual: never more than `maxconn` requests in service at a server; a freed
//! slot goes to the oldest waiting request; a request still waiting after `timeout queue`
//! (`timeout connect` when unset) gets a 503 at exactly that moment; `maxqueue` bounds a
//! server's own queue. And the Envoy retry budget on a gateway's retries. Every option is
//! opt-in: without it the run is the same event for event.
mod common;
use common::*;
use failover_sim::limits::MAX_SERVER_MAXCONN;
use failover_sim::metrics::FailureReason;
use failover_sim::overload_spec::RetryBudget;
use failover_sim::scenario::*;
use failover_sim::server_queue::{Place, Waiting};
use failover_sim::time::{TimeUs, US_PER_S};
use failover_sim::Simulation;

const MS: TimeUs = 1_000;

/// Never more requests in service at a server than its `maxconn`, checked after every event
/// through the spike of the `maxconn-queue` preset (which does queue, and does time out).
#[test]
fn never_more_than_maxconn_in_service_at_a_server() {
    let s = preset("maxconn-queue");
    let maxconn = s.balancers[0].maxconn.expect("the preset sets maxconn");
    let mut sim = Simulation::new(&s).expect("valid");
    sim.run_for(19 * US_PER_S);
    let mut peak = 0;
    while sim.now_us() < 24 * US_PER_S && sim.step() {
        for slot in 0..3 {
            let n = sim.in_service_at(0, slot);
            assert!(
                n <= maxconn,
                "{n} in service at slot {slot} (maxconn {maxconn})"
            );
            peak = peak.max(n);
        }
    }
    // The limit is reached (the servers are kept busy) and the excess waited.
    assert_eq!(peak, maxconn);
    let q = sim.backend_queues(0);
    assert!(q.queued_total > 1_000, "queued: {}", q.queued_total);
    assert!(q.timed_out_total > 100, "timed out: {}", q.timed_out_total);
}

fn key(w: &Waiting) -> (u32, u32, u32) {
    (w.r.slot, w.r.gen, w.wait)
}

/// FIFO: whatever leaves a queue (taken by a server, or timed out) is its oldest entries.
/// Compared before and after every event: the entries gone are a prefix of the queue.
#[test]
fn the_oldest_waiting_request_is_served_first() {
    let s = preset("maxconn-queue");
    let mut sim = Simulation::new(&s).expect("valid");
    sim.run_for(20 * US_PER_S);
    let mut served_checked = 0;
    while sim.now_us() < 22 * US_PER_S {
        let before = sim.waiting_list(0);
        let served_before = sim.backend_queues(0).served_total;
        if !sim.step() {
            break;
        }
        let after: Vec<(u32, u32, u32)> = sim.waiting_list(0).iter().map(|(_, w)| key(w)).collect();
        let gone: Vec<bool> = before
            .iter()
            .map(|(_, w)| !after.contains(&key(w)))
            .collect();
        // Within each queue, once an entry stays, no younger one may have left.
        for place in before.iter().map(|(p, _)| *p) {
            let mut stayed = false;
            for ((p, w), g) in before.iter().zip(&gone) {
                if *p != place {
                    continue;
                }
                assert!(
                    !(stayed && *g),
                    "{place:?}: a request queued at {} µs left before an older one",
                    w.since_us
                );
                stayed |= !g;
            }
        }
        served_checked += sim.backend_queues(0).served_total - served_before;
    }
    assert!(
        served_checked > 500,
        "served from the queue: {served_checked}"
    );
}

/// One server that takes one request at a time for 10 s: everyone else waits, and after
/// exactly `timeout_queue_ms` (integer ms from the moment it joined the queue) gets a 503.
fn one_slow_server(timeout_queue_ms: Option<u64>) -> Scenario {
    let mut lb = plain_lb("lb-1", &["app-1"], Algorithm::RoundRobin);
    lb.maxconn = Some(1);
    lb.timeout_queue_ms = timeout_queue_ms;
    lb.timeout_connect_ms = 300;
    let mut app = instance("app-1", 1, 10_000.0);
    app.service_time.distribution = Distribution::Constant;
    scenario(20.0, vec![lb], vec![app], "lb-1")
}

/// (queue timeouts seen, the wait of each: now − time it joined the queue).
fn queue_timeout_waits(s: &Scenario) -> Vec<TimeUs> {
    let mut sim = Simulation::with_seed(s, 5).expect("valid");
    let mut waits = Vec::new();
    while sim.now_us() < 20 * US_PER_S {
        let before = sim.waiting_list(0);
        let (served, timed_out) = {
            let q = sim.backend_queues(0);
            (q.served_total, q.timed_out_total)
        };
        if !sim.step() {
            break;
        }
        let q = sim.backend_queues(0);
        let new_timeouts = q.timed_out_total - timed_out;
        if new_timeouts == 0 {
            continue;
        }
        assert_eq!(
            q.served_total, served,
            "nothing is served in the same event"
        );
        let after: Vec<_> = sim.waiting_list(0).iter().map(|(_, w)| key(w)).collect();
        let left: Vec<&Waiting> = before
            .iter()
            .map(|(_, w)| w)
            .filter(|w| !after.contains(&key(w)))
            .collect();
        assert_eq!(left.len() as u64, new_timeouts);
        waits.extend(left.iter().map(|w| sim.now_us() - w.since_us));
    }
    // Every queue timeout reaches its client as the `queue_timeout` reason; the 503 answered
    // in the loop's last event may still be on its way (a zero-latency hop is still an event).
    let (failed, timed_out) = (
        sim.metrics().failed[FailureReason::QueueTimeout.index()],
        sim.queue_timeouts_at(0),
    );
    assert!(
        failed <= timed_out && timed_out - failed <= 1,
        "{failed} queue_timeout failures for {timed_out} queue timeouts"
    );
    waits
}

#[test]
fn a_request_waiting_longer_than_timeout_queue_gets_503_at_exactly_that_time() {
    let waits = queue_timeout_waits(&one_slow_server(Some(250)));
    assert!(waits.len() > 300, "timeouts: {}", waits.len());
    assert!(waits.iter().all(|&w| w == 250 * MS), "waits: {waits:?}");
    // Unset, HAProxy uses `timeout connect` (300 ms here).
    let waits = queue_timeout_waits(&one_slow_server(None));
    assert!(waits.len() > 300);
    assert!(waits.iter().all(|&w| w == 300 * MS), "waits: {waits:?}");
}

/// A hash binds each client to its server: a full server's requests wait in its own queue,
/// at most `maxqueue` of them; past that they go to the backend queue.
#[test]
fn maxqueue_bounds_a_servers_own_queue() {
    let apps = ["app-1", "app-2"];
    let mut lb = plain_lb("lb-1", &apps, Algorithm::ConsistentHash);
    lb.maxconn = Some(1);
    lb.maxqueue = 2;
    lb.timeout_queue_ms = Some(2_000);
    let s = scenario(
        200.0,
        vec![lb],
        apps.iter().map(|a| instance(a, 1, 50.0)).collect(),
        "lb-1",
    );
    let mut sim = Simulation::with_seed(&s, 9).expect("valid");
    let (mut peak_server, mut peak_backend) = (0, 0);
    while sim.now_us() < 10 * US_PER_S && sim.step() {
        let list = sim.waiting_list(0);
        for slot in 0..2 {
            let n = list
                .iter()
                .filter(|(p, _)| *p == Place::Server(slot))
                .count();
            assert!(n <= 2, "server {slot} queue holds {n} (maxqueue 2)");
            peak_server = peak_server.max(n);
        }
        peak_backend = peak_backend.max(list.iter().filter(|(p, _)| *p == Place::Backend).count());
    }
    assert_eq!(peak_server, 2, "the server queues fill up to maxqueue");
    assert!(
        peak_backend > 10,
        "the overflow waits in the backend queue: {peak_backend}"
    );
}

/// Opt-in: a `maxconn` no server can reach changes nothing, event for event (the same trace
/// hash as without it), so every existing preset and link keeps its run.
#[test]
fn without_a_reachable_maxconn_the_run_is_unchanged() {
    for name in ["redundant-behind-lb", "retry-storm", "maxconn-queue"] {
        let mut off = preset(name);
        for b in &mut off.balancers {
            b.maxconn = None;
        }
        let mut huge = off.clone();
        for b in &mut huge.balancers {
            b.maxconn = Some(MAX_SERVER_MAXCONN);
        }
        let a = run(&off, 1, 30);
        let b = run(&huge, 1, 30);
        assert_eq!(a.trace_hash_hex(), b.trace_hash_hex(), "{name}");
        assert_eq!(b.queue_timeouts_at(0), 0);
    }
}

/// Golden trace hash of the preset (the wasm list in tests/web_visualizer.rs pins the same).
#[test]
fn maxconn_queue_preset_golden_hash() {
    let sim = run(&preset("maxconn-queue"), 1, 30);
    assert_eq!(sim.trace_hash_hex(), "813cf76802806cab");
}

/// The preset's lesson, measured: with maxconn the spike costs about the excess (300
/// requests/s for 10 s, as 503 queue timeouts) and nothing else; without it the servers'
/// queues pass the clients' 1 s timeout and most requests of the spike and after it fail.
#[test]
fn maxconn_fails_the_excess_fast_instead_of_everything_slowly() {
    let with = run(&preset("maxconn-queue"), 1, 60);
    let mut s = preset("maxconn-queue");
    s.balancers[0].maxconn = None;
    let without = run(&s, 1, 60);
    let failed = |sim: &Simulation| sim.metrics().failed.iter().sum::<u64>();
    let timeouts = with.metrics().failed[FailureReason::QueueTimeout.index()];
    // 10 s × 300/s = 3,000 excess, plus the slot's round trip (≈ 5 % of capacity).
    assert!(
        (2_500..4_500).contains(&timeouts),
        "queue timeouts: {timeouts}"
    );
    assert_eq!(failed(&with), timeouts, "every failure is a fast 503");
    assert!(
        failed(&without) > 3 * failed(&with),
        "without maxconn: {} failed, with: {}",
        failed(&without),
        failed(&with)
    );
}

/// Two balancers answering 500 half the time behind a gateway that retries 5xx.
fn flaky_behind_gateway(budget: Option<RetryBudget>) -> Scenario {
    let apps = ["app-1", "app-2", "app-3"];
    let mut s = scenario(
        1_500.0,
        vec![
            plain_lb("lb-1", &apps, Algorithm::RoundRobin),
            plain_lb("lb-2", &apps, Algorithm::RoundRobin),
        ],
        apps.iter().map(|a| instance(a, 8, 20.0)).collect(),
        "gw",
    );
    s.gateways = vec![Gateway {
        name: "gw".into(),
        balancers: vec!["lb-1".into(), "lb-2".into()],
        retries: 3,
        timeout_connect_ms: 1_000,
        passive: PassiveHealth {
            max_fails: 100,
            fail_timeout_ms: 1_000,
        },
        retry_on_5xx: true,
        retry_budget: budget,
        zone: None,
        failures: None,
    }];
    s.faults = apps
        .iter()
        .map(|a| Fault {
            error_rate: Some(0.5),
            ..Fault::new(0, FaultAction::Gray, a)
        })
        .collect();
    s
}

/// Envoy's budget on the gateway: a retry is admitted only while its retries in flight are
/// below max(min_retry_concurrency, budget_percent % of its requests in flight), checked at
/// every event that admits one.
#[test]
fn gateway_retry_budget_bounds_retries_in_flight_at_admission() {
    let worst_excess = |s: &Scenario| {
        let mut sim = Simulation::with_seed(s, 3).expect("valid");
        let (mut worst, mut admitted, mut before) = (i64::MIN, 0, 0);
        while sim.now_us() < 10 * US_PER_S && sim.step() {
            let now = sim.gateway_retries_in_flight(0);
            if now > before {
                admitted += 1;
                let bound = ((0.2 * sim.gateway_requests_in_flight(0) as f64) as u32).max(3);
                worst = worst.max(now as i64 - bound as i64);
            }
            before = now;
        }
        (worst, admitted, sim.gateway_retries_denied(0))
    };
    let (excess, admitted, denied) =
        worst_excess(&flaky_behind_gateway(Some(RetryBudget::default())));
    assert!(admitted > 1_000, "retries admitted: {admitted}");
    assert!(denied > 100, "retries denied: {denied}");
    assert!(excess <= 0, "a retry admitted past the budget by {excess}");
    // Without the budget the same load goes past 20 %: the test can fail.
    let (excess, _, denied) = worst_excess(&flaky_behind_gateway(None));
    assert!(
        excess > 0,
        "without a budget, retries exceed 20 %: {excess}"
    );
    assert_eq!(denied, 0);
}

/// The fields are checked with their path, and `set` changes them on a running balancer or
/// gateway (the same validation).
#[test]
fn fields_are_validated_by_path_and_settable() {
    let mut s = one_slow_server(Some(250));
    s.balancers[0].maxconn = Some(0);
    s.balancers[0].timeout_queue_ms = Some(0);
    let e = Simulation::new(&s).err().expect("invalid").to_string();
    assert!(e.contains("balancers[0].maxconn"), "{e}");
    assert!(e.contains("balancers[0].timeout_queue_ms"), "{e}");
    let mut s = flaky_behind_gateway(Some(RetryBudget {
        budget_percent: 120.0,
        min_retry_concurrency: 3,
    }));
    s.faults.clear();
    let e = Simulation::new(&s).err().expect("invalid").to_string();
    assert!(e.contains("gateways[0].retry_budget.budget_percent"), "{e}");

    let mut s = one_slow_server(Some(250));
    failover_sim::params::apply_to_scenario(
        &mut s,
        "lb-1",
        "maxconn",
        &ParamValue::Text("none".into()),
    )
    .expect("maxconn none");
    assert_eq!(s.balancers[0].maxconn, None);
    failover_sim::params::apply_to_scenario(&mut s, "lb-1", "maxqueue", &ParamValue::Number(4.0))
        .expect("maxqueue");
    assert_eq!(s.balancers[0].maxqueue, 4);
    let mut g = flaky_behind_gateway(None);
    failover_sim::params::apply_to_scenario(
        &mut g,
        "gw",
        "retry_budget.budget_percent",
        &ParamValue::Number(10.0),
    )
    .expect("gateway budget");
    assert_eq!(
        g.gateways[0].retry_budget,
        Some(RetryBudget {
            budget_percent: 10.0,
            min_retry_concurrency: 3
        })
    );
    let e =
        failover_sim::params::apply_to_scenario(&mut g, "gw", "maxconn", &ParamValue::Number(1.0))
            .expect_err("not a gateway parameter");
    assert!(e.contains("retry_budget.budget_percent"), "{e}");
}
