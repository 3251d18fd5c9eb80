#!/usr/bin/env bash
# `make fidelity-real`: the simulator against the real HAProxy and NGINX on loopback
# (scripts/fidelity_real.py). Not part of `make test`: it measures timing on whatever machine
# it runs on. Installs the Debian packages `haproxy` and `nginx-light` if they are missing,
# without letting their packages start a daemon, then builds the simulator's side
# (the `fidelity_sim` example) and runs the experiments (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v nginx >/dev/null || need+=(nginx-light)
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  # Debian starts a package's daemon on install (haproxy with /etc/haproxy, nginx on port
  # 80 of every address): policy-rc.d answering 101 forbids it, so nothing listens except
  # what the experiments start on 127.0.0.1.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  echo "[fidelity-real] installing ${need[*]}"
  if ! $sudo apt-get install -y --no-install-recommends "${need[@]}"; then
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${need[@]}"
  fi
fi
echo "[fidelity-real] $(haproxy -v | head -1)"
echo "[fidelity-real] $(nginx -v 2>&1)"

cargo build --release -p failover-sim --example fidelity_sim
# Bounded: a few minutes of experiments, whatever happens.
timeout 900 python3 scripts/fidelity_real.py
