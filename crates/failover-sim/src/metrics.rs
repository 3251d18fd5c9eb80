//! Metrics with bounded memory: running totals, a latency histogram, a ring of per-second
//! buckets (charts), and a ring of failure records (fault → detected → rerouted →
//! recovered). Never a list of every request.
//!
//! Invariant (checked by tests at every step): `sent == succeeded + failed + in_flight`.
use super::histogram::Histogram;
use super::limits::{FAILURES_KEPT, SECONDS_KEPT};
use super::time::{TimeUs, US_PER_S};
use serde::Serialize;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    NoHealthyTarget,
    ConnectionRefused,
    Timeout,
    QueueFull,
    CrashedInFlight,
    ServerError,
    /// The client could not resolve the DNS name (the DNS service is down).
    DnsFailure,
    /// HAProxy's 503 after `timeout queue`: every server was at its `maxconn` for that long.
    QueueTimeout,
}

impl FailureReason {
    pub const ALL: [FailureReason; 8] = [
        FailureReason::NoHealthyTarget,
        FailureReason::ConnectionRefused,
        FailureReason::Timeout,
        FailureReason::QueueFull,
        FailureReason::CrashedInFlight,
        FailureReason::ServerError,
        FailureReason::DnsFailure,
        FailureReason::QueueTimeout,
    ];
    pub const COUNT: usize = 8;

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            FailureReason::NoHealthyTarget => "no_healthy_target",
            FailureReason::ConnectionRefused => "connection_refused",
            FailureReason::Timeout => "timeout",
            FailureReason::QueueFull => "queue_full",
            FailureReason::CrashedInFlight => "crashed_in_flight",
            FailureReason::ServerError => "server_error",
            FailureReason::DnsFailure => "dns_failure",
            FailureReason::QueueTimeout => "queue_timeout",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FailureReason::NoHealthyTarget => "no healthy target (503)",
            FailureReason::ConnectionRefused => "connection refused",
            FailureReason::Timeout => "timeout",
            FailureReason::QueueFull => "queue full (503)",
            FailureReason::CrashedInFlight => "crashed while in flight",
            FailureReason::ServerError => "server error (500)",
            FailureReason::DnsFailure => "DNS resolution failed",
            FailureReason::QueueTimeout => "queue timeout (503)",
        }
    }
}

/// Every finished request sorted by why it ended as it did, for the availability breakdown
/// (`reliability/breakdown.rs`). Counted in `finish`, from the state the run was in when the
/// request arrived: reporting only, it never changes what happens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// Failed, having arrived while nothing could serve (the topology's structure function
    /// false: every instance down, the balancer down, …): what the analytic figure predicts.
    pub failed_while_down: u64,
    /// Failed while the topology could serve, on a failed component still in rotation
    /// (before its health check marked it down), a request it held when it failed, or no
    /// target yet back in rotation after a repair (`rise` checks): the detection window.
    pub failed_in_detection: u64,
    /// Refused for want of capacity (a full queue, 503) while the topology could serve, or
    /// lost to an instance over capacity (a queue past the timeout, checks timed out).
    pub failed_for_capacity: u64,
    /// Server errors (gray failure) while the topology could serve.
    pub failed_other: u64,
    /// Succeeded after an attempt on a failed node: a retry or a redispatch saved it.
    pub saved_by_retry: u64,
}

/// One second of simulated time.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SecondBucket {
    pub second: u64,
    pub sent: u32,
    pub succeeded: u32,
    pub failed: [u32; FailureReason::COUNT],
    pub retried: u32,
    /// Most writes waiting to reach or be applied on the standby during this second.
    pub replication_lag_writes: u64,
    /// Latency quantiles of the requests that succeeded in this second (µs), 0 if none.
    pub p50_us: u64,
    pub p99_us: u64,
}

impl SecondBucket {
    pub fn failed_total(&self) -> u32 {
        self.failed.iter().sum()
    }

