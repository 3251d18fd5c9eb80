//! The recovery half's overlays on an `Up` instance, kept apart from the gray-failure ones:
//!
//! - a pushed configuration's error rate (`push-config`, a `canary` batch): 1.0 is a broken
//!   config (every request and the health check fail), less is a partly broken one that
//!   still passes its check (a gray failure only traffic can see);
//! - flapping (`flap`): failing and passing (requests and checks) in turns of `period`;
//! - a cold start (`cold_start`): service times multiplied until the warm-up is over.
use super::time::TimeUs;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overlays {
    pub config_error_rate: f64,
    /// Half-period of a flap (failing, then passing, for this long each); 0: not flapping.
    pub flap_period_us: TimeUs,
    pub flap_since_us: TimeUs,
    /// Service time multiplier (1.0 when warm).
    pub cold_multiplier: f64,
}

impl Default for Overlays {
    fn default() -> Self {
        Overlays {
            config_error_rate: 0.0,
            flap_period_us: 0,
            flap_since_us: 0,
            cold_multiplier: 1.0,
        }
    }
}

impl Overlays {
    /// A bad config or a flap is on (a cold start is not a fault).
    #[inline]
    pub fn faulty(&self) -> bool {
        self.config_error_rate > 0.0 || self.flap_period_us > 0
    }

    /// In a failing turn of a flap: the first turn fails.
    pub fn flap_failing(&self, now: TimeUs) -> bool {
        self.flap_period_us > 0
            && (now.saturating_sub(self.flap_since_us) / self.flap_period_us).is_multiple_of(2)
    }

    /// Does the health check fail now? A broken config's does, a partly broken one's not.
    pub fn check_fails(&self, now: TimeUs) -> bool {
        self.config_error_rate >= 1.0 || self.flap_failing(now)
    }

    /// `heal` (or a rollback) removes the faults; the cold start runs its course.
    pub fn clear_faults(&mut self) {
        self.config_error_rate = 0.0;
        self.flap_period_us = 0;
    }

    pub fn is_cold(&self) -> bool {
        self.cold_multiplier != 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flap_fails_then_passes_in_turns() {
        let o = Overlays {
            flap_period_us: 4_000_000,
            flap_since_us: 10_000_000,
            ..Overlays::default()
        };
        assert!(o.flap_failing(10_000_000));
        assert!(o.flap_failing(13_999_999));
        assert!(!o.flap_failing(14_000_000));
        assert!(o.flap_failing(18_000_000));
        assert!(o.check_fails(18_500_000));
    }
}
