//! The Reliability panel's breakdown: from the analytic figure to what users saw, step by
//! step, each with its predicted and measured change and the parameter that drives it, then
//! what the figures quietly include (startup in MTTR, targets that start unhealthy, failure
//! records not shown). The figures come computed from the core
//! (`reliability/breakdown.rs`); this file only lays them out.
use yew::prelude::*;

use crate::sim::reliability::breakdown::Breakdown;

/// The breakdown as a table (steps) and a list (notes), refreshed with the snapshot.
pub fn breakdown_view(b: &Breakdown) -> Html {
    let rows = b.steps.iter().map(|s| {
        let (predicted, measured) = s.figures();
        let differs = b.differs_most == Some(s.key);
        html! {
            <tr data-step={s.key} data-predicted={format!("{:.6}", s.predicted)} data-measured={format!("{:.6}", s.measured)}
                class={classes!(differs.then_some("differs"))}
                title={if differs { "measured differs most from its prediction: this assumption broke" } else { "" }}>
                <th scope="row">
                    <span class="step-label">{ s.label }</span>
                    <span class="step-driver">{ s.driver.clone() }</span>
                </th>
                <td class="num">{ predicted }</td>
                <td class="num">{ measured }</td>
            </tr>
        }
    });
    let pct = |x: f64| format!("{:.2} %", x * 100.0);
    let notes = b
        .notes
        .iter()
        .map(|n| html! { <li data-note="">{ n.clone() }</li> });
    html! {
        <div class="breakdown" data-breakdown="">
            <table class="breakdown-table" aria-label="Availability, step by step">
                <thead><tr>
                    <th scope="col">{ "Availability, step by step" }</th>
                    <th scope="col" class="num">{ "predicted" }</th>
                    <th scope="col" class="num">{ "measured" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
                <tfoot><tr data-step="users-saw" data-predicted={format!("{:.6}", b.predicted_users_saw)} data-measured={format!("{:.6}", b.measured_users_saw)}>
                    <th scope="row">{ "= what users saw (requests answered OK)" }</th>
                    <td class="num">{ pct(b.predicted_users_saw) }</td>
                    <td class="num">{ pct(b.measured_users_saw) }</td>
                </tr></tfoot>
            </table>
            <p class="breakdown-comparison" data-comparison="">{ b.comparison() }</p>
            if !b.notes.is_empty() {
                <ul class="breakdown-notes" aria-label="What the figures include">{ for notes }</ul>
            }
        </div>
    }
}
