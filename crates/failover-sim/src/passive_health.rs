//! Passive health (NGINX `max_fails` / `fail_timeout`): real traffic, not probes, marks an
//! upstream down. `max_fails` failures within one `fail_timeout` window mark it down for
//! `fail_timeout`; then it gets traffic again, and one more failure may mark it down again.
//!
//! Used by the balancer for its instances and by the API gateway for its balancers: both
//! learn of a dead upstream only from the requests they send it.
use super::scenario::PassiveHealth;
use super::time::{whole_ms_to_us, TimeUs};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassiveMark {
    /// Failures counted in the current window, and when it started.
    pub fails: u32,
    pub window_start: TimeUs,
    /// Marked down until this time.
    pub down_until: TimeUs,
}

impl PassiveMark {
    pub fn ok(&self, now: TimeUs) -> bool {
        now >= self.down_until
    }

    /// Count one failed request; returns true if this failure marked the upstream down.
    pub fn fail(&mut self, p: &PassiveHealth, now: TimeUs) -> bool {
        let window = whole_ms_to_us(p.fail_timeout_ms);
        if now < self.down_until {
            return false;
        }
        if now >= self.window_start + window {
            self.window_start = now;
            self.fails = 0;
        }
        self.fails += 1;
        if self.fails >= p.max_fails {
            self.down_until = now + window;
            self.fails = 0;
            self.window_start = now + window;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_fails_within_the_window_marks_down_for_fail_timeout() {
        let p = PassiveHealth {
            max_fails: 2,
            fail_timeout_ms: 10_000,
        };
        let mut m = PassiveMark::default();
        assert!(!m.fail(&p, 1_000_000));
        // The second failure comes after the window: the count restarts.
        assert!(!m.fail(&p, 12_000_000));
        assert!(m.fail(&p, 13_000_000));
        assert!(!m.ok(22_999_999));
        assert!(m.ok(23_000_000));
    }
}
