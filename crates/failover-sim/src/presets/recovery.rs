//! The recovery and gray-failure presets (issue 13's second half): traffic that ejects a
//! gray failure, coming back gently (slow start against a thundering herd), a bad config
//! everywhere at once against a canary, and a shared dependency under "redundant" servers.
//! Appended at the end of the list; their ids never change.
use super::*;
use crate::outlier_detection::OutlierDetection;
use crate::rollout::{ColdStart, RolloutPolicy};
use crate::slow_start::{SlowStart, SlowStartRamp};

pub(super) const OUTLIER_DETECTION: Preset = Preset {
    name: "outlier-detection",
    title: "A gray failure only traffic can see: outlier detection",
    source: "documented defaults of real systems (Envoy outlier detection)",
    explanation: "At 20 s app-2 starts failing half of its requests with a 500 while its health check keeps passing: a gray failure, invisible to active checks. The balancer has Envoy's outlier detection (consecutive_5xx 5, interval 10 s, base_ejection_time 30 s, max_ejection_percent 10 %, which still allows one host): five failed answers in a row eject app-2 within a second, for 30 s; it is back at the detector's first 10 s tick after that (60 s). It fails again, is ejected again — for 60 s this time (base_ejection_time × the number of ejections), then 90 s. Errors come in short bursts instead of a steady sixth of all requests. The event log tells each ejection and return.",
    group: PresetGroup::Recovery,
    build: outlier_detection,
};

pub(super) const SLOW_START: Preset = Preset {
    name: "slow-start",
    title: "Coming back gently: slow start for a cold instance",
    source: "documented defaults of real systems (HAProxy slowstart)",
    explanation: "app-2 crashes at 20 s and is healed at 25 s. It boots cold: for 20 s each request takes 10× as long (empty caches), so its full third of 300 requests/s would need 2.5 times its 8 workers. With HAProxy's slowstart 60s the balancer gives it a share that grows linearly from almost nothing once it is marked UP (shown as \"slow start\" with its weight %), so it warms up on a trickle and no request waits in its queue. Compare with thundering-herd: the same without slow start.",
    group: PresetGroup::Recovery,
    build: slow_start,
};

pub(super) const THUNDERING_HERD: Preset = Preset {
    name: "thundering-herd",
    title: "A thundering herd: a cold instance gets its full share at once",
    source: "documented defaults of real systems (HAProxy, without slowstart)",
    explanation: "The slow-start scenario without slow start. app-2, back in rotation at about 30 s, gets its full third of 300 requests/s while it is still cold (10× slower for 20 s): it can serve 40 of its 100 requests/s, its queue fills to 256 and overflows (503), and requests that do get in wait seconds — many past the clients' 5 s timeout. Its health check still passes (the check is cheap), so the balancer keeps it in rotation. The recovery causes the outage.",
    group: PresetGroup::Recovery,
    build: thundering_herd,
};

pub(super) const BAD_CONFIG_PUSH: Preset = Preset {
    name: "bad-config-push",
    title: "A bad config pushed everywhere at once: redundancy does not help",
    source: "article 004 “Single Point of Failure”",
    explanation: "Three redundant instances, and at 20 s a broken configuration is pushed to all three at once (push-config on lb-1). Every instance now fails every request and its health check: the balancer marks all three DOWN within 4–6 s and answers 503, no healthy target. Redundant copies of the same broken thing fail together — a common-mode failure, as real as a single server. Someone rolls back by hand at 50 s (heal), and the instances rejoin after two passing checks. Compare with canary-rollout.",
    group: PresetGroup::Recovery,
    build: bad_config_push,
};

pub(super) const CANARY_ROLLOUT: Preset = Preset {
    name: "canary-rollout",
    title: "The same bad config as a canary: one batch, halted",
    source: "documented behaviour of real systems (CodeDeploy / Argo Rollouts canary)",
    explanation: "The same broken configuration, rolled out batch by batch (rollout: batch_size 1, bake_ms 20 s): at 20 s only app-1 gets it, the canary. It fails its health checks and lb-1 marks it DOWN within 4–6 s; the others carry the load. When the bake time is over at 40 s the rollout sees a changed target out of rotation, halts and rolls back: app-2 and app-3 never get the config, and app-1 rejoins. The cost is the canary's failed requests before it was marked down, not an outage.",
    group: PresetGroup::Recovery,
    build: canary_rollout,
};

pub(super) const SHARED_DEPENDENCY: Preset = Preset {
    name: "shared-dependency",
    title: "Three zones, one auth service: the hidden single point of failure",
    source: "article 004 “Single Point of Failure”",
    explanation: "Three instances in three availability zones look fully redundant, but every request first asks one auth service (auth-service, in eu-west-a; modelled as the data store every request calls). At 20 s it crashes: every instance is healthy and passes its health checks, yet every request fails with a 500 until it is back at 40 s. The SPOF markers name auth-service. A dependency every redundant path needs (an auth service, a single DNS provider, a config store) is the single point of failure that redundancy of the servers cannot remove.",
    group: PresetGroup::Recovery,
    build: shared_dependency,
};

fn outlier_detection() -> Scenario {
    let gray = Fault {
        error_rate: Some(0.5),
        ..Fault::new(20_000, FaultAction::Gray, "app-2")
    };
    let mut s = three_behind_lb(vec![gray]);
    s.duration_s = 180;
    s.balancers[0].outlier_detection = Some(OutlierDetection::default());
    s
}

/// app-2 crashes at 20 s and comes back cold; `slow` gives its balancer HAProxy's slowstart.
fn cold_restart(slow: bool) -> Scenario {
    let mut s = three_behind_lb(crash_and_heal("app-2", 20_000, 25_000));
    s.duration_s = 90;
    s.traffic.rate_rps = 300.0;
    for i in &mut s.instances {
        i.cold_start = Some(ColdStart {
            warmup_ms: 20_000,
            service_time_multiplier: 10.0,
        });
    }
    if slow {
        s.balancers[0].slow_start = Some(SlowStart {
            ramp: SlowStartRamp::Haproxy,
            window_ms: 60_000,
            aggression: 1.0,
            min_weight_percent: 10.0,
        });
    }
    s
}

fn slow_start() -> Scenario {
    cold_restart(true)
}

fn thundering_herd() -> Scenario {
    cold_restart(false)
}

fn bad_config_push() -> Scenario {
    let mut faults = vec![Fault::new(20_000, FaultAction::PushConfig, "lb-1")];
    for app in ["app-1", "app-2", "app-3"] {
        faults.push(Fault::new(50_000, FaultAction::Heal, app));
    }
    let mut s = three_behind_lb(faults);
    s.duration_s = 70;
    s
}

fn canary_rollout() -> Scenario {
    let mut s = three_behind_lb(vec![Fault::new(20_000, FaultAction::Canary, "lb-1")]);
    s.duration_s = 70;
    s.balancers[0].rollout = Some(RolloutPolicy {
        batch_size: 1,
        bake_ms: 20_000,
    });
    s
}

fn shared_dependency() -> Scenario {
    let mut s = three_behind_lb(crash_and_heal("auth-service", 20_000, 40_000));
    s.regions = vec![region("eu-west", &["eu-west-a", "eu-west-b", "eu-west-c"])];
    s.traffic.region = Some("eu-west".into());
    s.balancers[0].zone = Some("eu-west-a".into());
    s.instances = vec![
        in_zone("app-1", "eu-west-a"),
        in_zone("app-2", "eu-west-b"),
        in_zone("app-3", "eu-west-c"),
    ];
    s.database = Some(database("auth-service", Some("eu-west-a"), None));
    s
}
