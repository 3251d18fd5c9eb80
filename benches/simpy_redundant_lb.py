#!/usr/bin/env python3
"""The `redundant-behind-lb` model (without its faults) in SimPy 4, for `make bench`.

Same model as the Rust engine's `failover-lab bench` (src/bench_model.rs):

- clients: Poisson arrivals at --rate requests/s, each with a 5 s client timeout (the client
  gives up at its deadline; work already queued at an instance is still served, as in Rust);
- one round-robin load balancer with HAProxy-style active health checks of each target
  (inter 2 s, rise 2, fall 3, timeout 2 s, a random phase per target, next check `inter`
  after the previous one *started*); only targets in rotation (up, or suspected but not yet
  down) are picked; no target in rotation -> 503;
- 3 instances, each 8 workers (simpy.Resource(capacity=8)) and a FIFO queue bounded at 256
  (a request arriving to a full queue is rejected with 503, which the balancer does not retry:
  the preset's retry-on is conn-failure only);
- exponential service time, mean 20 ms;
- 0.5 ms one-way latency on every hop: client -> LB -> instance -> LB -> client (a health
  check is one round trip LB -> instance -> LB).

No faults are injected, so the retry / redispatch paths of the Rust model never run; the
health checks still run (and always pass). Request counts and the mean latency of successful
requests are printed so they can be compared with the native run (same model, different
random streams: the figures agree statistically, not exactly).

Usage: simpy_redundant_lb.py [--seconds S] [--rate RPS] [--seed N]
Prints one JSON object: {sim_requests_per_s, requests, wall_s, mean_latency_ms, ...}.
"""

import argparse
import json
import math
import random
import sys
import time

import simpy

HOP_S = 0.0005  # one-way network latency, every hop
CLIENT_TIMEOUT_S = 5.0
INSTANCES = 3
WORKERS = 8
QUEUE_CAPACITY = 256
SERVICE_MEAN_S = 0.020
# HAProxy check preset (src/sim/scenario.rs, CheckPreset::Haproxy).
CHECK_INTER_S = 2.0
CHECK_TIMEOUT_S = 2.0
CHECK_RISE = 2
CHECK_FALL = 3


class Instance:
    """N workers and a bounded FIFO queue."""

    def __init__(self, env, name, rng):
        self.env = env
        self.name = name
        self.workers = simpy.Resource(env, capacity=WORKERS)
        self.rng = rng
        self.up = True  # no faults in the benchmark: always up
        self.served = 0
        self.rejected = 0

    def serve(self):
        """Process: one request at this instance. Returns an HTTP-ish status."""
        w = self.workers
        if w.count >= w.capacity and len(w.queue) >= QUEUE_CAPACITY:
            self.rejected += 1
            return 503
        with w.request() as req:
            yield req
            yield self.env.timeout(self.rng.expovariate(1.0 / SERVICE_MEAN_S))
        self.served += 1
        return 200


class Target:
    """A balancer's view of one instance: HAProxy health state."""

    def __init__(self, instance):
        self.instance = instance
        self.state = "up"  # up | suspect | down | rising (HAProxy servers start UP)
        self.count = 0  # consecutive failures (suspect) or successes (rising)

    def in_rotation(self):
        return self.state in ("up", "suspect")

    def on_check(self, ok):
        s = self.state
        if s in ("up", "suspect"):
            if ok:
                self.state, self.count = "up", 0
            else:
                self.count = self.count + 1 if s == "suspect" else 1
                self.state = "down" if self.count >= CHECK_FALL else "suspect"
                if self.state == "down":
                    self.count = 0
        elif ok:  # down or rising
            self.count = self.count + 1 if s == "rising" else 1
            if self.count >= CHECK_RISE:
                self.state, self.count = "up", 0
            else:
                self.state = "rising"
        else:
            self.state, self.count = "down", 0


