//! Active health checking of one target by one balancer, with HAProxy's semantics.
//!
//! States (what the balancer *believes*, which lags what is true):
//! - `Up`: in rotation. A server HAProxy has just started is UP with its health counter at
//!   `rise` (`Checker::fresh`): one failed check before its first pass marks it DOWN.
//! - `Suspect(n)`: n consecutive failed checks, fewer than `fall`: still in rotation
//!   (HAProxy "UP, going down"). Checks now run every `fastinter`.
//! - `Down`: out of rotation; checks every `downinter`.
//! - `Rising(n)`: n consecutive successes after Down, fewer than `rise`: still out of
//!   rotation (HAProxy "DOWN, going up"); checks every `fastinter`.
//! - `Initial(n)`: a new target that must pass `rise` checks before its first traffic
//!   (AWS ALB `initial`, Kubernetes not-ready); out of rotation.
//!
//! HAProxy schedules the next check `interval` after the previous one *ends* (measured on
//! HAProxy 2.6), so a check that waits for its timeout T pushes every later one back. With
//! interval I and `fall` F, a crashed process (refused at once) is marked down between
//! (F−1)·I and F·I after the crash; a silent one, whose every check costs T + I, between
//! F·T + (F−1)·I and F·T + F·I — the arithmetic of `shared/reference/semantics.md`.
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
    /// Up at HAProxy's start-up health (`rise`, not `rise + fall − 1`): no margin yet, so
    /// one failure marks it down; the first passing check gives it the full `fall`.
    pub fresh: bool,
    /// How long the check in progress waits for its timeout (0: it is answered or refused).
    pub timeout_waited_us: TimeUs,
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
            fresh: Self::starts_fresh(cfg),
            timeout_waited_us: 0,
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

    /// Whether a target starting from `start_state` has HAProxy's start-up health.
    pub fn starts_fresh(cfg: &ResolvedCheck) -> bool {
        cfg.start_healthy && cfg.start_at_rise
    }

    /// Back to the start (a restarted balancer, checks newly enabled).
    pub fn restart(&mut self, cfg: &ResolvedCheck) {
        self.state = Self::start_state(cfg);
        self.fresh = Self::starts_fresh(cfg);
    }

    /// Interval before the next check, by state (HAProxy inter / fastinter / downinter:
    /// `inter` only at full health, so also `fastinter` for a fresh server).
    pub fn interval_us(&self, cfg: &ResolvedCheck) -> TimeUs {
        whole_ms_to_us(match self.state {
            HealthState::Up if self.fresh => cfg.fastinter_ms,
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
        let fresh = std::mem::replace(&mut self.fresh, false);
        let (next, transition) = match (self.state, ok) {
            (HealthState::Up, true) => (HealthState::Up, None),
            (HealthState::Up, false) if fresh => (HealthState::Down, Some(Transition::MarkedDown)),
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
        // One pass first: a fresh server has no margin (see the next test).
        assert_eq!(c.on_result(true, &cfg), None);
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
    fn a_fresh_haproxy_server_goes_down_on_one_failure_until_its_first_pass() {
        let cfg = CheckPreset::Haproxy.params();
        let mut c = Checker::new(0, 0, 0, &cfg);
        assert_eq!(c.on_result(false, &cfg), Some(Transition::MarkedDown));
        let mut passed = Checker::new(0, 0, 0, &cfg);
        assert_eq!(passed.on_result(true, &cfg), None);
        assert_eq!(passed.on_result(false, &cfg), Some(Transition::Suspected));
        // ALB's `start_healthy` (the alb-defaults preset) keeps UnhealthyThresholdCount.
        let alb = ResolvedCheck {
            start_healthy: true,
            ..CheckPreset::AwsAlb.params()
        };
        let mut a = Checker::new(0, 0, 0, &alb);
        assert_eq!(a.on_result(false, &alb), Some(Transition::Suspected));
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
