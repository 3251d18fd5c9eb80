//! The scenario file format (serde JSON, `deny_unknown_fields`).
//!
//! Units are in field names (`interval_ms`, `rate_rps`). Parameter names follow the real
//! systems they model (HAProxy `inter`/`fastinter`/`downinter`/`rise`/`fall`, `retries`,
//! `option redispatch`, ALB fail-open, NGINX `max_fails`/`fail_timeout`) so that what a
//! learner tunes here is what they would tune in production. `validate.rs` checks every
//! field and its limits before a `Simulation` is built from it.
pub use super::autoscaling_spec::{Autoscaling, AutoscalingVendor};
pub use super::outlier_detection::{Observe, OnError, OutlierDetection};
pub(crate) use super::overload_spec::is_false;
pub use super::overload_spec::{CheckServedBy, CircuitBreaker, ClientRetry, Jitter, RetryBudget};
pub use super::rollout::{ColdStart, RolloutPolicy};
pub use super::slow_start::{SlowStart, SlowStartRamp};
use serde::{Deserialize, Serialize};
// The format's sections that have files of their own, re-exported: every path stays
// `scenario::X`.
pub use super::database_spec::*;
pub use super::dns_spec::*;
pub use super::fault_spec::*;
pub use super::health_check_spec::*;

pub use super::passive_health::NextUpstream;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// How long the CLI runs it (the browser runs until paused).
    #[serde(default = "default_duration_s")]
    pub duration_s: u64,
    pub traffic: Traffic,
    #[serde(default)]
    pub network: Network,
    /// Where clients send their requests: the name of a gateway, a balancer, an instance, or
    /// of the DNS name (which then answers with a gateway, balancer or instance).
    pub entry: String,
    /// API gateways: every request passes one on its way to a balancer. Several gateways
    /// (in different zones or data centers, behind DNS) remove that SPOF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<Gateway>,
    #[serde(default)]
    pub balancers: Vec<Balancer>,
    pub instances: Vec<Instance>,
    /// Prices, for the cost of redundancy against the cost of downtime.
    #[serde(default)]
    pub costs: Costs,
    /// The data store every instance queries while serving a request: a primary and an
    /// optional standby with replication and failover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<Database>,
    /// DNS failover in front of the entry points (Route 53 failover routing). When set,
    /// `entry` names it and each client resolves, then caches the answer for `ttl_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// Failure domains: regions contain zones, zones contain nodes (`zone` on a node).
    /// Two instances in one zone are not redundant against a zone outage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Faults scheduled in advance (the browser adds its clicks to the same list).
    #[serde(default)]
    pub faults: Vec<Fault>,
}

fn default_seed() -> u64 {
    1
}
fn default_duration_s() -> u64 {
    60
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// Poisson arrival rate.
    pub rate_rps: f64,
    /// Distinct client ids (consistent hashing keys on them).
    #[serde(default = "default_clients")]
    pub clients: u32,
    /// Client timeout: a request not answered by then fails as `timeout`.
    #[serde(default = "default_client_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_path")]
    pub path: String,
    /// Rate changes over time (a step, or a spike = up then down).
    #[serde(default)]
    pub profile: Vec<RateStep>,
    /// Fraction of requests that write to the database (the rest read).
    #[serde(default)]
    pub write_fraction: f64,
    /// The region the clients are in (for latency and partitions); none = everywhere near.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Client populations, one per region, sharing `rate_rps` and `clients` in proportion
    /// to their `share` (instead of `region`). Each sends from its own region: its latency
    /// to every node, and the partitions that cut it off, are its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<Population>,
    /// Client retries (AWS SDK standard mode, `overload_spec.rs`); none when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_retry: Option<ClientRetry>,
}

/// Clients in one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub region: String,
    /// Relative share of the traffic and of the client ids (shares are normalised).
    pub share: f64,
}

