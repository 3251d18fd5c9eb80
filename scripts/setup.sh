#!/usr/bin/env bash
# Idempotent toolchain setup shared by `make serve` and `make test`.
# Every step first checks whether the right version is already present and skips it if so,
# so a warm machine pays only a few version checks. A failing step stops with a message that
# names the step.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pinned in Cargo.toml / Cargo.lock

say()  { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[setup] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || fail "cargo not found: install Rust with rustup (https://rustup.rs) first"

# 1. wasm32 target
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  :
else
  say "installing Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || fail "rustup target add wasm32-unknown-unknown"
fi

# 2. trunk (0.22 needs a newer rustc than this toolchain; pin 0.21.14)
if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
  :
else
  say "installing trunk $TRUNK_VERSION (cargo install, ~9 min on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked || fail "cargo install trunk $TRUNK_VERSION"
fi

# 3. wasm-bindgen-cli: exactly the library version. No --locked: its lockfile names a crate
#    version the registry does not serve.
if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  :
else
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, ~6 min)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" || fail "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
fi

# 4. Chromium + ChromeDriver from Debian (Playwright and wasm-bindgen-test drive this one;
#    browser downloads are not possible here).
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  :
else
  say "installing chromium and chromium-driver (apt-get)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
    || fail "apt-get install chromium chromium-driver"
fi

# 5. npm packages: playwright-core (drives /usr/bin/chromium) and binaryen (wasm-opt).
#    The stamp holds the lockfile's checksum, so `npm ci` runs only when the lockfile changed.
stamp=node_modules/.failover-lab-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/wasm-opt ]; then
  :
else
  say "installing npm packages (npm ci: playwright-core, binaryen)"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci"
  echo "$want" > "$stamp"
fi

say "toolchain ready: $(trunk --version), $(wasm-bindgen --version), $(chromium --version 2>/dev/null | head -1), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}')"
