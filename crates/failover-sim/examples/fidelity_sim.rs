//! The simulator's side of `make fidelity-real` (scripts/fidelity_real.py): the loopback
//! experiments' configurations as scenarios, run at the fault times the real runs used.
//!
//! `cargo run --release -p failover-sim --example fidelity_sim -- CASE FAULT_MS SEED RUN_S`
//! prints one JSON object. CASE is `crash` (HAProxy, the default preset), `freeze`
//! (HAProxy with `timeout connect 2s` and `timeout check 2s`, the backend SIGSTOP'd) or
//! `nginx-crash` (NGINX `max_fails=1 fail_timeout=10s`, default `proxy_next_upstream`).
use failover_sim::presets;
use failover_sim::snapshot::LogKind;
use failover_sim::time::{us_to_s, US_PER_S};
use failover_sim::{Fault, FaultAction, Scenario, Simulation};

/// Loopback: one hop is a few tens of microseconds.
const LOOPBACK_HOP_MS: f64 = 0.05;

fn scenario(case: &str, fault_ms: u64) -> Result<Scenario, String> {
    let (preset, action) = match case {
        "crash" => ("redundant-behind-lb", FaultAction::Crash),
        "freeze" => ("redundant-behind-lb", FaultAction::Freeze),
        "nginx-crash" => ("nginx-passive", FaultAction::Crash),
        other => {
            return Err(format!(
                "unknown case `{other}` (crash, freeze, nginx-crash)"
            ))
        }
    };
    let mut s = presets::find(preset)
        .ok_or_else(|| format!("no preset {preset}"))?
        .scenario();
    s.network.latency_ms = LOOPBACK_HOP_MS;
    // The real backends are thread-per-request Python servers: no worker limit to speak of,
    // and Python's listen(5), where Linux queues 6 connections.
    for i in s.instances.iter_mut() {
        i.workers = 256;
        i.accept_backlog = 6;
    }
    if case == "freeze" {
        let lb = &mut s.balancers[0];
        lb.timeout_connect_ms = 2_000;
        if let Some(hc) = lb.health_check.as_mut() {
            hc.timeout_ms = Some(2_000);
        }
    }
    s.faults = vec![Fault::new(fault_ms, action, "app-2")];
    Ok(s)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, fault_ms, seed, run_s] = args.as_slice() else {
        return Err("usage: fidelity_sim CASE FAULT_MS SEED RUN_S".into());
    };
    let num = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| format!("`{s}` is not a number"))
    };
    let (fault_ms, seed, run_s) = (num(fault_ms)?, num(seed)?, num(run_s)?);
    let s = scenario(case, fault_ms)?;
    let mut sim = Simulation::with_seed(&s, seed).map_err(|e| e.to_string())?;
    sim.run_for(run_s * US_PER_S);
    let m = sim.metrics();
    let rec = m.failures.iter().find(|f| f.node_name == "app-2");
    let detected_s = rec.and_then(|r| r.detected_at_us.map(|t| us_to_s(t - r.fault_at_us)));
    // Every "marked down" of app-2, one per probe of the dead server (NGINX re-tries).
    let snap = sim.snapshot();
    let node = snap.nodes.iter().find(|n| n.name == "app-2").map(|n| n.id);
    let mut marks: Vec<f64> = Vec::new();
    for e in &snap.log {
        let t = us_to_s(e.at_us);
        if e.kind == LogKind::Detection
            && e.node == node
            && marks.last().is_none_or(|&p| t > p + 1.0)
        {
            marks.push(t);
        }
    }
    let gaps: Vec<String> = marks
        .windows(2)
        .map(|w| format!("{:.3}", w[1] - w[0]))
        .collect();
    println!(
        "{{\"case\":\"{case}\",\"seed\":{seed},\"fault_ms\":{fault_ms},\"detected_s\":{},\
         \"slow_1s\":{},\"failed\":{},\"retried\":{},\"probe_gaps_s\":[{}]}}",
        detected_s.map_or("null".to_string(), |d| format!("{d:.3}")),
        m.latency.count_at_least(US_PER_S),
        m.failed_total(),
        m.retried,
        gaps.join(",")
    );
    Ok(())
}
