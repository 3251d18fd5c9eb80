//! wasm32 export of the benchmark model for `make bench` (benches/wasm_bench.mjs times it
//! under Node with performance.now(); nothing here reads a clock).
//!
//! Built with `cargo build --release --lib --target wasm32-unknown-unknown --features wasm-bench` and
//! `wasm-bindgen --target nodejs`. Runs exactly the scenario of the native `bench`
//! subcommand (src/bench_model.rs), so the trace hashes must match.
use crate::bench_model;
use wasm_bindgen::prelude::wasm_bindgen;

/// Run the benchmark model for `seconds` simulated seconds at `rate` requests/s and return
/// its deterministic results as JSON: requests, events, trace_hash, ... (`{"error": ...}`
/// for an invalid input).
/// `guarded`: the model with every #13 overload guard on (`bench_model::guarded_scenario`).
#[wasm_bindgen]
pub fn bench_redundant_lb(seconds: u32, rate: f64, guarded: bool) -> String {
    let result = bench_model::scenario_of(guarded, u64::from(seconds), rate)
        .and_then(|s| bench_model::run(&s));
    let value = match result {
        Ok(sim) => serde_json::Value::Object(bench_model::outcome(&sim)),
        Err(e) => serde_json::json!({ "error": e }),
    };
    value.to_string()
}
