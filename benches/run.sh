#!/usr/bin/env bash
# `make bench`: the issue #3 performance check. Runs the redundant-behind-lb model (no faults)
#   1. natively            (cargo run --release -- bench --json),
#   2. in SimPy 4          (benches/simpy_redundant_lb.py, in a venv under target/bench-venv),
#   3. compiled to wasm32  (src/wasm_bench.rs, under Node: benches/wasm_bench.mjs),
#   4. natively and in wasm32 again with every overload guard of issue #13 on (--guarded),
# at the same arrival rate, and prints simulated requests per wall second for each, the ratios
# native/SimPy (target >= 100) and wasm/native (target >= 0.7), and the trace hashes. Native and
# wasm run the very same scenario, so their trace hashes must be equal: if they differ, this
# script fails (cross-platform determinism). SimPy runs for fewer simulated seconds than the
# Rust engines (it is ~100x slower); the comparison is of *rates*, and a native run at SimPy's
# settings is printed beside it so request counts and mean latency can be compared.
#
# Settings (environment):
#   BENCH_RATE=1000            arrivals per second, every run
#   BENCH_SIMPY_SECONDS=300    simulated seconds for SimPy (~10-30 s of wall time)
#   BENCH_SECONDS=3000         simulated seconds for native and wasm
#   BENCH_REPEAT=3             native and wasm runs; the best is kept
#   BENCH_STRICT=1             exit 1 when a target is missed (default: report only)
# Needs: cargo, the wasm32-unknown-unknown target, wasm-bindgen 0.2.130, node, python3 (all from
# scripts/setup.sh, which `make bench` runs first); simpy is installed here from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${BENCH_RATE:-1000}
SIMPY_SECONDS=${BENCH_SIMPY_SECONDS:-300}
SECONDS_RUST=${BENCH_SECONDS:-3000}
REPEAT=${BENCH_REPEAT:-3}
STRICT=${BENCH_STRICT:-0}
WASM_BINDGEN_VERSION=0.2.130
VENV=target/bench-venv
OUT=target/bench-results

export PATH="$HOME/.cargo/bin:$PATH"

