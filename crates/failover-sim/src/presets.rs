//! Built-in scenarios, each with the paragraph the UI shows and the seed document it comes
//! from. They are ordinary `Scenario` values: anything a preset does, a file can do.
use super::overload_presets as overload;
use super::scenario::*;

mod autoscaling;
mod recovery;

pub struct Preset {
    /// The id share links and the CLI use: never renamed.
    pub name: &'static str,
    /// What the scenario teaches, in a student's words.
    pub title: &'static str,
    /// Which article (seed document) or reference the architecture comes from.
    pub source: &'static str,
    pub explanation: &'static str,
    /// The part of the course the scenario belongs to (the scenario list groups by it).
    pub group: PresetGroup,
    build: fn() -> Scenario,
}

/// The parts of the course, in teaching order: the articles' argument runs from a single
/// point of failure and redundancy behind a balancer, through failure domains, to the data
/// store, DNS between regions and what each choice costs; vendor quirks come last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresetGroup {
    Basics,
    ZonesAndRegions,
    Databases,
    Dns,
    Cost,
    VendorDetail,
    /// Gray failures, coming back gently, rollouts and shared dependencies (`recovery.rs`).
    Recovery,
    /// Load as a cause of failure: capacity, shared checks, retries (issue 13).
    Overload,
}

impl PresetGroup {
    /// Every group in teaching order.
    pub const ALL: [PresetGroup; 8] = [
        PresetGroup::Basics,
        PresetGroup::ZonesAndRegions,
        PresetGroup::Databases,
        PresetGroup::Dns,
        PresetGroup::Cost,
        PresetGroup::VendorDetail,
        PresetGroup::Recovery,
        PresetGroup::Overload,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PresetGroup::Basics => "Basics",
            PresetGroup::ZonesAndRegions => "Zones and regions",
            PresetGroup::Databases => "Databases",
            PresetGroup::Dns => "DNS",
            PresetGroup::Cost => "Cost",
            PresetGroup::VendorDetail => "Vendor detail",
            PresetGroup::Recovery => "Gray failures and recovery",
            PresetGroup::Overload => "Overload and retries",
        }
    }
}

impl Preset {
    pub fn scenario(&self) -> Scenario {
        let mut s = (self.build)();
        s.name = self.name.to_string();
        s.description = self.explanation.to_string();
        s
    }
}

/// Every preset in teaching order (grouped: a group's presets are consecutive).
pub fn all() -> &'static [Preset] {
    PRESETS
}

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The preset the app opens with.
pub const DEFAULT: &str = "redundant-behind-lb";

