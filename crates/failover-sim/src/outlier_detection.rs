//! Outlier detection: real traffic, not probes, takes a failing host out of rotation. It is
//! what catches a *gray* failure (a host that answers its health check but fails requests).
//!
//! - Envoy `outlier_detection` (`OutlierDetection`, per-host `OutlierHost`): after
//!   `consecutive_5xx` failed responses in a row (a 5xx, or a connect failure / reset /
//!   timeout, which Envoy reports as 5xx unless `split_external_local_origin_errors`) the
//!   host is ejected at once, unless that would eject more than `max_ejection_percent` of
//!   the hosts (at least one host may always be ejected). Envoy's detector runs a timer every
//!   `interval` from the cluster's start: a host comes back at the first tick at least
//!   min(`base_ejection_time` × multiplier, `max_ejection_time`) after its ejection, and the
//!   multiplier (`ejectTimeBackoff`) grows by one per ejection and shrinks by one per tick
//!   the host spends back in rotation (counted from `interval` after its return). So a host
//!   ejected again soon after it came back stays out twice as long.
//! - HAProxy `observe layer7` + `error-limit` + `on-error` (`Observe`): `error-limit`
//!   consecutive failed responses trigger the `on-error` action on the server's *active*
//!   check state (a simulated failed check, a pre-fatal one, or DOWN at once), then the count
//!   starts again. It needs active checks to bring the server back.
//!
//! Pure bookkeeping here; the engine (`engine/outlier_ejection.rs`) calls it from the request
//! path and writes the log.
use super::time::{whole_ms_to_us, TimeUs};
use serde::{Deserialize, Serialize};

/// Envoy's cluster `outlier_detection`, with Envoy's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlierDetection {
    /// Failed responses in a row that eject a host (Envoy `consecutive_5xx`, 5).
    #[serde(default = "default_consecutive_5xx")]
    pub consecutive_5xx: u32,
    /// Period of the detector's timer: ejections end on its ticks (Envoy `interval`, 10 s).
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    /// Ejection time per ejection multiplier (Envoy `base_ejection_time`, 30 s).
    #[serde(default = "default_base_ejection_time_ms")]
    pub base_ejection_time_ms: u64,
    /// Cap on the ejection time (Envoy `max_ejection_time`, 300 s).
    #[serde(default = "default_max_ejection_time_ms")]
    pub max_ejection_time_ms: u64,
    /// Most hosts ejected at once, in percent of the targets; one host may always be
    /// ejected (Envoy `max_ejection_percent`, 10 %).
    #[serde(default = "default_max_ejection_percent")]
    pub max_ejection_percent: u32,
}

fn default_consecutive_5xx() -> u32 {
    5
}
fn default_interval_ms() -> u64 {
    10_000
}
fn default_base_ejection_time_ms() -> u64 {
    30_000
}
fn default_max_ejection_time_ms() -> u64 {
    300_000
}
fn default_max_ejection_percent() -> u32 {
    10
}

impl Default for OutlierDetection {
    fn default() -> Self {
        OutlierDetection {
            consecutive_5xx: default_consecutive_5xx(),
            interval_ms: default_interval_ms(),
            base_ejection_time_ms: default_base_ejection_time_ms(),
            max_ejection_time_ms: default_max_ejection_time_ms(),
            max_ejection_percent: default_max_ejection_percent(),
        }
    }
}

impl OutlierDetection {
    /// May one more host be ejected while `ejected` of `hosts` are? Envoy: yes if the
    /// ejected share stays within `max_ejection_percent`, and always for the first one.
    pub fn may_eject(&self, ejected: usize, hosts: usize) -> bool {
        ejected == 0
            || (ejected as u64 + 1) * 100 <= self.max_ejection_percent as u64 * hosts as u64
    }

    /// The first tick of the detector's timer at or after `t` (ticks at k × interval, k ≥ 1).
    fn tick_at_or_after(&self, t: TimeUs) -> TimeUs {
        let i = whole_ms_to_us(self.interval_ms).max(1);
        t.div_ceil(i).max(1) * i
    }
}

/// Envoy's per-host outlier state (`DetectorHostMonitorImpl`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutlierHost {
    /// Failed responses in a row so far.
    pub consecutive_5xx: u32,
    /// Envoy's `ejectTimeBackoff`: the ejection time is base × this.
    pub backoff: u32,
    /// Ejections so far (the UI and the log).
    pub ejections: u32,
    /// Out of rotation before this time (0: never ejected). Also when it came back.
    pub ejected_until_us: TimeUs,
    /// When the current (or last) ejection began.
    pub ejected_at_us: TimeUs,
}

/// What a response did to a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierVerdict {
    /// Nothing to report.
    Counted,
    /// Ejected until `until_us` (for `duration_us` at least, rounded up to a tick).
    Ejected {
        until_us: TimeUs,
        duration_us: TimeUs,
    },
    /// The threshold was reached but `max_ejection_percent` forbade the ejection.
    Capped,
}

