//! Worst-case benchmark (`make bench-limits`): for each bound in `crates/failover-sim/src/limits.rs`, a
//! scenario at that bound, built and run for one simulated second. Prints, per case, the
//! build time (`Simulation::with_seed`: validation, analytic availability, components), the
//! wall time of the first simulated second, the events it took, and the peak heap, with a
//! verdict against the targets of issue 11: build ≤ 1 s and peak heap ≤ 256 MB.
//!
//! Each case runs in a child process (this binary with `--case NAME`) under a timeout, so a
//! case that hangs prints TIMEOUT and the table goes on. The heap is measured by a counting
//! global allocator (current and peak bytes; deterministic and portable), which also refuses
//! to hand out more than `HEAP_CAP` so that a runaway case fails (OOM) instead of taking
//! the machine's memory.
//!
//! `cargo run --release -p failover-sim --example bench_limits` (`make bench-limits`); `-- --timeout S`
//! changes the per-case timeout (default 20 s), `-- CASE…` runs only the named cases,
//! `-- --list` lists them.
use failover_sim::limits::*;
use failover_sim::scenario::Scenario;
use failover_sim::time::US_PER_S;
use failover_sim::Simulation;
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ----- counting allocator -------------------------------------------------------------------

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Past this, allocations fail (the process aborts and the table says OOM).
const HEAP_CAP: usize = 3 << 30;
const TARGET_HEAP: usize = 256 << 20;
const TARGET_BUILD_S: f64 = 1.0;

struct Counting;

impl Counting {
    fn grow(size: usize) -> bool {
        let now = NOW.fetch_add(size, Ordering::Relaxed) + size;
        if now > HEAP_CAP {
            NOW.fetch_sub(size, Ordering::Relaxed);
            return false;
        }
        PEAK.fetch_max(now, Ordering::Relaxed);
        true
    }
}

// SAFETY: forwards to the system allocator; the counters are atomics on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Self::grow(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !Self::grow(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !Self::grow(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > layout.size() {
                NOW.fetch_sub(new_size - layout.size(), Ordering::Relaxed);
            }
        } else if new_size < layout.size() {
            NOW.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ----- the scenarios ------------------------------------------------------------------------

/// Instance `i` (default settings unless `extra` says otherwise).
fn instances(n: usize, extra: Value) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut v = json!({ "name": format!("app-{i}") });
            merge(&mut v, &extra);
            v
        })
        .collect()
}

fn targets(n: usize, weight: u32) -> Vec<Value> {
    (0..n)
        .map(|i| json!({ "instance": format!("app-{i}"), "weight": weight }))
        .collect()
}

fn balancer(name: &str, n_targets: usize, extra: Value) -> Value {
    let mut v = json!({ "name": name, "targets": targets(n_targets, 1) });
    merge(&mut v, &extra);
    v
}

/// Shallow merge of `extra`'s keys into `v`.
fn merge(v: &mut Value, extra: &Value) {
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            m.insert(k.clone(), x.clone());
        }
    }
}

/// One balancer over `n` instances at `rate` requests/s: the base of most cases.
fn base(n: usize, rate: f64) -> Value {
    json!({
        "name": "limits",
        "traffic": { "rate_rps": rate },
        "entry": "lb-1",
        "balancers": [ balancer("lb-1", n, json!({})) ],
        "instances": instances(n, json!({})),
    })
}

fn with(mut v: Value, path: &[&str], x: Value) -> Value {
    let mut cur = &mut v;
    for (i, k) in path.iter().enumerate() {
        if i + 1 == path.len() {
            cur[*k] = x;
            break;
        }
        cur = &mut cur[*k];
    }
    v
}

/// `n` balancers (`lb-0`…) each over the same first `per_lb` of `n_inst` instances, behind
/// a gateway when there is more than one (so each is on the request path).
fn shared(n_lb: usize, n_inst: usize, per_lb: usize, lb_extra: Value, inst_extra: Value) -> Value {
    let lbs: Vec<Value> = (0..n_lb)
        .map(|b| balancer(&format!("lb-{b}"), per_lb, lb_extra.clone()))
        .collect();
    let names: Vec<String> = (0..n_lb.min(MAX_BALANCERS))
        .map(|b| format!("lb-{b}"))
        .collect();
    json!({
        "name": "limits",
        "traffic": { "rate_rps": 1000 },
        "entry": "gw-0",
        "gateways": [ { "name": "gw-0", "balancers": names } ],
        "balancers": lbs,
        "instances": instances(n_inst, inst_extra),
    })
}

