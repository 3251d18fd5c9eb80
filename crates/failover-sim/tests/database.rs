#![cfg(not(target_arch = "wasm32"))]
//! The data store: replication, failover (Patroni), the RPO, strict sync and split brain.
mod common;
use common::*;
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;
use failover_sim::time::us_to_s;

fn stats(sim: &failover_sim::Simulation) -> failover_sim::database::DbStats {
    sim.report(0.0)
        .database
        .unwrap_or_else(|| panic!("no database"))
}

#[test]
fn the_data_store_is_a_spof_of_the_website_flow() {
    let sim = run(&preset("website-flow"), 1, 60);
    // Crashed at 20 s, healed at 35 s: the server is fine, yet nothing succeeds.
    let series = sim.series(60);
    let down: Vec<_> = series
        .iter()
        .filter(|b| (21..=34).contains(&b.second))
        .collect();
    assert_eq!(down.len(), 14, "every second of the outage is checked");
    for b in down {
        assert_eq!(b.succeeded, 0, "second {}", b.second);
        assert!(b.failed_total() > 0, "second {}", b.second);
    }
    let spofs: Vec<String> = analyse(&preset("website-flow"))
        .spofs
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(spofs, ["server", "data-store"]);
    assert!(!analyse(&preset("db-async-vs-sync"))
        .spofs
        .iter()
        .any(|s| s.name.starts_with("db-")));
}

#[test]
fn patroni_promotes_the_standby_within_ttl_plus_loop_wait_plus_promotion() {
    for seed in 1..=8 {
        let sim = run(&preset("db-async-vs-sync"), seed, 120);
        let rec = failure_of(&sim, "db-primary");
        let detected = us_to_s(rec.detected_at_us.unwrap_or(0) - rec.fault_at_us);
        let promoted = us_to_s(rec.rerouted_at_us.unwrap_or(0) - rec.fault_at_us);
        // The lock was last renewed up to loop_wait (10 s) before the crash and expires ttl
        // (30 s) after that renewal; replicas look every loop_wait: 20–40 s.
        assert!(
            (20.0..=40.01).contains(&detected),
            "seed {seed}: {detected}"
        );
        assert!(
            (promoted - detected - 5.0).abs() < 1e-6,
            "promotion takes promotion_ms"
        );
        assert_eq!(stats(&sim).failovers, 1);
        // After promotion and reconnects, everything succeeds again.
        let quiet_from = rec.rerouted_at_us.unwrap_or(0) / 1_000_000 + 5;
        let late: u32 = sim
            .series(120)
            .iter()
            .filter(|b| b.second >= quiet_from && b.second < 120)
            .map(|b| b.failed_total())
            .sum();
        assert_eq!(late, 0, "seed {seed}");
    }
}

#[test]
fn async_failover_loses_the_writes_still_in_flight_sync_loses_none() {
    // A slow link makes the in-flight window wide: 40 ms one way, 400 writes/s.
    let mut asynchronous = preset("db-async-vs-sync");
    asynchronous.network.cross_zone_latency_ms = 40.0;
    asynchronous.traffic.write_fraction = 1.0;
    asynchronous.traffic.rate_rps = 400.0;
    let mut synchronous = asynchronous.clone();
    if let Some(db) = synchronous.database.as_mut() {
        db.replication = Replication::Sync;
    }
    let mut lost_total = 0;
    for seed in 1..=5 {
        let a = run(&asynchronous, seed, 80);
        let lost = stats(&a).writes_lost;
        // Writes acknowledged in the 40 ms before the crash had not reached the standby:
        // about 400/s × 0.04 s = 16, give or take Poisson.
        assert!((3..=40).contains(&lost), "seed {seed}: {lost}");
        lost_total += lost;
        let s = run(&synchronous, seed, 80);
        assert_eq!(
            stats(&s).writes_lost,
            0,
            "seed {seed}: sync never loses acknowledged writes"
        );
        // The price: each write waited for a cross-zone round trip.
        assert!(s.latency_summary().mean_ms > a.latency_summary().mean_ms + 60.0);
    }
    assert!(lost_total > 0);
}

#[test]
fn strict_sync_stops_writes_without_a_standby() {
    let mut s = preset("db-sync");
    s.faults = vec![Fault::new(10_000, FaultAction::Crash, "db-standby")];
    let relaxed = run(&s, 1, 30);
    assert_eq!(stats(&relaxed).writes_refused, 0, "degrades to async");
    if let Some(db) = s.database.as_mut() {
        db.strict_sync = true;
    }
    let strict = run(&s, 1, 30);
    assert!(
        stats(&strict).writes_refused > 1_000,
        "{:?}",
        stats(&strict)
    );
}

#[test]
fn split_brain_happens_only_without_fencing() {
    let s = preset("split-brain");
    let without = run(&s, 1, 120);
    assert!(
        stats(&without).conflicting_writes > 100,
        "{:?}",
        stats(&without)
    );
    let mut fenced = s.clone();
    if let Some(db) = fenced.database.as_mut() {
        db.fencing = true;
    }
    let with = run(&fenced, 1, 120);
    assert_eq!(stats(&with).conflicting_writes, 0, "{:?}", stats(&with));
    assert!(with
        .snapshot()
        .log
        .iter()
        .any(|l| l.text.contains("demoted itself (fencing)")));
}

