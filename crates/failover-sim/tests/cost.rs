#![cfg(not(target_arch = "wasm32"))]
//! The cost of redundancy against the cost of downtime (seed 004).
mod common;
use common::*;
use failover_sim::cost::{self, HOURS_PER_MONTH, MINUTES_PER_30_DAYS};
use failover_sim::reliability::analyse;

#[test]
fn infrastructure_is_priced_per_node_and_month() {
    let s = preset("redundant-behind-lb");
    let c = cost::report(&s, 1.0, 1.0);
    let want = (s.costs.balancer_per_hour + 3.0 * s.costs.instance_per_hour) * HOURS_PER_MONTH;
    assert!((c.infrastructure_per_month - want).abs() < 1e-9);
    assert_eq!(c.expected_downtime_cost_per_month, 0.0);
    let dns = cost::report(&preset("dns-region-failover"), 1.0, 1.0);
    assert!(dns
        .items
        .iter()
        .any(|(what, n, _)| what == "DNS health checks" && *n == 2));
}

#[test]
fn downtime_cost_follows_availability() {
    let s = preset("personal-blog");
    let a = analyse(&s).availability;
    let c = cost::report(&s, a, a);
    assert!(((1.0 - a) * MINUTES_PER_30_DAYS - c.expected_downtime_min_per_month).abs() < 1e-9);
    assert!(
        (c.expected_downtime_cost_per_month - c.expected_downtime_min_per_month * 0.01).abs()
            < 1e-9
    );
}

/// The published "nines" table, independent of the module's constants: 99.9 % is 43.2
/// minutes of downtime in a 30-day month, 99.99 % 4.32 minutes; an hour-priced node is 730
/// hours a month (AWS's billing month). Kills a mutated month length (e.g. 30 × 24 + 60).
#[test]
fn downtime_follows_the_nines_table() {
    let s = preset("personal-blog");
    for (availability, minutes) in [(0.999, 43.2), (0.9999, 4.32), (0.99, 432.0)] {
        let c = cost::report(&s, availability, availability);
        assert!(
            (c.expected_downtime_min_per_month - minutes).abs() < 1e-6,
            "{availability}: {} min/month, the nines table says {minutes}",
            c.expected_downtime_min_per_month
        );
        assert!((c.measured_downtime_min_per_month - minutes).abs() < 1e-6);
    }
    let c = cost::report(&preset("redundant-behind-lb"), 1.0, 1.0);
    let hourly = lb_and_three_instances_per_hour(&preset("redundant-behind-lb"));
    assert!((c.infrastructure_per_month - hourly * 730.0).abs() < 1e-6);
}

fn lb_and_three_instances_per_hour(s: &failover_sim::scenario::Scenario) -> f64 {
    s.costs.balancer_per_hour + 3.0 * s.costs.instance_per_hour
}

#[test]
fn redundancy_pays_for_a_bank_not_for_a_blog() {
    let blog = preset("personal-blog");
    let bank = preset("bank");
    let (a_blog, a_bank) = (analyse(&blog).availability, analyse(&bank).availability);
    assert!(a_bank > a_blog, "{a_bank} vs {a_blog}");
    // At a bank's price of downtime, the blog's single server would be ruinous...
    let mut blog_at_bank_prices = blog.clone();
    blog_at_bank_prices.costs.downtime_per_minute = bank.costs.downtime_per_minute;
    let single = cost::report(&blog_at_bank_prices, a_blog, a_blog);
    let redundant = cost::report(&bank, a_bank, a_bank);
    assert!(redundant.total_expected_per_month * 100.0 < single.total_expected_per_month);
    // ...while at a blog's price, the redundant design's extra infrastructure is not worth it.
    let mut bank_at_blog_prices = bank.clone();
    bank_at_blog_prices.costs.downtime_per_minute = blog.costs.downtime_per_minute;
    let redundant_blog = cost::report(&bank_at_blog_prices, a_bank, a_bank);
    let single_blog = cost::report(&blog, a_blog, a_blog);
    assert!(redundant_blog.total_expected_per_month > single_blog.total_expected_per_month * 3.0);
}

#[test]
fn prices_are_validated() {
    let mut s = preset("bank");
    s.costs.downtime_per_minute = -5.0;
    s.costs.instance_per_hour = f64::INFINITY;
    let errs = failover_sim::validate::validate(&s)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        errs.contains("costs.downtime_per_minute: must be between 0 and"),
        "{errs}"
    );
    assert!(
        errs.contains("costs.instance_per_hour: must be between 0 and"),
        "{errs}"
    );
}
