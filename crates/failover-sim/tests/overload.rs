#![cfg(not(target_arch = "wasm32"))]
//! Overload (issue 13) against its formulas and documented behaviour: retry amplification
//! across layers, Envoy's retry budget, full jitter against no jitter, the cascade without
//! N+1 and the same crash with it, checks served by the request queue, liveness restarts,
//! load shedding and deadline propagation; golden hashes of the overload presets.
mod common;
use common::*;
use failover_sim::overload_spec::{CheckServedBy, ClientRetry, Jitter, RetryBudget};
use failover_sim::scenario::*;
use failover_sim::snapshot::TransferKind;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;

fn gateway(name: &str, balancers: &[&str], retries: u32) -> Gateway {
    Gateway {
        name: name.into(),
        balancers: balancers.iter().map(|b| (*b).into()).collect(),
        retries,
        timeout_connect_ms: 1_000,
        passive: PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        },
        retry_on_5xx: true,
        retry_budget: None,
        zone: None,
        failures: None,
    }
}

fn retrying_lb(name: &str, targets: &[&str], retries: u32) -> Balancer {
    Balancer {
        retries,
        redispatch: true,
        retry_on: vec![RetryOn::Status500],
        ..plain_lb(name, targets, Algorithm::RoundRobin)
    }
}

fn client_retry(max_attempts: u32, jitter: Jitter) -> ClientRetry {
    ClientRetry {
        max_attempts,
        backoff_base_ms: 100,
        backoff_cap_ms: 100,
        jitter,
        retry_quota_tokens: None,
    }
}

/// Every layer fails every attempt (each server answers 500 to everything): one user request
/// becomes exactly (1 + r_client)(1 + r_gateway)(1 + r_balancer) attempts at the servers.
#[test]
fn amplification_with_every_layer_failing_is_the_product() {
    for (rc, rg, rb) in [(2, 2, 2), (1, 0, 3), (0, 1, 1), (3, 2, 0)] {
        let apps = ["app-1", "app-2", "app-3", "app-4"];
        let mut s = scenario(
            20.0,
            vec![
                retrying_lb("lb-1", &apps, rb),
                retrying_lb("lb-2", &apps, rb),
            ],
            apps.iter().map(|a| instance(a, 8, 5.0)).collect(),
            "gw",
        );
        s.gateways = vec![gateway("gw", &["lb-1", "lb-2"], rg)];
        s.traffic.client_retry = Some(client_retry(rc + 1, Jitter::Full));
        // Arrivals stop at 5 s; by 30 s every request has used up its attempts.
        s.traffic.profile = vec![RateStep {
            at_ms: 5_000,
            rate_rps: 0.0,
        }];
        s.faults = apps
            .iter()
            .map(|a| Fault {
                error_rate: Some(1.0),
                ..Fault::new(0, FaultAction::Gray, a)
            })
            .collect();
        let sim = run(&s, 7, 30);
        let m = sim.metrics();
        assert!(m.sent > 50, "enough requests: {}", m.sent);
        assert_eq!(sim.live_requests(), 0);
        assert_eq!(m.failed_total(), m.sent, "every request fails in the end");
        let product = (1 + rc) * (1 + rg) * (1 + rb);
        let o = sim.overload_metrics();
        assert_eq!(
            o.instance_attempts_total,
            m.sent * product as u64,
            "({rc}, {rg}, {rb}): {} attempts for {} requests",
            o.instance_attempts_total,
            m.sent
        );
        // Per layer: the client retries rc times, the gateway rg times per client attempt,
        // the balancer rb times per gateway attempt.
        let per = |k: usize| o.retries_total[k];
        assert_eq!(per(0), m.sent * rc as u64);
        assert_eq!(per(1), m.sent * ((1 + rc) * rg) as u64);
        assert_eq!(per(2), m.sent * ((1 + rc) * (1 + rg) * rb) as u64);
    }
}

/// A balancer whose servers answer half of everything with 500, retried up to 3 times.
fn flaky(budget: Option<RetryBudget>) -> Scenario {
    let apps = ["app-1", "app-2", "app-3"];
    let mut lb = retrying_lb("lb-1", &apps, 3);
    lb.retry_budget = budget;
    let mut s = scenario(
        1_500.0,
        vec![lb],
        apps.iter().map(|a| instance(a, 8, 20.0)).collect(),
        "lb-1",
    );
    s.faults = apps
        .iter()
        .map(|a| Fault {
            error_rate: Some(0.5),
            ..Fault::new(0, FaultAction::Gray, a)
        })
        .collect();
    s
}