class Balancer:
    """Round robin over the targets in rotation, with active health checks."""

    def __init__(self, env, instances, phase_rng):
        self.env = env
        self.targets = [Target(i) for i in instances]
        self.cursor = 0
        for t in self.targets:
            env.process(self.checker(t, phase_rng.random() * CHECK_INTER_S))

    def pick(self):
        """Next target in rotation at or after the cursor, wrapping (as in Rust)."""
        n = len(self.targets)
        for k in range(n):
            slot = (self.cursor + k) % n
            if self.targets[slot].in_rotation():
                self.cursor = slot + 1
                return self.targets[slot]
        return None

    def checker(self, target, phase):
        env = self.env
        yield env.timeout(phase)
        while True:
            started = env.now
            rtt = 2 * HOP_S
            ok = target.instance.up and rtt <= CHECK_TIMEOUT_S
            yield env.timeout(rtt if target.instance.up else CHECK_TIMEOUT_S)
            target.on_check(ok)
            yield env.timeout(max(0.0, started + CHECK_INTER_S - env.now))


class Model:
    def __init__(self, env, rate, seed):
        self.env = env
        self.rate = rate
        self.arrivals = random.Random(seed)
        self.instances = [
            Instance(env, f"app-{i + 1}", random.Random(seed * 1000 + 11 + i)) for i in range(INSTANCES)
        ]
        self.lb = Balancer(env, self.instances, random.Random(seed * 1000 + 3))
        self.sent = 0
        self.succeeded = 0
        self.failed = {"timeout": 0, "queue_full": 0, "no_healthy_target": 0}
        self.latency_sum_s = 0.0
        env.process(self.traffic())

    def traffic(self):
        env, rng, rate = self.env, self.arrivals, self.rate
        while True:
            yield env.timeout(rng.expovariate(rate))
            self.sent += 1
            env.process(self.client())

    def path(self):
        """Process: client -> LB -> instance -> LB -> client. Returns the status."""
        env = self.env
        yield env.timeout(HOP_S)  # client -> LB
        target = self.lb.pick()
        if target is None:
            yield env.timeout(HOP_S)  # LB -> client: 503
            return "no_healthy_target"
        yield env.timeout(HOP_S)  # LB -> instance
        status = yield from target.instance.serve()
        yield env.timeout(HOP_S)  # instance -> LB
        yield env.timeout(HOP_S)  # LB -> client
        return "ok" if status == 200 else "queue_full"

    def client(self):
        """Process: one request, abandoned at its deadline (the path keeps running)."""
        env = self.env
        start = env.now
        path = env.process(self.path())
        deadline = env.timeout(CLIENT_TIMEOUT_S)
        yield path | deadline
        if path.processed:
            if path.value == "ok":
                self.succeeded += 1
                self.latency_sum_s += env.now - start
            else:
                self.failed[path.value] += 1
        else:
            self.failed["timeout"] += 1


def positive_float(text):
    v = float(text)
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=positive_float, default=60.0, help="simulated seconds (default 60)")
    ap.add_argument("--rate", type=positive_float, default=1000.0, help="arrivals per second (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    started = time.perf_counter()
    env = simpy.Environment()
    model = Model(env, args.rate, args.seed)
    env.run(until=args.seconds)
    wall = time.perf_counter() - started

    finished_failed = sum(model.failed.values())
    print(
        json.dumps(
            {
                "engine": "simpy",
                "simpy_version": simpy.__version__,
                "python": sys.version.split()[0],
                "model": "redundant-behind-lb",
                "rate_rps": args.rate,
                "sim_seconds": args.seconds,
                "seed": args.seed,
                "requests": model.sent,
                "succeeded": model.succeeded,
                "failed": finished_failed,
                "failed_by_reason": model.failed,
                "in_flight": model.sent - model.succeeded - finished_failed,
                "mean_latency_ms": (model.latency_sum_s / model.succeeded * 1000.0) if model.succeeded else None,
                "wall_s": wall,
                "sim_requests_per_s": model.sent / wall,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
