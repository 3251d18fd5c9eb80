#![cfg(not(target_arch = "wasm32"))]
//! Every `failover-lab` command in the README's shell blocks runs, and its output has the
//! shape the README promises. The commands are read from README.md itself, so a command
//! added there is covered without touching this file.
//!
//! Left out, with the reason: `make …` and `trunk …` lines (they build or serve the whole
//! app, or run the whole test suite, this test included).
use std::path::Path;
use std::process::Command;

/// The README's `sh` blocks, line by line, comments and blank lines dropped.
fn shell_lines(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        let t = line.trim();
        if let Some(lang) = t.strip_prefix("```") {
            inside = !inside && matches!(lang, "sh" | "bash" | "shell");
            continue;
        }
        if inside {
            let code = t.split(" #").next().unwrap_or("").trim();
            if !code.is_empty() && !code.starts_with('#') {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// `cargo run --release -- ARGS` or `failover-lab ARGS` → (ARGS, stdout redirect file).
fn as_cli(line: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = line
        .strip_prefix("cargo run --release -- ")
        .or_else(|| line.strip_prefix("failover-lab "))?;
    let (args, redirect) = match rest.split_once('>') {
        Some((a, file)) => (a, Some(file.trim().to_string())),
        None => (rest, None),
    };
    Some((
        args.split_whitespace().map(str::to_string).collect(),
        redirect,
    ))
}

/// The output shape each subcommand promises.
fn check_shape(args: &[String], stdout: &str) {
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let what = args.join(" ");
    match args[0].as_str() {
        "presets" => {
            assert!(stdout.lines().count() >= 5, "{what}: a list of presets");
            // Group headings ("Basics:"), then one preset per line with its source.
            assert!(stdout
                .lines()
                .all(|l| l.ends_with(':') || (l.contains('(') && l.ends_with(')'))));
        }
        "show" => {
            failover_lab::sim::scenario::parse_scenario(stdout)
                .unwrap_or_else(|e| panic!("{what}: not a scenario: {e}"));
        }
        "run" if has("--json") => {
            let v: serde_json::Value =
                serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
            for key in [
                "availability",
                "availability_over_time",
                "analytic_availability",
                "breakdown",
                "failures_total",
                "trace_hash",
            ] {
                assert!(v.get(key).is_some(), "{what}: no `{key}`");
            }
            let steps = v["breakdown"]["steps"].as_array().expect("steps");
            let sum: f64 = steps.iter().filter_map(|s| s["measured"].as_f64()).sum();
            let saw = v["breakdown"]["measured_users_saw"]
                .as_f64()
                .expect("users saw");
            assert!((sum - saw).abs() < 1e-9, "{what}: the steps add up");
        }
        "run" if has("--runs") => {
            for part in [
                "requests answered OK:",
                "time able to serve:",
                "analytic (MTBF/MTTR):",
                "analytic vs time able to serve:",
                "; vs requests answered:",
                "availability, step by step",
                "= what users saw",
            ] {
                assert!(stdout.contains(part), "{what}: no `{part}` in\n{stdout}");
            }
            // A zero-width interval is never a verdict of "outside".
            if stdout.contains("every run measured the same") {
                assert!(!stdout.contains("outside"), "{what}:\n{stdout}");
            }
        }
        "run" => {
            for part in [
                "availability:",
                "time able to serve:",
                "analytic (MTBF/MTTR):",
                "availability, step by step",
                "analytic vs time able to serve:",
                "trace hash:",
            ] {
                assert!(stdout.contains(part), "{what}: no `{part}` in\n{stdout}");
            }
        }
        "bench" => assert!(stdout.contains("simulated requests/s"), "{what}: {stdout}"),
        "compare" => {
            for part in [
                "requests answered OK",
                "time able to serve",
                "p99 latency",
                "infrastructure / month",
                "A: single points of failure:",
                "B: single points of failure:",
            ] {
                assert!(stdout.contains(part), "{what}: no `{part}` in\n{stdout}");
            }
        }
        "glossary" => assert!(stdout.lines().all(|l| l.starts_with("- **")), "{what}"),
        other => panic!("README command `{other}` has no output shape here: add one"),
    }
}

#[test]
fn every_readme_command_runs_and_keeps_its_shape() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(Path::new(root).join("README.md")).expect("README");
    // Commands run in order in one scratch directory (`show … > my.json`, then `run my.json`).
    let dir = std::env::temp_dir().join(format!("failover-lab-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let mut ran = 0;
    for line in shell_lines(&readme) {
        if line.starts_with("make ") || line.starts_with("trunk ") {
            continue; // the whole app or the whole suite: not a CLI example
        }
        let Some((args, redirect)) = as_cli(&line) else {
            panic!("README shell line `{line}` is neither a CLI command nor excluded");
        };
        let out = Command::new(env!("CARGO_BIN_EXE_failover-lab"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .expect("run failover-lab");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "`{line}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(file) = &redirect {
            std::fs::write(dir.join(file), &stdout).expect("write the redirect");
        }
        check_shape(&args, &stdout);
        ran += 1;
    }
    assert!(
        ran >= 6,
        "the README's command-line examples were found ({ran})"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_parser_finds_commands_and_redirects() {
    let md = "```sh\ncargo run --release -- show x > my.json   # a file\nmake test\n```\n```text\nfailover-lab not-shell\n```\n";
    let lines = shell_lines(md);
    assert_eq!(
        lines,
        ["cargo run --release -- show x > my.json", "make test"]
    );
    let (args, redirect) = as_cli(&lines[0]).expect("a CLI line");
    assert_eq!(args, ["show", "x"]);
    assert_eq!(redirect.as_deref(), Some("my.json"));
}
