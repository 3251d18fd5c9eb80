#!/usr/bin/env python3
"""`make fidelity-real`: the real HAProxy and NGINX against the simulator, on loopback.

Three small HTTP backends (this file, `backend` mode: a thread per request, exponential
service time with a 20 ms mean, a minimal accept backlog) behind HAProxy or NGINX, all on
127.0.0.1; a bounded Poisson load of 200 requests/s (this file, asyncio: bounded in count
and time, one connection per request, 5 s client timeout); one backend killed (crash) or
SIGSTOP'd (a frozen process: a silent host) at a random time. Then the simulator
(crates/failover-sim/examples/fidelity_sim.rs) runs the same configuration with the fault
at the same time after start, and a table compares the two, row by row, with a verdict.

Loopback only; every process this script starts is stopped by its PID when it ends
(normally, on error or on Ctrl-C). Run it through scripts/fidelity-real.sh, which installs
HAProxy and NGINX if they are missing and builds the simulator side.
"""
import asyncio
import atexit
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"  # everything listens and connects here, nowhere else
RATE_RPS = 200
CLIENT_TIMEOUT_S = 5.0
MAX_REQUESTS_PER_RUN = 12_000  # 200 req/s for at most 60 s
SERVICE_MEAN_S = 0.020
LISTEN_BACKLOG = 5
RUNS = int(os.environ.get("FIDELITY_RUNS", "3"))
SEED = int(os.environ.get("FIDELITY_SEED", "18"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.environ.get("FIDELITY_SIM", os.path.join(ROOT, "target/release/examples/fidelity_sim"))

# HAProxy `inter` and `fall`, and the check timeout of the silent-host case.
INTER_S, FALL, CHECK_TIMEOUT_S = 2.0, 3, 2.0

# ----- processes --------------------------------------------------------------------------

STARTED = []  # every Popen this script made, stopped by PID at exit


def start(argv, **kw):
    p = subprocess.Popen(argv, **kw)
    STARTED.append(p)
    return p


def stop(p):
    if p.poll() is not None:
        return
    try:
        os.kill(p.pid, signal.SIGCONT)  # a SIGSTOP'd process must run to die gracefully
        os.kill(p.pid, signal.SIGTERM)
        p.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=3)
    except ProcessLookupError:
        pass


def stop_all():
    for p in reversed(STARTED):
        stop(p)


atexit.register(stop_all)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda *_: sys.exit(130))


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, timeout_s=10.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {HOST}:{port}")


class LineWatcher(threading.Thread):
    """Reads a process's stderr line by line and stamps each line with the time it came."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []

    def run(self):
        for raw in iter(self.stream.readline, b""):
            self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip()))

    def times(self, pattern, after):
        rx = re.compile(pattern)
        return [t for t, line in list(self.lines) if t >= after and rx.search(line)]


# ----- the backend ------------------------------------------------------------------------


def backend_main(port, seed):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    rng = random.Random(seed)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection

        def do_GET(self):
            if self.path != "/health":
                with lock:
                    pause = rng.expovariate(1.0 / SERVICE_MEAN_S)
                time.sleep(pause)
            body = b"ok\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        # Python's own default backlog (listen(5): Linux queues 6 connections), as in the
        # measurements of issue 18; the simulator's instances get `accept_backlog` 6.
        request_queue_size = LISTEN_BACKLOG
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout, a proxy's retry) is part of the experiment

    Server((HOST, port), Handler).serve_forever()


def start_backends(n, seed):
    ports = [free_port() for _ in range(n)]
    procs = [
        start([sys.executable, __file__, "backend", str(p), str(seed + i)])
        for i, p in enumerate(ports)
    ]
    for p in ports:
        wait_port(p)
    return ports, procs


# ----- the load ---------------------------------------------------------------------------


async def one_request(port):
    t0 = time.monotonic()
    writer = None
    try:

        async def exchange():
            nonlocal writer
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(b"GET /work HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            data = await reader.read()
            return data

        data = await asyncio.wait_for(exchange(), CLIENT_TIMEOUT_S)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        status = int(m.group(1)) if m else 0
        return (t0, time.monotonic() - t0, status)
    except asyncio.TimeoutError:
        return (t0, time.monotonic() - t0, "timeout")
    except OSError:
        return (t0, time.monotonic() - t0, "error")
    finally:
        if writer is not None:
            writer.close()


async def load(port, start_at, stop_at, faults, seed):
    """Poisson arrivals at RATE_RPS between two monotonic times (at most
    MAX_REQUESTS_PER_RUN); `faults` are (monotonic time, callable) run on the way."""
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    base = loop.time() - time.monotonic()  # monotonic → loop clock
    for at, action in faults:
        loop.call_at(at + base, action)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    tasks, next_t = [], time.monotonic()
    while next_t < stop_at and len(tasks) < MAX_REQUESTS_PER_RUN:
        await asyncio.sleep(max(0.0, next_t - time.monotonic()))
        tasks.append(asyncio.ensure_future(one_request(port)))
        next_t += rng.expovariate(RATE_RPS)
    return await asyncio.gather(*tasks)


# ----- one real run -----------------------------------------------------------------------

HAPROXY_CFG = """
global
    maxconn 4000
    stats socket {tmp}/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect {timeout_connect}
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    balance roundrobin
    option httpchk GET /health
{timeout_check}    default-server check inter {inter}s rise 2 fall {fall}
    server s1 127.0.0.1:{p1}
    server s2 127.0.0.1:{p2}
    server s3 127.0.0.1:{p3}
