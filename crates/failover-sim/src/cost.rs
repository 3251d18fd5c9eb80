//! What redundancy costs against what downtime costs (seed 004's "bank vs personal blog").
//!
//! Infrastructure: every node at its hourly price over a 730-hour month, plus DNS (hosted
//! zone and health checks, priced per month as Route 53 does). Downtime: the unavailable
//! minutes of a 30-day month times the scenario's cost of a minute of downtime — from the
//! analytic availability, and from what the run measured.
use super::scenario::{Costs, Scenario};
use serde::Serialize;

pub const HOURS_PER_MONTH: f64 = 730.0;
pub const MINUTES_PER_30_DAYS: f64 = 30.0 * 24.0 * 60.0;

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CostReport {
    pub infrastructure_per_month: f64,
    /// Line items: (what, count, per month).
    pub items: Vec<(String, u32, f64)>,
    pub downtime_per_minute: f64,
    /// From the exact availability (MTBF / MTTR).
    pub expected_downtime_min_per_month: f64,
    pub expected_downtime_cost_per_month: f64,
    /// From the fraction of this run's time the system could not serve.
    pub measured_downtime_min_per_month: f64,
    pub measured_downtime_cost_per_month: f64,
    pub total_expected_per_month: f64,
}

pub fn report(s: &Scenario, analytic_availability: f64, measured_availability: f64) -> CostReport {
    let c: &Costs = &s.costs;
    let mut items = Vec::new();
    let mut add = |what: &str, n: u32, each_per_month: f64| {
        if n > 0 {
            items.push((what.to_string(), n, n as f64 * each_per_month));
        }
    };
    add(
        "API gateways",
        s.gateways.len() as u32,
        c.gateway_per_hour * HOURS_PER_MONTH,
    );
    add(
        "load balancers",
        s.balancers.len() as u32,
        c.balancer_per_hour * HOURS_PER_MONTH,
    );
    add(
        "instances",
        s.instances.len() as u32,
        c.instance_per_hour * HOURS_PER_MONTH,
    );
    if let Some(db) = &s.database {
        add(
            "database copies",
            1 + db.standby.is_some() as u32,
            c.database_per_hour * HOURS_PER_MONTH,
        );
    }
    if let Some(d) = &s.dns {
        add("DNS hosted zone", 1, c.dns_zone_per_month);
        let checked = d.records.iter().filter(|r| r.health_checked).count() as u32;
        let fast = if d.health_check.request_interval_s == 10 {
            c.dns_fast_interval_extra_per_month
        } else {
            0.0
        };
        add(
            "DNS health checks",
            checked,
            c.dns_health_check_per_month + fast,
        );
    }
    let infrastructure: f64 = items.iter().map(|(_, _, v)| v).sum();
    let expected_min = (1.0 - analytic_availability).max(0.0) * MINUTES_PER_30_DAYS;
    let measured_min = (1.0 - measured_availability).max(0.0) * MINUTES_PER_30_DAYS;
    CostReport {
        infrastructure_per_month: infrastructure,
        items,
        downtime_per_minute: c.downtime_per_minute,
        expected_downtime_min_per_month: expected_min,
        expected_downtime_cost_per_month: expected_min * c.downtime_per_minute,
        measured_downtime_min_per_month: measured_min,
        measured_downtime_cost_per_month: measured_min * c.downtime_per_minute,
        total_expected_per_month: infrastructure + expected_min * c.downtime_per_minute,
    }
}
