//! `set` (and link / CLI overrides) for the overload and recovery options of issue 13:
//! Envoy's retry budget, circuit breakers and outlier detection, HAProxy `observe`, slow
//! start, rollouts, checks served by the request queue and liveness on balancers; load
//! shedding, deadline propagation and cold start on instances; AWS SDK client retries on the
//! traffic; and gateways' retries. `params.rs` calls these for the names it does not know
//! itself, after which it validates the edited copy exactly as a file is validated, so a
//! live edit cannot go where a file may not.
//!
//! Names are the scenario field paths. An option that is absent in the scenario is created
//! with its vendor's defaults by the first of its fields that is set (as picking the option
//! in a config would); the option's own name takes `on` / `off` (`true`, `false`, `none`),
//! and `off` or `none` given to any of its fields switches the whole option off.
use super::params::{number, switch, unknown, whole, whole32, word, BALANCER_PARAMS};
use super::scenario::*;
use super::validate::{self, Problems};

/// A slow start switched on by name gets a 30 s window (ALB's minimum, HAProxy's and
/// Envoy's examples); the ramp is HAProxy's, as when `slow_start.window_ms` creates it.
pub const DEFAULT_SLOW_START_WINDOW_MS: u64 = 30_000;
/// A cold start switched on by name lasts 30 s at the format's default multiplier (4×).
pub const DEFAULT_COLD_WARMUP_MS: u64 = 30_000;

/// Gateways' parameters (Envoy's route retries and connect timeout, and how a balancer
/// that failed a connection is taken out).
pub const GATEWAY_PARAMS: &[&str] = &[
    "retries",
    "timeout_connect_ms",
    "retry_on_5xx",
    "passive.max_fails",
    "passive.fail_timeout_ms",
    "retry_budget",
    "retry_budget.budget_percent",
    "retry_budget.min_retry_concurrency",
];

/// `off`, `false` or `none`: the whole option off.
fn is_off(v: &ParamValue) -> bool {
    match v {
        ParamValue::Bool(b) => !*b,
        ParamValue::Text(t) => matches!(t.trim(), "off" | "none" | "false"),
        ParamValue::Number(_) => false,
    }
}

/// The option's own name: `on` creates it with its defaults (an existing one is kept as it
/// is), `off` / `none` removes it.
fn toggle<T>(slot: &mut Option<T>, v: &ParamValue, make: impl FnOnce() -> T) -> Result<(), String> {
    let on = match v {
        ParamValue::Text(t) if t.trim() == "none" => false,
        _ => switch(v).map_err(|_| format!("`{v}` is not on or off"))?,
    };
    if on {
        slot.get_or_insert_with(make);
    } else {
        *slot = None;
    }
    Ok(())
}

/// One field of an option: `off` removes the whole option, anything else sets the field on
/// the option (created with its defaults first when absent).
fn field<T>(
    slot: &mut Option<T>,
    v: &ParamValue,
    make: impl FnOnce() -> T,
    set: impl FnOnce(&mut T) -> Result<(), String>,
) -> Result<(), String> {
    if is_off(v) {
        *slot = None;
        return Ok(());
    }
    set(slot.get_or_insert_with(make))
}

fn slow_start_default() -> SlowStart {
    SlowStart {
        ramp: SlowStartRamp::Haproxy,
        window_ms: DEFAULT_SLOW_START_WINDOW_MS,
        aggression: 1.0,
        min_weight_percent: 10.0,
    }
}

fn observe_default() -> Observe {
    Observe {
        error_limit: 10,
        on_error: OnError::FailCheck,
    }
}

fn cold_start_default() -> ColdStart {
    ColdStart {
        warmup_ms: DEFAULT_COLD_WARMUP_MS,
        service_time_multiplier: 4.0,
    }
}

fn ramp(v: &ParamValue) -> Result<SlowStartRamp, String> {
    match word(v).trim() {
        "haproxy" => Ok(SlowStartRamp::Haproxy),
        "envoy" => Ok(SlowStartRamp::Envoy),
        "alb" => Ok(SlowStartRamp::Alb),
        other => Err(format!("`{other}` is not haproxy, envoy or alb")),
    }
}

fn on_error(v: &ParamValue) -> Result<OnError, String> {
    match word(v).trim() {
        "fastinter" => Ok(OnError::Fastinter),
        "fail-check" => Ok(OnError::FailCheck),
        "sudden-death" => Ok(OnError::SuddenDeath),
        "mark-down" => Ok(OnError::MarkDown),
        other => Err(format!(
            "`{other}` is not fastinter, fail-check, sudden-death or mark-down"
        )),
    }
}

