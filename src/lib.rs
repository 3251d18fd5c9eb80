//! Failover Lab: a deterministic discrete-event simulator of redundancy and failover.
//!
//! `sim` is the pure-Rust core, the `failover-sim` package in crates/failover-sim (no web-sys,
//! no wall clock, no global RNG: it depends on no web crate); `share` the share-link codec
//! (pure Rust, so native tests and fuzzing reach it) and `scenario_json` the app's reader and
//! writer of scenario JSON; `ui` is the Yew front end: the app in wasm32, and natively the
//! server-side renderer of its first-paint poster (`ui::poster`); `determinism_sweep` the
//! cases of the cross-platform determinism sweep (both targets). See ARCHITECTURE.md for the
//! code map.
pub mod bench_model;
pub mod determinism_sweep;
pub mod scenario_json;
pub mod share;
pub mod share_edits;
pub mod share_moment;
pub mod tours;
/// The simulation core, re-exported under the name the app and its tests have always used.
pub use failover_sim as sim;

pub mod ui;

// Only in the benchmark's build (`--features wasm-bench`): the app does not ship the export.
#[cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]
pub mod wasm_bench;
