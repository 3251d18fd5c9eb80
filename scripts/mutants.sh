#!/usr/bin/env bash
# Mutation testing of the simulation core (crates/failover-sim) with cargo-mutants: each
# mutant is a small change to the code (an operator flipped, a function body replaced by a
# default) that the tests should notice. Run by `make mutants`; not part of `make test`:
# every mutant is a rebuild of the core and a run of its whole test suite (`cargo test -p
# failover-sim`, dev profile), one to three minutes each on 2 shared cores, so run it a file
# or a shard at a time:
#
#   make mutants FILE=crates/failover-sim/src/load_balancer.rs   # one file (a glob)
#   make mutants SHARD=3/16                                       # one of 16 slices
#   make mutants SAMPLE=48      # every 48th mutant of the whole core (a systematic sample)
#   make mutants                                                  # everything: many hours
#
# The run happens in a scratch copy of the tree (with a copy of target/, so dependencies are
# not rebuilt); the source tree is never modified. Results: target/mutants/mutants.out/
# (caught.txt, missed.txt, timeout.txt, unviable.txt, one mutant per line). Equivalent
# mutants — changes no test can observe, because the behaviour is the same — are excluded in
# .cargo/mutants.toml, each with its reason. The figure printed at the end is
#
#   score = (caught + timeout) / (caught + timeout + missed)
#
# (a mutant that makes the tests hang is detected too; unviable mutants do not compile and
# count for nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "cargo-mutants is missing: installing it (cargo install --locked, several minutes)"
    cargo install --locked cargo-mutants
fi

out="${MUTANTS_OUT:-target/mutants}"
args=(
    --package failover-sim
    --copy-target=true
    --output "$out"
    # Generous limits: a mutant that slows the engine down (a retry loop, a timer at 0) must
    # not be reported as a hang of the machine, which is shared.
    --timeout "${MUTANTS_TIMEOUT:-900}"
    --build-timeout "${MUTANTS_BUILD_TIMEOUT:-1800}"
)
if [[ -n "${FILE:-}" ]]; then
    args+=(--file "$FILE")
fi
if [[ -n "${SHARD:-}" ]]; then
    args+=(--shard "$SHARD")
fi
# SAMPLE=N: the whole core has ~2,900 mutants (days of runs on 2 cores); every N-th one, in
# the order `cargo mutants --list` gives (file by file), samples every file in proportion.
if [[ -n "${SAMPLE:-}" ]]; then
    args+=(--shard "0/$SAMPLE" --sharding round-robin)
fi
# ITERATE=1 re-tests only the mutants that were not caught last time (after adding tests).
if [[ -n "${ITERATE:-}" ]]; then
    args+=(--iterate)
fi

status=0
cargo mutants "${args[@]}" || status=$?
# cargo-mutants exits 2 when mutants were missed and 3 on timeouts: the run itself worked.
if [[ $status -ne 0 && $status -ne 2 && $status -ne 3 ]]; then
    echo "cargo mutants failed (exit $status)" >&2
    exit "$status"
fi

dir="$out/mutants.out"
count() { if [[ -f "$dir/$1.txt" ]]; then grep -c . "$dir/$1.txt" || true; else echo 0; fi; }
# With ITERATE=1, the mutants caught by earlier runs are in previously_caught.txt.
caught=$(($(count caught) + $(count previously_caught)))
missed=$(count missed)
timeout=$(count timeout)
unviable=$(count unviable)
viable=$((caught + missed + timeout))
echo
echo "mutants of failover-sim${FILE:+ in $FILE}${SHARD:+ (shard $SHARD)}${SAMPLE:+ (every ${SAMPLE}th)}:"
echo "  caught $caught, timeout $timeout, missed $missed, unviable $unviable"
if [[ $viable -gt 0 ]]; then
    awk -v c="$caught" -v t="$timeout" -v v="$viable" \
        'BEGIN { printf "  mutation score: %.1f %% of %d viable mutants caught\n", 100 * (c + t) / v, v }'
fi
if [[ $missed -gt 0 ]]; then
    echo "  missed (kill each with a test, or list it in .cargo/mutants.toml with a reason):"
    sed 's/^/    /' "$dir/missed.txt"
fi