static PRESETS: &[Preset] = &[
    Preset {
        name: "single-server",
        title: "One server: the single point of failure",
        source: "article 003 “Avoiding a Single Point of Failure”",
        explanation: "The website flow of article 003: clients → one server → its data store. There is nothing to fail over to: when the server crashes at 20 s every request fails (connection refused) until it is healed at 35 s and has booted. Availability is exactly the server's availability. Compare with redundant-behind-lb.",
        group: PresetGroup::Basics,
        build: single_server,
    },
    Preset {
        name: "website-flow",
        title: "Healthy servers, dead data store: every request fails",
        source: "article 003 “Avoiding a Single Point of Failure”",
        explanation: "The website flow of article 003: a client asks a server for a page and the server fetches it from a data store. Every request needs both. At 20 s the data store's disk fails: the server is healthy and its health checks would pass, yet every request now fails with a 500 until the store is back at 35 s. The database is the single point of failure everyone forgets.",
        group: PresetGroup::Basics,
        build: website_flow,
    },
    Preset {
        name: "redundant-behind-lb",
        title: "Redundant instances behind a load balancer",
        source: "article 000 “Redundancy and Failover”",
        explanation: "Three instances behind one HAProxy-style load balancer that health-checks them every 2 s (rise 2, fall 3). At 20 s app-2 crashes: the balancer keeps sending it traffic until three checks have failed (4–6 s), but with option redispatch HAProxy sends every refused connection straight on to a healthy instance, so clients see answers a millisecond slower, not errors (only requests app-2 was serving when it died are lost). Healed at 40 s, app-2 boots and rejoins after two passing checks. Redundancy plus health checks plus retries is what \"zero downtime\" is made of.",
        group: PresetGroup::Basics,
        build: redundant_behind_lb,
    },
    Preset {
        name: "lb-spof",
        title: "The load balancer is the new single point of failure",
        source: "article 004 “Single Point of Failure”",
        explanation: "Three healthy instances, one load balancer. When the balancer itself fails at 20 s every request fails, however many instances stand behind it, until it is healed at 30 s. Ask of every component: if this fails, does everything fail?",
        group: PresetGroup::Basics,
        build: lb_spof,
    },
    Preset {
        name: "no-retries",
        title: "Redundancy without retries",
        source: "article 000 “Redundancy and Failover”",
        explanation: "The same three instances and health checks, but the balancer never retries (retries 0). Between the crash of app-2 at 20 s and the moment the third check fails, about a third of the requests land on the dead process and fail with connection refused. Redundancy alone does not give zero downtime: the detection window still costs requests.",
        group: PresetGroup::Basics,
        build: no_retries,
    },
    Preset {
        name: "with-retries",
        title: "Retries with redispatch: a crash that costs nothing",
        source: "article 000 “Redundancy and Failover”",
        explanation: "One retry, redispatched at once to another server, and retry-on conn-failure + empty-response (HAProxy). When app-2 crashes at 20 s, connections it refuses and requests it was serving are re-sent to a healthy instance: not a single request fails, before or after the balancer marks it down.",
        group: PresetGroup::Basics,
        build: with_retries,
    },
    Preset {
        name: "unreachable-host",
        title: "A dead host costs more than a dead process",
        source: "documented defaults of real systems",
        explanation: "At 20 s app-2's host stops answering (power or network loss) instead of refusing. Every check now waits for its 2 s timeout, and the next one starts 2 s after that, so three failed checks take 10–12 s instead of 4–6 s. Every connection to app-2 waits for timeout connect (2 s) before it is redispatched to another instance: until app-2 is marked down, a third of the clients wait 2 s for their answer. Compare with the crash in redundant-behind-lb.",
        group: PresetGroup::Basics,
        build: unreachable_host,
    },
    Preset {
        name: "gray-failure",
        title: "Gray failure: healthy to the checks, failing for users",
        source: "documented defaults of real systems",
        explanation: "At 20 s app-3 starts answering 30 % of requests with 500 and 150 ms slower, but its health-check endpoint still answers. Nothing is marked down: the failure leaks to users until an operator heals it at 50 s. Active checks only see what they test.",
        group: PresetGroup::Basics,
        build: gray_failure,
    },
    Preset {
        name: "one-zone",
        title: "Two servers, one availability zone",
        source: "article 004 “Single Point of Failure”",
        explanation: "Two instances behind a load balancer: redundant on paper. But both run in zone eu-west-a, and at 20 s the zone loses power. Both go silent at once, the balancer marks both down, and nothing is served until the zone returns at 50 s. Instances in one zone are not redundant against a zone outage: the zone is the single point of failure (see the SPOF markers). Compare with two-zones.",
        group: PresetGroup::ZonesAndRegions,
        build: one_zone,
    },
    Preset {
        name: "two-zones",
        title: "The same servers spread over two zones",
        source: "article 004 “Single Point of Failure”",
        explanation: "The same two instances, now one in eu-west-a and one in eu-west-b. When eu-west-a fails at 20 s, app-1 goes silent: each check waits 2 s for its timeout and the next starts 2 s later, so the balancer marks it down 10–12 s later. Meanwhile every connection to app-1 waits for timeout connect (1 s) and is then redispatched to app-2. Cross-zone hops cost a millisecond; a zone outage costs ten seconds of one-second answers (and the few requests inside the zone) instead of half a minute of downtime.",
        group: PresetGroup::ZonesAndRegions,
        build: two_zones,
    },
    Preset {
        name: "single-az",
        title: "One of everything in one zone: where are the single points of failure?",
        source: "article 004 “Single Point of Failure”",
        explanation: "API gateway → one load balancer → two servers in availability zone eu-west-a → one database. Ask of every component: if it fails, does everything fail? The SPOF markers answer: the gateway, the load balancer, the database and the zone itself. The two servers are redundant only against each other. At 20 s the database's disk fails: healthy servers answer every request with 500 until it is back at 35 s. At 50 s the zone loses power: everything goes silent at once until 70 s. Compare with multi-az and multi-region-dns-failover.",
        group: PresetGroup::ZonesAndRegions,
        build: single_az,
    },
    Preset {
        name: "multi-az",
        title: "Everything doubled across three zones of one region",
        source: "articles 004 and 003",
        explanation: "Route 53 failover routing between two API gateways (eu-west-a primary, eu-west-b secondary; checks every 10 s, threshold 3, TTL 30 s), a load balancer in each of those zones, three servers over three zones, and an RDS Multi-AZ-like database: primary in eu-west-a, synchronous standby in eu-west-b, failover in 60–120 s. At 20 s zone eu-west-a loses power, taking a gateway, a balancer, a server and the primary database with it. Watch DNS move clients to gw-b as their cached answers expire and the balancers drop app-1 — yet nothing succeeds until the standby is promoted about 70 s later, because every request needs the database: its failover time, not the servers', sets the downtime (no acknowledged write is lost: synchronous). Only the region is still a single point of failure.",
        group: PresetGroup::ZonesAndRegions,
        build: multi_az,
    },
    Preset {
        name: "db-async-vs-sync",
        title: "Database failover with asynchronous replication",
        source: "article 004 “Single Point of Failure”",
        explanation: "A primary database in eu-west-a with a standby in another region (us-east-a, 35 ms away), replicated asynchronously; half the requests write. At 20 s the primary crashes. The standby takes over once the primary's lock expires: up to 30 s after its last renewal (Patroni ttl), noticed within 10 s (loop_wait); it is promoted 5 s later, and instances reconnect on their next error. Writes the primary had already confirmed but not yet copied to the standby are lost: the lost-writes counter (RPO) shows them. Switch `replication` to `sync` (preset db-sync) and nothing acknowledged is lost, at the price of a 70 ms round trip to the standby on every write.",
        group: PresetGroup::Databases,
        build: db_async,
    },
    Preset {
        name: "db-sync",
        title: "Database failover with synchronous replication",
        source: "article 004 “Single Point of Failure”",
        explanation: "The same cluster as db-async-vs-sync, replicated synchronously: the primary acknowledges a write only once the standby in us-east has it. When the primary crashes at 20 s, the promoted standby has every acknowledged write (RPO 0); every write paid an extra cross-region round trip (70 ms) for that.",
        group: PresetGroup::Databases,
        build: db_sync,
    },
    Preset {
        name: "split-brain",
        title: "Split brain: failover without fencing",
        source: "documented defaults of real systems",
        explanation: "The network between eu-west-a (primary database, app-1) and the us-east region (standby) is cut at 20 s. The standby's side holds the consensus store, so the leader lock expires and the standby is promoted. With no fencing, the old primary never demotes itself: app-1, in its zone, can still reach it and keeps writing there while app-2 writes to the new primary. Two primaries accept writes — conflicting writes pile up until the partition is repaired at 90 s. Turn `fencing` on and the old primary goes read-only when its lock expires.",
        group: PresetGroup::Databases,
        build: split_brain,
    },
    Preset {
        name: "dns-region-failover",
        title: "DNS failover to a second region",
        source: "articles 004 and 003",
        explanation: "Clients resolve api.example.com through Route 53-style failover routing: primary eu-west, secondary us-east, health-checked every 30 s with FailureThreshold 3, TTL 60 s. At 30 s the whole eu-west region goes dark. Route 53 needs 3 failed checks (60–90 s, plus its 4 s connection timeout) to fail over, and clients keep using their cached answer until its TTL runs out: watch the stale-answer counter. After that, everything is served from us-east, 35 ms further away.",
        group: PresetGroup::Dns,
        build: dns_region_failover,
    },
    Preset {
        name: "multi-region-dns-failover",
        title: "Two regions behind DNS: no single point of failure left",
        source: "article 004 “Single Point of Failure”",
        explanation: "The whole path of article 004's improved design: clients in both regions (60 % in eu-west, 40 % in us-east) → Route 53 (health-checked failover routing, TTL 60 s) → API gateways in two data centers (eu-west, us-east) → two load balancers per region in different zones → servers across zones → a primary database in eu-west-a with an asynchronous standby in another region. At 30 s the whole eu-west region goes dark. Route 53 (fast 10 s checks) needs 3 failed checks (20–34 s) to answer gw-us; clients keep their cached answer up to the TTL (the stale-answer counter); the database lock expires (Patroni) and the us-east standby takes over, losing the writes it had not received yet (RPO). No single node, zone or region stops reads: the SPOF list is empty. Healed at 240 s.",
        group: PresetGroup::Dns,
        build: multi_region_dns_failover,
    },
    Preset {
        name: "personal-blog",
        title: "A personal blog: no redundancy, and that is fine",
        source: "article 004 “Single Point of Failure”",
        explanation: "One small server. It fails about once a month (MTBF 30 days) and takes two hours to fix, so it is down about 0.3 % of the time — two hours a month. A minute of a blog's downtime costs almost nothing (set here at $0.01), so the expected downtime cost is about $1 a month, far less than a second server, a load balancer and a second zone would cost. Redundancy is a business decision: see the cost panel.",
        group: PresetGroup::Cost,
        build: personal_blog,
    },
    Preset {
        name: "bank",
        title: "A bank: full redundancy, and what it costs",
        source: "article 004 “Single Point of Failure”",
        explanation: "Two regions behind DNS failover, a load balancer and two instances per region spread over two zones, every component with realistic failure rates. Downtime costs $20,000 a minute. The infrastructure costs several times the blog's, but the analytic availability gains several nines and the expected downtime cost falls by orders of magnitude: for a bank, redundancy pays for itself many times over.",
        group: PresetGroup::Cost,
        build: bank,
    },
    Preset {
        name: "alb-defaults",
        title: "AWS ALB defaults: slow detection",
        source: "documented defaults of real systems",
        explanation: "An ALB-like balancer with its default health check: every 30 s, unhealthy after 2 failures, healthy after 5 successes, fail-open when every target is unhealthy, no retries. A target that crashes at 20 s keeps receiving a third of the traffic for 30–60 s; healed at 90 s, it waits another 2–2.5 minutes before it rejoins. Defaults are not free: tune the interval.",
        group: PresetGroup::VendorDetail,
        build: alb_defaults,
    },
    Preset {
        name: "nginx-passive",
        title: "Passive health checks only (NGINX)",
        source: "documented defaults of real systems",
        explanation: "Open-source NGINX has no active checks: a failed request counts against the server (max_fails 1) and takes it out for fail_timeout (10 s, on NGINX's one-second clock: 10–11 s), after which one real request probes it again. That request is not lost: proxy_next_upstream error timeout (NGINX's default) passes a refused or cut-off request on to the next server at once, so clients see no errors. Detection is instant, paid for with one extra hop per probe of the dead server.",
        group: PresetGroup::VendorDetail,
        build: nginx_passive,
    },
    recovery::OUTLIER_DETECTION,
    recovery::SLOW_START,
    recovery::THUNDERING_HERD,
    recovery::BAD_CONFIG_PUSH,
    recovery::CANARY_ROLLOUT,
    recovery::SHARED_DEPENDENCY,
    Preset {
        name: "cascading-failure",
        title: "Cascading failure: redundancy without spare capacity",
        source: "Google SRE book, \"Addressing Cascading Failures\"",
        explanation: overload::CASCADING_FAILURE,
        group: PresetGroup::Overload,
        build: overload::cascading_failure,
    },
    Preset {
        name: "n-plus-one",
        title: "N+1: the same crash with one spare server",
        source: "Google SRE book, \"Addressing Cascading Failures\"",
        explanation: overload::N_PLUS_ONE,
        group: PresetGroup::Overload,
        build: overload::n_plus_one,
    },
    Preset {
        name: "retry-storm",
        title: "Retry storm: every layer retries",
        source: "AWS Builders' Library, \"Timeouts, retries and backoff with jitter\"",
        explanation: overload::RETRY_STORM,
        group: PresetGroup::Overload,
        build: overload::retry_storm,
    },
    Preset {
        name: "retry-budget",
        title: "Retry budget: the same storm, contained",
        source: "Envoy retry budgets; AWS SDK retry quota; Google SRE book",
        explanation: overload::RETRY_BUDGET,
        group: PresetGroup::Overload,
        build: overload::retry_budget,
    },
    autoscaling::TRAFFIC_SPIKE,
    autoscaling::AUTOSCALING_HEADROOM,
    Preset {
        name: "maxconn-queue",
        title: "HAProxy maxconn: a spike waits at the balancer, not at the servers",
        source: "HAProxy configuration manual (maxconn, maxqueue, timeout queue)",
        explanation: overload::MAXCONN_QUEUE,
        group: PresetGroup::Overload,
        build: overload::maxconn_queue,
    },
];