/// Prices (US dollars by default; any currency works). Defaults are cloud list prices of
/// the kind a course would quote: an application load balancer, a general-purpose
/// two-vCPU instance, Route 53 hosted zone and health checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    #[serde(default = "default_balancer_per_hour")]
    pub balancer_per_hour: f64,
    #[serde(default = "default_instance_per_hour")]
    pub instance_per_hour: f64,
    /// A self-hosted API gateway node (Kong, Envoy: a compute-optimised instance).
    #[serde(default = "default_gateway_per_hour")]
    pub gateway_per_hour: f64,
    /// Each database copy, primary and standby alike (a managed general-purpose instance).
    #[serde(default = "default_database_per_hour")]
    pub database_per_hour: f64,
    #[serde(default = "default_dns_zone_per_month")]
    pub dns_zone_per_month: f64,
    #[serde(default = "default_dns_health_check_per_month")]
    pub dns_health_check_per_month: f64,
    /// Extra per health check for the 10 s ("fast") interval.
    #[serde(default = "default_dns_fast_extra")]
    pub dns_fast_interval_extra_per_month: f64,
    /// What one minute of downtime costs the business (lost revenue, trust, penalties).
    #[serde(default)]
    pub downtime_per_minute: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            balancer_per_hour: default_balancer_per_hour(),
            instance_per_hour: default_instance_per_hour(),
            gateway_per_hour: default_gateway_per_hour(),
            database_per_hour: default_database_per_hour(),
            dns_zone_per_month: default_dns_zone_per_month(),
            dns_health_check_per_month: default_dns_health_check_per_month(),
            dns_fast_interval_extra_per_month: default_dns_fast_extra(),
            downtime_per_minute: 0.0,
        }
    }
}

fn default_balancer_per_hour() -> f64 {
    0.0225
}
fn default_instance_per_hour() -> f64 {
    0.0832
}
fn default_gateway_per_hour() -> f64 {
    0.085
}
fn default_database_per_hour() -> f64 {
    0.171
}
fn default_dns_zone_per_month() -> f64 {
    0.50
}
fn default_dns_health_check_per_month() -> f64 {
    0.50
}
fn default_dns_fast_extra() -> f64 {
    1.00
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub name: String,
    pub zones: Vec<Zone>,
    /// Random whole-region outages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub name: String,
    /// Random zone outages (power, network, data-center issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

fn default_clients() -> u32 {
    1_000
}
fn default_client_timeout_ms() -> u64 {
    5_000
}
fn default_path() -> String {
    "/".into()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    pub at_ms: u64,
    pub rate_rps: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// One-way latency of a hop inside one zone (or between nodes with no zone).
    #[serde(default = "default_hop_latency_ms")]
    pub latency_ms: f64,
    /// One-way latency between two zones of one region.
    #[serde(default = "default_cross_zone_ms")]
    pub cross_zone_latency_ms: f64,
    /// One-way latency between two regions.
    #[serde(default = "default_cross_region_ms")]
    pub cross_region_latency_ms: f64,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency_ms: default_hop_latency_ms(),
            cross_zone_latency_ms: default_cross_zone_ms(),
            cross_region_latency_ms: default_cross_region_ms(),
        }
    }
}

fn default_cross_zone_ms() -> f64 {
    1.0
}
fn default_cross_region_ms() -> f64 {
    35.0
}

fn default_hop_latency_ms() -> f64 {
    0.5
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    RoundRobin,
    WeightedRoundRobin,
    Random,
    LeastConn,
    /// HAProxy `random(2)`, Envoy `least_request`: two random picks, the less loaded wins.
    PowerOfTwo,
    /// Consistent hash on the client id (HAProxy `balance source`/`hash-type consistent`).
    ConsistentHash,
}

impl Algorithm {
    pub const ALL: [Algorithm; 6] = [
        Algorithm::RoundRobin,
        Algorithm::WeightedRoundRobin,
        Algorithm::Random,
        Algorithm::LeastConn,
        Algorithm::PowerOfTwo,
        Algorithm::ConsistentHash,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round-robin",
            Algorithm::WeightedRoundRobin => "weighted-round-robin",
            Algorithm::Random => "random",
            Algorithm::LeastConn => "least-conn",
            Algorithm::PowerOfTwo => "power-of-two",
            Algorithm::ConsistentHash => "consistent-hash",
        }
    }
    pub fn parse(s: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == s)
    }
}

/// What a balancer does when it believes no target is healthy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhenAllDown {
    /// Answer 503 at once (HAProxy, NGINX).
    Reject,
    /// Route to every target regardless of health (AWS ALB fail-open, Envoy panic mode).
    FailOpen,
}

impl WhenAllDown {
    pub fn name(self) -> &'static str {
        match self {
            WhenAllDown::Reject => "reject",
            WhenAllDown::FailOpen => "fail-open",
        }
    }
}

/// HAProxy `retry-on` keywords this model understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryOn {
    /// The connection was refused or timed out (HAProxy's default).
    ConnFailure,
    /// The server closed the connection without answering (it crashed mid-request).
    EmptyResponse,
    /// `timeout server` expired.
    ResponseTimeout,
    /// The server answered 500 (gray failure).
    #[serde(rename = "500")]
    Status500,
    /// The server answered 503 (its queue was full).
    #[serde(rename = "503")]
    Status503,
}