/// Envoy: a retry is admitted only while the retries in flight are below
/// max(min_retry_concurrency, budget_percent % of the requests in flight). Checked at every
/// event that starts a retry (the bound can only be passed afterwards, as other requests
/// finish, exactly as in Envoy, which also decides at admission).
#[test]
fn retry_budget_bounds_retries_in_flight_at_admission() {
    let worst_excess = |s: &Scenario| {
        let mut sim = Simulation::with_seed(s, 3).expect("valid");
        let (mut worst, mut admitted, mut before) = (i64::MIN, 0, 0);
        while sim.now_us() < 20 * US_PER_S && sim.step() {
            let now = sim.retries_in_flight(0);
            if now > before {
                admitted += 1;
                let bound = ((0.2 * sim.requests_in_flight(0) as f64) as u32).max(3);
                worst = worst.max(now as i64 - bound as i64);
            }
            before = now;
        }
        (worst, admitted)
    };
    let (excess, admitted) = worst_excess(&flaky(Some(RetryBudget::default())));
    assert!(admitted > 1_000, "retries admitted: {admitted}");
    assert!(excess <= 0, "a retry admitted past the budget by {excess}");
    // Without the budget the same load goes past 20 %: the test can fail.
    let (excess, _) = worst_excess(&flaky(None));
    assert!(
        excess > 0,
        "without a budget, retries exceed 20 %: {excess}"
    );
}

/// One server with a long queue crashes at 10 s: every queued request is reset at once and
/// its client retries once. Departure times of those retries, relative to the crash.
fn retry_departures(jitter: Jitter) -> Vec<u64> {
    let mut s = scenario(
        50.0,
        vec![plain_lb("lb-1", &["app-1"], Algorithm::RoundRobin)],
        vec![instance("app-1", 1, 100.0)],
        "lb-1",
    );
    s.traffic.client_retry = Some(client_retry(2, jitter));
    s.traffic.profile = vec![RateStep {
        at_ms: 10_000,
        rate_rps: 0.0,
    }];
    s.faults = vec![Fault::new(10_000, FaultAction::Crash, "app-1")];
    let mut sim = Simulation::with_seed(&s, 11).expect("valid");
    sim.set_transfer_recording(true);
    let mut out = Vec::new();
    let mut departures = Vec::new();
    let mut t = 0;
    while t < 12 * US_PER_S {
        t += 5_000; // drained every 5 ms: far below the transfer buffer
        sim.run_until(t, u64::MAX);
        sim.drain_transfers(&mut out);
        assert_eq!(sim.transfer_sampling(), 1, "every transfer kept");
        for tr in out.drain(..) {
            if tr.kind == TransferKind::Retry && tr.from == 0 && tr.depart_us >= 10 * US_PER_S {
                departures.push(tr.depart_us - 10 * US_PER_S);
            }
        }
    }
    departures
}

