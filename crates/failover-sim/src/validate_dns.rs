//! Validation of the DNS section: Route 53 records that name existing entries, TTLs and
//! health-check settings within their limits. Part of `validate.rs`.
use super::limits::*;
use super::scenario::*;
use super::validate::{validate_reliability, Index, NameKind, Names, Problems};

pub(crate) fn validate_dns<'a>(index: &Index, d: &'a Dns, p: &mut Problems, names: &mut Names<'a>) {
    names.define(p, "dns.name".into(), &d.name);
    p.range_u64("dns.ttl_s", d.ttl_s, 0, MAX_DURATION_S);
    p.range_f64(
        "dns.resolve_ms",
        d.resolve_ms,
        0.0,
        MAX_HOP_LATENCY_MS * 10.0,
    );
    let hc = &d.health_check;
    if hc.request_interval_s != 10 && hc.request_interval_s != 30 {
        p.push(
            "dns.health_check.request_interval_s",
            format!(
                "Route 53 checks every 10 or 30 s, got {}",
                hc.request_interval_s
            ),
        );
    }
    p.range_u32(
        "dns.health_check.failure_threshold",
        hc.failure_threshold,
        1,
        MAX_THRESHOLD,
    );
    validate_reliability(d.failures.as_ref(), "dns", p);
    let primaries = d
        .records
        .iter()
        .filter(|r| r.role == RecordRole::Primary)
        .count();
    let secondaries = d
        .records
        .iter()
        .filter(|r| r.role == RecordRole::Secondary)
        .count();
    if primaries != 1 || secondaries > 1 {
        p.push("dns.records", format!("failover routing needs one primary and at most one secondary record, got {primaries} and {secondaries}"));
    }
    for (i, r) in d.records.iter().enumerate() {
        let path = format!("dns.records[{i}].target");
        if p.reference(&path, &r.target)
            && !index.kind(&r.target).is_some_and(NameKind::is_endpoint)
        {
            p.push(
                path,
                format!("no gateway, balancer or instance is named `{}`", r.target),
            );
        }
    }
}
