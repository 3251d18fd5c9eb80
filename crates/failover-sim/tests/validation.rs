#![cfg(not(target_arch = "wasm32"))]
//! Every validation error, with its path. Each case breaks one thing in a valid scenario
//! and expects exactly that problem to be named.
mod common;
use common::*;
use failover_sim::params;
use failover_sim::scenario::*;
use failover_sim::validate::validate;
use failover_sim::Simulation;

fn base() -> Scenario {
    preset("redundant-behind-lb")
}

fn expect(case: &str, s: &Scenario, path: &str, needle: &str) {
    let errs = match validate(s) {
        Ok(()) => panic!("{case}: expected an error at {path}"),
        Err(e) => e,
    };
    assert!(
        errs.0
            .iter()
            .any(|e| e.path == path && e.message.contains(needle)),
        "{case}: wanted `{path}: …{needle}…`, got:\n{errs}"
    );
    // The same errors come out of Simulation::new: no run starts from a bad scenario.
    assert!(Simulation::new(s).is_err());
}

type Mutation = (&'static str, fn(&mut Scenario), &'static str, &'static str);

#[test]
fn every_field_error_names_its_path() {
    let cases: Vec<Mutation> = vec![
        ("empty name", |s| s.name.clear(), "name", "1 to 64"),
        (
            "bad chars",
            |s| s.name = "a b".into(),
            "name",
            "only letters",
        ),
        (
            "duration 0",
            |s| s.duration_s = 0,
            "duration_s",
            "between 1 and 86400",
        ),
        (
            "rate",
            |s| s.traffic.rate_rps = 1e9,
            "traffic.rate_rps",
            "between 0 and 20000",
        ),
        (
            "rate NaN",
            |s| s.traffic.rate_rps = f64::NAN,
            "traffic.rate_rps",
            "between",
        ),
        (
            "clients",
            |s| s.traffic.clients = 0,
            "traffic.clients",
            "between 1",
        ),
        (
            "timeout",
            |s| s.traffic.timeout_ms = 0,
            "traffic.timeout_ms",
            "between 1 and 60000",
        ),
        (
            "path",
            |s| s.traffic.path = "x".repeat(300),
            "traffic.path",
            "256",
        ),
        (
            "profile len",
            |s| {
                s.traffic.profile = vec![
                    RateStep {
                        at_ms: 0,
                        rate_rps: 1.0
                    };
                    300
                ]
            },
            "traffic.profile",
            "at most 256",
        ),
        (
            "profile order",
            |s| {
                s.traffic.profile = vec![
                    RateStep {
                        at_ms: 5,
                        rate_rps: 1.0,
                    },
                    RateStep {
                        at_ms: 1,
                        rate_rps: 1.0,
                    },
                ]
            },
            "traffic.profile[1].at_ms",
            "time order",
        ),
        (
            "profile rate",
            |s| {
                s.traffic.profile = vec![RateStep {
                    at_ms: 5,
                    rate_rps: -1.0,
                }]
            },
            "traffic.profile[0].rate_rps",
            "between",
        ),
        (
            "profile time",
            |s| {
                s.traffic.profile = vec![RateStep {
                    at_ms: u64::MAX,
                    rate_rps: 1.0,
                }]
            },
            "traffic.profile[0].at_ms",
            "between",
        ),
        (
            "latency",
            |s| s.network.latency_ms = -1.0,
            "network.latency_ms",
            "between 0 and 1000",
        ),
        (
            "no instances",
            |s| {
                s.instances.clear();
                s.balancers.clear();
            },
            "instances",
            "at least one",
        ),
        (
            "too many instances",
            |s| {
                s.instances = (0..2_001)
                    .map(|i| instance(&format!("i{i}"), 1, 1.0))
                    .collect()
            },
            "instances",
            "at most 2000",
        ),
        (
            "too many balancers",
            |s| {
                let b = s.balancers[0].clone();
                s.balancers = (0..49)
                    .map(|i| Balancer {
                        name: format!("lb{i}"),
                        ..b.clone()
                    })
                    .collect();
            },
            "balancers",
            "at most 48",
        ),
        (
            "too many nodes",
            |s| {
                let b = s.balancers[0].clone();
                s.instances = (0..2_000)
                    .map(|i| instance(&format!("i{i}"), 1, 1.0))
                    .collect();
                s.balancers = (0..48)
                    .map(|i| Balancer {
                        name: format!("lb{i}"),
                        ..b.clone()
                    })
                    .collect();
            },
            "instances",
            "nodes in all",
        ),
        (
            "duplicate",
            |s| s.instances[1].name = "app-1".into(),
            "instances[1].name",
            "duplicate name `app-1`",
        ),
        (
            "reserved",
            |s| s.instances[0].name = "clients".into(),
            "instances[0].name",
            "reserved",
        ),
        (
            "workers",
            |s| s.instances[0].workers = 0,
            "instances[0].workers",
            "between 1 and 1024",
        ),
        (
            "queue",
            |s| s.instances[0].queue_capacity = 200_000,
            "instances[0].queue_capacity",
            "between 0 and 100000",
        ),
        (
            "mean",
            |s| s.instances[0].service_time.mean_ms = 0.0,
            "instances[0].service_time.mean_ms",
            "between",
        ),
        (
            "sigma",
            |s| s.instances[0].service_time.sigma = 9.0,
            "instances[0].service_time.sigma",
            "between 0 and 3",
        ),
        (
            "startup",
            |s| s.instances[0].startup_ms = 10_000_000,
            "instances[0].startup_ms",
            "between",
        ),
        (
            "restart",
            |s| s.instances[0].restart_after_ms = Some(u64::MAX),
            "instances[0].restart_after_ms",
            "between",
        ),
        (
            "balancer name",
            |s| s.balancers[0].name = "".into(),
            "balancers[0].name",
            "1 to 64",
        ),
        (
            "no targets",
            |s| s.balancers[0].targets.clear(),
            "balancers[0].targets",
            "at least one target",
        ),
        (
            "too many targets",
            |s| {
                let t = s.balancers[0].targets[0].clone();
                s.balancers[0].targets = vec![t; 2_001];
            },
            "balancers[0].targets",
            "at most 2000",
        ),
        (
            "weight",
            |s| s.balancers[0].targets[0].weight = 0,
            "balancers[0].targets[0].weight",
            "between 1 and 256",
        ),
        (
            "all backup",
            |s| {
                s.balancers[0]
                    .targets
                    .iter_mut()
                    .for_each(|t| t.backup = true)
            },
            "balancers[0].targets",
            "must not be a backup",
        ),
        (
            "unknown target",
            |s| s.balancers[0].targets[0].instance = "ghost".into(),
            "balancers[0].targets[0].instance",
            "no instance is named `ghost`",
        ),
        (
            "dup target",
            |s| s.balancers[0].targets[1].instance = "app-1".into(),
            "balancers[0].targets[1].instance",
            "already a target",
        ),
        (
            "retries",
            |s| s.balancers[0].retries = 11,
            "balancers[0].retries",
            "between 0 and 10",
        ),
        (
            "connect",
            |s| s.balancers[0].timeout_connect_ms = 0,
            "balancers[0].timeout_connect_ms",
            "between 1",
        ),
        (
            "server",
            |s| s.balancers[0].timeout_server_ms = 0,
            "balancers[0].timeout_server_ms",
            "between 1",
        ),
        (
            "retry_on dup",
            |s| s.balancers[0].retry_on = vec![RetryOn::ConnFailure, RetryOn::ConnFailure],
            "balancers[0].retry_on[1]",
            "listed twice",
        ),
        (
            "inter",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    inter_ms: Some(10),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.inter_ms",
            "between 100 and 300000",
        ),
        (
            "fastinter",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    fastinter_ms: Some(10),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.fastinter_ms",
            "between 100",
        ),
        (
            "downinter",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    downinter_ms: Some(400_000),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.downinter_ms",
            "between 100",
        ),
        (
            "rise",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    rise: Some(0),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.rise",
            "between 1 and 10",
        ),
        (
            "fall",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    fall: Some(11),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.fall",
            "between 1 and 10",
        ),
        (
            "check timeout",
            |s| {
                s.balancers[0].health_check = Some(HealthCheck {
                    timeout_ms: Some(0),
                    ..HealthCheck::default()
                })
            },
            "balancers[0].health_check.timeout_ms",
            "between 1",
        ),
        (
            "max_fails",
            |s| {
                s.balancers[0].passive = Some(PassiveHealth {
                    max_fails: 0,
                    fail_timeout_ms: 1_000,
                })
            },
            "balancers[0].passive.max_fails",
            "between 1 and 100",
        ),
        (
            "fail_timeout",
            |s| {
                s.balancers[0].passive = Some(PassiveHealth {
                    max_fails: 1,
                    fail_timeout_ms: 1,
                })
            },
            "balancers[0].passive.fail_timeout_ms",
            "between 100",
        ),
        (
            "entry",
            |s| s.entry = "nowhere".into(),
            "entry",
            "not the name of a gateway, a balancer or an instance",
        ),
        (
            "entry clients",
            |s| s.entry = "clients".into(),
            "entry",
            "not the name",
        ),
        (
            "too many faults",
            |s| s.faults = vec![Fault::new(0, FaultAction::Heal, "app-1"); 10_001],
            "faults",
            "at most 10000",
        ),
        (
            "fault time",
            |s| s.faults = vec![Fault::new(u64::MAX, FaultAction::Crash, "app-1")],
            "faults[0].at_ms",
            "between",
        ),
        (
            "fault node",
            |s| s.faults = vec![Fault::new(1, FaultAction::Crash, "ghost")],
            "faults[0].node",
            "no node, zone or region is named `ghost`",
        ),
        (
            "fault kind",
            |s| s.faults = vec![Fault::new(1, FaultAction::Fail, "app-1")],
            "faults[0].action",
            "`fail` does not apply to `app-1`",
        ),
        (
            "fault on clients",
            |s| s.faults = vec![Fault::new(1, FaultAction::Crash, "clients")],
            "faults[0].action",
            "does not apply",
        ),
        (
            "gray on lb",
            |s| s.faults = vec![Fault::new(1, FaultAction::Gray, "lb-1")],
            "faults[0].action",
            "does not apply",
        ),
        (
            "latency missing",
            |s| s.faults = vec![Fault::new(1, FaultAction::AddLatency, "app-1")],
            "faults[0].extra_latency_ms",
            "needs extra_latency_ms",
        ),
        (
            "latency range",
            |s| {
                s.faults = vec![Fault {
                    extra_latency_ms: Some(1e9),
                    ..Fault::new(1, FaultAction::AddLatency, "app-1")
                }]
            },
            "faults[0].extra_latency_ms",
            "between",
        ),
        (
            "gray latency",
            |s| {
                s.faults = vec![Fault {
                    extra_latency_ms: Some(-5.0),
                    ..Fault::new(1, FaultAction::Gray, "app-1")
                }]
            },
            "faults[0].extra_latency_ms",
            "between",
        ),
        (
            "gray rate",
            |s| {
                s.faults = vec![Fault {
                    error_rate: Some(2.0),
                    ..Fault::new(1, FaultAction::Gray, "app-1")
                }]
            },
            "faults[0].error_rate",
            "between 0 and 1",
        ),
        (
            "set no param",
            |s| {
                s.faults = vec![Fault {
                    value: Some(ParamValue::Number(1.0)),
                    ..Fault::new(1, FaultAction::Set, "lb-1")
                }]
            },
            "faults[0].param",
            "needs a param",
        ),
        (
            "set no value",
            |s| {
                s.faults = vec![Fault {
                    param: Some("retries".into()),
                    ..Fault::new(1, FaultAction::Set, "lb-1")
                }]
            },
            "faults[0].value",
            "needs a value",
        ),
        (
            "set bad value",
            |s| s.faults = vec![Fault::set(1, "lb-1", "retries", ParamValue::Number(99.0))],
            "faults[0].value",
            "between 0 and 10",
        ),
        (
            "set unknown",
            |s| s.faults = vec![Fault::set(1, "app-1", "colour", ParamValue::Number(1.0))],
            "faults[0].value",
            "unknown parameter `colour`",
        ),
        (
            "param on crash",
            |s| {
                s.faults = vec![Fault {
                    param: Some("x".into()),
                    ..Fault::new(1, FaultAction::Crash, "app-1")
                }]
            },
            "faults[0].param",
            "only `set` takes",
        ),
    ];
    for (case, mutate, path, needle) in cases {
        let mut s = base();
        mutate(&mut s);
        expect(case, &s, path, needle);
    }
}

#[test]
fn several_problems_are_all_reported() {
    let mut s = base();
    s.traffic.rate_rps = -1.0;
    s.instances[0].workers = 0;
    s.balancers[0].retries = 50;
    let errs = validate(&s).err().map(|e| e.0.len()).unwrap_or(0);
    assert_eq!(errs, 3);
}

#[test]
fn json_errors_name_the_field() {
    let good = base().to_json_pretty();
    assert!(Scenario::from_json(&good).is_ok());
    let unknown = good.replacen("\"seed\"", "\"sede\"", 1);
    let e = Scenario::from_json(&unknown).err().unwrap_or_default();
    assert!(e.contains("unknown field `sede`"), "{e}");
    let wrong_type = good.replacen("\"retries\": 3", "\"retries\": \"three\"", 1);
    let e = Scenario::from_json(&wrong_type).err().unwrap_or_default();
    assert!(e.contains("invalid type"), "{e}");
    let e = Scenario::from_json("{").err().unwrap_or_default();
    assert!(e.contains("EOF"), "{e}");
    let bad_enum = good.replacen("\"round-robin\"", "\"roundest-robin\"", 1);
    let e = Scenario::from_json(&bad_enum).err().unwrap_or_default();
    assert!(e.contains("unknown variant `roundest-robin`"), "{e}");
}

#[test]
fn parameter_edits_are_validated() {
    let mut s = base();
    let n = |v: f64| ParamValue::Number(v);
    let t = |v: &str| ParamValue::Text(v.into());
    let cases: Vec<(&str, &str, ParamValue, &str)> = vec![
        (
            "lb-1",
            "algorithm",
            t("fastest"),
            "unknown algorithm `fastest`",
        ),
        ("lb-1", "retries", n(1.5), "not a whole number"),
        ("lb-1", "redispatch", n(2.0), "not true or false"),
        (
            "lb-1",
            "when_all_down",
            t("panic"),
            "not reject or fail-open",
        ),
        (
            "lb-1",
            "health_check.preset",
            t("f5"),
            "unknown health-check preset",
        ),
        ("lb-1", "health_check.rise", n(0.0), "between 1 and 10"),
        ("lb-1", "health_check.inter_ms", t("soon"), "not a number"),
        ("lb-1", "passive.max_fails", n(0.0), "between 1 and 100"),
        ("app-1", "workers", n(0.0), "between 1 and 1024"),
        (
            "app-1",
            "service_time.distribution",
            t("uniform"),
            "not constant, exponential or lognormal",
        ),
        ("app-1", "restart_after_ms", n(-1.0), "not a whole number"),
        ("clients", "rate_rps", n(1e7), "between 0 and 20000"),
        ("clients", "timeout_ms", t("x"), "not a number"),
        ("clients", "speed", n(1.0), "unknown parameter `speed`"),
        (
            "ghost",
            "workers",
            n(1.0),
            "no node, zone or region is named `ghost`",
        ),
        ("lb-1", "colour", n(1.0), "unknown parameter"),
    ];
    for (node, param, value, needle) in cases {
        let e = params::apply_to_scenario(&mut s, node, param, &value)
            .err()
            .unwrap_or_default();
        assert!(e.contains(needle), "{node}.{param}: {e}");
    }
    // And good edits apply.
    assert!(
        params::apply_to_scenario(&mut s, "lb-1", "health_check.preset", &t("aws-alb")).is_ok()
    );
    assert_eq!(
        s.balancers[0]
            .health_check
            .as_ref()
            .map(|h| h.resolve().inter_ms),
        Some(30_000)
    );
    assert!(
        params::apply_to_scenario(&mut s, "lb-1", "health_check.inter_ms", &n(1_000.0)).is_ok()
    );
    assert_eq!(
        s.balancers[0]
            .health_check
            .as_ref()
            .map(|h| h.resolve().fastinter_ms),
        Some(1_000)
    );
    assert!(params::apply_to_scenario(&mut s, "app-1", "restart_after_ms", &t("none")).is_ok());
    assert!(params::apply_to_scenario(&mut s, "lb-1", "health_check.preset", &t("none")).is_ok());
    assert!(s.balancers[0].health_check.is_none());
}

/// The words a `set` takes for a switch and for "no value", each with its effect (not only
/// accepted): `on`/`true` and `off`/`false`; `restart_after_ms` a number, or `none` / empty
/// for "stays down".
#[test]
fn set_words_have_their_meaning() {
    let n = |v: f64| ParamValue::Number(v);
    let t = |v: &str| ParamValue::Text(v.into());
    let mut s = base();
    for (word, want) in [
        ("off", false),
        ("on", true),
        ("false", false),
        ("true", true),
    ] {
        params::apply_to_scenario(&mut s, "lb-1", "redispatch", &t(word))
            .unwrap_or_else(|e| panic!("redispatch {word}: {e}"));
        assert_eq!(s.balancers[0].redispatch, want, "redispatch {word}");
    }
    let e = params::apply_to_scenario(&mut s, "lb-1", "redispatch", &t("maybe"))
        .err()
        .unwrap_or_default();
    assert!(e.contains("not true or false"), "{e}");
    assert!(s.balancers[0].redispatch, "a refused word changes nothing");
    params::apply_to_scenario(&mut s, "app-1", "restart_after_ms", &n(5_000.0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.instances[0].restart_after_ms, Some(5_000));
    params::apply_to_scenario(&mut s, "app-1", "restart_after_ms", &t("7000"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.instances[0].restart_after_ms, Some(7_000));
    for none in ["none", ""] {
        s.instances[0].restart_after_ms = Some(1);
        params::apply_to_scenario(&mut s, "app-1", "restart_after_ms", &t(none))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.instances[0].restart_after_ms, None, "`{none}`");
    }
}

#[test]
fn live_commands_are_validated_too() {
    let mut sim = Simulation::new(&base()).unwrap_or_else(|e| panic!("{e}"));
    let e = sim
        .schedule(Fault::new(0, FaultAction::Crash, "ghost"))
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("no node, zone or region is named `ghost`"),
        "{e}"
    );
    let e = sim
        .schedule(Fault::set(0, "lb-1", "retries", ParamValue::Number(-1.0)))
        .err()
        .unwrap_or_default();
    assert!(e.contains("not a whole number"), "{e}");
    assert!(sim.user_commands().is_empty());
}

/// Count limits come first: past one, validation says so and stops, without a problem per
/// item (40,000 instances with bad fields and duplicate names used to be examined one by
/// one, 2.5 s, before the refusal).
#[test]
fn over_limit_counts_are_refused_before_any_item_is_examined() {
    let mut s = base();
    let proto = s.instances[0].clone();
    s.instances = (0..40_000)
        .map(|i| Instance {
            name: if i % 2 == 0 {
                "same".into()
            } else {
                format!("app {i}")
            },
            workers: 0,
            ..proto.clone()
        })
        .collect();
    let dup = s.balancers[0].retry_on[0];
    s.balancers[0].retry_on = vec![dup; 1_000];
    s.faults = vec![Fault::new(u64::MAX, FaultAction::Crash, "ghost"); 20_000];
    let errs = validate(&s).err().unwrap_or_else(|| panic!("accepted"));
    assert!(!errs.0.is_empty());
    for e in &errs.0 {
        assert!(
            !e.path.contains('[') || e.path.ends_with(".retry_on"),
            "a per-item problem after a count limit: {e}"
        );
    }
    let has = |path: &str, needle: &str| {
        errs.0
            .iter()
            .any(|e| e.path == path && e.message.contains(needle))
    };
    assert!(
        has("instances", "at most 2000 instances, got 40000"),
        "{errs}"
    );
    assert!(has("instances", "at most 2048 nodes in all"), "{errs}");
    assert!(has("faults", "at most 10000 faults, got 20000"), "{errs}");
    assert!(
        has("balancers[0].retry_on", "at most 5 conditions, got 1000"),
        "{errs}"
    );
    assert_eq!(errs.0.len(), 4, "{errs}");
    assert!(Simulation::new(&s).is_err());
}

/// Names are unique across every kind, found with a set; the first use is named.
#[test]
fn duplicate_names_are_found_at_scale() {
    let mut s = base();
    let proto = s.instances[0].clone();
    s.instances = (0..2_000)
        .map(|i| Instance {
            name: format!("app-{}", i % 1_000),
            ..proto.clone()
        })
        .collect();
    s.instances[1_999].name = "lb-1".into();
    s.balancers[0].targets.truncate(1);
    let first = s.balancers[0].targets[0].clone();
    s.balancers[0].targets.push(first);
    let errs = validate(&s).err().unwrap_or_else(|| panic!("accepted"));
    let dups = errs
        .0
        .iter()
        .filter(|e| e.message.starts_with("duplicate name"))
        .count();
    assert_eq!(dups, 1_000, "{errs}");
    assert!(
        errs.0.iter().any(|e| e.path == "instances[1000].name"
            && e.message == "duplicate name `app-0` (first used at instances[0].name)"),
        "{errs}"
    );
    assert!(
        errs.0.iter().any(|e| e.path == "balancers[0].name"
            && e.message == "duplicate name `lb-1` (first used at instances[1999].name)"),
        "{errs}"
    );
    assert!(
        errs.0
            .iter()
            .any(|e| e.path == "balancers[0].targets[1].instance"
                && e.message.contains("already a target")),
        "{errs}"
    );
}

/// Every string has a length limit, named by its path; a long string is never echoed back.
#[test]
fn over_long_strings_are_refused_with_their_path() {
    type Case = (&'static str, fn(&mut Scenario), &'static str);
    let cases: Vec<Case> = vec![
        (
            "description",
            |s| s.description = "é".repeat(4_001),
            "at most 4000 characters",
        ),
        (
            "traffic.path",
            |s| s.traffic.path = "/".repeat(257),
            "at most 256 characters",
        ),
        ("name", |s| s.name = "n".repeat(65), "1 to 64 characters"),
        (
            "entry",
            |s| s.entry = "x".repeat(100_000),
            "at most 64 characters",
        ),
        (
            "balancers[0].targets[1].instance",
            |s| s.balancers[0].targets[1].instance = "x".repeat(100_000),
            "at most 64 characters",
        ),
        (
            "instances[0].zone",
            |s| s.instances[0].zone = Some("x".repeat(100_000)),
            "at most 64 characters",
        ),
        (
            "faults[0].node",
            |s| s.faults = vec![Fault::new(1, FaultAction::Crash, &"x".repeat(100_000))],
            "at most 64 characters",
        ),
        (
            "faults[0].param",
            |s| {
                s.faults = vec![Fault::set(
                    1,
                    "lb-1",
                    &"x".repeat(100_000),
                    ParamValue::Number(1.0),
                )]
            },
            "at most 64 characters",
        ),
        (
            "faults[0].value",
            |s| {
                s.faults = vec![Fault::set(
                    1,
                    "lb-1",
                    "algorithm",
                    ParamValue::Text("x".repeat(100_000)),
                )]
            },
            "at most 64 characters",
        ),
    ];
    for (path, mutate, needle) in cases {
        let mut s = base();
        mutate(&mut s);
        let errs = validate(&s)
            .err()
            .unwrap_or_else(|| panic!("{path}: accepted"));
        assert!(
            errs.0
                .iter()
                .any(|e| e.path == path && e.message.contains(needle)),
            "{path}: {errs}"
        );
        assert!(
            errs.to_string().len() < 1_000,
            "{path}: the long string was echoed"
        );
    }
}

/// One entry point reads every scenario file: its size is checked before parsing.
#[test]
fn a_file_over_the_size_cap_is_refused_before_parsing() {
    use failover_sim::limits::MAX_SCENARIO_BYTES;
    use failover_sim::scenario::parse_scenario;
    // Not even JSON: refused for its size before the parser sees it.
    let huge = "x".repeat(7_200_000);
    let e = parse_scenario(&huge).err().unwrap_or_default();
    assert_eq!(e, "the file is 7.2 MB; the limit is 4 MB");
    let just_over = " ".repeat(MAX_SCENARIO_BYTES + 1);
    let e = Scenario::from_json(&just_over).err().unwrap_or_default();
    assert_eq!(e, "the file is 4.1 MB; the limit is 4 MB");
    // Within the cap, a file parses as before.
    assert!(parse_scenario(&base().to_json_pretty()).is_ok());
}

/// Editors on Windows start UTF-8 files with a byte-order mark.
#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{FEFF}{}", base().to_json_pretty());
    let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, base());
}

