//! The traffic-spike presets (issue 13, "overload from a traffic spike with and without
//! autoscaling headroom"): the same 2× spike on an autoscaling group run hot (target 80 %)
//! and one run with headroom (target 45 %). Appended at the end of the list; their ids
//! never change. The model is in `autoscaler.rs` / `engine/autoscaling.rs`.
use super::*;

pub(super) const TRAFFIC_SPIKE: Preset = Preset {
    name: "traffic-spike",
    title: "A traffic spike on a fleet run hot: autoscaling arrives too late",
    source: "AWS EC2 Auto Scaling target tracking; Google SRE book, \"Handling Overload\"",
    explanation: "An AWS EC2 Auto Scaling group of six servers behind one HAProxy (each 4 workers × 40 ms: 100 requests/s). Three run at start (desired capacity 3, min 3, max 6); app-4 to app-6 are scaled in, shown greyed. Target tracking keeps the average utilisation (busy workers ÷ workers, like ASGAverageCPUUtilization) near 80 %, and 210 requests/s keep the three at 70 %. Health checks wait in the request queue. At 60 s traffic doubles to 420 requests/s for four minutes: 140 % of what three can serve. Queues fill, checks time out after 1 s, busy servers are marked DOWN and the others get even more: about three requests in four fail during the spike. The autoscaler acts only after three one-minute datapoints above 80 % (120, 180 and 240 s), and then asks for just ceil(3 × 85 % / 80 %) = 4, because utilisation cannot show more than 100 %. app-4 boots for 90 s and passes its checks at about 335 s, after the spike is over. Watch the autoscaling line under the diagram and the event log. Availability over the run: 43.8 %. Compare with autoscaling-headroom.",
    group: PresetGroup::Overload,
    build: traffic_spike,
};

pub(super) const AUTOSCALING_HEADROOM: Preset = Preset {
    name: "autoscaling-headroom",
    title: "The same spike with autoscaling headroom: absorbed, then scaled out",
    source: "AWS EC2 Auto Scaling target tracking; Google SRE book, \"Handling Overload\"",
    explanation: "The same servers, spike and autoscaler, run with headroom: target 45 %, five of eight running (min 5), 42 % each. When traffic doubles at 60 s each server carries 84 requests/s, 84 % of its capacity: queues stay short, checks pass, nothing fails. The autoscaler sees about 86 % against its 45 % target at 120, 180 and 240 s and scales out at 240 s: desired capacity = ceil(5 × 86.7 % / 45 %) = 10, clamped to the group's max of 8. app-6 to app-8 boot for 90 s and join at about 335 s, ready for a bigger spike. Spare capacity paid for all the time absorbs the first minutes of a spike; autoscaling only replaces it minutes later. 0 requests fail of about 138,600.",
    group: PresetGroup::Overload,
    build: autoscaling_headroom,
};

/// Normal load (requests/s) and the spike's (2×), from 60 s to 300 s.
const NORMAL_RPS: f64 = 210.0;
const SPIKE_RPS: f64 = 420.0;
const SPIKE_FROM_MS: u64 = 60_000;
const SPIKE_UNTIL_MS: u64 = 300_000;

/// A group of `pool` servers (4 workers × 40 ms: 100 requests/s each) behind one HAProxy
/// whose checks wait in the request queue; `running` of them run at start.
fn spike_group(pool: usize, running: u32, target_percent: f64) -> Scenario {
    let names: Vec<String> = (1..=pool).map(|k| format!("app-{k}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut lb = haproxy_lb(&refs);
    lb.retry_on = vec![RetryOn::ConnFailure, RetryOn::EmptyResponse];
    lb.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::Haproxy),
        timeout_ms: Some(1_000),
        served_by: Some(CheckServedBy::RequestQueue),
        ..HealthCheck::default()
    });
    lb.autoscaling = Some(Autoscaling {
        min_capacity: running,
        desired_capacity: Some(running),
        target_utilisation_percent: target_percent,
        // AWS's one-minute metrics (detailed monitoring), alarms after 3 / 15 datapoints,
        // DefaultInstanceWarmup 300 s: the vendor's defaults, written out.
        metric_period_ms: Some(60_000),
        scale_out_datapoints: Some(3),
        scale_in_datapoints: Some(15),
        instance_warmup_ms: Some(300_000),
        ..Autoscaling::default()
    });
    let instances = names
        .iter()
        .map(|name| Instance {
            workers: 4,
            service_time: ServiceTime {
                distribution: Distribution::Exponential,
                mean_ms: 40.0,
                sigma: 0.5,
            },
            // An EC2 instance boots and its application starts: 90 s before it listens.
            startup_ms: 90_000,
            ..instance(name)
        })
        .collect();
    let mut t = traffic(NORMAL_RPS);
    t.timeout_ms = 2_000;
    t.profile = vec![
        RateStep {
            at_ms: SPIKE_FROM_MS,
            rate_rps: SPIKE_RPS,
        },
        RateStep {
            at_ms: SPIKE_UNTIL_MS,
            rate_rps: NORMAL_RPS,
        },
    ];
    behind_one_balancer(t, lb, instances, 420, Vec::new())
}

/// Three of six running at 70 %, target 80 %.
fn traffic_spike() -> Scenario {
    spike_group(6, 3, 80.0)
}

/// Five of eight running at 42 %, target 45 %.
fn autoscaling_headroom() -> Scenario {
    spike_group(8, 5, 45.0)
}
