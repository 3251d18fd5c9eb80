//! The database section of the scenario format: a primary, an optional standby, replication
//! and failover (Patroni / RDS Multi-AZ names and defaults). Part of `scenario.rs`'s format,
//! re-exported from there; `database.rs` is the state machine that runs it.
use crate::scenario::*;
use serde::{Deserialize, Serialize};

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
