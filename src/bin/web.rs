//! Trunk's entry point: the browser app (`failover-lab-web`).
//!
//! Trunk builds this binary for `wasm32-unknown-unknown` and wasm-bindgen calls `main` once the
//! module is instantiated. A native build of this binary exists only so that `cargo build`,
//! `cargo clippy --all-targets` and `cargo test` stay clean on the host; it does nothing useful.

#[cfg(target_arch = "wasm32")]
fn main() {
    failover_lab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // Exit 0 rather than fail: running every binary of the workspace must not look like a crash.
    println!(
        "failover-lab-web is the browser app: run `make serve` and open http://127.0.0.1:8080, \
         or build a static copy with `trunk build --release --offline` (output in dist/).\n\
         For headless runs use the command line instead: `cargo run --release -- --help`."
    );
}
