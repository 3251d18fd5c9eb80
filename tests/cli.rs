#![cfg(not(target_arch = "wasm32"))]
//! The command-line binary, as a user runs it.
use std::process::Command;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_failover-lab"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the CLI: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn presets_are_listed() {
    let (code, out, _) = cli(&["presets"]);
    assert_eq!(code, 0);
    for p in [
        "single-server",
        "redundant-behind-lb",
        "no-retries",
        "with-retries",
    ] {
        assert!(out.contains(p), "{out}");
    }
}

#[test]
fn run_json_has_the_documented_fields() {
    let (code, out, err) = cli(&[
        "run",
        "redundant-behind-lb",
        "--seed",
        "3",
        "--duration",
        "30",
        "--fault",
        "crash:app-1@10s",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for k in [
        "seed",
        "duration_s",
        "requests",
        "failed_by_reason",
        "availability",
        "latency_ms",
        "events",
        "trace_hash",
        "failures",
        "wall_ms",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in ["sent", "succeeded", "failed", "in_flight"] {
        assert!(v["requests"].get(k).is_some(), "missing requests.{k}");
    }
    for k in ["mean", "p50", "p90", "p99", "max"] {
        assert!(v["latency_ms"].get(k).is_some(), "missing latency_ms.{k}");
    }
    assert_eq!(v["seed"], 3);
    let nodes: Vec<&str> = v["failures"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["node"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        nodes.contains(&"app-1") && nodes.contains(&"app-2"),
        "{nodes:?}"
    );
    for k in [
        "node",
        "fault_at_s",
        "detected_at_s",
        "rerouted_at_s",
        "recovered_at_s",
    ] {
        assert!(v["failures"][0].get(k).is_some(), "missing failures[].{k}");
    }
    // Same inputs, same hash.
    let (_, again, _) = cli(&[
        "run",
        "redundant-behind-lb",
        "--seed",
        "3",
        "--duration",
        "30",
        "--fault",
        "crash:app-1@10s",
        "--json",
    ]);
    let w: serde_json::Value = serde_json::from_str(&again).unwrap_or_default();
    assert_eq!(v["trace_hash"], w["trace_hash"]);
}

#[test]
fn human_summary_and_overrides() {
    let (code, out, err) = cli(&[
        "run",
        "single-server",
        "--set",
        "clients.rate_rps=50",
        "--duration",
        "40",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("availability:") && out.contains("trace hash"),
        "{out}"
    );
}

#[test]
fn bad_input_exits_non_zero_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "no-such-preset"], "neither a preset"),
        (
            &["run", "single-server", "--fault", "explode:server@1s"],
            "unknown action `explode`",
        ),
        (
            &["run", "single-server", "--fault", "crash-server"],
            "expected ACTION:NODE@TIME",
        ),
        (
            &["run", "single-server", "--fault", "crash:server@soon"],
            "is not a time",
        ),
        (
            &["run", "single-server", "--fault", "crash:ghost@1s"],
            "no node, zone or region is named `ghost`",
        ),
        (
            &["run", "single-server", "--set", "server.workers=0"],
            "between 1 and 1024",
        ),
        (
            &["run", "single-server", "--set", "nonsense"],
            "expected NODE.PARAM=VALUE",
        ),
        (
            &["run", "single-server", "--duration", "999999"],
            "duration_s",
        ),
        (&["show", "nope"], "neither a preset"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = cli(args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn a_scenario_file_round_trips_and_bad_files_are_explained() {
    let dir = std::env::temp_dir().join(format!("failover-lab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (_, json, _) = cli(&["show", "with-retries"]);
    let good = dir.join("good.json");
    std::fs::write(&good, &json).unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = cli(&["run", good.to_str().unwrap_or_default(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("trace_hash"));
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        json.replacen("\"workers\": 8", "\"workers\": 0", 1)
            .replacen("\"retries\": 1", "\"retries\": 40", 1),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = cli(&["run", bad.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("instances[0].workers: must be between 1 and 1024, got 0"),
        "{err}"
    );
    assert!(
        err.contains("balancers[0].retries: must be between 0 and 10, got 40"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The complete example in the README's "Scenario format" section is a valid scenario.
#[test]
fn readme_scenario_example_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let section = readme
        .split("## Scenario format")
        .nth(1)
        .unwrap_or_else(|| panic!("README has no Scenario format section"));
    let json = section
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("no json example in the section"));
    let path =
        std::env::temp_dir().join(format!("failover-lab-readme-{}.json", std::process::id()));
    std::fs::write(&path, json).unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = cli(&["run", path.to_str().unwrap_or_default(), "--json"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"scenario\": \"my-service\""), "{out}");
}
