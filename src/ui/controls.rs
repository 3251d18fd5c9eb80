//! The control bar: scenario picker, run/pause, step, reset, speed, seed, "run to", the
//! simulated clock, and the share / import / export actions.
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::{fmt_clock, fmt_count, fmt_speed, Shared};
use super::runner::{MAX_SPEED, MIN_SPEED};
use super::share::Source;
use crate::sim::presets;
use crate::sim::time::TimeUs;

/// What the random seed is (it has nothing to do with the articles the scenarios cite).
const SEED_HINT: &str = "Random seed: the number that fixes every random draw (arrival times, service times, random failures). Same scenario + same seed + same commands = the same run, event for event; another seed gives another, equally likely run.";

/// The speeds offered as buttons next to the slider.
const SPEED_CHIPS: [f64; 3] = [1.0, 10.0, 100.0];

/// Speed slider positions: 0..=SLIDER_STEPS on a log scale from MIN_SPEED to MAX_SPEED.
const SLIDER_STEPS: f64 = 400.0;

pub fn speed_from_slider(v: f64) -> f64 {
    let lo = MIN_SPEED.log10();
    let hi = MAX_SPEED.log10();
    let s = 10f64.powf(lo + (hi - lo) * (v / SLIDER_STEPS).clamp(0.0, 1.0));
    // Snap near round values so 1×, 10×, 100× are reachable exactly.
    for r in [
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
    ] {
        if (s / r - 1.0).abs() < 0.03 {
            return r;
        }
    }
    if s >= 10.0 {
        s.round()
    } else {
        (s * 10.0).round() / 10.0
    }
}

pub fn slider_from_speed(s: f64) -> f64 {
    let lo = MIN_SPEED.log10();
    let hi = MAX_SPEED.log10();
    ((s.clamp(MIN_SPEED, MAX_SPEED).log10() - lo) / (hi - lo) * SLIDER_STEPS).round()
}

