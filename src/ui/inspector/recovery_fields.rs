//! The inspector's "Coming back safely" group (issue 13): how a balancer takes a target out
//! on its real answers (Envoy outlier detection, HAProxy `observe`), the panic threshold,
//! slow start and its ramp, the deregistration delay; an instance's cold start. Each option
//! has its on/off switch, and its fields show while it is on, with the vendors' names on
//! hover. Every change goes through the same `set` as the rest of the inspector.
use super::overload_fields::{select, switch, Group};
use super::{num, FieldSpec};
use crate::sim::scenario::{Balancer, Instance};

const TITLE: &str = "Coming back safely";

pub(super) fn balancer_recovery(b: &Balancer) -> Group {
    let mut v: Vec<FieldSpec> = Vec::new();
    v.push(switch("outlier_detection", "Eject on failed answers", b.outlier_detection.is_some(),
        "Envoy `outlier_detection`: real requests as a health signal. A target that fails consecutive_5xx answers in a row is taken out (ejected) even while its health checks pass: how a gray failure is caught."));
    if let Some(od) = &b.outlier_detection {
        v.push(num("outlier_detection.consecutive_5xx", "Ejected after failures", "", od.consecutive_5xx.to_string(),
            "Envoy outlier detection `consecutive_5xx` (5): failed answers in a row (5xx, refused, reset or timed out) that eject a target, even while its health checks pass."));
        v.push(num(
            "outlier_detection.interval_ms",
            "Detector interval",
            "ms",
            od.interval_ms.to_string(),
            "Envoy `interval` (10 s): the detector's timer; an ejection ends on one of its ticks.",
        ));
        v.push(num("outlier_detection.base_ejection_time_ms", "Ejection time", "ms", od.base_ejection_time_ms.to_string(),
            "Envoy `base_ejection_time` (30 s): the ejection lasts this × the number of ejections (capped by max_ejection_time), and ends on the detector's `interval` tick."));
        v.push(num(
            "outlier_detection.max_ejection_time_ms",
            "Longest ejection",
            "ms",
            od.max_ejection_time_ms.to_string(),
            "Envoy `max_ejection_time` (300 s): the cap on base_ejection_time × ejections.",
        ));
        v.push(num("outlier_detection.max_ejection_percent", "Most ejected", "%", od.max_ejection_percent.to_string(),
            "Envoy `max_ejection_percent` (10 %): never more targets ejected at once than this share; one target may always be ejected."));
    }
    if b.health_check.is_some() {
        v.push(switch("observe", "Watch real answers", b.observe.is_some(),
            "HAProxy `observe layer7`: failed answers to real requests act on the health-check state (needs active checks)."));
        if let Some(o) = &b.observe {
            v.push(num(
                "observe.error_limit",
                "Errors in a row",
                "",
                o.error_limit.to_string(),
                "HAProxy `error-limit` (10): consecutive failed answers that trigger on-error.",
            ));
            v.push(select("observe.on_error", "Then", o.on_error.name(), &[
                ("fastinter", "check faster (fastinter)"),
                ("fail-check", "count one failed check (fail-check)"),
                ("sudden-death", "one check from down (sudden-death)"),
                ("mark-down", "mark down at once (mark-down)"),
            ], "HAProxy `on-error` (default fail-check): what error-limit failed answers do to the server; every action also brings the next check forward to fastinter."));
        }
    }
    if let Some(pct) = b.panic_threshold_percent {
        v.push(num("panic_threshold_percent", "Panic threshold", "%", pct.to_string(),
            "Envoy `healthy_panic_threshold` (50 %): with fewer healthy targets than this share, balance over every target regardless of health (`none` turns it off)."));
    }
    v.push(switch("slow_start", "Slow start", b.slow_start.is_some(),
        "HAProxy `slowstart`, Envoy `slow_start_config`, AWS ALB `slow_start.duration_seconds`: a target back in rotation gets a growing share of its weight instead of its full share at once (a cold cache meets a thundering herd). On: 30 s, HAProxy's linear ramp."));
    if let Some(ss) = &b.slow_start {
        v.push(num("slow_start.window_ms", "Ramp length", "ms", ss.window_ms.to_string(),
            "HAProxy `slowstart`, Envoy `slow_start_window`, AWS ALB `slow_start.duration_seconds` (30–900 s): how long the share takes to reach the full weight."));
        v.push(select("slow_start.ramp", "Ramp", ss.ramp.name(), &[
            ("haproxy", "HAProxy: linear, whole seconds"),
            ("envoy", "Envoy: (t / window)^(1/aggression)"),
            ("alb", "AWS ALB: linear from 0"),
        ], "Whose ramp: HAProxy `slowstart` (linear, recomputed each second, at least 1/256), Envoy `slow_start_config` (max(min_weight_percent, (t / window)^(1/aggression))), ALB `slow_start.duration_seconds` (linear from 0)."));
        v.push(num("slow_start.aggression", "Aggression", "", ss.aggression.to_string(),
            "Envoy `aggression` (1.0 = linear): above 1, more traffic early in the ramp. Only the Envoy ramp uses it."));
        v.push(num("slow_start.min_weight_percent", "Smallest share", "%", ss.min_weight_percent.to_string(),
            "Envoy `min_weight_percent` (10 %): the share a target gets at least while it ramps. Only the Envoy ramp uses it."));
    }
    v.push(num("deregistration_delay_ms", "Deregistration delay", "ms", b.deregistration_delay_ms.to_string(),
        "AWS ALB `deregistration_delay.timeout_seconds` (300 s), HAProxy `drain`: how long a draining target keeps its in-flight requests before a planned stop cuts them."));
    Group {
        title: TITLE,
        hint: "How a target is taken out on its real answers, and how it comes back without a thundering herd.",
        fields: v,
    }
}

pub(super) fn instance_recovery(i: &Instance) -> Group {
    let mut v = vec![switch("cold_start", "Cold after a restart", i.cold_start.is_some(),
        "Empty caches, JIT and connection pools after a restart: requests take longer for a while (what makes a recovered instance's full share at once a thundering herd). On: 4× slower for 30 s.")];
    if let Some(c) = &i.cold_start {
        v.push(num("cold_start.warmup_ms", "Warm-up", "ms", c.warmup_ms.to_string(),
            "`cold_start.warmup_ms`: how long after a (re)start requests are slower (JVM warm-up, cache fill)."));
        v.push(num("cold_start.service_time_multiplier", "Slower by", "×", c.service_time_multiplier.to_string(),
            "`cold_start.service_time_multiplier` (4): how many times as long a request takes while cold."));
    }
    Group {
        title: TITLE,
        hint: "What a restarted instance is like before it is warm.",
        fields: v,
    }
}
