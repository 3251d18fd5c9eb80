#![cfg(not(target_arch = "wasm32"))]
//! HAProxy and NGINX as measured: the detection arithmetic and retry behaviour of
//! shared/reference/semantics.md ("Detection arithmetic", corrected against HAProxy 2.6.12
//! and nginx 1.22.1 on loopback), each pinned with its formula. Every test here failed on
//! the model before issue 18 (checks on a fixed phase, same-server retries 1 s apart,
//! no `proxy_next_upstream`, NGINX's clock in continuous time, no start-up health at `rise`,
//! no `freeze`).
mod common;
use common::*;
use failover_sim::metrics::FailureReason;
use failover_sim::scenario::*;
use failover_sim::snapshot::LogKind;
use failover_sim::time::{us_to_s, TimeUs, US_PER_S};
use failover_sim::Simulation;

const I_S: f64 = 2.0; // HAProxy `inter`
const F: f64 = 3.0; // HAProxy `fall`

/// The default preset (three instances behind HAProxy: inter 2 s, fall 3, retries 3 with
/// redispatch) with a one-way hop latency and `faults`.
fn haproxy_three(latency_ms: f64, faults: Vec<Fault>) -> Scenario {
    let mut s = preset("redundant-behind-lb");
    s.network.latency_ms = latency_ms;
    s.faults = faults;
    s
}

/// Seconds from the fault on `app-2` to its first "marked down", over `seeds` seeds.
fn detection_s(s: &Scenario, seeds: u64, run_s: u64) -> Vec<f64> {
    (1..=seeds)
        .map(|seed| {
            let sim = run(s, seed, run_s);
            let rec = failure_of(&sim, "app-2");
            let at = rec
                .detected_at_us
                .unwrap_or_else(|| panic!("seed {seed}: app-2 never marked down"));
            us_to_s(at - rec.fault_at_us)
        })
        .collect()
}

fn assert_within(d: &[f64], lo: f64, hi: f64, what: &str) {
    for &x in d {
        assert!(
            x > lo && x <= hi + 1e-9,
            "{what}: {x:.4} s not in ({lo:.3}, {hi:.3}]"
        );
    }
}

/// A crashed process refuses at once, so each failed check costs its round trip D and the
/// next starts `inter` after it ends: DOWN in ((F−1)(I+D) + D, F(I+D) + D] after the crash,
/// which is ((F−1)·I, F·I] on loopback (real HAProxy: 4.19–5.96 s for I = 2 s, F = 3).
#[test]
fn a_crash_is_marked_down_between_f_minus_1_and_f_intervals() {
    for latency_ms in [0.0, 50.0] {
        let d_s = 2.0 * latency_ms / 1_000.0;
        let s = haproxy_three(
            latency_ms,
            vec![Fault::new(20_000, FaultAction::Crash, "app-2")],
        );
        let d = detection_s(&s, 40, 30);
        let (lo, hi) = ((F - 1.0) * (I_S + d_s) + d_s, F * (I_S + d_s) + d_s);
        assert_within(&d, lo, hi, &format!("crash, D = {d_s} s"));
        // The window is covered — with D = 0.1 s also past F·I + D, where checks on a fixed
        // phase (started every I, whatever they waited for) would have stopped.
        let max = d.iter().cloned().fold(0.0, f64::max);
        let min = d.iter().cloned().fold(f64::MAX, f64::min);
        assert!(min < lo + 0.5 && max > hi - 0.5, "{min}..{max}");
        if d_s > 0.0 {
            assert!(max > F * I_S + d_s, "no detection after F·I + D: {max}");
        }
    }
}