/// The balancer parameters `params.rs` leaves to this file; `b` is the settings copy the
/// caller validates afterwards.
pub(crate) fn balancer_option(b: &mut Balancer, param: &str, v: &ParamValue) -> Result<(), String> {
    let hc = |b: &mut Balancer| -> Result<(), String> {
        if b.health_check.is_none() {
            return Err("needs active checks first (`health_check.preset`)".into());
        }
        Ok(())
    };
    match param {
        "retry_budget" => toggle(&mut b.retry_budget, v, RetryBudget::default),
        "retry_budget.budget_percent" => field(&mut b.retry_budget, v, RetryBudget::default, |r| {
            r.budget_percent = number(v)?;
            Ok(())
        }),
        "retry_budget.min_retry_concurrency" => {
            field(&mut b.retry_budget, v, RetryBudget::default, |r| {
                r.min_retry_concurrency = whole32(v)?;
                Ok(())
            })
        }
        "circuit_breaker" => toggle(&mut b.circuit_breaker, v, CircuitBreaker::default),
        "circuit_breaker.max_connections"
        | "circuit_breaker.max_pending_requests"
        | "circuit_breaker.max_requests"
        | "circuit_breaker.max_retries" => {
            field(&mut b.circuit_breaker, v, CircuitBreaker::default, |c| {
                let n = whole32(v)?;
                match param {
                    "circuit_breaker.max_connections" => c.max_connections = n,
                    "circuit_breaker.max_pending_requests" => c.max_pending_requests = n,
                    "circuit_breaker.max_requests" => c.max_requests = n,
                    _ => c.max_retries = n,
                }
                Ok(())
            })
        }
        "outlier_detection" => toggle(&mut b.outlier_detection, v, OutlierDetection::default),
        "outlier_detection.interval_ms" => field(
            &mut b.outlier_detection,
            v,
            OutlierDetection::default,
            |o| {
                o.interval_ms = whole(v)?;
                Ok(())
            },
        ),
        "outlier_detection.max_ejection_time_ms" => field(
            &mut b.outlier_detection,
            v,
            OutlierDetection::default,
            |o| {
                o.max_ejection_time_ms = whole(v)?;
                Ok(())
            },
        ),
        "observe" => toggle(&mut b.observe, v, observe_default),
        "observe.error_limit" => field(&mut b.observe, v, observe_default, |o| {
            o.error_limit = whole32(v)?;
            Ok(())
        }),
        "observe.on_error" => field(&mut b.observe, v, observe_default, |o| {
            o.on_error = on_error(v)?;
            Ok(())
        }),
        "slow_start" => toggle(&mut b.slow_start, v, slow_start_default),
        "slow_start.ramp" => field(&mut b.slow_start, v, slow_start_default, |s| {
            s.ramp = ramp(v)?;
            Ok(())
        }),
        "slow_start.aggression" => field(&mut b.slow_start, v, slow_start_default, |s| {
            s.aggression = number(v)?;
            Ok(())
        }),
        "slow_start.min_weight_percent" => field(&mut b.slow_start, v, slow_start_default, |s| {
            s.min_weight_percent = number(v)?;
            Ok(())
        }),
        // `none` goes back to the defaults a missing `rollout` means (1 per batch, 30 s).
        "rollout.batch_size" => field(&mut b.rollout, v, RolloutPolicy::default, |r| {
            r.batch_size = whole32(v)?;
            Ok(())
        }),
        "rollout.bake_ms" => field(&mut b.rollout, v, RolloutPolicy::default, |r| {
            r.bake_ms = whole(v)?;
            Ok(())
        }),
        "health_check.served_by" => {
            hc(b)?;
            let by = match word(v).trim() {
                "dedicated-listener" => CheckServedBy::DedicatedListener,
                "request-queue" => CheckServedBy::RequestQueue,
                other => {
                    return Err(format!(
                        "`{other}` is not dedicated-listener or request-queue"
                    ))
                }
            };
            if let Some(h) = b.health_check.as_mut() {
                // The default is left out, so a file that never named it reads the same.
                h.served_by = (by == CheckServedBy::RequestQueue).then_some(by);
            }
            Ok(())
        }
        "health_check.liveness" => {
            hc(b)?;
            let on = switch(v)?;
            if let Some(h) = b.health_check.as_mut() {
                h.liveness = on;
            }
            Ok(())
        }
        _ => Err(unknown(param, BALANCER_PARAMS)),
    }
}