#[test]
fn replication_lag_grows_when_writes_outpace_the_standby() {
    let mut s = preset("db-async-vs-sync");
    s.faults.clear();
    s.traffic.write_fraction = 1.0;
    s.traffic.rate_rps = 400.0;
    if let Some(db) = s.database.as_mut() {
        db.apply_ms = 40.0; // 25 writes/s at most: the standby falls further behind every second
        db.failover.maximum_lag_writes = 100;
    }
    let sim = run(&s, 1, 30);
    let lag = sim.series(30);
    let early = lag
        .iter()
        .find(|b| b.second == 5)
        .map(|b| b.replication_lag_writes)
        .unwrap_or(0);
    let late = lag
        .iter()
        .find(|b| b.second == 25)
        .map(|b| b.replication_lag_writes)
        .unwrap_or(0);
    assert!(late > early * 3 && late > 1_000, "{early} → {late}");
    let view = sim.snapshot().database.unwrap_or_else(|| panic!("no view"));
    assert!(
        view.lag_writes > 1_000 && view.lag_ms > 1_000.0,
        "{} writes, {} ms",
        view.lag_writes,
        view.lag_ms
    );
    // Patroni compares *received* WAL: a standby that has everything but applies it slowly
    // is still promoted (and catches up); one that is down is not.
    let mut crash = s.clone();
    crash.faults = vec![Fault::new(20_000, FaultAction::Crash, "db-primary")];
    assert_eq!(stats(&run(&crash, 1, 80)).failovers, 1);
    crash
        .faults
        .insert(0, Fault::new(10_000, FaultAction::Crash, "db-standby"));
    let blocked = run(&crash, 1, 80);
    assert_eq!(stats(&blocked).failovers, 0);
    assert!(stats(&blocked).failovers_blocked > 0);
    assert!(blocked.snapshot().log.iter().any(|l| l
        .text
        .contains("no failover for db-primary: db-standby is down too")));
}

#[test]
fn database_settings_are_validated() {
    let base = preset("db-async-vs-sync");
    type M = fn(&mut Scenario);
    let cases: Vec<(M, &str)> = vec![
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.query_ms = 0.0)
            },
            "database.query_ms: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.apply_ms = -1.0)
            },
            "database.apply_ms: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.query_timeout_ms = 0)
            },
            "database.query_timeout_ms: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.failover.ttl_s = 10)
            },
            "database.failover.ttl_s: must be greater than loop_wait_s (10)",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.failover.loop_wait_s = 0)
            },
            "database.failover.loop_wait_s: must be between 1",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.failover.promotion_ms = u64::MAX)
            },
            "database.failover.promotion_ms: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.failover.reconnect_ms = u64::MAX)
            },
            "database.failover.reconnect_ms: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.failover.maximum_lag_writes = u64::MAX)
            },
            "database.failover.maximum_lag_writes: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.strict_sync = true)
            },
            "database.strict_sync: only applies to synchronous replication",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.zone = Some("moon".into()))
            },
            "database.zone: no zone is named `moon`",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .for_each(|d| d.name = "app-1".into())
            },
            "database.name: duplicate name `app-1`",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .flat_map(|d| d.standby.as_mut())
                    .for_each(|st| st.zone = Some("moon".into()))
            },
            "database.standby.zone: no zone is named `moon`",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .flat_map(|d| d.standby.as_mut())
                    .for_each(|st| st.name = "db-primary".into())
            },
            "database.standby.name: duplicate name `db-primary`",
        ),
        (
            |s| {
                s.database.as_mut().into_iter().for_each(|d| {
                    d.failures = Some(Reliability {
                        mtbf_s: 0.0,
                        mttr_s: 1.0,
                    })
                })
            },
            "database.failures.mtbf_s: must be between",
        ),
        (
            |s| {
                s.database
                    .as_mut()
                    .into_iter()
                    .flat_map(|d| d.standby.as_mut())
                    .for_each(|st| {
                        st.failures = Some(Reliability {
                            mtbf_s: 10.0,
                            mttr_s: 0.0,
                        })
                    })
            },
            "database.standby.failures.mttr_s: must be between",
        ),
        (
            |s| s.traffic.write_fraction = 1.5,
            "traffic.write_fraction: must be between 0 and 1",
        ),
        (
            |s| s.faults = vec![Fault::new(1, FaultAction::Fail, "db-primary")],
            "faults[0].action: `fail` does not apply to `db-primary`",
        ),
        (
            |s| {
                s.faults = vec![Fault::set(
                    1,
                    "db-primary",
                    "workers",
                    ParamValue::Number(1.0),
                )]
            },
            "faults[0].action: `set` does not apply",
        ),
    ];
    for (mutate, needle) in cases {
        let mut s = base.clone();
        mutate(&mut s);
        let errs = failover_sim::validate::validate(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(errs.contains(needle), "{needle}\n got: {errs}");
    }
}
