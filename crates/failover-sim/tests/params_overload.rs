#![cfg(not(target_arch = "wasm32"))]
//! `set` and overrides on the overload and recovery options of issue 13 take the same path
//! a scenario file does: an override gives exactly the scenario with the field changed, a
//! `set` at time 0 runs event for event as that file does (the engine's copies of the spec
//! are refreshed), a bad value is refused with its reason and changes nothing.
mod common;
use common::*;
use failover_sim::params::{self, params_of};
use failover_sim::params_overload::GATEWAY_PARAMS;
use failover_sim::scenario::*;
use failover_sim::validate::{self, NameKind};
use failover_sim::Simulation;

type Mutate = fn(&mut Scenario);

fn n(v: f64) -> ParamValue {
    ParamValue::Number(v)
}
fn t(v: &str) -> ParamValue {
    ParamValue::Text(v.into())
}

/// (node, param, value, the same change made to the file). Every one starts from
/// `retry-storm` (a gateway, two checked balancers, client retries), run past its spike.
fn cases() -> Vec<(&'static str, &'static str, ParamValue, Mutate)> {
    vec![
        ("lb-1", "retry_budget", t("on"), |s| {
            s.balancers[0].retry_budget = Some(RetryBudget::default())
        }),
        ("lb-1", "retry_budget.budget_percent", n(35.0), |s| {
            s.balancers[0].retry_budget = Some(RetryBudget {
                budget_percent: 35.0,
                ..RetryBudget::default()
            })
        }),
        ("lb-2", "retry_budget.min_retry_concurrency", n(1.0), |s| {
            s.balancers[1].retry_budget = Some(RetryBudget {
                min_retry_concurrency: 1,
                ..RetryBudget::default()
            })
        }),
        ("lb-1", "circuit_breaker", ParamValue::Bool(true), |s| {
            s.balancers[0].circuit_breaker = Some(CircuitBreaker::default())
        }),
        ("lb-1", "circuit_breaker.max_connections", n(20.0), |s| {
            s.balancers[0].circuit_breaker = Some(CircuitBreaker {
                max_connections: 20,
                ..CircuitBreaker::default()
            })
        }),
        (
            "lb-1",
            "circuit_breaker.max_pending_requests",
            n(5.0),
            |s| {
                s.balancers[0].circuit_breaker = Some(CircuitBreaker {
                    max_pending_requests: 5,
                    ..CircuitBreaker::default()
                })
            },
        ),
        ("lb-1", "circuit_breaker.max_requests", n(30.0), |s| {
            s.balancers[0].circuit_breaker = Some(CircuitBreaker {
                max_requests: 30,
                ..CircuitBreaker::default()
            })
        }),
        ("lb-2", "circuit_breaker.max_retries", n(1.0), |s| {
            s.balancers[1].circuit_breaker = Some(CircuitBreaker {
                max_retries: 1,
                ..CircuitBreaker::default()
            })
        }),
        ("lb-1", "health_check.served_by", t("request-queue"), |s| {
            if let Some(h) = s.balancers[0].health_check.as_mut() {
                h.served_by = Some(CheckServedBy::RequestQueue)
            }
        }),
        ("lb-1", "health_check.liveness", t("on"), |s| {
            if let Some(h) = s.balancers[0].health_check.as_mut() {
                h.liveness = true
            }
        }),
        ("lb-1", "outlier_detection", t("on"), |s| {
            s.balancers[0].outlier_detection = Some(OutlierDetection::default())
        }),
        ("lb-1", "outlier_detection.interval_ms", n(2_000.0), |s| {
            s.balancers[0].outlier_detection = Some(OutlierDetection {
                interval_ms: 2_000,
                ..OutlierDetection::default()
            })
        }),
        (
            "lb-1",
            "outlier_detection.max_ejection_time_ms",
            n(60_000.0),
            |s| {
                s.balancers[0].outlier_detection = Some(OutlierDetection {
                    max_ejection_time_ms: 60_000,
                    ..OutlierDetection::default()
                })
            },
        ),
        ("lb-1", "observe", t("on"), |s| {
            s.balancers[0].observe = Some(Observe {
                error_limit: 10,
                on_error: OnError::FailCheck,
            })
        }),
        ("lb-1", "observe.error_limit", n(3.0), |s| {
            s.balancers[0].observe = Some(Observe {
                error_limit: 3,
                on_error: OnError::FailCheck,
            })
        }),
        ("lb-2", "observe.on_error", t("mark-down"), |s| {
            s.balancers[1].observe = Some(Observe {
                error_limit: 10,
                on_error: OnError::MarkDown,
            })
        }),
        ("lb-1", "slow_start", t("on"), |s| {
            s.balancers[0].slow_start = Some(slow_start(SlowStartRamp::Haproxy, 1.0, 10.0))
        }),
        ("lb-1", "slow_start.ramp", t("envoy"), |s| {
            s.balancers[0].slow_start = Some(slow_start(SlowStartRamp::Envoy, 1.0, 10.0))
        }),
        ("lb-1", "slow_start.aggression", n(2.5), |s| {
            s.balancers[0].slow_start = Some(slow_start(SlowStartRamp::Haproxy, 2.5, 10.0))
        }),
        ("lb-1", "slow_start.min_weight_percent", n(25.0), |s| {
            s.balancers[0].slow_start = Some(slow_start(SlowStartRamp::Haproxy, 1.0, 25.0))
        }),
        ("lb-1", "rollout.batch_size", n(2.0), |s| {
            s.balancers[0].rollout = Some(RolloutPolicy {
                batch_size: 2,
                ..RolloutPolicy::default()
            })
        }),
        ("lb-1", "rollout.bake_ms", n(5_000.0), |s| {
            s.balancers[0].rollout = Some(RolloutPolicy {
                bake_ms: 5_000,
                ..RolloutPolicy::default()
            })
        }),
        ("app-1", "load_shedding", t("on"), |s| {
            s.instances[0].load_shedding = true
        }),
        (
            "app-2",
            "deadline_propagation",
            ParamValue::Bool(true),
            |s| s.instances[1].deadline_propagation = true,
        ),
        ("app-1", "cold_start", t("on"), |s| {
            s.instances[0].cold_start = Some(ColdStart {
                warmup_ms: 30_000,
                service_time_multiplier: 4.0,
            })
        }),
        ("app-1", "cold_start.warmup_ms", n(10_000.0), |s| {
            s.instances[0].cold_start = Some(ColdStart {
                warmup_ms: 10_000,
                service_time_multiplier: 4.0,
            })
        }),
        ("app-3", "cold_start.service_time_multiplier", n(2.0), |s| {
            s.instances[2].cold_start = Some(ColdStart {
                warmup_ms: 30_000,
                service_time_multiplier: 2.0,
            })
        }),
        ("clients", "client_retry", t("off"), |s| {
            s.traffic.client_retry = None
        }),
        ("clients", "client_retry.max_attempts", n(2.0), |s| {
            client_retry(s).max_attempts = 2
        }),
        ("clients", "client_retry.backoff_base_ms", n(50.0), |s| {
            client_retry(s).backoff_base_ms = 50
        }),
        ("clients", "client_retry.backoff_cap_ms", n(400.0), |s| {
            client_retry(s).backoff_cap_ms = 400
        }),
        ("clients", "client_retry.jitter", t("none"), |s| {
            client_retry(s).jitter = Jitter::None
        }),
        (
            "clients",
            "client_retry.retry_quota_tokens",
            n(500.0),
            |s| client_retry(s).retry_quota_tokens = Some(500),
        ),
        ("gw-1", "retries", n(0.0), |s| s.gateways[0].retries = 0),
        ("gw-1", "timeout_connect_ms", n(250.0), |s| {
            s.gateways[0].timeout_connect_ms = 250
        }),
        ("gw-1", "retry_on_5xx", t("off"), |s| {
            s.gateways[0].retry_on_5xx = false
        }),
        ("gw-1", "passive.max_fails", n(3.0), |s| {
            s.gateways[0].passive.max_fails = 3
        }),
        ("gw-1", "passive.fail_timeout_ms", n(2_000.0), |s| {
            s.gateways[0].passive.fail_timeout_ms = 2_000
        }),
    ]
}