/// The instance parameters `params.rs` leaves to this file.
pub(crate) fn instance_option(
    i: &mut Instance,
    param: &str,
    v: &ParamValue,
    known: &[&str],
) -> Result<(), String> {
    match param {
        "load_shedding" => i.load_shedding = switch(v)?,
        "deadline_propagation" => i.deadline_propagation = switch(v)?,
        "cold_start" => toggle(&mut i.cold_start, v, cold_start_default)?,
        "cold_start.warmup_ms" => field(&mut i.cold_start, v, cold_start_default, |c| {
            c.warmup_ms = whole(v)?;
            Ok(())
        })?,
        "cold_start.service_time_multiplier" => {
            field(&mut i.cold_start, v, cold_start_default, |c| {
                c.service_time_multiplier = number(v)?;
                Ok(())
            })?
        }
        _ => return Err(unknown(param, known)),
    }
    Ok(())
}

/// `client_retry.*` on a copy of the traffic's client retries: the new setting, validated
/// as a file's (`None`: no client retries). `Err(None)`: not a client-retry parameter.
pub(crate) fn client_retry_edit(
    current: &Option<ClientRetry>,
    param: &str,
    v: &ParamValue,
) -> Result<Option<ClientRetry>, Option<String>> {
    let mut next = current.clone();
    let slot = &mut next;
    let result = match param {
        "client_retry" => toggle(slot, v, ClientRetry::default),
        // `none` here is "no retry quota", not "no client retries": the field is optional.
        "client_retry.retry_quota_tokens" => {
            let tokens = match v {
                ParamValue::Text(t) if t.trim() == "none" => None,
                _ => Some(whole32(v).map_err(Some)?),
            };
            slot.get_or_insert_with(ClientRetry::default)
                .retry_quota_tokens = tokens;
            Ok(())
        }
        "client_retry.max_attempts" => field(slot, v, ClientRetry::default, |c| {
            c.max_attempts = whole32(v)?;
            Ok(())
        }),
        "client_retry.backoff_base_ms" => field(slot, v, ClientRetry::default, |c| {
            c.backoff_base_ms = whole(v)?;
            Ok(())
        }),
        "client_retry.backoff_cap_ms" => field(slot, v, ClientRetry::default, |c| {
            c.backoff_cap_ms = whole(v)?;
            Ok(())
        }),
        // `none` here is the jitter (retries in waves), not "no client retries".
        "client_retry.jitter" => {
            let jitter = match word(v).trim() {
                "full" => Jitter::Full,
                "none" => Jitter::None,
                other => return Err(Some(format!("`{other}` is not full or none"))),
            };
            slot.get_or_insert_with(ClientRetry::default).jitter = jitter;
            Ok(())
        }
        _ => return Err(None),
    };
    result.map_err(Some)?;
    if let Some(c) = &next {
        let mut p = Problems::default();
        crate::validate_overload::validate_client_retry(c, "traffic.client_retry", &mut p);
        super::params::first_problem(p).map_err(Some)?;
    }
    Ok(next)
}

/// `param = v` on a copy of gateway `g`, validated as a file's gateway.
fn gateway_edit(g: &Gateway, param: &str, v: &ParamValue) -> Result<Gateway, String> {
    let mut next = g.clone();
    match param {
        "retries" => next.retries = whole32(v)?,
        "timeout_connect_ms" => next.timeout_connect_ms = whole(v)?,
        "retry_on_5xx" => next.retry_on_5xx = switch(v)?,
        "passive.max_fails" => next.passive.max_fails = whole32(v)?,
        "passive.fail_timeout_ms" => next.passive.fail_timeout_ms = whole(v)?,
        // The Envoy retry budget, as on balancers: a field set without a budget starts from
        // Envoy's defaults (20 %, 3); `off` / `none` removes it.
        "retry_budget" => toggle(&mut next.retry_budget, v, RetryBudget::default)?,
        "retry_budget.budget_percent" => {
            field(&mut next.retry_budget, v, RetryBudget::default, |r| {
                r.budget_percent = number(v)?;
                Ok(())
            })?
        }
        "retry_budget.min_retry_concurrency" => {
            field(&mut next.retry_budget, v, RetryBudget::default, |r| {
                r.min_retry_concurrency = whole32(v)?;
                Ok(())
            })?
        }
        _ => return Err(unknown(param, GATEWAY_PARAMS)),
    }
    let mut p = Problems::default();
    validate::validate_gateway_settings(&next, "gateway", &mut p);
    super::params::first_problem(p)?;
    Ok(next)
}

/// Would `param = v` be accepted on gateway `g`?
pub fn check_gateway(g: &Gateway, param: &str, v: &ParamValue) -> Result<(), String> {
    gateway_edit(g, param, v).map(drop)
}

/// Change one gateway parameter. Atomic: on error `spec` is left as it was.
pub fn apply_gateway(spec: &mut Gateway, param: &str, v: &ParamValue) -> Result<(), String> {
    *spec = gateway_edit(spec, param, v)?;
    Ok(())
}