pub(crate) fn instance(name: &str) -> Instance {
    Instance {
        name: name.into(),
        workers: 8,
        queue_capacity: 256,
        accept_backlog: 0,
        load_shedding: false,
        deadline_propagation: false,
        service_time: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms: 20.0,
            sigma: 0.5,
        },
        startup_ms: 3_000,
        restart_after_ms: None,
        zone: None,
        failures: None,
        cold_start: None,
    }
}

fn target(name: &str) -> Target {
    Target {
        instance: name.into(),
        weight: 1,
        backup: false,
    }
}

pub(crate) fn haproxy_lb(targets: &[&str]) -> Balancer {
    Balancer {
        name: "lb-1".into(),
        algorithm: Algorithm::RoundRobin,
        targets: targets.iter().map(|t| target(t)).collect(),
        retries: 3,
        redispatch: true,
        retry_on: vec![RetryOn::ConnFailure],
        timeout_connect_ms: 5_000,
        timeout_server_ms: 30_000,
        when_all_down: WhenAllDown::Reject,
        health_check: Some(HealthCheck {
            preset: Some(CheckPreset::Haproxy),
            ..HealthCheck::default()
        }),
        passive: None,
        next_upstream: vec![NextUpstream::Error, NextUpstream::Timeout],
        next_upstream_tries: 0,
        zone: None,
        cross_zone: true,
        failures: None,
        outlier_detection: None,
        observe: None,
        panic_threshold_percent: None,
        slow_start: None,
        deregistration_delay_ms: crate::scenario::default_deregistration_delay_ms(),
        rollout: None,
        maxconn: None,
        timeout_queue_ms: None,
        maxqueue: 0,
        retry_budget: None,
        circuit_breaker: None,
        autoscaling: None,
    }
}