impl RetryOn {
    pub fn name(self) -> &'static str {
        match self {
            RetryOn::ConnFailure => "conn-failure",
            RetryOn::EmptyResponse => "empty-response",
            RetryOn::ResponseTimeout => "response-timeout",
            RetryOn::Status500 => "500",
            RetryOn::Status503 => "503",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balancer {
    pub name: String,
    #[serde(default = "default_algorithm")]
    pub algorithm: Algorithm,
    pub targets: Vec<Target>,
    /// HAProxy `retries`: extra connection attempts after the first.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// HAProxy `option redispatch`: with a non-hash algorithm every retry goes to another
    /// server at once (HAProxy 2.6+); with `consistent-hash`, only the last retry does.
    #[serde(default = "default_true")]
    pub redispatch: bool,
    #[serde(default = "default_retry_on")]
    pub retry_on: Vec<RetryOn>,
    /// HAProxy `timeout connect`: how long to wait for a host that does not answer.
    #[serde(default = "default_timeout_connect_ms")]
    pub timeout_connect_ms: u64,
    /// HAProxy `timeout server`: how long to wait for a response once connected.
    #[serde(default = "default_timeout_server_ms")]
    pub timeout_server_ms: u64,
    #[serde(default = "default_when_all_down")]
    pub when_all_down: WhenAllDown,
    /// Active health checks; `null` for none (passive only, or blind).
    #[serde(default = "default_health_check")]
    pub health_check: Option<HealthCheck>,
    /// Passive health (NGINX `max_fails` / `fail_timeout`): real traffic errors mark a target down.
    /// A balancer with it is an NGINX upstream: `next_upstream` decides its retries, and
    /// HAProxy's `retries` / `redispatch` / `retry_on` do not apply.
    #[serde(default)]
    pub passive: Option<PassiveHealth>,
    /// NGINX `proxy_next_upstream` (with `passive`): the failures that pass a request on to
    /// the next server, at once. NGINX's default `error timeout`; `[]` is `off`.
    #[serde(
        default = "default_next_upstream",
        skip_serializing_if = "is_default_next_upstream"
    )]
    pub next_upstream: Vec<NextUpstream>,
    /// NGINX `proxy_next_upstream_tries`: servers tried per request, the first included;
    /// 0 (NGINX's default) = no limit but the number of servers (each is tried once).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub next_upstream_tries: u32,
    /// The availability zone it runs in (see `regions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Cross-zone load balancing (ALB: on; NLB: off). Off, a balancer in a zone only uses
    /// targets in its own zone.
    #[serde(default = "default_true")]
    pub cross_zone: bool,
    /// Envoy retry budget (`overload_spec.rs`): retries in flight ≤ a share of requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_budget: Option<RetryBudget>,
    /// Envoy circuit breakers: over a limit, fail fast (503 `overflow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// The targets as an autoscaling group (`autoscaling_spec.rs`): only `desired_capacity`
    /// of them run at start; the autoscaler launches and stops the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Random failures of the balancer itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
    /// Envoy outlier detection: consecutive failed responses eject a target
    /// (`outlier_detection.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
    /// HAProxy `observe layer7` / `error-limit` / `on-error`: failed responses act on the
    /// active check state (needs `health_check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observe: Option<Observe>,
    /// Envoy panic threshold: with fewer healthy primaries than this percentage, balance over
    /// all of them regardless of health (Envoy's default 50; `null`: off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panic_threshold_percent: Option<u32>,
    /// Slow start of a target back in rotation (`slow_start.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_start: Option<SlowStart>,
    /// ALB `deregistration_delay.timeout_seconds` (300 s): how long a draining target keeps
    /// its in-flight requests before a planned `stop` cuts them.
    #[serde(
        default = "default_deregistration_delay_ms",
        skip_serializing_if = "is_default_deregistration_delay"
    )]
    pub deregistration_delay_ms: u64,
    /// Batches and bake time of a `canary` rollout (`rollout.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<RolloutPolicy>,
    /// HAProxy server `maxconn` (on every server of this backend, as `default-server
    /// maxconn`): at most this many requests in service at a server; the rest wait in the
    /// queue (`server_queue.rs`). `null`: no limit (HAProxy's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxconn: Option<u32>,
    /// HAProxy `timeout queue`: how long a request waits in the queue before a 503;
    /// `null`: `timeout_connect_ms`, as HAProxy does when it is unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_queue_ms: Option<u64>,
    /// HAProxy server `maxqueue`: how many requests may wait in one server's own queue
    /// (0, the default: no limit); past it they go to the backend queue.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub maxqueue: u32,
}

