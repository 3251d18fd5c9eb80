#!/usr/bin/env bash
# The whole test suite, as run by `make test` and CI (`bash .ci/run`). Stops at the first
# failing step and names it. Expects the toolchain from scripts/setup.sh (make runs it first).
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-opt (binaryen) comes from npm; cargo-installed tools from ~/.cargo/bin.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must never try to download anything.
export TRUNK_OFFLINE=true
# wasm-bindgen-test-runner drives this ChromeDriver (headless by default; capabilities such as
# --no-sandbox come from webdriver.json in the crate root).
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

if [ -t 1 ]; then
  bold=$'\033[1m'; blue=$'\033[1;34m'; green=$'\033[1;32m'; red=$'\033[1;31m'; reset=$'\033[0m'
else
  bold=""; blue=""; green=""; red=""; reset=""
fi

steps_total=8
step_no=0
suite_start=$SECONDS
current=""

on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -n "$current" ]; then
    printf '\n%sFAILED%s at step %d/%d: %s (after %ds)\n' "$red" "$reset" "$step_no" "$steps_total" \
      "$current" "$((SECONDS - suite_start))" >&2
  fi
}
trap on_exit EXIT

# step NAME COMMAND...: prints a header, runs the command, prints how long it took.
step() {
  current="$1"; shift
  step_no=$((step_no + 1))
  printf '\n%s==> [%d/%d] %s%s\n%s$ %s%s\n' "$blue" "$step_no" "$steps_total" "$current" "$reset" \
    "$bold" "$*" "$reset"
  local start=$SECONDS
  "$@"
  printf '%s    ok%s (%ds)\n' "$green" "$reset" "$((SECONDS - start))"
}

step "format" cargo fmt --check
step "clippy (native)" cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy --all-targets --all-features --target wasm32-unknown-unknown -- -D warnings
step "unit and integration tests (native)" cargo test
step "browser tests (wasm32, headless Chromium)" cargo test -p failover-lab --target wasm32-unknown-unknown
step "release build (trunk)" trunk build --release --offline
step "size report" bash scripts/size-report.sh dist
step "end-to-end tests (Playwright)" node --test tests/e2e/

current=""
printf '\n%sPASSED%s: all %d steps of make test in %ds\n' "$green" "$reset" "$steps_total" \
  "$((SECONDS - suite_start))"