    /// Succeeded / finished in this second; None when nothing finished.
    pub fn availability(&self) -> Option<f64> {
        let finished = self.succeeded + self.failed_total();
        (finished > 0).then(|| self.succeeded as f64 / finished as f64)
    }
}

/// The life of one failure, for MTTD / MTTR and the timeline.
#[derive(Clone, Debug, Serialize)]
pub struct FailureRecord {
    pub node: u32,
    pub node_name: String,
    pub fault: String,
    pub fault_at_us: TimeUs,
    /// A balancer marked it down (active or passive health).
    pub detected_at_us: Option<TimeUs>,
    /// Marked down *and* no attempt against it still outstanding.
    pub rerouted_at_us: Option<TimeUs>,
    /// Healed and back in every balancer's rotation.
    pub recovered_at_us: Option<TimeUs>,
    /// Requests that failed because of this node while it was failed.
    pub lost_requests: u64,
    /// Requests that hit this node while failed but succeeded after a retry elsewhere.
    pub saved_by_retry: u64,
    /// Detected by whom ("lb-1 health check: fall=3 × inter=2 s").
    pub detected_by: Option<String>,
    /// An "overloaded" record: the instance's load against its capacity when it went over
    /// (offered ÷ (workers ÷ mean service time)), for the cascade's story.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utilisation_percent: Option<u32>,
}

/// The failure-record faults that are load, not breakage: an instance over capacity and a
/// liveness restart of a busy one (`engine/overload.rs`).
pub const OVERLOAD_FAULTS: [&str; 2] = ["overloaded", "liveness restart"];

impl FailureRecord {
    pub fn is_open(&self) -> bool {
        self.recovered_at_us.is_none()
    }