pub(crate) fn traffic(rate_rps: f64) -> Traffic {
    Traffic {
        rate_rps,
        clients: 1_000,
        timeout_ms: 5_000,
        path: "/checkout".into(),
        profile: Vec::new(),
        region: None,
        populations: Vec::new(),
        write_fraction: 0.0,
        client_retry: None,
    }
}

/// Clients → one balancer (`lb-1`, the entry) → its instances, seed 1, 0.5 ms hops, no
/// gateway, DNS or database: the shape most lessons start from.
pub(crate) fn behind_one_balancer(
    traffic: Traffic,
    lb: Balancer,
    instances: Vec<Instance>,
    duration_s: u64,
    faults: Vec<Fault>,
) -> Scenario {
    Scenario {
        name: String::new(),
        description: String::new(),
        seed: 1,
        duration_s,
        traffic,
        network: Network {
            latency_ms: 0.5,
            ..Network::default()
        },
        entry: "lb-1".into(),
        balancers: vec![lb],
        instances,
        regions: Vec::new(),
        gateways: Vec::new(),
        dns: None,
        database: None,
        costs: Costs::default(),
        faults,
    }
}

fn three_behind_lb(faults: Vec<Fault>) -> Scenario {
    behind_one_balancer(
        traffic(200.0),
        haproxy_lb(&["app-1", "app-2", "app-3"]),
        vec![instance("app-1"), instance("app-2"), instance("app-3")],
        60,
        faults,
    )
}

