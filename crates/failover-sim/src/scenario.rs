//! The scenario file format (serde JSON, `deny_unknown_fields`).
//!
//! Units are in field names (`interval_ms`, `rate_rps`). Parameter names follow the real
//! systems they model (HAProxy `inter`/`fastinter`/`downinter`/`rise`/`fall`, `retries`,
//! `option redispatch`, ALB fail-open, NGINX `max_fails`/`fail_timeout`) so that what a
//! learner tunes here is what they would tune in production. `validate.rs` checks every
//! field and its limits before a `Simulation` is built from it.
pub use super::outlier_detection::{Observe, OnError, OutlierDetection};
use super::overload_spec::is_false;
pub use super::overload_spec::{CheckServedBy, CircuitBreaker, ClientRetry, Jitter, RetryBudget};
pub use super::rollout::{ColdStart, RolloutPolicy};
pub use super::slow_start::{SlowStart, SlowStartRamp};
use serde::{Deserialize, Serialize};

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

/// A primary database and an optional standby (Patroni / RDS Multi-AZ style).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// The primary's node name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby: Option<Standby>,
    #[serde(default = "default_replication")]
    pub replication: Replication,
    /// Synchronous only: stop accepting writes when no synchronous standby is available
    /// (PostgreSQL `synchronous_commit` with a required standby) instead of going async.
    #[serde(default)]
    pub strict_sync: bool,
    /// Time the database spends on one query.
    #[serde(default = "default_query_ms")]
    pub query_ms: f64,
    /// Time the standby spends applying one replicated write: when writes arrive faster,
    /// replication lag grows.
    #[serde(default = "default_apply_ms")]
    pub apply_ms: f64,
    /// How long an instance waits for a query before failing the request.
    #[serde(default = "default_query_timeout_ms")]
    pub query_timeout_ms: u64,
    /// Reads may go to the standby (a read replica); writes always go to the primary.
    #[serde(default)]
    pub read_from_standby: bool,
    #[serde(default)]
    pub failover: DbFailover,
    /// Fencing (Patroni demotes a primary that lost its leader lock; STONITH, watchdog):
    /// without it, an old primary that can still be reached keeps accepting writes.
    #[serde(default = "default_true")]
    pub fencing: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

fn default_replication() -> Replication {
    Replication::Async
}
fn default_query_ms() -> f64 {
    2.0
}
fn default_apply_ms() -> f64 {
    0.5
}
fn default_query_timeout_ms() -> u64 {
    3_000
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standby {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Replication {
    /// The primary acknowledges before the standby has the write: fast, but writes not yet
    /// replicated are lost at failover (the RPO).
    Async,
    /// The primary waits for the standby's acknowledgement: a round trip more per write,
    /// nothing acknowledged is ever lost.
    Sync,
}

/// Failure detection and promotion (Patroni's names and defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbFailover {
    /// Patroni `ttl`: the leader lock expires this long after its last renewal.
    #[serde(default = "default_patroni_ttl_s")]
    pub ttl_s: u64,
    /// Patroni `loop_wait`: the leader renews (and replicas look) this often.
    #[serde(default = "default_loop_wait_s")]
    pub loop_wait_s: u64,
    /// Time to promote the standby once the lock has expired (RDS Multi-AZ: 60–120 s in all).
    #[serde(default = "default_promotion_ms")]
    pub promotion_ms: u64,
    /// After a failed query, an instance reconnects (to the current primary) after this long.
    #[serde(default = "default_reconnect_ms")]
    pub reconnect_ms: u64,
    /// Patroni `maximum_lag_on_failover`: a standby further behind is not promoted.
    #[serde(default = "default_max_lag_writes")]
    pub maximum_lag_writes: u64,
}

impl Default for DbFailover {
    fn default() -> Self {
        DbFailover {
            ttl_s: default_patroni_ttl_s(),
            loop_wait_s: default_loop_wait_s(),
            promotion_ms: default_promotion_ms(),
            reconnect_ms: default_reconnect_ms(),
            maximum_lag_writes: default_max_lag_writes(),
        }
    }
}

fn default_patroni_ttl_s() -> u64 {
    30
}
fn default_loop_wait_s() -> u64 {
    10
}
fn default_promotion_ms() -> u64 {
    5_000
}
fn default_reconnect_ms() -> u64 {
    2_000
}
fn default_max_lag_writes() -> u64 {
    // Patroni's 1 MiB at ~1 KiB per write.
    1_024
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

/// A DNS name with Route 53 failover routing: a primary and an optional secondary record,
/// health-checked; clients cache answers for the TTL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    /// The DNS name (a node name, e.g. `api.example.com`).
    pub name: String,
    /// How long clients cache an answer (≤ 60 s recommended for health-checked records).
    #[serde(default = "default_ttl_s")]
    pub ttl_s: u64,
    /// A client's resolver round trip on a cache miss.
    #[serde(default = "default_resolve_ms")]
    pub resolve_ms: f64,
    #[serde(default)]
    pub health_check: DnsHealthCheck,
    pub records: Vec<DnsRecord>,
    /// Random failures of the DNS service itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Reliability>,
}

fn default_ttl_s() -> u64 {
    60
}
fn default_resolve_ms() -> f64 {
    20.0
}

/// Route 53 health check settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsHealthCheck {
    /// `RequestInterval`: 30 s (standard) or 10 s (fast, costs more).
    #[serde(default = "default_request_interval_s")]
    pub request_interval_s: u64,
    /// `FailureThreshold`: consecutive results that flip an endpoint's health (1–10).
    #[serde(default = "default_failure_threshold")]
    pub failure_threshold: u32,
}

