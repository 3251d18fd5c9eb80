// The engine compiled to wasm32, under Node: runs the benchmark model (src/bench_model.rs,
// exported by src/wasm_bench.rs) and times it with performance.now().
//
// Usage: node benches/wasm_bench.mjs [--seconds S] [--rate RPS] [--repeat N] [--pkg DIR] [--guarded]
// (--guarded: the model with every overload guard of issue #13 on, bench_model::guarded_scenario)
// DIR (default target/bench-wasm) holds the output of
//   wasm-bindgen --target nodejs --out-dir target/bench-wasm \
//     target/wasm32-unknown-unknown/release/failover_lab.wasm
// Prints one JSON object: the run's deterministic results (requests, events, trace_hash, ...)
// plus wall_s (best of N runs), sim_requests_per_s and events_per_s.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";

function fail(msg) {
  console.error(`wasm_bench: ${msg}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { seconds: 60, rate: 1000, repeat: 3, pkg: "target/bench-wasm", guarded: false };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (key === "--guarded") {
      opts.guarded = true;
      i -= 1;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) fail(`${key} needs a value`);
    switch (key) {
      case "--seconds":
      case "--repeat": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) fail(`${key} must be a positive integer, got ${value}`);
        opts[key.slice(2)] = n;
        break;
      }
      case "--rate": {
        const r = Number(value);
        if (!Number.isFinite(r) || r <= 0) fail(`--rate must be a positive number, got ${value}`);
        opts.rate = r;
        break;
      }
      case "--pkg":
        opts.pkg = value;
        break;
      default:
        fail(`unknown argument ${key} (expected --seconds, --rate, --repeat, --pkg, --guarded)`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const require = createRequire(import.meta.url);
const pkgPath = resolve(opts.pkg, "failover_lab.js");
let wasm;
try {
  wasm = require(pkgPath);
} catch (e) {
  fail(`cannot load ${pkgPath} (build it first: see the header of this file): ${e.message}`);
}
if (typeof wasm.bench_redundant_lb !== "function") fail(`${pkgPath} does not export bench_redundant_lb`);

let best = Infinity;
let result;
for (let i = 0; i < opts.repeat; i++) {
  const t0 = performance.now();
  const json = wasm.bench_redundant_lb(opts.seconds, opts.rate, opts.guarded);
  const wall = (performance.now() - t0) / 1000;
  result = JSON.parse(json);
  if (result.error) fail(result.error);
  best = Math.min(best, wall);
}

console.log(
  JSON.stringify({
    engine: "wasm32",
    node: process.version,
    ...result,
    repeat: opts.repeat,
    wall_s: best,
    sim_requests_per_s: result.requests / best,
    events_per_s: result.events / best,
  }),
);
