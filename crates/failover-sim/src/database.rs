//! The data store: a primary and an optional standby, with replication and failover.
//!
//! Roles: `Primary` (accepts writes), `Standby` (applies the primary's writes, may serve
//! reads), `Fenced` (an old primary that demoted itself after losing its leader lock).
//! Process states are those of an instance (`Up`, `Crashed`, `Unreachable`).
//!
//! Replication: every acknowledged write travels to the standby (one network hop) and is
//! applied there one after another (`apply_ms` each), so lag grows with the write rate and
//! the link latency. Asynchronous: the primary acknowledges first, and the writes that had not
//! *reached* the standby when the primary died are lost at promotion (the RPO). Synchronous:
//! the primary waits for the standby, so nothing acknowledged is lost; in strict mode writes
//! stop when no standby can acknowledge.
//!
//! Failover follows Patroni: the leader renews a lock every `loop_wait`; when it cannot (dead,
//! or cut off from the standby's side where the consensus store lives), the lock expires
//! `ttl` after the last renewal, and the standby — if up and not lagging more than
//! `maximum_lag_on_failover` — promotes itself after `promotion_ms`. With fencing the old
//! primary demotes itself when its lock expires; without, it keeps accepting writes from
//! whoever can still reach it: split brain, counted as conflicting writes.
use super::instance::InstanceState;
use super::replication::ReplicationLog;
use super::scenario::{Database as DatabaseSpec, Replication};
use super::time::{ms_to_us, whole_ms_to_us, TimeUs};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbRole {
    Primary,
    Standby,
    Fenced,
}

impl DbRole {
    pub fn name(self) -> &'static str {
        match self {
            DbRole::Primary => "primary",
            DbRole::Standby => "standby",
            DbRole::Fenced => "fenced",
        }
    }
}

#[derive(Clone, Debug)]
pub struct DbNode {
    pub name: String,
    /// Engine node id.
    pub node: u32,
    pub state: InstanceState,
    pub role: DbRole,
    /// Bumped when the node dies: answers it had not sent yet are never sent.
    pub life: u32,
}

/// Counters for the panels and the report.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct DbStats {
    pub reads: u64,
    pub writes: u64,
    /// Acknowledged writes lost at a failover (never reached the standby).
    pub writes_lost: u64,
    /// Writes refused: strict sync without a standby, or sent to a read-only node.
    pub writes_refused: u64,
    /// Writes accepted by an old primary while another one was leader (split brain).
    pub conflicting_writes: u64,
    pub failovers: u64,
    /// Failovers that could not happen (no standby, or it lagged too far).
    pub failovers_blocked: u64,
}

#[derive(Clone, Debug)]
pub struct DatabaseCluster {
    pub spec: DatabaseSpec,
    /// [primary, standby?] in file order; roles move, indices do not.
    pub nodes: Vec<DbNode>,
    /// Index of the node holding the leader lock.
    pub leader: usize,
    /// When the leader last renewed its lock.
    pub renewed_at: TimeUs,
    /// When the leader stopped being able to renew (for the RPO cut-off).
    pub leader_lost_at: Option<TimeUs>,
    /// A promotion is under way (scheduled), so lease ticks do not start another.
    pub promoting: bool,
    /// Writes acknowledged but not yet applied on the standby (replication.rs).
    replication: ReplicationLog,
    pub stats: DbStats,
    /// Bumped at each promotion and lease restart: stale lease/promotion events drop out.
    pub epoch: u32,
}

impl DatabaseCluster {
    pub fn new(spec: &DatabaseSpec, first_node: u32) -> DatabaseCluster {
        let mut nodes = vec![DbNode {
            name: spec.name.clone(),
            node: first_node,
            state: InstanceState::Up,
            role: DbRole::Primary,
            life: 0,
        }];
        if let Some(s) = &spec.standby {
            nodes.push(DbNode {
                name: s.name.clone(),
                node: first_node + 1,
                state: InstanceState::Up,
                role: DbRole::Standby,
                life: 0,
            });
        }
        DatabaseCluster {
            spec: spec.clone(),
            nodes,
            leader: 0,
            renewed_at: 0,
            leader_lost_at: None,
            promoting: false,
            replication: ReplicationLog::default(),
            stats: DbStats::default(),
            epoch: 0,
        }
    }