/// A type error deep in the file names the field's path, like a validation error.
#[test]
fn parse_errors_name_the_path() {
    let good = base().to_json_pretty();
    let nested = good.replacen("\"preset\": \"haproxy\"", "\"rise\": \"two\"", 1);
    let e = Scenario::from_json(&nested).err().unwrap_or_default();
    assert!(
        e.starts_with("balancers[0].health_check.rise: invalid type: string \"two\""),
        "{e}"
    );
    let wrong = good.replacen("\"workers\": 8", "\"workers\": -1", 1);
    let e = Scenario::from_json(&wrong).err().unwrap_or_default();
    assert!(e.starts_with("instances[0].workers: invalid value"), "{e}");
    let unknown = good.replacen("\"retries\": 3", "\"retires\": 3", 1);
    let e = Scenario::from_json(&unknown).err().unwrap_or_default();
    assert!(
        e.starts_with("balancers[0]") && e.contains("unknown field `retires`"),
        "{e}"
    );
}

/// A file that is not even complete JSON is refused with serde's position; the root of the
/// file has no field path to name (the text is cut off inside the key `"d…`, where there is
/// no field yet).
#[test]
fn a_file_cut_off_mid_key_is_refused_with_its_position() {
    let text = "{\n  \"name\": \"x\",\n  \"d";
    let e = Scenario::from_json(text).err().unwrap_or_default();
    assert!(
        e.contains("EOF while parsing a string at line 3 column 4"),
        "{e}"
    );
    let e = Scenario::from_json("{\"name\": \"x\", ")
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("EOF while parsing a value at line 1 column 14"),
        "{e}"
    );
}

