//! The scenario format's overload settings (issue 13): client retries (AWS SDK standard
//! mode), Envoy's retry budget and circuit breakers, load shedding and deadline propagation
//! at instances. Every one is opt-in: left out, a scenario runs exactly as before (same trace
//! hash), so existing presets and share links keep their meaning. The fields hang off
//! `Traffic`, `Gateway`, `Balancer`, `Instance` and `HealthCheck` in `scenario.rs`.
use serde::{Deserialize, Serialize};

/// Client-side retries, as the AWS SDKs' standard retry mode does them: at most
/// `max_attempts` attempts in all (the first is never delayed), each retry after
/// `min(backoff_cap_ms, backoff_base_ms · 2^(retry − 1))`, fully jittered (a uniform draw
/// below that, AWS Builders' Library) or not at all. A retry quota (token bucket) stops
/// retrying during an outage. Every failure the client sees is retried (5xx, refused, reset,
/// its own timeout), as the SDKs retry transient errors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientRetry {
    /// AWS `max_attempts` (first try included): 3.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// Base of the exponential backoff (AWS SDKs: 100 ms).
    #[serde(default = "default_backoff_base_ms")]
    pub backoff_base_ms: u64,
    /// Cap of the backoff (AWS SDKs: 20 s).
    #[serde(default = "default_backoff_cap_ms")]
    pub backoff_cap_ms: u64,
    #[serde(default = "default_jitter")]
    pub jitter: Jitter,
    /// AWS retry quota: the bucket's tokens (500); a retry costs 5 (10 after a timeout), a
    /// success gives 1 back (a retry's own cost when the retry succeeds). `null`: no quota.
    #[serde(default = "default_quota")]
    pub retry_quota_tokens: Option<u32>,
}

impl Default for ClientRetry {
    fn default() -> Self {
        ClientRetry {
            max_attempts: default_max_attempts(),
            backoff_base_ms: default_backoff_base_ms(),
            backoff_cap_ms: default_backoff_cap_ms(),
            jitter: default_jitter(),
            retry_quota_tokens: default_quota(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Jitter {
    /// sleep = random(0, backoff): retries of one failure spread out.
    Full,
    /// sleep = backoff exactly: retries of one failure arrive together, in waves.
    None,
}

impl Jitter {
    pub fn name(self) -> &'static str {
        match self {
            Jitter::Full => "full",
            Jitter::None => "none",
        }
    }
}

fn default_max_attempts() -> u32 {
    3
}
fn default_backoff_base_ms() -> u64 {
    100
}
fn default_backoff_cap_ms() -> u64 {
    20_000
}
fn default_jitter() -> Jitter {
    Jitter::Full
}
fn default_quota() -> Option<u32> {
    Some(500)
}

/// Envoy's retry budget: a retry is allowed while the retries in flight stay below
/// `budget_percent` % of the requests in flight, or below `min_retry_concurrency`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBudget {
    #[serde(default = "default_budget_percent")]
    pub budget_percent: f64,
    #[serde(default = "default_min_retry_concurrency")]
    pub min_retry_concurrency: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            budget_percent: default_budget_percent(),
            min_retry_concurrency: default_min_retry_concurrency(),
        }
    }
}

fn default_budget_percent() -> f64 {
    20.0
}
fn default_min_retry_concurrency() -> u32 {
    3
}

/// Envoy's circuit breakers on a balancer's upstream cluster. Over a limit the balancer
/// fails fast (503, Envoy's `overflow`) instead of adding load. HTTP/1.1: one request per
/// connection, so `max_connections` and `max_requests` both bound the attempts in flight;
/// `max_pending_requests` is how many more may wait for a connection (here: refused at
/// once when over `max_connections` + `max_pending_requests`, as the pool's queue is full).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    #[serde(default = "default_breaker_limit")]
    pub max_connections: u32,
    #[serde(default = "default_breaker_limit")]
    pub max_pending_requests: u32,
    #[serde(default = "default_breaker_limit")]
    pub max_requests: u32,
    #[serde(default = "default_breaker_retries")]
    pub max_retries: u32,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker {
            max_connections: default_breaker_limit(),
            max_pending_requests: default_breaker_limit(),
            max_requests: default_breaker_limit(),
            max_retries: default_breaker_retries(),
        }
    }
}

fn default_breaker_limit() -> u32 {
    1024
}
fn default_breaker_retries() -> u32 {
    3
}

/// Who answers a health check on the instance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckServedBy {
    /// A separate port or thread answers at once, whatever the load (the default).
    #[default]
    DedicatedListener,
    /// The instance's own workers answer `/health` in turn behind the queued requests: under
    /// overload the check waits, times out, and a healthy but busy instance is marked down.
    RequestQueue,
}

impl CheckServedBy {
    pub fn name(self) -> &'static str {
        match self {
            CheckServedBy::DedicatedListener => "dedicated-listener",
            CheckServedBy::RequestQueue => "request-queue",
        }
    }
}

pub(crate) fn is_false(v: &bool) -> bool {
    !*v
}