    pub fn query_us(&self) -> TimeUs {
        ms_to_us(self.spec.query_ms).max(1)
    }

    pub fn loop_wait_us(&self) -> TimeUs {
        self.spec.failover.loop_wait_s * 1_000_000
    }

    pub fn ttl_us(&self) -> TimeUs {
        self.spec.failover.ttl_s * 1_000_000
    }

    pub fn reconnect_us(&self) -> TimeUs {
        whole_ms_to_us(self.spec.failover.reconnect_ms)
    }

    pub fn standby_index(&self) -> Option<usize> {
        (0..self.nodes.len()).find(|&i| i != self.leader)
    }

    pub fn is_sync(&self) -> bool {
        self.spec.replication == Replication::Sync
    }

    /// Record an acknowledged write that reaches the standby at `arrives_at` (MAX: never).
    pub fn replicate(&mut self, arrives_at: TimeUs, acked_at: TimeUs) {
        let apply_us = ms_to_us(self.spec.apply_ms);
        self.replication.push(arrives_at, acked_at, apply_us);
    }

    /// Writes acknowledged but not yet applied on the standby, and the age of the oldest
    /// (µs): how far behind the standby is. Forgets what the standby has applied.
    pub fn lag(&mut self, now: TimeUs) -> (u64, TimeUs) {
        self.replication.trim(now);
        self.replication.lag_at(now)
    }

    /// Patroni's `maximum_lag_on_failover` compares the standby with the last position the
    /// leader published (at its last lock renewal): writes acknowledged by then that the
    /// standby has not received by `now`.
    pub fn missing_since_renewal(&self, now: TimeUs) -> u64 {
        self.replication.missing_since(self.renewed_at, now)
    }

    /// `lag` without trimming (for snapshots).
    pub fn lag_at(&self, now: TimeUs) -> (u64, TimeUs) {
        self.replication.lag_at(now)
    }

    /// Writes acknowledged by `cutoff` that had not reached the standby by then: lost if
    /// the standby is promoted (the RPO). Writes not yet acknowledged are not data loss:
    /// their client gets an error.
    pub fn unreplicated_at(&self, cutoff: TimeUs) -> u64 {
        self.replication.unreplicated_at(cutoff)
    }

    /// Start a new replication history after a promotion (the new standby, if any, starts
    /// from the new primary's state).
    pub fn reset_replication(&mut self, now: TimeUs) {
        self.replication.reset(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DbFailover, Replication, Standby};

    fn cluster() -> DatabaseCluster {
        let spec = DatabaseSpec {
            name: "p".into(),
            zone: None,
            standby: Some(Standby {
                name: "s".into(),
                zone: None,
                failures: None,
            }),
            replication: Replication::Async,
            strict_sync: false,
            query_ms: 1.0,
            apply_ms: 1.0,
            query_timeout_ms: 1_000,
            read_from_standby: false,
            failover: DbFailover::default(),
            fencing: true,
            failures: None,
        };
        DatabaseCluster::new(&spec, 10)
    }

    #[test]
    fn rpo_counts_acknowledged_writes_that_never_arrived() {
        let mut c = cluster();
        c.replicate(1_000, 500); // arrives at 1 ms
        c.replicate(3_000, 2_500); // in flight at 2.6 ms
        c.replicate(TimeUs::MAX, 2_700); // never shipped
        c.replicate(5_000, 4_000); // acknowledged after the cut-off: not data loss
        assert_eq!(c.unreplicated_at(2_800), 2);
        // Lag: the FIFO apply queue, oldest unapplied write first.
        assert_eq!(c.lag_at(2_000).0, 3);
    }

    #[test]
    fn maximum_lag_looks_at_what_the_leader_published() {
        let mut c = cluster();
        c.renewed_at = 10_000;
        c.replicate(TimeUs::MAX, 5_000); // known to the DCS, never received
        c.replicate(TimeUs::MAX, 20_000); // after the last renewal: unknown to the DCS
        assert_eq!(c.missing_since_renewal(30_000), 1);
    }
}