/// The same, for the path: `scenario JSON: …` as for any other error at the root, not `?: `
/// (serde_path_to_error's placeholder for a key it never read).
#[test]
fn a_file_cut_off_mid_key_names_no_placeholder_path() {
    let e = Scenario::from_json("{\n  \"name\": \"x\",\n  \"d")
        .err()
        .unwrap_or_default();
    assert!(e.starts_with("scenario JSON: EOF while parsing"), "{e}");
    assert!(!e.contains('?'), "{e}");
}

/// `set clients clients` goes through the validation a file gets: with DNS in front, the
/// per-client answer caches bound it, whether the change comes from an override, a fault in
/// the file, or a live command.
#[test]
fn set_clients_beyond_the_dns_limit_is_refused_like_a_file() {
    let mut s = preset("dns-region-failover");
    let too_many = ParamValue::Number(200_000.0);
    let needle = "with `dns`, at most 100000 clients";
    let e = params::apply_to_scenario(&mut s, "clients", "clients", &too_many)
        .err()
        .unwrap_or_default();
    assert!(e.contains(needle), "{e}");
    assert_eq!(
        s.traffic.clients,
        preset("dns-region-failover").traffic.clients
    );
    let mut file = s.clone();
    file.traffic.clients = 200_000;
    expect("file", &file, "traffic.clients", needle);
    let mut with_fault = s.clone();
    with_fault
        .faults
        .push(Fault::set(1_000, "clients", "clients", too_many.clone()));
    let n = with_fault.faults.len() - 1;
    expect("fault", &with_fault, &format!("faults[{n}].value"), needle);
    let mut sim = Simulation::new(&s).unwrap_or_else(|e| panic!("{e}"));
    let e = sim
        .schedule(Fault::set(1_000, "clients", "clients", too_many))
        .err()
        .unwrap_or_default();
    assert!(e.contains(needle), "{e}");
    // Within the limit it applies; without DNS the general limit holds.
    assert!(params::apply_to_scenario(
        &mut s,
        "clients",
        "clients",
        &ParamValue::Number(100_000.0)
    )
    .is_ok());
    let mut plain = base();
    assert!(params::apply_to_scenario(
        &mut plain,
        "clients",
        "clients",
        &ParamValue::Number(200_000.0)
    )
    .is_ok());
}