fn failures(mtbf: f64, mttr: f64) -> Value {
    json!({ "failures": { "mtbf_s": mtbf, "mttr_s": mttr } })
}

/// Every case: its name and the limit it exercises.
const CASES: &[(&str, &str)] = &[
    ("names", "MAX_NAME_LEN"),
    ("instances", "MAX_INSTANCES"),
    ("nodes", "MAX_NODES"),
    ("balancers", "MAX_BALANCERS"),
    (
        "balancers-x-targets",
        "MAX_BALANCERS × MAX_INSTANCES targets",
    ),
    ("gateways", "MAX_GATEWAYS"),
    (
        "regions-zones",
        "MAX_REGIONS × MAX_ZONES_PER_REGION (failing zones)",
    ),
    ("prices", "MAX_PRICE"),
    ("dns-clients", "MAX_DNS_CLIENTS"),
    ("rate", "MAX_RATE_RPS"),
    ("clients", "MAX_CLIENTS (consistent-hash)"),
    ("client-timeout", "MAX_CLIENT_TIMEOUT_MS (requests wait)"),
    ("profile", "MAX_PROFILE_STEPS"),
    ("duration", "MAX_DURATION_S"),
    ("hop-latency", "MAX_HOP_LATENCY_MS"),
    ("workers", "MAX_WORKERS × MAX_INSTANCES"),
    ("queue", "MAX_QUEUE (slow service)"),
    ("service-min", "MIN_SERVICE_MS"),
    ("service-sigma", "MAX_SERVICE_MS, MAX_SIGMA"),
    ("startup-restart", "MAX_STARTUP_MS, MAX_RESTART_AFTER_MS"),
    ("retries", "MAX_RETRIES (every target refuses)"),
    ("timeouts", "MAX_TIMEOUT_MS (silent targets)"),
    ("checks", "MIN_CHECK_INTERVAL_MS × MAX_BALANCERS × targets"),
    ("check-slow", "MAX_CHECK_INTERVAL_MS, MAX_THRESHOLD"),
    ("passive", "MAX_FAILS"),
    (
        "weights",
        "MAX_WEIGHT × MAX_INSTANCES targets (one balancer)",
    ),
    (
        "weights-x-balancers",
        "MAX_WEIGHT × MAX_INSTANCES targets × 4 balancers",
    ),
    ("faults", "MAX_FAULTS"),
    ("extra-latency", "MAX_EXTRA_LATENCY_MS"),
    ("seed", "MAX_SEED"),
    ("mtbf-min", "MIN_MTBF_S, MIN_MTTR_S on every node"),
    ("mtbf-max", "MAX_MTBF_S, MAX_MTTR_S"),
    (
        "analysis-2x22",
        "2 balancers sharing 22 instances with failures",
    ),
    (
        "analysis-2x40",
        "2 balancers sharing 40 instances with failures",
    ),
    (
        "analysis-48xall",
        "MAX_BALANCERS sharing every instance, all with failures",
    ),
    (
        "analysis-18-zones",
        "18 zones of two instances (failing zones)",
    ),
    (
        "db-backlog",
        "writes at MAX_RATE_RPS, standby applies 1 per 2 ms",
    ),
    (
        "db-apply-max",
        "writes at MAX_RATE_RPS, apply_ms = MAX_SERVICE_MS",
    ),
];

