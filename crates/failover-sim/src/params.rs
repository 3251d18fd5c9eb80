//! Named parameters that can change while a run is going (`set` commands, the inspector,
//! URL overrides). One function per node kind applies a change to the *scenario spec* of
//! that node; the engine then rebuilds the component's resolved settings from the spec, so
//! scenario files, URL overrides and live edits share one code path and one validation.
use super::limits::MAX_OVERRIDES;
use super::params_overload::{self as overload, GATEWAY_PARAMS};
use super::scenario::*;
use super::validate::{self, NameKind, Problems};

pub const TRAFFIC_PARAMS: &[&str] = &[
    "rate_rps",
    "timeout_ms",
    "clients",
    "client_retry",
    "client_retry.max_attempts",
    "client_retry.backoff_base_ms",
    "client_retry.backoff_cap_ms",
    "client_retry.jitter",
    "client_retry.retry_quota_tokens",
];
pub const BALANCER_PARAMS: &[&str] = &[
    "algorithm",
    "retries",
    "redispatch",
    "when_all_down",
    "cross_zone",
    "timeout_connect_ms",
    "timeout_server_ms",
    "retry_budget",
    "retry_budget.budget_percent",
    "retry_budget.min_retry_concurrency",
    "circuit_breaker",
    "circuit_breaker.max_connections",
    "circuit_breaker.max_pending_requests",
    "circuit_breaker.max_requests",
    "circuit_breaker.max_retries",
    "health_check.preset",
    "health_check.inter_ms",
    "health_check.fastinter_ms",
    "health_check.downinter_ms",
    "health_check.rise",
    "health_check.fall",
    "health_check.timeout_ms",
    "health_check.served_by",
    "health_check.liveness",
    "passive.max_fails",
    "passive.fail_timeout_ms",
    "outlier_detection",
    "outlier_detection.consecutive_5xx",
    "outlier_detection.interval_ms",
    "outlier_detection.base_ejection_time_ms",
    "outlier_detection.max_ejection_time_ms",
    "outlier_detection.max_ejection_percent",
    "observe",
    "observe.error_limit",
    "observe.on_error",
    "panic_threshold_percent",
    "slow_start",
    "slow_start.window_ms",
    "slow_start.ramp",
    "slow_start.aggression",
    "slow_start.min_weight_percent",
    "rollout.batch_size",
    "rollout.bake_ms",
    "deregistration_delay_ms",
    "maxconn",
    "timeout_queue_ms",
    "maxqueue",
];
pub const INSTANCE_PARAMS: &[&str] = &[
    "workers",
    "queue_capacity",
    "service_time.mean_ms",
    "service_time.distribution",
    "startup_ms",
    "restart_after_ms",
    "load_shedding",
    "deadline_propagation",
    "cold_start",
    "cold_start.warmup_ms",
    "cold_start.service_time_multiplier",
];

/// The parameters `set` knows for a kind of node (none for zones, regions, DNS and
/// databases).
pub fn params_of(kind: NameKind) -> &'static [&'static str] {
    match kind {
        NameKind::Clients => TRAFFIC_PARAMS,
        NameKind::Balancer(_) => BALANCER_PARAMS,
        NameKind::Instance(_) => INSTANCE_PARAMS,
        NameKind::Gateway(_) => GATEWAY_PARAMS,
        NameKind::Domain | NameKind::Dns | NameKind::Database(_) => &[],
    }
}

pub(crate) fn number(v: &ParamValue) -> Result<f64, String> {
    match v {
        ParamValue::Number(n) if n.is_finite() => Ok(*n),
        ParamValue::Text(t) => t
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("`{t}` is not a number")),
        other => Err(format!("`{other}` is not a number")),
    }
}

pub(crate) fn whole(v: &ParamValue) -> Result<u64, String> {
    let n = number(v)?;
    if n < 0.0 || n.fract() != 0.0 || n > 1e15 {
        return Err(format!("`{v}` is not a whole number ≥ 0"));
    }
    Ok(n as u64)
}

pub(crate) fn whole32(v: &ParamValue) -> Result<u32, String> {
    let n = whole(v)?;
    u32::try_from(n).map_err(|_| format!("`{v}` is too large"))
}

pub(crate) fn switch(v: &ParamValue) -> Result<bool, String> {
    match v {
        ParamValue::Bool(b) => Ok(*b),
        ParamValue::Text(t) if t == "true" || t == "on" => Ok(true),
        ParamValue::Text(t) if t == "false" || t == "off" => Ok(false),
        other => Err(format!("`{other}` is not true or false")),
    }
}