impl Default for DnsHealthCheck {
    fn default() -> Self {
        DnsHealthCheck {
            request_interval_s: default_request_interval_s(),
            failure_threshold: default_failure_threshold(),
        }
    }
}

fn default_request_interval_s() -> u64 {
    30
}
fn default_failure_threshold() -> u32 {
    3
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordRole {
    Primary,
    Secondary,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsRecord {
    /// A balancer or instance name (the endpoint the answer points at).
    pub target: String,
    pub role: RecordRole,
    /// A record without a health check is treated as healthy (Route 53).
    #[serde(default = "default_true")]
    pub health_checked: bool,
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
fn default_true() -> bool {
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

/// Vendor presets for active health checks (defaults from each system's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckPreset {
    Haproxy,
    AwsAlb,
    Kubernetes,
}

impl CheckPreset {
    pub const ALL: [CheckPreset; 3] = [
        CheckPreset::Haproxy,
        CheckPreset::AwsAlb,
        CheckPreset::Kubernetes,
    ];
    pub fn name(self) -> &'static str {
        match self {
            CheckPreset::Haproxy => "haproxy",
            CheckPreset::AwsAlb => "aws-alb",
            CheckPreset::Kubernetes => "kubernetes",
        }
    }
    pub fn parse(s: &str) -> Option<CheckPreset> {
        CheckPreset::ALL.into_iter().find(|p| p.name() == s)
    }
    pub fn describe(self) -> &'static str {
        match self {
            CheckPreset::Haproxy => "HAProxy: inter 2 s, rise 2, fall 3, timeout check = inter; next check inter after the last one ends; servers start UP at rise (one failure before a first pass marks them DOWN)",
            CheckPreset::AwsAlb => "AWS ALB: HealthCheckIntervalSeconds 30, timeout 5 s, HealthyThresholdCount 5, UnhealthyThresholdCount 2; targets start in `initial`",
            CheckPreset::Kubernetes => "Kubernetes readiness: periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1; pods start not ready",
        }
    }
    /// The preset's full parameter set.
    pub fn params(self) -> ResolvedCheck {
        match self {
            CheckPreset::Haproxy => ResolvedCheck {
                inter_ms: 2_000,
                fastinter_ms: 2_000,
                downinter_ms: 2_000,
                rise: 2,
                fall: 3,
                timeout_ms: 2_000,
                timeout_bounds_read: false,
                start_healthy: true,
                start_at_rise: true,
                served_by_queue: false,
                liveness: false,
            },
            CheckPreset::AwsAlb => ResolvedCheck {
                inter_ms: 30_000,
                fastinter_ms: 30_000,
                downinter_ms: 30_000,
                rise: 5,
                fall: 2,
                timeout_ms: 5_000,
                timeout_bounds_read: false,
                start_healthy: false,
                start_at_rise: false,
                served_by_queue: false,
                liveness: false,
            },
            CheckPreset::Kubernetes => ResolvedCheck {
                inter_ms: 10_000,
                fastinter_ms: 10_000,
                downinter_ms: 10_000,
                rise: 1,
                fall: 3,
                timeout_ms: 1_000,
                timeout_bounds_read: false,
                start_healthy: false,
                start_at_rise: false,
                served_by_queue: false,
                liveness: false,
            },
        }
    }
}

/// Active health check settings. Every field left out comes from `preset` (HAProxy's
/// defaults when no preset is named); HAProxy's own rule that `fastinter` and `downinter`
/// default to `inter` applies when `inter_ms` is overridden alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<CheckPreset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastinter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downinter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rise: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fall: Option<u32>,
    /// HAProxy `timeout check` (ALB `HealthCheckTimeoutSeconds`). HAProxy: unset, the whole
    /// check must finish within `inter`; set, it bounds the read and the connect waits
    /// min(`timeout connect`, `inter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Whether a target counts as healthy before its first check (HAProxy yes, ALB no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_healthy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<CheckServedBy>,
    /// Kubernetes liveness probe: after `fall` (`failureThreshold`) failures the kubelet
    /// restarts the instance instead of only taking it out of rotation (readiness).
    #[serde(default, skip_serializing_if = "is_false")]
    pub liveness: bool,
}