say()  { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[bench] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

for v in RATE SIMPY_SECONDS SECONDS_RUST REPEAT; do
  [[ ${!v} =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "$v=${!v} is not a number"
done
[[ $SIMPY_SECONDS =~ ^[0-9]+$ && $SECONDS_RUST =~ ^[0-9]+$ && $REPEAT =~ ^[0-9]+$ ]] \
  || fail "BENCH_SIMPY_SECONDS, BENCH_SECONDS and BENCH_REPEAT must be whole numbers"

# 1. SimPy in a venv (idempotent: rebuilt only when benches/requirements.txt changed).
stamp="$VENV/.requirements.sha"
want=$(sha256sum benches/requirements.txt | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  :
else
  say "installing SimPy into $VENV (pip, benches/requirements.txt)"
  command -v python3 >/dev/null || fail "python3 not found"
  python3 -m venv "$VENV" || fail "python3 -m venv $VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r benches/requirements.txt \
    || fail "pip install -r benches/requirements.txt"
  echo "$want" > "$stamp"
fi

# 2. Builds: the native CLI, the engine for wasm32, its Node bindings.
command -v node >/dev/null || fail "node not found"
[ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
  || fail "wasm-bindgen $WASM_BINDGEN_VERSION not found (run: make setup)"
say "building (native release, wasm32 release lib, wasm-bindgen --target nodejs)"
cargo build --release --quiet --bin failover-lab || fail "cargo build --release"
cargo build --release --quiet --lib --target wasm32-unknown-unknown --features wasm-bench || fail "cargo build --release --lib --target wasm32-unknown-unknown --features wasm-bench"
wasm-bindgen --target nodejs --out-dir target/bench-wasm \
  target/wasm32-unknown-unknown/release/failover_lab.wasm || fail "wasm-bindgen"
# The browser build is optimised by wasm-opt -O3 (index.html: data-wasm-opt="3"); so is this one,
# when binaryen's wasm-opt from npm is there (scripts/setup.sh installs it).
WASM_OPT=node_modules/.bin/wasm-opt
if [ -x "$WASM_OPT" ]; then
  "$WASM_OPT" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types \
    target/bench-wasm/failover_lab_bg.wasm -o target/bench-wasm/failover_lab_bg.wasm || fail "wasm-opt -O3"
  WASM_LABEL="wasm32 (Node, -O3)"
else
  say "no $WASM_OPT (run: make setup): the wasm32 figure is without wasm-opt"
  WASM_LABEL="wasm32 (Node)"
fi

# 3. Runs, one after the other (never two at once: they would share the cores).
mkdir -p "$OUT"
say "native: $SECONDS_RUST simulated s at $RATE rps, best of $REPEAT"
cargo run --release --quiet --bin failover-lab -- bench --seconds "$SECONDS_RUST" --rate "$RATE" \
  --repeat "$REPEAT" --json > "$OUT/native.json" || fail "native bench"
say "native at SimPy's settings: $SIMPY_SECONDS simulated s at $RATE rps (for the model check)"
# (the binary `cargo run` just used, not a second `cargo run`: same build for both native rows)
target/release/failover-lab bench --seconds "$SIMPY_SECONDS" --rate "$RATE" \
  --repeat 1 --json > "$OUT/native_short.json" || fail "native bench (short)"
say "SimPy: $SIMPY_SECONDS simulated s at $RATE rps"
"$VENV/bin/python" benches/simpy_redundant_lb.py --seconds "$SIMPY_SECONDS" --rate "$RATE" \
  > "$OUT/simpy.json" || fail "SimPy bench"
say "wasm32 (Node $(node --version)): $SECONDS_RUST simulated s at $RATE rps, best of $REPEAT"
node benches/wasm_bench.mjs --seconds "$SECONDS_RUST" --rate "$RATE" --repeat "$REPEAT" \
  > "$OUT/wasm.json" || fail "wasm bench"

# The same model with every overload and recovery guard of issue #13 on (client retries, retry
# budget, circuit breakers, outlier detection, slow start, checks behind the queue, load
# shedding, deadline propagation): their bookkeeping in the hot loop, natively and in wasm32.
say "native, guarded: $SECONDS_RUST simulated s at $RATE rps, best of $REPEAT"
target/release/failover-lab bench --guarded --seconds "$SECONDS_RUST" --rate "$RATE" \
  --repeat "$REPEAT" --json > "$OUT/native_guarded.json" || fail "native bench (guarded)"
say "wasm32, guarded: $SECONDS_RUST simulated s at $RATE rps, best of $REPEAT"
node benches/wasm_bench.mjs --guarded --seconds "$SECONDS_RUST" --rate "$RATE" --repeat "$REPEAT" \
  > "$OUT/wasm_guarded.json" || fail "wasm bench (guarded)"

# 4. Table, ratios, hash check.
"$VENV/bin/python" - "$OUT" "$STRICT" "$WASM_LABEL" <<'PY'
import json, os, sys

out, strict, wasm_label = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
r = {k: json.load(open(os.path.join(out, k + ".json")))
     for k in ("native", "native_short", "simpy", "wasm", "native_guarded", "wasm_guarded")}
n, s, w, ns = r["native"], r["simpy"], r["wasm"], r["native_short"]
ng, wg = r["native_guarded"], r["wasm_guarded"]

def row(name, x):
    return (f"{name:<20} {x['sim_seconds']:>8g} {x['requests']:>11,} {x['wall_s']:>9.3f} "
            f"{x['sim_requests_per_s']:>15,.0f} {x.get('mean_latency_ms') or float('nan'):>10.2f}  "
            f"{x.get('trace_hash', '-')}")

print()
print(f"redundant-behind-lb, no faults, {n['rate_rps']:g} requests/s "
      f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
print(f"{'engine':<20} {'sim s':>8} {'requests':>11} {'wall s':>9} {'sim requests/s':>15} {'mean ms':>10}  trace hash")
print(row("native", n))
print(row(wasm_label, w))
print(row("SimPy " + s.get("simpy_version", ""), s))
print(row("native @ SimPy s", ns))
print(row("native, guarded", ng))
print(row(wasm_label.replace("wasm32", "wasm32 guarded"), wg))

ratio_simpy = n["sim_requests_per_s"] / s["sim_requests_per_s"]
ratio_wasm = w["sim_requests_per_s"] / n["sim_requests_per_s"]
# With the guards on the engine does more work per request than SimPy's model: the ratio to
# SimPy is the conservative one, and the guards' cost is native guarded / native.
ratio_simpy_g = ng["sim_requests_per_s"] / s["sim_requests_per_s"]
ratio_wasm_g = wg["sim_requests_per_s"] / ng["sim_requests_per_s"]
ok_simpy = ratio_simpy >= 100 and ratio_simpy_g >= 100
ok_wasm = ratio_wasm >= 0.7 and ratio_wasm_g >= 0.7
print()
verdict = lambda ok: 'OK' if ok else 'MISSED'
print(f"native / SimPy : {ratio_simpy:8.1f} x   (target >= 100)  {verdict(ratio_simpy >= 100)}")
print(f"wasm / native  : {ratio_wasm:8.3f}     (target >= 0.7)  {verdict(ratio_wasm >= 0.7)}")
print(f"guarded native / SimPy : {ratio_simpy_g:8.1f} x   (target >= 100)  {verdict(ratio_simpy_g >= 100)}")
print(f"guarded wasm / native  : {ratio_wasm_g:8.3f}     (target >= 0.7)  {verdict(ratio_wasm_g >= 0.7)}")
print(f"cost of the guards     : native guarded / native = "
      f"{ng['sim_requests_per_s'] / n['sim_requests_per_s']:.3f}")
print(f"model check    : SimPy {s['requests']:,} requests, mean {s['mean_latency_ms']:.2f} ms; "
      f"native {ns['requests']:,} requests, mean {ns['mean_latency_ms']:.2f} ms "
      f"(same model, different random streams)")

if ng["trace_hash"] != wg["trace_hash"] or ng["events"] != wg["events"]:
    print(f"\nFAILED: native and wasm32 guarded runs differ: trace hash {ng['trace_hash']} vs "
          f"{wg['trace_hash']}. The engine is not deterministic across platforms.", file=sys.stderr)
    sys.exit(1)
if n["trace_hash"] != w["trace_hash"] or n["requests"] != w["requests"] or n["events"] != w["events"]:
    print(f"\nFAILED: native and wasm32 runs differ: trace hash {n['trace_hash']} vs {w['trace_hash']}, "
          f"{n['events']} vs {w['events']} events. The engine is not deterministic across platforms.",
          file=sys.stderr)
    sys.exit(1)
print(f"trace hash     : native {n['trace_hash']} == wasm32 {w['trace_hash']} (deterministic across platforms)")
if strict and not (ok_simpy and ok_wasm):
    print("FAILED: a performance target was missed (BENCH_STRICT=1)", file=sys.stderr)
    sys.exit(1)
PY
