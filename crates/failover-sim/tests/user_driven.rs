#![cfg(not(target_arch = "wasm32"))]
//! Property tests that drive the simulation the way a user does: generated scenarios with
//! weights, backups, two balancers, a gateway, client populations in two regions and a rate
//! profile; then clicks while it runs — faults, heals and `set` parameter changes (algorithm,
//! retries, checks, passive health, workers, service time, the client rate …) scheduled live
//! at the current time, as the UI does.
//!
//! Properties: conservation (sent = succeeded + failed + in flight) after every single event
//! or command; bounded live requests; and determinism — the same inputs twice give the same
//! trace hash, and replaying the recorded commands from the start reproduces the live run.
//!
//! Failing cases are saved under crates/failover-sim/proptest-regressions/ and replayed first
//! on later runs (commit them).
mod common;
use common::*;
use failover_sim::scenario::*;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/proptest-regressions/user_driven.txt"
);
/// How long each generated run lasts (commands fall in its first 40 s).
const RUN_S: u64 = 45;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

fn arb_algorithm() -> impl Strategy<Value = Algorithm> {
    prop::sample::select(Algorithm::ALL.to_vec())
}

prop_compose! {
    fn arb_user_scenario()(
        n in 1usize..=5,
        weights in prop::collection::vec(1u32..8, 5),
        backups in prop::collection::vec(any::<bool>(), 5),
        workers in 1u32..6,
        queue in 0u32..40,
        mean_ms in 1.0f64..50.0,
        distribution in prop::sample::select(vec![Distribution::Constant, Distribution::Exponential, Distribution::Lognormal]),
        restart in prop::option::of(0u64..3_000),
        two_balancers in any::<bool>(),
        algorithms in prop::collection::vec(arb_algorithm(), 2),
        checks in prop::collection::vec(prop::option::of(prop::sample::select(CheckPreset::ALL.to_vec())), 2),
        passive in prop::collection::vec(any::<bool>(), 2),
        fail_open in prop::collection::vec(any::<bool>(), 2),
        retries in 0u32..3,
        gateway in any::<bool>(),
        populations in prop::option::of(0.1f64..0.9),
        rate in 0.0f64..400.0,
        mut profile in prop::collection::vec((0u64..40_000, 0.0f64..600.0), 0..4),
        timeout_ms in 200u64..5_000,
        latency_ms in 0.0f64..3.0,
        clients in 2u32..3_000,
    ) -> Scenario {
        let names = names("app", n);
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let lbs = if two_balancers { 2 } else { 1 };
        let balancers = (0..lbs).map(|k| {
            let mut lb = plain_lb(&format!("lb-{k}"), &refs, algorithms[k]);
            for (i, t) in lb.targets.iter_mut().enumerate() {
                t.weight = weights[i];
                t.backup = i > 0 && backups[i];
            }
            lb.retries = retries;
            lb.redispatch = retries > 0;
            lb.retry_on = vec![RetryOn::ConnFailure, RetryOn::EmptyResponse, RetryOn::Status503];
            lb.timeout_connect_ms = 1_000;
            lb.timeout_server_ms = 3_000;
            lb.health_check = checks[k].map(|p| HealthCheck { preset: Some(p), inter_ms: Some(500), ..HealthCheck::default() });
            lb.passive = passive[k].then_some(PassiveHealth { max_fails: 2, fail_timeout_ms: 2_000 });
            lb.when_all_down = if fail_open[k] { WhenAllDown::FailOpen } else { WhenAllDown::Reject };
            lb
        }).collect();
        let instances = names.iter().enumerate().map(|(i, nm)| {
            let mut inst = instance(nm, workers, mean_ms);
            inst.queue_capacity = queue;
            inst.restart_after_ms = restart;
            inst.startup_ms = 500;
            inst.service_time.distribution = distribution;
            if populations.is_some() {
                inst.zone = Some(if i % 2 == 0 { "r1-a" } else { "r2-a" }.into());
            }
            inst
        }).collect();
        let mut s = scenario(rate, balancers, instances, "lb-0");
        s.traffic.timeout_ms = timeout_ms;
        s.traffic.clients = clients;
        s.network.latency_ms = latency_ms;
        profile.sort_by_key(|&(at, _)| at);
        s.traffic.profile = profile.into_iter().map(|(at_ms, rate_rps)| RateStep { at_ms, rate_rps }).collect();
        if gateway {
            s.gateways = vec![Gateway {
                name: "gw".into(),
                balancers: (0..lbs).map(|k| format!("lb-{k}")).collect(),
                retries: 1,
                timeout_connect_ms: 500,
                passive: PassiveHealth { max_fails: 1, fail_timeout_ms: 2_000 },
                retry_on_5xx: false,
                retry_budget: None,
                zone: None,
                failures: None,
            }];
            s.entry = "gw".into();
        }
        if let Some(share) = populations {
            let zone = |name: &str| Zone { name: name.into(), failures: None };
            s.regions = vec![
                Region { name: "r1".into(), zones: vec![zone("r1-a")], failures: None },
                Region { name: "r2".into(), zones: vec![zone("r2-a")], failures: None },
            ];
            s.traffic.populations = vec![
                Population { region: "r1".into(), share },
                Population { region: "r2".into(), share: 1.0 - share },
            ];
        }
        s
    }
}