fn slow_start(ramp: SlowStartRamp, aggression: f64, min_weight_percent: f64) -> SlowStart {
    SlowStart {
        ramp,
        window_ms: 30_000,
        aggression,
        min_weight_percent,
    }
}

fn client_retry(s: &mut Scenario) -> &mut ClientRetry {
    s.traffic
        .client_retry
        .get_or_insert_with(ClientRetry::default)
}

/// retry-storm cut to 26 s: its spike (20–25 s) and the storm it leaves.
fn base() -> Scenario {
    let mut s = preset("retry-storm");
    s.duration_s = 26;
    s
}

fn hash_with_set_at_zero(s: &Scenario, node: &str, param: &str, v: &ParamValue) -> String {
    let mut s = s.clone();
    s.faults.push(Fault::set(0, node, param, v.clone()));
    let sim = run(&s, 1, s.duration_s);
    assert_conserved(&sim);
    sim.trace_hash_hex()
}

#[test]
fn every_new_parameter_is_listed_and_round_trips_through_set() {
    let base = base();
    for (node, param, v, mutate) in cases() {
        let kind = validate::lookup(&base, node).unwrap_or_else(|| panic!("no {node}"));
        assert!(
            params_of(kind).contains(&param),
            "{node}: {param} not in params_of"
        );
        let mut file = base.clone();
        mutate(&mut file);
        assert_ne!(file, base, "{node}.{param}: the case changes nothing");
        assert!(validate::validate(&file).is_ok(), "{node}.{param}");
        // An override (link `o=`, CLI `--set`) is exactly the file with the field changed,
        // and survives the file format.
        let mut overridden = base.clone();
        params::apply_to_scenario(&mut overridden, node, param, &v)
            .unwrap_or_else(|e| panic!("{node}.{param} = {v}: {e}"));
        assert_eq!(overridden, file, "{node}.{param} = {v}");
        let reread = Scenario::from_json(&overridden.to_json_pretty())
            .unwrap_or_else(|e| panic!("{node}.{param}: {e}"));
        assert_eq!(reread, file, "{node}.{param} through JSON");
        // A live `set` at 0 runs as the file does (the same command in both, a no-op in the
        // file's run): the engine picked every part of the change up.
        assert_eq!(
            hash_with_set_at_zero(&base, node, param, &v),
            hash_with_set_at_zero(&file, node, param, &v),
            "{node}.{param} = {v}: set at 0 differs from the file"
        );
    }
}

