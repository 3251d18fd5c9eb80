//! Share links carry `set` commands and overrides on the overload and recovery options of
//! issue 13 (`params_overload.rs`): a link made from live edits replays to the same trace
//! hash, and `retry-storm` with the containment settings as overrides is `retry-budget`.
#![cfg(not(target_arch = "wasm32"))]

use failover_lab::share::{self, Override, Recipe};
use failover_lab::sim::presets;
use failover_lab::sim::time::US_PER_S;
use failover_lab::sim::{Fault, ParamValue, Simulation};

fn text(v: &str) -> ParamValue {
    ParamValue::Text(v.into())
}

/// Edits made in the inspector during a run, as (node, param, value) at 2 s.
fn live_edits() -> Vec<Fault> {
    [
        ("lb-1", "retry_budget", ParamValue::Bool(true)),
        (
            "lb-2",
            "retry_budget.budget_percent",
            ParamValue::Number(10.0),
        ),
        (
            "lb-2",
            "circuit_breaker.max_retries",
            ParamValue::Number(1.0),
        ),
        ("gw-1", "retry_on_5xx", ParamValue::Bool(false)),
        ("clients", "client_retry.jitter", text("none")),
        (
            "clients",
            "client_retry.retry_quota_tokens",
            ParamValue::Number(200.0),
        ),
        ("app-1", "deadline_propagation", ParamValue::Bool(true)),
        ("app-2", "cold_start.warmup_ms", ParamValue::Number(5_000.0)),
        ("lb-1", "slow_start.ramp", text("envoy")),
    ]
    .into_iter()
    .map(|(node, param, v)| Fault::set(2_000, node, param, v))
    .collect()
}

#[test]
fn live_sets_on_new_parameters_replay_from_the_link_to_the_same_trace_hash() {
    let storm = presets::find("retry-storm").expect("preset").scenario();
    // Live: the run goes, the user edits at 2 s.
    let mut live = Simulation::new(&storm).expect("valid");
    live.run_for(2 * US_PER_S);
    let mut commands = Vec::new();
    for f in live_edits() {
        commands.push(live.schedule(f).unwrap_or_else(|e| panic!("{e}")));
    }
    live.run_for(38 * US_PER_S);
    // The link the app writes, read back and replayed.
    let recipe = Recipe {
        commands,
        ..Recipe::preset("retry-storm")
    };
    let link = share::encode(&recipe);
    assert!(
        link.contains("2000:set:lb-2:retry_budget.budget_percent:10")
            && link.contains("2000:set:clients:client_retry.jitter:none"),
        "{link}"
    );
    let back = share::decode(&link).expect("decodes").expect("a recipe");
    assert_eq!(back, recipe);
    let mut replay = back.build().expect("builds");
    replay.run_for(40 * US_PER_S);
    assert_eq!(replay.trace_hash_hex(), live.trace_hash_hex());
    // The edits did change the run.
    let mut plain = Simulation::new(&storm).expect("valid");
    plain.run_for(40 * US_PER_S);
    assert_ne!(plain.trace_hash_hex(), live.trace_hash_hex());
    assert!(!replay.scenario().gateways[0].retry_on_5xx);
}

#[test]
fn overrides_of_the_containment_settings_make_retry_storm_the_retry_budget_run() {
    let o = |node: &str, param: &str, value: ParamValue| Override {
        node: node.into(),
        param: param.into(),
        value,
    };
    let recipe = Recipe {
        overrides: vec![
            o("lb-1", "retry_budget", ParamValue::Bool(true)),
            o("lb-2", "retry_budget", ParamValue::Bool(true)),
            o("gw-1", "retry_on_5xx", ParamValue::Bool(false)),
            o(
                "clients",
                "client_retry.retry_quota_tokens",
                ParamValue::Number(500.0),
            ),
            o("app-1", "deadline_propagation", ParamValue::Bool(true)),
            o("app-2", "deadline_propagation", ParamValue::Bool(true)),
            o("app-3", "deadline_propagation", ParamValue::Bool(true)),
        ],
        ..Recipe::preset("retry-storm")
    };
    let link = share::encode(&recipe);
    assert!(link.contains("o=lb-1:retry_budget:true"), "{link}");
    let back = share::decode(&link).expect("decodes").expect("a recipe");
    assert_eq!(back, recipe);
    let mut contained = back.build().expect("builds");
    contained.run_for(30 * US_PER_S);
    let mut budget = Recipe::preset("retry-budget").build().expect("builds");
    budget.run_for(30 * US_PER_S);
    assert_eq!(contained.trace_hash_hex(), budget.trace_hash_hex());
    // A bad override is refused with its place and the field's reason.
    let bad = "v=3&p=retry-storm&o=lb-1:retry_budget.budget_percent:150";
    let err = share::decode(bad)
        .and_then(|r| r.map(|r| r.scenario().map(drop)).transpose())
        .err()
        .unwrap_or_default();
    assert!(err.contains("between 0 and 100, got 150"), "{err}");
}