fn crash_and_heal(node: &str, crash_ms: u64, heal_ms: u64) -> Vec<Fault> {
    vec![
        Fault::new(crash_ms, FaultAction::Crash, node),
        Fault::new(heal_ms, FaultAction::Heal, node),
    ]
}

fn redundant_behind_lb() -> Scenario {
    three_behind_lb(crash_and_heal("app-2", 20_000, 40_000))
}

fn single_server() -> Scenario {
    Scenario {
        name: String::new(),
        description: String::new(),
        seed: 1,
        duration_s: 60,
        traffic: Traffic {
            path: "/index.html".into(),
            ..traffic(100.0)
        },
        network: Network {
            latency_ms: 0.5,
            ..Network::default()
        },
        entry: "server".into(),
        balancers: Vec::new(),
        // The data store's query time is part of the server's service time here; the
        // database as its own node (and its standby) is the multi-zone model's subject.
        instances: vec![Instance {
            workers: 16,
            ..instance("server")
        }],
        regions: Vec::new(),
        gateways: Vec::new(),
        dns: None,
        database: None,
        costs: Costs::default(),
        faults: crash_and_heal("server", 20_000, 35_000),
    }
}

fn no_retries() -> Scenario {
    let mut s = redundant_behind_lb();
    s.balancers[0].retries = 0;
    s.balancers[0].redispatch = false;
    s
}

fn with_retries() -> Scenario {
    let mut s = redundant_behind_lb();
    s.balancers[0].retries = 1;
    s.balancers[0].redispatch = true;
    s.balancers[0].retry_on = vec![RetryOn::ConnFailure, RetryOn::EmptyResponse];
    s
}

fn unreachable_host() -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(20_000, FaultAction::Unreachable, "app-2"),
        Fault::new(40_000, FaultAction::Heal, "app-2"),
    ]);
    s.balancers[0].timeout_connect_ms = 2_000;
    s
}

fn alb_defaults() -> Scenario {
    // Healed at 90 s: ALB needs up to 60 s to even notice, and 150 s more to trust it again.
    let mut s = three_behind_lb(crash_and_heal("app-2", 20_000, 90_000));
    s.duration_s = 300;
    let b = &mut s.balancers[0];
    b.name = "alb".into();
    b.retries = 0;
    b.redispatch = false;
    b.when_all_down = WhenAllDown::FailOpen;
    b.timeout_server_ms = 60_000;
    b.health_check = Some(HealthCheck {
        preset: Some(CheckPreset::AwsAlb),
        start_healthy: Some(true),
        ..HealthCheck::default()
    });
    s.entry = "alb".into();
    s
}

fn nginx_passive() -> Scenario {
    let mut s = three_behind_lb(crash_and_heal("app-2", 20_000, 40_000));
    let b = &mut s.balancers[0];
    b.health_check = None;
    // An NGINX upstream: passive health decides, and NGINX's default proxy_next_upstream
    // (`error timeout`, unlimited tries) retries instead of HAProxy's `retries`.
    b.passive = Some(PassiveHealth {
        max_fails: 1,
        fail_timeout_ms: 10_000,
    });
    b.retries = 0;
    b.redispatch = false;
    s
}

