//! The DNS section of the scenario format: a name with Route 53 failover routing, its records
//! and health checks. Part of `scenario.rs`'s format, re-exported from there; `dns.rs` is the
//! state machine that runs it.
use crate::scenario::*;
use serde::{Deserialize, Serialize};

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