/// A health check with every parameter filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedCheck {
    pub inter_ms: u64,
    pub fastinter_ms: u64,
    pub downinter_ms: u64,
    pub rise: u32,
    pub fall: u32,
    pub timeout_ms: u64,
    /// HAProxy with `timeout check` given: `timeout_ms` bounds the read only, and a host that
    /// never answers the connect fails the check after min(`timeout connect`, `inter`).
    /// Otherwise `timeout_ms` bounds the whole check.
    #[serde(default)]
    pub timeout_bounds_read: bool,
    pub start_healthy: bool,
    /// HAProxy starts a server's health counter at `rise`: UP, but one failed check before
    /// its first pass marks it DOWN (`fall` applies once it has passed a check).
    #[serde(default)]
    pub start_at_rise: bool,
    /// Checks answered by the instance's workers behind its queue (`CheckServedBy`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub served_by_queue: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub liveness: bool,
}

impl HealthCheck {
    pub fn resolve(&self) -> ResolvedCheck {
        let preset = self.preset.unwrap_or(CheckPreset::Haproxy);
        let base = preset.params();
        let inter = self.inter_ms.unwrap_or(base.inter_ms);
        // HAProxy: `timeout check` unset → `inter` bounds the whole check; set → the read.
        // ALB and Kubernetes: their timeout always bounds the whole probe.
        let haproxy = preset == CheckPreset::Haproxy;
        let (timeout_ms, timeout_bounds_read) = match self.timeout_ms {
            None if haproxy => (inter, false),
            None => (base.timeout_ms, false),
            Some(t) => (t, haproxy),
        };
        // HAProxy: fastinter/downinter default to inter; follow an overridden inter.
        let follow = |v: Option<u64>, preset_v: u64| {
            v.unwrap_or(if self.inter_ms.is_some() {
                inter
            } else {
                preset_v
            })
        };
        ResolvedCheck {
            inter_ms: inter,
            fastinter_ms: follow(self.fastinter_ms, base.fastinter_ms),
            downinter_ms: follow(self.downinter_ms, base.downinter_ms),
            rise: self.rise.unwrap_or(base.rise),
            fall: self.fall.unwrap_or(base.fall),
            timeout_ms,
            timeout_bounds_read,
            start_healthy: self.start_healthy.unwrap_or(base.start_healthy),
            start_at_rise: base.start_at_rise,
            served_by_queue: self.served_by == Some(CheckServedBy::RequestQueue),
            liveness: self.liveness,
        }
    }
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

/// Fault verbs (chaos-tool vocabulary) and parameter changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultAction {
    /// The process dies: connections are refused at once; requests in flight are lost.
    Crash,
    /// The host stops answering (power, network): checks and requests hang until timeouts.
    Unreachable,
    /// Fail a balancer (it refuses every connection).
    Fail,
    /// Undo every fault on the node: restart it (through `startup_ms`) or bring it back.
    Heal,
    /// Add latency to every response (`extra_latency_ms`).
    AddLatency,
    /// Gray failure: slow and/or a fraction of 500s while health checks still pass.
    Gray,
    /// Change a parameter (`param`, `value`).
    Set,
    /// Cut the network between two zones or regions (`node` and `peer`).
    Partition,
    /// Undo a `partition` between `node` and `peer`.
    Repair,
    // Last, so the earlier actions keep their numbers in the trace hash.
    /// The process stops (SIGSTOP, a GC pause, a deadlock) while its host is fine: the
    /// kernel's full accept backlog lets new connections time out, requests it had accepted
    /// hang until the client or server timeout, checks time out. Healed, it resumes.
    Freeze,
    /// Take an instance out of every balancer's rotation for new requests while its
    /// in-flight ones finish (HAProxy `drain`, ALB deregistration); `heal` puts it back.
    Drain,
    /// A planned stop: drain, then stop the process once its in-flight requests are done or
    /// the balancer's `deregistration_delay_ms` has passed (what is left then is cut).
    Stop,
    /// Push a new configuration to an instance, or to every target of a balancer at once;
    /// `error_rate` is the share of requests it breaks (default 1: requests and checks fail).
    PushConfig,
    /// Roll a new configuration out over a balancer's targets batch by batch (its
    /// `rollout` policy), halting and rolling back when a changed target leaves rotation.
    Canary,
    /// The instance alternates between failing and passing (requests and checks) every
    /// `value` ms (default 4,000) until healed.
    Flap,
}

