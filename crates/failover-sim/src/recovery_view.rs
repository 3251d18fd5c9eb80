//! What the recovery half shows: per balancer target, ejected / draining / slow start (with
//! its weight %) next to the health checks' belief, for the diagram's badges, the inspector
//! and tests. Read-only, like every view.
use super::engine::Simulation;
use super::load_balancer::Balancer;
use super::snapshot::HealthView;
use super::time::{fmt_duration, TimeUs};
use serde::Serialize;

/// One balancer's view of one target's recovery state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetRecoveryView {
    pub balancer: String,
    pub instance: String,
    /// `ejected`, `draining`, `slow start` or `normal`.
    pub state: &'static str,
    /// The share of its weight it gets now (100 unless ramping up under slow start).
    pub weight_percent: f64,
    /// Outlier ejections so far, and when the current one ends.
    pub ejections: u32,
    pub ejected_until_us: Option<TimeUs>,
    /// Failed answers in a row (Envoy's `consecutive_5xx` count).
    pub consecutive_5xx: u32,
}

/// The word for a target's recovery state, most pressing first, or None when normal.
fn state_word(b: &Balancer, slot: usize, now: TimeUs) -> Option<(&'static str, String)> {
    let t = b.targets.get(slot)?;
    if t.outlier.ejected(now) {
        return Some((
            "ejected",
            format!(
                "ejected by outlier detection for {} more (ejection {})",
                fmt_duration(t.outlier.ejected_until_us - now),
                t.outlier.ejections
            ),
        ));
    }
    if t.draining {
        return Some((
            "draining",
            format!("draining: no new requests, {} in flight finish", t.active),
        ));
    }
    b.slow_start_percent(slot, now)
        .map(|pct| ("slow start", format!("slow start {pct:.0} % of its weight")))
}

impl Simulation {
    /// Every balancer target's recovery state, balancer by balancer, in target order.
    pub fn target_recovery(&self) -> Vec<TargetRecoveryView> {
        let now = self.now;
        let mut out = Vec::new();
        for b in &self.balancers {
            for (slot, t) in b.targets.iter().enumerate() {
                out.push(TargetRecoveryView {
                    balancer: b.name.clone(),
                    instance: self.instances[t.instance as usize].name.clone(),
                    state: state_word(b, slot, now).map_or("normal", |(w, _)| w),
                    weight_percent: b.slow_start_percent(slot, now).unwrap_or(100.0),
                    ejections: t.outlier.ejections,
                    ejected_until_us: t.outlier.ejected(now).then_some(t.outlier.ejected_until_us),
                    consecutive_5xx: t.outlier.consecutive_5xx,
                });
            }
        }
        out
    }

    /// The health badge of a balancer → target edge, with the recovery state on top when
    /// there is one (the checks may say "up" while outlier detection has ejected it).
    pub(crate) fn recovery_health(&self, b: usize, slot: usize, health: HealthView) -> HealthView {
        match state_word(&self.balancers[b], slot, self.now) {
            Some((state, detail)) => HealthView {
                state,
                detail: format!("{detail}; checks: {}", health.detail),
                in_rotation: health.in_rotation,
            },
            None => health,
        }
    }
}
