//! Overload metrics with bounded memory (a ring of seconds, like `metrics.rs`): retries per
//! second by layer (client, gateway, balancer), the serving capacity in force, requests shed,
//! refused by a circuit breaker or dropped past their deadline; and each instance's arrivals
//! in the last whole second, for its utilisation (offered load ÷ capacity).
use super::limits::SECONDS_KEPT;
use super::time::{TimeUs, US_PER_S};
use serde::Serialize;
use std::collections::VecDeque;

/// Where a retry was made. The product of (1 + retries) over the layers bounds the
/// attempts one user request can cause (retry amplification).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryLayer {
    Client,
    Gateway,
    Balancer,
}

impl RetryLayer {
    pub const ALL: [RetryLayer; 3] = [
        RetryLayer::Client,
        RetryLayer::Gateway,
        RetryLayer::Balancer,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            RetryLayer::Client => "client (SDK)",
            RetryLayer::Gateway => "gateway",
            RetryLayer::Balancer => "balancer",
        }
    }
}

/// One second of the overload series.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OverloadSecond {
    pub second: u64,
    /// Retries sent in this second, by `RetryLayer::index`.
    pub retries: [u32; 3],
    /// Requests per second the instances that were up could serve when the second began
    /// (Σ workers ÷ mean service time).
    pub capacity_rps: f64,
    pub shed: u32,
    pub overflow: u32,
    pub dropped_expired: u32,
}

#[derive(Clone, Debug)]
pub struct OverloadMetrics {
    pub seconds: VecDeque<OverloadSecond>,
    pub retries_total: [u64; 3],
    pub shed_total: u64,
    pub overflow_total: u64,
    pub dropped_expired_total: u64,
    pub budget_denied_total: u64,
    pub quota_denied_total: u64,
    /// Attempts that reached any instance, in all (first tries and every layer's retries).
    pub instance_attempts_total: u64,
    /// Attempts that reached each instance in the current second, and in the last whole one.
    pub arrivals: Vec<u32>,
    pub last_arrivals: Vec<u32>,
    /// When the instance last shed a request (the "shedding" state lasts a second).
    pub last_shed_us: Vec<Option<TimeUs>>,
    /// End of the current second (µs).
    pub second_end_us: TimeUs,
}

impl OverloadMetrics {
    pub fn new(instances: usize) -> Self {
        OverloadMetrics {
            seconds: VecDeque::from([OverloadSecond::default()]),
            retries_total: [0; 3],
            shed_total: 0,
            overflow_total: 0,
            dropped_expired_total: 0,
            budget_denied_total: 0,
            quota_denied_total: 0,
            instance_attempts_total: 0,
            arrivals: vec![0; instances],
            last_arrivals: vec![0; instances],
            last_shed_us: vec![None; instances],
            second_end_us: US_PER_S,
        }
    }

    /// Whether `now` is past the current second (the engine then rolls with the capacity).
    #[inline]
    pub fn needs_roll(&self, now: TimeUs) -> bool {
        now >= self.second_end_us
    }

    /// Open the second containing `now`, with the capacity in force. Arrival counts move to
    /// `last_arrivals` (zero when a whole second passed without a roll).
    #[cold]
    pub fn roll(&mut self, now: TimeUs, capacity_rps: f64) {
        let sec = now / US_PER_S;
        let contiguous = sec == self.second_end_us / US_PER_S;
        for (last, cur) in self.last_arrivals.iter_mut().zip(self.arrivals.iter_mut()) {
            *last = if contiguous { *cur } else { 0 };
            *cur = 0;
        }
        self.second_end_us = (sec + 1) * US_PER_S;
        if self.seconds.len() == SECONDS_KEPT {
            self.seconds.pop_front();
        }
        self.seconds.push_back(OverloadSecond {
            second: sec,
            capacity_rps,
            ..OverloadSecond::default()
        });
    }

    /// The current second (the ring is never empty).
    pub fn current(&mut self) -> &mut OverloadSecond {
        let last = self.seconds.len() - 1;
        &mut self.seconds[last]
    }

    /// The last `n` seconds, oldest first.
    pub fn last_seconds(&self, n: usize) -> Vec<OverloadSecond> {
        let skip = self.seconds.len().saturating_sub(n);
        self.seconds.iter().skip(skip).cloned().collect()
    }
}