pub(crate) fn word(v: &ParamValue) -> String {
    match v {
        ParamValue::Text(t) => t.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn unknown(param: &str, known: &[&str]) -> String {
    format!("unknown parameter `{param}` (known: {})", known.join(", "))
}

/// A validated change of one traffic parameter.
enum TrafficEdit {
    RateRps(f64),
    TimeoutMs(u64),
    Clients(u32),
    ClientRetry(Option<ClientRetry>),
}

/// Check `param = v` against the traffic section `t` with the validation a file gets (`dns`:
/// the scenario has DNS in front), without copying it.
fn traffic_edit(
    t: &Traffic,
    dns: bool,
    param: &str,
    v: &ParamValue,
) -> Result<TrafficEdit, String> {
    let mut p = Problems::default();
    let edit = match param {
        "rate_rps" => {
            let n = number(v)?;
            validate::validate_rate_rps(n, "traffic.rate_rps", &mut p);
            TrafficEdit::RateRps(n)
        }
        "timeout_ms" => {
            let n = whole(v)?;
            validate::validate_client_timeout_ms(n, "traffic.timeout_ms", &mut p);
            TrafficEdit::TimeoutMs(n)
        }
        "clients" => {
            let n = whole32(v)?;
            validate::validate_clients(n, t.populations.len(), dns, "traffic", &mut p);
            TrafficEdit::Clients(n)
        }
        _ => match overload::client_retry_edit(&t.client_retry, param, v) {
            Ok(next) => TrafficEdit::ClientRetry(next),
            Err(Some(e)) => return Err(e),
            Err(None) => return Err(unknown(param, TRAFFIC_PARAMS)),
        },
    };
    first_problem(p)?;
    Ok(edit)
}

/// Change one traffic parameter. `dns`: the scenario has DNS in front (it bounds `clients`,
/// as it does in a file). Atomic: on error `spec` is left as it was.
pub fn apply_traffic(
    spec: &mut Traffic,
    dns: bool,
    param: &str,
    v: &ParamValue,
) -> Result<(), String> {
    match traffic_edit(spec, dns, param, v)? {
        TrafficEdit::RateRps(n) => spec.rate_rps = n,
        TrafficEdit::TimeoutMs(n) => spec.timeout_ms = n,
        TrafficEdit::Clients(n) => spec.clients = n,
        TrafficEdit::ClientRetry(c) => spec.client_retry = c,
    }
    Ok(())
}

/// A copy of the balancer without its targets, zone and failures: everything `set` may
/// change, cheap to copy however many targets the balancer has. (A struct literal without
/// `..`, so a new field has to be placed here or below.)
fn balancer_settings(b: &Balancer) -> Balancer {
    Balancer {
        name: b.name.clone(),
        algorithm: b.algorithm,
        targets: Vec::new(),
        retries: b.retries,
        redispatch: b.redispatch,
        retry_on: b.retry_on.clone(),
        timeout_connect_ms: b.timeout_connect_ms,
        timeout_server_ms: b.timeout_server_ms,
        when_all_down: b.when_all_down,
        health_check: b.health_check.clone(),
        passive: b.passive.clone(),
        next_upstream: b.next_upstream.clone(),
        next_upstream_tries: b.next_upstream_tries,
        zone: None,
        cross_zone: b.cross_zone,
        failures: None,
        outlier_detection: b.outlier_detection.clone(),
        observe: b.observe.clone(),
        panic_threshold_percent: b.panic_threshold_percent,
        slow_start: b.slow_start.clone(),
        deregistration_delay_ms: b.deregistration_delay_ms,
        rollout: b.rollout.clone(),
        retry_budget: b.retry_budget.clone(),
        circuit_breaker: b.circuit_breaker.clone(),
        autoscaling: b.autoscaling.clone(),
        maxconn: b.maxconn,
        timeout_queue_ms: b.timeout_queue_ms,
        maxqueue: b.maxqueue,
    }
}

/// `param = v` applied to a settings copy of `spec` and validated like a file's balancer.
fn balancer_edit(spec: &Balancer, param: &str, v: &ParamValue) -> Result<Balancer, String> {
    let mut next = balancer_settings(spec);
    let b = &mut next;
    fn hc(b: &mut Balancer) -> &mut HealthCheck {
        b.health_check.get_or_insert_with(HealthCheck::default)
    }
    fn outlier(b: &mut Balancer) -> &mut OutlierDetection {
        b.outlier_detection
            .get_or_insert_with(OutlierDetection::default)
    }
    fn passive(b: &mut Balancer) -> &mut PassiveHealth {
        b.passive.get_or_insert(PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        })
    }
    match param {
        "algorithm" => {
            let w = word(v);
            b.algorithm = Algorithm::parse(&w).ok_or_else(|| {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                format!("unknown algorithm `{w}` (known: {})", names.join(", "))
            })?
        }
        "retries" => b.retries = whole32(v)?,
        "redispatch" => b.redispatch = switch(v)?,
        "cross_zone" => b.cross_zone = switch(v)?,
        "when_all_down" => {
            b.when_all_down = match word(v).as_str() {
                "reject" => WhenAllDown::Reject,
                "fail-open" => WhenAllDown::FailOpen,
                other => return Err(format!("`{other}` is not reject or fail-open")),
            }
        }
        "timeout_connect_ms" => b.timeout_connect_ms = whole(v)?,
        "timeout_server_ms" => b.timeout_server_ms = whole(v)?,
        "health_check.preset" => {
            let w = word(v);
            if w == "none" {
                b.health_check = None;
            } else {
                let preset = CheckPreset::parse(&w).ok_or_else(|| {
                    format!("unknown health-check preset `{w}` (known: haproxy, aws-alb, kubernetes, none)")
                })?;
                // A vendor preset replaces every check parameter, as picking a vendor would.
                b.health_check = Some(HealthCheck {
                    preset: Some(preset),
                    ..HealthCheck::default()
                });
            }
        }
        "health_check.inter_ms" => hc(b).inter_ms = Some(whole(v)?),
        "health_check.fastinter_ms" => hc(b).fastinter_ms = Some(whole(v)?),
        "health_check.downinter_ms" => hc(b).downinter_ms = Some(whole(v)?),
        "health_check.rise" => hc(b).rise = Some(whole32(v)?),
        "health_check.fall" => hc(b).fall = Some(whole32(v)?),
        "health_check.timeout_ms" => hc(b).timeout_ms = Some(whole(v)?),
        "passive.max_fails" => passive(b).max_fails = whole32(v)?,
        "passive.fail_timeout_ms" => passive(b).fail_timeout_ms = whole(v)?,
        "outlier_detection.consecutive_5xx" => outlier(b).consecutive_5xx = whole32(v)?,
        "outlier_detection.base_ejection_time_ms" => outlier(b).base_ejection_time_ms = whole(v)?,
        "outlier_detection.max_ejection_percent" => outlier(b).max_ejection_percent = whole32(v)?,
        // `none` (or `off`) turns Envoy's panic mode off.
        "panic_threshold_percent" => {
            b.panic_threshold_percent = match word(v).as_str() {
                "none" | "off" => None,
                _ => Some(whole32(v)?),
            }
        }
        "slow_start.window_ms" => {
            let window_ms = whole(v)?;
            match b.slow_start.as_mut() {
                Some(ss) => ss.window_ms = window_ms,
                None => {
                    b.slow_start = Some(SlowStart {
                        ramp: SlowStartRamp::Haproxy,
                        window_ms,
                        aggression: 1.0,
                        min_weight_percent: 10.0,
                    })
                }
            }
        }
        "deregistration_delay_ms" => b.deregistration_delay_ms = whole(v)?,
        // HAProxy server `maxconn`; `none` (or `off`) lifts the limit.
        "maxconn" => b.maxconn = optional(v, whole32)?,
        // `none`: `timeout connect`, as HAProxy does without `timeout queue`.
        "timeout_queue_ms" => b.timeout_queue_ms = optional(v, whole)?,
        "maxqueue" => b.maxqueue = whole32(v)?,
        _ => overload::balancer_option(b, param, v)?,
    }
    let mut p = Problems::default();
    validate::validate_balancer_settings(&next, "balancer", &mut p);
    first_problem(p)?;
    Ok(next)
}

/// Change one balancer parameter. Atomic: on error `spec` is left as it was. Only the
/// settings are copied, never the target list.
pub fn apply_balancer(spec: &mut Balancer, param: &str, v: &ParamValue) -> Result<(), String> {
    let next = balancer_edit(spec, param, v)?;
    *spec = Balancer {
        name: std::mem::take(&mut spec.name),
        targets: std::mem::take(&mut spec.targets),
        zone: spec.zone.take(),
        failures: spec.failures.take(),
        ..next
    };
    Ok(())
}

/// `none` / `off` for no value, else the value read by `read`.
fn optional<T>(
    v: &ParamValue,
    read: impl Fn(&ParamValue) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match v {
        ParamValue::Text(t) if t == "none" || t == "off" => Ok(None),
        _ => read(v).map(Some),
    }
}

/// Change one instance parameter. Atomic: on error `spec` is left as it was.
pub fn apply_instance(spec: &mut Instance, param: &str, v: &ParamValue) -> Result<(), String> {
    let mut next = spec.clone();
    let i = &mut next;
    match param {
        "workers" => i.workers = whole32(v)?,
        "queue_capacity" => i.queue_capacity = whole32(v)?,
        "service_time.mean_ms" => i.service_time.mean_ms = number(v)?,
        "service_time.distribution" => {
            i.service_time.distribution = match word(v).as_str() {
                "constant" => Distribution::Constant,
                "exponential" => Distribution::Exponential,
                "lognormal" => Distribution::Lognormal,
                other => {
                    return Err(format!(
                        "`{other}` is not constant, exponential or lognormal"
                    ))
                }
            }
        }
        "startup_ms" => i.startup_ms = whole(v)?,
        "restart_after_ms" => {
            i.restart_after_ms = match v {
                ParamValue::Text(t) if t == "none" || t.is_empty() => None,
                _ => Some(whole(v)?),
            }
        }
        _ => overload::instance_option(i, param, v, INSTANCE_PARAMS)?,
    }
    let mut p = Problems::default();
    validate::validate_instance(i, "instance", &mut p);
    first_problem(p)?;
    *spec = next;
    Ok(())
}

/// The message of the first problem, without the stand-in path prefix: the caller knows
/// which node and parameter it is about.
pub(crate) fn first_problem(p: Problems) -> Result<(), String> {
    p.into_result().map_err(|errs| {
        errs.0
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "invalid value".into())
    })
}

