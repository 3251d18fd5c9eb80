//! Failover Lab: a deterministic discrete-event simulator of redundancy and failover.
//!
//! `sim` is the pure-Rust core, the `failover-sim` package in crates/failover-sim (no web-sys,
//! no wall clock, no global RNG: it depends on no web crate); `ui` is the Yew front end: the
//! app in wasm32, and natively the server-side renderer of its first-paint poster
//! (`ui::poster`). See ARCHITECTURE.md for the code map.
pub mod bench_model;
/// The simulation core, re-exported under the name the app and its tests have always used.
pub use failover_sim as sim;

pub mod ui;

// Only in the benchmark's build (`--features wasm-bench`): the app does not ship the export.
#[cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]
pub mod wasm_bench;
