//! Validation of the recovery settings of a balancer (outlier detection, `observe`, panic
//! threshold, slow start, draining, rollouts): every problem with its path, as in
//! `validate.rs`.
use super::limits::{
    MAX_CHECK_INTERVAL_MS, MAX_INSTANCES, MAX_RESTART_AFTER_MS, MAX_TIMEOUT_MS,
    MIN_CHECK_INTERVAL_MS,
};
use super::scenario::Balancer;
use super::validate::Problems;

/// Envoy caps `consecutive_5xx` nowhere; 1,000 failures in a row is already blind.
pub const MAX_CONSECUTIVE_5XX: u32 = 1_000;
/// ALB `deregistration_delay.timeout_seconds` goes up to 3,600 s.
pub const MAX_DEREGISTRATION_DELAY_MS: u64 = 3_600_000;
/// ALB `slow_start.duration_seconds` goes up to 900 s; Envoy's window is unbounded.
pub const MAX_SLOW_START_WINDOW_MS: u64 = 3_600_000;
/// Envoy's `aggression` must be positive; past 100 the ramp is a step.
pub const MAX_AGGRESSION: f64 = 100.0;
/// A cold instance is at most this many times slower.
pub const MAX_COLD_MULTIPLIER: f64 = 100.0;

pub fn validate_balancer_recovery(b: &Balancer, path: &str, p: &mut Problems) {
    if let Some(od) = &b.outlier_detection {
        let o = format!("{path}.outlier_detection");
        p.range_u32(
            &format!("{o}.consecutive_5xx"),
            od.consecutive_5xx,
            1,
            MAX_CONSECUTIVE_5XX,
        );
        p.range_u64(
            &format!("{o}.interval_ms"),
            od.interval_ms,
            MIN_CHECK_INTERVAL_MS,
            MAX_CHECK_INTERVAL_MS,
        );
        p.range_u64(
            &format!("{o}.base_ejection_time_ms"),
            od.base_ejection_time_ms,
            1,
            MAX_RESTART_AFTER_MS,
        );
        p.range_u64(
            &format!("{o}.max_ejection_time_ms"),
            od.max_ejection_time_ms,
            1,
            MAX_RESTART_AFTER_MS,
        );
        p.range_u32(
            &format!("{o}.max_ejection_percent"),
            od.max_ejection_percent,
            0,
            100,
        );
    }
    if let Some(obs) = &b.observe {
        p.range_u32(
            &format!("{path}.observe.error_limit"),
            obs.error_limit,
            1,
            MAX_CONSECUTIVE_5XX,
        );
        if b.health_check.is_none() {
            p.push(
                format!("{path}.observe"),
                "HAProxy's observe acts on active checks: it needs a health_check",
            );
        }
    }
    if let Some(pct) = b.panic_threshold_percent {
        p.range_u32(&format!("{path}.panic_threshold_percent"), pct, 0, 100);
    }
    if let Some(ss) = &b.slow_start {
        let s = format!("{path}.slow_start");
        p.range_u64(
            &format!("{s}.window_ms"),
            ss.window_ms,
            1,
            MAX_SLOW_START_WINDOW_MS,
        );
        if !(ss.aggression.is_finite() && ss.aggression > 0.0 && ss.aggression <= MAX_AGGRESSION) {
            p.push(
                format!("{s}.aggression"),
                format!(
                    "must be above 0 and at most {MAX_AGGRESSION}, got {}",
                    ss.aggression
                ),
            );
        }
        p.range_f64(
            &format!("{s}.min_weight_percent"),
            ss.min_weight_percent,
            0.0,
            100.0,
        );
    }
    p.range_u64(
        &format!("{path}.deregistration_delay_ms"),
        b.deregistration_delay_ms,
        0,
        MAX_DEREGISTRATION_DELAY_MS,
    );
    if let Some(r) = &b.rollout {
        p.range_u32(
            &format!("{path}.rollout.batch_size"),
            r.batch_size,
            1,
            MAX_INSTANCES as u32,
        );
        p.range_u64(
            &format!("{path}.rollout.bake_ms"),
            r.bake_ms,
            1,
            MAX_TIMEOUT_MS,
        );
    }
}
