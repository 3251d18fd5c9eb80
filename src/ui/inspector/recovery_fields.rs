//! The inspector's recovery fields of a balancer (issue 13): Envoy outlier detection, the
//! panic threshold, slow start and the deregistration delay. Shown when the scenario uses
//! them (each is opt-in), with the vendors' names on hover.
use super::{num, FieldSpec};
use crate::sim::scenario::Balancer;

pub(super) fn balancer_recovery_fields(b: &Balancer) -> Vec<FieldSpec> {
    let mut v = Vec::new();
    if let Some(od) = &b.outlier_detection {
        v.push(num("outlier_detection.consecutive_5xx", "Ejected after failures", "", od.consecutive_5xx.to_string(),
            "Envoy outlier detection `consecutive_5xx` (5): failed answers in a row (5xx, refused, reset or timed out) that eject a target, even while its health checks pass."));
        v.push(num("outlier_detection.base_ejection_time_ms", "Ejection time", "ms", od.base_ejection_time_ms.to_string(),
            "Envoy `base_ejection_time` (30 s): the ejection lasts this × the number of ejections (capped by max_ejection_time, 300 s), and ends on the detector's `interval` tick (10 s)."));
        v.push(num("outlier_detection.max_ejection_percent", "Most ejected", "%", od.max_ejection_percent.to_string(),
            "Envoy `max_ejection_percent` (10 %): never more targets ejected at once than this share; one target may always be ejected."));
    }
    if let Some(pct) = b.panic_threshold_percent {
        v.push(num("panic_threshold_percent", "Panic threshold", "%", pct.to_string(),
            "Envoy `healthy_panic_threshold` (50 %): with fewer healthy targets than this share, balance over every target regardless of health (`none` turns it off)."));
    }
    if let Some(ss) = &b.slow_start {
        v.push(num("slow_start.window_ms", "Slow start", "ms", ss.window_ms.to_string(),
            "HAProxy `slowstart`, Envoy `slow_start_window`, AWS ALB `slow_start.duration_seconds`: a target back in rotation gets a share of its weight that grows over this window."));
    }
    v.push(num("deregistration_delay_ms", "Deregistration delay", "ms", b.deregistration_delay_ms.to_string(),
        "AWS ALB `deregistration_delay.timeout_seconds` (300 s), HAProxy `drain`: how long a draining target keeps its in-flight requests before a planned stop cuts them."));
    v
}