pub fn default_deregistration_delay_ms() -> u64 {
    300_000
}
fn is_default_deregistration_delay(v: &u64) -> bool {
    *v == default_deregistration_delay_ms()
}

fn default_algorithm() -> Algorithm {
    Algorithm::RoundRobin
}
fn default_retries() -> u32 {
    3
}
pub(crate) fn default_true() -> bool {
    true
}
fn default_retry_on() -> Vec<RetryOn> {
    vec![RetryOn::ConnFailure]
}
fn default_timeout_connect_ms() -> u64 {
    5_000
}
fn default_timeout_server_ms() -> u64 {
    30_000
}
fn default_next_upstream() -> Vec<NextUpstream> {
    vec![NextUpstream::Error, NextUpstream::Timeout]
}
fn is_default_next_upstream(v: &[NextUpstream]) -> bool {
    v == default_next_upstream().as_slice()
}
fn is_zero(v: &u32) -> bool {
    *v == 0
}
fn default_when_all_down() -> WhenAllDown {
    WhenAllDown::Reject
}
fn default_health_check() -> Option<HealthCheck> {
    Some(HealthCheck::default())
}

/// An API gateway (seed 004: "every request first hits the API gateway; it figures out where
/// the request should go"). It forwards each request to one of its balancers, round robin
/// over those it has not marked down. It learns of a dead balancer only from the requests it
/// sends (passive health, as Envoy's outlier detection or NGINX's `max_fails`): a refused
/// connection is retried on another balancer at once, a silent one after
/// `timeout_connect_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub name: String,
    /// The balancers it forwards to.
    pub balancers: Vec<String>,
    /// Envoy `num_retries` on connect failure: how many more balancers it tries.
    #[serde(default = "default_gateway_retries")]
    pub retries: u32,
    /// Envoy cluster `connect_timeout`: how long to wait for a balancer that does not answer.
    #[serde(default = "default_timeout_connect_ms")]
    pub timeout_connect_ms: u64,
    /// How a balancer that failed a connection is taken out (`max_fails` / `fail_timeout`).
    #[serde(default = "default_gateway_passive")]
    pub passive: PassiveHealth,
    /// Also retry a 5xx answer from a balancer on another one (Envoy `retry_on: 5xx`), not
    /// only a failed connection: one more retrying layer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub retry_on_5xx: bool,
    /// Envoy retry budget on the gateway's retries (`overload_spec.rs`, the balancers' one):
    /// its retries in flight stay under a share of its requests in flight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_budget: Option<RetryBudget>,
    /// The availability zone (data center) it runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