/// A silent target makes every check wait for its timeout T, and the next check starts
/// `inter` after that: DOWN in (F·T + (F−1)·I, F·T + F·I] (real HAProxy, frozen process,
/// I = T = 2 s, F = 3: 10.02–11.65 s). `timeout check` unset: T = inter; set: a connect that
/// is never answered gets min(`timeout connect`, `inter`).
#[test]
fn a_silent_host_is_marked_down_after_f_timeouts_and_f_minus_1_intervals() {
    // A dead host, `timeout check` unset: T = inter = 2 s → (10, 12].
    let dead = haproxy_three(
        0.0,
        vec![Fault::new(20_000, FaultAction::Unreachable, "app-2")],
    );
    let d = detection_s(&dead, 30, 40);
    assert_within(
        &d,
        F * I_S + (F - 1.0) * I_S,
        F * I_S + F * I_S,
        "dead host",
    );

    // A frozen process, `timeout check 2s` set and `timeout connect 1s`: the connect part is
    // min(1 s, inter) = 1 s → T = 1 s → (7, 9].
    let mut frozen = haproxy_three(0.0, vec![Fault::new(20_000, FaultAction::Freeze, "app-2")]);
    let lb = &mut frozen.balancers[0];
    lb.timeout_connect_ms = 1_000;
    if let Some(hc) = lb.health_check.as_mut() {
        hc.timeout_ms = Some(2_000);
    }
    let t_s = 1.0;
    let d = detection_s(&frozen, 30, 40);
    assert_within(&d, F * t_s + (F - 1.0) * I_S, F * t_s + F * I_S, "frozen");
    assert!(d.iter().any(|&x| x > 8.0), "{d:?}");
}

/// With `option redispatch` and round robin, HAProxy 2.6 sends a refused connection to
/// another server at once: during the detection window no request takes longer than the
/// service time plus its usual path plus one round trip to the dead server (real: 0
/// requests slower than 1 s, 0 same-server retries).
#[test]
fn redispatch_hides_a_crash_behind_one_round_trip() {
    let (service_ms, hop_ms) = (20.0, 0.5);
    let mut s = haproxy_three(
        hop_ms,
        vec![Fault::new(20_000, FaultAction::Crash, "app-2")],
    );
    for i in s.instances.iter_mut() {
        // Constant service and workers to spare: no queueing, so the bound is exact.
        i.service_time.distribution = Distribution::Constant;
        i.service_time.mean_ms = service_ms;
        i.workers = 1_000;
    }
    for seed in 1..=5 {
        let sim = run(&s, seed, 30);
        let rec = failure_of(&sim, "app-2");
        assert!(rec.detected_at_us.is_some_and(|t| t < 27 * US_PER_S));
        let hop_us = (hop_ms * 1_000.0) as TimeUs;
        let path_us = (service_ms * 1_000.0) as TimeUs + 4 * hop_us;
        let slowest = sim.metrics().latency.max();
        assert!(
            slowest <= path_us + 2 * hop_us,
            "seed {seed}: a request took {slowest} µs (bound {} µs)",
            path_us + 2 * hop_us
        );
        assert!(
            sim.metrics().retried > 50,
            "seed {seed}: redispatches expected"
        );
        // The only failures are the requests app-2 was serving when it died.
        let m = sim.metrics();
        assert_eq!(
            m.failed_total(),
            m.failed[FailureReason::CrashedInFlight.index()],
            "seed {seed}"
        );
    }
}

/// NGINX's default `proxy_next_upstream error timeout` passes a refused (or reset) request
/// to the next server: with `max_fails=1 fail_timeout=10s`, a crash costs no client a single
/// error (real nginx 1.22: 0).
#[test]
fn nginx_next_upstream_masks_a_crash() {
    for seed in 1..=5 {
        let sim = run(&preset("nginx-passive"), seed, 60);
        assert_conserved(&sim);
        assert_eq!(
            sim.metrics().failed_total(),
            0,
            "seed {seed}: {:?}",
            sim.totals()
        );
        assert!(sim.metrics().retried > 0);
        assert!(failure_of(&sim, "app-2").saved_by_retry > 0);
    }
    // `proxy_next_upstream off` (an empty list): the refused requests reach the clients.
    let mut off = preset("nginx-passive");
    off.balancers[0].next_upstream.clear();
    let sim = run(&off, 1, 60);
    assert!(sim.metrics().failed[FailureReason::ConnectionRefused.index()] > 0);
    // `proxy_next_upstream_tries 1`: no second server either.
    let mut one = preset("nginx-passive");
    one.balancers[0].next_upstream_tries = 1;
    let sim = run(&one, 1, 60);
    assert!(sim.metrics().failed_total() > 0);
}