"""

NGINX_CFG = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4000; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream be {{
        server 127.0.0.1:{p1} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{p2} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{p3} max_fails=1 fail_timeout=10s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://be; }}
    }}
}}
"""


def haproxy_stat(tmp, server):
    """(wretr, wredis) of backend be / `server` from the stats socket."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(f"{tmp}/haproxy.sock")
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return None, None
    lines = data.decode(errors="replace").splitlines()
    head = lines[0].lstrip("# ").split(",")
    for line in lines[1:]:
        row = dict(zip(head, line.split(",")))
        if row.get("pxname") == "be" and row.get("svname") == server:
            return int(row.get("wretr") or 0), int(row.get("wredis") or 0)
    return None, None


def real_run(case, run, rng):
    """One experiment; returns the measured figures and the fault time after start (ms)."""
    seed = SEED * 1000 + run
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        ports, backends = start_backends(3, seed)
        port = free_port()
        nginx = case == "nginx-crash"
        if nginx:
            for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.mkdir(os.path.join(tmp, d))
            cfg = NGINX_CFG.format(tmp=tmp, port=port, p1=ports[0], p2=ports[1], p3=ports[2])
            path = os.path.join(tmp, "nginx.conf")
            argv = ["nginx", "-p", tmp, "-e", "stderr", "-c", path]
        else:
            freeze = case == "freeze"
            cfg = HAPROXY_CFG.format(
                tmp=tmp,
                port=port,
                p1=ports[0],
                p2=ports[1],
                p3=ports[2],
                inter=int(INTER_S),
                fall=FALL,
                timeout_connect="2s" if freeze else "5s",
                timeout_check=f"    timeout check {int(CHECK_TIMEOUT_S)}s\n" if freeze else "",
            )
            path = os.path.join(tmp, "haproxy.cfg")
            argv = ["haproxy", "-db", "-f", path]
        with open(path, "w") as f:
            f.write(cfg)
        proxy = start(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        started, started_wall = time.monotonic(), time.time()
        watcher = LineWatcher(proxy.stderr)
        watcher.start()
        wait_port(port)
        # HAProxy: every server passes a few checks first (a fresh server would go down on
        # its first failure). NGINX has no checks: a short warm-up is enough.
        warm = 2.0 if nginx else 6.0
        fault_at = started + warm + 2.0 + rng.uniform(0.0, 2.0)
        tail = {"crash": 12.0, "freeze": 16.0, "nginx-crash": 24.0}[case]
        victim = backends[1]
        sig = signal.SIGSTOP if case == "freeze" else signal.SIGKILL
        hit = {}

        def inject():
            hit["t"], hit["wall"] = time.monotonic(), time.time()
            os.kill(victim.pid, sig)

        results = asyncio.run(
            load(port, started + warm, fault_at + tail, [(fault_at, inject)], seed)
        )
        t_fault = hit["t"]
        retries = haproxy_stat(tmp, "s2") if not nginx else (None, None)
        stop(proxy)
        for b in backends:
            stop(b)
        watcher.join(timeout=2)
    if os.environ.get("FIDELITY_DEBUG"):
        from collections import Counter

        lats = sorted(lat for _, lat, st in results if st == 200)
        print(
            f"[debug] {case}: statuses {Counter(st for _, _, st in results)}; "
            f"p50 {lats[len(lats) // 2]:.4f} p99 {lats[int(len(lats) * 0.99)]:.4f} "
            f"max {lats[-1]:.3f}; slow before the fault "
            f"{sum(1 for t0, lat, st in results if lat > 1.0 and t0 < t_fault)}",
            file=sys.stderr,
        )
    # The simulator's fault comes as long after its start as the real one did; for NGINX,
    # whose fail_timeout runs on the wall clock's whole seconds, the simulator's time 0 is
    # the whole second the proxy started in, so both clocks turn at the same moments.
    since = hit["wall"] - int(started_wall) if nginx else t_fault - started
    out = {
        "fault_ms": round(since * 1000),
        "sent": len(results),
        "failed": sum(1 for _, _, st in results if st != 200),
        "wretr": retries[0],
        "wredis": retries[1],
    }
    if nginx:
        probes = []
        # Every error NGINX logs about that server (the request it was serving when it died,
        # then one refused probe each time fail_timeout has passed).
        for t in watcher.times(rf'upstream: "http://127\.0\.0\.1:{ports[1]}/', t_fault):
            if not probes or t > probes[-1] + 1.0:
                probes.append(t)
        out["probe_gaps_s"] = [b - a for a, b in zip(probes, probes[1:])]
    else:
        downs = watcher.times(r"Server be/s2 is DOWN", t_fault)
        detected = downs[0] - t_fault if downs else None
        out["detected_s"] = detected
        span = detected or tail
        out["slow_1s"] = sum(
            1
            for t0, lat, st in results
            if st == 200 and lat > 1.0 and t_fault <= t0 <= t_fault + span
        )
        # The machine's own noise floor: as long a window just before the fault.
        out["slow_1s_before"] = sum(
            1 for t0, lat, st in results if lat > 1.0 and t_fault - span <= t0 < t_fault
        )
    return out


def sim_run(case, fault_ms, seed, run_s):
    text = subprocess.run(
        [SIM, case, str(fault_ms), str(seed), str(run_s)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return json.loads(text)


# ----- the table --------------------------------------------------------------------------


def fmt(values, unit="", digits=2):
    vals = [v for v in values if v is not None]
    if not vals:
        return "–"
    if all(float(v).is_integer() for v in vals) and unit == "":
        lo, hi = int(min(vals)), int(max(vals))
        return f"{lo}" if lo == hi else f"{lo}–{hi}"
    lo, hi = f"{min(vals):.{digits}f}", f"{max(vals):.{digits}f}"
    return f"{lo}{unit}" if lo == hi else f"{lo}–{hi}{unit}"


def within(values, lo, hi):
    vals = [v for v in values if v is not None]
    return len(vals) == len(values) and all(lo < v <= hi for v in vals)


def counts_agree(real, sim):
    r, s = statistics.mean(real), statistics.mean(sim)
    return abs(r - s) <= max(2.0, 0.25 * max(r, s))


def table(data):
    """(case, real, simulator, agrees) rows for the cases that ran."""

    def col(case, side, key):
        return [pair[side].get(key) for pair in data[case]]

    i, f, t = INTER_S, FALL, CHECK_TIMEOUT_S
    rows = []

    def detection(case, label, lo, hi):
        real, sim = col(case, 0, "detected_s"), col(case, 1, "detected_s")
        rows.append(
            (
                f"{label}: marked DOWN after (window {lo:g}–{hi:g} s)",
                fmt(real, " s"),
                fmt(sim, " s"),
                # Real timers get a little slack for the machine's scheduling.
                within(real, lo - 0.1, hi + 0.25) and within(sim, lo, hi + 0.01),
            )
        )

    def counts(case, label, key):
        real, sim = col(case, 0, key), col(case, 1, key)
        rows.append((label, fmt(real), fmt(sim), counts_agree(real, sim)))

    if "crash" in data:
        detection("crash", "HAProxy crash", (f - 1) * i, f * i)
        real_slow, noise = col("crash", 0, "slow_1s"), col("crash", 0, "slow_1s_before")
        sim_slow = col("crash", 1, "slow_1s")
        rows.append(
            (
                "HAProxy crash, redispatch: requests > 1 s during detection "
                "(real: machine noise before the fault)",
                f"{fmt(real_slow)} ({fmt(noise)})",
                fmt(sim_slow),
                counts_agree([max(0, r - n) for r, n in zip(real_slow, noise)], sim_slow),
            )
        )
        counts("crash", "HAProxy crash: client-visible failures", "failed")
        # Redispatches per second of the detection window (HAProxy's `wredis` of the dead
        # server; the simulator's retries): round robin sends the dead server every other
        # request, since each redispatch moves the cursor past the next server.
        def per_s(side, key):
            return [
                p[side][key] / p[side]["detected_s"]
                for p in data["crash"]
                if p[side].get(key) is not None and p[side].get("detected_s")
            ]

        real_redis, sim_redis = per_s(0, "wredis"), per_s(1, "retried")
        if real_redis and len(real_redis) == len(sim_redis):
            rows.append(
                (
                    "HAProxy crash: requests redispatched per second of detection",
                    fmt(real_redis, "/s", 0),
                    fmt(sim_redis, "/s", 0),
                    counts_agree(real_redis, sim_redis),
                )
            )
    if "freeze" in data:
        detection("freeze", "HAProxy silent host (SIGSTOP)", f * t + (f - 1) * i, f * t + f * i)
        counts("freeze", "HAProxy silent host: client-visible failures", "failed")
    if "nginx-crash" in data:
        counts("nginx-crash", "NGINX passive crash: client errors", "failed")
        gaps = [
            [g for pair in data["nginx-crash"] for g in pair[side].get("probe_gaps_s", [])]
            for side in (0, 1)
        ]
        rows.append(
            (
                "NGINX fail_timeout=10s: dead server re-tried after",
                fmt(gaps[0], " s"),
                fmt(gaps[1], " s"),
                all(gaps) and all(within(g, 10.0, 11.1) for g in gaps),
            )
        )
    return rows


def main():
    if os.geteuid() == 0:
        # The proxies, backends and load run above the compilers a shared machine is busy
        # with (a few minutes, little CPU): the timing measured is theirs, not the scheduler's.
        os.nice(-10)
    rng = random.Random(SEED)
    cases = [("crash", 12), ("freeze", 16), ("nginx-crash", 24)]
    only = os.environ.get("FIDELITY_CASES")
    if only:  # for a quick look at one case: FIDELITY_CASES=nginx-crash
        cases = [c for c in cases if c[0] in only.split(",")]
    data = {}
    for case, tail in cases:
        data[case] = []
        for run in range(RUNS):
            real = real_run(case, run, rng)
            run_s = int(real["fault_ms"] / 1000 + tail) + 1
            sim = sim_run(case, real["fault_ms"], SEED * 1000 + run, run_s)
            data[case].append((real, sim))
            print(f"[fidelity] {case} run {run + 1}/{RUNS}: real {real} | sim {sim}", flush=True)

    rows = table(data)
    print()
    print(
        f"Failover Lab vs real HAProxy / NGINX on loopback: {RUNS} run(s) per case, "
        f"{RATE_RPS} req/s, 3 backends"
    )
    print()
    print("| case | real | simulator | verdict |")
    print("|---|---|---|---|")
    for label, real, sim, ok in rows:
        print(f"| {label} | {real} | {sim} | {'agrees' if ok else 'DIFFERS'} |")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "backend":
        backend_main(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(main())
