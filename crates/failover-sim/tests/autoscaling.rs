mod common;
use common::*;
use failover_sim::time::US_PER_S;

#[test]
fn measure() {
    for name in ["traffic-spike", "autoscaling-headroom"] {
        let s = preset(name);
        let mut sim = failover_sim::Simulation::with_seed(&s, 1).unwrap();
        let (mut ok0, mut f0) = (0u64, 0u64);
        for t in (10..=420).step_by(10) {
            sim.run_until(t * US_PER_S, u64::MAX);
            let m = sim.metrics();
            let (ok, f) = (m.succeeded, m.failed_total());
            let snap = sim.snapshot();
            let a = &snap.autoscalers[0];
            println!("{name} t={t} ok={} failed={} run={} des={} insvc={} metric={:?}", ok - ok0, f - f0, a.running, a.desired, a.in_service, a.last_metric_percent.map(|m| m.round()));
            ok0 = ok; f0 = f;
        }
        let m = sim.metrics();
        println!("{name} TOTAL ok={} failed={} avail={:.4}", m.succeeded, m.failed_total(), m.succeeded as f64 / (m.succeeded + m.failed_total()) as f64);
        for l in sim.snapshot().log.iter().filter(|l| l.text.contains("autoscal")) { println!("  {} {}", l.at_us / 1000, l.text); }
    }
}