/// The scenario of case `name`, made on demand (the biggest are hundreds of MB of JSON).
fn scenario_of(name: &str) -> Option<Value> {
    let name64 = "n".repeat(MAX_NAME_LEN);
    let max_inst = MAX_NODES - MAX_BALANCERS - MAX_GATEWAYS - 1;
    let regions: Vec<Value> = (0..MAX_REGIONS)
        .map(|r| {
            json!({
                "name": format!("r{r}"),
                "zones": (0..MAX_ZONES_PER_REGION).map(|z| json!({ "name": format!("r{r}-z{z}"), "failures": { "mtbf_s": 86_400, "mttr_s": 600 } })).collect::<Vec<_>>(),
                "failures": { "mtbf_s": 864_000, "mttr_s": 3_600 },
            })
        })
        .collect();
    let zones_total = MAX_REGIONS * MAX_ZONES_PER_REGION;
    let mut spread = base(2 * zones_total, 1_000.0);
    for (i, inst) in spread["instances"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let z = i % zones_total;
        inst["zone"] = json!(format!(
            "r{}-z{}",
            z / MAX_ZONES_PER_REGION,
            z % MAX_ZONES_PER_REGION
        ));
    }
    spread["regions"] = json!(regions.clone());
    let profile: Vec<Value> = (0..MAX_PROFILE_STEPS)
        .map(|k| json!({ "at_ms": k as u64 * 10, "rate_rps": if k % 2 == 0 { MAX_RATE_RPS } else { 1.0 } }))
        .collect();
    let faults: Vec<Value> = (0..MAX_FAULTS)
        .map(|k| {
            let action = if k % 2 == 0 { "crash" } else { "heal" };
            json!({ "at_ms": k as u64 / 10, "action": action, "node": format!("app-{}", k % 8) })
        })
        .collect();
    let dns = json!({
        "name": "api.example",
        "records": [ { "target": "lb-1", "role": "primary" }, { "target": "lb-2", "role": "secondary" } ],
    });
    let database = |rate: f64, apply_ms: f64| {
        json!({
            "name": "limits",
            "traffic": { "rate_rps": rate, "write_fraction": 1.0 },
            "entry": "lb-1",
            "balancers": [ balancer("lb-1", 8, json!({})) ],
            "instances": instances(8, json!({ "workers": MAX_WORKERS })),
            "database": { "name": "db-1", "standby": { "name": "db-2" }, "apply_ms": apply_ms },
        })
    };
    let slow = json!({ "service_time": { "distribution": "constant", "mean_ms": MAX_SERVICE_MS }, "workers": 1, "queue_capacity": MAX_QUEUE });
    Some(match name {
        "names" => with(
            with(base(1, 100.0), &["instances"], json!([{ "name": name64 }])),
            &["balancers"],
            json!([{ "name": "lb-1", "targets": [ { "instance": name64 } ] }]),
        ),
        "instances" => base(MAX_INSTANCES, 1_000.0),
        "nodes" => shared(MAX_BALANCERS, max_inst, 1, json!({}), json!({})),
        "balancers" => shared(MAX_BALANCERS, 100, 100, json!({}), json!({})),
        "balancers-x-targets" => shared(MAX_BALANCERS, max_inst, max_inst, json!({}), json!({})),
        "gateways" => {
            let mut v = shared(MAX_BALANCERS, 100, 100, json!({}), json!({}));
            let names: Vec<String> = (0..MAX_BALANCERS).map(|b| format!("lb-{b}")).collect();
            v["gateways"] = json!((0..MAX_GATEWAYS)
                .map(|g| json!({ "name": format!("gw-{g}"), "balancers": names }))
                .collect::<Vec<_>>());
            v
        }
        "regions-zones" => spread,
        "prices" => with(
            base(3, 100.0),
            &["costs"],
            json!({ "balancer_per_hour": MAX_PRICE, "instance_per_hour": MAX_PRICE, "downtime_per_minute": MAX_PRICE }),
        ),
        "dns-clients" => {
            let mut v = base(4, 5_000.0);
            v["balancers"] = json!([
                balancer("lb-1", 4, json!({})),
                balancer("lb-2", 4, json!({}))
            ]);
            v["dns"] = dns.clone();
            v["entry"] = json!("api.example");
            v["traffic"]["clients"] = json!(MAX_DNS_CLIENTS);
            v
        }
        "rate" => base(8, MAX_RATE_RPS),
        "clients" => with(
            with(
                base(8, MAX_RATE_RPS),
                &["traffic", "clients"],
                json!(MAX_CLIENTS),
            ),
            &["balancers"],
            json!([balancer(
                "lb-1",
                8,
                json!({ "algorithm": "consistent-hash" })
            )]),
        ),
        "client-timeout" => with(
            with(
                base(8, MAX_RATE_RPS),
                &["traffic", "timeout_ms"],
                json!(MAX_CLIENT_TIMEOUT_MS),
            ),
            &["instances"],
            json!(instances(8, slow.clone())),
        ),
        "profile" => with(base(8, 100.0), &["traffic", "profile"], json!(profile)),
        "duration" => with(base(3, 100.0), &["duration_s"], json!(MAX_DURATION_S)),
        "hop-latency" => with(
            base(8, MAX_RATE_RPS),
            &["network"],
            json!({ "latency_ms": MAX_HOP_LATENCY_MS, "cross_zone_latency_ms": MAX_HOP_LATENCY_MS, "cross_region_latency_ms": MAX_HOP_LATENCY_MS }),
        ),
        "workers" => with(
            base(MAX_INSTANCES, MAX_RATE_RPS),
            &["instances"],
            json!(instances(MAX_INSTANCES, json!({ "workers": MAX_WORKERS }))),
        ),
        "queue" => with(
            base(8, MAX_RATE_RPS),
            &["instances"],
            json!(instances(8, slow.clone())),
        ),
        "service-min" => with(
            base(8, MAX_RATE_RPS),
            &["instances"],
            json!(instances(
                8,
                json!({ "service_time": { "distribution": "constant", "mean_ms": MIN_SERVICE_MS } })
            )),
        ),
        "service-sigma" => with(
            base(8, MAX_RATE_RPS),
            &["instances"],
            json!(instances(
                8,
                json!({ "service_time": { "distribution": "lognormal", "mean_ms": MAX_SERVICE_MS, "sigma": MAX_SIGMA }, "queue_capacity": MAX_QUEUE })
            )),
        ),
        "startup-restart" => with(
            base(8, 1_000.0),
            &["instances"],
            json!(instances(
                8,
                json!({ "startup_ms": MAX_STARTUP_MS, "restart_after_ms": MAX_RESTART_AFTER_MS })
            )),
        ),
        "retries" => {
            let mut v = with(
                base(8, MAX_RATE_RPS),
                &["balancers"],
                json!([balancer(
                    "lb-1",
                    8,
                    json!({ "retries": MAX_RETRIES, "retry_on": ["conn-failure", "empty-response", "response-timeout", "500", "503"], "health_check": null })
                )]),
            );
            v["faults"] = json!((0..8)
                .map(|i| json!({ "at_ms": 0, "action": "crash", "node": format!("app-{i}") }))
                .collect::<Vec<_>>());
            v
        }
        "timeouts" => {
            let mut v = with(
                base(8, MAX_RATE_RPS),
                &["balancers"],
                json!([balancer(
                    "lb-1",
                    8,
                    json!({ "timeout_connect_ms": MAX_TIMEOUT_MS, "timeout_server_ms": MAX_TIMEOUT_MS, "health_check": null })
                )]),
            );
            v["faults"] = json!((0..8)
                .map(|i| json!({ "at_ms": 0, "action": "unreachable", "node": format!("app-{i}") }))
                .collect::<Vec<_>>());
            v
        }
        "checks" => shared(
            MAX_BALANCERS,
            max_inst,
            max_inst,
            json!({ "health_check": { "inter_ms": MIN_CHECK_INTERVAL_MS, "fastinter_ms": MIN_CHECK_INTERVAL_MS, "downinter_ms": MIN_CHECK_INTERVAL_MS } }),
            json!({}),
        ),
        "check-slow" => with(
            base(8, 100.0),
            &["balancers"],
            json!([balancer(
                "lb-1",
                8,
                json!({ "health_check": { "inter_ms": MAX_CHECK_INTERVAL_MS, "rise": MAX_THRESHOLD, "fall": MAX_THRESHOLD, "timeout_ms": MAX_CHECK_INTERVAL_MS } })
            )]),
        ),
        "passive" => with(
            base(8, 1_000.0),
            &["balancers"],
            json!([balancer(
                "lb-1",
                8,
                json!({ "passive": { "max_fails": MAX_FAILS, "fail_timeout_ms": MAX_RESTART_AFTER_MS } })
            )]),
        ),
        "weights" => with(
            base(MAX_INSTANCES, 1_000.0),
            &["balancers"],
            json!([{ "name": "lb-1", "algorithm": "weighted-round-robin", "targets": targets(MAX_INSTANCES, MAX_WEIGHT) }]),
        ),
        "weights-x-balancers" => shared(
            4,
            MAX_INSTANCES,
            MAX_INSTANCES,
            json!({ "targets": targets(MAX_INSTANCES, MAX_WEIGHT) }),
            json!({}),
        ),
        "faults" => with(base(8, 1_000.0), &["faults"], json!(faults)),
        "extra-latency" => {
            let mut v = base(8, MAX_RATE_RPS);
            v["faults"] = json!((0..8).map(|i| json!({ "at_ms": 0, "action": "add-latency", "node": format!("app-{i}"), "extra_latency_ms": MAX_EXTRA_LATENCY_MS })).collect::<Vec<_>>());
            v
        }
        "seed" => with(base(8, 1_000.0), &["seed"], json!(MAX_SEED)),
        "mtbf-min" => {
            let mut v = base(MAX_INSTANCES, 1_000.0);
            v["instances"] = json!(instances(MAX_INSTANCES, failures(MIN_MTBF_S, MIN_MTTR_S)));
            v
        }
        "mtbf-max" => with(
            base(8, 1_000.0),
            &["instances"],
            json!(instances(8, failures(MAX_MTBF_S, MAX_MTTR_S))),
        ),
        "analysis-2x22" => shared(
            2,
            22,
            22,
            failures(86_400.0, 600.0),
            failures(86_400.0, 600.0),
        ),
        "analysis-2x40" => shared(
            2,
            40,
            40,
            failures(86_400.0, 600.0),
            failures(86_400.0, 600.0),
        ),
        "analysis-48xall" => shared(
            MAX_BALANCERS,
            max_inst,
            max_inst,
            failures(86_400.0, 600.0),
            failures(86_400.0, 600.0),
        ),
        "analysis-18-zones" => {
            let mut v = base(36, 1_000.0);
            let regions: Vec<Value> = (0..3).map(|r| json!({ "name": format!("r{r}"), "zones": (0..6).map(|z| json!({ "name": format!("r{r}-z{z}"), "failures": { "mtbf_s": 86_400, "mttr_s": 600 } })).collect::<Vec<_>>() })).collect();
            v["regions"] = json!(regions);
            for (i, inst) in v["instances"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let z = i / 2;
                inst["zone"] = json!(format!("r{}-z{}", z / 6, z % 6));
            }
            v
        }
        "db-backlog" => database(MAX_RATE_RPS, 2.0),
        "db-apply-max" => database(MAX_RATE_RPS, MAX_SERVICE_MS),
        _ => return None,
    })
}

