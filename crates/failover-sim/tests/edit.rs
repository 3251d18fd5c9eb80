#![cfg(not(target_arch = "wasm32"))]
//! Editing the architecture (`edit.rs`): every edit leaves a valid scenario or changes
//! nothing and names the problem; references follow renames; removed nodes take their
//! scheduled faults with them; undo restores the exact scenario and run.
mod common;
use common::*;
use failover_sim::edit::{apply, Edit, History};
use failover_sim::reliability::analyse;
use failover_sim::scenario::*;
use failover_sim::validate::validate;

fn s(x: &str) -> String {
    x.to_string()
}

fn trace(sc: &Scenario) -> u64 {
    run(sc, 1, 30).trace_hash()
}

fn spof_names(sc: &Scenario) -> Vec<String> {
    analyse(sc).spofs.into_iter().map(|p| p.name).collect()
}

/// The journey in data: a single server gets a balancer and two more instances,
/// the clients move to the balancer, and the single point of failure moves from the
/// server to the balancer.
#[test]
fn single_server_to_a_balanced_tier() {
    let single = preset("single-server");
    let server = single.instances[0].name.clone();
    assert_eq!(spof_names(&single), vec![server.clone()]);
    let mut h = History::default();
    let mut cur = single.clone();
    let edits = [
        Edit::AddBalancer {
            name: s("lb-new"),
            zone: None,
            targets: vec![server.clone()],
        },
        Edit::AddInstance {
            name: s("app-b"),
            like: None,
            zone: None,
            balancers: vec![s("lb-new")],
        },
        Edit::AddInstance {
            name: s("app-c"),
            like: Some(server.clone()),
            zone: None,
            balancers: vec![s("lb-new")],
        },
        Edit::SetEntry { node: s("lb-new") },
    ];
    for e in &edits {
        let a = h
            .apply(&cur, e)
            .unwrap_or_else(|err| panic!("{e:?}: {err}"));
        assert!(validate(&a.scenario).is_ok());
        cur = a.scenario;
    }
    assert_eq!(cur.instances.len(), 3);
    assert_eq!(cur.entry, "lb-new");
    assert_eq!(spof_names(&cur), vec![s("lb-new")]);
    assert!(analyse(&cur).availability >= analyse(&single).availability);
    // Undo four times: the exact scenario, and the same run, as before the edits.
    let edited_trace = trace(&cur);
    for _ in 0..4 {
        cur = h.undo(&cur).expect("undo");
    }
    assert!(!h.can_undo());
    assert_eq!(cur, single);
    assert_eq!(trace(&cur), trace(&single));
    // Redo all: the edited run again.
    for _ in 0..4 {
        cur = h.redo(&cur).expect("redo");
    }
    assert!(!h.can_redo());
    assert_eq!(trace(&cur), edited_trace);
}

/// A refused edit changes nothing and names the field it would break.
#[test]
fn refused_edits_name_the_problem() {
    let base = preset("redundant-behind-lb");
    let lb = base.balancers[0].name.clone();
    let targets: Vec<String> = base.balancers[0]
        .targets
        .iter()
        .map(|t| t.instance.clone())
        .collect();
    // Removing every target: the last removal leaves a balancer without targets.
    let mut cur = base.clone();
    for (k, t) in targets.iter().enumerate() {
        let r = apply(
            &cur,
            &Edit::RemoveTarget {
                balancer: lb.clone(),
                instance: t.clone(),
            },
        );
        if k + 1 < targets.len() {
            cur = r
                .expect("a balancer may lose targets while one is left")
                .scenario;
        } else {
            let e = r.err().unwrap_or_default();
            assert!(e.contains("balancers[0].targets"), "{e}");
        }
    }
    let cases = [
        (
            Edit::AddInstance {
                name: targets[0].clone(),
                like: None,
                zone: None,
                balancers: vec![],
            },
            "is already used",
        ),
        (
            Edit::AddInstance {
                name: s(""),
                like: None,
                zone: None,
                balancers: vec![],
            },
            "must be 1 to 64 characters",
        ),
        (
            Edit::AddInstance {
                name: "x".repeat(65),
                like: None,
                zone: None,
                balancers: vec![],
            },
            "must be 1 to 64 characters",
        ),
        (
            Edit::AddInstance {
                name: s("bad name!"),
                like: None,
                zone: None,
                balancers: vec![],
            },
            "may use only letters",
        ),
        (
            Edit::MoveToZone {
                node: targets[0].clone(),
                zone: Some(s("nowhere")),
            },
            "instances[0].zone",
        ),
        (Edit::Remove { node: s("clients") }, "the clients stay"),
        (Edit::Remove { node: lb.clone() }, "entry"),
        (
            Edit::Rename {
                node: s("ghost"),
                to: s("x"),
            },
            "no node `ghost`",
        ),
        (Edit::SetEntry { node: s("nowhere") }, "no node"),
        (
            Edit::AddStandby {
                name: s("db-2"),
                zone: None,
            },
            "no database",
        ),
    ];
    for (edit, want) in cases {
        let e = apply(&base, &edit).err().unwrap_or_default();
        assert!(e.contains(want), "{edit:?}: `{e}` should say `{want}`");
    }
}