/// A click: a fault or heal on a node, or a parameter change, at a time within the run.
fn arb_command(s: &Scenario) -> impl Strategy<Value = Fault> {
    let instances: Vec<String> = s.instances.iter().map(|i| i.name.clone()).collect();
    let mut proxies: Vec<String> = s.balancers.iter().map(|b| b.name.clone()).collect();
    proxies.extend(s.gateways.iter().map(|g| g.name.clone()));
    let balancers: Vec<String> = s.balancers.iter().map(|b| b.name.clone()).collect();
    let at = 0u64..40_000;
    let text = |t: &str| ParamValue::Text(t.into());
    let algorithm_names: Vec<ParamValue> = Algorithm::ALL.iter().map(|a| text(a.name())).collect();
    let presets: Vec<ParamValue> = ["haproxy", "aws-alb", "kubernetes"].map(text).to_vec();
    let balancer_param = prop_oneof![
        prop::sample::select(algorithm_names).prop_map(|v| ("algorithm", v)),
        (0u32..4).prop_map(|n| ("retries", ParamValue::Number(n as f64))),
        any::<bool>().prop_map(|b| ("redispatch", ParamValue::Bool(b))),
        prop::sample::select(vec![text("reject"), text("fail-open")])
            .prop_map(|v| ("when_all_down", v)),
        (100u64..3_000).prop_map(|n| ("health_check.inter_ms", ParamValue::Number(n as f64))),
        (1u32..5).prop_map(|n| ("health_check.fall", ParamValue::Number(n as f64))),
        (1u32..5).prop_map(|n| ("health_check.rise", ParamValue::Number(n as f64))),
        prop::sample::select(presets).prop_map(|v| ("health_check.preset", v)),
        (1u32..5).prop_map(|n| ("passive.max_fails", ParamValue::Number(n as f64))),
        (100u64..5_000).prop_map(|n| ("passive.fail_timeout_ms", ParamValue::Number(n as f64))),
        (1u64..3_000).prop_map(|n| ("timeout_connect_ms", ParamValue::Number(n as f64))),
        (1u64..5_000).prop_map(|n| ("timeout_server_ms", ParamValue::Number(n as f64))),
    ];
    let instance_param = prop_oneof![
        (1u32..12).prop_map(|n| ("workers", ParamValue::Number(n as f64))),
        (0u32..50).prop_map(|n| ("queue_capacity", ParamValue::Number(n as f64))),
        (1u32..80).prop_map(|n| ("service_time.mean_ms", ParamValue::Number(n as f64))),
        prop::sample::select(vec![
            text("constant"),
            text("exponential"),
            text("lognormal")
        ])
        .prop_map(|v| ("service_time.distribution", v)),
        (0u64..3_000).prop_map(|n| ("startup_ms", ParamValue::Number(n as f64))),
        (0u64..3_000).prop_map(|n| ("restart_after_ms", ParamValue::Number(n as f64))),
    ];
    let clients_param = prop_oneof![
        (0u32..600).prop_map(|n| ("rate_rps", ParamValue::Number(n as f64))),
        (100u64..5_000).prop_map(|n| ("timeout_ms", ParamValue::Number(n as f64))),
        (2u32..5_000).prop_map(|n| ("clients", ParamValue::Number(n as f64))),
    ];
    let inst = prop::sample::select(instances);
    prop_oneof![
        3 => (
            at.clone(),
            inst.clone(),
            prop::sample::select(vec![
                FaultAction::Crash,
                FaultAction::Unreachable,
                FaultAction::Heal,
                FaultAction::AddLatency,
                FaultAction::Gray,
            ]),
            0.0f64..1.0,
            0.0f64..800.0,
        )
            .prop_map(|(at, node, action, rate, extra)| {
                let mut f = Fault::new(at, action, &node);
                if action == FaultAction::AddLatency {
                    f.extra_latency_ms = Some(extra);
                }
                if action == FaultAction::Gray {
                    f.error_rate = Some(rate);
                    f.extra_latency_ms = Some(extra / 10.0);
                }
                f
            }),
        2 => (
            at.clone(),
            prop::sample::select(proxies),
            prop::sample::select(vec![
                FaultAction::Fail,
                FaultAction::Crash,
                FaultAction::Unreachable,
                FaultAction::Heal,
                FaultAction::Heal,
            ]),
        )
            .prop_map(|(at, node, action)| Fault::new(at, action, &node)),
        3 => (at.clone(), prop::sample::select(balancers), balancer_param)
            .prop_map(|(at, node, (param, v))| Fault::set(at, &node, param, v)),
        2 => (at.clone(), inst, instance_param)
            .prop_map(|(at, node, (param, v))| Fault::set(at, &node, param, v)),
        1 => (at, clients_param).prop_map(|(at, (param, v))| Fault::set(at, "clients", param, v)),
    ]
}

