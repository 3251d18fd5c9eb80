//! Validation of `balancers[].autoscaling` (`autoscaling_spec.rs`), every problem with its
//! path, as `validate.rs` does for the rest of the scenario.
use super::autoscaler::SAMPLE_INTERVAL_MS;
use super::autoscaling_spec::Autoscaling;
use super::limits::{MAX_DATAPOINTS, MAX_METRIC_PERIOD_MS, MAX_STARTUP_MS};
use super::scenario::{Balancer, Scenario};
use super::validate::Problems;
use std::collections::BTreeSet;

pub fn validate_autoscaling(a: &Autoscaling, b: &Balancer, path: &str, p: &mut Problems) {
    let pool = b
        .targets
        .iter()
        .map(|t| t.instance.as_str())
        .collect::<BTreeSet<_>>()
        .len() as u32;
    if b.health_check.is_none() {
        p.push(
            path.to_string(),
            "needs the balancer's health_check: a launched instance gets traffic only once it passes it",
        );
    }
    p.range_u32(
        &format!("{path}.min_capacity"),
        a.min_capacity,
        1,
        pool.max(1),
    );
    let max = a.max_capacity.unwrap_or(pool);
    if let Some(m) = a.max_capacity {
        p.range_u32(
            &format!("{path}.max_capacity"),
            m,
            a.min_capacity.max(1),
            pool.max(1),
        );
    }
    if let Some(d) = a.desired_capacity {
        p.range_u32(&format!("{path}.desired_capacity"), d, a.min_capacity, max);
    }
    p.range_f64(
        &format!("{path}.target_utilisation_percent"),
        a.target_utilisation_percent,
        1.0,
        100.0,
    );
    if let Some(ms) = a.metric_period_ms {
        p.range_u64(
            &format!("{path}.metric_period_ms"),
            ms,
            SAMPLE_INTERVAL_MS,
            MAX_METRIC_PERIOD_MS,
        );
        if ms % SAMPLE_INTERVAL_MS != 0 {
            p.push(
                format!("{path}.metric_period_ms"),
                format!("must be a whole number of seconds (utilisation is sampled every {SAMPLE_INTERVAL_MS} ms), got {ms}"),
            );
        }
    }
    for (field, v) in [
        ("scale_out_datapoints", a.scale_out_datapoints),
        ("scale_in_datapoints", a.scale_in_datapoints),
    ] {
        if let Some(n) = v {
            p.range_u32(&format!("{path}.{field}"), n, 1, MAX_DATAPOINTS);
        }
    }
    if let Some(t) = a.tolerance_percent {
        p.range_f64(&format!("{path}.tolerance_percent"), t, 0.0, 99.0);
    }
    if let Some(w) = a.instance_warmup_ms {
        p.range_u64(&format!("{path}.instance_warmup_ms"), w, 0, MAX_STARTUP_MS);
    }
}

/// An instance belongs to one autoscaling group at most: two groups would both start and
/// stop it.
pub fn validate_groups(s: &Scenario, p: &mut Problems) {
    let mut owner: std::collections::BTreeMap<&str, usize> = Default::default();
    for (bi, b) in s.balancers.iter().enumerate() {
        if b.autoscaling.is_none() {
            continue;
        }
        for (j, t) in b.targets.iter().enumerate() {
            match owner.get(t.instance.as_str()) {
                Some(&other) if other != bi => p.push(
                    format!("balancers[{bi}].targets[{j}].instance"),
                    format!(
                        "already in the autoscaling group of balancers[{other}]: an instance belongs to one group at most"
                    ),
                ),
                _ => {
                    owner.insert(t.instance.as_str(), bi);
                }
            }
        }
    }
}