/// A rename follows every reference: targets, faults, entry; the run is the same run.
#[test]
fn rename_follows_every_reference() {
    let base = preset("redundant-behind-lb");
    let a = apply(
        &base,
        &Edit::Rename {
            node: s("app-2"),
            to: s("api-two"),
        },
    )
    .expect("rename");
    let sc = &a.scenario;
    assert!(sc.instances.iter().any(|i| i.name == "api-two"));
    assert!(sc.balancers[0]
        .targets
        .iter()
        .any(|t| t.instance == "api-two"));
    assert!(sc.faults.iter().all(|f| f.node != "app-2"));
    assert!(sc.faults.iter().any(|f| f.node == "api-two"));
    assert!(a.dropped_faults.is_empty());
    let lb = base.balancers[0].name.clone();
    let renamed_lb = apply(
        &base,
        &Edit::Rename {
            node: lb,
            to: s("front"),
        },
    )
    .expect("rename the entry balancer");
    assert_eq!(renamed_lb.scenario.entry, "front");
    // Names are labels: the same events happen.
    assert_eq!(run(sc, 1, 30).trace_hash(), run(&base, 1, 30).trace_hash());
}

/// Removing an instance drops the faults scheduled on it (returned, for the note) and
/// takes it out of every balancer.
#[test]
fn removing_a_node_drops_its_faults() {
    let base = preset("redundant-behind-lb");
    let on_app2 = base.faults.iter().filter(|f| f.node == "app-2").count();
    assert!(on_app2 > 0, "the preset schedules faults on app-2");
    let a = apply(&base, &Edit::Remove { node: s("app-2") }).expect("remove");
    assert_eq!(a.dropped_faults.len(), on_app2);
    assert!(a
        .scenario
        .balancers
        .iter()
        .all(|b| b.targets.iter().all(|t| t.instance != "app-2")));
    assert_eq!(a.scenario.instances.len(), base.instances.len() - 1);
}

/// Zones: add one, move a node into it; the zone becomes a failure domain the analysis
/// sees (an instance alone in its zone is still covered by its peers).
#[test]
fn zones_and_standbys() {
    let base = preset("db-async-vs-sync");
    let zone_edit = Edit::AddZone {
        region: s("eu-west"),
        zone: s("eu-west-1a"),
    };
    let a = apply(&base, &zone_edit).expect("add zone");
    let db = a.scenario.database.as_ref().expect("database").name.clone();
    let moved = apply(
        &a.scenario,
        &Edit::MoveToZone {
            node: db.clone(),
            zone: Some(s("eu-west-1a")),
        },
    )
    .expect("move the database");
    assert_eq!(
        moved
            .scenario
            .database
            .as_ref()
            .and_then(|d| d.zone.clone()),
        Some(s("eu-west-1a"))
    );
    // The database already has a standby: a second is refused; removed, one can be added.
    let standby = base
        .database
        .as_ref()
        .and_then(|d| d.standby.as_ref())
        .map(|st| st.name.clone());
    if let Some(st) = standby {
        let e = apply(
            &base,
            &Edit::AddStandby {
                name: s("db-3"),
                zone: None,
            },
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("already has a standby"), "{e}");
        let without = apply(&base, &Edit::Remove { node: st }).expect("remove standby");
        assert!(without
            .scenario
            .database
            .as_ref()
            .is_some_and(|d| d.standby.is_none()));
        let again = apply(
            &without.scenario,
            &Edit::AddStandby {
                name: s("db-3"),
                zone: None,
            },
        )
        .expect("add standby");
        assert!(again
            .scenario
            .database
            .as_ref()
            .is_some_and(|d| d.standby.is_some()));
    }
}

/// Undo keeps at most `History::LIMIT` steps (≥ 50, the floor), oldest first out.
#[test]
fn undo_keeps_the_last_steps() {
    const { assert!(History::LIMIT >= 50) };
    let mut h = History::default();
    let mut cur = preset("redundant-behind-lb");
    let start = cur.clone();
    for k in 0..History::LIMIT + 5 {
        let name = if k % 2 == 0 { "app-x" } else { "app-1" };
        let from = if k % 2 == 0 { "app-1" } else { "app-x" };
        cur = h
            .apply(
                &cur,
                &Edit::Rename {
                    node: s(from),
                    to: s(name),
                },
            )
            .expect("rename")
            .scenario;
    }
    let mut undone = 0;
    while let Some(prev) = h.undo(&cur) {
        cur = prev;
        undone += 1;
    }
    assert_eq!(undone, History::LIMIT);
    // 105 renames, 100 undone: 5 renames remain, an odd number: app-1 is app-x.
    assert_ne!(cur, start);
    assert!(cur.instances.iter().any(|i| i.name == "app-x"));
}

