//! The benchmark model, shared by the native `failover-lab bench` subcommand and the wasm32
//! export `bench_redundant_lb` (src/wasm_bench.rs), so both run exactly the same scenario and
//! must end with the same trace hash (the cross-platform determinism check of `make bench`).
//!
//! The model is the `redundant-behind-lb` preset without its faults: Poisson clients, one
//! HAProxy-style round-robin balancer with active checks, three instances of 8 workers and
//! a 256-deep queue. benches/simpy_redundant_lb.py is the same model in SimPy.
//! Timing is the caller's business (std::time on native, performance.now() in JS).
use crate::sim::presets;
use crate::sim::scenario::Scenario;
use crate::sim::time::US_PER_S;
use crate::sim::Simulation;

/// The preset the benchmark runs.
pub const PRESET: &str = "redundant-behind-lb";

/// The benchmark scenario: `PRESET` with its faults removed, `rate_rps` arrivals per second
/// for `seconds` simulated seconds. Out-of-range values are reported by `run` (validation).
pub fn scenario(seconds: u64, rate_rps: f64) -> Result<Scenario, String> {
    let preset = presets::find(PRESET).ok_or_else(|| format!("preset `{PRESET}` is missing"))?;
    let mut s = preset.scenario();
    s.faults.clear();
    s.traffic.rate_rps = rate_rps;
    s.duration_s = seconds;
    Ok(s)
}

/// The same model with every overload and recovery guard of issue #13 switched on, so their
/// bookkeeping runs on every request (`make bench`'s second row): AWS SDK client retries with
/// a retry quota, an Envoy retry budget, circuit breakers and outlier detection, HAProxy slow
/// start, checks served by the request queue, load shedding and deadline propagation. Set
/// through the scenario format (a JSON patch of the documented field names), so it is exactly
/// what a scenario file with these fields would run.
pub fn guarded_scenario(seconds: u64, rate_rps: f64) -> Result<Scenario, String> {
    let plain = scenario(seconds, rate_rps)?;
    let mut v = serde_json::to_value(&plain).map_err(|e| e.to_string())?;
    v["name"] = "redundant-behind-lb-guarded".into();
    v["traffic"]["client_retry"] = serde_json::json!({
        "max_attempts": 3, "backoff_base_ms": 100, "backoff_cap_ms": 20000,
        "jitter": "full", "retry_quota_tokens": 500
    });
    for b in v["balancers"]
        .as_array_mut()
        .ok_or("the preset has no balancers")?
    {
        b["retry_budget"] =
            serde_json::json!({ "budget_percent": 20.0, "min_retry_concurrency": 3 });
        b["circuit_breaker"] = serde_json::json!({});
        b["outlier_detection"] = serde_json::json!({});
        b["slow_start"] = serde_json::json!({ "ramp": "haproxy", "window_ms": 60000 });
        b["health_check"]["served_by"] = "request-queue".into();
    }
    for i in v["instances"]
        .as_array_mut()
        .ok_or("the preset has no instances")?
    {
        i["load_shedding"] = true.into();
        i["deadline_propagation"] = true.into();
    }
    serde_json::from_value(v).map_err(|e| format!("the guarded benchmark scenario: {e}"))
}

/// `guarded`: `guarded_scenario`, else `scenario`.
pub fn scenario_of(guarded: bool, seconds: u64, rate_rps: f64) -> Result<Scenario, String> {
    if guarded {
        guarded_scenario(seconds, rate_rps)
    } else {
        scenario(seconds, rate_rps)
    }
}

/// Build `scenario` with its own seed and run it to its end: the part that is timed.
pub fn run(scenario: &Scenario) -> Result<Simulation, String> {
    let mut sim =
        Simulation::new(scenario).map_err(|e| format!("invalid benchmark scenario:\n{e}"))?;
    sim.run_for(scenario.duration_s.saturating_mul(US_PER_S));
    Ok(sim)
}

/// The deterministic results of a run, as the JSON fields both benchmarks print.
pub fn outcome(sim: &Simulation) -> serde_json::Map<String, serde_json::Value> {
    let r = sim.report(0.0);
    let mut m = serde_json::Map::new();
    m.insert("model".into(), sim.scenario().name.clone().into());
    m.insert("rate_rps".into(), sim.scenario().traffic.rate_rps.into());
    m.insert("sim_seconds".into(), sim.scenario().duration_s.into());
    m.insert("requests".into(), r.requests.sent.into());
    m.insert("succeeded".into(), r.requests.succeeded.into());
    m.insert("failed".into(), r.requests.failed.into());
    m.insert("in_flight".into(), r.requests.in_flight.into());
    m.insert("mean_latency_ms".into(), r.latency_ms.mean.into());
    m.insert("events".into(), r.events.into());
    m.insert("trace_hash".into(), r.trace_hash.into());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_model_is_the_preset_without_faults_and_is_deterministic() {
        let s = scenario(5, 1_000.0).expect("the bench scenario builds");
        assert!(s.faults.is_empty());
        assert_eq!(s.name, PRESET);
        let (a, b) = (run(&s).expect("valid"), run(&s).expect("valid"));
        assert_eq!(a.trace_hash(), b.trace_hash());
        let out = outcome(&a);
        assert!(out["requests"]
            .as_u64()
            .is_some_and(|n| (4_500..5_500).contains(&n)));
        assert_eq!(out["trace_hash"], a.trace_hash_hex().as_str());
    }

    #[test]
    fn guarded_model_switches_every_guard_on_and_runs() {
        let s = guarded_scenario(5, 1_000.0).expect("the guarded scenario builds");
        assert!(s.traffic.client_retry.is_some());
        for b in &s.balancers {
            assert!(b.retry_budget.is_some() && b.circuit_breaker.is_some());
            assert!(b.outlier_detection.is_some() && b.slow_start.is_some());
        }
        assert!(s
            .instances
            .iter()
            .all(|i| i.load_shedding && i.deadline_propagation));
        let (a, b) = (run(&s).expect("valid"), run(&s).expect("valid"));
        assert_eq!(a.trace_hash(), b.trace_hash());
        let plain = run(&scenario(5, 1_000.0).expect("builds")).expect("valid");
        assert_ne!(
            a.trace_hash(),
            plain.trace_hash(),
            "the guards change the run"
        );
        assert_eq!(outcome(&a)["model"], "redundant-behind-lb-guarded");
    }

    #[test]
    fn out_of_range_inputs_are_errors_not_panics() {
        for (seconds, rate) in [
            (0, 1_000.0),
            (10, f64::NAN),
            (10, -1.0),
            (10, 1e9),
            (u64::MAX, 1.0),
        ] {
            let s = scenario(seconds, rate).expect("building never fails");
            assert!(
                run(&s).is_err(),
                "{seconds} s at {rate} rps should be rejected"
            );
        }
    }
}