impl OutlierHost {
    pub fn ejected(&self, now: TimeUs) -> bool {
        now < self.ejected_until_us
    }

    /// A success resets the run of failures (any non-5xx answer does, in Envoy).
    #[inline]
    pub fn succeeded(&mut self) {
        self.consecutive_5xx = 0;
    }

    /// A failed response; `ejected_now` is how many of `hosts` are ejected at `now`.
    pub fn failed(
        &mut self,
        od: &OutlierDetection,
        now: TimeUs,
        ejected_now: usize,
        hosts: usize,
    ) -> OutlierVerdict {
        if self.ejected(now) {
            return OutlierVerdict::Counted; // answers of requests sent before the ejection
        }
        self.consecutive_5xx += 1;
        if self.consecutive_5xx < od.consecutive_5xx {
            return OutlierVerdict::Counted;
        }
        // Envoy resets the count whether or not the ejection is allowed.
        self.consecutive_5xx = 0;
        if !od.may_eject(ejected_now, hosts) {
            return OutlierVerdict::Capped;
        }
        self.decay_backoff(od, now);
        let base = whole_ms_to_us(od.base_ejection_time_ms);
        let max = whole_ms_to_us(od.max_ejection_time_ms);
        // Envoy grows the multiplier only while base × multiplier < max + base.
        if (self.backoff as u64).saturating_mul(base) < max.saturating_add(base) {
            self.backoff += 1;
        }
        let duration_us = (base.saturating_mul(self.backoff as u64)).min(max);
        let until_us = od.tick_at_or_after(now.saturating_add(duration_us));
        self.ejections += 1;
        self.ejected_at_us = now;
        self.ejected_until_us = until_us;
        OutlierVerdict::Ejected {
            until_us,
            duration_us,
        }
    }

    /// Envoy takes one off the multiplier at every tick the host spends back in rotation,
    /// from `interval` after its return.
    fn decay_backoff(&mut self, od: &OutlierDetection, now: TimeUs) {
        if self.ejections == 0 {
            return;
        }
        let i = whole_ms_to_us(od.interval_ms).max(1);
        let first = self.ejected_until_us.saturating_add(i);
        if now < first {
            return;
        }
        let ticks = now / i - (first.div_ceil(i)) + 1;
        self.backoff = self
            .backoff
            .saturating_sub(ticks.min(u32::MAX as u64) as u32);
    }
}

/// HAProxy `on-error`: what `error-limit` consecutive errors do to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnError {
    /// Only check faster (`fastinter`) from now on.
    Fastinter,
    /// Count as one failed check, and check faster (HAProxy's default).
    FailCheck,
    /// Leave the server one failed check from DOWN, and check faster.
    SuddenDeath,
    /// Mark the server DOWN at once, and check faster.
    MarkDown,
}

impl OnError {
    pub fn name(self) -> &'static str {
        match self {
            OnError::Fastinter => "fastinter",
            OnError::FailCheck => "fail-check",
            OnError::SuddenDeath => "sudden-death",
            OnError::MarkDown => "mark-down",
        }
    }
}

/// HAProxy server `observe layer7 error-limit N on-error ACTION`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observe {
    /// Consecutive failed responses that trigger `on_error` (HAProxy `error-limit`, 10).
    #[serde(default = "default_error_limit")]
    pub error_limit: u32,
    #[serde(default = "default_on_error")]
    pub on_error: OnError,
}

fn default_error_limit() -> u32 {
    10
}
fn default_on_error() -> OnError {
    OnError::FailCheck
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multiplier_decays_one_per_tick_back_in_rotation() {
        let od = OutlierDetection::default();
        let mut h = OutlierHost::default();
        let eject = |h: &mut OutlierHost, at_s: u64| {
            for _ in 0..5 {
                h.failed(&od, at_s * 1_000_000, 0, 10);
            }
        };
        eject(&mut h, 1);
        assert_eq!((h.backoff, h.ejected_until_us), (1, 40_000_000));
        // Back at 40 s; ejected again at 45 s (before a tick back in rotation): 60 s.
        eject(&mut h, 45);
        assert_eq!((h.backoff, h.ejected_until_us), (2, 110_000_000));
        // Back at 110 s; ticks at 120, 130, 140 s count (from interval after the return):
        // 2 − 3 → 0, then +1 = 1 at 145 s.
        eject(&mut h, 145);
        assert_eq!(h.backoff, 1);
    }

    #[test]
    fn one_host_may_always_be_ejected_and_at_most_the_percentage() {
        let od = OutlierDetection::default();
        assert!(od.may_eject(0, 3));
        assert!(!od.may_eject(1, 3));
        assert!(od.may_eject(1, 20));
        assert!(!od.may_eject(2, 20));
    }
}
