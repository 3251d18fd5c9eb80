# Failover Lab. Every target first runs scripts/setup.sh, which installs whatever is missing
# (rust wasm32 target, trunk, wasm-bindgen-cli, chromium + chromedriver, npm packages) and is
# a few quick version checks when everything is already there.

SHELL := /bin/bash
# wasm-opt comes from npm (binaryen); Trunk looks for it on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Trunk must never try to download tools (no internet access where this runs).
export TRUNK_OFFLINE := true

.PHONY: setup serve test dist

setup:
	bash scripts/setup.sh

serve: setup
	trunk serve --offline --address 127.0.0.1 --port 8080

test: setup
	bash scripts/test.sh

# Static release build in dist/ (what `make test` builds and tests).
dist: setup
	trunk build --release --offline