fn gray_failure() -> Scenario {
    let mut gray = Fault::new(20_000, FaultAction::Gray, "app-3");
    gray.error_rate = Some(0.3);
    gray.extra_latency_ms = Some(150.0);
    three_behind_lb(vec![gray, Fault::new(50_000, FaultAction::Heal, "app-3")])
}

fn region(name: &str, zones: &[&str]) -> Region {
    Region {
        name: name.into(),
        zones: zones
            .iter()
            .map(|z| Zone {
                name: (*z).into(),
                failures: None,
            })
            .collect(),
        failures: None,
    }
}

fn in_zone(name: &str, zone: &str) -> Instance {
    Instance {
        zone: Some(zone.into()),
        ..instance(name)
    }
}

fn zoned_lb(name: &str, zone: &str, targets: &[&str]) -> Balancer {
    let mut lb = haproxy_lb(targets);
    lb.name = name.into();
    lb.zone = Some(zone.into());
    lb.retries = 1;
    lb.timeout_connect_ms = 1_000;
    lb
}

fn zone_demo(second_zone: &str) -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(20_000, FaultAction::Fail, "eu-west-a"),
        Fault::new(50_000, FaultAction::Heal, "eu-west-a"),
    ]);
    s.regions = vec![region("eu-west", &["eu-west-a", "eu-west-b", "eu-west-c"])];
    s.traffic.region = Some("eu-west".into());
    s.balancers = vec![zoned_lb("lb-1", "eu-west-c", &["app-1", "app-2"])];
    s.instances = vec![in_zone("app-1", "eu-west-a"), in_zone("app-2", second_zone)];
    s.traffic.rate_rps = 150.0;
    s
}

fn one_zone() -> Scenario {
    zone_demo("eu-west-a")
}

fn two_zones() -> Scenario {
    zone_demo("eu-west-b")
}

fn dns_region_failover() -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(30_000, FaultAction::Fail, "eu-west"),
        Fault::new(240_000, FaultAction::Heal, "eu-west"),
    ]);
    s.duration_s = 300;
    s.regions = vec![
        region("eu-west", &["eu-west-a", "eu-west-b"]),
        region("us-east", &["us-east-a", "us-east-b"]),
    ];
    s.traffic.region = Some("eu-west".into());
    s.traffic.clients = 2_000;
    s.balancers = vec![
        zoned_lb("lb-eu", "eu-west-a", &["eu-1", "eu-2"]),
        zoned_lb("lb-us", "us-east-a", &["us-1", "us-2"]),
    ];
    s.instances = vec![
        in_zone("eu-1", "eu-west-a"),
        in_zone("eu-2", "eu-west-b"),
        in_zone("us-1", "us-east-a"),
        in_zone("us-2", "us-east-b"),
    ];
    s.dns = Some(Dns {
        name: "api.example.com".into(),
        ttl_s: 60,
        resolve_ms: 20.0,
        health_check: DnsHealthCheck {
            request_interval_s: 30,
            failure_threshold: 3,
        },
        records: vec![
            DnsRecord {
                target: "lb-eu".into(),
                role: RecordRole::Primary,
                health_checked: true,
            },
            DnsRecord {
                target: "lb-us".into(),
                role: RecordRole::Secondary,
                health_checked: true,
            },
        ],
        failures: None,
    });
    s.entry = "api.example.com".into();
    s
}

fn personal_blog() -> Scenario {
    let mut s = single_server();
    s.faults.clear();
    s.duration_s = 30 * 86_400 / 30; // one simulated day
    s.traffic.rate_rps = 5.0;
    s.instances[0].name = "blog".into();
    s.instances[0].workers = 4;
    s.instances[0].failures = Some(Reliability {
        mtbf_s: 30.0 * 86_400.0,
        mttr_s: 2.0 * 3_600.0,
    });
    s.entry = "blog".into();
    s.costs.downtime_per_minute = 0.01;
    s
}

fn bank() -> Scenario {
    let mut s = dns_region_failover();
    s.faults.clear();
    s.duration_s = 86_400;
    s.traffic.rate_rps = 50.0;
    let server = Reliability {
        mtbf_s: 30.0 * 86_400.0,
        mttr_s: 2.0 * 3_600.0,
    };
    for i in s.instances.iter_mut() {
        i.failures = Some(server.clone());
    }
    for b in s.balancers.iter_mut() {
        b.failures = Some(Reliability {
            mtbf_s: 180.0 * 86_400.0,
            mttr_s: 1_800.0,
        });
    }
    for r in s.regions.iter_mut() {
        r.failures = Some(Reliability {
            mtbf_s: 365.0 * 86_400.0,
            mttr_s: 4.0 * 3_600.0,
        });
        for z in r.zones.iter_mut() {
            z.failures = Some(Reliability {
                mtbf_s: 90.0 * 86_400.0,
                mttr_s: 3_600.0,
            });
        }
    }
    s.costs.downtime_per_minute = 20_000.0;
    s
}

