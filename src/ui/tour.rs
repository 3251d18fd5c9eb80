//! The guided-tour panel (step text, the task, the measured explanation, Back / Next /
//! Exit, progress) and the start card that offers the tours next to "explore freely".
//! The tours are data (`crate::tours`); the runner opens their steps (`tour_state.rs`).
use yew::prelude::*;

use super::tour_state::TourView;
use crate::tours;

#[derive(Properties, PartialEq)]
pub struct TourPanelProps {
    pub view: TourView,
    pub on_back: Callback<()>,
    pub on_next: Callback<()>,
    pub on_exit: Callback<()>,
    pub on_do_it: Callback<()>,
}

#[function_component(TourPanel)]
pub fn tour_panel(p: &TourPanelProps) -> Html {
    let v = &p.view;
    // The diagram marks the step's nodes (and zones, regions) by name.
    {
        let names: Vec<&'static str> = v.highlight.to_vec();
        use_effect_with((v.tour_id, v.step, v.playing_to.is_some()), move |_| {
            highlight(&names);
            move || highlight(&[])
        });
    }
    let last = v.step + 1 == v.steps;
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let status = if let Some(ask) = &v.ask {
        html! {
            <p class="tour-ask" data-tour-ask="">
                <strong>{ ask.clone() }</strong>
                { " — in the diagram (click the node), or " }
                <button type="button" class="btn btn-small" onclick={click(&p.on_do_it)} data-control="tour-do-it">{ "do it for me" }</button>
            </p>
        }
    } else if let Some(t) = v.playing_to {
        html! { <p class="tour-wait muted" data-tour-playing="">{ format!("Playing to {} …", super::common::fmt_s1(t)) }</p> }
    } else {
        html! {}
    };
    let dots = (0..v.steps).map(|i| {
        html! { <li class={classes!("tour-dot", (i == v.step).then_some("current"), (i < v.step).then_some("done"))} aria-hidden="true" /> }
    });
    html! {
        <section class="tour-panel" aria-label={format!("Guided tour: {}", v.tour_title)}
                 data-tour={v.tour_id} data-tour-step={(v.step + 1).to_string()} data-tour-done={v.explanation.is_some().to_string()}>
            <div class="tour-head">
                <span class="tour-name">{ v.tour_title }</span>
                <span class="tour-progress" data-tour-progress="">{ format!("Step {} of {}", v.step + 1, v.steps) }</span>
                <ol class="tour-dots">{ for dots }</ol>
            </div>
            <div class="tour-body" aria-live="polite">
                <h3 class="tour-title">{ v.title }</h3>
                <p class="tour-text">{ v.text }</p>
                { status }
                if let Some(e) = &v.explanation {
                    <p class="tour-explain" data-tour-explain="">{ e.clone() }</p>
                }
            </div>
            <div class="tour-nav" role="group" aria-label="Tour navigation">
                <button type="button" class="btn btn-small" onclick={click(&p.on_back)} disabled={v.step == 0} data-control="tour-back">{ "← Back" }</button>
                <button type="button" class="btn btn-small btn-primary" onclick={click(&p.on_next)} data-control="tour-next"
                        disabled={v.explanation.is_none()}>
                    { if last { "Finish" } else { "Next →" } }
                </button>
                <button type="button" class="btn btn-small btn-ghost" onclick={click(&p.on_exit)} data-control="tour-exit">{ "Exit tour" }</button>
            </div>
        </section>
    }
}

/// Adds `tour-highlight` to the diagram's nodes and boxes named in `names` (and removes it
/// from every other one).
fn highlight(names: &[&str]) {
    let Some(doc) = super::common::document() else {
        return;
    };
    if let Ok(old) = doc.query_selector_all(".tour-highlight") {
        for i in 0..old.length() {
            if let Some(el) = old
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = el.class_list().remove_1("tour-highlight");
            }
        }
    }
    for name in names {
        let selector = format!("[data-node-name=\"{name}\"], [data-domain=\"{name}\"]");
        if let Ok(found) = doc.query_selector_all(&selector) {
            for i in 0..found.length() {
                if let Some(el) = found
                    .item(i)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                {
                    let _ = el.class_list().add_1("tour-highlight");
                }
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TourStartProps {
    /// Start tour `id` at its first step.
    pub on_start: Callback<&'static str>,
    /// "Explore freely": close the card.
    pub on_close: Callback<()>,
}

/// The first-visit card: the tours, next to exploring on one's own.
#[function_component(TourStart)]
pub fn tour_start(p: &TourStartProps) -> Html {
    let items = tours::all().iter().map(|t| {
        let on_start = p.on_start.clone();
        let id = t.id;
        html! {
            <li>
                <button type="button" class="btn btn-small tour-start-btn" data-start-tour={t.id}
                        title={format!("{} ({} steps, from {})", t.summary, t.steps.len(), t.source)}
                        onclick={Callback::from(move |_: MouseEvent| on_start.emit(id))}>{ t.title }</button>
            </li>
        }
    });
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section class="tour-start" aria-label="Guided tours" data-tour-start="">
            <span class="tour-start-lead">{ "New here? Take a guided tour:" }</span>
            <ul class="tour-start-list">{ for items }</ul>
            <button type="button" class="btn btn-small btn-ghost" onclick={close} data-control="explore">{ "Explore freely" }</button>
        </section>
    }
}
