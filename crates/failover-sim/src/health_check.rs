//! Active health checking of one target by one balancer, with HAProxy's semantics.
//!
//! States (what the balancer *believes*, which lags what is true):
//! - `Up`: in rotation.
//! - `Suspect(n)`: n consecutive failed checks, fewer than `fall`: still in rotation
//!   (HAProxy "UP, going down"). Checks now run every `fastinter`.
//! - `Down`: out of rotation; checks every `downinter`.
//! - `Rising(n)`: n consecutive successes after Down, fewer than `rise`: still out of
//!   rotation (HAProxy "DOWN, going up"); checks every `fastinter`.
//! - `Initial(n)`: a new target that must pass `rise` checks before its first traffic
//!   (AWS ALB `initial`, Kubernetes not-ready); out of rotation.
//!
//! Checks run at a fixed phase: the next check starts `interval` after the previous one
//! *started* (never before its result), so with interval I and `fall` F a crash is marked
//! down between (F−1)·I and F·I after it happened, plus the check timeout when the host
//! hangs instead of refusing — the arithmetic of `shared/reference/semantics.md`.
use super::scenario::ResolvedCheck;
use super::time::{whole_ms_to_us, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthState {
    Up,
    Suspect(u32),
    Down,
    Rising(u32),
    Initial(u32),
}

impl HealthState {
    pub fn in_rotation(self) -> bool {
        matches!(self, HealthState::Up | HealthState::Suspect(_))
    }

    pub fn name(self) -> &'static str {
        match self {
            HealthState::Up => "up",
            HealthState::Suspect(_) => "suspected",
            HealthState::Down => "down",
            HealthState::Rising(_) => "rising",
            HealthState::Initial(_) => "initial",
        }
    }

    /// "2/3 checks failed" style detail for the UI.
    pub fn detail(self, cfg: &ResolvedCheck) -> String {
        match self {
            HealthState::Up => "healthy".into(),
            HealthState::Suspect(n) => format!("{n}/{} checks failed", cfg.fall),
            HealthState::Down => "marked down".into(),
            HealthState::Rising(n) => format!("{n}/{} checks passed", cfg.rise),
            HealthState::Initial(n) => format!("initial: {n}/{} checks passed", cfg.rise),
        }
    }
}

/// A change of belief worth reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Suspected,
    MarkedDown,
    MarkedUp,
    /// Back to Up from Suspect: the failures were a blip.
    Cleared,
}

#[derive(Clone, Debug)]
pub struct Checker {
    pub balancer: u32,
    /// Index of the target in the balancer's target list.
    pub slot: u32,
    pub instance: u32,
    pub state: HealthState,
    /// Bumped on reconfiguration and on balancer failure: pending check events go stale.
    pub seq: u32,
    /// Start time of the check in progress (None when idle).
    pub started_at: Option<TimeUs>,
    pub checks_run: u64,
}

impl Checker {
    pub fn new(balancer: u32, slot: u32, instance: u32, cfg: &ResolvedCheck) -> Self {
        Checker {
            balancer,
            slot,
            instance,
            state: Self::start_state(cfg),
            seq: 0,
            started_at: None,
            checks_run: 0,
        }
    }

    pub fn start_state(cfg: &ResolvedCheck) -> HealthState {
        if cfg.start_healthy {
            HealthState::Up
        } else {
            HealthState::Initial(0)
        }
    }

    /// Interval before the next check, by state (HAProxy inter / fastinter / downinter).
    pub fn interval_us(&self, cfg: &ResolvedCheck) -> TimeUs {
        whole_ms_to_us(match self.state {
            HealthState::Up => cfg.inter_ms,
            HealthState::Suspect(_) | HealthState::Rising(_) | HealthState::Initial(_) => {
                cfg.fastinter_ms
            }
            HealthState::Down => cfg.downinter_ms,
        })
    }

    /// Fold one check result into the state; returns the transition, if any.
    pub fn on_result(&mut self, ok: bool, cfg: &ResolvedCheck) -> Option<Transition> {
        self.checks_run += 1;
        let (next, transition) = match (self.state, ok) {
            (HealthState::Up, true) => (HealthState::Up, None),
            (HealthState::Up, false) | (HealthState::Suspect(_), false) => {
                let n = match self.state {
                    HealthState::Suspect(n) => n + 1,
                    _ => 1,
                };
                if n >= cfg.fall {
                    (HealthState::Down, Some(Transition::MarkedDown))
                } else if n == 1 {
                    (HealthState::Suspect(1), Some(Transition::Suspected))
                } else {
                    (HealthState::Suspect(n), None)
                }
            }
            (HealthState::Suspect(_), true) => (HealthState::Up, Some(Transition::Cleared)),
            (HealthState::Down, false) => (HealthState::Down, None),
            (HealthState::Rising(_), false) => (HealthState::Down, None),
            (HealthState::Initial(_), false) => (HealthState::Initial(0), None),
            (HealthState::Down, true)
            | (HealthState::Rising(_), true)
            | (HealthState::Initial(_), true) => {
                let n = match self.state {
                    HealthState::Rising(n) | HealthState::Initial(n) => n + 1,
                    _ => 1,
                };
                if n >= cfg.rise {
                    (HealthState::Up, Some(Transition::MarkedUp))
                } else if matches!(self.state, HealthState::Initial(_)) {
                    (HealthState::Initial(n), None)
                } else {
                    (HealthState::Rising(n), None)
                }
            }
        };
        self.state = next;
        transition
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::CheckPreset;

    #[test]
    fn haproxy_fall_and_rise() {
        let cfg = CheckPreset::Haproxy.params();
        let mut c = Checker::new(0, 0, 0, &cfg);
        assert_eq!(c.state, HealthState::Up);
        assert_eq!(c.on_result(false, &cfg), Some(Transition::Suspected));
        assert!(c.state.in_rotation());
        assert_eq!(c.on_result(false, &cfg), None);
        assert_eq!(c.on_result(false, &cfg), Some(Transition::MarkedDown));
        assert!(!c.state.in_rotation());
        assert_eq!(c.on_result(true, &cfg), None);
        assert_eq!(c.state, HealthState::Rising(1));
        assert_eq!(c.on_result(true, &cfg), Some(Transition::MarkedUp));
    }

    #[test]
    fn alb_targets_start_initial() {
        let cfg = CheckPreset::AwsAlb.params();
        let mut c = Checker::new(0, 0, 0, &cfg);
        assert!(!c.state.in_rotation());
        for _ in 0..4 {
            assert_eq!(c.on_result(true, &cfg), None);
        }
        assert_eq!(c.on_result(true, &cfg), Some(Transition::MarkedUp));
    }
}