impl FaultAction {
    pub fn name(self) -> &'static str {
        match self {
            FaultAction::Crash => "crash",
            FaultAction::Unreachable => "unreachable",
            FaultAction::Freeze => "freeze",
            FaultAction::Fail => "fail",
            FaultAction::Heal => "heal",
            FaultAction::AddLatency => "add-latency",
            FaultAction::Gray => "gray",
            FaultAction::Set => "set",
            FaultAction::Partition => "partition",
            FaultAction::Repair => "repair",
            FaultAction::Drain => "drain",
            FaultAction::Stop => "stop",
            FaultAction::PushConfig => "push-config",
            FaultAction::Canary => "canary",
            FaultAction::Flap => "flap",
        }
    }
    pub fn parse(s: &str) -> Option<FaultAction> {
        [
            FaultAction::Crash,
            FaultAction::Unreachable,
            FaultAction::Freeze,
            FaultAction::Fail,
            FaultAction::Heal,
            FaultAction::AddLatency,
            FaultAction::Gray,
            FaultAction::Set,
            FaultAction::Partition,
            FaultAction::Repair,
            FaultAction::Drain,
            FaultAction::Stop,
            FaultAction::PushConfig,
            FaultAction::Canary,
            FaultAction::Flap,
        ]
        .into_iter()
        .find(|a| a.name() == s)
    }
}

/// A value for `set`: a number, a word or a switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Number(n) => write!(f, "{n}"),
            ParamValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// A timed command: scheduled in the scenario, typed on the CLI, or clicked in the browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub at_ms: u64,
    pub action: FaultAction,
    /// A balancer, instance, zone or region name, or `clients` for traffic parameters.
    pub node: String,
    /// The other side of a `partition` / `repair` (a zone or region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_latency_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ParamValue>,
}

impl Fault {
    pub fn new(at_ms: u64, action: FaultAction, node: &str) -> Fault {
        Fault {
            at_ms,
            action,
            node: node.to_string(),
            peer: None,
            extra_latency_ms: None,
            error_rate: None,
            param: None,
            value: None,
        }
    }

    pub fn set(at_ms: u64, node: &str, param: &str, value: ParamValue) -> Fault {
        Fault {
            param: Some(param.to_string()),
            value: Some(value),
            ..Fault::new(at_ms, FaultAction::Set, node)
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