fn default_gateway_retries() -> u32 {
    1
}
fn default_gateway_passive() -> PassiveHealth {
    PassiveHealth {
        max_fails: default_max_fails(),
        fail_timeout_ms: default_fail_timeout_ms(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub instance: String,
    #[serde(default = "default_weight")]
    pub weight: u32,
    /// HAProxy `backup`: used only when every non-backup target is down.
    #[serde(default)]
    pub backup: bool,
}

fn default_weight() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassiveHealth {
    /// NGINX `max_fails`: failures within `fail_timeout` that mark the target down.
    #[serde(default = "default_max_fails")]
    pub max_fails: u32,
    /// NGINX `fail_timeout`: both the counting window and how long the target stays down.
    #[serde(default = "default_fail_timeout_ms")]
    pub fail_timeout_ms: u64,
}

fn default_max_fails() -> u32 {
    1
}
fn default_fail_timeout_ms() -> u64 {
    10_000
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    /// Requests served concurrently.
    #[serde(default = "default_workers")]
    pub workers: u32,
    /// Waiting requests beyond the workers; a full queue answers 503.
    #[serde(default = "default_queue_capacity")]
    pub queue_capacity: u32,
    /// Connections the kernel still accepts for it while the process is frozen (room left in
    /// its `listen()` backlog; Linux queues backlog + 1: Python's http.server 6, NGINX and
    /// Node 512): those requests hang, later connects time out. 0: the backlog is full.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub accept_backlog: u32,
    /// Load shedding: refuse (503) a request at once when its expected wait in the queue
    /// already exceeds what is left of its client's deadline.
    #[serde(default, skip_serializing_if = "is_false")]
    pub load_shedding: bool,
    /// Deadline propagation (gRPC deadlines): a queued request whose caller gave up (client
    /// timeout, balancer timeout, retried elsewhere) is dropped, not served.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deadline_propagation: bool,
    #[serde(default)]
    pub service_time: ServiceTime,
    /// Boot time after a restart, during which connections are refused.
    #[serde(default = "default_startup_ms")]
    pub startup_ms: u64,
    /// A supervisor (systemd, Kubernetes) restarts a crashed process after this long;
    /// `null`: it stays down until healed by hand.
    #[serde(default)]
    pub restart_after_ms: Option<u64>,
    /// The availability zone it runs in (see `regions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Random failures: the instance crashes after exponential(MTBF) and is repaired after
    /// exponential(MTTR), so long runs measure availability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
    /// Slower service for a while after a restart (`rollout.rs`, `ColdStart`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStart>,
}

/// Random failure and repair times of one component (exponential, memoryless).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reliability {
    /// Mean time between failures.
    pub mtbf_s: f64,
    /// Mean time to repair (the node is healed after this long on average).
    pub mttr_s: f64,
}

fn default_workers() -> u32 {
    8
}
fn default_queue_capacity() -> u32 {
    256
}
fn default_startup_ms() -> u64 {
    3_000
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Distribution {
    Constant,
    Exponential,
    Lognormal,
}

impl Distribution {
    pub fn name(self) -> &'static str {
        match self {
            Distribution::Constant => "constant",
            Distribution::Exponential => "exponential",
            Distribution::Lognormal => "lognormal",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTime {
    pub distribution: Distribution,
    pub mean_ms: f64,
    /// Shape of the lognormal (sigma of the underlying normal); ignored otherwise.
    #[serde(default = "default_sigma")]
    pub sigma: f64,
}

fn default_sigma() -> f64 {
    0.5
}

impl Default for ServiceTime {
    fn default() -> Self {
        ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms: 20.0,
            sigma: default_sigma(),
        }
    }
}

/// Read a scenario file (or a link's scenario JSON): the one entry point of the CLI, the
/// app's Import and share links. The size is checked before anything is parsed (the file is
/// 7.2 MB; the limit is 4 MB), a UTF-8 byte-order mark is skipped (editors on Windows write
/// one), and a parse error names the path of the field at fault, as validation does
/// (`balancers[0].health_check.rise: invalid type: string "two", expected u32 at line 9
/// column 20`). Validation (`validate::validate`) comes after, on the parsed scenario.
pub fn parse_scenario(text: &str) -> Result<Scenario, String> {
    check_scenario_size(text.len())?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| parse_error_message(&e.path().to_string(), e.into_inner()))?;
    // Trailing characters after the object are an error, as with `serde_json::from_str`.
    de.end().map_err(|e| format!("scenario JSON: {e}"))?;
    Ok(scenario)
}

/// A parse error with the path of the field at fault. The root has the path `.` (`?` when
/// the document ends before any field): nothing more to say there than serde's position.
/// Shared with the app's own reader (`src/scenario_json.rs`), which must word it the same.
pub fn parse_error_message(path: &str, inner: impl std::fmt::Display) -> String {
    if path == "." || path == "?" || path.is_empty() {
        format!("scenario JSON: {inner}")
    } else {
        format!("{path}: {inner}")
    }
}

/// A file of `bytes` is within `MAX_SCENARIO_BYTES`, or the message that says it is not
/// (the CLI asks before reading the file, `parse_scenario` before parsing).
pub fn check_scenario_size(bytes: usize) -> Result<(), String> {
    use super::limits::MAX_SCENARIO_BYTES;
    if bytes > MAX_SCENARIO_BYTES {
        return Err(format!(
            "the file is {}; the limit is {}",
            megabytes(bytes),
            megabytes(MAX_SCENARIO_BYTES)
        ));
    }
    Ok(())
}

/// Bytes as decimal megabytes with one decimal, as a file manager shows them ("7.2 MB"),
/// rounded up so that a file just over the limit never reads as the limit itself.
fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as u64).div_ceil(100_000);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

impl Scenario {
    /// Same as `parse_scenario` (size cap, byte-order mark, errors with their path).
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        parse_scenario(text)
    }

    pub fn to_json_pretty(&self) -> String {
        // Serialising plain data structs cannot fail; fall back to an empty object anyway.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}
