//! Slow start: a target that comes back into rotation gets a growing share of the traffic
//! over a window instead of its full share at once (a cold cache, JIT, connection pools).
//!
//! Three vendors' ramps of the weight fraction, `elapsed` after the target came back:
//! - HAProxy `slowstart`: linear, recomputed once a second (whole seconds), never below one
//!   weight step (1/256); not at the process's first start.
//! - Envoy `slow_start_config`: `max(min_weight_percent, (t / slow_start_window)^(1/aggression))`
//!   with t at least 1 s (`shared/reference/semantics.md`); aggression 1 is linear, larger
//!   values give more traffic early.
//! - AWS ALB `slow_start.duration_seconds`: linear from 0.
//!
//! Consistent hashing ignores slow start (as Envoy's ring hash does).
use super::time::{whole_ms_to_us, TimeUs, US_PER_S};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlowStartRamp {
    Haproxy,
    Envoy,
    Alb,
}

impl SlowStartRamp {
    pub fn name(self) -> &'static str {
        match self {
            SlowStartRamp::Haproxy => "haproxy",
            SlowStartRamp::Envoy => "envoy",
            SlowStartRamp::Alb => "alb",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlowStart {
    /// Whose ramp: `haproxy` (`slowstart`), `envoy` (`slow_start_window`) or `alb`
    /// (`slow_start.duration_seconds`).
    #[serde(default = "default_ramp")]
    pub ramp: SlowStartRamp,
    /// How long the ramp lasts.
    pub window_ms: u64,
    /// Envoy `aggression` (1.0: linear).
    #[serde(default = "default_aggression")]
    pub aggression: f64,
    /// Envoy `min_weight_percent` (10 %).
    #[serde(default = "default_min_weight_percent")]
    pub min_weight_percent: f64,
}

fn default_ramp() -> SlowStartRamp {
    SlowStartRamp::Haproxy
}
fn default_aggression() -> f64 {
    1.0
}
fn default_min_weight_percent() -> f64 {
    10.0
}

/// HAProxy's smallest weight step during slow start.
const HAPROXY_MIN_FRACTION: f64 = 1.0 / 256.0;

impl SlowStart {
    pub fn window_us(&self) -> TimeUs {
        whole_ms_to_us(self.window_ms)
    }

    /// The fraction (0, 1] of its weight a target gets `elapsed_us` after it came back.
    pub fn weight_fraction(&self, elapsed_us: TimeUs) -> f64 {
        let window = self.window_us();
        if elapsed_us >= window || window == 0 {
            return 1.0;
        }
        match self.ramp {
            SlowStartRamp::Haproxy => {
                let whole_s = (elapsed_us / US_PER_S * US_PER_S) as f64;
                (whole_s / window as f64).max(HAPROXY_MIN_FRACTION)
            }
            SlowStartRamp::Alb => elapsed_us as f64 / window as f64,
            SlowStartRamp::Envoy => {
                let t = elapsed_us.max(US_PER_S) as f64 / window as f64;
                let ramp = libm::pow(t.min(1.0), 1.0 / self.aggression);
                ramp.max(self.min_weight_percent / 100.0).min(1.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ss(ramp: SlowStartRamp) -> SlowStart {
        SlowStart {
            ramp,
            window_ms: 60_000,
            aggression: 1.0,
            min_weight_percent: 10.0,
        }
    }

    #[test]
    fn the_three_ramps() {
        let alb = ss(SlowStartRamp::Alb);
        assert_eq!(alb.weight_fraction(15_000_000), 0.25);
        assert_eq!(alb.weight_fraction(60_000_000), 1.0);
        let ha = ss(SlowStartRamp::Haproxy);
        assert_eq!(ha.weight_fraction(15_900_000), 0.25);
        assert_eq!(ha.weight_fraction(0), 1.0 / 256.0);
        let mut envoy = ss(SlowStartRamp::Envoy);
        assert_eq!(envoy.weight_fraction(3_000_000), 0.1); // min_weight_percent
        assert_eq!(envoy.weight_fraction(30_000_000), 0.5);
        envoy.aggression = 2.0;
        assert!((envoy.weight_fraction(15_000_000) - 0.5).abs() < 1e-12);
    }
}
