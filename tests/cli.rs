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

/// `--set clients.rate_rps=50` changes the run: 40 s at 50 requests/s is Poisson(2,000)
/// arrivals, within 4√2000 ≈ 179 of 2,000, while the preset's own 100/s sends 4,000 ± 253.
/// The human summary reports the same run as `--json` does.
#[test]
fn human_summary_and_overrides() {
    let args = [
        "run",
        "single-server",
        "--set",
        "clients.rate_rps=50",
        "--duration",
        "40",
    ];
    let (code, out, err) = cli(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("availability:") && out.contains("trace hash"),
        "{out}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let set = run_json(&json_args);
    let sent = set["requests"]["sent"].as_u64().unwrap_or(0);
    assert!(sent.abs_diff(2_000) <= 179, "{sent} sent at 50/s for 40 s");
    let line = format!(
        "requests: {sent} sent, {} succeeded, {} failed",
        set["requests"]["succeeded"], set["requests"]["failed"]
    );
    assert!(out.contains(&line), "{line} in {out}");
    let hash = set["trace_hash"].as_str().unwrap_or("none");
    assert!(out.contains(&format!("trace hash: {hash}")), "{out}");
    let plain = run_json(&["run", "single-server", "--duration", "40", "--json"]);
    let plain_sent = plain["requests"]["sent"].as_u64().unwrap_or(0);
    assert!(
        plain_sent.abs_diff(4_000) <= 253,
        "without --set: {plain_sent}"
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
    // The file is the preset: running it is the same run, event for event.
    let from_file = run_json(&["run", good.to_str().unwrap_or_default(), "--json"]);
    let from_preset = run_json(&["run", "with-retries", "--json"]);
    assert_eq!(from_file["trace_hash"], from_preset["trace_hash"]);
    assert_eq!(from_file["events"], from_preset["events"]);
    assert_eq!(from_file["requests"], from_preset["requests"]);
    assert_eq!(from_file["failures"], from_preset["failures"]);
    assert!(from_file["requests"]["sent"].as_u64().unwrap_or(0) > 1_000);
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

fn run_json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = cli(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("failover-lab-cli-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn show(preset: &str) -> String {
    let (code, json, err) = cli(&["show", preset]);
    assert_eq!(code, 0, "{err}");
    json
}

/// A file cannot drive the terminal: control characters it holds are printed as escapes
/// wherever the CLI echoes them (names in validation errors, unknown fields, paths).
#[test]
fn control_characters_from_a_file_are_escaped() {
    let json = show("redundant-behind-lb");
    let evil_name = json.replacen("\"app-1\"", "\"app\\u001b[31m-1\\r\\n\\u009b2J\"", 1);
    let path = temp_file("evil-name.json", evil_name.as_bytes());
    let (code, _, name_err) = cli(&["run", path.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(
        name_err.contains("app\\u{1b}[31m-1\\r\\n\\u{9b}2J"),
        "{name_err}"
    );
    let evil_field = json.replacen("\"seed\"", "\"\\u001b]0;pwned\\u0007\\u202e\"", 1);
    let path = temp_file("evil-field.json", evil_field.as_bytes());
    let (code, _, field_err) = cli(&["run", path.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(
        field_err.contains("\\u{1b}]0;pwned\\u{7}\\u{202e}"),
        "{field_err}"
    );
    let (_, _, arg_err) = cli(&[
        "run",
        "redundant-behind-lb",
        "--fault",
        "crash:\u{1b}[2J@1s",
    ]);
    assert!(arg_err.contains("\\u{1b}[2J"), "{arg_err}");
    for err in [name_err, field_err, arg_err] {
        assert!(
            !err.chars()
                .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
            "raw control character in {err:?}"
        );
    }
}

/// `--set NODE.PARAM=VALUE` works when the node's name has dots (the split is where the
/// right side is one of the node's parameters), and `NODE:PARAM=VALUE` always does.
#[test]
fn set_works_on_node_names_with_dots() {
    let json = show("redundant-behind-lb").replace("\"lb-1\"", "\"eu.lb-1\"");
    let path = temp_file("dotted.json", json.as_bytes());
    let file = path.to_str().unwrap_or_default();
    let base = [
        "run",
        file,
        "--duration",
        "30",
        "--fault",
        "crash:app-1@10s",
        "--json",
    ];
    let plain = run_json(&base);
    assert!(plain["requests"]["retried"].as_u64().unwrap_or(0) > 0);
    for set in ["eu.lb-1.retries=0", "eu.lb-1:retries=0"] {
        let mut args = base.to_vec();
        args.extend(["--set", set]);
        let v = run_json(&args);
        assert_eq!(v["requests"]["retried"], 0, "{set}");
        assert!(v["requests"]["failed"].as_u64().unwrap_or(0) > 0, "{set}");
    }
    // A dotted parameter after a dotted name.
    let mut args = base.to_vec();
    args.extend(["--set", "eu.lb-1.health_check.inter_ms=100"]);
    let v = run_json(&args);
    assert_ne!(v["trace_hash"], plain["trace_hash"]);
    // Unknown parts are named.
    let (_, _, err) = cli(&["run", file, "--set", "eu.lb-1.colour=1"]);
    assert!(err.contains("unknown parameter `colour`"), "{err}");
    let (_, _, err) = cli(&["run", file, "--set", "eu.lb-2.retries=1"]);
    assert!(
        err.contains("no node, zone or region is named `eu`"),
        "{err}"
    );
}

/// `--fault` takes every action, with the effect the command has in a file.
#[test]
fn every_fault_action_works_from_the_command_line() {
    let base = ["run", "two-zones", "--duration", "30", "--json"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra);
        run_json(&args)
    };
    let n = |v: &serde_json::Value, k: &str| v["requests"][k].as_u64().unwrap_or(0);
    let plain = with(&[]);
    // The balancer's zone cut off from both instance zones: requests stop succeeding.
    let cut = [
        "--fault",
        "partition:eu-west-c:eu-west-a@5s",
        "--fault",
        "partition:eu-west-c:eu-west-b@5s",
    ];
    let partitioned = with(&cut);
    assert!(
        n(&partitioned, "failed") > n(&plain, "sent") / 2,
        "{partitioned}"
    );
    // Repaired three seconds later: most of the run succeeds again.
    let mut repaired = cut.to_vec();
    repaired.extend([
        "--fault",
        "repair:eu-west-c:eu-west-a@8s",
        "--fault",
        "repair:eu-west-c:eu-west-b@8s",
    ]);
    let repaired = with(&repaired);
    assert!(
        n(&repaired, "failed") < n(&partitioned, "failed") / 4,
        "{repaired}"
    );
    // `set` in both spellings: traffic stops at 10 s.
    for set in ["set:clients:rate_rps:0@10s", "set:clients:rate_rps@10s=0"] {
        let v = with(&["--fault", set]);
        let (sent, all) = (n(&v, "sent") as f64, n(&plain, "sent") as f64);
        assert!(
            (sent / all - 1.0 / 3.0).abs() < 0.05,
            "{set}: {sent} of {all}"
        );
    }
    // Balancer parameters too: no retries after a crash.
    let v = run_json(&[
        "run",
        "redundant-behind-lb",
        "--duration",
        "30",
        "--fault",
        "set:lb-1:retries:0@1s",
        "--fault",
        "crash:app-1@10s",
        "--json",
    ]);
    assert_eq!(v["requests"]["retried"], 0, "{v}");
    let cases: &[(&str, &str)] = &[
        (
            "partition:eu-west-a@5s",
            "partition takes partition:NODE:PEER@TIME",
        ),
        (
            "repair:eu-west-a:eu-west-b@5s=1",
            "repair takes repair:NODE:PEER@TIME",
        ),
        ("set:lb-1:retries@5s", "set takes set:NODE:PARAM:VALUE@TIME"),
        (
            "set:lb-1:retries:1@5s=2",
            "set takes set:NODE:PARAM:VALUE@TIME",
        ),
        ("crash:app-1:app-2@5s", "expected ACTION:NODE@TIME"),
        ("set:lb-1:retries:50@5s", "between 0 and 10"),
        (
            "partition:eu-west-a:nowhere@5s",
            "no zone or region is named `nowhere`",
        ),
    ];
    for (fault, needle) in cases {
        let (code, _, err) = cli(&["run", "two-zones", "--fault", fault]);
        assert_eq!(code, 2, "{fault}");
        assert!(err.contains(needle), "{fault}: {err}");
    }
}

/// The file-reading rules of the app hold on the command line: size cap before reading, a
/// byte-order mark, parse errors with their path, a bounded number of overrides.
#[test]
fn scenario_files_are_read_by_the_shared_rules() {
    let json = show("redundant-behind-lb");
    let mut bom = "\u{FEFF}".as_bytes().to_vec();
    bom.extend(json.as_bytes());
    let path = temp_file("bom.json", &bom);
    run_json(&[
        "run",
        path.to_str().unwrap_or_default(),
        "--duration",
        "5",
        "--json",
    ]);
    let big = temp_file("big.json", &vec![b' '; 4_000_001]);
    let (code, _, err) = cli(&["run", big.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the file is 4.1 MB; the limit is 4 MB"),
        "{err}"
    );
    let typo = json.replacen("\"workers\": 8", "\"workers\": \"eight\"", 1);
    let path = temp_file("typo.json", typo.as_bytes());
    let (_, _, err) = cli(&["run", path.to_str().unwrap_or_default()]);
    assert!(err.contains("instances[0].workers: invalid type"), "{err}");
    let mut args = vec!["run", "single-server", "--duration", "1"];
    for _ in 0..1_001 {
        args.extend(["--set", "clients.rate_rps=5"]);
    }
    let (code, _, err) = cli(&args);
    assert_eq!(code, 2);
    assert!(err.contains("at most 1000 overrides, got 1001"), "{err}");
}

#[test]
fn several_runs_draw_no_progress_bar_into_a_pipe() {
    // stderr is a pipe here, not a terminal: the progress bar (indicatif) stays hidden, so
    // logs and `2>file` get no carriage-return noise.
    let (code, out, err) = cli(&[
        "run",
        "single-server",
        "--duration",
        "5",
        "--runs",
        "3",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"runs\": 3"), "{out}");
    assert!(!err.contains('\r') && !err.contains("runs"), "{err:?}");
}

/// A scenario with no compact decision diagram (24 balancers over random halves of 120
/// instances): the CLI must say that its analytic figure is a Monte Carlo estimate.
#[test]
fn the_cli_says_when_the_figure_is_an_estimate() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tangled.json");
    let ok = |args: &[&str]| {
        let (code, out, err) = cli(args);
        assert_eq!(code, 0, "{err}");
        out
    };
    let text = ok(&["run", file]);
    assert!(
        text.contains("analytic (MTBF/MTTR): ≈ ") && text.contains("estimate (Monte Carlo, "),
        "{text}"
    );
    assert!(text.contains("samples, 95 % CI "), "{text}");
    let runs = ok(&["run", file, "--runs", "2"]);
    assert!(runs.contains("estimate (Monte Carlo, "), "{runs}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["run", file, "--runs", "2", "--json"])).unwrap_or_default();
    assert_eq!(json["analytic_availability_method"], "estimate");
    assert!(json["analytic_availability_ci95"].is_array());
    assert!(json["analytic_availability_samples"].is_u64());
    let exact = ok(&["run", "redundant-behind-lb", "--duration", "2"]);
    assert!(exact.contains("% (exact)"), "{exact}");
}

/// `compare A B`: one table with both designs, a fault one side lacks listed for that side.
#[test]
fn compare_prints_both_designs_side_by_side() {
    let (code, out, err) = cli(&[
        "compare",
        "single-server",
        "redundant-behind-lb",
        "--fault",
        "crash:app-3@10s",
        "--duration",
        "30",
    ]);
    assert_eq!(code, 0, "{err}");
    for row in [
        "requests answered OK",
        "p99 latency",
        "mean time to detect",
        "infrastructure / month",
        "expected downtime cost / month",
    ] {
        assert!(out.contains(row), "{row} missing:\n{out}");
    }
    assert!(
        out.contains("A: fault not applied (no such node here): crash app-3 at 10000 ms"),
        "{out}"
    );
    let (code, json, _) = cli(&[
        "compare",
        "single-server",
        "bank",
        "--runs",
        "2",
        "--duration",
        "10",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(v["runs"], 2);
    assert!(v["a"]["availability"].is_number() && v["b"]["spofs"].is_array());
    let (code, _, err) = cli(&["compare", "single-server", "no-such-preset"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-preset"), "{err}");
}

/// The app's Estimate (many_runs.rs) and `run --runs N` agree run for run on the same seeds.
#[test]
fn estimate_in_slices_matches_run_with_runs() {
    use failover_lab::sim::many_runs::ManyRuns;
    let (code, out, err) = cli(&[
        "run",
        "redundant-behind-lb",
        "--runs",
        "4",
        "--seed",
        "5",
        "--duration",
        "60",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let s = failover_lab::sim::presets::find("redundant-behind-lb")
        .map(|p| p.scenario())
        .unwrap_or_else(|| panic!("preset"));
    let mut many = ManyRuns::new(&s, 5, 4, 60).unwrap_or_else(|e| panic!("{e}"));
    while !many.advance(5_000) {}
    for (k, r) in many.per_run().iter().enumerate() {
        let cli_run = &v["per_run"][k];
        assert_eq!(cli_run["seed"], r.seed);
        assert_eq!(cli_run["availability"].as_f64(), Some(r.availability));
        assert_eq!(
            cli_run["availability_over_time"].as_f64(),
            Some(r.availability_over_time)
        );
    }
}

/// The README's glossary is the one the app's tooltips use (`sim::glossary`), word for word.
#[test]
fn readme_glossary_is_the_glossary() {
    let (code, out, _) = cli(&["glossary"]);
    assert_eq!(code, 0);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let start = readme
        .find("<!-- glossary -->\n")
        .unwrap_or_else(|| panic!("README has a glossary section"))
        + "<!-- glossary -->\n".len();
    let end = readme
        .find("<!-- /glossary -->")
        .unwrap_or_else(|| panic!("README's glossary section ends"));
    assert_eq!(
        &readme[start..end],
        out,
        "run `failover-lab glossary` into README.md"
    );
    assert!(out.contains("**loop_wait**: how often each database checks the lock."));
}

#[test]
fn presets_are_listed_in_groups_in_teaching_order() {
    let (code, out, _) = cli(&["presets"]);
    assert_eq!(code, 0);
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} in {out}"));
    assert!(at("Basics:") < at("Zones and regions:"));
    assert!(at("Zones and regions:") < at("Databases:"));
    assert!(at("Databases:") < at("DNS:") && at("DNS:") < at("Cost:"));
    assert!(at("Cost:") < at("Vendor detail:"));
    assert!(at("Databases:") < at("db-async-vs-sync") && at("db-async-vs-sync") < at("DNS:"));
}

/// Issue 16's quiet parts, said out loud: the boot inside the analytic MTTR, a check preset
/// that starts targets unhealthy, and failure records past the cap ("and N more").
#[test]
fn the_quiet_parts_are_said() {
    // lb-2 (aws-alb) has no traffic: it is there for its note. lb-1's quick checks close
    // each failure record soon, so the run opens far more than 256.
    let scenario = r#"{"name": "quiet-parts", "duration_s": 1800, "traffic": {"rate_rps": 20}, "entry": "lb-1",
      "balancers": [{"name": "lb-1", "health_check": {"inter_ms": 500},
        "targets": [{"instance": "app-1"}, {"instance": "app-2"}, {"instance": "app-3"}]},
        {"name": "lb-2", "health_check": {"preset": "aws-alb"}, "targets": [{"instance": "app-1"}]}],
      "instances": [
        {"name": "app-1", "failures": {"mtbf_s": 5, "mttr_s": 1}},
        {"name": "app-2", "failures": {"mtbf_s": 5, "mttr_s": 1}},
        {"name": "app-3", "failures": {"mtbf_s": 5, "mttr_s": 1}}]}"#;
    let path = temp_file("quiet-parts.json", scenario.as_bytes());
    let file = path.to_str().unwrap_or_default();
    let v = run_json(&["run", file, "--json"]);
    let listed = v["failures"].as_array().map_or(0, |f| f.len());
    let total = v["failures_total"].as_u64().unwrap_or(0);
    assert_eq!(listed, 256, "records are capped");
    assert!(total > 256, "the total counts them all: {total}");
    let notes: Vec<String> = v["notes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|x| x.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let has = |part: &str| notes.iter().any(|n| n.contains(part));
    assert!(has("MTTR = repair + startup_ms"), "{notes:?}");
    assert!(has("starts its targets unhealthy (`initial`"), "{notes:?}");
    assert!(
        has(&format!("and {} more not shown", total - 256)),
        "{notes:?}"
    );
    let (code, text, err) = cli(&["run", file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("note: failure records: the last 256 shown"),
        "{text}"
    );
    assert!(text.contains("aws-alb preset"), "{text}");
    let _ = std::fs::remove_file(&path);
}

/// `run bank --runs 20` measures 100 % in every run: no zero-width interval is called
/// "outside"; the statement names both figures it compares.
#[test]
fn runs_compare_honestly_at_the_edges() {
    let (code, out, err) = cli(&["run", "bank", "--runs", "5", "--duration", "3600"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("outside"), "{out}");
    assert!(
        out.contains("analytic vs time able to serve: consistent"),
        "{out}"
    );
    assert!(out.contains("; vs requests answered:"), "{out}");
}

#[test]
fn capacity_findings_show_under_load_in_text_and_json() {
    // redundant-behind-lb's three instances serve 8 workers / 20 ms = 400 req/s each: at
    // 960 req/s they run at 80 %, and losing any one overloads the other two.
    let args = [
        "run",
        "redundant-behind-lb",
        "--duration",
        "5",
        "--set",
        "clients.rate_rps=960",
    ];
    let (code, out, err) = cli(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("lb-1: 3 instances at 80 %: losing any one overloads the other 2"),
        "{out}"
    );
    assert!(
        out.contains("single points of failure under load: app-1, app-2, app-3"),
        "{out}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v = run_json(&json_args);
    let tier = &v["capacity"]["tiers"][0];
    assert_eq!(tier["needed"], 3);
    assert_eq!(tier["offered_rps"], 960.0);
    assert_eq!(tier["capacity_rps"], 1200.0);
    assert_eq!(v["capacity"]["spofs"].as_array().map(Vec::len), Some(3));
    // At the preset's own 200 req/s one instance is enough: no capacity lines at all.
    let (_, calm, _) = cli(&["run", "redundant-behind-lb", "--duration", "5"]);
    assert!(!calm.contains("capacity-aware"), "{calm}");
}
