# Failover Lab. Every target first runs scripts/setup.sh, which installs whatever is missing
# (rust wasm32 target, trunk, wasm-bindgen-cli, chromium + chromedriver, npm packages) and is
# a few quick version checks when everything is already there.

SHELL := /bin/bash
# wasm-opt comes from npm (binaryen); Trunk looks for it on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Trunk must never try to download tools (no internet access where this runs).
export TRUNK_OFFLINE := true

.PHONY: setup serve test bench dist bench-ui bench-edit poster fidelity-real mutants bench-limits bench-long sweep-all

setup:
	bash scripts/setup.sh

serve: setup
	trunk serve --offline --address 127.0.0.1 --port 8080

test: setup
	bash scripts/test.sh

# Static release build in dist/ (what `make test` builds and tests).
dist: setup
	trunk build --release --offline

# Browser benchmarks (not part of `make test`; they print figures): frame times of the busiest
# preset at 1,000 req/s and 100× (bench_frames.mjs), then the bundle size (gzip, brotli), first
# load under "Slow 4G" + 4× CPU and "Fast 4G" throttling (paint, LCP, diagram, first click) and
# "Run to" 1 h at 1,000 req/s against the native CLI (bench_load.mjs).
bench-ui: dist
	node tests/e2e/bench_frames.mjs
	cargo build --release --quiet --bin failover-lab
	node tests/e2e/bench_load.mjs

# Edit benchmark (issue #15): an edit on the preset with the most nodes re-lays out the diagram
# and restarts the run within 50 ms — the native figure, then the browser's (prints figures).
bench-edit: dist
	cargo run --release --quiet --example bench_edit
	node tests/e2e/bench_edit.mjs

# Regenerates static/poster.html (the app's first frame, shown until the wasm has loaded) after
# a change to the UI or the default scenario; `cargo test` fails while it is stale.
poster:
	FAILOVER_LAB_BLESS=1 cargo test --quiet --test poster

# Simulated requests per second: native vs SimPy (same model) vs the engine in wasm32 under
# Node, with the ratios and the cross-platform trace-hash check. Not part of `make test`.
bench: setup
	bash benches/run.sh

# The simulator against the real HAProxy 2.6 and nginx 1.22 on loopback: crash, frozen
# backend, NGINX passive crash, same fault times in both, a table with a verdict per row.
# Installs the Debian packages haproxy and nginx-light if missing. Not part of `make test`
# (it measures timing on a shared machine); a few minutes.
fidelity-real:
	bash scripts/fidelity-real.sh

# Mutation testing of the simulation core with cargo-mutants (installed on first use), not
# part of `make test`: each mutant rebuilds the core and runs its tests, minutes each. Run a
# file or a shard: `make mutants FILE=crates/failover-sim/src/load_balancer.rs`,
# `make mutants SHARD=1/16`, `make mutants SAMPLE=48` (every 48th mutant); ITERATE=1 re-tests only what was missed last time. Prints the
# caught / missed / unviable counts and the mutation score. See scripts/mutants.sh.
mutants:
	FILE='$(FILE)' SHARD='$(SHARD)' SAMPLE='$(SAMPLE)' ITERATE='$(ITERATE)' bash scripts/mutants.sh

# Worst cases at the limits of src/sim/limits.rs (not part of `make test`): one scenario per
# bound, each built and run for one simulated second in a child process with a timeout;
# prints build time, first-second time, events and peak heap against the targets (build
# ≤ 1 s, heap ≤ 256 MB). Native only, release profile: needs no browser tooling.
bench-limits:
	cargo run --release -p failover-sim --example bench_limits

# 24 simulated hours at 100 requests/s in headless Chromium through the app's "Run to":
# wasm memory after 1 simulated minute and after 24 h, and their ratio (target ≤ 1.2×).
bench-long: dist
	node tests/e2e/long_run.mjs

# The whole cross-platform determinism sweep (1,000 cases) natively and in Chromium
# (`make test` runs a slice of 40 on both).
sweep-all: setup
	SWEEP_ALL=1 cargo test --test determinism_sweep -- --nocapture
	SWEEP_ALL=1 WASM_BINDGEN_TEST_TIMEOUT=3600 cargo test --target wasm32-unknown-unknown --test web_determinism_sweep