/// The four containment settings of `retry-budget`, set on `retry-storm` through `set`,
/// give exactly the `retry-budget` preset's run: the overrides are the file.
#[test]
fn retry_storm_with_the_containment_settings_is_the_retry_budget_run() {
    let mut storm = preset("retry-storm");
    let sets = [
        ("lb-1", "retry_budget", t("on")),
        ("lb-2", "retry_budget", t("on")),
        ("gw-1", "retry_on_5xx", t("off")),
        ("clients", "client_retry.retry_quota_tokens", n(500.0)),
        ("app-1", "deadline_propagation", t("on")),
        ("app-2", "deadline_propagation", t("on")),
        ("app-3", "deadline_propagation", t("on")),
    ];
    let before = run(&storm, 1, 40);
    for (node, param, v) in &sets {
        params::apply_to_scenario(&mut storm, node, param, v).unwrap_or_else(|e| panic!("{e}"));
    }
    let contained = run(&storm, 1, 40);
    let budget = run(&preset("retry-budget"), 1, 40);
    assert_eq!(contained.trace_hash_hex(), budget.trace_hash_hex());
    // And the same settings made live at 1 s recover the storm too.
    let mut live = preset("retry-storm");
    for (node, param, v) in &sets {
        live.faults.push(Fault::set(1_000, node, param, v.clone()));
    }
    let live = run(&live, 1, 40);
    let ok = |sim: &Simulation| sim.metrics().succeeded as f64 / sim.metrics().sent as f64;
    assert!(ok(&live) > 0.85, "live containment: {:.3}", ok(&live));
    assert!(ok(&before) < 0.6, "storm: {:.3}", ok(&before));
}

