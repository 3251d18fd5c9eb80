#![cfg(not(target_arch = "wasm32"))]
//! The cross-platform determinism sweep, native side: runs of (preset, seed, clicks) cases
//! from `failover_lab::determinism_sweep` compared with the golden file
//! `tests/determinism_sweep.txt` (1,000 cases, made natively). Chromium runs the same cases
//! against the same file (`tests/web_determinism_sweep.rs`).
//!
//! * `cargo test --test determinism_sweep`: a slice of 40 cases spread over the file;
//! * `SWEEP_ALL=1 cargo test --test determinism_sweep -- --nocapture`: all 1,000;
//! * `SWEEP_BLESS=1 cargo test --test determinism_sweep`: rewrite the golden file. Only on
//!   purpose, when the engine's runs change (as for the golden hashes of
//!   `tests/determinism.rs`), and say why in the commit.
use failover_lab::determinism_sweep::{self as sweep, CASES};

const GOLDEN: &str = include_str!("determinism_sweep.txt");
/// Cases in the slice `cargo test` runs (the same slice as the Chromium test).
const SLICE: u32 = 40;

fn bless() {
    let mut out = String::from(
        "# Determinism sweep golden file: one line per case of failover_lab::determinism_sweep,\n\
         # made natively with `SWEEP_BLESS=1 cargo test --test determinism_sweep`.\n\
         # INDEX PRESET SEED DURATION_S CLICKS ACCEPTED EVENTS TRACE_HASH\n",
    );
    for i in 0..CASES {
        let c = sweep::case(i);
        let line = match sweep::run(&c) {
            Ok(o) => sweep::golden_line(&c, &o),
            Err(e) => panic!("case {i} does not build: {e}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/determinism_sweep.txt");
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{path}: {e}"));
    eprintln!("wrote {CASES} cases to {path}");
}

#[test]
fn sweep_matches_the_golden_trace_hashes() {
    if std::env::var_os("SWEEP_BLESS").is_some() {
        bless();
        return;
    }
    let golden = sweep::parse_golden(GOLDEN);
    assert_eq!(
        golden.len(),
        CASES as usize,
        "the golden file holds every case"
    );
    let all = std::env::var_os("SWEEP_ALL").is_some();
    let (checked, mismatches) = if all {
        sweep::check(&golden, 0..CASES)
    } else {
        sweep::check(&golden, sweep::slice(SLICE))
    };
    eprintln!(
        "determinism sweep (native): {checked} cases, {} mismatches",
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {checked} cases differ from tests/determinism_sweep.txt (if the engine's runs \
         changed on purpose, rewrite it with SWEEP_BLESS=1):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The golden file is made of the cases the generator makes now (index, preset, seed,
/// duration and click count): a changed generator must rewrite it too.
#[test]
fn golden_file_matches_the_generator() {
    let golden = sweep::parse_golden(GOLDEN);
    for (i, line) in golden.iter().enumerate() {
        let c = sweep::case(i as u32);
        let head = format!(
            "{} {} {} {} {} ",
            c.index,
            c.preset,
            c.seed,
            c.duration_s,
            c.clicks.len()
        );
        assert!(
            line.starts_with(&head),
            "line {i}: `{line}` is not case `{head}…`"
        );
    }
}