/// Compare: each side is the run of its own scenario plus the shared faults that apply to
/// it (trace hash equal to a direct run), and a fault on a node one side lacks is listed.
#[test]
fn compare_runs_both_sides_with_the_same_seeds_and_faults() {
    use failover_sim::compare::compare;
    let a = preset("single-server");
    let b = preset("redundant-behind-lb");
    let crash = Fault::new(10_000, FaultAction::Crash, "app-3");
    let c = compare(&a, &b, std::slice::from_ref(&crash), 7, 2, 30).expect("compare");
    assert_eq!(
        c.a.faults_not_applicable,
        vec!["crash app-3 at 10000 ms".to_string()]
    );
    assert!(c.b.faults_not_applicable.is_empty());
    let mut direct = b.clone();
    direct.duration_s = 30;
    direct.faults.push(crash);
    assert_eq!(
        c.b.trace_hash,
        run(&direct, 7, 30).trace_hash_hex(),
        "side B is B's own run with the shared fault"
    );
    let mut direct_a = a.clone();
    direct_a.duration_s = 30;
    assert_eq!(c.a.trace_hash, run(&direct_a, 7, 30).trace_hash_hex());
    assert!(c.b.availability > c.a.availability);
    assert!(c.b.infrastructure_per_month > c.a.infrastructure_per_month);
    assert!(c.b.mean_detection_s.is_some_and(|d| d > 0.0));
    assert!(compare(&a, &b, &[], 1, 0, 30).is_err());
}

/// DNS failover routing added in front of a balanced tier: the clients look the name up
/// (the entry becomes the DNS name), the first record is the primary, the second the
/// secondary; a second DNS, a record on a node that does not exist, are refused.
#[test]
fn dns_with_records_goes_in_front() {
    let base = preset("redundant-behind-lb");
    let lb = base.balancers[0].name.clone();
    let a = apply(
        &base,
        &Edit::AddDns {
            name: s("api.example.com"),
            records: vec![lb.clone()],
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let dns = a.scenario.dns.as_ref().expect("dns");
    assert_eq!(a.scenario.entry, "api.example.com");
    assert_eq!(dns.records.len(), 1);
    assert_eq!(dns.records[0].target, lb);
    assert_eq!(dns.records[0].role, RecordRole::Primary);
    // Route 53's documented defaults (semantics.md): TTL 60 s, 30 s × 3.
    assert_eq!(dns.ttl_s, 60);
    assert_eq!(dns.health_check.request_interval_s, 30);
    assert_eq!(dns.health_check.failure_threshold, 3);
    assert!(run(&a.scenario, 1, 30).trace_hash() != run(&base, 1, 30).trace_hash());

    let again = apply(
        &a.scenario,
        &Edit::AddDns {
            name: s("other.example.com"),
            records: vec![lb.clone()],
        },
    );
    assert_eq!(
        again.err().as_deref(),
        Some("add DNS: the scenario already has DNS")
    );
    let bad = apply(
        &base,
        &Edit::AddDns {
            name: s("api.example.com"),
            records: vec![s("nowhere")],
        },
    )
    .expect_err("a record on no node");
    assert!(bad.contains("dns.records[0].target"), "{bad}");
    // Removing it sends the clients back to its primary record.
    let removed = apply(
        &a.scenario,
        &Edit::Remove {
            node: s("api.example.com"),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(removed.scenario, base);
}

/// A second client population: the clients of `traffic.region` become the first one, the
/// new one sends the asked fraction of all requests; a share outside (0, 1), a region
/// without clients to share with, are refused with the field.
#[test]
fn a_second_client_population_takes_its_share() {
    let base = preset("dns-region-failover");
    let first = base.traffic.region.clone().expect("clients in a region");
    let other = base
        .regions
        .iter()
        .map(|r| r.name.clone())
        .find(|r| *r != first)
        .expect("a second region");
    let a = apply(
        &base,
        &Edit::AddPopulation {
            region: other.clone(),
            share: 0.25,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let pops = &a.scenario.traffic.populations;
    assert_eq!(a.scenario.traffic.region, None);
    assert_eq!(pops.len(), 2);
    assert_eq!(pops[0].region, first);
    assert_eq!(pops[1].region, other);
    let total: f64 = pops.iter().map(|p| p.share).sum();
    assert!((pops[1].share / total - 0.25).abs() < 1e-12);
    let bad = apply(
        &base,
        &Edit::AddPopulation {
            region: other.clone(),
            share: 1.0,
        },
    )
    .expect_err("all of the traffic");
    assert!(bad.starts_with("add clients: the share"), "{bad}");
    let mut nowhere = base.clone();
    nowhere.traffic.region = None;
    let bad = apply(
        &nowhere,
        &Edit::AddPopulation {
            region: other,
            share: 0.5,
        },
    )
    .expect_err("no first population");
    assert!(bad.starts_with("traffic.region:"), "{bad}");
}