#[test]
fn switching_an_option_off_removes_it_and_a_field_can_switch_it_off_too() {
    let budget = preset("retry-budget");
    for (node, param, v) in [
        ("lb-1", "retry_budget", t("off")),
        ("lb-1", "retry_budget", t("none")),
        ("lb-1", "retry_budget.budget_percent", t("none")),
        (
            "lb-1",
            "retry_budget.min_retry_concurrency",
            ParamValue::Bool(false),
        ),
    ] {
        let mut s = budget.clone();
        params::apply_to_scenario(&mut s, node, param, &v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.balancers[0].retry_budget, None, "{param} = {v}");
        assert!(s.balancers[1].retry_budget.is_some());
    }
    // On keeps an existing option as it is.
    let mut s = budget.clone();
    params::apply_to_scenario(&mut s, "lb-1", "retry_budget.budget_percent", &n(5.0))
        .unwrap_or_else(|e| panic!("{e}"));
    params::apply_to_scenario(&mut s, "lb-1", "retry_budget", &t("on"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.balancers[0]
            .retry_budget
            .as_ref()
            .map(|r| r.budget_percent),
        Some(5.0)
    );
    // `none` on the quota is "no quota", and on the jitter "no jitter": not the option off.
    params::apply_to_scenario(
        &mut s,
        "clients",
        "client_retry.retry_quota_tokens",
        &t("none"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    params::apply_to_scenario(&mut s, "clients", "client_retry.jitter", &t("none"))
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .traffic
        .client_retry
        .as_ref()
        .unwrap_or_else(|| panic!("client retries gone"));
    assert_eq!((c.retry_quota_tokens, c.jitter), (None, Jitter::None));
}

#[test]
fn bad_values_are_refused_with_their_reason_and_change_nothing() {
    let base = base();
    let cases: Vec<(&str, &str, ParamValue, &str)> = vec![
        (
            "lb-1",
            "retry_budget.budget_percent",
            n(150.0),
            "between 0 and 100",
        ),
        (
            "lb-1",
            "retry_budget.budget_percent",
            t("lots"),
            "not a number",
        ),
        ("lb-1", "retry_budget", t("maybe"), "not on or off"),
        (
            "lb-1",
            "circuit_breaker.max_requests",
            n(-1.0),
            "whole number",
        ),
        ("lb-1", "circuit_breaker.max_connections", n(2e6), "between"),
        (
            "lb-1",
            "observe.on_error",
            t("explode"),
            "fastinter, fail-check",
        ),
        ("lb-1", "slow_start.aggression", n(0.0), "above 0"),
        (
            "lb-1",
            "slow_start.ramp",
            t("nginx"),
            "haproxy, envoy or alb",
        ),
        ("lb-1", "rollout.batch_size", n(0.0), "between 1"),
        (
            "lb-1",
            "health_check.served_by",
            t("sidecar"),
            "dedicated-listener or request-queue",
        ),
        ("lb-1", "outlier_detection.interval_ms", n(5.0), "between"),
        (
            "app-1",
            "cold_start.service_time_multiplier",
            n(0.5),
            "between 1",
        ),
        ("app-1", "load_shedding", t("sometimes"), "true or false"),
        ("clients", "client_retry.max_attempts", n(0.0), "between 1"),
        ("clients", "client_retry.jitter", t("half"), "full or none"),
        (
            "clients",
            "client_retry.retry_quota_tokens",
            n(1e9),
            "between",
        ),
        ("gw-1", "retries", n(11.0), "between 0 and 10"),
        ("gw-1", "timeout_connect_ms", n(0.0), "between 1"),
        ("gw-1", "nonsense", n(1.0), "unknown parameter"),
    ];
    for (node, param, v, want) in cases {
        let mut s = base.clone();
        let err = params::apply_to_scenario(&mut s, node, param, &v)
            .err()
            .unwrap_or_else(|| panic!("{node}.{param} = {v} accepted"));
        assert!(err.contains(want), "{node}.{param} = {v}: {err}");
        assert_eq!(s, base, "{node}.{param} = {v} changed the scenario");
        // A command with it is refused before it is scheduled, and a file with it does not
        // validate: the error names the field it came in.
        let mut sim = Simulation::new(&base).unwrap_or_else(|e| panic!("{e}"));
        let refused = sim
            .schedule(Fault::set(1_000, node, param, v.clone()))
            .err()
            .unwrap_or_else(|| panic!("{node}.{param} = {v} scheduled"));
        assert!(
            refused.contains("command.value") && refused.contains(want),
            "{refused}"
        );
        let mut file = base.clone();
        file.faults.push(Fault::set(1_000, node, param, v.clone()));
        let e = validate::validate(&file)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("faults[0].value"), "{e}");
    }
    // Observe needs active checks, as in a file.
    let mut s = base.clone();
    params::apply_to_scenario(&mut s, "lb-1", "health_check.preset", &t("none"))
        .unwrap_or_else(|e| panic!("{e}"));
    let before = s.clone();
    let err = params::apply_to_scenario(&mut s, "lb-1", "observe", &t("on"))
        .err()
        .unwrap_or_default();
    assert!(err.contains("needs a health_check"), "{err}");
    assert_eq!(s, before);
    let err = params::apply_to_scenario(&mut s, "lb-1", "health_check.liveness", &t("on"))
        .err()
        .unwrap_or_default();
    assert!(err.contains("needs active checks"), "{err}");
}

#[test]
fn gateways_list_their_parameters_and_zones_still_have_none() {
    let s = base();
    assert_eq!(params_of(NameKind::Gateway(0)), GATEWAY_PARAMS);
    assert!(params_of(NameKind::Domain).is_empty());
    let mut with_db = preset("db-sync");
    let err = params::apply_to_scenario(&mut with_db, "db-primary", "retries", &n(1.0))
        .err()
        .unwrap_or_default();
    assert!(err.contains("database"), "{err}");
    // A gateway's set during a run acts on its next request: no retries on 5xx after 1 s
    // means no gateway-layer retries from then on.
    let mut live = s.clone();
    live.faults.push(Fault::set(
        1_000,
        "gw-1",
        "retry_on_5xx",
        ParamValue::Bool(false),
    ));
    live.faults
        .push(Fault::set(1_000, "gw-1", "retries", n(0.0)));
    let sim = run(&live, 1, s.duration_s);
    let gw = failover_sim::overload_metrics::RetryLayer::Gateway.index();
    let storm = run(&s, 1, s.duration_s);
    assert!(storm.overload_metrics().retries_total[gw] > 1_000);
    assert_eq!(sim.overload_metrics().retries_total[gw], 0);
    assert_eq!(sim.scenario().gateways[0].retries, 0);
}
