//! What the autoscaler shows: per group the running / desired / min / max counts and its
//! last decision with the formula in the vendor's words, and on the diagram the state of
//! each member ("scaled in" greyed, "launching" while it boots and warms up). Read-only,
//! like every view.
use super::autoscaler::MemberState;
use super::engine::Simulation;
use super::instance::InstanceState;
use super::snapshot::{EdgeView, HealthView, NodeStatus, NodeView};
use super::time::TimeUs;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AutoscalerView {
    pub balancer: String,
    /// "AWS EC2 Auto Scaling target tracking" or "Kubernetes HorizontalPodAutoscaler".
    pub vendor: &'static str,
    /// Processes up (serving or able to once checked), launched or not.
    pub running: u32,
    /// Launched and not being scaled in (AWS desired capacity / HPA desiredReplicas).
    pub desired: u32,
    /// Counted in the metric (in service, past the warm-up).
    pub in_service: u32,
    pub min: u32,
    pub max: u32,
    pub target_percent: f64,
    /// The last closed datapoint (percent), if any instance was counted.
    pub last_metric_percent: Option<f64>,
    pub metric_period_ms: u64,
    /// The last scaling decision: when, its event-log line and its formula.
    pub last_decision_at_us: Option<TimeUs>,
    pub last_decision: Option<String>,
    pub last_formula: Option<String>,
    pub decisions: u32,
    /// Each member's name and state word, in target order.
    pub members: Vec<(String, &'static str)>,
}

impl AutoscalerView {
    /// One line for the diagram: "lb-1 autoscaling (AWS …): 3 running, desired 6 (min 3,
    /// max 9), target 50 % · last: desired capacity = ceil(3 × 92.0 % / 50 %) = 6".
    pub fn sentence(&self) -> String {
        let mut s = format!(
            "{} autoscaling ({}): {} running, desired {} (min {}, max {}), target {} % utilisation",
            self.balancer,
            self.vendor,
            self.running,
            self.desired,
            self.min,
            self.max,
            self.target_percent
        );
        if let Some(m) = self.last_metric_percent {
            s.push_str(&format!(
                ", last {} s: {m:.0} %",
                self.metric_period_ms / 1_000
            ));
        }
        if let Some(f) = &self.last_formula {
            s.push_str(&format!(" · last decision: {f}"));
        }
        s.push_str(&format!(
            " · the capacity-aware analysis above counts all {} declared instances, running or not",
            self.members.len()
        ));
        s
    }
}

impl Simulation {
    /// Every autoscaling group's view, in balancer order.
    pub fn autoscaling_views(&self) -> Vec<AutoscalerView> {
        self.autoscalers
            .iter()
            .map(|a| {
                let running = a
                    .members
                    .iter()
                    .filter(|&&i| {
                        matches!(
                            self.instances[i as usize].state,
                            InstanceState::Up | InstanceState::Starting
                        )
                    })
                    .count() as u32;
                AutoscalerView {
                    balancer: self.balancers[a.balancer as usize].name.clone(),
                    vendor: a.cfg.vendor.name(),
                    running,
                    desired: a.desired(),
                    in_service: a
                        .states
                        .iter()
                        .filter(|s| **s == MemberState::InService)
                        .count() as u32,
                    min: a.cfg.min_capacity,
                    max: a.cfg.max_capacity,
                    target_percent: a.cfg.target_utilisation_percent,
                    last_metric_percent: a.last_metric_percent,
                    metric_period_ms: a.cfg.metric_period_ms,
                    last_decision_at_us: a.last_decision.as_ref().map(|d| d.at_us),
                    last_decision: a.last_decision.as_ref().map(|d| d.summary()),
                    last_formula: a.last_decision.as_ref().map(|d| d.formula(a.cfg.vendor)),
                    decisions: a.decisions,
                    members: a
                        .members
                        .iter()
                        .zip(&a.states)
                        .map(|(&i, s)| (self.instances[i as usize].name.clone(), s.word()))
                        .collect(),
                }
            })
            .collect()
    }

    /// The diagram's word for group members the autoscaler holds: a scaled-in instance is
    /// stopped on purpose, not crashed; a launching one says why it gets no traffic yet.
    /// The balancer's edge to a scaled-in member says so too (not "marked down": it was
    /// deregistered on purpose).
    pub(crate) fn autoscaling_overlay(&self, nodes: &mut [NodeView], edges: &mut [EdgeView]) {
        for a in &self.autoscalers {
            let lb = self.balancer_node(a.balancer);
            for (&i, state) in a.members.iter().zip(&a.states) {
                let id = self.instance_node(i);
                if *state == MemberState::ScaledIn {
                    for e in edges.iter_mut().filter(|e| e.from == lb && e.to == id) {
                        e.health = Some(HealthView {
                            state: "scaled in",
                            detail: "deregistered by the autoscaler: no checks, no traffic".into(),
                            in_rotation: false,
                        });
                    }
                }
                let Some(n) = nodes.iter_mut().find(|n| n.id == id) else {
                    continue;
                };
                let inst_state = self.instances[i as usize].state;
                match state {
                    MemberState::ScaledIn if inst_state == InstanceState::Crashed => {
                        n.status = NodeStatus::ScaledIn;
                        n.detail =
                            "scaled in: stopped by the autoscaler until load needs it".to_string();
                    }
                    MemberState::Launching { .. } if inst_state == InstanceState::Up => {
                        n.detail = format!("launched by the autoscaler, warming up: {}", n.detail);
                    }
                    MemberState::Draining if inst_state == InstanceState::Crashed => {
                        n.status = NodeStatus::ScaledIn;
                        n.detail = "scaled in: stopped by the autoscaler".to_string();
                    }
                    _ => {}
                }
            }
        }
    }
}