/// A scenario, the clicks made while it runs (in time order) and a seed.
fn arb_session() -> impl Strategy<Value = (Scenario, Vec<Fault>, u64)> {
    arb_user_scenario().prop_flat_map(|s| {
        let commands = prop::collection::vec(arb_command(&s), 0..14);
        (Just(s), commands, any::<u64>()).prop_map(|(s, mut cmds, seed)| {
            cmds.sort_by_key(|f| f.at_ms);
            (s, cmds, seed)
        })
    })
}

/// Runs the session with the clicks scheduled live (each at the moment the run reaches it),
/// calling `check` after every processed event or command until `RUN_S`.
fn run_live(
    s: &Scenario,
    commands: &[Fault],
    seed: u64,
    mut check: impl FnMut(&Simulation) -> Result<(), TestCaseError>,
    every_event: bool,
) -> Result<Simulation, TestCaseError> {
    let mut sim = Simulation::with_seed(s, seed)
        .map_err(|e| TestCaseError::fail(format!("generated an invalid scenario: {e}")))?;
    let mut advance = |sim: &mut Simulation, to: u64| -> Result<(), TestCaseError> {
        if every_event {
            while !sim.run_until(to, 1).reached {
                check(sim)?;
            }
        } else {
            let mut t = sim.now_us();
            while t < to {
                t = (t + 100_000).min(to);
                sim.run_until(t, u64::MAX);
            }
        }
        check(sim)
    };
    for c in commands {
        advance(&mut sim, c.at_ms * 1_000)?;
        // Invalid values for this moment (say, fewer clients than populations) are refused
        // here, as the inspector refuses them: the run goes on without them.
        let _ = sim.schedule(Fault {
            at_ms: 0, // "now": moved to the next whole millisecond
            ..c.clone()
        });
    }
    advance(&mut sim, RUN_S * US_PER_S)?;
    Ok(sim)
}

proptest! {
    #![proptest_config(config(48))]

    /// Conservation after every event and command, whatever is clicked when; live requests
    /// stay within what the client rate and timeout allow.
    #[test]
    fn conservation_holds_after_every_event_of_a_user_session((s, commands, seed) in arb_session()) {
        let max_rate = commands
            .iter()
            .filter(|f| f.param.as_deref() == Some("rate_rps"))
            .filter_map(|f| match f.value { Some(ParamValue::Number(n)) => Some(n), _ => None })
            .chain(s.traffic.profile.iter().map(|p| p.rate_rps))
            .fold(s.traffic.rate_rps, f64::max);
        let max_timeout_s = commands
            .iter()
            .filter(|f| f.param.as_deref() == Some("timeout_ms"))
            .filter_map(|f| match f.value { Some(ParamValue::Number(n)) => Some(n / 1_000.0), _ => None })
            .fold(s.traffic.timeout_ms as f64 / 1_000.0, f64::max);
        let bound = (max_rate * max_timeout_s * 3.0 + 64.0) as usize;
        let mut checked = 0u64;
        let sim = run_live(&s, &commands, seed, |sim| {
            let m = sim.metrics();
            prop_assert_eq!(
                m.sent,
                m.succeeded + m.failed_total() + sim.live_requests() as u64,
                "conservation at t = {} µs", sim.now_us()
            );
            prop_assert!(sim.live_requests() <= bound, "live {} > {bound}", sim.live_requests());
            checked += 1;
            Ok(())
        }, true)?;
        prop_assert!(checked > commands.len() as u64);
        prop_assert!(sim.now_us() == RUN_S * US_PER_S);
        let t = sim.totals();
        prop_assert_eq!(t.in_flight, sim.live_requests() as u64);
        prop_assert_eq!(t.sent, t.succeeded + t.failed + t.in_flight);
    }

}

proptest! {
    #![proptest_config(config(24))]

    /// Determinism: the same session twice gives the same trace hash and counts, and the
    /// commands the run recorded, scheduled up front on a fresh run, reproduce it (a share
    /// link replays the run exactly).
    #[test]
    fn a_session_replays_to_the_same_trace_hash((s, commands, seed) in arb_session()) {
        let ok = |_: &Simulation| Ok(());
        let a = run_live(&s, &commands, seed, ok, false)?;
        let b = run_live(&s, &commands, seed, ok, false)?;
        prop_assert_eq!(a.trace_hash(), b.trace_hash());
        prop_assert_eq!(a.events_processed(), b.events_processed());
        prop_assert_eq!(a.metrics().sent, b.metrics().sent);
        let mut replay = Simulation::with_seed(&s, seed)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for c in a.user_commands() {
            replay.schedule(c.clone()).map_err(|e| TestCaseError::fail(format!("{c:?}: {e}")))?;
        }
        replay.run_until(RUN_S * US_PER_S, u64::MAX);
        prop_assert_eq!(replay.trace_hash(), a.trace_hash(), "replay of {:?}", a.user_commands());
        prop_assert_eq!(replay.metrics().succeeded, a.metrics().succeeded);
    }
}