    /// Load, not breakage (`OVERLOAD_FAULTS`).
    pub fn is_overload(&self) -> bool {
        OVERLOAD_FAULTS.contains(&self.fault.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Metrics {
    pub sent: u64,
    pub succeeded: u64,
    pub failed: [u64; FailureReason::COUNT],
    pub retried: u64,
    pub latency: Histogram,
    /// Current second's latencies (for the per-second p50/p99), folded into the ring.
    second_latency: Histogram,
    pub seconds: VecDeque<SecondBucket>,
    pub failures: VecDeque<FailureRecord>,
    pub failures_total: u64,
    pub attribution: Attribution,
    /// End of the second the last bucket covers (the hot path's bound).
    bucket_end_us: TimeUs,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut seconds = VecDeque::with_capacity(SECONDS_KEPT);
        seconds.push_back(SecondBucket::default());
        Metrics {
            sent: 0,
            succeeded: 0,
            failed: [0; FailureReason::COUNT],
            retried: 0,
            latency: Histogram::default(),
            second_latency: Histogram::default(),
            seconds,
            failures: VecDeque::new(),
            failures_total: 0,
            attribution: Attribution::default(),
            bucket_end_us: US_PER_S,
        }
    }
}

impl Metrics {
    pub fn failed_total(&self) -> u64 {
        self.failed.iter().sum()
    }

    pub fn finished(&self) -> u64 {
        self.succeeded + self.failed_total()
    }

    /// Succeeded / finished over the whole run (1.0 before anything finished).
    pub fn availability(&self) -> f64 {
        let f = self.finished();
        if f == 0 {
            1.0
        } else {
            self.succeeded as f64 / f as f64
        }
    }

    /// Advance the per-second ring to the second containing `now`, closing finished
    /// seconds (empty seconds get empty buckets so charts show gaps truthfully).
    #[inline]
    fn bucket(&mut self, now: TimeUs) -> &mut SecondBucket {
        // Hot path (every request): still inside the current second.
        if now >= self.bucket_end_us {
            self.roll_to(now);
        }
        // The ring is never empty: it starts with one bucket and only pops before a push.
        let last = self.seconds.len() - 1;
        &mut self.seconds[last]
    }

    /// Close the seconds before the one containing `now` and open that one.
    #[cold]
    #[inline(never)]
    fn roll_to(&mut self, now: TimeUs) {
        let sec = now / US_PER_S;
        self.bucket_end_us = (sec + 1) * US_PER_S;
        loop {
            let cur = self.seconds.back().map(|b| b.second).unwrap_or(0);
            if cur >= sec {
                break;
            }
            if let Some(b) = self.seconds.back_mut() {
                b.p50_us = self.second_latency.quantile(0.5);
                b.p99_us = self.second_latency.quantile(0.99);
            }
            self.second_latency.clear();
            // A long idle gap is skipped to its last SECONDS_KEPT seconds.
            let next = if sec - cur > SECONDS_KEPT as u64 {
                sec - SECONDS_KEPT as u64 + 1
            } else {
                cur + 1
            };
            if self.seconds.len() == SECONDS_KEPT {
                self.seconds.pop_front();
            }
            self.seconds.push_back(SecondBucket {
                second: next,
                ..SecondBucket::default()
            });
        }
    }

    pub fn tick(&mut self, now: TimeUs) {
        self.bucket(now);
    }

    pub fn on_sent(&mut self, now: TimeUs) {
        self.sent += 1;
        self.bucket(now).sent += 1;
    }

    pub fn note_replication_lag(&mut self, now: TimeUs, lag_writes: u64) {
        let b = self.bucket(now);
        b.replication_lag_writes = b.replication_lag_writes.max(lag_writes);
    }

    pub fn on_retry(&mut self, now: TimeUs) {
        self.retried += 1;
        self.bucket(now).retried += 1;
    }

    pub fn on_success(&mut self, now: TimeUs, latency_us: TimeUs) {
        self.succeeded += 1;
        self.latency.record(latency_us);
        self.bucket(now).succeeded += 1;
        self.second_latency.record(latency_us);
    }

    pub fn on_failure(&mut self, now: TimeUs, reason: FailureReason) {
        self.failed[reason.index()] += 1;
        self.bucket(now).failed[reason.index()] += 1;
    }

    /// Sort a failed request for the breakdown: `system_up` is whether the topology could
    /// serve when it arrived.
    /// `overload`: the failure it is blamed on is an instance over capacity (or restarted
    /// for being slow), so a timeout or a missing healthy target is for want of capacity.
    pub fn attribute_failure(&mut self, reason: FailureReason, system_up: bool, overload: bool) {
        let a = &mut self.attribution;
        match (system_up, reason) {
            (false, _) => a.failed_while_down += 1,
            // A full queue and a queue timeout (maxconn) both say: more load than servers.
            (true, FailureReason::QueueFull | FailureReason::QueueTimeout) => {
                a.failed_for_capacity += 1
            }
            (true, FailureReason::ServerError) => a.failed_other += 1,
            (true, _) if overload => a.failed_for_capacity += 1,
            (true, _) => a.failed_in_detection += 1,
        }
    }

    pub fn open_failure(&mut self, rec: FailureRecord) {
        if self.failures.len() == FAILURES_KEPT {
            self.failures.pop_front();
        }
        self.failures.push_back(rec);
        self.failures_total += 1;
    }

    /// The open failure record of a node, if it is currently failed.
    pub fn open_record(&mut self, node: u32) -> Option<&mut FailureRecord> {
        self.failures
            .iter_mut()
            .rev()
            .find(|r| r.node == node && r.is_open())
    }

    /// The node is healthy again: close its open failure record, if any.
    pub fn close_record(&mut self, node: u32, now: TimeUs) {
        if let Some(rec) = self.open_record(node) {
            rec.recovered_at_us = Some(now);
        }
    }

    /// The last `n` closed-or-current seconds, oldest first.
    pub fn last_seconds(&self, n: usize) -> Vec<SecondBucket> {
        let skip = self.seconds.len().saturating_sub(n);
        self.seconds.iter().skip(skip).cloned().collect()
    }
}