/// NGINX re-tries a failed server once `now − checked > fail_timeout` on its one-second
/// clock: with `fail_timeout=10s` the dead server gets a request again 10–11 s after the
/// last failure, just after a whole second (real nginx: 10.3–11.0 s).
#[test]
fn nginx_retries_a_dead_server_after_fail_timeout_on_its_one_second_clock() {
    let mut s = preset("nginx-passive");
    s.faults = vec![Fault::new(20_300, FaultAction::Crash, "app-2")];
    let sim = run(&s, 1, 60);
    let node = sim
        .snapshot()
        .nodes
        .iter()
        .find(|n| n.name == "app-2")
        .map(|n| n.id);
    let mut marks: Vec<f64> = Vec::new();
    for e in sim.snapshot().log {
        let t = us_to_s(e.at_us);
        // One mark per probe (a request already on its way when the first failed adds one).
        if e.kind == LogKind::Detection
            && e.node == node
            && marks.last().is_none_or(|&p| t > p + 1.0)
        {
            marks.push(t);
        }
    }
    assert!(marks.len() >= 3, "{marks:?}");
    for pair in marks.windows(2) {
        // Skipped while now − checked <= 10 in whole seconds: 10–11 s after the failure,
        // plus the wait for the next request round robin sends it.
        let gap = pair[1] - pair[0];
        assert!(gap > 10.0 && gap <= 11.1, "{marks:?}");
        // Probed by the first request after the second turns (200 req/s, round robin).
        let frac = pair[1] - pair[1].floor();
        assert!(frac < 0.1, "{marks:?}");
    }
}

/// HAProxy starts a server with its health counter at `rise`: UP, and a single failed check
/// marks it DOWN (`fall` applies only once it has passed a check).
#[test]
fn a_fresh_haproxy_server_goes_down_on_one_failure() {
    let s = haproxy_three(0.0, vec![Fault::new(1, FaultAction::Crash, "app-2")]);
    // The first check comes at a random phase within `inter`; it is the only one needed.
    let d = detection_s(&s, 20, 10);
    assert_within(&d, 0.0, I_S, "fresh server");
}

/// HAProxy's check pace by state: `inter` at full health, `fastinter` while a server is
/// going down or coming up (and fresh), `downinter` while it is down. With inter 2 s,
/// fastinter 0.5 s, fall 3 a crash is marked down 2 × 0.5 s after the first failed check,
/// which comes within `inter`: detection in (1.0, 3.0] s (loopback). Healed, the server boots
/// (`startup_ms` 0 here) and the first passing check comes within `downinter` (5 s), the
/// second `fastinter` later (rise 2): back in rotation in (0.5, 5.5] s.
/// Kills: `fastinter` used at full health (detection ≤ 1.5 s), `inter` used while suspect
/// (≥ 4 s), `downinter` ignored while down (recovery ≤ 2.5 s).
#[test]
fn fastinter_and_downinter_pace_the_checks_by_state() {
    let (fastinter_s, downinter_s) = (0.5, 5.0);
    let mut s = haproxy_three(
        0.0,
        vec![
            Fault::new(20_000, FaultAction::Crash, "app-2"),
            Fault::new(40_000, FaultAction::Heal, "app-2"),
        ],
    );
    for i in &mut s.instances {
        i.startup_ms = 0;
    }
    for b in &mut s.balancers {
        let hc = b.health_check.get_or_insert_with(HealthCheck::default);
        hc.fastinter_ms = Some(500);
        hc.downinter_ms = Some(5_000);
    }
    let (mut detected, mut recovered) = (Vec::new(), Vec::new());
    for seed in 1..=40 {
        let sim = run(&s, seed, 60);
        let rec = failure_of(&sim, "app-2");
        let (Some(down), Some(back)) = (rec.detected_at_us, rec.recovered_at_us) else {
            panic!("seed {seed}: app-2 never marked down or never back: {rec:?}");
        };
        detected.push(us_to_s(down - rec.fault_at_us));
        recovered.push(us_to_s(back) - 40.0);
    }
    let (lo, hi) = ((F - 1.0) * fastinter_s, I_S + (F - 1.0) * fastinter_s);
    assert_within(&detected, lo, hi, "crash with fastinter");
    assert!(
        detected.iter().any(|&d| d > 2.0),
        "the first failed check comes at full health, `inter` apart: {detected:?}"
    );
    assert_within(
        &recovered,
        fastinter_s,
        downinter_s + fastinter_s,
        "heal with downinter",
    );
    assert!(
        recovered.iter().any(|&r| r > 3.0),
        "while down, checks are `downinter` apart: {recovered:?}"
    );
}