/// Would `param = value` be accepted on this node? (Used by validation of `set` faults.)
pub fn check_against(
    s: &Scenario,
    kind: NameKind,
    param: &str,
    v: &ParamValue,
) -> Result<(), String> {
    // Checked against the node as it is, without copying it (a file may hold 10,000 `set`
    // faults on a balancer of 2,000 targets).
    match kind {
        NameKind::Clients => traffic_edit(&s.traffic, s.dns.is_some(), param, v).map(drop),
        NameKind::Balancer(i) => balancer_edit(&s.balancers[i], param, v).map(drop),
        NameKind::Instance(i) => apply_instance(&mut s.instances[i].clone(), param, v),
        NameKind::Gateway(g) => overload::check_gateway(&s.gateways[g], param, v),
        NameKind::Domain | NameKind::Dns | NameKind::Database(_) => {
            Err("zones, regions, DNS and databases have no parameters here".into())
        }
    }
}

/// At most `MAX_OVERRIDES` overrides before a run (a link's `o=`, the CLI's `--set`): checked
/// before any is applied.
pub fn check_override_count(n: usize) -> Result<(), String> {
    if n > MAX_OVERRIDES {
        return Err(format!("at most {MAX_OVERRIDES} overrides, got {n}"));
    }
    Ok(())
}

/// Apply an override to a scenario before it runs (URL hash overrides, CLI `--set`).
pub fn apply_to_scenario(
    s: &mut Scenario,
    node: &str,
    param: &str,
    v: &ParamValue,
) -> Result<(), String> {
    let dns = s.dns.is_some();
    match validate::lookup(s, node) {
        Some(NameKind::Clients) => apply_traffic(&mut s.traffic, dns, param, v),
        Some(NameKind::Balancer(i)) => apply_balancer(&mut s.balancers[i], param, v),
        Some(NameKind::Instance(i)) => apply_instance(&mut s.instances[i], param, v),
        Some(NameKind::Dns) => Err(format!(
            "`{node}` is the DNS name: edit `dns` in the scenario"
        )),
        Some(NameKind::Domain) => Err(format!(
            "`{node}` is a zone or region: it has no parameters"
        )),
        Some(NameKind::Database(_)) => Err(format!(
            "`{node}` is a database: edit `database` in the scenario"
        )),
        Some(NameKind::Gateway(g)) => overload::apply_gateway(&mut s.gateways[g], param, v),
        None => Err(format!("no node, zone or region is named `{node}`")),
    }
}