// ----- measuring ----------------------------------------------------------------------------

/// The child: build and run one case, print `RESULT build_s first_s events peak_bytes`.
fn run_case(name: &str) -> ExitCode {
    let Some(json) = scenario_of(name) else {
        eprintln!("no case {name}");
        return ExitCode::from(2);
    };
    let parsed = serde_json::from_value::<Scenario>(json);
    let scenario: Scenario = match parsed {
        Ok(s) => s,
        Err(e) => {
            println!("INVALID scenario JSON: {e}");
            return ExitCode::SUCCESS;
        }
    };
    // The peak counts from here: the parsed scenario (which the app holds too) and what the
    // build and the run add, not the JSON it was made from.
    PEAK.store(NOW.load(Ordering::Relaxed), Ordering::Relaxed);
    let t0 = Instant::now();
    let built = Simulation::with_seed(&scenario, scenario.seed);
    let build_s = t0.elapsed().as_secs_f64();
    let mut sim = match built {
        Ok(sim) => sim,
        Err(e) => {
            let first: String = e.to_string().lines().next().unwrap_or("").to_string();
            println!("INVALID {first}");
            return ExitCode::SUCCESS;
        }
    };
    // The build time is printed at once: a case whose first second hangs still shows it.
    println!("BUILD {build_s} {}", PEAK.load(Ordering::Relaxed));
    let t1 = Instant::now();
    let out = sim.run_until(US_PER_S, u64::MAX);
    let first_s = t1.elapsed().as_secs_f64();
    println!(
        "RESULT {build_s} {first_s} {} {}",
        out.events,
        PEAK.load(Ordering::Relaxed)
    );
    ExitCode::SUCCESS
}