fn database(name: &str, zone: Option<&str>, standby: Option<(&str, &str)>) -> Database {
    Database {
        name: name.into(),
        zone: zone.map(String::from),
        standby: standby.map(|(n, z)| Standby {
            name: n.into(),
            zone: Some(z.into()),
            failures: None,
        }),
        replication: Replication::Async,
        strict_sync: false,
        query_ms: 2.0,
        apply_ms: 0.5,
        query_timeout_ms: 3_000,
        read_from_standby: false,
        failover: DbFailover::default(),
        fencing: true,
        failures: None,
    }
}

fn website_flow() -> Scenario {
    let mut s = single_server();
    s.faults = vec![
        Fault::new(20_000, FaultAction::Crash, "data-store"),
        Fault::new(35_000, FaultAction::Heal, "data-store"),
    ];
    s.traffic.write_fraction = 0.1;
    s.database = Some(database("data-store", None, None));
    s
}

fn db_cluster(replication: Replication) -> Scenario {
    let mut s = zone_demo("eu-west-b");
    // The standby lives in another region (seed 004): 35 ms away, so writes in flight at a
    // crash are lost (async) or every write pays 70 ms more (sync).
    s.regions.push(region("us-east", &["us-east-a"]));
    s.duration_s = 120;
    s.faults = vec![
        Fault::new(20_000, FaultAction::Crash, "db-primary"),
        Fault::new(90_000, FaultAction::Heal, "db-primary"),
    ];
    s.network.cross_zone_latency_ms = 2.0;
    s.traffic.write_fraction = 0.3;
    s.traffic.rate_rps = 200.0;
    // Workers wait for the database: after a failover every query crosses the ocean, so
    // instances need the workers to carry 200 requests/s at ~90 ms each.
    for i in s.instances.iter_mut() {
        i.workers = 32;
    }
    let mut db = database(
        "db-primary",
        Some("eu-west-a"),
        Some(("db-standby", "us-east-a")),
    );
    db.replication = replication;
    s.database = Some(db);
    s
}

fn db_async() -> Scenario {
    let mut s = db_cluster(Replication::Async);
    // Half the requests write (100 writes/s): with 35 ms of shipping delay about 3.5 writes
    // are acknowledged but not yet at the standby at any instant, so the crash loses some at
    // the preset's own seed and at nearly every other (at 30 %, seed 1 lost none: a lesson
    // about lost writes that showed 0).
    s.traffic.write_fraction = 0.5;
    s
}

fn db_sync() -> Scenario {
    db_cluster(Replication::Sync)
}

fn split_brain() -> Scenario {
    let mut s = db_cluster(Replication::Async);
    let mut cut = Fault::new(20_000, FaultAction::Partition, "eu-west-a");
    cut.peer = Some("us-east".into());
    let mut mend = Fault::new(90_000, FaultAction::Repair, "eu-west-a");
    mend.peer = Some("us-east".into());
    s.faults = vec![cut, mend];
    if let Some(db) = s.database.as_mut() {
        db.fencing = false;
    }
    s
}

fn lb_spof() -> Scenario {
    three_behind_lb(vec![
        Fault::new(20_000, FaultAction::Fail, "lb-1"),
        Fault::new(30_000, FaultAction::Heal, "lb-1"),
    ])
}

pub(crate) fn gateway(name: &str, zone: &str, balancers: &[&str]) -> Gateway {
    Gateway {
        name: name.into(),
        balancers: balancers.iter().map(|b| (*b).into()).collect(),
        retries: 1,
        timeout_connect_ms: 1_000,
        passive: PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        },
        retry_on_5xx: false,
        retry_budget: None,
        zone: Some(zone.into()),
        failures: None,
    }
}

fn failover_dns(name: &str, primary: &str, secondary: &str, interval_s: u64, ttl_s: u64) -> Dns {
    let record = |target: &str, role| DnsRecord {
        target: target.into(),
        role,
        health_checked: true,
    };
    Dns {
        name: name.into(),
        ttl_s,
        resolve_ms: 20.0,
        health_check: DnsHealthCheck {
            request_interval_s: interval_s,
            failure_threshold: 3,
        },
        records: vec![
            record(primary, RecordRole::Primary),
            record(secondary, RecordRole::Secondary),
        ],
        failures: None,
    }
}

/// Instances that wait on a database need workers for the query round trips.
fn db_backed(name: &str, zone: &str) -> Instance {
    Instance {
        workers: 32,
        ..in_zone(name, zone)
    }
}

