//! The autoscaling line under the diagram: per group the running / desired / min / max
//! counts, the last datapoint against the target and the last decision with its formula in
//! the vendor's words. Plain text from the snapshot (`sim::autoscaling_view`); refreshed
//! with the other panels, not per frame.
use yew::prelude::*;

use crate::sim::Snapshot;

pub fn autoscaling_note(snap: &Snapshot) -> Html {
    if snap.autoscalers.is_empty() {
        return Html::default();
    }
    let groups = snap.autoscalers.iter().map(|a| {
        html! {
            <span class="autoscaling-group"
                data-balancer={a.balancer.clone()}
                data-running={a.running.to_string()}
                data-desired={a.desired.to_string()}
                data-min={a.min.to_string()}
                data-max={a.max.to_string()}
                data-decisions={a.decisions.to_string()}>
                { format!("{}. ", a.sentence()) }
            </span>
        }
    });
    html! {
        <p class="autoscaling-note" title="Target tracking: desired = ceil(current × metric ÷ target), clamped to min and max; new instances boot and pass their health checks before they get traffic">
            <strong>{ "Autoscaling: " }</strong>
            { for groups }
        </p>
    }
}