fn mb(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1 << 20) as f64)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        return run_case(args.get(i + 1).map(String::as_str).unwrap_or(""));
    }
    if args.iter().any(|a| a == "--list") {
        for (name, limit) in CASES {
            println!("{name:<20} {limit}");
        }
        return ExitCode::SUCCESS;
    }
    let mut timeout_s = 20.0;
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--timeout" {
            timeout_s = it.next().and_then(|t| t.parse().ok()).unwrap_or(timeout_s);
        } else if !a.starts_with('-') {
            only.push(a.clone());
        }
    }
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find this executable to run the cases");
        return ExitCode::from(2);
    };
    println!(
        "Worst cases at the limits of crates/failover-sim/src/limits.rs: build = Simulation::with_seed \
         (validation, analysis, components); 1st s = wall time of the first simulated second; \
         peak = peak heap. Targets: build ≤ {TARGET_BUILD_S} s, peak ≤ {} MB. Timeout {timeout_s} s \
         per case, heap capped at {} MB.\n",
        TARGET_HEAP >> 20,
        HEAP_CAP >> 20
    );
    println!(
        "{:<20} {:<52} {:>9} {:>9} {:>11} {:>9}  verdict",
        "case", "limit", "build s", "1st s", "events", "peak MB"
    );
    let (mut ok, mut over) = (0, 0);
    for &(name, limit) in CASES {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let line = measure(&exe, name, timeout_s);
        let verdict = match &line {
            Measured::Done { build_s, peak, .. }
                if *build_s <= TARGET_BUILD_S && *peak <= TARGET_HEAP =>
            {
                "ok"
            }
            Measured::Invalid(_) => "INVALID",
            _ => "OVER",
        };
        if verdict == "ok" {
            ok += 1;
        } else {
            over += 1;
        }
        let cols = match &line {
            Measured::Done {
                build_s,
                first_s,
                events,
                peak,
            } => format!(
                "{build_s:>9.3} {first_s:>9.3} {events:>11} {:>9}",
                mb(*peak)
            ),
            Measured::Timeout { build } => match build {
                Some((b, p)) => format!("{b:>9.3} {:>9} {:>11} {:>9}", "TIMEOUT", "-", mb(*p)),
                None => format!("{:>9} {:>9} {:>11} {:>9}", "TIMEOUT", "-", "-", "-"),
            },
            Measured::Crashed(why) => format!("{why:>41}"),
            Measured::Invalid(why) => format!("  {why}"),
        };
        println!("{name:<20} {limit:<52} {cols}  {verdict}");
    }
    println!("\n{ok} ok, {over} over the targets (or failing)");
    ExitCode::SUCCESS
}