/// Without jitter, every reset request comes back at the same instant (a wave); with full
/// jitter the retries are uniform over [0, backoff]: the Kolmogorov–Smirnov distance to
/// the uniform law stays under its 99 % critical value 1.63/√n.
#[test]
fn full_jitter_spreads_retries_and_no_jitter_makes_a_wave() {
    let wave = retry_departures(Jitter::None);
    assert!(
        wave.len() > 200,
        "requests reset by the crash: {}",
        wave.len()
    );
    let (lo, hi) = (
        *wave.iter().min().expect("some"),
        *wave.iter().max().expect("some"),
    );
    assert!(hi - lo <= 1_000, "one wave within 1 ms, got {lo}..{hi} µs");
    assert!(
        (100_000..=101_000).contains(&lo),
        "after the 100 ms backoff: {lo}"
    );

    let mut spread = retry_departures(Jitter::Full);
    assert_eq!(spread.len(), wave.len(), "the same requests retried");
    spread.sort_unstable();
    let n = spread.len() as f64;
    // Uniform on [hop, hop + 100 ms]: the reset reaches the client after two 0 ms hops.
    let d = spread
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let f = (t as f64 / 100_000.0).clamp(0.0, 1.0);
            (f - k as f64 / n).abs().max((f - (k + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max);
    assert!(d < 1.63 / n.sqrt(), "KS distance {d:.4} with n = {n}");
    // And no 10 ms window holds more than twice its share (the wave had all of them).
    let mut bins = [0u32; 10];
    for &t in &spread {
        bins[((t / 10_000) as usize).min(9)] += 1;
    }
    let share = n / 10.0;
    assert!(bins.iter().all(|&b| (b as f64) < 2.0 * share), "{bins:?}");
}

/// Per-second availability of a run, by second.
fn seconds(sim: &Simulation) -> Vec<(u64, u32, u32)> {
    sim.metrics()
        .last_seconds(10_000)
        .iter()
        .map(|b| (b.second, b.succeeded, b.failed_total()))
        .collect()
}

/// Three servers at 80 %, checks behind the request queue: after one crash at 20 s the
/// other two run at 120 %; their queues grow by 80 requests/s, so a check waits past its
/// 1 s timeout after 400 / 80 = 5 s, and three failed checks (each 1 s timeout + 2 s inter)
/// mark each down 9 s later: no healthy server by ~14 s after the crash. Bound: 20 s.
#[test]
fn cascading_failure_reaches_zero_within_a_bound_and_n_plus_one_loses_nothing() {
    let sim = run(&preset("cascading-failure"), 1, 60);
    let first_zero = seconds(&sim)
        .into_iter()
        .find(|&(sec, ok, failed)| sec >= 20 && ok == 0 && failed > 0)
        .map(|(sec, _, _)| sec);
    match first_zero {
        Some(sec) => assert!(sec <= 40, "0 % only at {sec} s"),
        None => panic!("availability never reached 0 %"),
    }
    for seed in [1, 2, 3] {
        let sim = run(&preset("n-plus-one"), seed, 60);
        let m = sim.metrics();
        assert!(m.succeeded > 50_000);
        assert_eq!(m.failed_total(), 0, "seed {seed}: {:?}", m.failed);
    }
}

/// The same cascade with checks on a dedicated listener: the busy servers are never marked
/// down (they stay in rotation, slow), which is today's default behaviour.
#[test]
fn dedicated_listener_checks_never_mark_a_busy_server_down() {
    let mut s = preset("cascading-failure");
    if let Some(h) = s.balancers[0].health_check.as_mut() {
        h.served_by = Some(CheckServedBy::DedicatedListener);
    }
    let sim = run(&s, 1, 60);
    let snap = sim.snapshot();
    let marked = snap
        .log
        .iter()
        .filter(|l| l.text.contains("marked app-2 DOWN") || l.text.contains("marked app-3 DOWN"))
        .count();
    assert_eq!(marked, 0);
    // Their overload is still told: the story names it.
    assert!(snap.log.iter().any(|l| l.text.contains("% of capacity")));
}

/// Kubernetes liveness (failureThreshold 3): the probe timing out under load restarts the
/// instance, whose queued requests are lost: restarts keep coming while the load lasts.
#[test]
fn liveness_probes_restart_busy_instances_in_a_loop() {
    let mut s = preset("cascading-failure");
    if let Some(h) = s.balancers[0].health_check.as_mut() {
        h.liveness = true;
    }
    let sim = run(&s, 1, 90);
    let restarts = sim
        .snapshot()
        .log
        .iter()
        .filter(|l| l.text.starts_with("kubelet restarted"))
        .count();
    assert!(restarts >= 2, "restarts: {restarts}");
}

/// Load shedding refuses at once what could not be served before its deadline. Offered
/// 600/s against 400/s of capacity, an unbounded queue without shedding grows until every
/// request waits past its 1 s timeout (goodput collapses); with shedding the queue stops
/// where the expected wait meets the deadline and the server keeps serving requests that
/// can still succeed, refusing the excess (about a third) fast.
#[test]
fn load_shedding_keeps_goodput_under_overload() {
    let overloaded = |shedding: bool| {
        let mut s = scenario(
            600.0,
            vec![plain_lb("lb-1", &["app-1"], Algorithm::RoundRobin)],
            vec![Instance {
                load_shedding: shedding,
                ..instance("app-1", 8, 20.0)
            }],
            "lb-1",
        );
        s.traffic.timeout_ms = 1_000;
        run(&s, 5, 30)
    };
    let (with, without) = (overloaded(true), overloaded(false));
    let sent = with.metrics().sent as f64;
    let shed = with.overload_metrics().shed_total as f64;
    assert!(
        shed > 0.25 * sent && shed < 0.5 * sent,
        "shed {shed} of {sent}"
    );
    assert_eq!(without.overload_metrics().shed_total, 0);
    assert!(
        with.metrics().succeeded > 3 * without.metrics().succeeded,
        "goodput {} with, {} without",
        with.metrics().succeeded,
        without.metrics().succeeded
    );
}

/// Deadline propagation: work whose client gave up is dropped, so the server spends its
/// time on requests that can still succeed (goodput), where without it it serves the dead.
#[test]
fn deadline_propagation_drops_abandoned_work() {
    let overloaded = |propagate: bool| {
        let mut s = scenario(
            500.0,
            vec![plain_lb("lb-1", &["app-1"], Algorithm::RoundRobin)],
            vec![Instance {
                deadline_propagation: propagate,
                ..instance("app-1", 8, 20.0)
            }],
            "lb-1",
        );
        s.traffic.timeout_ms = 1_000;
        run(&s, 5, 40)
    };
    let (with, without) = (overloaded(true), overloaded(false));
    assert!(with.overload_metrics().dropped_expired_total > 1_000);
    assert_eq!(without.overload_metrics().dropped_expired_total, 0);
    assert!(
        with.metrics().succeeded > 2 * without.metrics().succeeded,
        "goodput {} with, {} without",
        with.metrics().succeeded,
        without.metrics().succeeded
    );
}

/// Golden hashes of the overload presets (30 s, seed 1), as `determinism.rs` pins the
/// others; tests/web_visualizer.rs checks the same values in Chromium.
#[test]
fn golden_trace_hashes_of_the_overload_presets() {
    let golden = [
        ("cascading-failure", "85bc935e4a785644"),
        ("n-plus-one", "214a21b482993e27"),
        ("retry-storm", "d8c362527da144ad"),
        ("retry-budget", "ab310f0a71c62e56"),
    ];
    for (name, want) in golden {
        let sim = run(&preset(name), 1, 30);
        assert_eq!(sim.trace_hash_hex(), want, "{name}");
    }
}

/// Envoy circuit breakers: past `max_requests` in flight the balancer answers 503 at once
/// (`overflow`) instead of queueing more at the servers; the requests in flight never pass
/// the limit.
#[test]
fn circuit_breaker_fails_fast_over_max_requests() {
    let mut lb = plain_lb("lb-1", &["app-1"], Algorithm::RoundRobin);
    lb.circuit_breaker = Some(failover_sim::overload_spec::CircuitBreaker {
        max_requests: 20,
        ..Default::default()
    });
    let s = scenario(600.0, vec![lb], vec![instance("app-1", 8, 20.0)], "lb-1");
    let mut sim = Simulation::with_seed(&s, 2).expect("valid");
    let mut peak = 0;
    while sim.now_us() < 10 * US_PER_S && sim.step() {
        peak = peak.max(sim.requests_in_flight(0));
    }
    assert_eq!(peak, 20, "in flight never past max_requests");
    let o = sim.overload_metrics();
    assert!(o.overflow_total > 1_000, "overflowed {}", o.overflow_total);
    assert!(sim.circuit_open(0));
}

/// Bad overload settings are refused with the path of the field, never a panic.
#[test]
fn bad_overload_settings_name_their_field() {
    let mut s = flaky(Some(RetryBudget {
        budget_percent: 150.0,
        min_retry_concurrency: 3,
    }));
    s.traffic.client_retry = Some(ClientRetry {
        max_attempts: 0,
        ..ClientRetry::default()
    });
    let e = Simulation::new(&s).err().expect("refused").to_string();
    assert!(
        e.contains("balancers[0].retry_budget.budget_percent"),
        "{e}"
    );
    assert!(e.contains("traffic.client_retry.max_attempts"), "{e}");
    let text = r#"{"name":"x","traffic":{"rate_rps":1,"client_retry":{"jitter":"some"}},"entry":"a","instances":[{"name":"a"}]}"#;
    let e = failover_sim::scenario::parse_scenario(text).expect_err("refused");
    assert!(e.starts_with("traffic.client_retry.jitter"), "{e}");
}