/// Which half of the controls to render: the run bar (clock, play, step, reset, speed) stays
/// at the top of the screen; the scenario bar (preset, seed, run to) sits with the diagram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Part {
    #[default]
    Run,
    Scenario,
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    #[prop_or_default]
    pub part: Part,
    pub playing: bool,
    pub speed: f64,
    pub slow: bool,
    pub achieved_speed: f64,
    pub now_us: TimeUs,
    pub events: u64,
    pub seed: u64,
    pub source: Shared<Source>,
    pub run_to: Option<TimeUs>,
    pub commands: usize,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_seed: Callback<u64>,
    pub on_preset: Callback<String>,
    pub on_run_to: Callback<TimeUs>,
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let seed_error = use_state(|| None::<String>);
    let run_to_error = use_state(|| None::<String>);
    let run_to_ref = use_node_ref();

    let current_preset = match &*p.source {
        Source::Preset(name) => name.clone(),
        Source::Custom(_) => String::new(),
    };
    let on_preset = {
        let cb = p.on_preset.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                let v = sel.value();
                if !v.is_empty() {
                    cb.emit(v);
                }
            }
        })
    };
    let on_speed = {
        let cb = p.on_speed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                if let Ok(v) = input.value().parse::<f64>() {
                    cb.emit(speed_from_slider(v));
                }
            }
        })
    };
    let on_seed = {
        let cb = p.on_seed.clone();
        let err = seed_error.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                let v = input.value();
                match v.trim().parse::<u64>() {
                    Ok(seed) => {
                        err.set(None);
                        cb.emit(seed);
                    }
                    Err(_) => err.set(Some(format!("`{v}` is not a whole number ≥ 0"))),
                }
            }
        })
    };
    let on_run_to = {
        let cb = p.on_run_to.clone();
        let err = run_to_error.clone();
        let input = run_to_ref.clone();
        let now = p.now_us;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = input.cast::<web_sys::HtmlInputElement>() else {
                return;
            };
            let v = input.value();
            match v.trim().trim_end_matches('s').trim().parse::<f64>() {
                Ok(s) if (0.0..=86_400.0).contains(&s) => {
                    let t = (s * 1e6).round() as TimeUs;
                    if t <= now {
                        err.set(Some(format!("already at {}", fmt_clock(now))));
                    } else {
                        err.set(None);
                        cb.emit(t);
                    }
                }
                _ => err.set(Some(format!("`{v}` is not a time in seconds (0 to 86400)"))),
            }
        })
    };
    let toggle = {
        let cb = p.on_toggle.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let step = {
        let cb = p.on_step.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let reset = {
        let cb = p.on_reset.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let speed_buttons = SPEED_CHIPS.map(|s| {
        let cb = p.on_speed.clone();
        let active = (p.speed - s).abs() < 1e-9;
        html! {
            <button type="button" class={classes!("chip", active.then_some("active"))} aria-pressed={if active { "true" } else { "false" }}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(s))}>{ fmt_speed(s) }</button>
        }
    });

    // Grouped by part of the course, in teaching order (`presets::all()` is in that order).
    let preset_groups = presets::PresetGroup::ALL.iter().map(|&g| {
        let options = presets::all().iter().filter(|pr| pr.group == g).map(|pr| {
            html! { <option value={pr.name} selected={pr.name == current_preset}>{ pr.title }</option> }
        });
        html! { <optgroup label={g.label()}>{ for options }</optgroup> }
    });
    let custom_option = match &*p.source {
        Source::Custom(s) => {
            html! { <option value="" selected=true>{ format!("Imported: {}", s.name) }</option> }
        }
        Source::Preset(_) => html! {},
    };

    if p.part == Part::Run {
        return html! {
        <div class="control-row">
            <div class="clock" role="timer" aria-live="off" aria-label="Simulated time">
                <span class="clock-label">{ "simulated" }</span>
                <span class="clock-value" data-clock="">{ fmt_clock(p.now_us) }</span>
                <span class="clock-events">{ format!("{} events", fmt_count(p.events)) }</span>
            </div>
            <div class="run-buttons" role="group" aria-label="Run">
                <button type="button" class={classes!("btn", "btn-primary", "play")} onclick={toggle} data-control="play"
                        aria-label={if p.playing { "Pause" } else { "Play" }}>
                    <svg class="btn-icon" viewBox="0 0 16 16" aria-hidden="true">
                        if p.playing {
                            <path d="M4.5 3h2.4v10H4.5zM9.1 3h2.4v10H9.1z" />
                        } else {
                            <path d="M4.5 2.8v10.4L13 8z" />
                        }
                    </svg>
                    <span>{ if p.playing { "Pause" } else { "Play" } }</span>
                </button>
                <button type="button" class="btn" onclick={step} data-control="step" title="Process exactly one event (pauses)">
                    <svg class="btn-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M3.5 3v10l7-5zM11.5 3h1.8v10h-1.8z" /></svg>
                    <span>{ "Step" }</span>
                </button>
                <button type="button" class="btn" onclick={reset} data-control="reset" title="Start this scenario again from 0 s, without your faults">
                    <svg class="btn-icon" viewBox="0 0 16 16" aria-hidden="true"><path class="stroke" d="M3.5 8a4.5 4.5 0 1 0 1.4-3.3M3.5 2.5v2.6h2.6" /></svg>
                    <span>{ "Reset" }</span>
                </button>
            </div>
            <div class="speed">
                <input id="speed-slider" type="range" aria-label="Speed" min="0" max={SLIDER_STEPS.to_string()} step="1"
                       value={slider_from_speed(p.speed).to_string()} oninput={on_speed}
                       aria-valuetext={format!("{} real time", fmt_speed(p.speed))} data-control="speed" />
                // The active chip already says 1×, 10× or 100×: the number beside the slider
                // is shown only between them, so "1×" never appears twice.
                <output class={classes!("speed-value", SPEED_CHIPS.iter().any(|c| (p.speed - c).abs() < 1e-9).then_some("visually-hidden"))}
                        for="speed-slider" data-speed-value="">{ fmt_speed(p.speed) }</output>
                <div class="chips" role="group" aria-label="Speed presets">{ for speed_buttons }</div>
            </div>
            // Conditional parts sit in always-present wrappers: Yew matches unkeyed
            // children from the end, and a shifting list would recreate the inputs.
            <span class="slow-slot" role="status">
                if p.slow && p.playing {
                    <span class="slow-note" data-slow="1">
                        { format!("Running slower than requested: about {} instead of {}", fmt_speed(p.achieved_speed.max(0.01)), fmt_speed(p.speed)) }
                    </span>
                }
            </span>
            <span class="commands-note">{ match p.commands { 0 => "no commands yet".to_string(), 1 => "1 command".to_string(), n => format!("{n} commands") } }</span>
        </div>
        };
    }
    html! {
        <div class="control-row secondary">
            <label class="field preset-field">
                <span class="field-label">{ "Scenario" }</span>
                <select class="select" onchange={on_preset} data-control="preset" aria-label="Scenario preset">
                    { custom_option }
                    { for preset_groups }
                </select>
            </label>
            <label class="field seed-field">
                <span class="field-label" title={SEED_HINT}>{ "Random seed" }<span class="hint-mark" aria-hidden="true">{ "?" }</span></span>
                <input class={classes!("input", "mono", seed_error.is_some().then_some("invalid"))} type="text" inputmode="numeric"
                       value={p.seed.to_string()} onchange={on_seed} data-control="seed" aria-label="Random seed"
                       aria-invalid={if seed_error.is_some() { "true" } else { "false" }}
                       aria-describedby="seed-error"
                       title={SEED_HINT} />
            </label>
            <span class="field-error" id="seed-error" role="alert">{ seed_error.as_deref().unwrap_or_default() }</span>
            <form class="field run-to" onsubmit={on_run_to}>
                <label class="field-label" for="run-to-input">{ "Run to" }</label>
                <input id="run-to-input" ref={run_to_ref} class={classes!("input", "mono", run_to_error.is_some().then_some("invalid"))}
                       type="text" inputmode="decimal" placeholder="seconds" data-control="run-to-input"
                       aria-describedby="run-to-error" />
                <button type="submit" class="btn btn-small" data-control="run-to">{ "Go" }</button>
                <span class="run-to-note">{ p.run_to.map(|t| format!("fast-forwarding to {}…", fmt_clock(t))).unwrap_or_default() }</span>
            </form>
            <span class="field-error" id="run-to-error" role="alert">{ run_to_error.as_deref().unwrap_or_default() }</span>
        </div>
    }
}
