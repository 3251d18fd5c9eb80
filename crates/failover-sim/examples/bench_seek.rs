//! Seek benchmark: a 10-minute run at 1,000 requests/s (redundant-behind-lb with its rate
//! raised), played in 16 ms frames at 60× with checkpoints as the app takes them, then seeks
//! to many times. Prints the figures (run with `cargo run -p failover-sim --release
//! --example bench_seek`); the browser figure comes from `tests/e2e/bench_seek.mjs`.
use std::time::Instant;

use failover_sim::checkpoints::Checkpoints;
use failover_sim::time::US_PER_S;
use failover_sim::{presets, Simulation};

fn main() {
    let mut s = presets::find("redundant-behind-lb")
        .expect("preset exists")
        .scenario();
    s.traffic.rate_rps = 1_000.0;
    let mut sim = Simulation::with_seed(&s, 1).expect("valid");
    let t0 = Instant::now();
    let mut store = Checkpoints::new(&sim);
    let end = 600 * US_PER_S;
    let mut record_ms = 0.0;
    while sim.now_us() < end {
        let target = (sim.now_us() + 960_000).min(end);
        sim.run_until(target, u64::MAX);
        let r = Instant::now();
        store.record(&sim);
        record_ms += r.elapsed().as_secs_f64() * 1e3;
    }
    let run_ms = t0.elapsed().as_secs_f64() * 1e3;
    println!(
        "run: 600 s simulated, {} events in {run_ms:.0} ms; {} copies, interval {} s, copying {record_ms:.1} ms in all",
        sim.events_processed(),
        store.len(),
        store.interval_us() / US_PER_S
    );
    let commands = sim.user_commands().to_vec();
    let mut worst = 0.0f64;
    let mut total = 0.0;
    let n = 60;
    for i in 0..n {
        // Spread over the run, never on a copy's time.
        let t = (i * 9_973_331 + 1_234_567) % end;
        let t1 = Instant::now();
        let seeked = store.seek(t, &commands).expect("a copy fits");
        let ms = t1.elapsed().as_secs_f64() * 1e3;
        assert_eq!(seeked.now_us(), t);
        worst = worst.max(ms);
        total += ms;
    }
    println!(
        "seek: {n} seeks, mean {:.1} ms, worst {worst:.1} ms (target ≤ 200 ms in the browser)",
        total / n as f64
    );
}