enum Measured {
    Done {
        build_s: f64,
        first_s: f64,
        events: u64,
        peak: usize,
    },
    /// Timed out; the build's (time, peak heap) if it finished.
    Timeout {
        build: Option<(f64, usize)>,
    },
    Crashed(String),
    Invalid(String),
}

fn measure(exe: &std::path::Path, name: &str, timeout_s: f64) -> Measured {
    let child = Command::new(exe)
        .args(["--case", name])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Measured::Crashed(format!("spawn: {e}")),
    };
    // Read stdout on a thread so a hanging child's partial output (its BUILD line) is kept.
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        if let Some(mut s) = stdout {
            use std::io::Read as _;
            let _ = s.read_to_string(&mut out);
        }
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed().as_secs_f64() > timeout_s => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let out = reader.join().unwrap_or_default();
    let field = |line: &str, i: usize| {
        line.split_whitespace()
            .nth(i)
            .and_then(|x| x.parse::<f64>().ok())
    };
    if let Some(r) = out.lines().find(|l| l.starts_with("RESULT ")) {
        return Measured::Done {
            build_s: field(r, 1).unwrap_or(f64::NAN),
            first_s: field(r, 2).unwrap_or(f64::NAN),
            events: field(r, 3).unwrap_or(0.0) as u64,
            peak: field(r, 4).unwrap_or(0.0) as usize,
        };
    }
    if let Some(r) = out.lines().find(|l| l.starts_with("INVALID")) {
        return Measured::Invalid(r.to_string());
    }
    let build = out.lines().find(|l| l.starts_with("BUILD ")).map(|b| {
        (
            field(b, 1).unwrap_or(f64::NAN),
            field(b, 2).unwrap_or(0.0) as usize,
        )
    });
    match status {
        None => Measured::Timeout { build },
        Some(s) => {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read as _;
                let _ = e.read_to_string(&mut err);
            }
            let oom = err.contains("memory allocation");
            Measured::Crashed(if oom {
                format!("OOM (> {} MB heap)", HEAP_CAP >> 20)
            } else {
                format!("exit {s}")
            })
        }
    }
}
