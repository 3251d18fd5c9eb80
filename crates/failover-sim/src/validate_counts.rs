//! Count limits of a scenario (`limits.rs`), checked before anything is looked at item by
//! item: a file with 40,000 instances is refused for that alone, in time proportional to the
//! few lists it has. Part of `validate.rs`.
use super::limits::*;
use super::scenario::*;
use super::validate::Problems;

/// Count limits, checked before anything is looked at item by item: a file with 40,000
/// instances is refused for that alone, in time proportional to the few lists it has.
pub(crate) fn validate_counts(s: &Scenario, p: &mut Problems) {
    let most = |p: &mut Problems, path: String, what: &str, n: usize, max: usize| {
        if n > max {
            p.push(path, format!("at most {max} {what}, got {n}"));
        }
    };
    if s.instances.is_empty() {
        p.push("instances", "at least one instance is needed");
    }
    most(
        p,
        "instances".into(),
        "instances",
        s.instances.len(),
        MAX_INSTANCES,
    );
    most(
        p,
        "balancers".into(),
        "balancers",
        s.balancers.len(),
        MAX_BALANCERS,
    );
    most(
        p,
        "gateways".into(),
        "gateways",
        s.gateways.len(),
        MAX_GATEWAYS,
    );
    let nodes = s.instances.len() + s.balancers.len() + s.gateways.len() + 1;
    if nodes > MAX_NODES {
        p.push(
            "instances",
            format!("at most {MAX_NODES} nodes in all, got {nodes}"),
        );
    }
    most(p, "regions".into(), "regions", s.regions.len(), MAX_REGIONS);
    if s.regions.len() <= MAX_REGIONS {
        for (ri, r) in s.regions.iter().enumerate() {
            if r.zones.is_empty() || r.zones.len() > MAX_ZONES_PER_REGION {
                p.push(
                    format!("regions[{ri}].zones"),
                    format!(
                        "a region needs 1 to {MAX_ZONES_PER_REGION} zones, got {}",
                        r.zones.len()
                    ),
                );
            }
        }
    }
    let t = &s.traffic;
    most(
        p,
        "traffic.populations".into(),
        "populations",
        t.populations.len(),
        MAX_REGIONS,
    );
    most(
        p,
        "traffic.profile".into(),
        "steps",
        t.profile.len(),
        MAX_PROFILE_STEPS,
    );
    if s.balancers.len() <= MAX_BALANCERS {
        for (i, b) in s.balancers.iter().enumerate() {
            let path = format!("balancers[{i}]");
            most(
                p,
                format!("{path}.targets"),
                "targets",
                b.targets.len(),
                MAX_INSTANCES,
            );
            most(
                p,
                format!("{path}.retry_on"),
                "conditions",
                b.retry_on.len(),
                MAX_RETRY_ON,
            );
        }
    }
    if s.gateways.len() <= MAX_GATEWAYS {
        for (i, g) in s.gateways.iter().enumerate() {
            if g.balancers.is_empty() || g.balancers.len() > MAX_BALANCERS {
                p.push(
                    format!("gateways[{i}].balancers"),
                    format!(
                        "a gateway forwards to 1 to {MAX_BALANCERS} balancers, got {}",
                        g.balancers.len()
                    ),
                );
            }
        }
    }
    if let Some(d) = &s.dns {
        most(
            p,
            "dns.records".into(),
            "records",
            d.records.len(),
            MAX_DNS_RECORDS,
        );
    }
    most(p, "faults".into(), "faults", s.faults.len(), MAX_FAULTS);
}
