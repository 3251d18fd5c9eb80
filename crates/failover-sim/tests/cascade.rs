//! A cascade told as one story, and its losses counted as capacity shortfall (issue #13: "the
//! failure timeline tells a cascade as one story"; the breakdown must not blame the detection
//! window for requests lost to an instance that was busy, not broken).
mod common;
use common::{preset, run};
use failover_sim::cascade::fmt_thousands;

/// The breakdown step with `key`, measured.
fn measured(sim: &failover_sim::Simulation, key: &str) -> f64 {
    let b = sim.breakdown();
    match b.steps.iter().find(|s| s.key == key) {
        Some(step) => step.measured,
        None => panic!("no breakdown step {key}"),
    }
}

#[test]
fn cascading_failure_reads_as_one_story_from_the_crash() {
    let s = preset("cascading-failure");
    let sim = run(&s, 1, s.duration_s);
    let story = sim.report(0.0).cascade.expect("the cascade is told");
    assert!(
        story.starts_with(
            "One failure became a cascade: app-1 crashed at 20.0 s → app-2 and app-3 over capacity at 21.0 s ("
        ),
        "{story}"
    );
    // The first mark-down says who marked it and that the instance was busy, not broken.
    assert!(
        story.contains("marked down at 32.2 s by the lb-1 health check (busy, not broken)"),
        "{story}"
    );
    // Every failed request of this run is blamed on an overloaded instance.
    let failed = sim.metrics().failed.iter().sum::<u64>();
    assert!(
        story.ends_with(&format!(
            "{} requests lost to overload.",
            fmt_thousands(failed)
        )),
        "{story}"
    );
    // Each "over capacity" step names the utilisation the record kept.
    for f in sim
        .metrics()
        .failures
        .iter()
        .filter(|f| f.fault == "overloaded")
    {
        let u = f
            .utilisation_percent
            .expect("an overloaded record keeps its utilisation");
        assert!(u > 100, "{} went over capacity at {u} %", f.node_name);
    }
}

#[test]
fn overload_losses_are_capacity_shortfall_not_the_detection_window() {
    let s = preset("cascading-failure");
    let sim = run(&s, 1, s.duration_s);
    let a = sim.metrics().attribution;
    let failed = sim.metrics().failed.iter().sum::<u64>();
    assert!(failed > 10_000, "the cascade loses requests ({failed})");
    assert!(
        a.failed_for_capacity * 100 >= failed * 95,
        "capacity {} of {failed} failed",
        a.failed_for_capacity
    );
    assert!(measured(&sim, "capacity") < -0.4);
    // Left in the detection window: the crash's own requests, saved by a retry.
    assert!(measured(&sim, "detection") > -0.05);
    assert_eq!(sim.breakdown().differs_most, Some("capacity"));
}

#[test]
fn no_overload_no_story_and_the_breakdown_is_unchanged() {
    // N+1 absorbs the same crash: no instance goes over capacity.
    let s = preset("n-plus-one");
    let sim = run(&s, 1, s.duration_s);
    assert_eq!(sim.report(0.0).cascade, None);
    assert_eq!(sim.metrics().attribution.failed_for_capacity, 0);
    // A crash without overload (and without retries) keeps its losses in the detection
    // window.
    let s = preset("no-retries");
    let sim = run(&s, 1, s.duration_s);
    assert_eq!(sim.report(0.0).cascade, None);
    let a = sim.metrics().attribution;
    assert_eq!(a.failed_for_capacity, 0);
    assert!(a.failed_in_detection > 0);
}