/// `freeze`: new connections time out and are redispatched after `timeout connect`; the
/// requests the process had accepted (in service, queued, or taken by the kernel while its
/// accept backlog had room) hang until the client gives up; healed, it resumes at once (no
/// boot) — unlike a dead host, which reboots. Real HAProxy with Python backends (listen(5):
/// Linux queues 6): 7–8 client-visible failures.
#[test]
fn a_frozen_process_times_out_connects_and_hangs_accepted_requests() {
    for backlog in [0, 6] {
        frozen_process_with_backlog(backlog);
    }
}

fn frozen_process_with_backlog(backlog: u64) {
    let mut s = haproxy_three(0.5, Vec::new());
    s.balancers[0].timeout_connect_ms = 1_000;
    s.instances[1].accept_backlog = backlog as u32;
    for seed in 1..=4 {
        let mut sim = Simulation::with_seed(&s, seed).unwrap_or_else(|e| panic!("{e}"));
        sim.run_until(20 * US_PER_S, u64::MAX);
        let held = sim
            .snapshot()
            .nodes
            .iter()
            .find(|n| n.name == "app-2")
            .map(|n| (n.busy + n.queue_len) as u64)
            .unwrap_or(0);
        sim.schedule(Fault::new(20_000, FaultAction::Freeze, "app-2"))
            .unwrap_or_else(|e| panic!("{e}"));
        sim.run_until(40 * US_PER_S, u64::MAX);
        let m = sim.metrics();
        // Only the accepted requests fail, at the client timeout (5 s): those it held, and
        // those its backlog took (a check connection may have taken one of its places).
        let failed = m.failed_total();
        let lo = held + backlog.saturating_sub(1);
        assert!(
            (lo..=held + backlog).contains(&failed),
            "seed {seed}, backlog {backlog}: {failed} failed, {held} held: {:?}",
            sim.totals()
        );
        assert_eq!(m.failed[FailureReason::Timeout.index()], failed);
        // Connects to it wait for `timeout connect` (1 s), then go elsewhere.
        assert!(m.retried > 100, "seed {seed}: {}", m.retried);
        let slowest = us_to_s(m.latency.max());
        assert!((1.0..1.5).contains(&slowest), "seed {seed}: {slowest} s");
        // Healed, it answers at once.
        sim.schedule(Fault::new(40_000, FaultAction::Heal, "app-2"))
            .unwrap_or_else(|e| panic!("{e}"));
        sim.run_until(40 * US_PER_S + 1_000, u64::MAX);
        let detail = |sim: &Simulation| {
            sim.snapshot()
                .nodes
                .iter()
                .find(|n| n.name == "app-2")
                .map(|n| n.detail.clone())
                .unwrap_or_default()
        };
        assert!(!detail(&sim).contains("booting"), "{}", detail(&sim));
        assert_conserved(&sim);
    }
    // A dead host healed boots first.
    let mut dead = Simulation::with_seed(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    dead.schedule(Fault::new(20_000, FaultAction::Unreachable, "app-2"))
        .unwrap_or_else(|e| panic!("{e}"));
    dead.schedule(Fault::new(40_000, FaultAction::Heal, "app-2"))
        .unwrap_or_else(|e| panic!("{e}"));
    dead.run_until(40 * US_PER_S + 1_000, u64::MAX);
    let snap = dead.snapshot();
    let app2 = snap.nodes.iter().find(|n| n.name == "app-2");
    assert!(app2.is_some_and(|n| n.detail.contains("booting")));
}