fn single_az() -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(20_000, FaultAction::Crash, "db-1"),
        Fault::new(35_000, FaultAction::Heal, "db-1"),
        Fault::new(50_000, FaultAction::Fail, "eu-west-a"),
        Fault::new(70_000, FaultAction::Heal, "eu-west-a"),
    ]);
    s.duration_s = 90;
    s.regions = vec![region("eu-west", &["eu-west-a"])];
    s.traffic.region = Some("eu-west".into());
    s.traffic.rate_rps = 150.0;
    s.traffic.write_fraction = 0.2;
    s.balancers = vec![zoned_lb("lb-1", "eu-west-a", &["app-1", "app-2"])];
    s.instances = vec![
        db_backed("app-1", "eu-west-a"),
        db_backed("app-2", "eu-west-a"),
    ];
    s.gateways = vec![gateway("api-gw", "eu-west-a", &["lb-1"])];
    s.entry = "api-gw".into();
    s.database = Some(database("db-1", Some("eu-west-a"), None));
    s
}

fn multi_az() -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(20_000, FaultAction::Fail, "eu-west-a"),
        Fault::new(150_000, FaultAction::Heal, "eu-west-a"),
    ]);
    s.duration_s = 180;
    s.regions = vec![region("eu-west", &["eu-west-a", "eu-west-b", "eu-west-c"])];
    s.traffic.region = Some("eu-west".into());
    s.traffic.rate_rps = 150.0;
    s.traffic.clients = 2_000;
    s.traffic.write_fraction = 0.2;
    let apps = ["app-1", "app-2", "app-3"];
    s.balancers = vec![
        zoned_lb("lb-a", "eu-west-a", &apps),
        zoned_lb("lb-b", "eu-west-b", &apps),
    ];
    s.instances = vec![
        db_backed("app-1", "eu-west-a"),
        db_backed("app-2", "eu-west-b"),
        db_backed("app-3", "eu-west-c"),
    ];
    s.gateways = vec![
        gateway("gw-a", "eu-west-a", &["lb-a", "lb-b"]),
        gateway("gw-b", "eu-west-b", &["lb-b", "lb-a"]),
    ];
    s.dns = Some(failover_dns("api.example.com", "gw-a", "gw-b", 10, 30));
    s.entry = "api.example.com".into();
    let mut db = database(
        "db-primary",
        Some("eu-west-a"),
        Some(("db-standby", "eu-west-b")),
    );
    // RDS Multi-AZ: a synchronous standby, and 60–120 s from failure to a new primary.
    db.replication = Replication::Sync;
    db.failover.promotion_ms = 45_000;
    s.database = Some(db);
    s
}

fn multi_region_dns_failover() -> Scenario {
    let mut s = three_behind_lb(vec![
        Fault::new(30_000, FaultAction::Fail, "eu-west"),
        Fault::new(240_000, FaultAction::Heal, "eu-west"),
    ]);
    s.duration_s = 300;
    s.regions = vec![
        region("eu-west", &["eu-west-a", "eu-west-b"]),
        region("us-east", &["us-east-a", "us-east-b"]),
    ];
    // Users on both sides of the ocean: each population's latency is its own.
    s.traffic.populations = vec![
        Population {
            region: "eu-west".into(),
            share: 0.6,
        },
        Population {
            region: "us-east".into(),
            share: 0.4,
        },
    ];
    s.traffic.rate_rps = 150.0;
    s.traffic.clients = 2_000;
    s.traffic.write_fraction = 0.2;
    s.balancers = vec![
        zoned_lb("lb-eu-a", "eu-west-a", &["eu-1", "eu-2"]),
        zoned_lb("lb-eu-b", "eu-west-b", &["eu-1", "eu-2"]),
        zoned_lb("lb-us-a", "us-east-a", &["us-1", "us-2"]),
        zoned_lb("lb-us-b", "us-east-b", &["us-1", "us-2"]),
    ];
    s.instances = vec![
        db_backed("eu-1", "eu-west-a"),
        db_backed("eu-2", "eu-west-b"),
        db_backed("us-1", "us-east-a"),
        db_backed("us-2", "us-east-b"),
    ];
    s.gateways = vec![
        gateway("gw-eu", "eu-west-a", &["lb-eu-a", "lb-eu-b"]),
        gateway("gw-us", "us-east-a", &["lb-us-a", "lb-us-b"]),
    ];
    s.dns = Some(failover_dns("api.example.com", "gw-eu", "gw-us", 10, 60));
    s.entry = "api.example.com".into();
    s.database = Some(database(
        "db-primary",
        Some("eu-west-b"),
        Some(("db-standby", "us-east-a")),
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;

    #[test]
    fn every_preset_is_valid_and_named() {
        for p in all() {
            let s = p.scenario();
            assert_eq!(s.name, p.name);
            assert!(validate(&s).is_ok(), "{}: {:?}", p.name, validate(&s));
            assert!(p.explanation.len() > 100);
        }
        assert!(find(DEFAULT).is_some());
    }
}
