//! The cross-platform determinism sweep in the browser (headless Chromium through
//! ChromeDriver): the cases of `failover_lab::determinism_sweep`, run by the engine compiled
//! to wasm32, must reproduce the golden file made natively (`tests/determinism_sweep.txt`)
//! line for line: clicks accepted, events processed, trace hash.
//!
//! `cargo test --target wasm32-unknown-unknown --test web_determinism_sweep` runs the same
//! slice of 40 cases as the native test; `SWEEP_ALL=1` at build time runs all 1,000 (give
//! the runner time: `WASM_BINDGEN_TEST_TIMEOUT=1200`). Native builds compile this file to
//! nothing.
#![cfg(target_arch = "wasm32")]

use failover_lab::determinism_sweep::{self as sweep, CASES};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("determinism_sweep.txt");
/// The native test's slice.
const SLICE: u32 = 40;

#[wasm_bindgen_test]
fn wasm_runs_match_the_native_sweep() {
    let golden = sweep::parse_golden(GOLDEN);
    assert_eq!(
        golden.len(),
        CASES as usize,
        "the golden file holds every case"
    );
    let (checked, mismatches) = if option_env!("SWEEP_ALL").is_some() {
        sweep::check(&golden, 0..CASES)
    } else {
        sweep::check(&golden, sweep::slice(SLICE))
    };
    console_log!(
        "determinism sweep (wasm32, Chromium): {checked} cases, {} mismatches",
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {checked} cases differ from the native golden file:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
